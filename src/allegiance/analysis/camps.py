"""Camps, balance and brokers of a signed graph (see ``signed.py`` for the graph).

A **camp** is a set of actors; a tie is **frustrated** when it is positive between two camps
or negative inside one ("the enemy of my enemy" broken). ``camps`` finds the partition that
frustrates the least weight (Davis's clusterability, solved in ``frustration.py``);
``balance`` the same with two camps at most, which is the frustration index of structural
balance theory (Harary), and counts balanced triangles; ``brokers`` names the actors whose
ties reach into several camps.

Camps are found in each **group** of actors joined by a path of ties, on its own: ties say
nothing about two actors with no path between them, so a group's camps never hold actors of
another. A number of camps (``k``) is the number in each group (a smaller group gets one
camp per actor at most). Camps are numbered 1, 2, ... by size, largest first, then by their
smallest actor id, over all groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from allegiance.analysis.frustration import frustration, solve

__all__ = ["BETWEENNESS_EXACT_MAX", "MAX_CAMPS", "balance", "brokers", "camps", "partition"]

MAX_CAMPS = 6  # camps tried per group when the number is chosen from the data
# Exact betweenness costs actors x ties: above this many actors it is estimated from a fixed
# sample of source actors (networkx's k and seed), so it stays the same from run to run.
BETWEENNESS_EXACT_MAX, BETWEENNESS_SAMPLES, BETWEENNESS_SEED = 2000, 500, 20200510
_EPS = 1e-9


def _groups(G: nx.Graph) -> list[list[str]]:
    return sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: c[0])


def _edges(G: nx.Graph, members: list[str], weight: str | None) -> list[tuple[int, int, float]]:
    at = {node: i for i, node in enumerate(members)}
    return [(at[a], at[b], d["sign"] * (d[weight] if weight else 1.0))
            for a, b, d in sorted(G.subgraph(members).edges(data=True), key=lambda e: sorted(e[:2]))]


def _frustrated(G: nx.Graph, where: Mapping[str, int], weight: str | None) -> tuple[list[dict[str, Any]], float]:
    """The rows behind every frustrated tie, and the frustrated weight."""
    rows, total = [], 0.0
    for a, b, d in sorted(G.edges(data=True), key=lambda e: sorted(e[:2])):
        if (where[a] == where[b]) != (d["sign"] > 0):
            total += d[weight] if weight else 1.0
            for r in d["relations"]:
                rows.append({"subject": r["subject"], "relation": r["relation"], "object": r["object"],
                             "statements": r["statements"], "contested": r["contested"],
                             "tie": "positive" if d["sign"] > 0 else "negative", "weight": round(d["weight"], 6)})
    return rows, round(total, 6)


def camps(G: nx.Graph, k: int | None = None, *, max_camps: int = MAX_CAMPS, weight: str | None = "weight") -> dict:
    """The partition of the actors into camps that frustrates the least weight.

    Parameters
    ----------
    G : networkx.Graph
        A signed graph (``signed_graph``): edges with ``sign`` and ``weight``.
    k : int, optional
        Camps per group. None: for each group, the fewest of 1 to ``max_camps`` camps whose
        best partition frustrates the least.
    weight : str or None
        The edge attribute to weigh ties by; None counts ties.

    Returns
    -------
    dict
        ``camps`` (``{"camp", "group", "members"}``), ``frustrated`` (the rows behind each
        frustrated tie: subject, relation, object, statements, contested, tie, weight),
        ``frustration`` (their weight), ``exact`` (every group solved to proven optimality),
        ``chosen`` (how the number was chosen) and ``groups`` (per group: its actors, the
        frustration for each number tried, the number taken, exact).

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", sign=1, weight=1.0, relations=[])
    >>> G.add_edge("b", "c", sign=-1, weight=1.0, relations=[])
    >>> [c["members"] for c in camps(G)["camps"]], camps(G)["frustration"]
    ([['a', 'b'], ['c']], 0.0)
    """
    if k is not None and k < 1:
        raise ValueError("k must be at least 1")
    found: list[tuple[int, list[str]]] = []
    groups, exact = [], True
    for number, members in enumerate(_groups(G), start=1):
        edges = _edges(G, members, weight)
        tried: dict[int, float] = {}
        best: tuple[list[int], bool, float] | None = None
        for camps_here in ([k] if k is not None else range(1, min(max_camps, len(members)) + 1)):
            labels, proven = solve(len(members), edges, camps_here)
            cost = frustration(edges, labels)
            tried[camps_here] = round(cost, 6)
            if best is None or cost < best[2] - _EPS:
                best = (labels, proven, cost)
            if cost < _EPS:
                break  # no frustration left: more camps cannot do better
        assert best is not None
        labels, proven, _ = best
        exact = exact and proven
        for label in sorted(set(labels)):
            found.append((number, [m for m, c in zip(members, labels, strict=True) if c == label]))
        groups.append({"group": number, "actors": len(members), "tried": {str(n): f for n, f in tried.items()},
                       "camps": len(set(labels)), "exact": proven})
    found.sort(key=lambda item: (-len(item[1]), item[1][0]))
    result_camps = [{"camp": n, "group": g, "members": m} for n, (g, m) in enumerate(found, start=1)]
    where = partition({"camps": result_camps})
    frustrated, total = _frustrated(G, where, weight)
    chosen = (f"{k} camp(s) per group of actors joined by ties, as asked" if k is not None else
              f"per group of actors joined by ties, the fewest camps (1 to {max_camps} tried) whose best partition "
              "frustrates the least weight of ties")
    return {"camps": result_camps, "frustrated": frustrated, "frustration": total, "exact": exact,
            "chosen": chosen, "groups": groups}


def partition(result: Mapping[str, Any]) -> dict[str, int]:
    """Actor id -> camp number, from a ``camps`` result."""
    return {m: c["camp"] for c in result["camps"] for m in c["members"]}


def balance(G: nx.Graph, *, weight: str | None = "weight") -> dict:
    """Structural balance: the frustration index (two camps at most) and the triangles.

    ``frustration`` is the least weight of ties whose removal leaves the graph balanced
    (every cycle with an even number of negative ties), ``exact`` whether that is proven (a
    group too large for the exact program gets an upper bound), ``triangles`` how many
    triangles have a positive product of signs (balanced) and how many not, and
    ``frustrated`` the rows behind the ties a best two-camp partition frustrates.

    Examples
    --------
    >>> G = nx.Graph()
    >>> for a, b, s in [("a", "b", 1), ("b", "c", 1), ("a", "c", -1)]:
    ...     G.add_edge(a, b, sign=s, weight=1.0, relations=[])
    >>> r = balance(G)
    >>> r["frustration"], r["triangles"]
    (1.0, {'balanced': 0, 'unbalanced': 1})
    """
    result = camps(G, 2, weight=weight)
    return {"frustration": result["frustration"], "exact": result["exact"], "triangles": triangles(G),
            "frustrated": result["frustrated"], "camps": result["camps"]}


def triangles(G: nx.Graph) -> dict[str, int]:
    """Balanced and unbalanced triangles: a triangle is balanced when the product of its
    three signs is positive (all friends, or two friends with a common enemy)."""
    order = {node: i for i, node in enumerate(sorted(G))}
    balanced = unbalanced = 0
    for a, b in G.edges():
        if order[a] > order[b]:
            a, b = b, a
        for c in set(G[a]) & set(G[b]):
            if order[c] > order[b]:
                product = G[a][b]["sign"] * G[b][c]["sign"] * G[a][c]["sign"]
                balanced, unbalanced = (balanced + 1, unbalanced) if product > 0 else (balanced, unbalanced + 1)
    return {"balanced": balanced, "unbalanced": unbalanced}


def brokers(G: nx.Graph, where: Mapping[str, int]) -> list[dict[str, Any]]:
    """The actors whose ties reach into two camps or more, most central first.

    Two measures, both on the ties whatever their sign: **betweenness** (the share of
    shortest paths between other actors that pass through the actor, networkx's
    ``betweenness_centrality``, normalized), which finds the actors that join otherwise
    distant parts of the graph; and **participation** (Guimerà and Amaral's participation
    coefficient, 1 - sum over camps of (ties into the camp / ties)^2), which is 0 for an
    actor whose ties all stay in one camp and grows as they spread evenly over camps. Rows
    are sorted by betweenness, then participation, then id.

    Returns
    -------
    list of dict
        ``actor``, ``name``, ``camp``, ``betweenness``, ``participation``, ``camps_reached``,
        ``betweenness_sampled`` and ``ties``: camp number -> the ties into it (``actor``, ``sign``, ``statements``).
    """
    sampled = G.number_of_nodes() > BETWEENNESS_EXACT_MAX
    centrality = nx.betweenness_centrality(G, normalized=True, k=BETWEENNESS_SAMPLES if sampled else None,
                                           seed=BETWEENNESS_SEED if sampled else None)
    rows = []
    for actor in sorted(G):
        ties: dict[int, list[dict[str, Any]]] = {}
        for other in sorted(G[actor]):
            d = G[actor][other]
            ties.setdefault(where[other], []).append({"actor": other, "sign": d["sign"], "statements": d["statements"]})
        if len(ties) < 2:
            continue
        degree = sum(len(t) for t in ties.values())
        participation = 1.0 - sum((len(t) / degree) ** 2 for t in ties.values())
        rows.append({"actor": actor, "name": G.nodes[actor].get("name", actor), "camp": where[actor],
                     "betweenness": round(centrality[actor], 6), "participation": round(participation, 6),
                     "camps_reached": len(ties), "betweenness_sampled": sampled,
                     "ties": {str(c): ties[c] for c in sorted(ties)}})
    rows.sort(key=lambda r: (-r["betweenness"], -r["participation"], r["actor"]))
    return rows
