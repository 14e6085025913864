"""Runs a pack query: checks its text, binds its parameters, runs its Cypher, presents its rows.

Values only ever travel as ``$parameters``; nothing is spliced into query text.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any

from allegiance.exc import AllegianceError, QueryError
from allegiance.graph.base import SHARES_ENV, GraphStore
from allegiance.model import PartialDate, relation_types
from allegiance.model.names import NameIndex
from allegiance.model.partial_date import OPEN_END, decode_bound
from allegiance.queries.guard import check_query
from allegiance.queries.pack import SHARE_PARAMS, Query


class Binder:
    """Turns user text into typed parameter values, resolving names against the store."""

    def __init__(self, store: GraphStore):
        self.store = store
        self._indexes: dict[str, NameIndex] | None = None

    def _index(self, kind: str) -> NameIndex:
        if self._indexes is None:
            known = self.store.known()
            self._indexes = {"actor": NameIndex("actor"), "place": NameIndex("place")}
            for actor in known.actors.values():
                self._indexes["actor"].add(actor.id, (actor.name, *actor.aliases))
            for place in known.places.values():
                self._indexes["place"].add(place.id, (place.name, *place.aliases))
        return self._indexes[kind]

    def entity(self, kinds: tuple[str, ...], ref: str, param: str) -> str:
        # An exact id needs no name index: the common case stays one small query.
        for kind in kinds:
            label = kind.capitalize()
            _, rows = self.store.run(f"MATCH (n:{label}) WHERE n.id = $ref RETURN n.id", {"ref": ref})
            if rows:
                return rows[0][0]
        errors = []
        for kind in kinds:
            try:
                return self._index(kind).resolve(ref)
            except AllegianceError as e:
                errors.append(str(e))
        raise QueryError(f"parameter {param!r}: {' / '.join(errors)}")


def bind(query: Query, store: GraphStore, given: dict[str, str], *, as_of: str | None = None,
         known_at: str | None = None) -> dict[str, Any]:
    """The parameter values for ``query``; ``QueryError`` names what is wrong."""
    unknown = set(given) - {p.name for p in query.params}
    if unknown:
        names = ", ".join(p.name for p in query.params) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {sorted(unknown)[0]!r}; its parameters: {names}")
    values: dict[str, Any] = {}
    span = period_date("--as-of", as_of)
    values["as_of_lo"], values["as_of_hi"] = (span.lo, span.hi) if span else (0, OPEN_END)
    known = period_date("--known-at", known_at)
    values["known_at"] = known.hi if known else OPEN_END
    values |= dict.fromkeys(SHARE_PARAMS, "")  # one share, the whole answer, for a caller running ``query.cypher``
    binder = Binder(store)
    for param in query.params:
        raw = given.get(param.name, param.default)
        if raw is None:
            raise QueryError(f"query {query.name!r} needs --param {param.name}=<{param.type}>")
        values.update(_convert(param.name, param.type, raw, binder))
    return values


def period_date(option: str, text: str | None) -> PartialDate | None:
    """The date given to ``option`` (None if not given); ``QueryError`` naming it if it is not one."""
    if text is None or text == "":
        return None
    try:
        return PartialDate.parse(text)
    except AllegianceError as e:
        raise QueryError(f"{option}: {e}") from None


def _convert(name: str, type_: str, raw: Any, binder: Binder) -> dict[str, Any]:
    text = str(raw)
    if type_ == "date":
        span = period_date(f"parameter {name!r}", text)
        return {f"{name}_lo": span.lo if span else 0, f"{name}_hi": span.hi if span else OPEN_END}
    if type_ in ("actor", "place", "entity"):
        if text == "":
            return {name: ""}  # an optional reference left out; queries test for ""
        kinds = ("actor", "place") if type_ == "entity" else (type_,)
        return {name: binder.entity(kinds, text, name)}
    if type_ == "relation":
        if text and text not in relation_types():
            raise QueryError(f"parameter {name!r}: unknown relation {text!r}; expected one of {', '.join(relation_types())}")
        return {name: text}
    try:
        if type_ == "int":
            return {name: int(text)}
        if type_ == "float":
            return {name: float(text)}
    except ValueError:
        raise QueryError(f"parameter {name!r}: expected {type_}, got {text!r}") from None
    if type_ == "bool":
        if text.lower() not in ("true", "false"):
            raise QueryError(f"parameter {name!r}: expected true or false, got {text!r}")
        return {name: text.lower() == "true"}
    return {name: text}


def present(query: Query, columns: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Rows as dicts, dates decoded and sets sorted, in the order the query returned them
    or, when its header has ``// order:``, sorted by those columns (nulls last, as Cypher's
    ORDER BY; dates by their encoded bounds, so by day and then precision)."""
    types = {c.name: c.type for c in query.columns}
    if query.order and not query.shared:  # a query in shares sorts itself (``answer``)
        rows = _ordered(query, columns, rows)
    # Column by column: a whole answer is a few hundred thousand cells, most left as they are.
    dates = [i for i, c in enumerate(columns) if types.get(c) == "date"]
    sets = [i for i, c in enumerate(columns) if types.get(c) == "set"]
    if not rows or not (dates or sets):
        return [dict(zip(columns, row, strict=False)) for row in rows]
    cells = [list(column) for column in zip(*rows, strict=True)]
    for i in dates:
        cells[i] = [decode_bound(v) for v in cells[i]]
    for i in sets:
        # A set: its distinct members but null, sorted (most hold one, which is that already).
        cells[i] = [(v if len(v) == 1 and v[0] is not None else sorted({*v} - _NULL)) if v else [] for v in cells[i]]
    return [dict(zip(columns, row, strict=True)) for row in zip(*cells, strict=True)]


