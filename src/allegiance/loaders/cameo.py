"""CAMEO-coded events (ICEWS, GDELT 1.0 and 2.0) as dated statements.

An event is one observation ("Iran provided military aid to Iraq", on one day), not a
relation. Each event's CAMEO code, or ICEWS's label for it, maps through
``schema/cameo.yaml`` to a relation and kind; the events of one (source actor,
relation, kind, target) are sorted by day and split into runs wherever consecutive
events lie more than ``options.gap_days`` apart. A run of at least
``options.min_events`` events is one statement from its first to its last day,
weighted by its number of events.

Memory stays small: per mapped event a few integers in typed arrays (group, day, line,
label; event id and byte offset where the layout has them), and each actor, place and
label is decoded once. Statements come out only once the whole file is read, since no
run's end is known before.

What could not be mapped is counted in a report (see ``_new_report``) that the closing
note record carries as ``counts`` beside its ``text`` (None when there is nothing to tell).
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any, BinaryIO

from allegiance.exc import InputError
from allegiance.loaders import Options
from allegiance.loaders.cameo_layouts import Layout, detect
from allegiance.loaders.cameo_map import Entry, Mapping, load_mapping
from allegiance.loaders.handles import PROGRESS_ROWS
from allegiance.loaders.records import NOTE, DatasetRef, Record
from allegiance.loaders.tabular import not_utf8
from allegiance.loaders.untrusted import INT64_MAX, shown
from allegiance.model import relation_types
from allegiance.model.names import slug

BELOW_MIN_EVENTS = "runs had fewer events than min_events"  # the CLI names its flag instead
_SQL_DAY = re.compile(rb"^(\d{4})(\d{2})(\d{2})$")
_ISO_DAY = re.compile(rb"^(\d{4})-(\d{2})-(\d{2})$")
_SECTOR = re.compile(r"^(.*\S) \(([^()]+)\)$")  # ICEWS "Police (Libya)"
_UNMAPPED = object()


def _source(layout: Layout, years: tuple[int, int] | None) -> dict[str, str]:
    """The dataset and version the statements cite."""
    if layout.dataset == "gdelt":
        version = layout.name.removeprefix("gdelt-")
        return {"id": layout.name, "title": f"GDELT {version} Event Database", "publisher": "The GDELT Project",
                "url": "https://www.gdeltproject.org/", "published": "2013" if version == "1.0" else "2015"}
    short = span = ""
    if years is not None:
        first, last = years
        short = f"{first % 100:02d}" + ("" if first == last else f"-{last % 100:02d}")
        span = f"-{first}" + ("" if first == last else f"-{last}")
    doi = "https://doi.org/10.7910/DVN/28075"
    if layout.name == "icews-kg":
        # named like the temporal knowledge-graph benchmarks cut from ICEWS (ICEWS14, ICEWS05-15)
        return {"id": f"icews{short}", "title": f"ICEWS{short} event quadruples (source, event, target, "
                f"date), cut from the ICEWS Coded Event Data", "publisher": "Harvard Dataverse", "url": doi}
    return {"id": f"icews{span}", "title": f"ICEWS Coded Event Data{span.replace('-', ' ', 1)}",
            "publisher": "Harvard Dataverse", "url": doi}


# -- reading -------------------------------------------------------------------------
def read(f: BinaryIO, path: str, options: Options) -> Iterator[Record]:
    """Bytes: rows split on tabs, only the cells used are decoded."""
    mapping = load_mapping(options.cameo_map)
    report = _new_report(path)
    first = f.readline()
    layout = detect(first, path)
    report["layout"] = layout.name
    events = _Events(layout, mapping, path, report)
    if layout.has_header:
        events.parse(f, 2, len(first), options)
    else:
        row = first.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark from a spreadsheet export
        events.parse(itertools.chain([row], f), 1, len(first) - len(row), options)
    source = _source(layout, events.years())
    report["source"] = source["id"]
    yield Record("source", source, path, "file")
    yield from events.statements(source["id"], options, f)
    report["unmapped"] = {_text_of(k): c for k, c in report["unmapped"].most_common()}
    report["no_place"] = dict(report["no_place"].most_common())
    yield Record(NOTE, {"text": _note(report), "counts": report}, path, "file")


def _new_report(path: str) -> dict[str, Any]:
    return {
        "file": path, "layout": None, "source": None,
        "rows": 0,  # data rows read
        "mapped": {},  # relation -> events mapped to it
        "unmapped": Counter(),  # code or label -> events the mapping leaves out
        "no_place": Counter(),  # label -> events of a place relation that name no place
        "no_actor": 0,  # mapped events with an empty source or target
        "self": 0,  # mapped events whose source and target are one actor
        "runs": 0, "statements": 0,
        "below_min_events": 0,  # runs with fewer than options.min_events events
    }


class _Names:
    """Actors or places seen so far: raw key -> small int, and each one's DatasetRef."""

    def __init__(self) -> None:
        self.ids: dict[bytes, int] = {}
        self.refs: list[DatasetRef] = []
        self.slugs: list[str] = []  # the scoped id each becomes, to catch an actor named twice

    def add(self, key: bytes, ref: DatasetRef) -> int:
        self.ids[key] = len(self.refs)
        self.refs.append(ref)
        self.slugs.append(slug(ref.code or ref.name))
        return self.ids[key]


