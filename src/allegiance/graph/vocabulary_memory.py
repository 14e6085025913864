"""What a store remembers of the vocabulary it was written with, and the check against the
vocabulary in use.

A store loaded with a schema folder holds relation types or kinds that the package does
not declare. Read without that folder, its edges would be counted by no query, shown by no
report and refused by no check: misread in silence. So each load records the relation
types and kinds its statements use (``relation`` and ``relation:kind``, one string each;
the embedded store keeps them in its ``Meta`` table, Neo4j on a ``(:Meta {key:
'vocabulary'})`` node), and every open compares them with the vocabulary in use. A store
written before it remembered holds only packaged types, which every vocabulary declares.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from allegiance.exc import StoreError
from allegiance.model import Statement, relation_types

if TYPE_CHECKING:
    import pyarrow as pa

KEY = "vocabulary"


def used(statements: Iterable[Statement], into: set[str]) -> None:
    """Add what ``statements`` use to ``into``."""
    used_kinds(((s.relation, s.kind) for s in statements), into)


def used_kinds(pairs: Iterable[tuple[str, str | None]], into: set[str]) -> None:
    """Add the relation types and kinds of (relation, kind) pairs to ``into``."""
    for relation, kind in pairs:
        into.add(relation)
        if kind:
            into.add(f"{relation}:{kind}")


def used_columns(table: pa.Table, into: set[str]) -> None:
    """Add what the statements of a table (``relation`` and ``kind`` columns) use to ``into``."""
    pairs = table.group_by(["relation", "kind"]).aggregate([]).to_pylist()
    used_kinds(((p["relation"], p["kind"]) for p in pairs), into)


def check(held: Iterable[str], store: str) -> None:
    """Refuse a store that holds a type or kind the vocabulary in use does not declare."""
    types = relation_types()
    for item in sorted(held):
        relation, _, kind = item.partition(":")
        if relation not in types:
            raise StoreError(f"the store {store} holds relation type {relation!r}, which the vocabulary in use does "
                             "not declare; pass the --schema folder it was loaded with")
        if kind and kind not in types[relation].kinds:
            raise StoreError(f"the store {store} holds the kind {kind!r} of {relation}, which the vocabulary in use "
                             "does not declare; pass the --schema folder it was loaded with")
