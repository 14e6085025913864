"""Stanford Mapping Militant Organizations (MMP): dated relationships among militant groups.

``relationships.csv`` has one row per relationship: ``type`` is ``all`` (allies), ``riv``
(rivals), ``aff`` (affiliates), ``spl`` (split) or ``mer`` (merger) between ``group1`` and
``group2``, from ``date`` on. ``groups.csv`` beside it, when present, gives each group's
name (UTF-8 with a byte-order mark, CRLF line ends, a trailing empty column).

- Allies and affiliates support each other, rivals oppose each other: one statement each
  way, with no kind. MMP says neither what an alliance or rivalry consisted of (joint
  attacks, funding, shared ideology...) nor which side of an affiliation is the junior one:
  the column order varies (Al Shabaab's pledge to Al Qaeda is the row "Al Qaeda, Al
  Shabaab", Boko Haram's to the Islamic State "Boko Haram, The Islamic State").
- Splits and mergers are ``lineage``: the subject descends from the object. MMP lists the
  older group first (``group2`` split from ``group1``, or ``group1`` merged into
  ``group2``); ``CORRECTIONS`` (``schema/mmp_corrections.csv``) turns round the rows whose
  own description says the opposite and leaves out those that record no descent.
- ``date`` is when a relationship begins; there are no end dates. MMP treats a connection
  as ongoing "until a different type of connection is formed between two groups", so a
  later row of another type for the same pair (a split or merger included) ends an
  alliance, rivalry or affiliation the day before it starts, at that row's precision.
  Lineage never ends: it is history, not a state.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from allegiance.exc import AllegianceError, InputError
from allegiance.loaders import Options
from allegiance.loaders.handles import PROGRESS_ROWS, open_input, text_of
from allegiance.loaders.records import NOTE, DatasetRef, Record
from allegiance.loaders.tabular import check_header, not_utf8, packaged_table
from allegiance.loaders.untrusted import shown
from allegiance.model import PartialDate, actor_types
from allegiance.model.partial_date import DAY

DATASET = "mmp"
SOURCE = {
    "id": "mmp-2019-07",
    "title": "Mapping Militant Organizations. MMP Dataset and Codebook.",
    "publisher": "Stanford University",
    "url": "https://cisac.fsi.stanford.edu/mappingmilitants",
    "published": "2019-07",
}
COLUMNS = ("unique_id", "type", "group1_id", "group2_id", "date", "description", "group1_name", "group2_name")
GROUP_COLUMNS = ("group_id", "name")
# type -> (relation, kind, both ways, what a row without a description says)
TYPES = {
    "all": ("supports", None, True, "{a} and {b} are allies"),
    "riv": ("opposes", None, True, "{a} and {b} are rivals"),
    "aff": ("supports", None, True, "{a} and {b} are affiliates"),
    "spl": ("lineage", "split", False, "{a} split from {b}"),
    "mer": ("lineage", "merger", False, "{b} merged into {a}"),
}
TYPE_NAMES = "all (allies), riv (rivals), aff (affiliates), spl (split), mer (merger)"
NO_GROUP = "-99"  # the codebook: "a new group ... not yet added to a map"; several groups share it

# Rows of the July 2019 file (by unique_id) whose description contradicts the column order:
# unique_id -> (REVERSE or SKIP, why).
REVERSE, SKIP = "reverse", "skip"
CORRECTIONS = {row["unique_id"]: (row["action"], row["reason"]) for row in packaged_table("mmp_corrections.csv", {
    "unique_id": (r"[1-9]\d*", "a unique_id of relationships.csv such as 19"),
    "action": (f"{REVERSE}|{SKIP}", f"{REVERSE} or {SKIP}"),
    "reason": (r"\S(.*\S)?", "why, as the row's description says it"),
}, key="unique_id")}
# Groups that are not non-state armed groups (by group_id); every other group is one.
ACTOR_TYPES = {row["group_id"]: row["type"] for row in packaged_table("mmp_actor_types.csv", {
    "group_id": (r"[1-9]\d*", "a group_id such as 141"),
    "type": ("|".join(map(re.escape, actor_types())), "an actor type of schema/actor_types.yaml"),
    "note": (r".*", "who the group is"),
}, key="group_id")}

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_EXPECTED = "expected a date as YYYY-MM-DD (00 for an unknown month or day) or M/D/YY"
_PIVOT = 19  # two-digit years 00-19 are 2000-2019 (the file is from July 2019), 20-99 are 1920-1999
_DOUBLE = re.compile(r"[\xc2-\xf4][\x80-\xbf]{1,3}")
_C1 = re.compile(r"[\x80-\x9f]")
_ESCAPE = re.compile(r"\\(['\"&])")
_ENTITY = re.compile(r"&#(\d+);")


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    uid: str
    type: str
    group1: DatasetRef
    group2: DatasetRef
    start: PartialDate
    description: str

    @property
    def pair(self) -> frozenset[str]:
        return frozenset(_key(g) for g in (self.group1, self.group2))


def read(handle: BinaryIO, path: str, options: Options) -> Iterator[Record]:
    groups = _groups(os.path.join(os.path.dirname(path), "groups.csv"))
    rows = list(_rows(handle, path, groups, options))  # all of a pair's rows are needed to end its relations
    ends = _ends(rows)
    yield Record("source", dict(SOURCE), path, "file")
    for row in rows:
        yield from _statements(row, ends.get(row.line), path)
    yield from _notes(rows, path)


def _notes(rows: list[_Row], path: str) -> Iterator[Record]:
    """Tell the load report which rows ``CORRECTIONS`` turned round or left out."""
    done = {what: [r.uid for r in rows if CORRECTIONS.get(r.uid, ("",))[0] == what] for what in (REVERSE, SKIP)}
    texts = {
        REVERSE: "split/merger rows name the descendant group first, against the file's usual order; "
                 "their lineage follows the description",
        SKIP: "split/merger rows record no descent between their two groups and make no statement",
    }
    for what, uids in done.items():
        if uids:
            yield Record(NOTE, {"text": f"{len(uids)} {texts[what]} (unique_id {', '.join(uids)})"}, path, "file")


def _statements(row: _Row, end: PartialDate | None, path: str) -> Iterator[Record]:
    relation, kind, both_ways, template = TYPES[row.type]
    correction = CORRECTIONS.get(row.uid, ("",))[0]
    if correction == SKIP:
        return
    # lineage: the newer group (group2, or group1 where the description says so) descends from the older
    a, b = (row.group1, row.group2) if both_ways or correction == REVERSE else (row.group2, row.group1)
    quote = row.description or f"Mapping Militants 2019-07: {template.format(a=a, b=b)} (from {row.start})"
    pairs = [(a, b), (b, a)] if both_ways else [(a, b)]
    for subject, object_ in pairs:
        data = {"subject": subject, "relation": relation, "object": object_, "start": str(row.start),
                "source": SOURCE["id"], "quote": quote, "record": row.uid}
        if kind:
            data["kind"] = kind
        if end is not None:
            data["end"] = str(end)
        yield Record("statement", data, path, f"line {row.line}")


def _ends(rows: list[_Row]) -> dict[int, PartialDate]:
    """line -> end, for alliances, rivalries and affiliations that a later row of another type ends.

    Rows whose starts cannot be told apart (same first day) do not end each other.
    """
    by_pair: dict[frozenset[str], list[_Row]] = defaultdict(list)
    for row in rows:
        by_pair[row.pair].append(row)
    ends = {}
    for group in by_pair.values():
        group.sort(key=lambda r: r.start.lo)
        for i, row in enumerate(group):
            if TYPES[row.type][0] == "lineage":
                continue
            later = next((r for r in group[i + 1:] if r.type != row.type and r.start.lo > row.start.lo), None)
            if later is not None:
                ends[row.line] = _before(later.start)
    return ends


def _before(date: PartialDate) -> PartialDate:
    """The year, month or day just before ``date``, at its precision: its last day is the day before."""
    if date.precision == DAY:
        day = date.earliest - dt.timedelta(days=1)
        return PartialDate(day.year, day.month, day.day)
    if date.month is not None:  # a month (a day was handled above)
        return PartialDate(date.year, date.month - 1) if date.month > 1 else PartialDate(date.year - 1, 12)
    return PartialDate(date.year - 1)


def _rows(handle: BinaryIO, path: str, groups: dict[str, str], options: Options) -> Iterator[_Row]:
    seen: dict[str, int] = {}
    with text_of(handle) as f:
        for line, values in _csv(f, path, COLUMNS):
            row = _row(path, line, values, groups)
            if row.uid in seen:
                raise InputError(f"unique_id {row.uid} is used twice (first at line {seen[row.uid]})",
                                 file=path, record=f"line {line}", field="unique_id")
            seen[row.uid] = line
            yield row
            if options.progress is not None and len(seen) % PROGRESS_ROWS == 0:
                options.progress()
        if options.progress is not None:
            options.progress()


def _row(path: str, line: int, values: dict[str, str], groups: dict[str, str]) -> _Row:
    def error(message: str, column: str) -> InputError:
        return InputError(message, file=path, record=f"line {line}", field=column)

    uid = values["unique_id"].strip()
    if not uid:
        raise error("unique_id is empty", "unique_id")
    type_ = values["type"].strip().lower()
    if type_ not in TYPES:
        raise error(f"unknown relationship type {shown(values['type'])}; expected one of {TYPE_NAMES}", "type")
    try:
        start = parse_date(values["date"])
    except AllegianceError as e:
        raise error(str(e), "date") from None
    refs = []
    for n in ("1", "2"):
        code = values[f"group{n}_id"].strip()
        name = groups.get(code) or repair(values[f"group{n}_name"])
        if not name:
            raise error(f"group{n}_name is empty and group{n}_id {shown(code)} is not in groups.csv", f"group{n}_name")
        group_id = code if code and code != NO_GROUP else None
        refs.append(DatasetRef(DATASET, name, group_id, ACTOR_TYPES.get(group_id or "", "armed_group")))
    return _Row(line, uid, type_, refs[0], refs[1], start, repair(values["description"]))


def _groups(path: str) -> dict[str, str]:
    """group_id -> name from ``groups.csv``, or nothing if there is none."""
    if not os.path.isfile(path):
        return {}
    names: dict[str, str] = {}
    first: dict[str, int] = {}
    # the file beside the one the dispatcher opened, read the same way
    with open_input(path) as handle, text_of(handle) as f:
        for line, values in _csv(f, path, GROUP_COLUMNS):
            code, name = values["group_id"].strip(), repair(values["name"])
            if not code or code == NO_GROUP or not name:
                continue
            if code in names and names[code] != name:
                raise InputError(f"group_id {shown(code)} names both {shown(names[code])} (line {first[code]}) "
                                 f"and {shown(name)}", file=path, record=f"line {line}", field="group_id")
            names[code], first[code] = name, line
    return names


def _csv(f, path: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line, {column: value}) per row; empty header cells (a trailing comma) are ignored."""
    reader = csv.reader(f)
    try:
        header = [h.strip() for h in next(reader, [])]
        check_header(header, path)
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                             f"expected the columns {', '.join(columns)}", file=path, record="line 1")
        index = {c: header.index(c) for c in columns}
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield line, {c: cells[i] if i < len(cells) else "" for c, i in index.items()}
            line = reader.line_num + 1
    except csv.Error as e:
        raise InputError(f"not valid CSV: {e}", file=path, record=f"line {reader.line_num}") from None
    except UnicodeDecodeError as e:
        raise not_utf8(e, path, offset=True) from None


