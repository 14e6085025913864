"""Shared fixtures: a fresh embedded store loaded from YAML text or files."""

from __future__ import annotations

import textwrap
from pathlib import Path

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
        paths = []
        for i, item in enumerate(data):
            if isinstance(item, Path):
                paths.append(str(item))
            else:
                path = tmp_path / f"data{i}.yaml"
                path.write_text(textwrap.dedent(item), encoding="utf-8")
                paths.append(str(path))
        store = EmbeddedStore(tmp_path / name)
        opened.append(store)
        if paths:
            load(store, paths, **load_options)
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
