"""The event file layouts the CAMEO reader knows: ICEWS05-15, ICEWS's export, GDELT 1.0 and 2.0.

A layout is told from the first line: a header naming ICEWS's columns, 4 columns
(ICEWS05-15), or GDELT's 57, 58 or 61 columns (codebook order).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from allegiance.exc import InputError


def _gdelt_header(adm2: bool, url: bool) -> tuple[str, ...]:
    """GDELT's event columns in codebook order; 2.0 adds ADM2Code to each location."""
    actor = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
             "Religion2Code", "Type1Code", "Type2Code", "Type3Code")
    geo = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
    columns = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    columns += [f"{who}{what}" for who in ("Actor1", "Actor2") for what in actor]
    columns += ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    columns += [f"{where}_{what}" for where in ("Actor1Geo", "Actor2Geo", "ActionGeo") for what in geo
                if adm2 or what != "ADM2Code"]
    return (*columns, "DATEADDED", *(("SOURCEURL",) if url else ()))


# 57 columns: GDELT 1.0 backfiles (to March 2013); 58: its daily files, which add
# SOURCEURL; 61: GDELT 2.0, which adds ADM2Code to each of the three locations.
GDELT = {57: ("1.0", _gdelt_header(False, False)), 58: ("1.0", _gdelt_header(False, True)),
         61: ("2.0", _gdelt_header(True, True))}
ICEWS_KG = ("source", "event", "target", "date")
ICEWS_REQUIRED = ("Source Name", "Target Name", "Event Date")
ICEWS_EVENT = ("CAMEO Code", "Event Text")  # at least one
EXPECTED = ("ICEWS events (4 tab-separated columns: source, event, target, date; or ICEWS's export "
            "with a header row naming Source Name, Event Text or CAMEO Code, Target Name, Event Date) "
            "or GDELT 1.0/2.0 events (57, 58 or 61 tab-separated columns)")


@dataclass
class Layout:
    name: str  # icews-kg, icews, gdelt-1.0, gdelt-2.0
    dataset: str  # icews or gdelt: the DatasetRefs' dataset
    header: tuple[str, ...]  # column names, for errors
    has_header: bool
    source: int
    target: int
    date: int
    event_key: Callable[[list[bytes]], bytes]  # the cells that decide the mapping
    code: int | None = None
    label: int | None = None
    event_id: int | None = None
    url: int | None = None
    countries: tuple[int | None, int | None] = (None, None)  # ICEWS Source/Target Country
    place: tuple[int, ...] = ()  # location columns, most specific first
    place_country: int | None = None
    gdelt_actors: tuple[tuple[int, int, int], ...] = ()  # per side: Code, CountryCode, Type1Code
    width: int | None = None  # exact column count (headerless layouts)
    need: int = field(init=False)

    def __post_init__(self) -> None:
        used = [self.source, self.target, self.date, self.code, self.label, self.event_id, self.url,
                *self.countries, *self.place, self.place_country, *itertools.chain(*self.gdelt_actors)]
        self.need = max(i for i in used if i is not None) + 1


def detect(first: bytes, path: str) -> Layout:
    cells = first.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n").split(b"\t")
    if not first.strip():
        raise InputError(f"empty first line; expected {EXPECTED}", file=path, record="line 1")
    names = tuple(c.decode("utf-8", "replace").strip() for c in cells)
    if any(name in ICEWS_REQUIRED for name in names):
        return _icews_export(names, path)
    if len(cells) == 4:
        return Layout("icews-kg", "icews", ICEWS_KG, False, 0, 2, 3, operator.itemgetter(1), label=1, width=4)
    if len(cells) in GDELT:
        version, header = GDELT[len(cells)]
        at = header.index
        return Layout(
            f"gdelt-{version}", "gdelt", header, False, at("Actor1Name"), at("Actor2Name"), at("SQLDATE"),
            operator.itemgetter(at("EventCode")), code=at("EventCode"), event_id=at("GLOBALEVENTID"),
            url=at("SOURCEURL") if "SOURCEURL" in header else None, place=(at("ActionGeo_FullName"),),
            gdelt_actors=tuple((at(f"{a}Code"), at(f"{a}CountryCode"), at(f"{a}Type1Code"))
                               for a in ("Actor1", "Actor2")),
            width=len(cells))
    raise InputError(f"expected {EXPECTED}; got {len(cells)} columns", file=path, record="line 1")


def _icews_export(names: tuple[str, ...], path: str) -> Layout:
    def at(name: str) -> int | None:
        return names.index(name) if name in names else None

    def required(name: str) -> int:
        if name not in names:
            raise InputError(f"missing column {name!r}; ICEWS's export needs {', '.join(ICEWS_REQUIRED)} "
                             f"and {' or '.join(ICEWS_EVENT)}", file=path, record="line 1", field=name)
        return names.index(name)

    # In ICEWS_REQUIRED's order, so the first missing one is the one reported.
    source, target, date = (required(name) for name in ICEWS_REQUIRED)
    code, label = at("CAMEO Code"), at("Event Text")
    if code is not None and label is not None:
        def event_key(cells: list[bytes], /) -> bytes:  # positional-only, as the itemgetters below are
            return cells[code] + b"\t" + cells[label]
    elif code is not None:
        event_key = operator.itemgetter(code)
    elif label is not None:
        event_key = operator.itemgetter(label)
    else:
        raise InputError(f"missing column {ICEWS_EVENT[0]!r}; ICEWS's export needs {' or '.join(ICEWS_EVENT)}",
                         file=path, record="line 1", field=ICEWS_EVENT[0])
    place = tuple(i for i in (at("City"), at("District"), at("Province"), at("Country")) if i is not None)
    return Layout("icews", "icews", names, True, source, target, date,
                  event_key, code=code, label=label, event_id=at("Event ID"),
                  countries=(at("Source Country"), at("Target Country")), place=place,
                  place_country=at("Country"))
