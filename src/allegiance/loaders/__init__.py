"""Readers, one per input format, and the dispatcher that picks one for a file.

Each reader is a generator of ``Record``s; ``-`` reads standard input.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from allegiance.exc import InputError
from allegiance.loaders.bundle import read_json, read_yaml
from allegiance.loaders.csvfile import read_csv
from allegiance.loaders.jsonl import read_jsonl
from allegiance.loaders.records import Record

READERS = {"yaml": read_yaml, "json": read_json, "jsonl": read_jsonl, "csv": read_csv}
# The field's datasets: module name -> its `read(path, options) -> Iterator[Record]`,
# imported only when asked for.
DATASETS = {
    "ucdp-acd": "allegiance.loaders.ucdp_acd",
    "ucdp-esd": "allegiance.loaders.ucdp_esd",
    "mmp": "allegiance.loaders.mmp",
    "cameo": "allegiance.loaders.cameo",
    "acled": "allegiance.loaders.acled",
}
FORMATS = (*READERS, *DATASETS)


@dataclass
class Options:
    """Settings some dataset readers take; the CLI fills them from its flags."""

    gap_days: int = 180  # CAMEO: events further apart than this start a new interval
    min_events: int = 1  # CAMEO: fewer events than this in a run make no statement
    cameo_map: str | None = None  # CAMEO: a mapping file instead of the packaged one
    tell: Callable[[int], None] | None = None  # called now and then with the bytes read so far
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def guess_format(path: str) -> str:
    extension = os.path.splitext(path)[1].lower()
    if extension not in EXTENSIONS:
        raise InputError(
            f"cannot tell the format from the extension {extension or '(none)'!r}; "
            f"use --format {'|'.join(READERS)}",
            file=path,
        )
    return EXTENSIONS[extension]


def read_records(path: str, fmt: str | None = None, tell: Callable[[int], None] | None = None,
                 options: Options | None = None) -> Iterator[Record]:
    """The records in one file (or ``-``, standard input, which needs ``fmt``).

    ``tell``, if given, is called now and then with the bytes of the file read so far.
    """
    if path == "-" and fmt is None:
        raise InputError("reading standard input needs --format", file="<stdin>")
    fmt = fmt or guess_format(path)
    if fmt in DATASETS:
        if path == "-":
            raise InputError(f"the {fmt} reader needs a file, not standard input", file="<stdin>")
        if not os.path.isfile(path):
            raise InputError("no such file", file=path)
        options = dataclasses.replace(options or Options(), tell=tell)
        yield from importlib.import_module(DATASETS[fmt]).read(path, options)
        return
    if fmt not in READERS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", file=path)
    name = "<stdin>" if path == "-" else path
    with _open(path, name) as stream:
        raw = getattr(getattr(stream, "buffer", None), "raw", None)
        if raw is not None and not raw.seekable():
            raw = None  # a pipe: tell() fails, and there is no size to show progress against
        try:
            for count, record in enumerate(READERS[fmt](stream, name), start=1):
                if tell is not None and raw is not None and count % 2000 == 0:
                    tell(raw.tell())  # where the OS file is: read-ahead granularity, fine for a bar
                yield record
        except UnicodeDecodeError as e:
            raise InputError(f"not UTF-8 text: byte {e.object[e.start]:#x} at offset {e.start}", file=name) from None


@contextlib.contextmanager
def _open(path: str, name: str):
    if path == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:
            yield sys.stdin
            return
        # Decoded strictly, as files are: under a C locale Python reads stdin with
        # surrogateescape, which turns bytes that are not UTF-8 into lone surrogates.
        stream = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
        try:
            yield stream
        finally:
            stream.detach()  # leave sys.stdin open
        return
    try:
        # utf-8-sig: spreadsheet exports start with a byte-order mark
        stream = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError("no such file", file=name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=name) from None
    with stream:
        yield stream
