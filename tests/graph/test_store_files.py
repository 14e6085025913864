"""The embedded store's files: a shared read-only store, a checkpoint cut short, a damaged
or empty file, a cache size out of range. Each gives an answer or a clear error, never a
traceback."""

from __future__ import annotations

import os
import pwd
import random
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import StoreError
from allegiance.graph import embedded
from allegiance.graph.embedded import EmbeddedStore
from tests.conftest import EXAMPLE

DAMAGED = ": it is not an allegiance store or is damaged; restore it from a copy, or load your files into a new store\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def example_store(tmp_path_factory):
    """A store with the example in it, to copy: loading it once is enough for this module."""
    path = tmp_path_factory.mktemp("example") / "s.db"
    assert run("load", str(EXAMPLE), "--store", str(path)).exit_code == 0
    return path


def copy_store(source, folder):
    folder.mkdir(exist_ok=True)
    shutil.copy(source, folder / "s.db")
    return folder / "s.db"


# -- a shared store in a folder the user cannot write -------------------------------------

# Runs a command on ./s.db as someone who cannot write the store's folder. As root (these
# tests run as root, whom permission bits do not stop) it drops to the 'nobody' user first;
# the command runs once before that, on a store of its own, so that every module it imports
# is loaded while the interpreter's files can still be read.
AS_SOMEONE_ELSE = textwrap.dedent("""
    import contextlib, io, os, sys
    from allegiance.cli import cli

    def run(args):
        try:
            cli(args, prog_name="allegiance")
        except SystemExit as e:
            return e.code or 0
        return 0

    folder, warm, uid, gid, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        run([*args, "--store", warm])
    os.chdir(folder)
    if os.geteuid() == 0:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    try:
        open("s.db.lock", "a").close()
    except PermissionError:
        pass
    else:
        sys.exit("the test is void: this user can write to the store's folder")
    # LadybugDB makes a relative path absolute, and the way down to it is closed to this
    # user; /proc/self/cwd leads straight to the working directory.
    sys.exit(run([*args, "--store", "/proc/self/cwd/s.db" if os.path.isdir("/proc/self/cwd") else "s.db"]))
""")


