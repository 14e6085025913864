"""UCDP/PRIO Armed Conflict Dataset, one row per conflict-year: who fought whom, who sent troops.

Per row (conflict ``conflict_id`` in ``year``):
- every primary party on side A ``opposes`` every primary party on side B, and each of
  those on side B opposes each on side A (kind ``armed``): the file says the sides fought;
- every state in ``side_a_2nd`` ``supports`` every primary party on side A, and likewise for
  side B (kind ``troops``: the codebook's secondary warring parties joined with troops).

Actors are UCDP's own: the actor id from ``side_a_id``/``side_b_id`` is the dataset code.
"Government of X" is a ``government`` (its country confirmed by the row's Gleditsch-Ward
numbers, see ``GW``); every other party is an ``armed_group``.

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
from typing import IO

from allegiance.exc import InputError
from allegiance.loaders import Options
from allegiance.loaders.csvfile import check_header, located_rows
from allegiance.loaders.records import NOTE, DatasetRef, Record
from allegiance.loaders.untrusted import shown

DATASET = "ucdp-acd"
# UCDP actor ids are shared by ACD and ESD: one namespace, so "ucdp:111" is the same
# actor (Government of Libya) in both, and one alias entry (dataset: ucdp) maps it in both.
ACTORS = "ucdp"
COLUMNS = ("conflict_id", "location", "side_a", "side_a_id", "side_a_2nd", "side_b", "side_b_id", "side_b_2nd",
           "year", "start_date", "start_prec", "start_date2", "start_prec2", "ep_end", "ep_end_date", "ep_end_prec",
           "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd", "version")
GOVERNMENT = "Government of "

# Gleditsch-Ward number: ISO 3166 alpha-2 code (-- for states that no longer exist and have
# no current code) and the name as UCDP writes it after "Government of ". The states in
# ACD 22.1 and ESD 18.1; UCDP keeps one actor for Russia and the Soviet Union, and one for
# Serbia and Yugoslavia: they get the continuing state's code.
GW = {int(gw): (iso if iso != "--" else None, name) for gw, iso, name in (
    entry.strip().split(" ", 2) for entry in """
    2 US United States of America; 20 CA Canada; 40 CU Cuba; 41 HT Haiti; 42 DO Dominican Republic;
    52 TT Trinidad and Tobago; 55 GD Grenada; 70 MX Mexico; 90 GT Guatemala; 91 HN Honduras; 92 SV El Salvador;
    93 NI Nicaragua; 94 CR Costa Rica; 95 PA Panama; 100 CO Colombia; 101 VE Venezuela; 115 SR Suriname;
    130 EC Ecuador; 135 PE Peru; 140 BR Brazil; 145 BO Bolivia; 150 PY Paraguay; 155 CL Chile; 160 AR Argentina;
    165 UY Uruguay; 200 GB United Kingdom; 205 IE Ireland; 210 NL Netherlands; 211 BE Belgium; 212 LU Luxembourg;
    220 FR France; 225 CH Switzerland; 230 ES Spain; 235 PT Portugal; 260 DE Germany; 265 -- East Germany;
    290 PL Poland; 305 AT Austria; 310 HU Hungary; 315 -- Czechoslovakia; 316 CZ Czech Republic; 317 SK Slovakia;
    325 IT Italy; 338 MT Malta; 339 AL Albania; 341 ME Montenegro; 343 MK North Macedonia; 344 HR Croatia;
    345 RS Serbia (Yugoslavia); 346 BA Bosnia-Herzegovina; 349 SI Slovenia; 350 GR Greece; 352 CY Cyprus;
    355 BG Bulgaria; 359 MD Moldova; 360 RO Romania; 365 RU Russia (Soviet Union); 366 EE Estonia; 367 LV Latvia;
    368 LT Lithuania; 369 UA Ukraine; 370 BY Belarus; 371 AM Armenia; 372 GE Georgia; 373 AZ Azerbaijan;
    375 FI Finland; 380 SE Sweden; 385 NO Norway; 390 DK Denmark; 395 IS Iceland; 404 GW Guinea-Bissau;
    420 GM Gambia; 432 ML Mali; 433 SN Senegal; 434 BJ Benin; 435 MR Mauritania; 436 NE Niger; 437 CI Ivory Coast;
    438 GN Guinea; 439 BF Burkina Faso; 450 LR Liberia; 451 SL Sierra Leone; 452 GH Ghana; 461 TG Togo;
    471 CM Cameroon; 475 NG Nigeria; 481 GA Gabon; 482 CF Central African Republic; 483 TD Chad; 484 CG Congo;
    490 CD DR Congo (Zaire); 500 UG Uganda; 501 KE Kenya; 510 TZ Tanzania; 516 BI Burundi; 517 RW Rwanda;
    520 SO Somalia; 522 DJ Djibouti; 530 ET Ethiopia; 531 ER Eritrea; 540 AO Angola; 541 MZ Mozambique;
    551 ZM Zambia; 552 ZW Zimbabwe (Rhodesia); 553 MW Malawi; 560 ZA South Africa; 565 NA Namibia; 570 LS Lesotho;
    571 BW Botswana; 580 MG Madagascar; 581 KM Comoros; 600 MA Morocco; 615 DZ Algeria; 616 TN Tunisia;
    620 LY Libya; 625 SD Sudan; 626 SS South Sudan; 630 IR Iran; 640 TR Turkey; 645 IQ Iraq; 651 EG Egypt;
    652 SY Syria; 660 LB Lebanon; 663 JO Jordan; 666 IL Israel; 670 SA Saudi Arabia; 678 YE Yemen (North Yemen);
    680 -- South Yemen; 690 KW Kuwait; 692 BH Bahrain; 694 QA Qatar; 696 AE United Arab Emirates; 698 OM Oman;
    700 AF Afghanistan; 701 TM Turkmenistan; 702 TJ Tajikistan; 703 KG Kyrgyzstan; 704 UZ Uzbekistan;
    705 KZ Kazakhstan; 710 CN China; 712 MN Mongolia; 713 TW Taiwan; 731 KP North Korea; 732 KR South Korea;
    740 JP Japan; 750 IN India; 751 -- Hyderabad; 760 BT Bhutan; 770 PK Pakistan; 771 BD Bangladesh;
    775 MM Myanmar (Burma); 780 LK Sri Lanka; 790 NP Nepal; 800 TH Thailand; 811 KH Cambodia (Kampuchea);
    812 LA Laos; 816 VN Vietnam (North Vietnam); 817 -- South Vietnam; 820 MY Malaysia; 830 SG Singapore;
    835 BN Brunei; 840 PH Philippines; 850 ID Indonesia; 900 AU Australia; 910 PG Papua New Guinea;
    920 NZ New Zealand; 940 SB Solomon Islands; 972 TO Tonga; 983 MH Marshall Islands; 986 PW Palau;
    987 FM Federated States of Micronesia""".split(";"))}
GW_BY_NAME = {name: gw for gw, (_, name) in GW.items()}

# Precision code -> how many characters of YYYY-MM-DD the date is good for.
_KEEP = {1: 10, 2: 7, 3: 7}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def government_country(name: str) -> str | None:
    """ISO alpha-2 code of a "Government of X" that ``GW`` knows, else None."""
    gw = GW_BY_NAME.get(name[len(GOVERNMENT):]) if name.startswith(GOVERNMENT) else None
    return GW[gw][0] if gw is not None else None


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


def read(path: str, options: Options) -> Iterator[Record]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        header = read_header(stream, path, "the UCDP/PRIO Armed Conflict Dataset", COLUMNS)
        pairing, version = _first_pass(stream, header, path)
        source = _source(version)
        yield Record("source", source, path, "file")
        stream.seek(0)
        next(csv.reader(stream))
        for count, (where, row) in enumerate(read_rows(stream, header, path), start=1):
            if options.tell is not None and count % 500 == 0:
                options.tell(stream.buffer.raw.tell())  # type: ignore[attr-defined]
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


def read_header(stream: IO[str], path: str, what: str, columns: tuple[str, ...], more: str = "") -> list[str]:
    """The header line, checked for the ``columns`` a reader needs (UCDP's CSV files)."""
    try:
        header = [cell.strip() for cell in next(csv.reader(stream))]
    except StopIteration:
        raise InputError(f"empty file; expected {what} as CSV with a header line", file=path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text: byte {e.object[e.start]:#x}", file=path) from None
    except csv.Error as e:
        raise InputError(f"not valid CSV: {e}", file=path, record="line 1") from None
    check_header(header, path)
    for column in columns:
        if column not in header:
            raise InputError(f"missing column {column!r}; {what} has the columns {', '.join(columns)}{more}",
                             file=path, record="line 1", field=column)
    return header


def read_rows(stream: IO[str], header: list[str], path: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(``line N``, cells by column) per row after the header line; blank lines are skipped."""
    reader = csv.reader(stream)  # a reader of its own: the header was read by another
    try:
        for line, row in located_rows(reader, len(header), path, first_line=2):
            yield f"line {line}", dict(zip(header, (cell.strip() for cell in row)))
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text: byte {e.object[e.start]:#x}", file=path,
                         record=f"line {2 + reader.line_num}") from None


def is_id(text: str) -> bool:
    """UCDP's ids are small numbers; the load report sorts them as such."""
    return text.isascii() and text.isdigit() and len(text) <= 18


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


def match_known(ids: Iterable[str], names: Iterable[str], known: dict[str, set[str]],
                ) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pair each id with the one name the file gives it elsewhere; UCDP lists ids and names
    in different orders, so position says nothing. Returns pairs, ids left, names left."""
    names_left, pairs, ids_left = list(names), [], []
    for id_ in ids:
        found = [n for n in names_left if n in known.get(id_, ())]
        if len(found) == 1:
            pairs.append((id_, found[0]))
            names_left.remove(found[0])
        else:
            ids_left.append(id_)
    return pairs, ids_left, names_left


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
        for id_, names in self.names.items():
            for name in names:
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
    confirmed = gw is not None and str(gw) in (g.strip() for g in gwnos.split(","))
    return DatasetRef(ACTORS, name, code, type="government", country=GW[gw][0] if confirmed else None)


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
