"""What every store writes for a statement: its node's fields and its relation edge's.

One definition for all backends, so that a pack query finds the same properties on
the embedded store and on Neo4j.
"""

from __future__ import annotations

import json
from typing import Any

from allegiance.model import Actor, PartialDate, RelationType, ScopedAlias, Source, Statement
from allegiance.model.partial_date import encode_bound, interval

STATEMENT_FIELDS = (
    "id", "subject", "relation", "object", "kind", "start_date", "end_date", "on_date", "source", "quote",
    "confidence", "claimed_by", "negated", "lo", "hi", "known", "record", "weight",
)
# The fields that are not text, with their type (LadybugDB's names; the spool's Arrow types
# and the embedded store's columns both derive from them).
FIELD_TYPES = {"confidence": "DOUBLE", "negated": "BOOLEAN", "exclusive": "BOOLEAN", "lo": "INT64", "hi": "INT64",
               "lo_key": "INT64", "hi_key": "INT64", "known": "INT64", "weight": "INT64"}
# Every relation edge carries its statement's interval and provenance, so queries never
# need to join the Statement nodes to answer "as of" or "known at".
EDGE_FIELDS = (
    "statement", "relation", "kind", "lo", "hi", "lo_key", "hi_key", "known", "negated", "source",
    "confidence", "exclusive", "weight",
)


def known_day(source: Source | None) -> int:
    """The first day a source could have been read; undated sources always count."""
    return source.published.lo if source is not None and source.published is not None else 0


def statement_values(s: Statement, known: int) -> tuple[Any, ...]:
    """A statement's node, its values in ``STATEMENT_FIELDS`` order (a tuple: the embedded
    store writes a million of them into columns)."""
    return _node(s, known, *interval(s.start, s.end, s.on))


def _node(s: Statement, known: int, lo: int, hi: int) -> tuple[Any, ...]:
    return (s.id, s.subject, s.relation, s.object, s.kind, str(s.start) if s.start else None,
            str(s.end) if s.end else None, str(s.on) if s.on else None, s.source, s.quote, s.confidence,
            s.claimed_by, s.negated, lo, hi, known, s.record, s.weight)


# What a store that spools columns takes for each new statement: its node's fields, then
# the encoded bounds its relation edge adds (every other edge field is a node field of the
# same name, but ``statement``, the node's ``id``, and ``exclusive``, its relation type's).
SPOOL_FIELDS = (*STATEMENT_FIELDS, "lo_key", "hi_key")


def spool_values(s: Statement, known: int) -> tuple[Any, ...]:
    lo, hi, lo_key, hi_key = span_keys(s.start, s.end, s.on)
    return (*_node(s, known, lo, hi), lo_key, hi_key)


def span_keys(start: PartialDate | None, end: PartialDate | None, on: PartialDate | None) -> tuple[int, int, int, int]:
    """A statement's first and last day, then each encoded with its precision (``encode_bound``)."""
    lo, hi = interval(start, end, on)
    first, last = on or start, on or end
    return lo, hi, encode_bound(lo, first.precision if first else 0), encode_bound(hi, last.precision if last else 0)


def edge_values(s: Statement, rtype: RelationType, known: int) -> tuple[Any, ...]:
    """A statement's relation edge, its values in ``EDGE_FIELDS`` order."""
    lo, hi, lo_key, hi_key = span_keys(s.start, s.end, s.on)
    return (s.id, s.relation, s.kind, lo, hi, lo_key, hi_key, known, s.negated, s.source, s.confidence,
            rtype.exclusive, s.weight)


def statement_row(s: Statement, known: int) -> dict[str, Any]:
    return dict(zip(STATEMENT_FIELDS, statement_values(s, known), strict=True))


def edge_row(s: Statement, rtype: RelationType, known: int) -> dict[str, Any]:
    return dict(zip(EDGE_FIELDS, edge_values(s, rtype, known), strict=True))


def statement_from_row(row: dict[str, Any]) -> Statement:
    """The statement a store row holds; the inverse of ``statement_row``."""
    def date(key: str) -> PartialDate | None:
        return PartialDate.parse(row[key]) if row.get(key) else None

    return Statement(
        subject=row["subject"], relation=row["relation"], object=row["object"], source=row["source"],
        quote=row["quote"], kind=row["kind"], start=date("start_date"), end=date("end_date"), on=date("on_date"),
        confidence=row["confidence"], claimed_by=row["claimed_by"], negated=bool(row["negated"]),
        record=row.get("record"), weight=row.get("weight"), id=row["id"],
    )


def scoped_to_json(actor: Actor) -> str | None:
    """An actor's dataset- or period-limited aliases, as stores keep them (JSON text)."""
    return json.dumps([a.as_dict() for a in actor.scoped], ensure_ascii=False) if actor.scoped else None


def scoped_from_json(text: str | None) -> tuple[ScopedAlias, ...]:
    def date(value: str | None) -> PartialDate | None:
        return PartialDate.parse(value) if value else None

    return tuple(ScopedAlias(d.get("name"), d.get("code"), d.get("dataset"), date(d.get("start")), date(d.get("end")))
                 for d in json.loads(text or "[]"))
