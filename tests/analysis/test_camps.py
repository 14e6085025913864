"""Camps, balance and brokers on hand-made signed graphs with known answers, and properties."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allegiance.analysis import frustration
from allegiance.analysis.camps import balance, brokers, camps, partition, triangles


def graph(*ties: tuple[str, str, int], weight: float = 1.0) -> nx.Graph:
    G = nx.Graph()
    for a, b, sign in ties:
        G.add_edge(a, b, sign=sign, weight=weight, statements=[f"{a}-{b}"],
                   relations=[{"subject": a, "relation": "supports" if sign > 0 else "opposes", "object": b,
                               "statements": [f"{a}-{b}"], "contested": False}])
    return G


def members(result) -> list[list[str]]:
    return [c["members"] for c in result["camps"]]


def test_a_balanced_two_camp_graph_has_no_frustration():
    G = graph(("a", "b", 1), ("c", "d", 1), ("a", "c", -1), ("b", "d", -1), ("a", "d", -1))
    result = camps(G)
    assert members(result) == [["a", "b"], ["c", "d"]]
    assert (result["frustration"], result["frustrated"], result["exact"]) == (0.0, [], True)
    assert result["groups"][0]["tried"] == {"1": 3.0, "2": 0.0}  # stops once nothing is frustrated
    assert balance(G)["triangles"] == {"balanced": 2, "unbalanced": 0}


def test_a_triangle_with_one_negative_tie_frustrates_one_tie():
    G = graph(("a", "b", 1), ("b", "c", 1), ("a", "c", -1))
    result = balance(G)
    assert result["frustration"] == 1.0 and result["exact"]
    assert result["triangles"] == {"balanced": 0, "unbalanced": 1}
    assert len(result["frustrated"]) == 1
    tie = result["frustrated"][0]
    assert (tie["statements"], tie["tie"]) in ((["a-b"], "positive"), (["b-c"], "positive"), (["a-c"], "negative"))


def test_three_mutually_hostile_groups_are_three_camps_but_not_balanced():
    groups = [("a1", "a2"), ("b1", "b2"), ("c1", "c2")]
    ties = [(x, y, 1) for x, y in groups]
    ties += [(x, y, -1) for g, h in itertools.combinations(groups, 2) for x in g for y in h]
    G = graph(*ties)
    result = camps(G)
    assert sorted(members(result)) == [["a1", "a2"], ["b1", "b2"], ["c1", "c2"]]
    assert result["frustration"] == 0.0
    assert balance(G)["frustration"] > 0  # two camps cannot hold three enemies apart
    assert members(camps(G, 2)) != members(result)


def test_a_fixed_number_of_camps_and_weights():
    G = graph(("a", "b", 1), ("b", "c", 1), ("a", "c", -1))
    G["a"]["c"]["weight"] = 5.0  # the opposition is well documented: the support it contradicts gives way
    result = camps(G, 2)
    assert result["frustration"] == 1.0 and len(result["camps"]) == 2
    assert camps(G, 2, weight=None)["frustration"] == 1.0  # counted, every tie is 1
    assert camps(G, 1)["frustration"] == 5.0
    with pytest.raises(ValueError, match="k must be at least 1"):
        camps(G, 0)


def test_unconnected_groups_get_camps_of_their_own_numbered_by_size():
    G = graph(("a", "b", 1), ("b", "c", 1), ("x", "y", -1))
    result = camps(G)
    assert [(c["camp"], c["group"], c["members"]) for c in result["camps"]] == \
        [(1, 1, ["a", "b", "c"]), (2, 2, ["x"]), (3, 2, ["y"])]


def test_brokers_have_ties_into_two_camps():
    G = graph(("a", "b", 1), ("c", "d", 1), ("a", "c", -1), ("b", "m", 1), ("m", "d", 1), ("b", "d", -1))
    where = partition(camps(G))
    rows = brokers(G, where)
    assert rows and rows[0]["actor"] in {"b", "d", "m"}
    for row in rows:
        assert row["camps_reached"] == len(row["ties"]) >= 2 and 0 < row["participation"] < 1
    assert "m" in {r["actor"] for r in rows}  # it backs both b and d, who are in two camps
    assert not any(r["betweenness_sampled"] for r in rows)


def test_betweenness_is_sampled_on_large_graphs_the_same_every_time(monkeypatch):
    from allegiance.analysis import camps as module

    G = graph(*[(f"a{i}", f"a{i + 1}", 1 if i % 3 else -1) for i in range(40)], ("a0", "a20", 1), ("a5", "a30", -1))
    where = partition(camps(G))
    exact = brokers(G, where)
    monkeypatch.setattr(module, "BETWEENNESS_EXACT_MAX", 10)
    monkeypatch.setattr(module, "BETWEENNESS_SAMPLES", 8)
    sampled, again = brokers(G, where), brokers(G, where)
    assert sampled == again and all(r["betweenness_sampled"] for r in sampled)
    assert [r["actor"] for r in sampled] != [] and {r["actor"] for r in sampled} == {r["actor"] for r in exact}
    assert [r["betweenness"] for r in sampled] != [r["betweenness"] for r in exact]  # an estimate, not the value


def test_the_heuristic_agrees_with_the_exact_program_on_small_graphs(monkeypatch):
    G = graph(("a", "b", 1), ("b", "c", -1), ("c", "d", 1), ("d", "a", -1), ("a", "c", -1), ("b", "e", 1),
              ("e", "f", -1), ("f", "c", 1))
    exact = camps(G)
    monkeypatch.setattr(frustration, "EXACT_MAX_NODES", 0)
    monkeypatch.setattr(frustration, "EXACT_MAX_NODES_2", 0)
    heuristic = camps(G)
    assert (exact["exact"], heuristic["exact"]) == (True, False)
    assert heuristic["frustration"] == exact["frustration"]


@st.composite
def signed_graphs(draw):
    n = draw(st.integers(2, 9))
    pairs = [(f"n{i}", f"n{j}") for i, j in itertools.combinations(range(n), 2)]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, unique=True))
    G = nx.Graph()
    for a, b in chosen:
        w = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))
        s = draw(st.sampled_from([1, -1]))
        G.add_edge(a, b, sign=s, weight=w, statements=[f"{a}{b}"],
                   relations=[{"subject": a, "relation": "x", "object": b, "statements": [f"{a}{b}"],
                               "contested": False}])
    return G


@settings(max_examples=60, deadline=None)
@given(signed_graphs())
def test_properties_of_a_partition(G):
    result = camps(G)
    placed = [m for c in result["camps"] for m in c["members"]]
    assert sorted(placed) == sorted(G) and len(placed) == len(set(placed))  # each actor in exactly one camp
    listed = {(r["subject"], r["object"]): r["weight"] for r in result["frustrated"]}
    assert result["frustration"] == pytest.approx(sum(listed.values()))
    where = partition(result)
    frustrated = {(a, b) for a, b, d in G.edges(data=True) if (where[a] == where[b]) != (d["sign"] > 0)}
    assert {tuple(sorted(p)) for p in listed} == {tuple(sorted(p)) for p in frustrated}
    two = balance(G)
    assert two["frustration"] >= result["frustration"] - 1e-9  # more camps never frustrate more
    t = triangles(G)
    assert t["balanced"] + t["unbalanced"] == sum(nx.triangles(G).values()) // 3
    if t["unbalanced"]:
        assert two["frustration"] > 0  # an unbalanced triangle cannot be split into two camps
