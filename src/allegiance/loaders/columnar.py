"""A JSON Lines file read whole, as columns: the same statements as row by row, without a
Python object per statement.

A file that is plainly a list of declarations, then flat statements (what `allegiance
export` and most generators write) is parsed by Arrow's JSON reader. Each check of the
row-by-row path (``Assembler.relation``, ``kind``, ``source``, ``_resolve``,
``Record.date``/``text``/``number``/``flag``/``whole``) then runs once for each distinct
value of its column (or combination of columns), on a record holding just those values,
and the results are mapped back onto the rows; the rule on the three dates
(``Assembler.dated``) runs once per distinct combination of the dates already read. The
content ids' texts are joined by Arrow and hashed row by row (``statement_ids``); the
quotes, nearly all distinct, are checked only where Arrow finds one that ``Record.text``
might change. The declarations go through the row-by-row path.

Anything else is handed back (``None``) before a statement is made, and the file is read
row by row, which words every error with its line and field: escapes, nulls, control
characters, carriage returns or blank lines in the text; a key twice, a value of another
type than the rest of its column, a field outside the statement's; a declaration after a
statement; a value a check refuses, a name not declared yet, a statement the store holds
with another confidence or weight, a relation of an actor to itself, a list of objects. The declarations read before such a
hand-back are read again row by row, which changes nothing (a declaration given twice
alike is one).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from allegiance.exc import AllegianceError
from allegiance.graph.rows import span_keys
from allegiance.loaders import assemble
from allegiance.loaders.json_loader import Refused, check_depth
from allegiance.loaders.jsonl import ROW_ID, read_lines
from allegiance.loaders.records import FIELDS, KINDS, Record, plain_text
from allegiance.model import relation_types
from allegiance.model.entities import statement_ids

if TYPE_CHECKING:
    import pyarrow as pa

    from allegiance.loaders.assemble import Assembler

# Files above this are read row by row, which streams: a file read whole is held in memory
# twice (its bytes and its columns).
MOST_BYTES = 2**30
# Bytes that send a file down the row-by-row path: a backslash (an escape, which Arrow and
# Python might decode differently, or half of a UTF-16 pair); a control character (JSON
# allows none in a text, the strict reader names it); a carriage return (Python's reader
# ends a line there, Arrow's does not).
_NOT_CONTROL = bytes(range(32, 256))  # deleted by translate: what is left is control characters
_NULL = re.compile(rb'"\s*:\s*null')  # a key given as null: Arrow's column cannot tell it from no key
# A statement's keys as JSON Lines writes them: "record" says what the line is, and the
# statement's row id in its dataset is "record_id" (see jsonl).
_STATEMENT_KEYS = frozenset(FIELDS["statement"]) | {ROW_ID}
# The declarations' text fields, typed too: left to Arrow, a column of day-precise dates is
# read as timestamps (the declarations are read from the text, but a type Arrow infers in
# one block and refuses in the next would send the file row by row).
_DECLARED_TEXT = ("id", "name", "type", "country", "title", "publisher", "url", "published")
# A text that Record.text might change (see plain_text), in RE2's syntax: empty, or with a
# first or last character that Python may count as a space (ASCII's, or any outside ASCII).
# The rest are plain for sure; the few found are checked by plain_text itself.
_EDGE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]|[^\x00-\x7f]"
_MAYBE_CHANGED = f"^(?:$|{_EDGE})|(?:{_EDGE})$"


def _schema() -> pa.Schema:
    """Every statement key (text but for three), "record", and the declarations' text fields."""
    import pyarrow as pa

    types = {"confidence": pa.float64(), "negated": pa.bool_(), "weight": pa.int64()}
    keys = [ROW_ID if f == "record" else f for f in FIELDS["statement"]]
    return pa.schema([(f, types.get(f, pa.string())) for f in (*keys, "record", *_DECLARED_TEXT)])


@dataclass
class File:
    """A JSON Lines file that a load may read whole (``read``); ``rows`` reads it row by row."""

    path: str
    name: str
    rows: Callable[[], Iterator[Record]]
    tell: Callable[[int], None] | None = None


class _Declined(Exception):
    """The file is not plainly one the columns can read: read it row by row."""


def read(file: File, assembler: Assembler) -> pa.Table | None:
    """The statements of a JSON Lines file as columns (``SPOOL_FIELDS``, known days 0:
    ``pipeline.write`` dates them), its declarations handed to ``assembler``; None when the
    file must be read row by row."""
    try:
        table = _read(file.path, file.name, assembler)
    except (_Declined, AllegianceError, OSError, ValueError):
        return None
    if file.tell is not None:
        file.tell(os.path.getsize(file.path))
    return table


