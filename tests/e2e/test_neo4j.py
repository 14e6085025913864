"""The CLI and the graph on a real Neo4j server: the tests' own (tests/neo4j_server.py).

Under CI=true a missing server fails these tests; elsewhere they skip with a hint.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import QueryError, StoreError
from allegiance.graph import bolt_rows, neo4j_store
from allegiance.graph.neo4j_store import Neo4jStore
from allegiance.pipeline import load
from tests import neo4j_server
from tests.conftest import EXAMPLE, FIXTURES, ask, neo4j_or_fail, neo4j_uri


@pytest.fixture
def neo4j():
    store = neo4j_or_fail()
    yield store
    store.close()


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, [*args, "--neo4j", neo4j_uri()], env=env)


def test_the_cli_works_the_same_on_neo4j(neo4j, tmp_path):
    loaded = run("load", str(EXAMPLE), "--json")
    assert loaded.exit_code == 0, loaded.output
    report = json.loads(loaded.stdout)
    assert report["statements_added"] == report["statements_read"] > 0
    again = json.loads(run("load", str(EXAMPLE), "--json").stdout)
    assert again["statements_added"] == 0
    stats = json.loads(run("stats", "--format", "json").stdout)
    assert stats["statements"] == report["statements_read"] and stats["actors"] == 30
    rows = json.loads(run("query", "control", "-p", "place=al-Watiya", "--as-of", "2020-05-20", "--format", "json").stdout)
    assert [(r["subject"], r["object"]) for r in rows] == [("gna", "al-watiya")]
    assert run("report", "--as-of", "2020-05").stdout.startswith("# Situation report, as of 2020-05")
    page = tmp_path / "p.html"
    assert run("viz", "--as-of", "2020-05", "-o", str(page)).exit_code == 0 and page.stat().st_size > 10_000


def test_push_copies_an_embedded_store(neo4j, tmp_path):
    store = str(tmp_path / "s.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["load", str(EXAMPLE), "--store", store]).exit_code == 0
    first = runner.invoke(cli, ["push", "--neo4j", neo4j_uri(), "--store", store])
    assert first.exit_code == 0, first.output
    assert "67 new, 0 already there" in first.stdout
    second = runner.invoke(cli, ["push", "--neo4j", neo4j_uri(), "--store", store])
    assert "0 new, 67 already there" in second.stdout
    embedded = json.loads(runner.invoke(cli, ["stats", "--format", "json", "--store", store]).stdout)
    server = json.loads(run("stats", "--format", "json").stdout)
    assert {k: server[k] for k in ("statements", "relations", "actors", "places", "sources", "by_relation")} == \
           {k: embedded[k] for k in ("statements", "relations", "actors", "places", "sources", "by_relation")}


def test_a_browser_user_can_read_the_graph(neo4j):
    load(neo4j, [str(EXAMPLE)])
    _, rows = neo4j.run(
        "MATCH (s:Actor {id: 'gna'})-[r:CONTROLS]->(p:Place {id: 'al-watiya'}) "
        "RETURN r.start AS start, r.end AS end, r.start_precision AS precision, "
        "valueType(r.start) AS type", {})
    assert rows == [[dt.date(2020, 5, 18), None, "day", "DATE NOT NULL"]]
    # From an edge to the quotes behind it, by the statement's links.
    _, rows = neo4j.run(
        "MATCH (st:Statement)-[:SUBJECT]->(:Actor {id: 'turkey'}), (st)-[:OBJECT]->(:Actor {id: 'gna'}), "
        "(st)-[:CITES]->(src:Source) RETURN count(DISTINCT st), count(DISTINCT src)", {})
    assert rows[0][0] >= 3 and rows[0][1] >= 2
    _, rows = neo4j.run("MATCH (st:Statement)-[:CLAIMED_BY]->(a:Actor {id: 'france'}) RETURN count(st)", {})
    assert rows[0][0] >= 1
    # Every statement has its three links and exactly one relation edge.
    _, rows = neo4j.run(
        "MATCH (st:Statement) RETURN count(st), "
        "sum(CASE WHEN COUNT { (st)-[:SUBJECT]->() } = 1 AND COUNT { (st)-[:OBJECT]->() } = 1 "
        "AND COUNT { (st)-[:CITES]->() } = 1 THEN 1 ELSE 0 END)", {})
    assert rows[0][0] == rows[0][1] == 67
    _, rows = neo4j.run("MATCH ()-[r]->() WHERE r.statement IS NOT NULL RETURN count(DISTINCT r.statement), count(r)", {})
    assert rows == [[67, 67]]
    _, rows = neo4j.run("MATCH (p:Place {id: 'al-watiya'}) RETURN p.location.latitude", {})
    assert rows[0][0] == pytest.approx(32.47, abs=0.1)


def sent_as(monkeypatch, packed: str) -> list[str]:
    """Make the batches go as ``packed`` ("packed rows", the default; "bolt structures",
    lists with Bolt Date structures, as where the driver's packers take no packed rows;
    "python dates", lists with dates, as where the driver also moved that class); returns
    the list that records how each batch's rows went."""
    if packed != "packed rows":
        monkeypatch.setattr(bolt_rows, "ready", lambda: False)
    if packed == "python dates":
        monkeypatch.setattr(bolt_rows, "_bolt_structure", lambda: None)
    sent: list[str] = []
    real = bolt_rows.rows_parameter

    def recorded(columns):
        rows = real(columns)
        sent.append(type(rows).__name__)
        return rows

    monkeypatch.setattr(bolt_rows, "rows_parameter", recorded)
    return sent


