"""Shared fixtures: a fresh embedded store loaded from YAML text or files."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import NoReturn

import pytest

from allegiance.graph.base import load
from allegiance.graph.embedded import EmbeddedStore
from allegiance.queries.pack import core_pack
from allegiance.queries.runner import run_query

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


NEO4J_URI = os.environ.get("ALLEGIANCE_NEO4J_URI", "bolt://127.0.0.1:7687")


@pytest.fixture(autouse=True, scope="session")
def _no_neo4j_from_the_environment():
    """Tests name the server with NEO4J_URI; the CLI must not pick it up from the environment
    (the --neo4j envvar), or every embedded-store CLI test would talk to that server."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ALLEGIANCE_NEO4J_URI", raising=False)
        yield


def unavailable(problem: str, hint: str = "") -> NoReturn:
    """A service or data a test needs is missing: under CI=true that fails the test (CI
    must prove everything), elsewhere it skips it, with ``hint`` on what to do."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{problem} (required under CI=true)")
    pytest.skip(f"{problem}; {hint}" if hint else problem)


def neo4j_or_fail():
    """A Neo4jStore on an emptied database; under CI=true a missing server fails, never skips."""
    from allegiance.exc import StoreError
    from allegiance.graph.neo4j_store import open_neo4j

    try:
        store = open_neo4j(NEO4J_URI)
    except StoreError as e:
        unavailable(f"Neo4j: {e}", "start it with: bash scripts/neo4j-local start")
    store.run("MATCH (n) DETACH DELETE n", {}, write=True)
    return store


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
