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
from typing import Any

from allegiance.loaders import read_records
from allegiance.loaders.assemble import Assembler, Known
from allegiance.loaders.records import Record
from allegiance.model import Statement

# progress(phase, statements, bytes_read, bytes_total): phase "read" while files are read
# and checked, "write" once when the store starts writing.
Progress = Callable[[str, int, int, int], None]


@dataclass
class LoadReport:
    files: list[str]
    read: int = 0  # statements read, after expanding multi-party ones
    added: int = 0  # statements new to the store
    actors: int = 0  # actors added or changed
    places: int = 0
    sources: int = 0
    created: list[str] = field(default_factory=list)  # entities made by --create-missing

    @property
    def unchanged(self) -> int:
        return self.read - self.added

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files, "statements_read": self.read, "statements_added": self.added,
            "statements_unchanged": self.unchanged, "actors_written": self.actors,
            "places_written": self.places, "sources_written": self.sources, "created": self.created,
        }


class GraphStore(ABC):
    """A graph of actors, places, sources and statements that runs Cypher."""

    @abstractmethod
    def known(self) -> Known:
        """Every actor, place and source the store holds."""

    @abstractmethod
    def write(self, assembler: Assembler, statements: Iterator[Statement], report: LoadReport) -> None:
        """Write the statements and the assembler's changed entities, all or nothing."""

    @abstractmethod
    def run(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        """Column names and rows of a read query."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """Counts: statements, actors, places, sources, relations by type."""

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
    progress: Progress | None = None,
) -> LoadReport:
    """Load files into ``store``; raises ``InputError`` and writes nothing on bad input."""
    assembler = Assembler(store.known(), create_missing=create_missing)
    report = LoadReport(files=list(paths))
    sizes = [os.path.getsize(p) if p != "-" and os.path.isfile(p) else 0 for p in paths]
    total = sum(sizes)

    def records() -> Iterator[Record]:
        before = 0
        for path, size in zip(paths, sizes):
            def tell(position: int, before: int = before) -> None:
                if progress is not None:
                    progress("read", report.read, before + position, total)

            yield from read_records(path, fmt, tell)
            before += size

    def counted() -> Iterator[Statement]:
        for statement in assembler.statements(records()):
            report.read += 1
            yield statement
        if progress is not None:
            progress("write", report.read, total, total)

    store.write(assembler, counted(), report)
    report.created = assembler.created
    return report
