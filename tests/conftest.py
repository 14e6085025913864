"""Shared fixtures: a fresh embedded store loaded from YAML text or files, and the tests'
own Neo4j (``tests/neo4j_server.py``)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import NoReturn

import pytest

from allegiance.graph.embedded import EmbeddedStore
from allegiance.pipeline import load
from allegiance.queries.pack import core_pack
from allegiance.queries.runner import run_query
from tests import neo4j_server

# Read before the environment is cleaned below: ALLEGIANCE_TEST_NEO4J=off skips the Neo4j
# tests outside CI (under CI=true they fail instead, as for any missing service).
NEO4J_OFF = os.environ.get("ALLEGIANCE_TEST_NEO4J", "").lower() == "off"
# A user's settings must not reach the tests: ALLEGIANCE_NEO4J_URI could name their real
# server, ALLEGIANCE_STORE their real store, and CLI tests read both.
for _name in [k for k in os.environ if k.startswith(("ALLEGIANCE_", "NEO4J_LOCAL_"))]:
    del os.environ[_name]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "libya-2020.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def make_store(tmp_path):
    """make_store(yaml_text or paths...) -> an EmbeddedStore with that data loaded."""
    opened = []

    def make(*data: str | Path, name: str = "test.db", **load_options) -> EmbeddedStore:
        store = EmbeddedStore(tmp_path / name)
        opened.append(store)
        if data:
            load(store, _paths(data, tmp_path), **load_options)
        return store

    yield make
    for store in opened:
        store.close()


def pytest_sessionfinish(session, exitstatus):
    neo4j_server.stop()


def unavailable(problem: str, hint: str = "") -> NoReturn:
    """A service or data a test needs is missing: under CI=true that fails the test (CI
    must prove everything), elsewhere it skips it, with ``hint`` on what to do."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{problem} (required under CI=true)")
    pytest.skip(f"{problem}; {hint}" if hint else problem)


def neo4j_server_or_fail() -> neo4j_server.Server:
    """The tests' own Neo4j, started on first use; under CI=true a server that cannot be
    started fails the test, never skips it."""
    if NEO4J_OFF:
        unavailable("Neo4j tests are off (ALLEGIANCE_TEST_NEO4J=off)")
    try:
        return neo4j_server.server()
    except neo4j_server.Unavailable as e:
        unavailable(f"Neo4j: {e}", "it needs Java 17 and Maven: bash scripts/test.sh installs the rest")


def neo4j_uri() -> str:
    return neo4j_server_or_fail().uri


def neo4j_or_fail():
    """A Neo4jStore on the tests' own server, its database emptied (it is ours alone)."""
    import neo4j

    from allegiance.graph.neo4j_store import open_neo4j

    # Emptied before a store opens it: opening checks the vocabulary the graph remembers,
    # which an earlier test's schema folder may have extended.
    with neo4j.GraphDatabase.driver(neo4j_uri(), auth=("neo4j", neo4j_server.PASSWORD)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
    return open_neo4j(neo4j_uri(), default_password=neo4j_server.PASSWORD)


def neo4j_with_example():
    """``neo4j_or_fail()`` with the example loaded (the Browser tests read it)."""
    store = neo4j_or_fail()
    try:
        load(store, [str(EXAMPLE)])
    except BaseException:
        store.close()  # an unclosed driver warns when collected, in whichever test runs then
        raise
    return store


def _paths(data: tuple[str | Path, ...], folder: Path) -> list[str]:
    """Fixture files as given, YAML texts written to files, in the order given."""
    paths = []
    for i, item in enumerate(data):
        if not isinstance(item, Path):
            path = folder / f"data{i}.yaml"
            path.write_text(textwrap.dedent(item), encoding="utf-8")
            item = path
        paths.append(str(item))
    return paths


@pytest.fixture(params=["embedded", "neo4j"])
def make_any_store(request, make_store, tmp_path):
    """Like make_store, once per backend: the same tests prove the same answers on both."""
    if request.param == "embedded":
        yield make_store
        return
    opened = []

    def make(*data: str | Path, **load_options):
        store = neo4j_or_fail()
        opened.append(store)
        if data:
            load(store, _paths(data, tmp_path), **load_options)
        return store

    yield make
    for store in opened:
        store.close()


def ask(store, name: str, as_of: str | None = None, known_at: str | None = None, **params: str) -> list[dict]:
    """Run a core query; parameters as keyword arguments (from_ for 'from')."""
    params = {k.rstrip("_"): v for k, v in params.items()}
    return run_query(store, core_pack()[name], params, as_of=as_of, known_at=known_at)


def pairs(rows: list[dict]) -> set[tuple[str, str]]:
    return {(r["subject"], r["object"]) for r in rows}
