"""What a later declaration of something the store holds does to it.

A load never silently loses information. A declaration merges into what the store holds:
it may add (an alias, a country where there was none), and what it leaves out is kept;
one that gives another value for a stored one (a new name, a new confidence) is refused,
unless the load replaces, and then what the declaration says is what the store holds.
The load report lists each field added or replaced, old and new.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

from allegiance.model import Actor, PartialDate, Place, ScopedAlias, Source, Statement

FIELDS = {
    "actor": ("name", "type", "aliases", "country"),
    "place": ("name", "aliases", "country", "lat", "lon"),
    "source": ("title", "publisher", "url", "published", "reliability"),
    # Outside the content id (Statement.content_id): a statement restated with another
    # confidence or weight is the same statement, so these are all a re-load can change.
    "statement": ("confidence", "weight"),
}
# to_actor writes "other" when a record gives no type: like a missing value, it adds nothing.
UNSET = {"type": "other"}
REPLACE_HINT = "load with --replace to replace it"


@dataclass(frozen=True, slots=True)
class Change:
    """A field in which a declaration differs from what the store holds."""

    field: str
    old: Any
    new: Any  # as declared
    merged: Any  # what a merge holds: the old value with what the declaration adds
    conflict: bool  # a value other than the stored one: no merge


def values(kind: str, item: Actor | Place | Source | Statement) -> dict[str, Any]:
    """The fields a re-declaration is compared on; an actor's scoped aliases are among its
    aliases, as a record writes them."""
    found = {f: getattr(item, f) for f in FIELDS[kind]}
    if isinstance(item, Actor):
        found["aliases"] = (*item.aliases, *item.scoped)
    return found


def changes(kind: str, old: Actor | Place | Source | Statement, new: Actor | Place | Source | Statement) -> list[Change]:
    """The fields in which ``new`` differs from ``old``, in declaration order."""
    found = []
    before, after = values(kind, old), values(kind, new)
    for name in FIELDS[kind]:
        a, b = before[name], after[name]
        unset = (None, UNSET.get(name))
        if same(a, b):
            continue
        if isinstance(a, tuple):
            found.append(Change(name, a, b, (*a, *(x for x in b if x not in a)), False))
        elif b in unset:
            found.append(Change(name, a, b, a, False))  # left out: kept
        elif a in unset:
            found.append(Change(name, a, b, b, False))  # added
        else:
            found.append(Change(name, a, b, b, True))
    return found


def same(a: Any, b: Any) -> bool:
    """Equal values; aliases in any order."""
    return set(a) == set(b) if isinstance(a, tuple) else a == b


_Item = TypeVar("_Item", bound=Actor | Place | Source | Statement)


def merged(item: _Item, found: list[Change]) -> _Item:
    """``item`` with the values a merge adds."""
    fields = {c.field: c.merged for c in found}
    if isinstance(item, Actor) and "aliases" in fields:
        combined = fields.pop("aliases")
        fields["aliases"] = tuple(a for a in combined if not isinstance(a, ScopedAlias))
        fields["scoped"] = tuple(a for a in combined if isinstance(a, ScopedAlias))
    return dataclasses.replace(item, **fields)


def refusal(what: str, change: Change) -> str:
    return (f"{what} is in the store with {change.field} {shown(change.old)}; this file gives "
            f"{shown(change.new)} ({REPLACE_HINT})")


def entry(kind: str, id_: str, fields: list[tuple[str, Any, Any]], statement: Statement | None = None) -> dict[str, Any]:
    """One item of the load report: the (field, old, new) merged into or replaced in one thing."""
    says = {"statement": _says(statement)} if statement else {}
    return {"record": kind, "id": id_, **says,
            "fields": {name: {"old": plain(old), "new": plain(new)} for name, old, new in fields}}


def describe(item: dict[str, Any]) -> str:
    """An item as one line: ``actor 'gna': aliases ['GNA'] -> ['GNA', 'Tripoli']``."""
    what = (f"statement {item['id']} ({item['statement']})" if item["record"] == "statement"
            else f"{item['record']} {item['id']!r}")
    return what + ": " + "; ".join(f"{name} {shown(v['old'])} -> {shown(v['new'])}" for name, v in item["fields"].items())


def about(statement: Statement) -> str:
    """How messages name a statement: its id, and what it says."""
    return f"statement {statement.id} ({_says(statement)})"


def _says(statement: Statement) -> str:
    return f"{statement.subject} {statement.relation} {statement.object}"


def plain(value: Any) -> Any:
    """A JSON-able value: aliases as a list, scoped ones as mappings, dates as text."""
    if isinstance(value, tuple):
        return [a.as_dict() if isinstance(a, ScopedAlias) else a for a in value]
    if isinstance(value, PartialDate):
        return str(value)
    return value


def shown(value: Any) -> str:
    value = plain(value)
    return "none" if value in (None, []) else repr(value)
