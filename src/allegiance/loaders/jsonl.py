"""JSON Lines: one object a line; ``"record"`` says actor, place or source, else a statement.

Two keys are for what `allegiance export` writes, so that a store loaded from a dataset comes
back whole: ``"dataset_scoped": true`` on an actor or place a dataset made (its id holds ':',
``ucdp:111``), and ``"record_id"``, a statement's row id in its dataset (the key ``record``
says what the line is)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from allegiance.exc import InputError
from allegiance.loaders.handles import text_of
from allegiance.loaders.json_loader import SURROGATE_ESCAPE, Refused, flat, loads
from allegiance.loaders.records import KINDS, Record
from allegiance.loaders.untrusted import refuse_lone_surrogates, shown

if TYPE_CHECKING:
    from allegiance.loaders import Options
    from allegiance.model import Known, Statement

ROW_ID = "record_id"  # a statement's row id in its dataset (the key "record" says what a line is)


def read_jsonl(handle: BinaryIO, name: str, options: Options | None = None) -> Iterator[Record]:
    with text_of(handle) as stream:
        yield from read_lines(stream, name)


def read_lines(stream: IO[str], name: str) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        data = flat(line)
        if data is None:
            data = _strict(line, name, where)
        kind = data.pop("record", "statement")
        if kind not in KINDS:
            raise InputError(f"unknown record {shown(kind)}; expected one of {', '.join(KINDS)}", file=name,
                             record=where, field="record")
        scoped = data.pop("dataset_scoped", False) if kind in ("actor", "place") else False
        if scoped not in (True, False):
            raise InputError(f"expected true or false, got {shown(scoped)}", file=name, record=where,
                             field="dataset_scoped")
        if kind == "statement" and ROW_ID in data:
            data["record"] = data.pop(ROW_ID)
        yield Record(kind, data, name, where, dataset_scoped=scoped)


def _strict(line: str, name: str, where: str) -> dict[str, Any]:
    """A line that is not plainly a flat object, read by the strict reader."""
    try:
        data = loads(line)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e.msg} at column {e.colno}", file=name, record=where) from None
    except Refused as e:
        raise InputError(e.message, file=name, record=f"{where}, column {e.pos + 1}", field=e.field) from None
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object, got {type(data).__name__}", file=name, record=where)
    if SURROGATE_ESCAPE.search(line):
        refuse_lone_surrogates(data, name, where)
    return data


def write_jsonl(known: Known, statements: Iterable[Statement], stream: IO[str]) -> int:
    """Entities and statements as JSON Lines that ``read_jsonl`` reads back: sources, actors,
    places, then statements. Returns the number of statements written."""
    def line(data: dict[str, Any]) -> None:
        # Left out: what is not there, and a false flag (a 0 or 0.0 stays).
        stream.write(json.dumps({k: v for k, v in data.items() if not (v is None or v is False or v in ((), []))},
                                ensure_ascii=False) + "\n")

    for s in sorted(known.sources.values(), key=lambda s: s.id):
        line({"record": "source", "id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url,
              "published": str(s.published) if s.published else None, "reliability": s.reliability})
    for a in sorted(known.actors.values(), key=lambda a: a.id):
        line({"record": "actor", "id": a.id, "dataset_scoped": ":" in a.id, "name": a.name, "type": a.type,
              "country": a.country, "aliases": [*a.aliases, *(alias.as_dict() for alias in a.scoped)]})
    for p in sorted(known.places.values(), key=lambda p: p.id):
        line({"record": "place", "id": p.id, "dataset_scoped": ":" in p.id, "name": p.name,
              "aliases": list(p.aliases), "country": p.country, "lat": p.lat, "lon": p.lon})
    count = 0
    for st in statements:
        line({"subject": st.subject, "relation": st.relation, "object": st.object, "kind": st.kind,
              "start": str(st.start) if st.start else None, "end": str(st.end) if st.end else None,
              "on": str(st.on) if st.on else None, "source": st.source, "quote": st.quote,
              "confidence": st.confidence, "claimed_by": st.claimed_by, "negated": st.negated or None,
              ROW_ID: st.record, "weight": st.weight})
        count += 1
    return count
