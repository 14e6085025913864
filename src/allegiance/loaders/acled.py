"""ACLED event exports: who fought whom, who fought alongside whom, who took which place.

Two layouts are read, told apart by the header (in either case):
- current exports (``event_id_cnty, event_date, ..., sub_event_type, actor1,
  assoc_actor_1, inter1, ...``; dates ``2020-05-18`` or ``18 May 2020``; inter codes as
  numbers or, since 2024, as text such as ``State forces``);
- older exports (``GWNO, EVENT_ID_CNTY, ..., EVENT_TYPE, ACTOR1, ALLY_ACTOR_1, ...``;
  dates ``18/05/2020``; territory changes are event types such as
  ``Battle-Government regains territory``), often cp1252 rather than UTF-8.

Per event (ACLED events are one day, one place, one pair of main actors):
- Battles and Explosions/Remote violence between two organised armed actors: each
  ``opposes`` the other (kind ``armed``), once each way, because ACLED says the order of
  the actors means nothing;
- an associated actor of an armed main actor in those events, or in a territorial one,
  ``supports`` it (kind ``troops``: the codebook's associated actor is "an ally in the
  action"), unless its name is one of ACLED's designations (``Civilians (Libya)``,
  ``Tebu Ethnic Group (Libya)``, ``Women (Libya)``...), which say who was hit or who
  someone is, not who helped;
- a territorial event (government regains, non-state actor overtakes, non-violent
  transfer, headquarters or base established) starts a ``controls`` hold (kind
  ``military``) of the event's location by the side that gained it.
Other events (protests, riots, violence against civilians, other strategic
developments) say nothing about alliances; the load report counts them.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Iterator
from typing import IO, BinaryIO, NamedTuple

from allegiance.exc import InputError
from allegiance.loaders import Options
from allegiance.loaders.handles import PROGRESS_ROWS
from allegiance.loaders.records import NOTE, DatasetRef, Record
from allegiance.loaders.tabular import check_header, located_rows, packaged_table
from allegiance.loaders.untrusted import shown
from allegiance.model.names import slug

DATASET = "acled"
CURRENT = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
           "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "country", "admin1", "location", "notes")
OLDER = ("EVENT_ID_CNTY", "EVENT_DATE", "TIME_PRECISION", "EVENT_TYPE", "ACTOR1", "ALLY_ACTOR_1", "INTER1",
         "ACTOR2", "ALLY_ACTOR_2", "INTER2", "COUNTRY", "ADMIN1", "LOCATION", "NOTES")
# Older exports name these columns differently; rows are read by the current names.
RENAMED = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}

INTER_NAMES = {"state forces": 1, "rebel group": 2, "political militia": 3, "identity militia": 4,
               "rioters": 5, "protesters": 6, "civilians": 7, "external/other forces": 8}
INTER_TYPES = {1: "government", 2: "armed_group", 3: "militia", 4: "militia",
               5: "other", 6: "other", 7: "other", 8: "other"}
ARMED = {1, 2, 3, 4, 8}  # organised armed actors; 5-7 are rioters, protesters, civilians

FIGHTS = {"battles", "explosions/remote violence", "battle-no change of territory",
          "battle-government regains territory", "battle-non-state actor overtakes territory", "remote violence"}
# Who gains the place: the codebook defines the side for the first two kinds (if both or
# neither side is state forces - Libya's rival governments are both - actor 1 is taken).
GAINS = {"government regains territory": "state", "battle-government regains territory": "state",
         "non-state actor overtakes territory": "non-state", "battle-non-state actor overtakes territory": "non-state",
         "non-violent transfer of territory": "actor1", "headquarters or base established": "actor1"}

_STATE_FORCES = re.compile(r"^(?!Mutiny).*\bForces of .+\(\d{4}-(\d{4})?\)")
_DESIGNATION = re.compile(
    r"^(Civilians|Women|Men|Children|LGBTQ\+|Students|Teachers|Journalists|Migrants|Refugees/IDPs|Prisoners"
    r"|Health Workers|Aid Workers|Farmers|Fishers|Lawyers|Judges|Labor Group) \(|(?<!Armed) Group \([^()]*\)$")
# ISO 3166 numeric code (ACLED's ``iso`` column) -> alpha-2.
_ISO = {row["numeric"]: row["alpha2"] for row in packaged_table("acled_iso.csv", {
    "numeric": (r"[1-9]\d{0,2}", "an ISO 3166 numeric code such as 434"),
    "alpha2": (r"[A-Z]{2}", "an ISO 3166 alpha-2 code such as LY"),
}, key="numeric")}

_MONTHS = {name.lower(): number for names in (calendar.month_name, calendar.month_abbr)
           for number, name in enumerate(names) if name}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})$")


def read(stream: BinaryIO, path: str, options: Options) -> Iterator[Record]:
    reader = csv.reader(_decoded(stream, path))
    try:
        header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
    except StopIteration:
        raise InputError("empty file; expected an ACLED export with a header line", file=path) from None
    except csv.Error as e:
        raise InputError(f"not valid CSV: {e}", file=path, record="line 1") from None
    columns, older = _columns(header, path)
    name = os.path.basename(path)
    # An export is a snapshot of a living dataset with no version: the file names it.
    source = f"{DATASET}-{slug(os.path.splitext(name)[0])}"
    yield Record("source", {"id": source, "title": f"ACLED export {name}",
                            "publisher": "Armed Conflict Location & Event Data (ACLED)",
                            "url": "https://acleddata.com/"}, path, "file")
    skipped: Counter[tuple[str, str]] = Counter()
    for count, (start, row) in enumerate(located_rows(reader, len(header), path, reader.line_num + 1), start=1):
        if options.progress is not None and count % PROGRESS_ROWS == 0:
            options.progress()
        where = f"line {start}"
        event = Event({key: row[i].strip() for key, i in columns.items()}, older, path, where)
        for data in event.statements(source, skipped):
            yield Record("statement", data, path, where)
    for text in _notes(skipped):
        yield Record(NOTE, {"text": text}, path, "file")


def _decoded(stream: IO[bytes], path: str) -> Iterator[str]:
    """Text lines: UTF-8 until a line is not, then cp1252 (older exports) for the rest.

    Decoding line by line keeps the read streaming; a byte 0x0A ends a line in both.
    """
    encoding = "utf-8"
    for number, raw in enumerate(stream, start=1):
        try:
            yield raw.decode(encoding)
            continue
        except UnicodeDecodeError as e:
            error = e
        if encoding == "utf-8":
            encoding = "cp1252"
            try:
                yield raw.decode(encoding)
                continue
            except UnicodeDecodeError as e:
                error = e
        raise InputError(f"neither UTF-8 nor cp1252 text: byte {error.object[error.start]:#x}",
                         file=path, record=f"line {number}")


def _columns(header: list[str], path: str) -> tuple[dict[str, int], bool]:
    """Column positions by their current lower-case names, and whether the layout is the older one."""
    check_header([cell.lower() for cell in header], path)
    found = {cell.lower(): i for i, cell in enumerate(header)}
    expected: tuple[str, ...]  # CURRENT or OLDER
    if "assoc_actor_1" in found:
        expected, layout = CURRENT, "current layout"
    elif "ally_actor_1" in found:
        expected, layout = OLDER, "older layout"
    else:
        raise InputError("not an ACLED export: expected the column assoc_actor_1 (current exports) "
                         "or ALLY_ACTOR_1 (older exports)", file=path, record="line 1")
    for column in expected:
        if column.lower() not in found:
            raise InputError(f"missing column {column!r}; an ACLED export ({layout}) needs the columns "
                             f"{', '.join(expected)}", file=path, record="line 1", field=column)
    return {RENAMED.get(key, key): i for key, i in found.items()}, expected is OLDER


class Side(NamedTuple):
    ref: DatasetRef
    inter: int | None


class Event:
    """One row; ``statements`` says what it shows about alliances and places."""

    def __init__(self, cells: dict[str, str], older: bool, path: str, where: str):
        self.cells, self.older, self.path, self.where = cells, older, path, where
        self.country = cells["country"]
        iso = cells.get("iso", "").split(".")[0]  # spreadsheets write 434 as 434.0
        self.alpha2 = _ISO.get(iso)

    def statements(self, source: str, skipped: Counter[tuple[str, str]]) -> Iterator[dict]:
        kind = self.cells["event_type"].lower()
        sub = self.cells.get("sub_event_type", "").lower() or kind
        fights, gains = kind in FIGHTS, GAINS.get(sub)
        if not fights and gains is None:
            skipped["events not mapped (they show no alliance or control), by type", self.cells["event_type"]] += 1
            return
        common = {"source": source, "quote": self._quote(), "record": self._required("event_id_cnty")}
        when = self._when()
        one, two = self._side(1), self._side(2)
        if fights and one and two and one.inter in ARMED and two.inter in ARMED:
            if one.ref.name == two.ref.name:
                skipped["fights left out, the same actor on both sides", one.ref.name] += 1
            else:
                for a, b in ((one, two), (two, one)):
                    yield {"subject": a.ref, "relation": "opposes", "object": b.ref, "kind": "armed", "on": when,
                           **common}
        for number, main in ((1, one), (2, two)):
            if main and main.inter in ARMED:
                for ally in self._allies(number, main.ref, skipped):
                    yield {"subject": ally, "relation": "supports", "object": main.ref, "kind": "troops", "on": when,
                           **common}
        if gains is not None:
            cells = self.cells
            place = DatasetRef(DATASET, self._required("location"),
                               f"{self.country}:{cells['admin1']}:{cells['location']}", country=self.alpha2)
            yield {"subject": self._gainer(gains, one, two), "relation": "controls", "object": place,
                   "kind": "military", "start": when, **common}

    # -- actors ------------------------------------------------------------------
    def _side(self, number: int) -> Side | None:
        name = self.cells[f"actor{number}"]
        if not name:
            return None
        inter = self._inter(f"inter{number}")
        type_ = INTER_TYPES.get(inter) if inter else None
        if inter == 8 and _STATE_FORCES.match(name):
            type_ = "government"  # a state's forces abroad
        return Side(DatasetRef(DATASET, name, type=type_, country=self._country_of(name, inter)), inter)

    def _allies(self, number: int, main: DatasetRef, skipped: Counter[tuple[str, str]]) -> Iterator[DatasetRef]:
        for name in filter(None, (part.strip() for part in self.cells[f"assoc_actor_{number}"].split(";"))):
            if _DESIGNATION.search(name):
                skipped["associated actors taken as designations, not allies", name] += 1
            elif name != main.name:
                yield DatasetRef(DATASET, name, type="government" if _STATE_FORCES.match(name) else None,
                                 country=self._country_of(name, None))

    def _gainer(self, gains: str, one: Side | None, two: Side | None) -> DatasetRef:
        if one is None:
            raise InputError("a change of control needs an actor", file=self.path, record=self.where,
                             field=self._name("actor1"))
        state = [side for side in (one, two) if side and side.inter == 1]
        if two is None or gains == "actor1" or len(state) != 1:
            return one.ref
        if gains == "state":
            return state[0].ref
        return (two if state[0] is one else one).ref

    def _inter(self, column: str) -> int | None:
        text = self.cells[column]
        if text.isascii() and text.isdigit() and len(text) <= 3 and int(text) <= 8:
            return int(text) or None
        if not text:
            return None
        if text.lower() in INTER_NAMES:
            return INTER_NAMES[text.lower()]
        raise InputError(f"expected an actor type code from 0 to 8 or a name such as 'State forces', got {shown(text)}",
                         file=self.path, record=self.where, field=self._name(column))

    def _country_of(self, name: str, inter: int | None) -> str | None:
        """The event's country, for actors ACLED ties to it: its state forces at home
        (abroad they are inter 8), and names such as 'Unidentified Armed Group (Libya)'."""
        if self.alpha2 is None:
            return None
        country = re.escape(self.country)
        if inter == 1 or re.search(rf"\({country}\)$|Forces of (the )?{country} \(", name):
            return self.alpha2
        return None

    # -- dates and words ---------------------------------------------------------
    def _when(self) -> str:
        """The event date at ACLED's time precision, as a partial date.

        1: the day. 3: sometime in the month (ACLED records its middle, or its first or
        last day). 2: sometime in the week or weekend around the recorded day (ACLED
        records the middle, a Wednesday or Thursday, so 3 days before to 4 after): the
        month if the whole week lies in it, else the year; a week across New Year gets
        the recorded day's year.
        """
        day = self._date()
        precision = self._required("time_precision")
        if precision not in ("1", "2", "3"):
            raise InputError(f"expected a time precision of 1, 2 or 3, got {shown(precision)}",
                             file=self.path, record=self.where, field=self._name("time_precision"))
        if precision == "1":
            return day.isoformat()
        try:
            first, last = day - dt.timedelta(days=3), day + dt.timedelta(days=4)
        except OverflowError:  # a week around 1 January of year 1 or 31 December 9999
            return f"{day.year:04d}"
        if precision == "3" or (first.year, first.month) == (last.year, last.month):
            return f"{day:%Y-%m}"
        return f"{day.year:04d}"

    def _date(self) -> dt.date:
        text = self._required("event_date")
        for pattern, order in ((_ISO_DATE, (1, 2, 3)), (_DMY, (3, 2, 1)), (_NAMED, (3, 2, 1))):
            match = pattern.match(text)
            if match:
                year, month, day = (match.group(i) for i in order)
                number = _MONTHS.get(month.lower(), 0) if pattern is _NAMED else int(month)
                try:
                    return dt.date(int(year), number, int(day))
                except ValueError:
                    break
        raise InputError(f"expected a date such as 2020-05-18, 18 May 2020 or 18/05/2020, got {shown(text)}",
                         file=self.path, record=self.where, field=self._name("event_date"))

    def _quote(self) -> str:
        """ACLED's note, then the outlets ACLED cites: the statement's source is ACLED,
        and the quote is the one place left to say whose reports ACLED coded."""
        cells = self.cells
        notes = cells["notes"] or (
            f"{cells['event_type']}: {cells['actor1']}{' - ' + cells['actor2'] if cells['actor2'] else ''} "
            f"at {cells['location']} ({cells['admin1']}, {self.country}), {cells['event_date']}")
        return f"{notes} [sources: {cells['source']}]" if cells.get("source") else notes

    def _required(self, column: str) -> str:
        if not self.cells[column]:
            raise InputError("expected a value", file=self.path, record=self.where, field=self._name(column))
        return self.cells[column]

    def _name(self, column: str) -> str:
        """The column as the file spells it: older exports use upper case."""
        return column.upper() if self.older else column


def _notes(skipped: Counter[tuple[str, str]]) -> Iterator[str]:
    """One line per kind of thing left out, most frequent names first."""
    kinds: dict[str, list[str]] = {}
    for (kind, name), number in sorted(skipped.items(), key=lambda item: (-item[1], item[0])):
        kinds.setdefault(kind, []).append(f"{name} {number}")
    for kind, names in kinds.items():
        yield f"{kind}: {', '.join(names)}"
