"""The interface every graph store implements, and the writer a store hands a load.

A load (``allegiance.pipeline``) reads every file, checks every record and resolves every
reference; a store's writer takes the checked statements, each with the day it became
known, and writes them with the load's entities when it commits.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from allegiance.model import Actor, Known, Place, Source, Statement

# progress(phase, count, done, total): "read" while files are read and checked (count
# statements so far, done/total bytes); "write" once when the store starts writing (count
# statements read); "batch" as a server store writes (done of total new statements).
Progress = Callable[[str, int, int, int], None]


WRITE_REFUSED = "the query writes to the graph; pack queries run read-only unless you pass --write"
# How many queries at once a server store runs a query in shares as (``share_bounds``).
SHARES_ENV = "ALLEGIANCE_NEO4J_SHARES"


@dataclass
class Changes:
    """What a load writes besides new statements, and what it was checked against."""

    actors: list[Actor] = field(default_factory=list)  # new or changed
    places: list[Place] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    restated: list[Statement] = field(default_factory=list)  # stored statements with a new confidence or weight
    known: Known | None = None  # what the store held when the load read it
    used: Mapping[str, Source] = field(default_factory=dict)  # every source the statements were dated by


class StoreWriter(ABC):
    """Takes batches of new statements, then commits them with a load's ``Changes``.

    ``add`` may be called many times before ``commit``; a writer closed without a commit
    writes nothing (a server store writes nothing before ``commit`` either: its input is
    checked in full first)."""

    def add(self, rows: Sequence[tuple[Statement, int]]) -> None:
        """New statements, each with the day its source was known (``rows.known_day``): taken
        as the columns they make (``spool.spool_table``)."""
        from allegiance.graph.spool import spool_table

        if rows:
            self.add_columns(spool_table(rows))

    @abstractmethod
    def add_columns(self, table: pa.Table) -> None:
        """New statements as columns (``rows.SPOOL_FIELDS``: what ``loaders.columnar`` makes,
        known days filled in)."""

    @abstractmethod
    def commit(self, changes: Changes, progress: Progress | None = None) -> int:
        """Write everything; the number of statements written (fewer than added when
        another load wrote some of them meanwhile)."""

    def close(self) -> None:  # noqa: B027 - optional for writers with nothing to release
        pass

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class GraphStore(ABC):
    """A graph of actors, places, sources and statements that runs Cypher."""

    @abstractmethod
    def known(self) -> Known:
        """Every actor, place and source the store holds."""

    @abstractmethod
    def writer(self) -> StoreWriter:
        """A writer for one load; ``statement_ids()`` taken before it are what it skips."""

    @abstractmethod
    def statement_ids(self) -> set[str]:
        """The ids of every statement the store holds."""

    @abstractmethod
    def run(self, cypher: str, params: dict[str, Any], *, write: bool = False) -> tuple[list[str], list[list[Any]]]:
        """Column names and rows; a query that writes is refused unless ``write``."""

    def share_bounds(self) -> list[str]:
        """The actor ids where the second and later shares of a query in shares begin (see
        ``queries.pack``), in increasing order; none (the default) runs such a query whole."""
        return []

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
