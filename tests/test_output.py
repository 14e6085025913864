"""Output options never destroy data: the store is refused as an output path, and every
output file is written whole or not at all (allegiance.output)."""

from __future__ import annotations

import errno
import os
import pathlib
import random
import shutil
import stat
import zipfile

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import OutputError
from allegiance.output import atomic_output, is_store_file
from tests.conftest import EXAMPLE

EARLIER = b"the earlier file, kept byte for byte\n"
REFUSED = "Error: {option} {path}: that is the store (or one of its files); choose another output path\n"
NO_SPACE = "Error: cannot write {path}: No space left on device\n"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("loaded") / "s.db"
    result = CliRunner().invoke(cli, ["load", str(EXAMPLE), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def store(loaded, tmp_path):
    """A copy of the loaded store in a folder of its own."""
    path = tmp_path / "store" / "s.db"
    path.parent.mkdir()
    shutil.copyfile(loaded, path)
    return path


def files(folder: pathlib.Path) -> dict[str, bytes]:
    """Every file in ``folder`` and its bytes (symlinks as their target's name)."""
    return {p.name: os.readlink(p).encode() if p.is_symlink() else p.read_bytes() for p in sorted(folder.iterdir())}


def command(name: str, target: str, store: pathlib.Path) -> tuple[list[str], dict[str, str]]:
    """The arguments (and environment) that make command ``name`` write ``target``."""
    return {
        "report": (["report", "-o", target, "--store", str(store)], {}),
        "viz": (["viz", "-o", target, "--store", str(store)], {}),
        "viz-time": (["viz", "--from", "2020", "--to", "2020-06", "-o", target, "--store", str(store)], {}),
        "export": (["export", "-o", target, "--store", str(store)], {}),
        "export-gexf": (["export", "--format", "gexf", "-o", target, "--store", str(store)], {}),
        "export-graphml": (["export", "--format", "graphml", "-o", target, "--store", str(store)], {}),
        "load": (["load", str(EXAMPLE), "--unmapped", target, "--store", str(store)], {}),
        # queries takes no --store: the one it keeps is the one the environment names
        "queries": (["queries", "--browser-favorites", target], {"ALLEGIANCE_STORE": str(store)}),
    }[name]


OPTIONS = {"report": "-o", "viz": "-o", "viz-time": "-o", "export": "-o", "export-gexf": "-o", "export-graphml": "-o",
           "load": "--unmapped", "queries": "--browser-favorites"}


# -- the store is never an output --------------------------------------------------------

@pytest.mark.parametrize("name", sorted(OPTIONS))
@pytest.mark.parametrize("spelling", ["the store", "relative", "its WAL", "its lock", "a symlink to it"])
def test_an_output_path_that_is_the_store_is_refused_before_anything_is_opened(name, spelling, store, monkeypatch):
    folder = store.parent
    (folder / "link.db").symlink_to(store)
    monkeypatch.chdir(folder.parent)
    target = {"the store": str(store), "relative": "./store/../store/s.db", "its WAL": str(store) + ".wal",
              "its lock": str(store) + ".lock", "a symlink to it": str(folder / "link.db")}[spelling]
    before = files(folder)
    args, env = command(name, target, store)
    result = CliRunner().invoke(cli, args, env=env)
    assert (result.exit_code, result.stderr) == (1, REFUSED.format(option=OPTIONS[name], path=target))
    assert files(folder) == before


def test_queries_keeps_the_default_store_in_the_working_folder(store, monkeypatch):
    monkeypatch.chdir(store.parent)
    store.rename(store.parent / "allegiance.db")
    before = files(store.parent)
    result = CliRunner().invoke(cli, ["queries", "--browser-favorites", "allegiance.db"], env={"ALLEGIANCE_STORE": None})
    assert (result.exit_code, result.stderr) == (1, REFUSED.format(option="--browser-favorites", path="allegiance.db"))
    assert files(store.parent) == before


def test_a_path_beside_the_store_that_only_starts_like_it_is_written(store, tmp_path):
    target = str(store) + ".jsonl"  # a natural name for an export of s.db
    result = CliRunner().invoke(cli, ["export", "-o", target, "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert pathlib.Path(target).read_text(encoding="utf-8").count("\n") > 67


# -- a failed command leaves the earlier file ---------------------------------------------

def _fail_writing_temp_files(monkeypatch):
    """Path.write_text writes half of the text to a temporary output file, then the disk is full."""
    write_text = pathlib.Path.write_text

    def half_then_full(self, data, *args, **kwargs):
        if not self.name.endswith(".tmp"):
            return write_text(self, data, *args, **kwargs)
        write_text(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pathlib.Path, "write_text", half_then_full)


def _fail_after_two_zip_entries(monkeypatch):
    writestr = zipfile.ZipFile.writestr
    written = []

    def two_then_full(self, *args, **kwargs):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(args[0])
        return writestr(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", two_then_full)


def _fail_writing_half_a_gexf_file(monkeypatch):
    """networkx's GEXF writer (ElementTree's) writes half of the document, then the disk is full."""
    import xml.etree.ElementTree as ET

    write = ET.ElementTree.write

    def half_then_full(self, file, *args, **kwargs):
        write(self, file, *args, **kwargs)
        file.truncate(file.tell() // 2)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(ET.ElementTree, "write", half_then_full)


def _fail_writing_half_a_graphml_file(monkeypatch):
    import networkx as nx

    write_graphml = nx.write_graphml

    def half_then_full(G, path, **kwargs):
        write_graphml(G, path, **kwargs)
        os.truncate(path, os.path.getsize(path) // 2)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(nx, "write_graphml", half_then_full)


def _fail_after_the_first_statement(monkeypatch):
    from allegiance.exc import StoreError
    from allegiance.graph.embedded import EmbeddedStore

    statements = EmbeddedStore.statements

    def one_then_fail(self):
        yield next(statements(self))
        raise StoreError("the store went away")

    monkeypatch.setattr(EmbeddedStore, "statements", one_then_fail)


@pytest.mark.parametrize(("name", "fail", "message"), [pytest.param(*case, id=case[0]) for case in [
    ("report", _fail_writing_temp_files, NO_SPACE),
    ("viz", _fail_writing_temp_files, NO_SPACE),
    ("viz-time", _fail_writing_temp_files, NO_SPACE),
    ("load", _fail_writing_temp_files, NO_SPACE),
    ("queries", _fail_after_two_zip_entries, NO_SPACE),
    ("export", _fail_after_the_first_statement, "Error: the store went away\n"),
    ("export-gexf", _fail_writing_half_a_gexf_file, NO_SPACE),
    ("export-graphml", _fail_writing_half_a_graphml_file, NO_SPACE),
]])
def test_a_command_that_fails_midway_leaves_the_earlier_file_and_no_temporary_file(
        name, fail, message, store, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "earlier"
    target.write_bytes(EARLIER)
    fail(monkeypatch)
    args, env = command(name, str(target), store)
    result = CliRunner().invoke(cli, args, env=env)
    assert (result.exit_code, result.stderr) == (1, message.format(path=target))
    assert files(out) == {"earlier": EARLIER}


@pytest.mark.parametrize("damage", [b"", random.Random(8).randbytes(4096)], ids=["empty", "random bytes"])
def test_an_export_from_a_damaged_store_leaves_the_earlier_backup(damage, tmp_path):
    """The message for a damaged store is the store's business; here the backup must survive."""
    store = tmp_path / "damaged.db"
    store.write_bytes(damage)
    out = tmp_path / "out"
    out.mkdir()
    (out / "backup.jsonl").write_bytes(EARLIER)
    result = CliRunner().invoke(cli, ["export", "-o", str(out / "backup.jsonl"), "--store", str(store)])
    assert result.exit_code == 1
    assert files(out) == {"backup.jsonl": EARLIER}


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_a_command_that_succeeds_replaces_the_earlier_file_and_leaves_no_temporary_file(name, store, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "earlier"
    target.write_bytes(EARLIER)
    args, env = command(name, str(target), store)
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert list(files(out)) == ["earlier"] and target.read_bytes() != EARLIER


def test_export_to_stdout_writes_no_file(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "-o", "-", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") > 67 and sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_an_output_folder_that_does_not_exist_is_an_error(store, tmp_path):
    target = tmp_path / "missing" / "report.md"
    result = CliRunner().invoke(cli, ["report", "-o", str(target), "--store", str(store)])
    assert (result.exit_code, result.stderr) == (1, f"Error: cannot write {target}: No such file or directory\n")


# -- atomic_output ---------------------------------------------------------------------------

def test_atomic_output_replaces_the_file_when_the_block_ends(tmp_path):
    target = tmp_path / "f"
    target.write_bytes(EARLIER)
    with atomic_output(target) as temp:
        assert temp.parent == tmp_path and temp != target
        temp.write_text("new\n", encoding="utf-8")
        assert target.read_bytes() == EARLIER
    assert files(tmp_path) == {"f": b"new\n"}


def test_atomic_output_keeps_the_file_when_the_block_fails(tmp_path):
    target = tmp_path / "f"
    target.write_bytes(EARLIER)
    with pytest.raises(KeyboardInterrupt):
        with atomic_output(target) as temp:
            temp.write_text("half", encoding="utf-8")
            raise KeyboardInterrupt
    assert files(tmp_path) == {"f": EARLIER}


def test_atomic_output_names_the_file_it_could_not_write(tmp_path):
    target = tmp_path / "f"
    with pytest.raises(OutputError) as raised:
        with atomic_output(target):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert str(raised.value) == f"cannot write {target}: No space left on device"
    assert files(tmp_path) == {}


def test_atomic_output_keeps_the_mode_of_the_earlier_file_and_gives_a_new_one_the_usual_mode(tmp_path):
    kept, new = tmp_path / "kept", tmp_path / "new"
    kept.write_bytes(EARLIER)
    kept.chmod(0o640)
    umask = os.umask(0o027)
    try:
        for target in (kept, new):
            with atomic_output(target) as temp:
                temp.write_bytes(b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert stat.S_IMODE(new.stat().st_mode) == 0o640  # 0o666 less the umask, as open() gives


def test_atomic_output_writes_through_a_symlink(tmp_path):
    real, link = tmp_path / "real.md", tmp_path / "latest.md"
    real.write_bytes(EARLIER)
    link.symlink_to(real)
    with atomic_output(link) as temp:
        temp.write_bytes(b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_atomic_output_hands_out_a_target_that_is_no_regular_file(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with atomic_output(fifo) as temp:
        assert temp == fifo  # nothing there to lose, and a pipe cannot be renamed over


# -- is_store_file ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("s.db", True), ("s.db.wal", True), ("s.db.lock", True), ("s.db.shadow", True),
    ("s.db.checkpoint", True), ("s.db.checkpoint.intent.lock", True), ("s.db.tmp.1", True),
    ("s.db.jsonl", False), ("s.db.backup.jsonl", False), ("s.db.wall", False), ("s.dbx", False), ("t.db", False),
])
def test_the_store_files_are_the_store_and_the_files_named_after_it(name, expected, tmp_path):
    assert is_store_file(tmp_path / name, tmp_path / "s.db") is expected


def test_the_store_is_known_through_links_and_relative_paths(tmp_path, monkeypatch):
    real = tmp_path / "real"
    real.mkdir()
    store = real / "s.db"
    store.write_bytes(b"store")
    (tmp_path / "folder-link").symlink_to(real)
    (tmp_path / "file-link.db").symlink_to(store)
    os.link(store, tmp_path / "hard.db")
    monkeypatch.chdir(real)
    assert is_store_file("s.db", store) and is_store_file("../real/./s.db", store)
    assert is_store_file(tmp_path / "folder-link" / "s.db.wal", store)
    assert is_store_file(tmp_path / "file-link.db", store) and is_store_file(tmp_path / "hard.db", store)
    # A store opened through a symlink keeps its working files beside the link.
    assert is_store_file(tmp_path / "file-link.db.wal", tmp_path / "file-link.db")
    assert not is_store_file(tmp_path / "other.db", store)