_NULL = {None}


def _ordered(query: Query, columns: list[str], rows: list[list[Any]]) -> list[list[Any]]:
    """``rows`` sorted by the query's order (its ``// order:`` line, or the closing ORDER BY
    of a query in shares), nulls last. The keys are made a column at a time, a null-safe
    key only for a column that holds a null."""
    keys = []
    for name in query.order:
        if name in columns:
            i = columns.index(name)
            cells = [row[i] for row in rows]
            keys.append([(v is None, v) for v in cells] if None in cells else cells)
    if not keys:
        return rows
    key = list(zip(*keys, strict=True))
    try:
        at = sorted(range(len(rows)), key=key.__getitem__)
    except TypeError:
        whole = f"; {SHARES_ENV}=1 runs it whole, sorted as its Cypher sorts" if query.shared else ""
        raise QueryError(f"query {query.name!r}: cannot sort its rows by {', '.join(query.order)}: "
                         f"a column holds values of different types{whole}") from None
    return [rows[i] for i in at]


def answer(store: GraphStore, query: Query, values: dict[str, Any], *,
           write: bool = False) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows of the query: run whole, or, when it may run in shares (``_share``)
    and the store answers faster so (``share_bounds``), once per share at the same time, the
    shares' rows sorted together by the query's order (each share's come sorted so: its
    Cypher ends in that ORDER BY, which the pack checks)."""
    bounds = store.share_bounds() if query.shared and not write else []
    if not bounds:
        return store.run(query.whole().cypher, values, write=write)
    edges = ["", *bounds, ""]
    shares = [values | dict(zip(SHARE_PARAMS, edge, strict=True)) for edge in pairwise(edges)]
    pool = ThreadPoolExecutor(len(shares), thread_name_prefix="allegiance-share")
    try:
        answers = list(pool.map(lambda share: store.run(query.cypher, share), shares))
    finally:
        # A failed share, or Ctrl-C, ends the answer at once: the other shares are not
        # waited for (closing the store ends their reads).
        pool.shutdown(wait=False, cancel_futures=True)
    columns = answers[0][0]
    return columns, _ordered(query, columns, [row for _, rows in answers for row in rows])


def run_query(store: GraphStore, query: Query, params: dict[str, str] | None = None, *,
              as_of: str | None = None, known_at: str | None = None, write: bool = False) -> list[dict[str, Any]]:
    """The query's rows; the guard checks its text before the store runs anything (``bind``
    looks names up in the store), ``write`` allowing only the graph-writing clauses."""
    check_query(query, write=write)
    values = bind(query, store, params or {}, as_of=as_of, known_at=known_at)
    with collector_paused():
        columns, rows = answer(store, query, values, write=write)
        return present(query, columns, rows)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a big answer is fetched and presented: it would walk
    every object made so far, again and again (a third of `relations` at 1M statements, whose
    rows make no cycles; reference counting still frees them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
