"""YAML and JSON bundles: ``sources``, ``actors``, ``places``, ``statements`` lists.

A bundle may also be a bare list of statements. YAML records remember their line,
so an error can say ``statements[3], line 40``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from allegiance.exc import InputError
from allegiance.loaders.handles import text_of
from allegiance.loaders.json_loader import SURROGATE_ESCAPE, Refused, line_and_column, loads
from allegiance.loaders.records import Record
from allegiance.loaders.untrusted import refuse_lone_surrogates, shown
from allegiance.loaders.yaml_loader import load_yaml

if TYPE_CHECKING:
    from allegiance.loaders import Options

SECTIONS = {"sources": "source", "actors": "actor", "places": "place", "statements": "statement"}


def read_yaml(handle: BinaryIO, name: str, options: Options | None = None) -> Iterator[Record]:
    with text_of(handle) as stream:
        document = load_yaml(stream, name)
    # YAML escapes (\ud800) can write lone surrogates too; the parser is slow enough that
    # searching every record costs nothing in comparison.
    yield from _records(document, name, surrogates=True)


def read_json(handle: BinaryIO, name: str, options: Options | None = None) -> Iterator[Record]:
    with text_of(handle) as stream:
        text = stream.read()
    try:
        document = loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e.msg}", file=name, record=f"line {e.lineno}, column {e.colno}") from None
    except Refused as e:
        line, column = line_and_column(text, e.pos)
        raise InputError(e.message, file=name, record=f"line {line}, column {column}", field=e.field) from None
    yield from _records(document, name, surrogates=SURROGATE_ESCAPE.search(text) is not None)


def _records(document: object, name: str, surrogates: bool) -> Iterator[Record]:
    if document is None:
        return
    if isinstance(document, list):
        document = {"statements": document}
    if not isinstance(document, dict):
        raise InputError(
            "expected a mapping with sources, actors, places, statements (or a list of statements), "
            f"got {type(document).__name__}",
            file=name,
        )
    for section in document:
        if section not in SECTIONS:
            raise InputError(f"unknown section {shown(section)}; expected {', '.join(SECTIONS)}", file=name)
    for section, kind in SECTIONS.items():
        items = document.get(section) or []
        if not isinstance(items, list):
            raise InputError(f"section {section!r} must be a list, got {type(items).__name__}", file=name)
        for index, item in enumerate(items):
            line = getattr(item, "line", None)
            where = f"{section}[{index}]" + (f", line {line}" if line else "")
            if not isinstance(item, dict):
                raise InputError(f"expected a mapping, got {shown(item)}", file=name, record=where)
            if surrogates:
                refuse_lone_surrogates(item, name, where)
            yield Record(kind, dict(item), name, where)


def alias_file(unmapped: list[dict[str, Any]]) -> str:
    """An alias file that loads as it is, for the dataset names a load could not map
    (``LoadReport.unmapped``): each becomes an actor of yours with an alias for that
    dataset; edit ids, names and types first, or map a name to an actor you have by moving
    its alias there."""
    from allegiance.model.names import slug

    def text(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar

    lines = ["# Dataset names no alias maps, most used first. Loaded with --actors, each becomes an",
             "# actor of yours that the dataset name maps to: edit ids, names and types first.",
             "actors:"]
    taken: set[str] = set()
    for item in unmapped:
        base = slug(item["name"]) or "actor"
        actor_id = next(f"{base}-{n}" if n else base for n in range(len(taken) + 1)
                        if (f"{base}-{n}" if n else base) not in taken)
        taken.add(actor_id)
        alias = ", ".join(f"{k}: {text(item[k])}" for k in ("dataset", "code", "name") if item[k])
        lines += [f"  # {item['statements']:,} statements",
                  f"  - id: {text(actor_id)}",
                  f"    name: {text(item['name'])}",
                  "    type: other",
                  f"    aliases: [{{{alias}}}]"]
    return "\n".join(lines) + "\n"
