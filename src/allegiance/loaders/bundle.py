"""YAML and JSON bundles: ``sources``, ``actors``, ``places``, ``statements`` lists.

A bundle may also be a bare list of statements. YAML records remember their line,
so an error can say ``statements[3], line 40``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO

import yaml

from allegiance.exc import InputError
from allegiance.loaders.records import Record

SECTIONS = {"sources": "source", "actors": "actor", "places": "place", "statements": "statement"}


class _LineDict(dict):
    line: int | None = None


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings know the line they start on."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):
    data = _LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
# YAML 1.1 reads on/off/yes/no as booleans, which turns the statement field `on:` into
# True. Only true/false are booleans here, as in YAML 1.2.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(stream: IO[str], name: str) -> Iterator[Record]:
    try:
        document = yaml.load(stream, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputError(f"not valid YAML: {e.problem}", file=name, record=where) from None
    except yaml.YAMLError as e:
        raise InputError(f"not valid YAML: {e}", file=name) from None
    yield from _records(document, name)


def read_json(stream: IO[str], name: str) -> Iterator[Record]:
    try:
        document = json.load(stream)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e.msg}", file=name, record=f"line {e.lineno}, column {e.colno}") from None
    yield from _records(document, name)


def _records(document: object, name: str) -> Iterator[Record]:
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
            raise InputError(f"unknown section {section!r}; expected {', '.join(SECTIONS)}", file=name)
    for section, kind in SECTIONS.items():
        items = document.get(section) or []
        if not isinstance(items, list):
            raise InputError(f"section {section!r} must be a list, got {type(items).__name__}", file=name)
        for index, item in enumerate(items):
            line = getattr(item, "line", None)
            where = f"{section}[{index}]" + (f", line {line}" if line else "")
            if not isinstance(item, dict):
                raise InputError(f"expected a mapping, got {item!r}", file=name, record=where)
            yield Record(kind, dict(item), name, where)
