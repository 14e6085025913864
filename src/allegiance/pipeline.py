"""The load, once for every store: read, check, resolve, skip what the store has, date by
what was known when, write, report.

A load reads every file, checks every record and resolves every reference before the
store writes anything: a bad record anywhere leaves the store as it was. The store's
writer (``GraphStore.writer``) only spools until ``commit``; the embedded store then
writes in one transaction, a server in batches that a re-run completes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from allegiance.graph.base import Changes, GraphStore, Progress
from allegiance.graph.rows import known_day

if TYPE_CHECKING:
    import pyarrow as pa

    from allegiance.loaders import Options
    from allegiance.loaders.assemble import Assembler
    from allegiance.loaders.records import Record
    from allegiance.model import PartialDate, Statement

BATCH = 50_000  # statements handed to a store's writer at a time


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

    The input is read in full before the store writes: a store that locks (the embedded
    one opened ``for_load``) takes its write lock only after that, and re-reads under it
    what other loads wrote meanwhile.

    ``actors`` are alias files (bundles, JSON Lines or CSV) read before ``paths``, whatever
    ``fmt`` says; ``options`` go to the dataset readers. A declaration of something the store
    holds merges into it (what it leaves out is kept); one that gives another value for a
    stored one is refused, unless ``replace``: then the declaration is what the store holds.
    """
    from allegiance.loaders import columnar, guess_format, read_records
    from allegiance.loaders.assemble import Assembler
    from allegiance.model import Statement

    stored = store.attributes()  # also every id the store holds: write() need not read them again
    assembler = Assembler(store.known(), create_missing=create_missing, replace=replace, stored=stored)
    report = LoadReport(files=[*actors, *paths])
    inputs = [(path, None) for path in actors] + [(path, fmt) for path in paths]
    sizes = [os.path.getsize(p) if p != "-" and os.path.isfile(p) else 0 for p, _ in inputs]
    total = sum(sizes)

    def records() -> Iterator[Record | columnar.File]:
        before = 0
        for (path, path_fmt), size in zip(inputs, sizes, strict=False):
            def tell(position: int, before: int = before) -> None:
                if progress is not None:
                    progress("read", report.read, before + position, total)

            def rows(path: str = path, path_fmt: str | None = path_fmt, tell=tell) -> Iterator[Record]:
                return read_records(path, path_fmt, tell, options)

            if path != "-" and (path_fmt or guess_format(path)) == "jsonl" and os.path.isfile(path):
                yield columnar.File(path, path, rows, tell)  # read whole as columns when it can be
            else:
                yield from rows()
            before += size

    def counted() -> Iterator[Statement | pa.Table]:
        for statement in assembler.statements(records()):
            report.read += 1 if isinstance(statement, Statement) else statement.num_rows
            yield statement
        if progress is not None:
            progress("write", report.read, total, total)

    write(store, assembler, counted(), report, progress, existing=set(stored))
    report.changed = len(assembler.restated)
    report.updated, report.replaced = assembler.updated, assembler.replaced
    report.created = assembler.created
    report.notes = assembler.notes + ([
        f"{assembler.self_relations:,} dataset statements left out: the alias files map both sides to one actor"
    ] if assembler.self_relations else [])
    report.unmapped = [{"dataset": d, "name": n, "code": c, "statements": k}
                       for (d, n, c), k in sorted(assembler.unmapped.items(), key=lambda kv: (-kv[1], kv[0][:2]))]
    return report


def write(store: GraphStore, assembler: Assembler, statements: Iterable[Statement | pa.Table], report: LoadReport,
          progress: Progress | None = None, *, existing: set[str] | None = None) -> None:
    """The statements the store lacks, each dated by when its source was known, then the
    assembler's entities, through the store's writer; counts go to ``report``. ``existing``:
    the ids the store holds, when the caller has read them already. A table of statements
    (``columnar``) is taken the same way, as columns."""
    from allegiance.model import Statement

    if existing is None:
        existing = store.statement_ids()
    with store.writer() as writer:
        batch: list[tuple[Statement, int]] = []
        for statement in statements:
            if not isinstance(statement, Statement):
                writer.add_columns(_dated(_unseen(statement, existing), assembler))
                continue
            if statement.id in existing:
                continue
            existing.add(statement.id)
            batch.append((statement, _known(assembler, statement.source)))
            if len(batch) >= BATCH:
                writer.add(batch)
                batch = []
        writer.add(batch)
        del existing
        actors, places, sources = assembler.changed()
        report.actors, report.places, report.sources = len(actors), len(places), len(sources)
        report.added = writer.commit(Changes(actors, places, sources, list(assembler.restated.values()),
                                             assembler.known, assembler.sources), progress)


def _known(assembler: Assembler, source: str | None) -> int:
    """The day a statement citing ``source`` became known (``known_day``), from the sources
    the load has: declared, or held by the store."""
    return known_day(assembler.sources.get(source) if source is not None else None)


def _unseen(table: pa.Table, existing: set[str]) -> pa.Table:
    """The rows of statements neither the store nor this load has yet (the first of twins),
    their ids added to ``existing``."""
    import pyarrow as pa

    keep = []
    for id_ in table["id"].to_pylist():
        keep.append(id_ not in existing)
        existing.add(id_)
    return table if all(keep) else table.filter(pa.array(keep, pa.bool_()))


def _dated(table: pa.Table, assembler: Assembler) -> pa.Table:
    """The rows with the day each one's source was known (``known_day``), as ``write`` dates
    a statement."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sources = pc.unique(table["source"])
    days = pa.array([_known(assembler, s) for s in sources.to_pylist()], pa.int64())
    known = days.take(pc.index_in(table["source"], value_set=sources))
    return table.set_column(table.schema.get_field_index("known"), "known", known)


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

    write(target, assembler, counted(), report, progress)
    report.updated, report.replaced = assembler.updated, assembler.replaced
    return report


def export(store: GraphStore, stream: IO[str], *, as_of: PartialDate | None = None,
           known_at: PartialDate | None = None) -> int:
    """Everything ``store`` holds as JSON Lines that ``load`` reads back (the same statement
    ids). Returns the number of statements written.

    ``known_at`` keeps the statements whose source was published by then (as ``--known-at``
    counts them: a source dated ``2020-05`` is known at any date in or after May 2020; an
    undated source, or none, always counts). ``as_of`` keeps the statements whose own span
    (``start`` to ``end``, or ``on``, as written: before supersession) overlaps its span,
    denials alike. With either, the sources written are those the kept statements cite; the
    actors and places are all written, as they carry no date.
    """
    from allegiance.loaders.jsonl import write_jsonl
    from allegiance.model import Known

    known = store.known()
    if as_of is None and known_at is None:
        return write_jsonl(known, store.statements(), stream)

    def kept() -> Iterator[Statement]:
        for st in store.statements():
            if known_at is not None and known_day(known.sources.get(st.source or "")) > known_at.hi:
                continue
            if as_of is not None and (st.lo > as_of.hi or st.hi < as_of.lo):
                continue
            yield st

    # Two passes, so that a large store is never held in memory: the cited sources, then the lines.
    cited = {st.source for st in kept() if st.source}
    sources = {id_: source for id_, source in known.sources.items() if id_ in cited}
    return write_jsonl(Known(known.actors, known.places, sources), kept(), stream)