@pytest.mark.parametrize("packed", ["packed rows", "bolt structures", "python dates"])
def test_every_relation_edge_carries_its_days_as_dates_with_their_precision(neo4j, monkeypatch, packed):
    # The batches send their rows packed from the spooled columns, DATEs as Bolt Date
    # structures; where the driver takes no packed rows, lists; where it also moved the
    # structure's class, lists with Python dates: all must store the same DATE values.
    from allegiance.model.partial_date import BOUND_SCALE, OPEN_END, PRECISIONS, UNKNOWN_START

    sent = sent_as(monkeypatch, packed)
    load(neo4j, [str(EXAMPLE)])
    assert set(sent) == {"PackedRows" if packed == "packed rows" else "list"}
    _, rows = neo4j.run("MATCH ()-[r]->() WHERE r.statement IS NOT NULL RETURN r.lo, r.hi, r.lo_key, r.hi_key, "
                        "r.start, r.end, r.start_precision, r.end_precision, valueType(r.start), valueType(r.end)", {})
    assert len(rows) == 67
    for lo, hi, lo_key, hi_key, start, end, start_precision, end_precision, start_type, end_type in rows:
        assert start == (None if lo == UNKNOWN_START else dt.date.fromordinal(lo))
        assert end == (None if hi == OPEN_END else dt.date.fromordinal(hi))
        assert start_type in ("NULL", "DATE NOT NULL") and end_type in ("NULL", "DATE NOT NULL")
        assert (start_precision, end_precision) == (PRECISIONS.get(lo_key % BOUND_SCALE),
                                                    PRECISIONS.get(hi_key % BOUND_SCALE))
    # The example has both: ongoing relations and ended ones, starts at each precision.
    assert {r[5] is None for r in rows} == {True, False}
    assert {r[6] for r in rows} >= {"day", "month"}


GRAPH = ("MATCH (st:Statement)-[:SUBJECT]->(s), (st)-[:OBJECT]->(o), (st)-[:CITES]->(src), (s)-[r]->(o) "
         "WHERE r.statement = st.id OPTIONAL MATCH (st)-[:CLAIMED_BY]->(c) "
         "RETURN st.id, properties(st), type(r), properties(r), s.id, o.id, src.id, c.id ORDER BY st.id")


