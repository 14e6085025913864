"""A load's temporary files: any temporary folder name works, and what killed loads left
behind is removed by the next load."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.graph import spool
from tests.conftest import EXAMPLE


def test_a_temporary_folder_with_quotes_and_glob_characters_loads(tmp_path):
    odd = tmp_path / "it's [a] \\ *"
    odd.mkdir()
    env = {**os.environ, "TMPDIR": str(odd)}
    result = subprocess.run([sys.executable, "-m", "allegiance", "load", str(EXAMPLE), "--store", str(tmp_path / "s.db")],
                            capture_output=True, text=True, env=env, timeout=300)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("Loaded 67 statements from 1 file(s)")
    assert list(odd.iterdir()) == []  # and nothing left behind


def test_copy_source_quotes_for_ladybug():
    assert spool.copy_source("/tmp/it's [a]/*?.csv") == "'/tmp/it\\'s [[]a]/[*][?].csv'"
    assert spool.copy_source("C:\\x") == "'C:\\\\x'"


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def leftover(root, name: str, owner: dict | None, *, age: float = 0, files=("Statement.parquet",)):
    folder = root / f"{spool.PREFIX}{name}"
    folder.mkdir()
    for f in files:
        (folder / f).write_text("x\n")
    if owner is not None:
        (folder / spool.MARKER).write_text(json.dumps(owner))
    when = time.time() - age
    for p in [*folder.iterdir(), folder]:
        os.utime(p, (when, when))
    return folder


def test_sweep_removes_folders_of_gone_processes_and_old_unmarked_ones(tmp_path):
    here = socket.gethostname()
    me = {"pid": os.getpid(), "start": spool._start_time(os.getpid()), "host": here}
    gone = leftover(tmp_path, "gone", {"pid": dead_pid(), "start": "1", "host": here})
    mine = leftover(tmp_path, "mine", me, age=10 * spool.MAX_AGE)
    old = leftover(tmp_path, "old", None, age=spool.MAX_AGE + 60)
    fresh = leftover(tmp_path, "fresh", None, age=60)
    other_host = leftover(tmp_path, "elsewhere", {"pid": 1, "host": here + "-not"}, age=60)
    strange = leftover(tmp_path, "strange", None, age=10 * spool.MAX_AGE, files=("Statement.csv", "notes.txt"))
    (tmp_path / "unrelated").mkdir()
    link = tmp_path / f"{spool.PREFIX}link"
    link.symlink_to(old)
    assert sorted(spool.sweep(str(tmp_path))) == sorted([str(gone), str(old)])
    assert all(p.exists() for p in (mine, fresh, other_host, strange, tmp_path / "unrelated"))
    assert link.is_symlink()


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="process start times come from /proc")
def test_sweep_is_not_fooled_by_a_reused_pid(tmp_path):
    reused = leftover(tmp_path, "reused", {"pid": os.getpid(), "start": "1", "host": socket.gethostname()})
    assert spool.sweep(str(tmp_path)) == [str(reused)]


def test_a_load_removes_what_a_killed_load_left(tmp_path, monkeypatch):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    gone = leftover(temp, "killed", {"pid": dead_pid(), "start": "1", "host": socket.gethostname()},
                    files=("Statement.parquet", "SUPPORTS.parquet", "Statement.csv"))
    result = CliRunner().invoke(cli, ["load", str(EXAMPLE), "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    assert not gone.exists() and list(temp.iterdir()) == []


def test_a_load_marks_its_folder_with_its_process(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with spool.load_folder() as folder:
        owner = json.loads((tmp_path / os.path.basename(folder) / spool.MARKER).read_text())
        assert owner == {"pid": os.getpid(), "start": spool._start_time(os.getpid()), "host": socket.gethostname()}
        assert spool.sweep(str(tmp_path)) == []  # a live load's folder stays
    assert list(tmp_path.iterdir()) == []


def test_a_spooled_file_comes_in_row_groups_the_engine_can_copy_in_parallel(monkeypatch):
    # LadybugDB reads a Parquet file's row groups in parallel: a big table is written as
    # several, in order, and what was written comes back whole.
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setattr(spool, "ROW_GROUP", 1000)
    table = pa.table({"n": pa.array(range(2_500), pa.int64())})
    files = spool.ParquetSpool()
    try:
        files.write("T", table.slice(0, 2_100))
        files.write("T", table.slice(2_100))
        files.finish()
        read = pq.ParquetFile(files.path("T"))
        assert [read.metadata.row_group(i).num_rows for i in range(read.num_row_groups)] == [1000, 1000, 100, 400]
        assert read.read().equals(table)
    finally:
        files.close()