def _read(path: str, name: str, assembler: Assembler) -> pa.Table:
    import pyarrow as pa
    import pyarrow.json as pj

    with open(path, "rb") as f:
        data = f.read(MOST_BYTES + 1)
    if len(data) > MOST_BYTES or not data or data.startswith(b"\xef\xbb\xbf"):
        raise _Declined
    controls = data.translate(None, _NOT_CONTROL)
    if b"\\" in data or controls.count(b"\n") != len(controls) or (b"null" in data and _NULL.search(data)):
        raise _Declined
    text = data.decode("utf-8")  # UnicodeDecodeError is a ValueError: the strict reader words it
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if data.count(b"[") or data.count(b"{") != lines:  # more than one flat object a line
        try:
            check_depth(text)  # Arrow's reader recurses: nesting too deep would crash it
        except Refused:
            raise _Declined from None
    del text
    try:
        table = pj.read_json(io.BytesIO(data), parse_options=pj.ParseOptions(
            explicit_schema=_schema(), newlines_in_values=False, unexpected_field_behavior="infer"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        raise _Declined from None
    if table.num_rows != lines:  # a blank line: row numbers would not be line numbers
        raise _Declined
    kinds = table["record"].to_pylist()
    declared = next((i for i, k in enumerate(kinds) if k in (None, "statement")), len(kinds))
    if any(k is not None and k != "statement" for k in kinds[declared:]) or not set(kinds) <= {*KINDS, None}:
        raise _Declined  # a declaration after a statement would resolve otherwise row by row
    if declared:
        end = 0  # where the line after the last declaration starts
        for _ in range(declared):
            end = data.find(b"\n", end) + 1 or len(data)
        for record in read_lines(io.StringIO(data[:end].decode("utf-8")), name):
            assembler.declare(record)
    statements = table.slice(declared)
    present = {c for c in statements.column_names if statements[c].null_count < statements.num_rows}
    if not present <= _STATEMENT_KEYS or not statements.num_rows:
        raise _Declined
    return _statements(statements, name, declared, assembler)


def _statements(table: pa.Table, name: str, first_line: int, assembler: Assembler) -> pa.Table:
    """The checks, once per distinct value (or combination); then the ids, row by row."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    schema = _schema()

    def column(field: str) -> pa.Array:
        if field in table.column_names:
            return table[field].combine_chunks()
        return pa.nulls(n, schema.field(field).type)

    def distinct(*fields: str) -> tuple[list[tuple[Any, ...]], pa.Array]:
        """The distinct combinations of ``fields`` and, for each row, the index of its own."""
        encoded = [pc.dictionary_encode(column(f), null_encoding="encode") for f in fields]
        if len(encoded) == 1:
            return [(v,) for v in encoded[0].dictionary.to_pylist()], encoded[0].indices
        key = None  # the rows' dictionary indices, as the digits of one number
        for e in encoded:
            indices = e.indices.cast(pa.int64())
            key = indices if key is None else pc.add(pc.multiply(key, len(e.dictionary)), indices)
        combined = pc.dictionary_encode(key)
        keys = combined.dictionary.to_numpy()
        parts = []
        for e in reversed(encoded):
            keys, digit = np.divmod(keys, len(e.dictionary))
            parts.append(e.dictionary.take(pa.array(digit)).to_pylist())
        return list(zip(*reversed(parts), strict=True)), combined.indices

    def checked(fields: tuple[str, ...], combos: list[tuple[Any, ...]], check: Callable[..., Any]) -> list[Any]:
        """``check(record, *values)`` for each combination of values of ``fields``, on a record
        holding just those (where does not matter: a refusal sends the file row by row)."""
        return [check(Record("statement", {f: v for f, v in zip(fields, combo, strict=True) if v is not None}, name,
                             f"line {first_line + 1}"), *combo) for combo in combos]

    def once(fields: tuple[str, ...], check: Callable[..., Any]) -> tuple[list[Any], pa.Array]:
        """``check`` for each distinct combination of ``fields``, and for each row the index of its own."""
        combos, indices = distinct(*fields)
        return checked(fields, combos, check), indices

    def spread(results: list[Any], indices: pa.Array, kind: pa.DataType) -> pa.Array:
        return pa.array(results, type=kind).take(indices)

    strings, days = pa.string(), pa.int64()
    found, at = once(("relation",), lambda r, _: assembler.relation(r))
    relation = spread([rel for rel, _ in found], at, strings)
    undirected = spread([not rtype.directed for _, rtype in found], at, pa.bool_())
    found, at = once(("relation", "kind"), lambda r, *_: assembler.kind(r, *assembler.relation(r)))
    kind = spread(found, at, strings)
    # Each date read once per distinct value of its column; the rule on the three
    # (``Assembler.dated``) once per distinct combination of them.
    parsed: dict[str, dict[Any, Any]] = {}
    for field in ("start", "end", "on"):
        values = distinct(field)[0]
        parsed[field] = {v: d for (v,), d in zip(values, checked((field,), values, lambda r, _, f=field: r.date(f)),
                                                strict=True)}
    combos, at = distinct("start", "end", "on")
    anywhere = Record("statement", {}, name, f"line {first_line + 1}")
    found = [assembler.dated(anywhere, parsed["start"][s], parsed["end"][e], parsed["on"][o]) for s, e, o in combos]
    dated = {"start_date": [s.text if s else None for s, _, _ in found],
             "end_date": [e.text if e else None for _, e, _ in found],
             "on_date": [o.text if o else None for _, _, o in found]}
    spans = [span_keys(*dates) for dates in found]
    bounds = {f: [span[i] for span in spans] for i, f in enumerate(("lo", "hi", "lo_key", "hi_key"))}
    columns: dict[str, pa.Array] = {f: spread(v, at, strings) for f, v in dated.items()}
    columns.update({f: spread(v, at, days) for f, v in bounds.items()})
    found, at = once(("subject",), lambda r, ref: assembler.resolve(r, "actor", "subject", ref))
    subject = spread(found, at, strings)
    found, at = once(("relation", "object"), lambda r, _, ref: assembler.resolve(
        r, assembler.relation(r)[1].object, "object", ref))
    object_ = spread(found, at, strings)
    found, at = once(("source",), lambda r, _: assembler.source(r))
    columns["source"] = spread(found, at, strings)
    found, at = once(("claimed_by",), lambda r, ref: None if ref in (None, "") else assembler.resolve(
        r, "actor", "claimed_by", ref))
    columns["claimed_by"] = spread(found, at, strings)
    found, at = once(("confidence",), lambda r, _: r.number("confidence", 0, 1))
    columns["confidence"] = spread(found, at, pa.float64())
    found, at = once(("negated",), lambda r, _: r.flag("negated"))
    columns["negated"] = spread(found, at, pa.bool_())
    found, at = once(("weight",), lambda r, _: r.whole("weight"))
    columns["weight"] = spread(found, at, days)
    found, at = once((ROW_ID,), lambda r, ref: Record("statement", {"record": ref}, r.file, r.where).text("record"))
    columns["record"] = spread(found, at, strings)
    # Quotes are nearly all distinct: Record.text only for those Arrow finds it might change.
    quote = column("quote")
    odd = pc.indices_nonzero(pc.fill_null(pc.match_substring_regex(quote, _MAYBE_CHANGED), False)).to_pylist()
    if odd:
        quotes = quote.to_pylist()
        for i in odd:
            if not plain_text(quotes[i]):
                quotes[i] = Record("statement", {"quote": quotes[i]}, name, "").text("quote")
        quote = pa.array(quotes, strings)
    columns["quote"] = quote
    if pc.any(pc.equal(subject, object_)).as_py():
        raise _Declined  # an actor's relation to itself: worded row by row

    # Undirected relations: the smaller id first (assemble.ends, for each row that needs it).
    turned = pc.indices_nonzero(pc.and_(undirected, pc.less(object_, subject))).to_pylist()
    if turned:
        a, b = subject.to_pylist(), object_.to_pylist()
        for i in turned:
            a[i], b[i] = assemble.ends(relation_types()[relation[i].as_py()], a[i], b[i])
        subject, object_ = pa.array(a, strings), pa.array(b, strings)
    stored = assembler.stored
    ids = statement_ids([subject, relation, object_, kind, *(columns[f] for f in (
        "start_date", "end_date", "on_date", "source")), quote, columns["claimed_by"]],
        columns["negated"], columns["record"])
    if stored:
        # A statement the store holds, given as it holds it, is skipped by the writer (a
        # reload); given with another confidence or weight, the row-by-row path restates it.
        given = zip(ids, columns["confidence"].to_pylist(), columns["weight"].to_pylist(), strict=True)
        if any(i in stored and (stored[i] != (c, w) or i in assembler.restated) for i, c, w in given):
            raise _Declined
    columns.update({"id": pa.array(ids, strings), "subject": subject, "object": object_,
                    "relation": relation, "kind": kind, "known": pa.array([0] * n, days)})
    from allegiance.graph.spool import spool_schema

    spooled = spool_schema()
    return pa.Table.from_arrays([columns[f.name] for f in spooled], schema=spooled)
