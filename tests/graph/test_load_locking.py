"""A load takes the store's write lock only to write: while it reads its input, readers and
other loads go on, and what they wrote meanwhile is neither duplicated nor broken. A load
whose input is bad leaves no store behind."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.graph import embedded
from allegiance.graph.check import check
from allegiance.graph.embedded import EmbeddedStore
from allegiance.loaders import read_records
from allegiance.loaders.assemble import Assembler
from allegiance.pipeline import LoadReport, load, write
from tests.conftest import EXAMPLE, FIXTURES

STATEMENTS = 6000


def jsonl(first: int, last: int) -> bytes:
    lines = [json.dumps({"subject": "turkey", "relation": "supports", "object": "gna", "source": "s-pipe",
                         "quote": f"shipment {i} " + "x" * 150}) for i in range(first, last)]
    return ("\n".join(lines) + "\n").encode()


def test_a_load_waiting_on_its_input_keeps_no_reader_waiting(tmp_path):
    path = tmp_path / "s.db"
    assert CliRunner().invoke(cli, ["load", str(EXAMPLE), "--store", str(path)]).exit_code == 0
    with subprocess.Popen([sys.executable, "-m", "allegiance", "load", "-", "--format", "jsonl", "--store", str(path)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as loader:
        try:
            loader.stdin.write(b'{"record": "source", "id": "s-pipe", "title": "Pipe"}\n' + jsonl(0, STATEMENTS - 1))
            # That write returned, so the loader has read all but what a pipe holds (64 KiB,
            # of about 1 MiB): it is reading its input now, and the pipe stays open.
            loader.stdin.flush()
            stats = subprocess.run([sys.executable, "-m", "allegiance", "stats", "--format", "json", "--store",
                                    str(path)], capture_output=True, text=True, timeout=600)
            assert (stats.returncode, stats.stderr) == (0, "")
            assert json.loads(stats.stdout)["statements"] == 67
            out, err = loader.communicate(jsonl(STATEMENTS - 1, STATEMENTS), timeout=600)  # the rest, then EOF
        except BaseException:
            loader.kill()
            raise
    assert (loader.returncode, err) == (0, b"")
    assert out.decode().startswith(f"Loaded {STATEMENTS:,} statements from 1 file(s)")
    with EmbeddedStore(path, read_only=True) as store:
        assert store.stats()["statements"] == 67 + STATEMENTS


OURS = """
    actors: [{id: egypt, name: Egypt, type: state}]
    sources: [{id: s9, title: Cairo wire}]
    statements:
      - {subject: egypt, relation: supports, object: lna, source: s9}
      - {subject: turkey, relation: supports, object: gna, source: s1, quote: "cited, not declared"}
"""
# What another load writes while ours reads its input: the same actor, source and first
# statement, and a new publication date for the source our second statement cites.
THEIRS = """
    actors: [{id: egypt, name: Egypt, type: state}]
    sources:
      - {id: s9, title: Cairo wire}
      - {id: s1, title: Report, publisher: Wire, url: "https://example.org/r", published: "2022", reliability: 0.7}
    statements:
      - {subject: egypt, relation: supports, object: lna, source: s9}
"""


def test_what_another_load_wrote_meanwhile_is_not_written_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "LOCK_TIMEOUT", 1.0)  # if the load held a lock while reading, fail fast
    path = tmp_path / "s.db"
    with EmbeddedStore(path) as seed:
        load(seed, [str(FIXTURES / "bundle.yaml")])
        before = seed.stats()["statements"]
    ours, theirs = tmp_path / "ours.yaml", tmp_path / "theirs.yaml"
    ours.write_text(textwrap.dedent(OURS), encoding="utf-8")
    theirs.write_text(textwrap.dedent(THEIRS), encoding="utf-8")

    store = EmbeddedStore(path, for_load=True)
    assembler = Assembler(store.known())

    def meanwhile():
        statements = assembler.statements(read_records(str(ours)))
        yield next(statements)
        with EmbeddedStore(path) as other:  # the exclusive lock: free, while ours reads
            assert load(other, [str(theirs)], replace=True).added == 1  # s1 redated on purpose
        yield from statements

    report = LoadReport(files=[str(ours)])
    write(store, assembler, meanwhile(), report)
    store.close()
    assert report.added == 1  # egypt -> lna was there by the time ours wrote
    with EmbeddedStore(path, read_only=True) as result:
        assert result.stats()["statements"] == before + 2
        assert result.known().actors["egypt"].name == "Egypt"
        checked = check(result)
        assert checked.problems == []  # our statement citing s1 has s1's new date too


def test_a_load_whose_every_statement_another_load_wrote_meanwhile_adds_none(tmp_path):
    """Every spooled row of every table is taken out again: empty spool files copy nothing."""
    path = tmp_path / "s.db"
    with EmbeddedStore(path) as seed:
        load(seed, [str(FIXTURES / "bundle.yaml")])
        before = seed.stats()["statements"]
    ours = tmp_path / "ours.yaml"
    ours.write_text(textwrap.dedent(OURS), encoding="utf-8")
    store = EmbeddedStore(path, for_load=True)
    assembler = Assembler(store.known())

    def meanwhile():
        statements = list(assembler.statements(read_records(str(ours))))
        with EmbeddedStore(path) as other:  # the same file, loaded first by another load
            assert load(other, [str(ours)]).added == len(statements) == 2
        yield from statements

    report = LoadReport(files=[str(ours)])
    write(store, assembler, meanwhile(), report)
    store.close()
    assert report.added == 0
    with EmbeddedStore(path, read_only=True) as result:
        assert result.stats()["statements"] == before + 2  # each once
        assert check(result).problems == []


def test_a_failed_load_into_a_new_store_leaves_no_file(tmp_path):
    folder = tmp_path / "data"
    result = CliRunner().invoke(cli, ["load", str(FIXTURES / "errors" / "bad-date.yaml"), "--store", str(folder / "s.db")])
    assert result.exit_code == 1 and "month 13 does not exist" in result.stderr
    assert not folder.exists()
    result = CliRunner().invoke(cli, ["load", str(FIXTURES / "errors" / "bad-date.yaml"), "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("lines", [1, 2])
def test_stdin_that_fails_leaves_no_store(tmp_path, lines):
    bad = '{"subject": "turkey", "relation": "supports", "object": "gna", "source": "nowhere"}\n' * lines
    result = CliRunner().invoke(cli, ["load", "-", "--format", "jsonl", "--store", str(tmp_path / "s.db")], input=bad)
    assert (result.exit_code, result.stderr) == (1, "Error: <stdin>, line 1, field 'subject': unknown actor 'turkey' "
                                                    "(declare it, or load with --create-missing)\n")
    assert list(tmp_path.iterdir()) == []
