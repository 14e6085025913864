"""UCDP/PRIO Armed Conflict Dataset, one row per conflict-year: who fought whom, who sent troops.

Per row (conflict ``conflict_id`` in ``year``):
- every primary party on side A ``opposes`` every primary party on side B, and each of
  those on side B opposes each on side A (kind ``armed``): the file says the sides fought;
- every state in ``side_a_2nd`` ``supports`` every primary party on side A, and likewise for
  side B (kind ``troops``: the codebook's secondary warring parties joined with troops).

Actors are UCDP's own: the actor id from ``side_a_id``/``side_b_id`` is the dataset code.
"Government of X" is a ``government`` (its country confirmed by the row's Gleditsch-Ward
numbers, see ``schema/gleditsch_ward.csv``); every other party is an ``armed_group``.

Names and ids. A side with several parties lists its ids (``"5802, 6814, 6893"``) and its
names (``"Forces of Khalifa al-Ghawil, Forces of the House of Representatives, PFLL"``) in
different orders - ids by number, names by alphabet - and a name may hold commas
(``"Military faction (forces of Honasan, Abenina & Zumel)"``). So:
1. a side with one id has the whole cell as its name; with several, the cell is cut at the
   commas outside parentheses, which must give one name per id (or the row is an error);
2. ids are paired with names by what the file itself says, in a first pass over it: the
   name a side with that id alone carries, then by elimination (the one id and the one name
   a side leaves unpaired belong together), repeated until nothing new is learned;
3. a name still unpaired (the file never tells, e.g. ``DPR`` and ``LPR`` always together)
   is loaded by its name alone, without a code, and the load report lists it.
Secondary warring parties have no id column: their code is the id the file gives the same
government as a primary party, if it ever is one (else none), and their country is the
Gleditsch-Ward number of the row that belongs to their name.

Dates. A row covers its year, narrowed at either end by what falls inside that year: the
start of the conflict (``start_date``) or else of the episode (``start_date2``), and the end
of an episode (``ep_end_date``, given when ``ep_end`` is 1). Only precise dates narrow: the
codebook gives defaults such as 31 December where it knows no more. Precision codes
(``start_prec``, ``start_prec2``, ``ep_end_prec``) are read as 1 = the day, 2-3 = the month
(day approximate: a week, a month), 4 and above = no better than the year (in v22.1 codes 5-7
are almost all 31 December, 4 mostly a month's last day: an estimate). ``ep_end_prec`` is
empty throughout v22.1: an end date without a code is taken at its day, except 31 December,
which says no more than the year.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from typing import IO, BinaryIO

from allegiance.exc import InputError
from allegiance.loaders import Options
from allegiance.loaders.handles import PROGRESS_ROWS, text_of
from allegiance.loaders.records import NOTE, DatasetRef, Record
from allegiance.loaders.tabular import read_header, read_rows
from allegiance.loaders.ucdp import ACTORS, GOVERNMENT, GW, GW_BY_NAME, is_id, match_known
from allegiance.loaders.untrusted import shown

DATASET = "ucdp-acd"
COLUMNS = ("conflict_id", "location", "side_a", "side_a_id", "side_a_2nd", "side_b", "side_b_id", "side_b_2nd",
           "year", "start_date", "start_prec", "start_date2", "start_prec2", "ep_end", "ep_end_date", "ep_end_prec",
           "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd", "version")

# Precision code -> how many characters of YYYY-MM-DD the date is good for.
_KEEP = {1: 10, 2: 7, 3: 7}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def split_names(cell: str, count: int) -> list[str] | None:
    """The names in a side cell that has ``count`` ids; None if they cannot be told apart.

    Names may hold commas, but only inside parentheses when a cell lists several
    (``"CPP, Military faction (forces of Honasan, Abenina & Zumel)"``); a single name may
    hold them anywhere (``"Military Junta for the Consolidation of Democracy, Peace and Justice"``).
    """
    names = [cell.strip()] if count == 1 else _top_level(cell)
    return names if len(names) == count and all(names) else None


def _top_level(cell: str) -> list[str]:
    """The cell cut at the commas outside parentheses."""
    names, depth, start = [], 0, 0
    for i, char in enumerate(cell):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            names.append(cell[start:i].strip())
            start = i + 1
    names.append(cell[start:].strip())
    return [name for name in names if name]


def read(handle: BinaryIO, path: str, options: Options) -> Iterator[Record]:
    with text_of(handle) as stream:
        header = read_header(stream, path, "the UCDP/PRIO Armed Conflict Dataset", COLUMNS)
        pairing, version = _first_pass(stream, header, path)
        source = _source(version)
        yield Record("source", source, path, "file")
        stream.seek(0)
        next(csv.reader(stream))
        for count, (where, row) in enumerate(read_rows(stream, header, path), start=1):
            if options.progress is not None and count % PROGRESS_ROWS == 0:
                options.progress()
            yield from (Record("statement", data, path, where)
                        for data in _statements(row, where, path, pairing, source["id"]))
    for text in pairing.notes():
        yield Record(NOTE, {"text": text}, path, "file")


def _source(version: str | None) -> dict[str, str]:
    source = {"id": DATASET, "title": "UCDP/PRIO Armed Conflict Dataset",
              "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University, and PRIO",
              "url": "https://ucdp.uu.se/downloads/"}
    if version is None:  # a header without rows
        return source
    source.update(id=f"{DATASET}-{version}", title=f"{source['title']} version {version}")
    major = re.match(r"^(\d{2})\.\d+$", version)
    if major:
        source["published"] = f"20{major.group(1)}"  # UCDP numbers versions YY.N by the year of release
    return source


def _ids(row: dict[str, str], column: str, where: str, path: str) -> list[str]:
    ids = [i.strip() for i in row[column].split(",")]
    if not all(is_id(i) for i in ids):
        raise InputError(f"expected UCDP actor ids separated by commas, got {shown(row[column])}",
                         file=path, record=where, field=column)
    return ids


def _side(row: dict[str, str], side: str, where: str, path: str) -> tuple[list[str], list[str]]:
    """A primary side's ids and names, as many of each, in the file's (unrelated) orders."""
    ids = _ids(row, f"side_{side}_id", where, path)
    names = split_names(row[f"side_{side}"], len(ids))
    if names is None:
        raise InputError(f"cannot tell {len(ids)} names apart in {shown(row[f'side_{side}'])} for the ids "
                         f"{', '.join(ids)}: expected names separated by commas outside parentheses",
                         file=path, record=where, field=f"side_{side}")
    return ids, names


class Pairing:
    """Which UCDP actor id goes with which name, as the whole file tells it."""

    def __init__(self) -> None:
        self.names: dict[str, set[str]] = {}  # id -> the names the file pairs with it
        self.sides: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()  # multi-party sides
        self.unpaired: dict[str, set[str]] = {}  # name -> the ids it may have (report)
        self.no_code: set[str] = set()  # secondary parties never named as a primary party

    def add(self, ids: list[str], names: list[str]) -> None:
        if len(ids) == 1:
            self.names.setdefault(ids[0], set()).add(names[0])
        else:
            self.sides.add((tuple(ids), tuple(names)))

    def settle(self) -> None:
        """Pair by elimination until nothing new is learned."""
        learned = True
        while learned:
            learned = False
            for ids, names in self.sides:
                _, ids_left, names_left = self._match(ids, names)
                if len(ids_left) == 1 and len(names_left) == 1:
                    known = self.names.setdefault(ids_left[0], set())
                    learned = learned or names_left[0] not in known  # only news goes round again
                    known.add(names_left[0])
        by_name: dict[str, set[str]] = {}
        for id_, paired in self.names.items():
            for name in paired:
                by_name.setdefault(name, set()).add(id_)
        # a government's id, for secondary parties (names that several ids carry are left out)
        self.government = {name: next(iter(ids)) for name, ids in by_name.items()
                           if len(ids) == 1 and name.startswith(GOVERNMENT)}

    def _match(self, ids: Iterable[str], names: Iterable[str]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
        return match_known(ids, names, self.names)

    def pair(self, ids: list[str], names: list[str]) -> list[tuple[str | None, str]]:
        """(code, name) per party; code None where the file never tells which id it is."""
        if len(ids) == 1:
            return [(ids[0], names[0])]
        pairs, ids_left, names_left = self._match(ids, names)
        if len(ids_left) == 1:
            return [*pairs, (ids_left[0], names_left[0])]
        for name in names_left:
            self.unpaired.setdefault(name, set()).update(ids_left)
        return [*pairs, *((None, name) for name in names_left)]

    def secondary(self, name: str) -> str | None:
        code = self.government.get(name)
        if code is None:
            self.no_code.add(name)
        return code

    def notes(self) -> Iterator[str]:
        if self.unpaired:
            listed = "; ".join(f"{name} (one of {', '.join(sorted(ids, key=int))})"
                               for name, ids in sorted(self.unpaired.items()))
            yield (f"{len(self.unpaired)} UCDP ACD name(s) loaded without their actor id, because the file lists "
                   f"them only beside other parties and never says which id is whose: {listed}")
        if self.no_code:
            yield (f"{len(self.no_code)} UCDP ACD secondary warring part(ies) loaded by name only, never a primary "
                   f"party with an id in this file: {', '.join(sorted(self.no_code))}")


def _first_pass(stream: IO[str], header: list[str], path: str) -> tuple[Pairing, str | None]:
    pairing, versions = Pairing(), set()
    for where, row in read_rows(stream, header, path):
        versions.add(row["version"])
        for side in "ab":
            pairing.add(*_side(row, side, where, path))
    pairing.settle()
    if len(versions) > 1:
        raise InputError(f"rows of several versions ({', '.join(sorted(versions))}); expected one version per file",
                         file=path, field="version")
    return pairing, versions.pop() if versions else None


def _statements(row: dict[str, str], where: str, path: str, pairing: Pairing, source: str) -> Iterator[dict]:
    year = row["year"]
    if not (len(year) == 4 and year.isascii() and year.isdigit()):
        raise InputError(f"expected a year such as 2020, got {shown(year)}", file=path, record=where, field="year")
    start, end = _start(row, year, where, path), _end(row, year, where, path)
    dates = {"start": start or year, "end": end or year}
    head = f"UCDP/PRIO ACD {year}, conflict {row['conflict_id']} ({row['location']})"
    common = {"source": source, "record": f"{row['conflict_id']}-{year}", **dates}
    sides = {side: [_ref(code, name, row[f"gwno_{side}"]) for code, name in pairing.pair(*_side(row, side, where, path))]
             for side in "ab"}
    for one, other in (("a", "b"), ("b", "a")):
        for subject in sides[one]:
            for obj in sides[other]:
                yield {"subject": subject, "relation": "opposes", "object": obj, "kind": "armed", **common,
                       "quote": f"{head}: {subject.name} (side {one.upper()}) fights {obj.name} (side {other.upper()})"}
    for side in "ab":
        cell = row[f"side_{side}_2nd"]
        if not cell:
            continue
        for name in _top_level(cell):  # states: no commas in their names outside parentheses
            state = _ref(pairing.secondary(name), name, row[f"gwno_{side}_2nd"])
            for backed in sides[side]:
                yield {"subject": state, "relation": "supports", "object": backed, "kind": "troops", **common,
                       "quote": f"{head}: {state.name} is a secondary warring party on side {side.upper()}, "
                                f"with troops, beside {backed.name}"}


def _ref(code: str | None, name: str, gwnos: str) -> DatasetRef:
    if not name.startswith(GOVERNMENT):
        return DatasetRef(ACTORS, name, code, type="armed_group")
    gw = GW_BY_NAME.get(name[len(GOVERNMENT):])
    # the row's own Gleditsch-Ward numbers must confirm the table, else no country
    country = None
    if gw is not None and str(gw) in (g.strip() for g in gwnos.split(",")):
        country = GW[gw][0]
    return DatasetRef(ACTORS, name, code, type="government", country=country)


def _date(row: dict[str, str], column: str, where: str, path: str) -> str | None:
    value = row[column]
    if value and not _DATE.match(value):
        raise InputError(f"expected a date as YYYY-MM-DD, got {shown(value)}", file=path, record=where, field=column)
    return value or None


def _precision(row: dict[str, str], column: str, where: str, path: str) -> int | None:
    value = row[column]
    if value and not (value.isascii() and value.isdigit() and len(value) <= 3):
        raise InputError(f"expected a precision code such as 1 (the exact day), got {shown(value)}",
                         file=path, record=where, field=column)
    return int(value) if value else None


def _start(row: dict[str, str], year: str, where: str, path: str) -> str | None:
    """The conflict's or else the episode's start, if it falls in the row's year and is precise."""
    for date_column, precision_column in (("start_date", "start_prec"), ("start_date2", "start_prec2")):
        date = _date(row, date_column, where, path)
        if date is not None and date[:4] == year:
            keep = _KEEP.get(_precision(row, precision_column, where, path) or 0)
            return date[:keep] if keep else None
    return None


def _end(row: dict[str, str], year: str, where: str, path: str) -> str | None:
    """The episode's end, if it ends in the row's year."""
    date = _date(row, "ep_end_date", where, path)
    if row["ep_end"] != "1" or date is None or date[:4] != year:
        return None
    precision = _precision(row, "ep_end_prec", where, path)
    if precision is None:
        return None if date.endswith("-12-31") else date
    keep = _KEEP.get(precision)
    return date[:keep] if keep else None
