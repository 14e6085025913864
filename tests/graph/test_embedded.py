"""The embedded store: idempotent, all-or-nothing loads, safe with two processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from allegiance.exc import InputError, StoreError
from allegiance.graph import embedded
from allegiance.graph.embedded import EmbeddedStore
from allegiance.loaders.assemble import Assembler
from allegiance.model import Statement
from allegiance.pipeline import LoadReport, load, write
from tests.conftest import EXAMPLE, FIXTURES, ask


def test_loading_twice_changes_nothing(make_store):
    store = make_store(EXAMPLE)
    before = store.stats()
    report = load(store, [str(EXAMPLE)])
    assert (report.added, report.actors, report.places, report.sources) == (0, 0, 0, 0)
    assert report.read == before["statements"]
    after = store.stats()
    assert {k: v for k, v in after.items() if k != "store_bytes"} == {k: v for k, v in before.items() if k != "store_bytes"}


def test_a_bad_record_in_the_last_file_leaves_the_store_as_it_was(make_store, tmp_path):
    store = make_store(FIXTURES / "bundle.yaml")
    before = store.stats()
    good = tmp_path / "more.yaml"
    good.write_text(textwrap.dedent("""
        actors: [{id: egypt, name: Egypt, type: state}]
        statements:
          - {subject: egypt, relation: supports, object: lna, source: s1}
    """), encoding="utf-8")
    with pytest.raises(InputError):
        load(store, [str(good), str(FIXTURES / "errors" / "bad-date.yaml")])
    assert store.stats() == before
    assert "egypt" not in store.known().actors


def test_an_engine_failure_mid_load_rolls_back(make_store):
    store = make_store(FIXTURES / "bundle.yaml")
    before = store.stats()
    # A statement whose subject is in no table: COPY of its edge fails inside the
    # transaction, after the Statement node COPY has already run.
    orphan = Statement(subject="ghost", relation="supports", object="gna", source="s1")
    assembler = Assembler(store.known())
    with pytest.raises(StoreError, match="refused the load, nothing was written"):
        write(store, assembler, iter([orphan]), LoadReport(files=[]))
    assert store.stats() == before


def test_an_updated_actor_replaces_the_stored_one(make_store, tmp_path):
    store = make_store(FIXTURES / "bundle.yaml")
    update = tmp_path / "u.yaml"
    update.write_text("actors:\n  - {id: gna, name: Government of National Accord, aliases: [GNA, Tripoli], "
                      "type: government, country: LY}\n", encoding="utf-8")
    report = load(store, [str(update)])
    assert report.actors == 1
    assert store.known().actors["gna"].aliases == ("GNA", "Tripoli")
    assert ask(store, "backers", actor="Tripoli")  # the new alias resolves


def test_a_new_publication_date_changes_what_was_known_when(make_store, tmp_path):
    store = make_store(FIXTURES / "bundle.yaml")
    assert ask(store, "who-backs-whom", known_at="2020-06")
    redated = tmp_path / "r.yaml"
    redated.write_text("sources:\n  - {id: s1, title: Report, publisher: Wire, url: \"https://example.org/r\", "
                       "published: \"2022\", reliability: 0.7}\n", encoding="utf-8")
    load(store, [str(redated)], replace=True)  # a date the store held: replaced on purpose only
    assert ask(store, "who-backs-whom", known_at="2020-06") == []


def test_reading_a_store_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(StoreError, match=r"no store at .*nope\.db; load data first"):
        EmbeddedStore(tmp_path / "nope.db", read_only=True)


def test_a_second_writer_waits_and_then_reports_busy(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    EmbeddedStore(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from allegiance.graph.embedded import EmbeddedStore
            s = EmbeddedStore({str(path)!r})
            print("holding", flush=True)
            sys.stdin.readline()
            s.close()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        monkeypatch.setattr(embedded, "LOCK_TIMEOUT", 0.3)
        with pytest.raises(StoreError, match="is busy: another allegiance process is loading into it"):
            EmbeddedStore(path)
    finally:
        holder.communicate("\n", timeout=30)
    EmbeddedStore(path).close()  # free again once the holder is gone


def test_two_processes_loading_at_once_both_land(tmp_path):
    path = tmp_path / "s.db"
    files = []
    for i in range(2):
        f = tmp_path / f"f{i}.yaml"
        f.write_text(textwrap.dedent(f"""
            sources: [{{id: s{i}, title: R{i}}}]
            actors: [{{id: a{i}, name: A{i}, type: state}}, {{id: b{i}, name: B{i}, type: state}}]
            statements:
              - {{subject: a{i}, relation: supports, object: b{i}, source: s{i}}}
        """), encoding="utf-8")
        files.append(f)
    procs = [subprocess.Popen([sys.executable, "-m", "allegiance", "load", str(f), "--store", str(path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with EmbeddedStore(path, read_only=True) as store:
        assert store.stats()["statements"] == 2


def test_the_cache_size_can_be_capped(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLEGIANCE_BUFFER_POOL_MB", "256")
    assert embedded._buffer_pool() == 256 * 2**20
    EmbeddedStore(tmp_path / "s.db").close()
    monkeypatch.setenv("ALLEGIANCE_BUFFER_POOL_MB", "lots")
    with pytest.raises(StoreError) as info:
        EmbeddedStore(tmp_path / "s.db")
    assert str(info.value) == "ALLEGIANCE_BUFFER_POOL_MB: expected a number of megabytes, got 'lots'"
    monkeypatch.delenv("ALLEGIANCE_BUFFER_POOL_MB")
    assert embedded._buffer_pool() <= 8 * 2**30
