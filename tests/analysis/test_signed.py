"""The signed graph of relation rows: signs from the vocabulary, weights from evidence, fold."""

from __future__ import annotations

import math

from allegiance.analysis.signed import signed_graph, statement_weight


def row(subject, relation, obj, statements, contested=False):
    return {"subject": subject, "subject_name": subject.upper(), "relation": relation, "object": obj,
            "object_name": obj.upper(), "start": None, "end": None, "kinds": [], "sources": [],
            "statements": statements, "denials": ["d"] if contested else [], "contested": contested}


def test_signs_come_from_the_vocabulary_and_only_actors_with_ties_are_placed():
    G = signed_graph([row("a", "supports", "b", ["s1"]), row("c", "opposes", "a", ["s2"]),
                      row("m", "mediates", "a", ["s3"]), row("x", "controls", "place", ["s4"]),
                      row("y", "part_of", "a", ["s5"])])
    assert sorted(G) == ["a", "b", "c"] and G.nodes["a"]["name"] == "A"
    assert (G["a"]["b"]["sign"], G["a"]["c"]["sign"]) == (1, -1)


def test_weights_from_confidence_and_event_counts():
    evidence = {"s1": {"confidence": 0.5, "weight": None}, "s2": {"confidence": None, "weight": 1024}}
    G = signed_graph([row("a", "supports", "b", ["s1", "s2", "s3"])], evidence=evidence)
    assert math.isclose(G["a"]["b"]["weight"], 0.5 + 11 + 1)
    assert statement_weight({"confidence": 0.9, "weight": 1}) == 0.9


def test_both_directions_and_both_signs_make_one_net_tie_reported_as_mixed():
    G = signed_graph([row("a", "supports", "b", ["s1", "s2"]), row("b", "supports", "a", ["s3"]),
                      row("b", "opposes", "a", ["s4"])])
    assert (G["a"]["b"]["sign"], G["a"]["b"]["weight"], G["a"]["b"]["statements"]) == (1, 2.0, ["s1", "s2", "s3"])
    assert G.graph["mixed"] == [{"pair": ["a", "b"], "positive": 3.0, "negative": 1.0, "sign": 1,
                                 "positive_statements": ["s1", "s2", "s3"], "negative_statements": ["s4"]}]
    even = signed_graph([row("a", "supports", "b", ["s1"]), row("a", "opposes", "b", ["s2"])])
    assert even.number_of_edges() == 0 and even.graph["mixed"][0]["sign"] == 0  # they cancel: no tie


def test_contested_relations_count_unless_excluded():
    rows = [row("a", "supports", "b", ["s1"], contested=True), row("a", "opposes", "c", ["s2"])]
    assert signed_graph(rows)["a"]["b"]["contested"] is True
    assert not signed_graph(rows, exclude_contested=True).has_edge("a", "b")


def test_fold_counts_a_members_ties_as_its_organisations():
    rows = [row("haftar", "part_of", "lna", ["p1"]), row("lna-unit", "part_of", "haftar", ["p2"]),
            row("uae", "supports", "haftar", ["s1"]), row("lna-unit", "opposes", "gna", ["s2"]),
            row("haftar", "supports", "lna", ["s3"])]
    G = signed_graph(rows, fold="part_of")
    assert sorted(G.edges) == [("gna", "lna"), ("lna", "uae")]  # the member's tie to its own organisation is gone
    assert G.graph["folded"] == {"haftar": ["lna"], "lna-unit": ["lna"]}
    loop = signed_graph([row("a", "part_of", "b", ["p1"]), row("b", "part_of", "a", ["p2"]),
                         row("x", "supports", "b", ["s1"])], fold="part_of")
    assert list(loop.edges) == [("a", "x")]  # a loop of part_of is one organisation, named by its smallest id
