"""The lock file beside an embedded store: one writer at a time, and no reader while it writes.

LadybugDB's own lock is not enough: it refuses a second read-write open (fcntl, on the store
file) but lets read-only opens through at any time, even in the middle of a checkpoint, and
a refused writer fails at once instead of waiting. So writers take ``PATH.lock``
exclusively, readers take it shared, and both wait.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from allegiance.exc import StoreError

BUSY = "the store {path} is busy: another allegiance process is loading into it"


def take(store: Path, *, shared: bool, timeout: float) -> int | None:
    """A descriptor holding the lock of ``store``: shared for a reader, exclusive for a writer.

    A reader gets None when the lock file is missing and cannot be made (a shared store in
    a folder the user cannot write): it reads without the lock, since any writer of that
    store could make the file and is then the one that waits. The file is opened read-only,
    which is all flock needs, so a read-only lock file owned by someone else still works.
    """
    name = f"{store}.lock"
    try:
        fd = os.open(name, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as e:
        if e.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StoreError(f"cannot open the lock file {name}: {(e.strerror or str(e)).lower()}") from e
        if shared:
            return None
        raise StoreError(f"cannot write to the store {store}: {(e.strerror or str(e)).lower()} ({name})") from e
    try:
        convert(fd, store, shared=shared, timeout=timeout)
    except BaseException:
        os.close(fd)
        raise
    return fd


def convert(fd: int, store: Path, *, shared: bool, timeout: float) -> None:
    """Take (or change to) the shared or the exclusive lock on ``fd``, waiting up to
    ``timeout`` seconds. Changing drops the old lock first (flock does not promise
    otherwise), so two readers that both want to write cannot deadlock."""
    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, mode)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise StoreError(BUSY.format(path=store)) from None
            time.sleep(0.05)