class _Events:
    def __init__(self, layout: Layout, mapping: Mapping, path: str, report: dict[str, Any]):
        self.layout, self.mapping, self.path, self.report = layout, mapping, path, report
        self.actors, self.places = _Names(), _Names()
        self.groups: dict[tuple[int, int, int], int] = {}  # (subject, entry kind, object) -> group
        self.group_keys: list[tuple[int, int, int]] = []
        self.kinds: list[Entry] = []  # one entry per (relation, kind): what a group maps to
        self.labels: list[str] = []  # label id -> the label as quoted
        self.group, self.day, self.line, self.label = array("I"), array("i"), array("I"), array("I")
        self.event_id, self.offset = array("q"), array("q")
        self.first_day = self.last_day = 0
        self.iso: dict[int, str] = {}  # day ordinal -> YYYY-MM-DD, made once a day

    def parse(self, lines: Iterator[bytes], first: int, position: int, options: Options) -> None:
        """Pass 1: each row to a few integers, or to a count of what was not mapped."""
        lay, report, progress = self.layout, self.report, options.progress
        days: dict[bytes, int] = {}
        found_for: dict[bytes, Any] = {}  # event key -> (entry, kind id, label id) or _UNMAPPED
        kind_ids: dict[tuple[str, str | None], int] = {}
        unmapped, mapped = report["unmapped"], Counter[str]()  # relation -> events
        width, need, event_key = lay.width, lay.need, lay.event_key
        rows = 0
        for n, raw in enumerate(lines, start=first):  # n: the line number
            start = position
            position += len(raw)
            if progress is not None and n % PROGRESS_ROWS == 0:
                progress()
            cells = raw.rstrip(b"\r\n").split(b"\t")
            if len(cells) != width and (width or len(cells) < need):
                if len(cells) == 1 and not cells[0].strip():
                    continue  # a blank line
                raise InputError(f"expected {width or len(lay.header)} tab-separated columns, got {len(cells)}",
                                 file=self.path, record=f"line {n}")
            rows += 1
            text = cells[lay.date]
            day = days.get(text)
            if day is None:
                day = days[text] = self._day(text, n)
            key = event_key(cells)
            found = found_for.get(key)
            if found is None:
                found = found_for[key] = self._entry(cells, kind_ids)
            if found is _UNMAPPED:
                unmapped[key] += 1
                continue
            entry, kind_id, label_id = found
            subject = self._actor(cells, 0, n)
            if subject is None or not cells[lay.target].strip():
                report["no_actor"] += 1
                continue
            obj = self._place(cells, n) if entry.object == "place" else self._actor(cells, 1, n)
            if obj is None:
                report["no_place"][entry.label] += 1
                continue
            if entry.object == "actor" and self.actors.slugs[obj] == self.actors.slugs[subject]:
                report["self"] += 1  # "Benazir Bhutto ... Benazir Bhutto": no relation to oneself
                continue
            group_key = (subject, kind_id, obj)
            group = self.groups.get(group_key)
            if group is None:
                group = self.groups[group_key] = len(self.group_keys)
                self.group_keys.append(group_key)
            self.group.append(group)
            self.day.append(day)
            self.line.append(n)
            self.label.append(label_id)
            if lay.event_id is not None:
                self.event_id.append(self._int(cells, lay.event_id, n))
            if lay.url is not None:
                self.offset.append(start)
            mapped[entry.relation] += 1
        if progress is not None:
            progress()
        report["rows"] = rows
        report["mapped"] = dict(mapped.most_common())
        if days:
            self.first_day, self.last_day = min(days.values()), max(days.values())

    def years(self) -> tuple[int, int] | None:
        if not self.first_day:
            return None
        return date.fromordinal(self.first_day).year, date.fromordinal(self.last_day).year

    def _day(self, text: bytes, n: int) -> int:
        pattern, shape = (_SQL_DAY, "YYYYMMDD") if self.layout.dataset == "gdelt" else (_ISO_DAY, "YYYY-MM-DD")
        match = pattern.match(text.strip())
        try:
            if match is None:
                raise ValueError(text)
            return date(*(int(g) for g in match.groups())).toordinal()
        except ValueError:
            raise InputError(f"expected a date as {shape}, got {shown(text.decode('utf-8', 'replace'))}",
                             file=self.path, record=f"line {n}", field=self.layout.header[self.layout.date]) from None

    def _int(self, cells: list[bytes], index: int, n: int) -> int:
        """An event id: kept in a 64-bit array, so at most 2^63 - 1."""
        cell = cells[index].strip()
        if cell.isdigit() and len(cell) <= 19 and int(cell) <= INT64_MAX:
            return int(cell)
        raise InputError(f"expected a whole number from 0 to {INT64_MAX}, got {shown(cell.decode('utf-8', 'replace'))}",
                         file=self.path, record=f"line {n}", field=self.layout.header[index])

    def _text(self, value: bytes, n: int, index: int) -> str:
        try:
            return value.decode("utf-8").strip()
        except UnicodeDecodeError as e:
            raise not_utf8(e, self.path, f"line {n}", self.layout.header[index]) from None

    def _entry(self, cells: list[bytes], kind_ids: dict[tuple[str, str | None], int]) -> Any:
        lay = self.layout
        code = cells[lay.code].decode("ascii", "replace").strip() if lay.code is not None else None
        label = cells[lay.label].decode("utf-8", "replace").strip() if lay.label is not None else None
        entry = self.mapping.lookup(code, label)
        if entry is None:
            return _UNMAPPED
        kind_id = kind_ids.get((entry.relation, entry.kind))
        if kind_id is None:
            kind_id = kind_ids[(entry.relation, entry.kind)] = len(self.kinds)
            self.kinds.append(entry)
        # GDELT rows carry only the code: quote it with the codebook's label
        self.labels.append(f"'{label}'" if label else f"CAMEO {code} '{entry.label}'")
        return entry, kind_id, len(self.labels) - 1

    def _actor(self, cells: list[bytes], side: int, n: int) -> int | None:
        lay = self.layout
        index = lay.target if side else lay.source
        if lay.gdelt_actors:
            code, country, _ = lay.gdelt_actors[side]
            # one actor per name and country; "=" marks the country itself ("RUSSIA", code RUS)
            key = cells[index] + b"\t" + cells[country] + (b"=" if cells[code] == cells[country] else b"")
        else:
            key = cells[index]
        found = self.actors.ids.get(key)
        if found is None:
            name = self._text(cells[index], n, index)
            if not name:
                return None
            found = self.actors.add(key, self._actor_ref(cells, side, name, n))
        return found

    def _actor_ref(self, cells: list[bytes], side: int, name: str, n: int) -> DatasetRef:
        lay, mapping = self.layout, self.mapping
        if lay.gdelt_actors:
            code, alpha3, type_code = (cells[i].decode("ascii", "replace").strip() for i in lay.gdelt_actors[side])
            alpha2 = mapping.alpha3.get(alpha3)
            if alpha2 is not None and code == alpha3:  # not a region such as AFR
                return DatasetRef("gdelt", name, type="state", country=alpha2)
            # generic names ("POLICE") stay apart per country: "POLICE (LBY)"
            return DatasetRef("gdelt", f"{name} ({alpha3})" if alpha3 else name,
                              type=mapping.gdelt_types.get(type_code), country=alpha2)
        country = mapping.country(name)
        if country is not None:
            return DatasetRef("icews", name, type="state", country=country)
        # "Police (Libya)": the whole name is the actor, so each country's police stays apart
        sector = _SECTOR.match(name)
        type_ = mapping.sectors.get(sector.group(1)) if sector else None
        column = lay.countries[side]
        if column is not None:
            country = mapping.country(self._text(cells[column], n, column))
        if country is None and sector:
            country = mapping.country(sector.group(2))
        return DatasetRef("icews", name, type=type_, country=country)

    def _place(self, cells: list[bytes], n: int) -> int | None:
        """Where an occupation happened: the event's location, else a target that is a country."""
        lay, mapping = self.layout, self.mapping
        parts = [cells[i].strip() for i in lay.place if cells[i].strip()]
        if parts:
            key = b", ".join(parts)
            found = self.places.ids.get(key)
            if found is None:
                column = lay.place_country
                country = None if column is None else mapping.country(self._text(cells[column], n, column))
                found = self.places.add(key, DatasetRef(lay.dataset, self._text(key, n, lay.place[0]), country=country))
            return found
        target = self._actor(cells, 1, n)
        ref = self.actors.refs[target] if target is not None else None
        if ref is None or ref.type != "state":
            return None
        key = b"\0" + ref.name.encode()
        found = self.places.ids.get(key)
        if found is None:
            # the country code as the place's code keeps its scoped id ("icews:ye") apart
            # from the actor of the same name ("icews:yemen"): actors and places share ids
            found = self.places.add(key, DatasetRef(lay.dataset, ref.name, code=ref.country, country=ref.country))
        return found

    # -- pass 2 ----------------------------------------------------------------------
    def statements(self, source: str, options: Options, f: BinaryIO) -> Iterator[Record]:
        """Each group's events by day, cut where the gap exceeds gap_days; a run is a statement."""
        group, day, gap = self.group, self.day, options.gap_days
        span = 1 << 23  # past any day ordinal (date.max is 3,652,059)
        packed = [g * span + d for g, d in zip(group, day, strict=False)]
        order = sorted(range(len(packed)), key=packed.__getitem__)  # stable: file order within a day
        del packed
        run: list[int] = []
        for i in order:
            if run and (group[i] != group[run[-1]] or day[i] - day[run[-1]] > gap):
                yield from self._statement(run, source, options, f)
                run = []
            run.append(i)
        if run:
            yield from self._statement(run, source, options, f)

    def _statement(self, run: list[int], source: str, options: Options, f: BinaryIO) -> Iterator[Record]:
        report, lay = self.report, self.layout
        report["runs"] += 1
        if len(run) < options.min_events:
            report["below_min_events"] += 1
            return
        report["statements"] += 1
        subject, kind_id, obj = self.group_keys[self.group[run[0]]]
        entry = self.kinds[kind_id]
        subject_ref = self.actors.refs[subject]
        object_ref = (self.places if entry.object == "place" else self.actors).refs[obj]
        first, last = self._iso(self.day[run[0]]), self._iso(self.day[run[-1]])
        ids = (self.event_id[run[0]], self.event_id[run[-1]]) if lay.event_id is not None else (first, last)
        data = {"subject": subject_ref, "relation": entry.relation, "object": object_ref,
                "start": first, "end": last, "source": source,
                "quote": self._quote(run, entry, subject_ref.name, object_ref.name, first, last, f),
                "record": f"{ids[0]}..{ids[1]}", "weight": len(run)}
        if entry.kind is not None:
            data["kind"] = entry.kind
        yield Record("statement", data, self.path, f"line {self.line[run[0]]}")

    def _iso(self, day: int) -> str:
        text = self.iso.get(day)
        if text is None:
            text = self.iso[day] = date.fromordinal(day).isoformat()
        return text

    def _quote(self, run: list[int], entry: Entry, subject: str, obj: str, first: str, last: str,
               f: BinaryIO) -> str:
        """A factual rendering: "ICEWS: 3 events 'Provide military aid' from Iran to Iraq between ..."."""
        counts = Counter(self.label[i] for i in run).most_common() if len(run) > 1 else [(self.label[run[0]], 1)]
        events = f"{len(run)} event{'s' if len(run) > 1 else ''}"
        phrase = relation_types()[entry.relation].phrase.format(subject=subject, object=obj)
        when = f"on {first}" if first == last else f"between {first} and {last}"
        brand = self.layout.dataset.upper()
        if len(counts) == 1:
            quote = f"{brand}: {events} {self.labels[counts[0][0]]} {phrase} {when}"
        else:
            each = ", ".join(f"{self.labels[label]} {count}" for label, count in counts)
            quote = f"{brand}: {events} {phrase} {when} ({each})"
        if self.layout.url is not None:
            # read back from the file rather than kept for every event
            f.seek(self.offset[run[0]])
            url = f.readline().rstrip(b"\r\n").split(b"\t")[self.layout.url].decode("utf-8", "replace").strip()
            if url:
                quote += f"; first report: {url}"
        return quote


def _text_of(key: bytes) -> str:
    return key.decode("utf-8", "replace").replace("\t", " ").strip()


def _note(report: dict[str, Any]) -> str | None:
    """One line for the load report: what the mapping left out, and why events were dropped."""
    parts = []
    if report["unmapped"]:
        top = ", ".join(f"{shown(label)} {count:,}" for label, count in itertools.islice(report["unmapped"].items(), 5))
        parts.append(f"cameo: {sum(report['unmapped'].values()):,} of {report['rows']:,} events have a CAMEO code "
                     f"or label the mapping leaves out ({len(report['unmapped']):,} different; most: {top})")
    if report["no_place"]:
        parts.append(f"{sum(report['no_place'].values()):,} events of a place relation name no place")
    if report["no_actor"]:
        parts.append(f"{report['no_actor']:,} mapped events lack a source or target actor")
    if report["self"]:
        parts.append(f"{report['self']:,} mapped events have one actor as both source and target")
    if report["below_min_events"]:
        parts.append(f"{report['below_min_events']:,} {BELOW_MIN_EVENTS}")
    return "; ".join(parts) or None
