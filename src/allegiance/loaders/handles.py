"""Opening an input as bytes, and reading bytes as text: the one place that knows about
paths, ``-`` (standard input) and how far into a file a reader is.

Every reader takes ``(handle, name, options)``: a binary handle the dispatcher opened, the
name its messages give the file, and the options. Readers that want text decode through
``text_of``; CAMEO splits bytes itself and decodes only the cells it uses.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from typing import IO, BinaryIO

from allegiance.exc import InputError

STDIN = "<stdin>"


@contextlib.contextmanager
def open_input(path: str) -> Iterator[BinaryIO]:
    """``path`` as a binary handle (``-``: standard input, left open afterwards)."""
    if path == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # a text stream standing in for stdin: its text, as the bytes it came from
            buffer = io.BytesIO(sys.stdin.read().encode("utf-8", "surrogateescape"))
        yield buffer
        return
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise InputError("no such file", file=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=path) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", file=path) from None
    with handle:
        yield handle


# Every reader tells progress after this many rows (the dispatcher turns it into bytes read):
# one cadence, so that every format's bar moves alike.
PROGRESS_ROWS = 2000


def position_of(handle: BinaryIO) -> Callable[[], int] | None:
    """How far the OS file under ``handle`` has been read; None for a pipe, which has no
    size to show progress against. The read-ahead granularity is fine for a progress bar."""
    raw = getattr(handle, "raw", None)
    if raw is None or not raw.seekable():
        return None
    return raw.tell


@contextlib.contextmanager
def text_of(handle: BinaryIO) -> Iterator[IO[str]]:
    """The handle decoded strictly as UTF-8 (a UnicodeDecodeError for bytes that are not),
    ``newline=""`` so that the csv module sees a quoted cell's own line ends. utf-8-sig:
    spreadsheet exports start with a byte-order mark. Standard input is decoded the same
    way: under a C locale Python would read it with surrogateescape."""
    stream = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        yield stream
    finally:
        stream.detach()  # the handle belongs to whoever opened it
