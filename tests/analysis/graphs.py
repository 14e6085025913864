"""Signed graphs made by hand or drawn from a seed, and brute-force answers to check against."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from math import comb

import networkx as nx


def graph(ties: list[tuple[str, str, int]], weights: dict[tuple[str, str], float] | None = None) -> nx.Graph:
    """A signed graph of (a, b, sign) ties, each with one made-up statement per tie."""
    G = nx.Graph()
    G.add_nodes_from(sorted({n for a, b, _ in ties for n in (a, b)}))
    for a, b, sign in ties:
        relation = "supports" if sign > 0 else "opposes"
        statement = f"{a}-{b}"
        G.add_edge(a, b, sign=sign, weight=(weights or {}).get((a, b), 1.0), statements=[statement],
                   relations=[{"subject": a, "relation": relation, "object": b, "statements": [statement],
                               "contested": False}])
    return G


def hostile_groups(groups: int, size: int) -> nx.Graph:
    """Groups allied inside (all pairs), each hostile to every other (all pairs)."""
    names = [[f"g{g}m{i}" for i in range(size)] for g in range(groups)]
    ties = [(a, b, 1) for members in names for a, b in itertools.combinations(members, 2)]
    ties += [(a, b, -1) for one, other in itertools.combinations(names, 2) for a in one for b in other]
    return graph(ties)


def planted(groups: int, size: int, p_in: float, p_out: float, flip: float, seed: int) -> tuple[nx.Graph, dict[str, int]]:
    """Planted camps: support inside with probability p_in, opposition across with p_out,
    a share ``flip`` of the ties with the other sign."""
    rng = random.Random(seed)
    truth = {f"a{i:03d}": i // size for i in range(groups * size)}
    ties = []
    for a, b in itertools.combinations(sorted(truth), 2):
        same = truth[a] == truth[b]
        if rng.random() < (p_in if same else p_out):
            sign = 1 if same else -1
            ties.append((a, b, -sign if rng.random() < flip else sign))
    return graph(ties), truth


def random_signed(n: int, p: float, seed: int, negative: float = 0.5) -> nx.Graph:
    """A random signed graph on n actors (G(n, p)), with integer-ish weights."""
    rng = random.Random(seed)
    ties = [(f"n{a:02d}", f"n{b:02d}", -1 if rng.random() < negative else 1)
            for a, b in itertools.combinations(range(n), 2) if rng.random() < p]
    return graph(ties, {(a, b): float(rng.randint(1, 3)) for a, b, _ in ties})


def frustration_of(G: nx.Graph, camp: dict[str, int]) -> float:
    return sum(d["weight"] for u, v, d in G.edges(data=True) if (camp[u] == camp[v]) != (d["sign"] > 0))


def brute_force(G: nx.Graph, k: int) -> float:
    """The least frustration with at most k camps, by trying every partition."""
    nodes = sorted(G)
    best = float("inf")
    for labels in _growth_strings(len(nodes), k):
        best = min(best, frustration_of(G, dict(zip(nodes, labels, strict=True))))
    return best


def _growth_strings(n: int, k: int):
    """Every partition of n items into at most k blocks, once each (restricted growth strings)."""
    def extend(prefix: list[int], top: int):
        if len(prefix) == n:
            yield prefix
            return
        for c in range(min(top + 2, k)):
            yield from extend([*prefix, c], max(top, c))
    yield from extend([0], 0) if n else iter([[]])


def adjusted_rand(a: dict[str, int], b: dict[str, int]) -> float:
    keys = sorted(a)
    pairs = Counter((a[x], b[x]) for x in keys)
    index = sum(comb(v, 2) for v in pairs.values())
    rows = sum(comb(v, 2) for v in Counter(a[x] for x in keys).values())
    cols = sum(comb(v, 2) for v in Counter(b[x] for x in keys).values())
    expected = rows * cols / comb(len(keys), 2)
    return (index - expected) / ((rows + cols) / 2 - expected)
