"""The plumbing every CSV reader shares: headers, located rows, decoding errors, and the
curated tables that ship as CSV under ``schema/``.

A header that names a column twice is refused everywhere (reading rows by name, the last
one would silently win); a row is located by the line it starts on, which is not the row
count once a quoted cell spans lines.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from importlib import resources
from typing import IO

from allegiance.exc import InputError
from allegiance.loaders.untrusted import field_name, repeated, shown


def check_header(header: list[str], path: str) -> None:
    """Refuse a column named twice: reading rows by name, the last one would silently win."""
    twice = repeated(header)
    if twice:
        name, first, second = twice
        raise InputError(f"column given twice in the header (columns {first} and {second})",
                         file=path, record="line 1", field=field_name(name))


def located_rows(reader, width: int, path: str, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """(the line a row starts on, its cells) for each row ``reader`` gives from ``first_line``
    on. A quoted cell may span lines, so the line is counted, not the rows. Blank rows are
    skipped; a row of another width than the header's, or broken CSV, is an error."""
    offset = first_line - reader.line_num - 1  # lines read before this reader started
    while True:
        start = reader.line_num + 1 + offset
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise InputError(f"not valid CSV: {e}", file=path, record=f"line {start}") from None
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            raise InputError(f"expected {width} cells as in the header, got {len(row)}", file=path, record=f"line {start}")
        yield start, row


def not_utf8(error: UnicodeDecodeError, path: str, record: str | None = None, field: str | None = None, *,
             offset: bool = False) -> InputError:
    """The error for bytes that are not UTF-8, naming the first bad byte (and where, if known)."""
    at = f" at offset {error.start}" if offset else ""
    return InputError(f"not UTF-8 text: byte {error.object[error.start]:#x}{at}", file=path, record=record,
                      field=field)


def read_header(stream: IO[str], path: str, what: str, columns: tuple[str, ...], more: str = "") -> list[str]:
    """The header line, checked for the ``columns`` a reader needs."""
    try:
        header = [cell.strip() for cell in next(csv.reader(stream))]
    except StopIteration:
        raise InputError(f"empty file; expected {what} as CSV with a header line", file=path) from None
    except UnicodeDecodeError as e:
        raise not_utf8(e, path) from None
    except csv.Error as e:
        raise InputError(f"not valid CSV: {e}", file=path, record="line 1") from None
    check_header(header, path)
    for column in columns:
        if column not in header:
            raise InputError(f"missing column {column!r}; {what} has the columns {', '.join(columns)}{more}",
                             file=path, record="line 1", field=column)
    return header


def read_rows(stream: IO[str], header: list[str], path: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(``line N``, cells by column) per row after the header line; blank lines are skipped."""
    reader = csv.reader(stream)  # a reader of its own: the header was read by another
    try:
        for line, row in located_rows(reader, len(header), path, first_line=2):
            yield f"line {line}", dict(zip(header, (cell.strip() for cell in row), strict=False))
    except UnicodeDecodeError as e:
        raise not_utf8(e, path, f"line {2 + reader.line_num}") from None


# -- curated tables ------------------------------------------------------------------
def parse_table(text: str, origin: str, cells: dict[str, tuple[str, str]], key: str) -> list[dict[str, str]]:
    """The rows of a curated table: exactly the columns of ``cells`` (column -> (pattern,
    what it means)), each cell matching its pattern, ``key`` unique. Any damage is an
    ``InputError`` naming ``origin``."""
    rows = csv.reader(text.splitlines())
    header = next(rows, [])
    check_header(header, origin)
    if header != list(cells):
        raise InputError(f"expected the columns {', '.join(cells)}, got {', '.join(map(shown, header)) or 'none'}",
                         file=origin, record="line 1")
    patterns = {column: re.compile(pattern) for column, (pattern, _) in cells.items()}
    table: list[dict[str, str]] = []
    first: dict[str, int] = {}
    for line, row in located_rows(rows, len(header), origin, first_line=2):
        values = dict(zip(header, row, strict=False))
        for column, pattern in patterns.items():
            if not pattern.fullmatch(values[column]):
                raise InputError(f"expected {cells[column][1]}, got {shown(values[column])}",
                                 file=origin, record=f"line {line}", field=column)
        if values[key] in first:
            raise InputError(f"{key} {values[key]} is given twice (first at line {first[values[key]]})",
                             file=origin, record=f"line {line}", field=key)
        first[values[key]] = line
        table.append(values)
    return table


def packaged_table(name: str, cells: dict[str, tuple[str, str]], key: str) -> list[dict[str, str]]:
    """A curated table shipped as ``schema/NAME``; its reader keeps what it builds from it,
    so each is read once, when the reader is first imported."""
    try:
        text = resources.files("allegiance.schema").joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read this packaged table: {e}", file=f"schema/{name}") from None
    return parse_table(text, f"schema/{name}", cells, key)