def run_as_someone_else(folder, warm, *args: str) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("running as root, and there is no 'nobody' user to drop to")
        ids = (nobody.pw_uid, nobody.pw_gid)
    else:
        ids = (os.getuid(), os.getgid())  # permission bits stop this user: no need to switch
    return subprocess.run([sys.executable, "-c", AS_SOMEONE_ELSE, str(folder), str(warm), *map(str, ids), *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def read_only_folder(example_store, tmp_path):
    """A store in a folder nobody but root can write, its files read-only; made writable
    again afterwards so that pytest can clean up."""
    warm = copy_store(example_store, tmp_path / "warm")
    shared = tmp_path / "shared"
    path = copy_store(example_store, shared)
    (shared / "s.db.lock").touch()

    def lock_up():
        for f in shared.iterdir():
            f.chmod(0o444)
        shared.chmod(0o555)

    yield shared, warm, lock_up
    shared.chmod(0o755)
    for f in shared.iterdir():
        f.chmod(0o644)
    assert path.exists()


@pytest.mark.parametrize("lock_file", ["there", "missing"])
def test_a_store_in_a_folder_the_user_cannot_write_can_be_read(read_only_folder, lock_file):
    shared, warm, lock_up = read_only_folder
    if lock_file == "missing":
        (shared / "s.db.lock").unlink()
    lock_up()
    before = sorted(os.listdir(shared))
    result = run_as_someone_else(shared, warm, "stats")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("statements   67\n")
    result = run_as_someone_else(shared, warm, "query", "backers", "-p", "actor=gna", "--as-of", "2020-05",
                                 "--format", "csv")
    assert result.returncode == 0 and "turkey" in result.stdout
    assert sorted(os.listdir(shared)) == before


def test_loading_into_a_folder_the_user_cannot_write_says_so(read_only_folder):
    shared, warm, lock_up = read_only_folder
    (shared / "s.db.lock").unlink()
    lock_up()
    result = run_as_someone_else(shared, warm, "load", str(EXAMPLE))
    store = "/proc/self/cwd/s.db" if os.path.isdir("/proc/self/cwd") else "s.db"
    assert (result.returncode, result.stderr) == (1, f"Error: cannot write to the store {store}: permission denied "
                                                     f"({store}.lock)\n")


def test_a_store_the_user_cannot_read_says_so(read_only_folder):
    shared, warm, lock_up = read_only_folder
    lock_up()
    shared.chmod(0o755)
    (shared / "s.db").chmod(0o000 if os.geteuid() == 0 else 0o200)
    shared.chmod(0o555)
    result = run_as_someone_else(shared, warm, "stats")
    store = "/proc/self/cwd/s.db" if os.path.isdir("/proc/self/cwd") else "s.db"
    assert (result.returncode, result.stderr) == (1, f"Error: cannot read the store {store}: permission denied\n")


def test_a_store_under_a_file_says_so(tmp_path):
    (tmp_path / "f").touch()
    result = run("load", str(EXAMPLE), "--store", str(tmp_path / "f" / "s.db"))
    assert (result.exit_code, result.stderr) == (1, f"Error: cannot make the folder {tmp_path / 'f'} for the store: "
                                                    "file exists\n")


# -- a checkpoint cut short ----------------------------------------------------------------

# Writes to the store and dies with SIGKILL before closing it: the write is in the WAL only.
KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from allegiance.graph.embedded import EmbeddedStore
    store = EmbeddedStore(sys.argv[1])
    store.run("MATCH (a:Actor {id: 'gna'}) SET a.name = 'Renamed'", {}, write=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_store_whose_checkpoint_was_cut_short_is_recovered_by_the_next_reader(example_store, tmp_path):
    path = copy_store(example_store, tmp_path / "s")
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    # A checkpoint's first step renames the WAL (strace shows it: rename s.db.wal
    # s.db.wal.checkpoint); a kill right after it leaves the store in this state, in which
    # LadybugDB refuses every read-only open until a read-write one replays it.
    os.rename(f"{path}.wal", f"{path}.wal.checkpoint")
    result = run("query", "backers", "-p", "actor=Renamed", "--format", "json", "--store", str(path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert '"object": "gna"' in result.stdout  # the killed write is there, and found by its new name
    assert not os.path.exists(f"{path}.wal.checkpoint")


def test_a_real_kill_during_a_checkpoint(example_store, tmp_path):
    """The same, with the writer killed inside LadybugDB's checkpoint (strace injects
    SIGKILL into its first ftruncate, after the shadow pages are written)."""
    strace = shutil.which("strace")
    if strace is None or subprocess.run([strace, "-o", os.devnull, "true"], capture_output=True).returncode:
        pytest.skip("strace is not installed or cannot trace here")
    path = copy_store(example_store, tmp_path / "s")
    writer = KILLED_WRITER.replace("os.kill(os.getpid(), signal.SIGKILL)", "store.run('CHECKPOINT', {}, write=True)")
    killed = subprocess.run([strace, "-f", "-qq", "-o", os.devnull, "-e", "trace=ftruncate",
                             "-e", "inject=ftruncate:signal=KILL:when=1", sys.executable, "-c", writer, str(path)],
                            capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL or killed.returncode == 128 + signal.SIGKILL
    assert os.path.exists(f"{path}.shadow")
    result = run("query", "backers", "-p", "actor=Renamed", "--format", "json", "--store", str(path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert '"object": "gna"' in result.stdout


def test_recovery_that_the_user_cannot_do_says_what_to_run(example_store, tmp_path, monkeypatch):
    path = copy_store(example_store, tmp_path / "s")
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], capture_output=True, timeout=300)
    os.rename(f"{path}.wal", f"{path}.wal.checkpoint")
    monkeypatch.setattr(embedded.lockfile, "take", lambda *a, **k: None)  # as for a reader without the lock file
    result = run("stats", "--store", str(path))
    assert (result.exit_code, result.stderr) == (1, (
        f"Error: the store {path} needs recovery: a write to it was cut short during a checkpoint, and only a process "
        f"that can write to it can finish it; run 'allegiance check --store {path}' once as a user who can write to "
        f"{path.parent}\n"))


def test_a_store_needing_recovery_that_this_user_cannot_write_says_what_to_run(read_only_folder):
    shared, warm, lock_up = read_only_folder
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(shared / "s.db")], capture_output=True, timeout=300)
    os.rename(shared / "s.db.wal", shared / "s.db.wal.checkpoint")
    lock_up()
    result = run_as_someone_else(shared, warm, "stats")
    store = "/proc/self/cwd/s.db" if os.path.isdir("/proc/self/cwd") else "s.db"
    folder = os.path.dirname(store) or "."
    assert (result.returncode, result.stderr) == (1, (
        f"Error: the store {store} needs recovery: a write to it was cut short during a checkpoint, and only a process "
        f"that can write to it can finish it; run 'allegiance check --store {store}' once as a user who can write to "
        f"{folder}\n"))


# -- damaged and empty files -----------------------------------------------------------------

@pytest.mark.parametrize("args", [["export", "-o", "-"], ["load", str(EXAMPLE)], ["stats"], ["check"]])
def test_an_empty_file_is_not_a_store(tmp_path, args):
    path = tmp_path / "s.db"
    path.touch()
    result = run(*args, "--store", str(path))
    assert (result.exit_code, result.stderr) == (1, f"Error: {path}: the file is empty{DAMAGED}")
    assert path.stat().st_size == 0


@pytest.mark.parametrize("args", [["export", "-o", "-"], ["load", str(EXAMPLE)], ["stats"]])
def test_random_bytes_are_not_a_store(tmp_path, args):
    path = tmp_path / "s.db"
    path.write_bytes(random.Random(1).randbytes(3 * 2**20))
    result = run(*args, "--store", str(path))
    assert (result.exit_code, result.stderr) == (1, f"Error: {path}: LadybugDB cannot open it (Runtime exception: "
                                                    f"Unable to open database. The file is not a valid Lbug database file!){DAMAGED}")


@pytest.mark.parametrize("error", [ValueError("vector::reserve"), MemoryError("std::bad_alloc")])
def test_what_the_engine_throws_at_a_damaged_file_is_an_error(example_store, tmp_path, monkeypatch, error):
    """Damage near a store's end made LadybugDB raise these on open (pages of its catalog)."""
    import ladybug

    path = copy_store(example_store, tmp_path / "s")

    def damaged(*args, **kwargs):
        raise error

    monkeypatch.setattr(ladybug, "Database", damaged)
    result = run("export", "-o", "-", "--store", str(path))
    assert (result.exit_code, result.stderr) == (1, f"Error: {path}: LadybugDB cannot open it ({error}){DAMAGED}")


def test_random_bytes_over_any_of_the_last_pages_give_no_traceback(example_store, tmp_path):
    """The pages where LadybugDB keeps its catalog and metadata: damage there made it raise
    MemoryError, ValueError, UnicodeDecodeError or a Binder exception."""
    pages = example_store.stat().st_size // 4096
    for page in range(pages - 24, pages):
        path = copy_store(example_store, tmp_path / f"p{page}")
        with open(path, "r+b") as f:
            f.seek(page * 4096)
            f.write(random.Random(page).randbytes(4096))
        for args in (["stats"], ["export", "-o", os.devnull], ["check"], ["load", str(EXAMPLE)]):
            result = run(*args, "--store", str(path))
            assert result.exception is None or isinstance(result.exception, SystemExit), (page, args, result.exception)
            assert result.exit_code == 0 or result.stderr.startswith("Error: "), (page, args, result.stderr)


def test_a_store_without_our_tables_is_not_ours(tmp_path):
    import ladybug

    path = tmp_path / "other.db"
    ladybug.Database(str(path)).close()
    result = run("stats", "--store", str(path))
    assert (result.exit_code, result.stderr) == (1, f"Error: {path}: it holds no allegiance tables{DAMAGED}")


# -- the cache size --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["-5", "99999999", "0", "63"])
def test_a_cache_size_out_of_range_is_refused(tmp_path, monkeypatch, value):
    monkeypatch.setenv("ALLEGIANCE_BUFFER_POOL_MB", value)
    most = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    with pytest.raises(StoreError) as info:
        EmbeddedStore(tmp_path / "s.db")
    assert str(info.value) == (f"ALLEGIANCE_BUFFER_POOL_MB: expected 64 to {most} megabytes (this machine's memory), "
                               f"got {value!r}")
    assert list(tmp_path.iterdir()) == []
    result = run("load", str(EXAMPLE), "--store", str(tmp_path / "s.db"))
    assert (result.exit_code, result.stderr) == (1, f"Error: {info.value}\n")


def test_the_smallest_cache_allowed_loads_the_example(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLEGIANCE_BUFFER_POOL_MB", str(embedded.MIN_POOL_MB))
    result = run("load", str(EXAMPLE), "--store", str(tmp_path / "s.db"))
    assert (result.exit_code, result.stderr) == (0, "")
