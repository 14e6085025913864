"""Whole-graph answers in shares: where the shares are cut, the setting that says how many,
and how their rows are put together. That Neo4j gives the same rows in the same order in
any number of shares: tests/graph/test_same_answers.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allegiance.exc import QueryError, StoreError
from allegiance.graph.neo4j_store import DEFAULT_SHARES, MOST_SHARES, SHARES_ENV, cut_shares, shares_from_env
from allegiance.queries.pack import parse_query
from allegiance.queries.runner import present

_WEIGHTS = st.lists(st.tuples(st.text(min_size=1, max_size=4), st.integers(0, 1_000)), max_size=60).map(
    lambda pairs: sorted(dict(pairs).items()))


@given(_WEIGHTS, st.integers(1, 70))
def test_shares_are_cut_at_actors_in_order_each_about_its_part_of_the_edges(weights, shares):
    bounds = cut_shares(weights, shares)
    ids = [id_ for id_, _ in weights]
    assert len(bounds) <= shares - 1
    assert all(b in ids for b in bounds) and bounds == sorted(set(bounds))
    total, heaviest = sum(w for _, w in weights), max((w for _, w in weights), default=0)
    edges = [sum(w for id_, w in weights if lo <= id_ and (hi is None or id_ < hi))
             for lo, hi in zip(["", *bounds], [*bounds, None], strict=True)]
    assert sum(edges) == total
    # No share holds more than its part and one actor more (the actor that crossed the line).
    assert all(e <= total / shares + heaviest for e in edges)


def test_an_actor_with_most_edges_makes_fewer_shares():
    assert cut_shares([("a", 1), ("b", 100), ("c", 1), ("d", 1)], 4) == ["c"]
    assert cut_shares([(f"a{i}", 1) for i in range(10)], 4) == ["a3", "a5", "a8"]
    assert cut_shares([("a", 0), ("b", 0)], 4) == [] == cut_shares([("a", 5)], 1)


@pytest.mark.parametrize("given", ["0", "-1", "two", "1.5", str(MOST_SHARES + 1), "١"])
def test_a_bad_shares_setting_is_named(monkeypatch, given):
    monkeypatch.setenv(SHARES_ENV, given)
    with pytest.raises(StoreError) as info:
        shares_from_env()
    assert str(info.value) == (f"{SHARES_ENV}: expected a whole number from 1 (each query whole) to {MOST_SHARES}, "
                               f"how many queries at once a whole-graph answer runs as; got {given!r}")


def test_the_shares_setting(monkeypatch):
    monkeypatch.delenv(SHARES_ENV, raising=False)
    assert shares_from_env() == DEFAULT_SHARES
    monkeypatch.setenv(SHARES_ENV, " 1 ")
    assert shares_from_env() == 1


def test_the_cli_names_a_bad_shares_setting(monkeypatch):
    from click.testing import CliRunner

    from allegiance.cli import cli

    monkeypatch.setenv(SHARES_ENV, "many")
    # Read before anything connects: no server is needed to see it refused.
    result = CliRunner().invoke(cli, ["query", "who-backs-whom", "--neo4j", "bolt://127.0.0.1:9"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"{SHARES_ENV}: expected a whole number" in result.output
    assert "Traceback" not in result.output


_ORDERED = "// name: q\n// column a: text\n// column b: int\n// order: a, b\nRETURN 1 AS a, 2 AS b"


def test_rows_are_sorted_a_column_at_a_time_nulls_last():
    query = parse_query(_ORDERED, "q.cypher", "p")
    rows = [["b", 1], ["c", None], [None, 3], ["a", 2], ["b", None], ["b", 0]]
    assert [list(r.values()) for r in present(query, ["a", "b"], rows)] == [
        ["a", 2], ["b", 0], ["b", 1], ["b", None], ["c", None], [None, 3]]


def test_rows_that_cannot_be_sorted_are_named_not_a_traceback():
    query = parse_query(_ORDERED, "q.cypher", "p")
    with pytest.raises(QueryError) as info:
        present(query, ["a", "b"], [["x", 1], [2, 1]])
    assert str(info.value) == "query 'q': cannot sort its rows by a, b: a column holds values of different types"
