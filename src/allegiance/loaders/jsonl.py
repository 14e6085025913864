"""JSON Lines: one object a line; ``"record"`` says actor, place or source, else a statement."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, BinaryIO

from allegiance.exc import InputError
from allegiance.loaders.handles import text_of
from allegiance.loaders.json_loader import SURROGATE_ESCAPE, Refused, loads
from allegiance.loaders.records import KINDS, Record
from allegiance.loaders.untrusted import refuse_lone_surrogates, shown

if TYPE_CHECKING:
    from allegiance.loaders import Options


def read_jsonl(handle: BinaryIO, name: str, options: Options | None = None) -> Iterator[Record]:
    with text_of(handle) as stream:
        yield from _read(stream, name)


def _read(stream: IO[str], name: str) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            data = loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"not valid JSON: {e.msg} at column {e.colno}", file=name, record=where) from None
        except Refused as e:
            raise InputError(e.message, file=name, record=f"{where}, column {e.pos + 1}", field=e.field) from None
        if not isinstance(data, dict):
            raise InputError(f"expected a JSON object, got {type(data).__name__}", file=name, record=where)
        if SURROGATE_ESCAPE.search(line):
            refuse_lone_surrogates(data, name, where)
        kind = data.pop("record", "statement")
        if kind not in KINDS:
            raise InputError(f"unknown record {shown(kind)}; expected one of {', '.join(KINDS)}", file=name,
                             record=where, field="record")
        yield Record(kind, data, name, where)
