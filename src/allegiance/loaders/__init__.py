"""Readers, one per input format, and the dispatcher that picks one for a file.

Each reader is a generator of ``Record``s, ``read(handle, name, options)`` over a binary
handle that ``read_records`` opens (``-`` is standard input).
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from allegiance.exc import InputError
from allegiance.loaders.bundle import read_json, read_yaml
from allegiance.loaders.csvfile import read_csv
from allegiance.loaders.handles import PROGRESS_ROWS, STDIN, open_input, position_of
from allegiance.loaders.jsonl import read_jsonl
from allegiance.loaders.records import Record
from allegiance.loaders.tabular import not_utf8

READERS = {"yaml": read_yaml, "json": read_json, "jsonl": read_jsonl, "csv": read_csv}
# The field's datasets: module name -> its `read(handle, name, options) -> Iterator[Record]`,
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
    # Called by a reader now and then; the dispatcher, which opened the file, tells the bytes
    # read so far. None when nobody asked, or for a pipe.
    progress: Callable[[], None] | None = None


class FormatNeeded(InputError):
    """No format was given and none can be told from the file's name (or it is standard
    input). The message is "what is wrong; what to do": the CLI keeps the first part and
    names its own flag."""

    @property
    def reason(self) -> str:
        return self.message.partition("; ")[0]


EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def guess_format(path: str) -> str:
    extension = os.path.splitext(path)[1].lower()
    if extension not in EXTENSIONS:
        raise FormatNeeded(f"cannot tell the format from the extension {extension or '(none)'!r}; "
                           f"name one of {', '.join(READERS)}", file=path)
    return EXTENSIONS[extension]


def read_records(path: str, fmt: str | None = None, tell: Callable[[int], None] | None = None,
                 options: Options | None = None) -> Iterator[Record]:
    """The records in one file (or ``-``, standard input, which needs ``fmt``).

    ``tell``, if given, is called now and then with the bytes of the file read so far.
    """
    if path == "-" and fmt is None:
        raise FormatNeeded(f"reading standard input needs a format; name one of {', '.join(READERS)}", file=STDIN)
    fmt = fmt or guess_format(path)
    if fmt in DATASETS:
        if path == "-":
            raise InputError(f"the {fmt} reader needs a file, not standard input", file=STDIN)
        if not os.path.isfile(path):
            raise InputError("no such file", file=path)
        read = importlib.import_module(DATASETS[fmt]).read
    elif fmt in READERS:
        read = READERS[fmt]
    else:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", file=path)
    name = STDIN if path == "-" else path
    with open_input(path) as handle:
        position = position_of(handle) if tell is not None else None
        progress = (lambda: tell(position())) if tell is not None and position is not None else None
        options = dataclasses.replace(options or Options(), progress=progress)
        if fmt in DATASETS:
            yield from read(handle, name, options)  # they tell progress by their rows: records come late
            return
        try:
            for count, record in enumerate(read(handle, name, options), start=1):
                if progress is not None and count % PROGRESS_ROWS == 0:
                    progress()
                yield record
        except UnicodeDecodeError as e:
            raise not_utf8(e, name, offset=True) from None