def test_packed_rows_write_what_lists_write(neo4j, monkeypatch):
    """A load of many batches (3 rows each), once packed and once as lists, leaves the same
    statements, edges, properties and links; a second load of each adds nothing."""
    monkeypatch.setattr(neo4j_store, "BATCH", 3)
    graphs = []
    for packed in ("packed rows", "bolt structures"):
        with monkeypatch.context() as m:
            sent = sent_as(m, packed)
            assert load(neo4j, [str(EXAMPLE)]).added == 67
            assert len(sent) >= 23 and set(sent) == {"PackedRows" if packed == "packed rows" else "list"}
            assert load(neo4j, [str(EXAMPLE)]).added == 0
        graphs.append(neo4j.run(GRAPH, {})[1])
        neo4j.run("MATCH (n) DETACH DELETE n", {}, write=True)
    assert len(graphs[0]) == 67
    assert graphs[0] == graphs[1]


def test_schema_first_constraints_and_range_indexes(neo4j):
    _, constraints = neo4j.run("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
                               "RETURN labelsOrTypes, properties, type", {})
    unique = {(c[0][0], c[1][0]) for c in constraints if "UNIQUENESS" in c[2]}
    assert {("Actor", "id"), ("Place", "id"), ("Source", "id"), ("Statement", "id")} <= unique
    _, indexes = neo4j.run("SHOW INDEXES YIELD type, labelsOrTypes, properties WHERE type = 'RANGE' "
                           "RETURN labelsOrTypes, properties", {})
    found = {(i[0][0], tuple(i[1])) for i in indexes if i[0]}
    for label in ("SUPPORTS", "OPPOSES", "MEDIATES", "CONTROLS", "PART_OF"):
        assert {(label, ("lo", "hi")), (label, ("start",)), (label, ("end",)), (label, ("statement",))} <= found


def test_an_interrupted_load_completes_on_a_rerun_without_duplicates(neo4j, monkeypatch):
    monkeypatch.setattr(neo4j_store, "BATCH", 5)
    calls = {"n": 0}
    real_flush = Neo4jStore._flush

    def failing_flush(self, batch):
        calls["n"] += 1
        if calls["n"] == 3:
            raise StoreError("connection lost (simulated)")
        return real_flush(self, batch)

    monkeypatch.setattr(Neo4jStore, "_flush", failing_flush)
    with pytest.raises(StoreError) as failed:
        load(neo4j, [str(EXAMPLE)])
    partial = neo4j.stats()["statements"]
    assert 0 < partial < 67
    assert str(failed.value) == (
        f"connection lost (simulated); the load stopped after writing {partial} of 67 new statements: "
        "run the same load again to complete it (what was written is skipped)")
    monkeypatch.setattr(Neo4jStore, "_flush", real_flush)
    report = load(neo4j, [str(EXAMPLE)])
    assert report.added == 67 - partial
    assert neo4j.stats()["statements"] == 67
    _, rows = neo4j.run("MATCH ()-[r]->() WHERE r.statement IS NOT NULL "
                        "WITH r.statement AS id, count(*) AS n WHERE n > 1 RETURN count(id)", {})
    assert rows == [[0]]


def test_a_batch_that_meets_statements_written_meanwhile_is_sent_again_without_them(neo4j, monkeypatch):
    """As when another loader wrote some of a batch's statements after this load read the
    graph: the batch fails on the uniqueness constraint and goes again without them."""
    from allegiance import pipeline

    monkeypatch.setattr(neo4j_store, "BATCH", 5)
    load(neo4j, [str(EXAMPLE)])
    _, gone = neo4j.run("MATCH (st:Statement) RETURN st.id ORDER BY st.id SKIP 3 LIMIT 10", {})
    neo4j.run("UNWIND $ids AS id MATCH ()-[r]->() WHERE r.statement = id DELETE r", {"ids": [g[0] for g in gone]},
              write=True)
    neo4j.run("UNWIND $ids AS id MATCH (st:Statement {id: id}) DETACH DELETE st", {"ids": [g[0] for g in gone]},
              write=True)
    assert len(gone) == 10 and neo4j.stats()["statements"] == 57
    real_write = pipeline.write
    monkeypatch.setattr(pipeline, "write", lambda *a, existing=None, **k: real_write(*a, existing=set(), **k))
    sent = sent_as(monkeypatch, "packed rows")
    assert load(neo4j, [str(EXAMPLE)]).added == 10
    assert len(sent) > 14  # 14 batches of 67 statements, then again the batches that met some
    _, rows = neo4j.run("MATCH (st:Statement) OPTIONAL MATCH (a)-[r]->(b) WHERE r.statement = st.id "
                        "RETURN count(DISTINCT st), count(r), count(DISTINCT st.id)", {})
    assert rows == [[67, 67, 67]]


