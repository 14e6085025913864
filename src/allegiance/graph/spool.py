"""Where a store spools a load: Parquet files in a temporary folder that says whose it is.

A load writes its new statements, as columns (``spool_schema``), to Parquet files in
``allegiance-load-*`` under the system's temporary folder (``ParquetSpool``): the embedded
store then ``COPY``s them in, the Neo4j store reads them back a batch at a time. A load
killed with SIGKILL cannot remove that folder (about 50 MB per 300,000 statements), so
each folder holds a marker naming its process (pid, the process's start time, the host),
and every load first removes the folders of processes that are gone. Folders without a
readable marker (made by an older allegiance, or killed before the marker was written) are
removed once nothing in them changed for ``MAX_AGE`` seconds, and only if they hold
nothing but our Parquet files (or the CSV files of an older allegiance).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from allegiance.graph.rows import FIELD_TYPES, SPOOL_FIELDS, spool_values

if TYPE_CHECKING:
    import pyarrow as pa

    from allegiance.model import Statement

PREFIX = "allegiance-load-"
MARKER = "owner.json"
MAX_AGE = 24 * 3600  # seconds: a folder nobody vouches for is left alone for a day


# The Arrow type of each of LadybugDB's type names in FIELD_TYPES (text is STRING).
_ARROW_TYPES = {"STRING": "string", "DOUBLE": "float64", "INT64": "int64", "BOOLEAN": "bool_"}


def arrow_type(kind: str) -> pa.DataType:
    """The Arrow type of a LadybugDB type name (``STRING``, ``INT64``, ...)."""
    import pyarrow as pa

    return getattr(pa, _ARROW_TYPES[kind])()


def spool_schema() -> pa.Schema:
    """The columns a load spools (``SPOOL_FIELDS``), typed as the stores hold them."""
    import pyarrow as pa

    return pa.schema([(f, arrow_type(FIELD_TYPES.get(f, "STRING"))) for f in SPOOL_FIELDS])


def arrow_batch(schema: pa.Schema, rows: Sequence[tuple[Any, ...]]) -> pa.RecordBatch:
    """Rows (tuples in the schema's order) as one Arrow batch, typed by the schema: a column
    that is null in every row is still a column of the table's type. (Read as one struct
    array: twice as fast as transposing the rows into columns in Python.)"""
    import pyarrow as pa

    return pa.RecordBatch.from_struct_array(pa.array(rows, type=pa.struct(list(schema))))


def spool_table(rows: Sequence[tuple[Statement, int]]) -> pa.Table:
    """Statements, each with the day its source was known, as the columns a load spools."""
    import pyarrow as pa

    return pa.Table.from_batches([arrow_batch(spool_schema(), [spool_values(s, known) for s, known in rows])])


def by_relation(table: pa.Table) -> Iterator[tuple[str, pa.Table]]:
    """Each relation type a table of statements names, with its statements (the table itself
    when it names one)."""
    import pyarrow.compute as pc

    names = pc.unique(table["relation"]).to_pylist()
    for name in names:
        yield name, table.filter(pc.equal(table["relation"], name)) if len(names) > 1 else table


# Rows to a row group: LadybugDB's COPY reads a file's row groups in parallel, and one group
# of a million rows (Arrow's default size) kept one core of two busy. At 1M statements the
# embedded store's COPYs took 11.1 to 14.0 s instead of 17.7 s (64k rows: 13.1 to 15.0 s).
ROW_GROUP = 1 << 17


class ParquetSpool:
    """One load's Parquet files, one per name, in row groups of ``ROW_GROUP`` rows (uncompressed:
    a file lives for one load, and snappy cost a third of the writing), in a fresh marked
    folder (``load_folder``) that ``close`` removes."""

    def __init__(self) -> None:
        self._folder = load_folder()
        self.folder = self._folder.__enter__()
        self._writers: dict[str, Any] = {}  # name -> its open Parquet writer

    def path(self, name: str) -> str:
        return os.path.join(self.folder, f"{name}.parquet")

    def write(self, name: str, table: pa.Table) -> None:
        import pyarrow.parquet as pq

        if name not in self._writers:
            self._writers[name] = pq.ParquetWriter(self.path(name), table.schema, compression="none")
        self._writers[name].write_table(table, row_group_size=ROW_GROUP)

    def names(self) -> set[str]:
        """The files written so far."""
        return set(self._writers)

    def finish(self) -> None:
        """Close the files (their footers written): they can be read from now on."""
        for writer in self._writers.values():
            writer.close()

    def close(self) -> None:
        self.finish()
        self._folder.__exit__(None, None, None)


def copy_source(path: str) -> str:
    """``path`` as the quoted file name of a LadybugDB ``COPY ... FROM``.

    LadybugDB 0.22 takes no ``$parameter`` there for a file name (only data frames), and
    it expands globs in it: ``*``, ``?`` and ``[`` become one-character classes, which
    match only themselves; then backslashes and quotes are escaped as its string literals
    require. A temporary folder such as ``/tmp/it's [a] *`` then names only itself.
    """
    literal = re.sub(r"([*?\[])", r"[\1]", path)
    return "'" + literal.replace("\\", "\\\\").replace("'", "\\'") + "'"


@contextlib.contextmanager
def load_folder() -> Iterator[str]:
    """A fresh marked folder for one load's files, removed afterwards."""
    sweep()
    folder = tempfile.mkdtemp(prefix=PREFIX)
    try:
        with open(os.path.join(folder, MARKER), "w", encoding="utf-8") as f:
            json.dump(_me(), f)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep(root: str | None = None, now: float | None = None) -> list[str]:
    """Remove what killed loads left in ``root`` (the temporary folder); returns the paths
    removed. Never raises: a load must not fail because of someone else's leftovers."""
    root = root or tempfile.gettempdir()
    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(root) if n.startswith(PREFIX)]
    except OSError:
        return removed
    for name in names:
        path = os.path.join(root, name)
        try:
            if _abandoned(path, now):
                shutil.rmtree(path)
                removed.append(path)
        except OSError:
            continue  # gone meanwhile, or not ours to remove
    return removed


def _abandoned(path: str, now: float) -> bool:
    info = os.lstat(path)
    # Only real folders of ours: never follow a link someone else put in a shared /tmp.
    if not os.path.isdir(path) or os.path.islink(path) or info.st_uid != os.getuid():
        return False
    owner = _read_marker(path)
    if owner is not None and owner.get("host") == socket.gethostname():
        return not _alive(owner.get("pid"), owner.get("start"))
    entries = os.listdir(path)
    if any(not (e.endswith((".parquet", ".csv")) or e == MARKER) for e in entries):
        return False  # not a folder we made
    newest = max([info.st_mtime, *(os.lstat(os.path.join(path, e)).st_mtime for e in entries)])
    return now - newest > MAX_AGE


def _read_marker(path: str) -> dict | None:
    try:
        with open(os.path.join(path, MARKER), encoding="utf-8") as f:
            owner = json.load(f)
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) else None


def _me() -> dict:
    return {"pid": os.getpid(), "start": _start_time(os.getpid()), "host": socket.gethostname()}


def _start_time(pid: int) -> str | None:
    """When ``pid`` started (Linux: clock ticks since boot), so that a reused pid does not
    pass for the process that made the folder; None where /proc is not there."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None
    # The command name, in parentheses, may hold spaces: count fields after its end.
    return stat[stat.rfind(")") + 2:].split()[19]


def _alive(pid: object, start: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process has that pid now: alive, but the start time decides
    return start is None or _start_time(pid) in (None, start)
