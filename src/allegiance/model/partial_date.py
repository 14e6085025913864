"""Dates known to a year, a month or a day, as sources give them.

A partial date is a span of days: ``2020-05`` is 1..31 May 2020. Intervals and
"as of" questions work on those spans, so a relation that ended on 17 May still
holds "as of 2020-05", but not "as of 2020-05-18".

In the graph, days are stored as proleptic Gregorian ordinals (``date.toordinal``)
so that every Cypher dialect can compare and subtract them; ``UNKNOWN_START`` and
``OPEN_END`` stand in for "beginning unknown" and "still ongoing", which keeps every
interval test a plain ``lo <= $to AND hi >= $from`` with no NULL handling.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from allegiance.exc import DateError

YEAR, MONTH, DAY = 1, 2, 3
PRECISIONS = {YEAR: "year", MONTH: "month", DAY: "day"}

UNKNOWN_START = 0
OPEN_END = 9_999_999  # past date.max.toordinal() (3_652_059)

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A year, a month or a day; ordered by its earliest day, then precision."""

    year: int
    month: int | None = None
    day: int | None = None
    # First and last day as ordinals, computed once: every interval test reads them, a
    # million times in a large load.
    lo: int = field(init=False, repr=False, compare=False)
    hi: int = field(init=False, repr=False, compare=False)
    # As written out (YYYY, YYYY-MM or YYYY-MM-DD): a statement's id and its row read it.
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lo", self.earliest.toordinal())
        object.__setattr__(self, "hi", self.latest.toordinal())
        if self.day is not None:
            text = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        elif self.month is not None:
            text = f"{self.year:04d}-{self.month:02d}"
        else:
            text = f"{self.year:04d}"
        object.__setattr__(self, "text", text)

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or a date, or an int year)."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, str):
            return _parse_text(value)  # cached: a dataset repeats a few thousand dates
        return cls._parse(value)

    @classmethod
    def _parse(cls, value: object) -> PartialDate:
        if isinstance(value, dt.datetime):
            raise DateError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got a date and time {value.isoformat()!r}")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool):
            raise DateError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
        if isinstance(value, int) and 1 <= value <= 9999:
            return cls(value)
        text = str(value).strip()
        match = _PATTERN.match(text)
        if not match:
            raise DateError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
        year = int(match[1])  # the pattern always has a year; month and day are optional
        month, day = (int(g) if g else None for g in match.groups()[1:])
        if year == 0:
            raise DateError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}: there is no year 0")
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}: month {month} does not exist")
        if day is not None:
            assert month is not None  # the pattern has no day without a month
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}: day {day} does not exist")
        return cls(year, month, day)

    @property
    def precision(self) -> int:
        return DAY if self.day is not None else MONTH if self.month is not None else YEAR

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        if self.day is not None:
            return dt.date(self.year, month, self.day)
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PartialDate({str(self)!r})"


@functools.lru_cache(maxsize=1 << 16)
def _parse_text(text: str) -> PartialDate:
    return PartialDate._parse(text)


def interval(start: PartialDate | None, end: PartialDate | None, on: PartialDate | None = None) -> tuple[int, int]:
    """First and last day a statement covers: ``on`` covers its own span; no start is
    ``UNKNOWN_START``, no end is ``OPEN_END``."""
    first, last = (on, on) if on is not None else (start, end)
    return (first.lo if first else UNKNOWN_START, last.hi if last else OPEN_END)


# A bound is stored as day * 4 + precision, so that min()/max() in Cypher pick the
# earliest start or latest end and the precision travels with it for display.
BOUND_SCALE = 4
UNKNOWN_TEXT, ONGOING_TEXT = "unknown", "ongoing"  # how pages and the Browser show the sentinels


def encode_bound(day: int, precision: int) -> int:
    return day * BOUND_SCALE + precision


@functools.lru_cache(maxsize=1 << 16)  # a big answer repeats the same few thousand bounds
def decode_bound(key: int | None) -> str | None:
    """The partial date of precision ``key % 4`` that contains day ``key // 4``.

    A start is stored with its earliest day and an end with its latest, so both
    decode to the partial date they came from; sentinels decode to None.
    """
    if key is None:
        return None
    day, precision = divmod(int(key), BOUND_SCALE)
    if day <= UNKNOWN_START or day >= OPEN_END:
        return None
    date = dt.date.fromordinal(day)
    if precision == YEAR:
        return f"{date.year:04d}"
    if precision == MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


STEPS = ("day", "month", "quarter", "year")


def date_steps(start: str, end: str, every: str) -> list[str]:
    """The dates from the span ``start`` to the span ``end``, one per ``every`` (day, month,
    quarter or year), each as a partial date of that precision (a quarter as its first month):
    ``date_steps("2019", "2019-06", "quarter")`` is ``["2019-01", "2019-04"]``."""
    first, last = PartialDate.parse(start), PartialDate.parse(end)
    if first.lo > last.hi:
        raise DateError(f"the first date {start} comes after the last {end}")
    if every not in STEPS:
        raise DateError(f"expected a step of {', '.join(STEPS)}, got {every!r}")
    day = first.earliest
    if every == "day":
        return [dt.date.fromordinal(n).isoformat() for n in range(first.lo, last.hi + 1)]
    if every == "year":
        return [f"{year:04d}" for year in range(day.year, last.latest.year + 1)]
    size = 3 if every == "quarter" else 1
    month = day.year * 12 + (day.month - 1) // size * size  # months since year 0, on a step
    out = []
    while month <= last.latest.year * 12 + last.latest.month - 1:
        out.append(f"{month // 12:04d}-{month % 12 + 1:02d}")
        month += size
    return out


# The same encoding in Cypher, for the Neo4j Browser favorites (queries/browser.py), where a
# user types dates as text and reads them as text. Neo4j's datetime() reads YYYY, YYYY-MM and
# YYYY-MM-DD as midnight UTC of the first day, so whole days since 1970 give the day number.
_EPOCH = "date('0001-01-01')"
_UNIX_DAY = dt.date(1970, 1, 1).toordinal()
_STEP = "CASE size({0}) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END"


def cypher_span(text: str) -> tuple[str, str]:
    """Cypher for the first and last day numbers of the span of the date text ``text`` (an
    expression such as ``$as_of``); an empty text is all time, as on the command line."""
    first = f"datetime({text}).epochSeconds / 86400 + {_UNIX_DAY}"
    last = f"(datetime({text}) + {_STEP.format(text)}).epochSeconds / 86400 + {_UNIX_DAY - 1}"  # next span - 1
    return (f"CASE {text} WHEN '' THEN {UNKNOWN_START} ELSE {first} END",
            f"CASE {text} WHEN '' THEN {OPEN_END} ELSE {last} END")


def cypher_bound_text(key: str) -> str:
    """Cypher for the date text of an encoded bound ``key`` (as ``decode_bound``), with
    UNKNOWN_TEXT and ONGOING_TEXT for the sentinels; null stays null."""
    day = f"{key} / {BOUND_SCALE}"
    size = f"CASE {key} % {BOUND_SCALE} WHEN {YEAR} THEN 4 WHEN {MONTH} THEN 7 ELSE 10 END"
    text = f"substring(toString({_EPOCH} + duration({{days: {day} - 1}})), 0, {size})"
    return (f"CASE WHEN {key} IS NULL THEN null WHEN {day} <= {UNKNOWN_START} THEN '{UNKNOWN_TEXT}' "
            f"WHEN {day} >= {OPEN_END} THEN '{ONGOING_TEXT}' ELSE {text} END")
