"""The interface every graph store implements, and the load that drives it.

A load reads every file, checks every record and resolves every reference before
the store writes anything, and the store then writes in one transaction: a bad
record anywhere leaves the store as it was.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the loaders are imported when a load runs: queries do not pay for them
    from allegiance.loaders import Options
    from allegiance.loaders.assemble import Assembler
    from allegiance.model import Known
    from allegiance.loaders.records import Record
    from allegiance.model import Statement

# progress(phase, count, done, total): "read" while files are read and checked (count
# statements so far, done/total bytes); "write" once when the store starts writing (count
# statements read); "batch" as a server store writes (done of total new statements).
Progress = Callable[[str, int, int, int], None]


WRITE_REFUSED = "the query writes to the graph; pack queries run read-only unless you pass --write"


@dataclass
class LoadReport:
    files: list[str]
    read: int = 0  # statements read, after expanding multi-party ones
    added: int = 0  # statements new to the store
    changed: int = 0  # statements the store held whose confidence or weight this load changed
    actors: int = 0  # actors added or changed
    places: int = 0
    sources: int = 0
    created: list[str] = field(default_factory=list)  # entities made by --create-missing
    unmapped: list[dict[str, Any]] = field(default_factory=list)  # dataset names no alias maps
    notes: list[str] = field(default_factory=list)  # what dataset readers reported
    # what re-declarations added to stored entities and statements, and what --replace
    # replaced: {"record", "id", "fields": {name: {"old", "new"}}} ("statement" too for statements)
    updated: list[dict[str, Any]] = field(default_factory=list)
    replaced: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.read - self.added - self.changed

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files, "statements_read": self.read, "statements_added": self.added,
            "statements_changed": self.changed, "statements_unchanged": self.unchanged,
            "actors_written": self.actors, "places_written": self.places, "sources_written": self.sources,
            "created": self.created, "updated": self.updated, "replaced": self.replaced,
            "unmapped": self.unmapped, "notes": self.notes,
        }


class GraphStore(ABC):
    """A graph of actors, places, sources and statements that runs Cypher."""

    @abstractmethod
    def known(self) -> Known:
        """Every actor, place and source the store holds."""

    @abstractmethod
    def write(self, assembler: Assembler, statements: Iterator[Statement], report: LoadReport,
              progress: Progress | None = None) -> None:
        """Write the statements and the assembler's changed entities."""

    @abstractmethod
    def run(self, cypher: str, params: dict[str, Any], *, write: bool = False) -> tuple[list[str], list[list[Any]]]:
        """Column names and rows; a query that writes is refused unless ``write``."""

    ATTRIBUTES = "MATCH (s:Statement) RETURN s.id, s.confidence, s.weight"

    def attributes(self) -> dict[str, tuple[float | None, int | None]]:
        """The (confidence, weight) of every statement held: what a statement's id leaves out."""
        return {id_: (confidence, weight) for id_, confidence, weight in self.run(self.ATTRIBUTES, {})[1]}

    @abstractmethod
    def statements(self) -> Iterator[Statement]:
        """Every statement the store holds (to copy a store, or rebuild it)."""

    def stats(self) -> dict[str, Any]:
        """Counts: statements, denials, relations, actors, places, sources, edges by type;
        then where the store is (``describe``)."""
        from allegiance.model import relation_types

        def one(cypher: str) -> Any:
            return self.run(cypher, {})[1][0][0]

        counts = {
            "statements": one("MATCH (s:Statement) RETURN count(s)"),
            "denials": one("MATCH (s:Statement) WHERE s.negated RETURN count(s)"),
            "relations": one("MATCH (s:Statement) RETURN count(DISTINCT s.subject + '|' + s.relation + '|' + s.object)"),
            "actors": one("MATCH (a:Actor) RETURN count(a)"),
            "places": one("MATCH (p:Place) RETURN count(p)"),
            "sources": one("MATCH (s:Source) RETURN count(s)"),
            "by_relation": {name: one(f"MATCH ()-[r:{rtype.label}]->() RETURN count(r)")
                            if self.holds_edges(rtype.label) else 0 for name, rtype in relation_types().items()},
        }
        return {**counts, **self.describe()}

    def holds_edges(self, label: str) -> bool:
        """Whether the store can hold edges of ``label``: a store opened read-only may predate
        a type declared since, and then holds none (a query naming it would fail)."""
        return True

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """Where the store is, for ``stats``: never credentials."""

    def close(self) -> None:  # noqa: B027 - optional for stores with nothing to release
        pass

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load(
    store: GraphStore,
    paths: Sequence[str],
    fmt: str | None = None,
    *,
    create_missing: bool = False,
    replace: bool = False,
    progress: Progress | None = None,
    actors: Sequence[str] = (),
    options: Options | None = None,
) -> LoadReport:
    """Load files into ``store``; raises ``InputError`` and writes nothing on bad input.

    The input is read in full inside ``store.write``, before the store writes: a store that
    locks (the embedded one opened ``for_load``) takes its write lock only after that, and
    re-reads under it what other loads wrote meanwhile.

    ``actors`` are alias files (bundles, JSON Lines or CSV) read before ``paths``, whatever
    ``fmt`` says; ``options`` go to the dataset readers. A declaration of something the store
    holds merges into it (what it leaves out is kept); one that gives another value for a
    stored one is refused, unless ``replace``: then the declaration is what the store holds.
    """
    from allegiance.loaders import read_records
    from allegiance.loaders.assemble import Assembler

    assembler = Assembler(store.known(), create_missing=create_missing, replace=replace,
                          stored=store.attributes())
    report = LoadReport(files=[*actors, *paths])
    inputs = [(path, None) for path in actors] + [(path, fmt) for path in paths]
    sizes = [os.path.getsize(p) if p != "-" and os.path.isfile(p) else 0 for p, _ in inputs]
    total = sum(sizes)

    def records() -> Iterator[Record]:
        before = 0
        for (path, path_fmt), size in zip(inputs, sizes):
            def tell(position: int, before: int = before) -> None:
                if progress is not None:
                    progress("read", report.read, before + position, total)

            yield from read_records(path, path_fmt, tell, options)
            before += size

    def counted() -> Iterator[Statement]:
        for statement in assembler.statements(records()):
            report.read += 1
            yield statement
        if progress is not None:
            progress("write", report.read, total, total)

    store.write(assembler, counted(), report, progress)
    report.changed = len(assembler.restated)
    report.updated, report.replaced = assembler.updated, assembler.replaced
    report.created = assembler.created
    report.notes = assembler.notes + ([
        f"{assembler.self_relations:,} dataset statements left out: the alias files map both sides to one actor"
    ] if assembler.self_relations else [])
    report.unmapped = [{"dataset": d, "name": n, "code": c, "statements": k}
                       for (d, n, c), k in sorted(assembler.unmapped.items(), key=lambda kv: (-kv[1], kv[0][:2]))]
    return report


