"""Camps and balance against brute force, by the heuristic, on planted camps and as properties (the
API-level cases are in test_camps.py)."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allegiance.analysis import frustration as solver
from allegiance.analysis.camps import balance, camps
from allegiance.analysis.camps import partition as partition_of
from tests.analysis.graphs import adjusted_rand, brute_force, frustration_of, graph, planted, random_signed

PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture
def heuristic_only(monkeypatch):
    """Every group goes to the heuristic, however small."""
    monkeypatch.setattr(solver, "EXACT_MAX_NODES", 0)
    monkeypatch.setattr(solver, "EXACT_MAX_NODES_2", 0)


def test_a_triangle_with_one_negative_tie_frustrates_one_tie():
    G = graph([("a", "b", 1), ("b", "c", 1), ("a", "c", -1)])
    result = balance(G)
    assert result["frustration"] == 1.0 and result["exact"] is True
    assert result["triangles"] == {"balanced": 0, "unbalanced": 1}
    assert len(result["frustrated"]) == 1
    assert camps(G)["frustration"] == 1.0


def test_two_mutual_enemies_are_never_put_together():
    # The trap of modularity with negative weights: louvain_communities gives [{a}, {b, c}] here.
    G = graph([("a", "b", 1), ("b", "c", -1), ("a", "c", -1)])
    assert [c["members"] for c in camps(G)["camps"]] == [["a", "b"], ["c"]]
    assert [c["members"] for c in camps(G, 2)["camps"]] == [["a", "b"], ["c"]]


def test_camps_are_numbered_by_size_then_smallest_member():
    ties = [("z", "y", 1), ("x", "y", 1), ("a", "b", 1), ("b", "c", 1), ("a", "x", -1), ("c", "y", -1), ("q", "a", -1),
            ("q", "c", -1), ("q", "z", -1)]
    numbered = [(c["camp"], c["members"]) for c in camps(graph(ties))["camps"]]
    assert numbered == [(1, ["a", "b", "c"]), (2, ["x", "y", "z"]), (3, ["q"])]  # equal sizes: smallest id first
    numbered = [(c["camp"], c["members"]) for c in camps(graph([*ties, ("w", "x", 1)]))["camps"]]
    assert numbered == [(1, ["w", "x", "y", "z"]), (2, ["a", "b", "c"]), (3, ["q"])]


@pytest.mark.parametrize("seed", range(8))
def test_the_frustration_index_is_exact_against_brute_force(seed):
    G = random_signed(9 + seed % 4, 0.45, seed)  # 9 to 12 actors
    result = balance(G)
    assert result["exact"] is True
    assert result["frustration"] == brute_force(G, 2)


@pytest.mark.parametrize("seed", range(6))
def test_camps_are_exact_against_brute_force(seed):
    G = random_signed(8, 0.5, 100 + seed)
    assert camps(G, max_camps=3)["frustration"] == brute_force(G, 3)
    assert camps(G, 2)["frustration"] >= brute_force(G, 2)  # exactly two camps: no better than at most two


@pytest.mark.parametrize("seed", range(6))
def test_the_heuristic_agrees_with_the_exact_answer_on_small_graphs(seed, monkeypatch):
    G = random_signed(10, 0.4, 200 + seed, negative=0.35)
    exact = camps(G), balance(G)
    monkeypatch.setattr(solver, "EXACT_MAX_NODES", 0)
    monkeypatch.setattr(solver, "EXACT_MAX_NODES_2", 0)
    heuristic = camps(G), balance(G)
    assert [r["exact"] for r in exact] == [True, True] and [r["exact"] for r in heuristic] == [False, False]
    assert [r["frustration"] for r in heuristic] == [r["frustration"] for r in exact]


@pytest.mark.parametrize("k", [3, None])
@pytest.mark.parametrize("flip", [0.05, 0.10])
@pytest.mark.parametrize("seed", range(3))
def test_planted_camps_are_recovered(k, flip, seed):
    # Three camps of 20, support inside (half the pairs), opposition across (a fifth), 5-10% flipped.
    G, truth = planted(3, 20, p_in=0.5, p_out=0.2, flip=flip, seed=seed)
    result = camps(G, k)
    assert result["exact"] is False  # 60 actors and hundreds of ties: the heuristic
    assert adjusted_rand(partition_of(result), truth) >= 0.9


def test_the_answer_does_not_depend_on_the_order_of_the_graph(heuristic_only):
    G, _ = planted(3, 8, p_in=0.6, p_out=0.3, flip=0.15, seed=4)
    H = nx.Graph()
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(data=True))))
    assert camps(H) == camps(G) and balance(H) == balance(G)


@PROPERTY
@given(st.integers(min_value=2, max_value=11), st.floats(min_value=0.1, max_value=0.9),
       st.floats(min_value=0.0, max_value=1.0), st.integers(min_value=0, max_value=10 ** 6),
       st.sampled_from([None, 1, 2, 3]), st.booleans())
def test_every_actor_is_in_one_camp_and_the_frustration_is_the_listed_ties(n, p, negative, seed, k, exact):
    G = random_signed(n, p, seed, negative)
    if not exact:
        solver.EXACT_MAX_NODES, limit = 0, solver.EXACT_MAX_NODES
    try:
        results = [camps(G, k, max_camps=4), balance(G)]
    finally:
        if not exact:
            solver.EXACT_MAX_NODES = limit
    for result in results:
        members = [m for c in result["camps"] for m in c["members"]]
        assert sorted(members) == sorted(G) and len(members) == len(set(members))
        camp = partition_of(result)
        listed = {tuple(sorted((r["subject"], r["object"]))) for r in result["frustrated"]}
        assert math.isclose(result["frustration"], sum(G.edges[e]["weight"] for e in listed), abs_tol=1e-6)
        assert math.isclose(result["frustration"], frustration_of(G, camp), abs_tol=1e-6)
    if k is None:  # up to 4 camps, two among them: never worse than balance's two
        assert results[0]["frustration"] <= results[1]["frustration"] + 1e-9