def parse_date(text: str) -> PartialDate:
    """``2005-00-00`` -> 2005, ``2014-02-00`` -> 2014-02, ``2/18/10`` -> 2010-02-18.

    In M/D/YY, day 1 is the spreadsheet's stand-in for an unknown day (a third of those
    dates fall on the 1st, and the ISO dates never give a day): ``10/1/06`` ("In October
    2006") is 2006-10 and ``1/1/68`` is 1968. The widened date still contains the 1st.
    """
    value = text.strip()
    if match := _ISO.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _MDY.match(value):
        month, day, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year <= _PIVOT else 1900
        month, day = (0, 0) if (month, day) == (1, 1) else (month, 0 if day == 1 else day)
    else:
        raise AllegianceError(f"{_EXPECTED}, got {shown(value)}")
    if month == 0 and day != 0:
        raise AllegianceError(f"{_EXPECTED}, got {shown(value)}: a day without a month")
    if month > 12:
        raise AllegianceError(f"{_EXPECTED}, got {shown(value)}: month {month} does not exist")
    if year == 0 or day > (calendar.monthrange(year, month)[1] if month else 0):
        raise AllegianceError(f"{_EXPECTED}, got {shown(value)}: " + ("there is no year 0" if year == 0 else
                                                                 f"day {day} does not exist"))
    return PartialDate(year, month or None, day or None)


def repair(text: str) -> str:
    """Undo the file's encoding damage: UTF-8 read as Latin-1 ("groupâ\\x80\\x99s"), Windows-1252
    punctuation left as C1 controls ("IMK\\x92s"), and escaped quotes ("LeT\\\\'s", "\\\\&#039;")."""
    text = _DOUBLE.sub(_utf8, text)
    text = _C1.sub(_cp1252, text)
    text = _ENTITY.sub(_character, _ESCAPE.sub(r"\1", text))
    return text.strip()


def _key(ref: DatasetRef) -> str:
    return ref.code or f"name:{ref.name}"


def _utf8(match: re.Match[str]) -> str:
    try:
        return match.group().encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return match.group()


def _character(match: re.Match[str]) -> str:
    """``&#8217;`` as its character; a number that is no character (past U+10FFFF, or half
    of a UTF-16 pair, which no file can store) stays as written."""
    digits = match.group(1)
    code = int(digits) if len(digits) <= 7 else -1
    return chr(code) if 0 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()


def _cp1252(match: re.Match[str]) -> str:
    try:
        return match.group().encode("latin-1").decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d have no character
        return match.group()
