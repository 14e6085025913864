"""CSV with a header: statements, or actors, places or sources in their own files.

What a file holds is told by its name (``actors.csv``, ``my-places.csv``,
``sources.csv``) or else by its header (``subject,relation,object`` means
statements). A statements file may carry its sources and actors inline:
``source_title``, ``source_publisher``, ``source_url``, ``source_published``,
``source_reliability`` declare the row's source; ``subject_type``,
``subject_country``, ``object_type``, ``object_country`` declare an actor that is
not known yet. List cells (aliases, several mediated parties) split on ``;``.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from allegiance.exc import InputError
from allegiance.loaders.handles import text_of
from allegiance.loaders.records import FIELDS, Record
from allegiance.loaders.tabular import check_header, located_rows
from allegiance.loaders.untrusted import shown

if TYPE_CHECKING:
    from allegiance.loaders import Options

SOURCE_COLUMNS = ("source_title", "source_publisher", "source_url", "source_published", "source_reliability")
ACTOR_COLUMNS = ("subject_type", "subject_country", "object_type", "object_country")
STATEMENT_COLUMNS = FIELDS["statement"] + SOURCE_COLUMNS + ACTOR_COLUMNS


def _kind(name: str, header: list[str]) -> str:
    stem = os.path.basename(name).lower()
    for kind in ("actor", "place", "source"):
        if kind in stem:
            return kind
    if {"subject", "relation", "object"} <= set(header):
        return "statement"
    for kind in ("place", "source", "actor"):
        if "id" in header and set(header) <= set(FIELDS[kind]) and set(header) - {"id", "name", "aliases", "country"}:
            return kind
    raise InputError(
        "cannot tell what this CSV holds: statements need the columns subject, relation, object; "
        "actors, places and sources go in files named actors.csv, places.csv, sources.csv",
        file=name,
        record="line 1",
    )


def read_csv(handle: BinaryIO, name: str, options: Options | None = None) -> Iterator[Record]:
    with text_of(handle) as stream:
        yield from _read(stream, name)


def _read(stream: IO[str], name: str) -> Iterator[Record]:
    reader = csv.reader(stream)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as e:
        raise InputError(f"not valid CSV: {e}", file=name, record="line 1") from None
    check_header(header, name)
    kind = _kind(name, header)
    allowed = STATEMENT_COLUMNS if kind == "statement" else FIELDS[kind]
    for column in header:
        if column not in allowed:
            raise InputError(
                f"unknown column {shown(column)}; a {kind} CSV has the columns {', '.join(allowed)}",
                file=name,
                record="line 1",
            )
    for start, row in located_rows(reader, len(header), name, reader.line_num + 1):
        where = f"line {start}"
        # cells as text, but a statement's object "a; b" becomes a list of its parts below
        data: dict[str, Any] = {column: cell for column, cell in zip(header, row, strict=False) if cell.strip()}
        if kind != "statement":
            yield Record(kind, data, name, where)
            continue
        yield from _inline(data, name, where)
        if "object" in data and ";" in data["object"]:
            data["object"] = [part.strip() for part in data["object"].split(";") if part.strip()]
        yield Record("statement", data, name, where)


def _inline(data: dict[str, str], name: str, where: str) -> Iterator[Record]:
    """Sources and actors a statement row declares in its extra columns."""
    source = {column[len("source_"):]: data.pop(column) for column in SOURCE_COLUMNS if column in data}
    if source:
        if "source" not in data:
            raise InputError("a row with source_* columns needs a source id", file=name, record=where, field="source")
        yield Record("source", {"id": data["source"], **source}, name, where)
    for role in ("subject", "object"):
        actor = {field: data.pop(f"{role}_{field}") for field in ("type", "country") if f"{role}_{field}" in data}
        if actor and role in data:
            yield Record("actor", {"name": data[role], **actor, "_if_missing": True}, name, where)