def test_bad_input_writes_nothing_to_neo4j(neo4j, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("statements:\n  - {subject: turkey, relation: supports, object: gna, source: s1, start: 2020-13}\n",
                   encoding="utf-8")
    result = run("load", str(FIXTURES / "bundle.yaml"), str(bad))
    assert result.exit_code == 1 and "field 'start'" in result.stderr
    assert neo4j.stats()["statements"] == 0 and neo4j.stats()["actors"] == 0


def test_a_pack_query_that_writes_is_refused_unless_write(neo4j, tmp_path):
    load(neo4j, [str(FIXTURES / "bundle.yaml")])
    pack = tmp_path / "p"
    pack.mkdir()
    (pack / "tag.cypher").write_text("// name: tag\nMATCH (a:Actor) SET a.tagged = true RETURN count(a) AS n",
                                     encoding="utf-8")
    refused = run("query", "tag", "--pack", str(pack))
    assert (refused.exit_code, refused.stderr) == (
        1, f"Error: {pack / 'tag.cypher'}, line 2: refused: SET writes to the graph; "
        "pack queries run read-only unless you pass --write\n")
    # Behind the guard, the server's read transactions refuse a write too.
    reader = Neo4jStore(neo4j_uri(), password=neo4j_server.PASSWORD, read_only=True)
    try:
        with pytest.raises(QueryError, match=r"^the query writes to the graph; pack queries run read-only"):
            reader.run("MATCH (a:Actor) SET a.tagged = true", {})
    finally:
        reader.close()
    assert run("query", "tag", "--pack", str(pack), "--write", "--format", "json").exit_code == 0
    assert neo4j.run("MATCH (a:Actor) WHERE a.tagged RETURN count(a)", {})[1] == [[5]]


def test_driver_errors_become_clear_messages_without_credentials(neo4j):
    refused = CliRunner().invoke(cli, ["stats", "--neo4j", "bolt://127.0.0.1:1"])
    assert (refused.exit_code, refused.stderr) == (
        1, "Error: cannot reach Neo4j at bolt://127.0.0.1:1: connection refused or server not running\n")
    secret = "not-the-password-1234"
    wrong = CliRunner().invoke(cli, ["stats", "--neo4j", neo4j_uri()],
                               env={"ALLEGIANCE_NEO4J_PASSWORD": secret})
    assert (wrong.exit_code, wrong.stderr) == (1, f"Error: authentication failed for user neo4j at {neo4j_uri()}\n")
    assert secret not in wrong.output
    bad = CliRunner().invoke(cli, ["stats", "--neo4j", "http://127.0.0.1:7474"])
    assert (bad.exit_code, bad.stderr) == (
        1, "Error: not a Neo4j address: 'http://127.0.0.1:7474'; expected bolt://HOST:PORT or neo4j://HOST:PORT\n")


def test_the_environment_names_the_server(neo4j):
    load(neo4j, [str(FIXTURES / "bundle.yaml")])
    result = CliRunner().invoke(cli, ["query", "who-backs-whom", "--format", "json"],
                                env={"ALLEGIANCE_NEO4J_URI": neo4j_uri(), "ALLEGIANCE_NEO4J_DATABASE": "neo4j",
                                     "ALLEGIANCE_NEO4J_USER": "neo4j"})
    assert result.exit_code == 0, result.output
    assert [(r["subject"], r["object"]) for r in json.loads(result.stdout)] == [("turkey", "gna")]
    assert ask(neo4j, "contested") == []
    assert "ALLEGIANCE_NEO4J_URI" not in os.environ  # the CliRunner env was for that call only


def test_a_driver_can_be_passed_in_and_stays_the_callers(neo4j):
    import neo4j as driver_module

    driver = driver_module.GraphDatabase.driver(neo4j_uri(), auth=("neo4j", neo4j_server.PASSWORD))
    try:
        seen = []
        real_session = driver.session

        def session(**config):
            seen.append(config["default_access_mode"])
            return real_session(**config)

        driver.session = session
        store = Neo4jStore(neo4j_uri(), driver=driver, read_only=True)
        assert store.run("RETURN 1 AS one", {}) == (["one"], [[1]])
        store.close()
        assert seen and set(seen) == {"READ"}  # every query of a read-only store reads
        driver.verify_connectivity()  # still open: the store did not close the caller's driver
    finally:
        driver.close()


def test_the_library_has_no_default_password(neo4j):
    with pytest.raises(StoreError) as refused:
        Neo4jStore(neo4j_uri(), read_only=True)
    assert str(refused.value) == f"authentication failed for user neo4j at {neo4j_uri()}"


class _Spy:
    """Wraps a store's ``_attempt`` (its one call to the server): what was sent, how many
    records came back; ``fail`` raises a server error instead of running a text it matches."""

    def __init__(self, store, monkeypatch, fail=None):
        self.real, self.sent, self.fail = store._attempt, [], fail
        monkeypatch.setattr(store, "_attempt", self)
        monkeypatch.setattr(neo4j_store, "_COLUMNS", {})  # what earlier tests read is not kept

    def __call__(self, cypher, params, write):
        self.sent.append((cypher, None))  # None: refused
        if self.fail and self.fail[0](cypher):
            raise self.fail[1]()
        records, summary, keys = self.real(cypher, params, write)
        self.sent[-1] = (cypher, len(records))
        return records, summary, keys

    def wrapped(self) -> list[int | None]:
        return [n for cypher, n in self.sent if cypher.startswith("CALL () {")]


def _plain(store, cypher):
    records, _, keys = store._execute(cypher)
    return list(keys), [[neo4j_store._native(v) for v in r.values()] for r in records]


def test_a_big_answer_comes_back_many_rows_to_a_record_in_order_and_converted(neo4j, monkeypatch):
    # The driver's cost is per record: a read comes back CHUNK rows to a record, and must
    # give what the plain query gives, in its order, temporal values as Python's.
    load(neo4j, [str(EXAMPLE)])
    monkeypatch.setattr(neo4j_store, "CHUNK", 5)
    query = ("MATCH (st:Statement)-[:CITES]->(src:Source) RETURN st.id AS id, src.published_on AS published, "
             "collect(src.published_on) AS days, [st.quote] AS quotes ORDER BY published DESC, id")
    spy = _Spy(neo4j, monkeypatch)
    keys, rows = neo4j.run(query, {})
    assert (keys, rows) == _plain(neo4j, query)
    assert len(rows) == 67 and spy.wrapped() == [14]  # 67 rows, 5 to a record
    assert {type(r[1]) for r in rows} == {dt.date} and {type(d) for r in rows for d in r[2]} == {dt.date}
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    # The columns of a text are read once (EXPLAIN), then kept.
    assert sum(cypher.startswith("EXPLAIN") for cypher, _ in spy.sent) == 1
    neo4j.run(query, {})
    assert sum(cypher.startswith("EXPLAIN") for cypher, _ in spy.sent) == 1 and spy.wrapped() == [14, 14]
    assert neo4j.run("MATCH (a:Actor {id: 'nobody'}) RETURN a.id AS id", {}) == (["id"], [])


@pytest.mark.parametrize(("query", "keys", "rows", "tries"), [
    # a column of an expression not named: not allowed inside CALL { }, so not wrapped
    ("MATCH (a:Actor {id: 'gna'}) RETURN a.id, count(*)", ["a.id", "count(*)"], [["gna", 1]], []),
    # named like a variable, but a literal: the wrapped text is refused, then the plain one runs
    ("RETURN true", ["true"], [[True]], [None]),
    # a text that stands alone but not inside CALL { }
    ("MATCH (a:Actor {id: 'gna'}) RETURN a.id AS id;", ["id"], [["gna"]], [None]),
])
def test_a_read_that_cannot_be_wrapped_is_read_as_it_is(neo4j, monkeypatch, query, keys, rows, tries):
    load(neo4j, [str(EXAMPLE)])
    spy = _Spy(neo4j, monkeypatch)
    assert neo4j.run(query, {}) == (keys, rows)
    assert neo4j.run(query, {}) == (keys, rows)
    assert spy.wrapped() == tries  # refused once, then never tried again


def test_an_answer_too_big_for_the_servers_memory_at_once_is_streamed(neo4j, monkeypatch):
    # A server with a transaction memory limit (db.memory.transaction.max) refuses to gather
    # a whole answer that it could stream: simulated here with that error's code, once, not
    # retried as transient errors are.
    from neo4j.exceptions import Neo4jError

    load(neo4j, [str(EXAMPLE)])
    refused = ("Neo.TransientError.General.MemoryPoolOutOfMemoryError", "The allocation of an extra 2.0 MiB "
               "would use more than the limit 1.0 MiB (simulated)")
    spy = _Spy(neo4j, monkeypatch, fail=(lambda cypher: cypher.startswith("CALL () {"),
                                         lambda: Neo4jError._hydrate_neo4j(code=refused[0], message=refused[1])))
    query = "MATCH (st:Statement) RETURN st.id AS id ORDER BY id"
    keys, rows = neo4j.run(query, {})
    assert (keys, rows) == _plain(neo4j, query) and len(rows) == 67
    assert spy.wrapped() == [None]
    neo4j.run(query, {})
    assert spy.wrapped() == [None, None]  # tried again: the next answer may fit


@pytest.mark.parametrize(("text", "wrapped"), [
    ("// name: x\n// include: y\nMATCH (n) RETURN n.id AS id", True),
    ("  /* a */ // b\n  with 1 AS x RETURN x", True),
    ("\n\nOPTIONAL MATCH (n) RETURN n AS n", True),
    ("CALL db.labels() YIELD label RETURN label", False),
    ("SHOW INDEXES", False),
    ("MATCHES", False),
    # Untrusted text: no run of slashes, spaces or comments makes the check backtrack
    # (written with plain quantifiers, each 4 more slashes took 4 times as long).
    ("/" * 200_000 + "x", False),
    (" " * 200_000 + "x", False),
    ("/*" * 100_000 + "x", False),
    ("// x\n" * 50_000 + "RETURN 1 AS one", True),
])
def test_only_a_text_that_starts_as_a_pack_query_is_wrapped(text, wrapped):
    assert bool(neo4j_store._CHUNKED.match(text)) is wrapped


def test_only_answers_that_hold_temporal_values_are_converted():
    # _natives returns the rows as they are when no cell, and nothing a list holds, is a
    # driver temporal value; otherwise every cell is Python's own, wherever the value is.
    from neo4j.time import Date, DateTime

    plain = [["a", 1, 2.5, True, None, {"k": 1}, ["x", None], []], ["b", 2, None, False, "t", None, None, [3]]]
    assert neo4j_store._natives(plain) is plain and neo4j_store._natives([]) == []
    day, moment = Date(2020, 5, 18), DateTime(2020, 5, 18, 12, 30)
    for where in (0, 4, 7):
        for value, native in ((day, dt.date(2020, 5, 18)), (moment, dt.datetime(2020, 5, 18, 12, 30))):
            for cell, expected in ((value, native), ([None, value], [None, native]), ([[value]], [[native]])):
                rows = [[*row[:where], cell, *row[where + 1:]] for row in plain]
                converted = neo4j_store._natives(rows)
                assert converted is not rows and [row[where] for row in converted] == [expected, expected]
                assert all(type(v) not in (Date, DateTime) for row in converted for v in row)