def push(source: GraphStore, target: GraphStore, *, progress: Progress | None = None) -> LoadReport:
    """Copy every entity and statement of ``source`` into ``target`` (idempotent)."""
    from allegiance.loaders.assemble import Assembler

    # A copy: the source's entities replace what the target holds (listed in the report).
    assembler = Assembler(target.known(), replace=True)
    theirs = source.known()
    for kind, table in (("source", theirs.sources), ("actor", theirs.actors), ("place", theirs.places)):
        for entity in table.values():
            assembler.adopt(kind, entity)
    report = LoadReport(files=[])

    def counted() -> Iterator[Statement]:
        for statement in source.statements():
            report.read += 1
            yield statement
        if progress is not None:
            progress("write", report.read, 0, 0)

    target.write(assembler, counted(), report, progress)
    report.updated, report.replaced = assembler.updated, assembler.replaced
    return report


def export(store: GraphStore, stream) -> int:
    """Everything ``store`` holds as JSON Lines that ``load`` reads back: sources, actors,
    places, then statements. Returns the number of statements written."""
    import json

    known = store.known()

    def line(data: dict[str, Any]) -> None:
        stream.write(json.dumps({k: v for k, v in data.items() if v not in (None, (), [])},
                                ensure_ascii=False) + "\n")

    for s in sorted(known.sources.values(), key=lambda s: s.id):
        line({"record": "source", "id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url,
              "published": str(s.published) if s.published else None, "reliability": s.reliability})
    for a in sorted(known.actors.values(), key=lambda a: a.id):
        line({"record": "actor", "id": a.id, "name": a.name, "type": a.type, "country": a.country,
              "aliases": [*a.aliases, *(alias.as_dict() for alias in a.scoped)]})
    for p in sorted(known.places.values(), key=lambda p: p.id):
        line({"record": "place", "id": p.id, "name": p.name, "aliases": list(p.aliases), "country": p.country,
              "lat": p.lat, "lon": p.lon})
    count = 0
    for st in store.statements():
        line({"subject": st.subject, "relation": st.relation, "object": st.object, "kind": st.kind,
              "start": str(st.start) if st.start else None, "end": str(st.end) if st.end else None,
              "on": str(st.on) if st.on else None, "source": st.source, "quote": st.quote,
              "confidence": st.confidence, "claimed_by": st.claimed_by, "negated": st.negated or None,
              "record": st.record, "weight": st.weight})
        count += 1
    return count
