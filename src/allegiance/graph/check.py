"""Does a store still hold what was loaded into it?

Damage can be silent: random bytes over one page of an embedded store turned 28
statements into denials and every query still ran. A statement's id is a hash of what it
says (``Statement.content_id``), and its relation edge repeats its fields for the
queries, so a store can check itself: every statement's fields still hash to its id, its
derived fields (day numbers, ``known``) agree with its dates and its source, it has
exactly one relation edge, and that edge joins its subject to its object and carries its
fields. The check runs through ``GraphStore.run`` with Cypher that LadybugDB and Neo4j
both accept, so it works on either backend.

Statements are read in 17 slices (by the first character of the id, hex, then the rest)
so that a store of millions is never in memory at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allegiance.exc import StoreError
from allegiance.graph.base import GraphStore
from allegiance.graph.rows import EDGE_FIELDS, STATEMENT_FIELDS, edge_row, known_day, statement_from_row, statement_row
from allegiance.model import Known, RelationType, relation_types

HEX = "0123456789abcdef"
SHOWN = 20  # problems kept in full; the rest are only counted


@dataclass
class CheckReport:
    store: str
    statements: int = 0
    edges: int = 0
    actors: int = 0
    places: int = 0
    sources: int = 0
    problem_count: int = 0
    problems: list[str] = field(default_factory=list)  # the first SHOWN

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < SHOWN:
            self.problems.append(problem)

    def failure(self) -> str:
        """The error for a store that failed: how many problems, then the first ones."""
        shown = len(self.problems)
        head = f"the store {self.store} failed its check: {self.problem_count:,} problem" + \
            ("s" if self.problem_count != 1 else "") + (f" (the first {shown})" if shown < self.problem_count else "")
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {"store": self.store, "ok": self.ok, "statements": self.statements, "edges": self.edges,
                "actors": self.actors, "places": self.places, "sources": self.sources,
                "problem_count": self.problem_count, "problems": self.problems}


def check(store: GraphStore) -> CheckReport:
    """Check every statement and relation edge of ``store``; never raises for damage found,
    it goes in the report."""
    known = store.known()
    report = CheckReport(store=str(store.describe()["store"]), actors=len(known.actors), places=len(known.places),
                         sources=len(known.sources))
    types = {name: t for name, t in relation_types().items() if store.holds_edges(t.label)}
    total = _one(store, "MATCH (s:Statement) RETURN count(s)")
    total_edges = sum(_one(store, f"MATCH ()-[r:{t.label}]->() RETURN count(r)") for t in types.values())
    for prefix in [*HEX, None]:
        try:
            statements, edges = _slice(store, prefix, types)
        except StoreError as e:  # a damaged page can make a whole slice unreadable: go on with the rest
            report.add(f"the statements whose id starts with {prefix or 'no hex digit'!r} cannot be read: {e}")
            continue
        report.statements += len(statements)
        report.edges += sum(len(e) for e in edges.values())
        for id_, row in sorted(statements.items(), key=lambda kv: str(kv[0])):
            _check_statement(report, row, edges.pop(id_, []), types, known)
        for id_, dangling in sorted(edges.items(), key=lambda kv: str(kv[0])):
            for label, edge in dangling:
                report.add(f"a {label} edge from {edge['from']} to {edge['to']} names statement {id_}, "
                           "which the store does not hold")
    if report.statements != total:
        report.add(f"the store counts {total:,} statements, but {report.statements:,} could be read")
    if report.edges != total_edges:
        report.add(f"the store counts {total_edges:,} relation edges, but {report.edges:,} could be read")
    return report


def _one(store: GraphStore, cypher: str) -> int:
    return store.run(cypher, {})[1][0][0]


def _slice(store: GraphStore, prefix: str | None, types: dict[str, RelationType]):
    """The statements whose id starts with ``prefix`` (None: with no hex digit, or none),
    by id, and the relation edges that name them, by the id they name."""
    def where(key: str) -> tuple[str, dict[str, Any]]:
        if prefix is None:
            return f"{key} IS NULL OR NOT left({key}, 1) IN $hex", {"hex": list(HEX)}
        return f"{key} STARTS WITH $prefix", {"prefix": prefix}

    condition, params = where("s.id")
    _, rows = store.run(f"MATCH (s:Statement) WHERE {condition} RETURN "
                              + ", ".join(f"s.{f} AS {f}" for f in STATEMENT_FIELDS), params)
    statements = {row[0]: dict(zip(STATEMENT_FIELDS, row, strict=False)) for row in rows}
    edges: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    condition, params = where("r.statement")
    for rtype in types.values():
        _, rows = store.run(f"MATCH (a)-[r:{rtype.label}]->(b) WHERE {condition} RETURN a.id, b.id, "
                            + ", ".join(f"r.{f}" for f in EDGE_FIELDS), params)
        for row in rows:
            edge = dict(zip(("from", "to", *EDGE_FIELDS), row, strict=False))
            edges.setdefault(edge["statement"], []).append((rtype.label, edge))
    return statements, edges


def _check_statement(report: CheckReport, row: dict[str, Any], edges: list[tuple[str, dict[str, Any]]],
                     types: dict[str, RelationType], known: Known) -> None:
    id_ = row["id"]
    rtype = types.get(row["relation"])
    if rtype is None:
        report.add(f"statement {id_}: relation {row['relation']!r} is not a relation type")
        return
    try:
        statement = statement_from_row(row)
        expected = statement_row(statement, row["known"])
    except (ValueError, TypeError) as e:
        report.add(f"statement {id_}: its fields cannot be read ({e})")
        return
    content = statement.content_id()
    if content != id_:
        report.add(f"statement {id_}: its fields hash to {content}, not to its id: they changed after it was written")
    for name in STATEMENT_FIELDS if row != expected else ():  # the field by field look only when needed
        if not _same(row[name], expected[name]):
            report.add(f"statement {id_}: {name} is {_show(row[name])}, but its other fields give {_show(expected[name])}")
    source = known.sources.get(statement.source) if statement.source else None
    if statement.source and source is None:
        report.add(f"statement {id_}: cites source {statement.source!r}, which the store does not hold")
    elif not _same(row["known"], known_day(source)):
        report.add(f"statement {id_}: known is {_show(row['known'])}, but its source {statement.source!r} gives "
                   f"{known_day(source)}")
    if len(edges) != 1:
        report.add(f"statement {id_}: has {'no' if not edges else len(edges)} relation edge"
                   + ("s" if len(edges) > 1 else "") + f" (expected one {rtype.label} edge)")
        return
    label, edge = edges[0]
    if label != rtype.label:
        report.add(f"statement {id_}: is a {rtype.name} statement, but its edge is {label}")
        return
    if (edge["from"], edge["to"]) != (statement.subject, statement.object):
        report.add(f"statement {id_}: its {label} edge goes from {edge['from']} to {edge['to']}, "
                   f"not from {statement.subject} to {statement.object}")
    want = edge_row(statement, rtype, row["known"])
    for name in EDGE_FIELDS:
        if not _same(edge[name], want[name]):
            report.add(f"statement {id_}: its {label} edge has {name} {_show(edge[name])}, "
                       f"the statement {_show(want[name])}")


def _same(a: Any, b: Any) -> bool:
    # A store may keep an empty text as null (CSV cannot tell them apart).
    return a == b or (a in (None, "") and b in (None, ""))


def _show(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    return repr(value) if isinstance(value, str) else str(value)
