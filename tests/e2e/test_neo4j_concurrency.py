"""A team shares one Neo4j: concurrent loaders of overlapping data, on the tests' own server.

Four ``allegiance load`` processes start together on an empty database (no constraints or
indexes yet), each with its own overlapping slice of the example's statements, for several
rounds. Every loader must exit 0 with nothing on stderr (no driver log lines), and the graph
must hold each statement exactly once, with exactly one relation edge each; between them the
loaders must report each statement as new exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from allegiance.loaders.yaml_loader import load_yaml
from tests import neo4j_server
from tests.conftest import EXAMPLE, neo4j_or_fail, neo4j_uri

ROUNDS = 3
SLICES = [(0, 36), (12, 48), (24, 61), (0, 61)]  # of the example's 61 statement records (67 statements)


@pytest.fixture
def neo4j():
    store = neo4j_or_fail()
    yield store
    store.close()


def _bundles(folder) -> list[str]:
    data = load_yaml(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))  # the bundle reader's own rules
    assert len(data["statements"]) == 61
    paths = []
    for i, (start, end) in enumerate(SLICES):
        part = {**data, "statements": data["statements"][start:end]}
        path = folder / f"part{i}.json"
        path.write_text(json.dumps(part, default=str), encoding="utf-8")
        paths.append(str(path))
    return paths


def _empty(store) -> None:
    """No data and no schema: the loaders race to create both."""
    store.run("MATCH (n) DETACH DELETE n", {}, write=True)
    for (name,) in store.run("SHOW CONSTRAINTS YIELD name RETURN name", {})[1]:
        store.run(f"DROP CONSTRAINT {name}", {}, write=True)
    for (name,) in store.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name", {})[1]:
        store.run(f"DROP INDEX {name}", {}, write=True)


def test_four_concurrent_loaders_of_overlapping_files_each_statement_once(neo4j, tmp_path):
    paths = _bundles(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "CI"}  # the loads themselves need no CI flag
    for round_ in range(ROUNDS):
        _empty(neo4j)
        loaders = [subprocess.Popen([sys.executable, "-m", "allegiance", "load", path, "--json",
                                     "--neo4j", neo4j_uri()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=env, cwd=tmp_path)
                   for path in paths]
        results = [(p.wait(), *p.communicate()) for p in loaders]
        for code, _out, err in results:
            assert (code, err) == (0, ""), f"round {round_}: exit {code}\n{err}"
        reports = [json.loads(out) for _, out, _ in results]
        assert reports[-1]["statements_read"] == 67
        assert sum(r["statements_added"] for r in reports) == 67, f"round {round_}: {reports}"
        stats = neo4j.stats()
        assert stats["statements"] == 67 and stats["actors"] == 30 and stats["sources"] == 36
        _, rows = neo4j.run("MATCH (s:Statement) WITH s.id AS id, count(*) AS n WHERE n > 1 RETURN count(id)", {})
        assert rows == [[0]]
        _, rows = neo4j.run("MATCH (s:Statement) OPTIONAL MATCH ()-[r {statement: s.id}]->() "
                            "WITH s, count(r) AS edges WHERE edges <> 1 RETURN count(s)", {})
        assert rows == [[0]], f"round {round_}: statements without exactly one edge"
        _, rows = neo4j.run("MATCH (a:Actor) WITH a.id AS id, count(*) AS n WHERE n > 1 RETURN count(id)", {})
        assert rows == [[0]]


def _deadlock():
    from neo4j.exceptions import Neo4jError

    return Neo4jError._hydrate_neo4j(code="Neo.TransientError.Transaction.DeadlockDetected",
                                     message="ForsetiClient[1] can't acquire ExclusiveLock (simulated)")


def test_transient_errors_are_retried_quietly_and_a_bounded_number_of_times(neo4j, monkeypatch, capfd):
    from allegiance.exc import StoreError
    from allegiance.graph import neo4j_store

    real = neo4j._attempt
    calls = {"n": 0}

    def twice_deadlocked(cypher, params, write):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise _deadlock()
        return real(cypher, params, write)

    # A text that is not a pack query's (it starts with CALL) is sent as it is: one call each try.
    query = "CALL { RETURN 1 AS one } RETURN one"
    monkeypatch.setattr(neo4j, "_attempt", twice_deadlocked)
    assert neo4j.run(query, {}) == (["one"], [[1]])
    assert calls["n"] == 3

    def always_deadlocked(cypher, params, write):
        calls["n"] += 1
        raise _deadlock()

    calls["n"] = 0
    monkeypatch.setattr(neo4j_store.time, "sleep", lambda seconds: None)  # the waits are not under test
    monkeypatch.setattr(neo4j, "_attempt", always_deadlocked)
    with pytest.raises(StoreError) as failed:
        neo4j.run(query, {})
    assert calls["n"] == neo4j_store.ATTEMPTS
    assert str(failed.value) == ("Neo4j refused the query: ForsetiClient[1] can't acquire ExclusiveLock (simulated) "
                                 f"(still failing after {neo4j_store.ATTEMPTS} tries)")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_a_store_whose_schema_setup_fails_leaves_no_driver_open(monkeypatch):
    import gc
    import warnings

    from allegiance.exc import StoreError
    from allegiance.graph.neo4j_store import Neo4jStore, open_neo4j

    uri = neo4j_uri()

    def fails(self):
        raise StoreError("schema setup failed (simulated)")

    monkeypatch.setattr(Neo4jStore, "_create_schema", fails)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(StoreError, match="simulated"):
            open_neo4j(uri, default_password=neo4j_server.PASSWORD)
        gc.collect()
    assert [str(w.message) for w in caught] == []
