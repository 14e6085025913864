"""The signed graph of a snapshot: who stands with whom and against whom, and how strongly.

Nodes are actors; a tie joins two actors whichever way the relations between them point.
Which relation types are ties, and of which sign, is the vocabulary's ``sign`` key
(``supports`` +1, ``opposes`` -1; mediates, controls, part_of and lineage are not ties).

**Tie weight.** Each affirming statement behind a tie adds

    confidence × (1 + log2(weight))

with confidence 1.0 when the statement has none and weight (the number of coded events a
dataset statement stands for, e.g. CAMEO's) 1 when it has none. So with no evidence given,
a tie weighs its number of statements. Statements add up because each is a separate report
(the store already merges identical ones); confidence scales a report's share linearly (an
analyst's 0.5 counts half); events count only logarithmically because event counts are
heavy-tailed and repeat the same wire story: 1 event weighs 1, 8 weigh 4, 1,024 weigh 11, so
one dyad of a thousand coded events weighs as much as eleven independent curated statements,
not a thousand. Denials do not subtract: a contested relation counts (flagged ``contested``)
unless ``exclude_contested`` leaves it out.

**Mixed pairs.** When one pair has both positive and negative relations in the snapshot,
the tie is their net: weight positive minus negative, sign of the difference, no tie when
they cancel. Every such pair is listed in ``G.graph["mixed"]`` with both weights and the
statements on each side, so that it is reported rather than silently netted.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from allegiance.model import relation_types

__all__ = ["signed_graph", "statement_weight"]

# Net weights below this are zero: a positive and a negative side that cancel up to float noise.
_ZERO = 1e-9


def signed_graph(relations: Iterable[Mapping[str, Any]], *, evidence: Mapping[str, Mapping[str, Any]] | None = None,
                 exclude_contested: bool = False, fold: str | None = None) -> nx.Graph:
    """The undirected signed graph of the relation rows.

    Parameters
    ----------
    relations : iterable of dict
        Rows of the core ``relations`` query (subject, subject_name, relation, object,
        object_name, statements, contested, ...).
    evidence : dict, optional
        Statement id -> ``{"confidence": float | None, "weight": int | None}``; a statement
        not in it counts 1.
    exclude_contested : bool
        Leave out rows with denials instead of counting them.
    fold : str, optional
        A relation type, e.g. ``"part_of"``: each of its rows makes the subject's ties its
        object's, transitively (a cycle of such rows is one organisation, named by its
        smallest id; a member of several organisations lends its ties to each). Ties that
        fold into one actor are dropped. ``G.graph["folded"]`` maps each folded member to
        the organisations it was folded into.

    Returns
    -------
    G : networkx.Graph
        Nodes are actor ids with a ``name``; only actors with a tie are nodes. Edges carry
        ``sign`` (1 or -1), ``weight`` (> 0), ``statements`` (the ids on the tie's side),
        ``relations`` (every row behind it: subject, relation, object, statements,
        contested) and ``contested`` (any of those rows contested). ``G.graph["mixed"]``
        lists the pairs with relations of both signs.

    Examples
    --------
    >>> rows = [
    ...     {"subject": "a", "subject_name": "A", "relation": "supports", "object": "b", "object_name": "B",
    ...      "statements": ["s1", "s2"], "contested": False},
    ...     {"subject": "b", "subject_name": "B", "relation": "opposes", "object": "a", "object_name": "A",
    ...      "statements": ["s3"], "contested": False},
    ... ]
    >>> G = signed_graph(rows)
    >>> G.edges["a", "b"]["sign"], G.edges["a", "b"]["weight"], G.edges["a", "b"]["statements"]
    (1, 1.0, ['s1', 's2'])
    >>> [(m["pair"], m["positive"], m["negative"]) for m in G.graph["mixed"]]
    [(['a', 'b'], 2.0, 1.0)]
    """
    rows = [r for r in relations if not (exclude_contested and r.get("contested"))]
    signs = {name: t.sign for name, t in relation_types().items() if t.sign}
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row["subject"], row.get("subject_name") or row["subject"])
        names.setdefault(row["object"], row.get("object_name") or row["object"])
    owners = _owners(rows, fold) if fold else {}
    sides: dict[tuple[str, str], dict[int, list[Mapping[str, Any]]]] = defaultdict(lambda: {1: [], -1: []})
    for row in rows:
        sign = signs.get(row["relation"])
        if not sign:
            continue
        for a in owners.get(row["subject"], (row["subject"],)):
            for b in owners.get(row["object"], (row["object"],)):
                if a != b:
                    sides[(a, b) if a < b else (b, a)][sign].append(row)
    G = nx.Graph(mixed=[], folded={m: list(o) for m, o in sorted(owners.items())})
    edges = []
    for pair in sorted(sides):
        by_sign = sides[pair]
        weights = {s: _weight(by_sign[s], evidence) for s in (1, -1)}
        net = weights[1] - weights[-1]
        sign = 0 if abs(net) < _ZERO else 1 if net > 0 else -1
        if by_sign[1] and by_sign[-1]:
            G.graph["mixed"].append({
                "pair": list(pair), "positive": weights[1], "negative": weights[-1], "sign": sign,
                "positive_statements": _ids(by_sign[1]), "negative_statements": _ids(by_sign[-1])})
        if sign:
            behind = sorted(by_sign[1] + by_sign[-1], key=lambda r: (r["subject"], r["relation"], r["object"]))
            edges.append((*pair, {
                "sign": sign, "weight": abs(net), "statements": _ids(by_sign[sign]),
                "relations": [{"subject": r["subject"], "relation": r["relation"], "object": r["object"],
                               "statements": sorted(r["statements"]), "contested": bool(r.get("contested"))}
                              for r in behind],
                "contested": any(r.get("contested") for r in behind)}))
    # Nodes in id order, then edges in pair order: every later step iterates G, and its
    # results must not depend on the order the rows came in.
    G.add_nodes_from(sorted({n for a, b, _ in edges for n in (a, b)}))
    G.add_edges_from(edges)
    for node in G:
        G.nodes[node]["name"] = names.get(node, node)
    return G


def statement_weight(entry: Mapping[str, Any] | None) -> float:
    """What one affirming statement adds to its tie: confidence × (1 + log2(weight)).

    >>> statement_weight(None), statement_weight({"confidence": 0.5, "weight": 8})
    (1.0, 2.0)
    """
    if not entry:
        return 1.0
    confidence = entry.get("confidence")
    events = entry.get("weight")
    confidence = 1.0 if confidence is None else max(0.0, float(confidence))
    events = 1 if events is None else max(1, int(events))
    return confidence * (1.0 + math.log2(events))


def _weight(rows: list[Mapping[str, Any]], evidence: Mapping[str, Mapping[str, Any]] | None) -> float:
    # A statement counts once per tie even when folding brings it in through two rows.
    ids = {s for r in rows for s in r["statements"]}
    return math.fsum(statement_weight(evidence.get(s) if evidence else None) for s in sorted(ids))


def _ids(rows: list[Mapping[str, Any]]) -> list[str]:
    return sorted({s for r in rows for s in r["statements"]})


def _owners(rows: list[Mapping[str, Any]], fold: str) -> dict[str, tuple[str, ...]]:
    """Member -> the organisations its ties count for: the tops of its chains of ``fold`` rows.

    A chain can loop (two sources each calling the other the parent); a loop's members are one
    organisation, named by its smallest id, so the tops are the condensation's sinks.
    """
    D = nx.DiGraph()
    D.add_edges_from((r["subject"], r["object"]) for r in rows if r["relation"] == fold and r["subject"] != r["object"])
    if not D:
        return {}
    C = nx.condensation(D)
    name = {c: min(C.nodes[c]["members"]) for c in C}
    tops: dict[int, set[str]] = {}
    for c in reversed(list(nx.topological_sort(C))):  # successors first
        tops[c] = set().union(*(tops[s] for s in C.successors(c))) if C.out_degree(c) else {name[c]}
    owners = {}
    for node in D:
        top = tuple(sorted(tops[C.graph["mapping"][node]]))
        if top != (node,):
            owners[node] = top
    return owners
