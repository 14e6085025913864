"""Where the embedded store spools a load: a temporary folder that says whose it is.

A load writes its rows to Parquet files in ``allegiance-load-*`` under the system's temporary
folder, then ``COPY``s them in. A load killed with SIGKILL cannot remove that folder (about
50 MB per 300,000 statements), so each folder holds a marker naming its process (pid, the
process's start time, the host), and every load first removes the folders of processes
that are gone. Folders without a readable marker (made by an older allegiance, or killed
before the marker was written) are removed once nothing in them changed for ``MAX_AGE``
seconds, and only if they hold nothing but our Parquet files (or the CSV files of an older
allegiance).
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
from collections.abc import Iterator

PREFIX = "allegiance-load-"
MARKER = "owner.json"
MAX_AGE = 24 * 3600  # seconds: a folder nobody vouches for is left alone for a day


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
