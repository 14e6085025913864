"""Output files that never destroy data.

Every file a command writes (report -o, viz -o, export -o, load --unmapped, queries
--browser-favorites) goes through here: a path that is the store or one of its files is
refused before anything is opened, and the file is written beside its target and renamed
over it only when complete, so a command that fails halfway leaves the earlier file as it
was and no temporary file behind.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from allegiance.exc import OutputError

# LadybugDB names its working files after the database path (PATH.wal, PATH.shadow,
# PATH.checkpoint..., PATH.*.tmp, from the strings in its library) and we add PATH.lock.
# Matched as words after PATH, so that PATH.jsonl or PATH.backup.jsonl stay allowed.
STORE_FILE_WORDS = frozenset({"wal", "shadow", "checkpoint", "lock", "tmp"})


def is_store_file(path: str | os.PathLike[str], store: str | os.PathLike[str]) -> bool:
    """Whether writing ``path`` would write the store at ``store`` or one of its files,
    through relative paths, symlinks or hard links."""
    for out in _spellings(path):
        out_folder, out_name = os.path.split(out)
        for base in _spellings(store):
            folder, name = os.path.split(base)
            if out == base:
                return True
            if out_folder == folder and out_name.startswith(name + "."):
                if STORE_FILE_WORDS & set(out_name[len(name) + 1:].split(".")):
                    return True
    try:
        return os.path.samefile(path, store)
    except OSError:  # either is missing: no hard link between them
        return False


def refuse_store_file(path: str, store: str, option: str) -> None:
    """Raise ``OutputError`` if the output ``path`` given to ``option`` is a file of the store."""
    if is_store_file(path, store):
        raise OutputError(f"{option} {path}: that is the store (or one of its files); choose another output path")


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new file beside ``path`` to write to; it replaces ``path`` when the block ends
    without an exception. On an exception it is removed and ``path`` is left as it was.

    An ``OSError`` in the block (a full disk, a folder that cannot be written) becomes an
    ``OutputError`` naming ``path``. A target that exists but is not a regular file
    (``/dev/null``, a pipe) holds nothing to lose and cannot be renamed over: it is
    yielded itself.
    """
    # Write through a symlink, as open(path, "w") does, rather than replace the link.
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        yield target
        return
    try:
        temp = _create_beside(target)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    try:
        yield temp
        if target.exists():
            shutil.copymode(target, temp)  # as open(path, "w") would have kept it
        os.replace(temp, target)
    except BaseException as e:
        with suppress(FileNotFoundError):
            temp.unlink()
        if isinstance(e, OSError):
            raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
        raise


def _create_beside(target: Path) -> Path:
    """An empty file of a fresh name in ``target``'s folder. Created with O_EXCL (never an
    existing file or symlink) and mode 0o666 less the umask, as open(path, "w") would."""
    for _ in range(100):
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def _spellings(path: str | os.PathLike[str]) -> set[str]:
    """The path fully resolved, and with only its folder resolved: a store opened through a
    symlink keeps its working files beside the link, under the link's name."""
    absolute = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(absolute)
    return {os.path.realpath(absolute), os.path.join(os.path.realpath(folder), name)}
