"""A snapshot: the resolved relations as of a date, with the entities and sources they name.

What every view of the graph starts from (the report, the page, and the analyses to come):
the core ``relations`` query (supersession, contested claims and known-at applied, each row
with its evidence), the actors and places as nodes, and the sources the rows cite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allegiance.graph.base import GraphStore
from allegiance.model import Known
from allegiance.queries.pack import core_pack
from allegiance.queries.runner import run_query


@dataclass(frozen=True)
class Snapshot:
    relations: list[dict[str, Any]]  # rows of the core `relations` query
    nodes: dict[str, dict[str, Any]]  # id -> name, type ("place" for places), country
    sources: dict[str, dict[str, Any]]  # id -> title, publisher, url, published
    as_of: str | None = None
    known_at: str | None = None


def snapshot(store: GraphStore, *, as_of: str | None = None, known_at: str | None = None) -> Snapshot:
    """The relations that hold as of ``as_of`` (the whole record if None), counting only
    statements whose source was published by ``known_at``."""
    rows = run_query(store, core_pack()["relations"], {}, as_of=as_of, known_at=known_at)
    known = store.known()
    return Snapshot(rows, _nodes(known), _sources(known), as_of, known_at)


def nodes(store: GraphStore) -> dict[str, dict[str, Any]]:
    """The actors and places as a snapshot gives them (id -> name, type, country), for a view
    that needs the entities without the relations query."""
    return _nodes(store.known())


def entities(store: GraphStore) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The nodes and the sources as a snapshot gives them, read from the store once, for a
    view that needs them without the relations query."""
    known = store.known()
    return _nodes(known), _sources(known)


def _sources(known: Known) -> dict[str, dict[str, Any]]:
    return {s.id: {"title": s.title, "publisher": s.publisher, "url": s.url,
                   "published": str(s.published) if s.published else None} for s in known.sources.values()}


def _nodes(known: Known) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {
        a.id: {"name": a.name, "type": a.type, "country": a.country} for a in known.actors.values()
    }
    found.update({p.id: {"name": p.name, "type": "place", "country": p.country} for p in known.places.values()})
    return found


_DETAILS = ("MATCH (s:Statement) WHERE s.id IN $ids RETURN s.id, s.confidence, s.weight, s.quote, s.claimed_by, "
            "s.kind, s.source, s.negated, coalesce(s.on_date, s.start_date), coalesce(s.on_date, s.end_date)")
_DETAIL_FIELDS = ("confidence", "weight", "quote", "claimed_by", "kind", "source", "negated", "start", "end")


def statement_details(store: GraphStore, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Statement id -> what the statement says beyond its relation: ``confidence``, ``weight``
    (coded events behind it), ``quote``, ``claimed_by``, ``kind``, ``source``, ``negated``, and
    ``start`` and ``end`` as written (a one-off's date as both)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    _, rows = store.run(_DETAILS, {"ids": ids})
    return {row[0]: dict(zip(_DETAIL_FIELDS, row[1:], strict=True)) for row in rows}


def statement_evidence(store: GraphStore, relations: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Statement id -> its ``confidence`` and ``weight``, for the statements the rows cite: what
    the analyses weigh a tie by, which the rows leave out."""
    details = statement_details(store, (i for row in relations for i in (*row["statements"], *row["denials"])))
    return {id_: {"confidence": d["confidence"], "weight": d["weight"]} for id_, d in details.items()}
