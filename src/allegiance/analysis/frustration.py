"""Partitions of a signed graph that frustrate the least weight, exactly or by local search.

A tie is frustrated when it is positive between two camps or negative inside one; the
frustration of a partition is the weight of its frustrated ties. One connected group of
actors at a time (``solve``): frustration adds up over the groups, so the best partition of
a graph is the best partition of each of its groups.

**Exact**, up to the size limits below (actors and ties in a group): a
binary program solved by HiGHS through ``scipy.optimize.milp`` to a zero gap. x[i, c] = 1
puts actor i in camp c (one camp each); a variable per tie is at least 1 when the tie is
frustrated (positive: x[i, c] - x[j, c] for some c; negative: x[i, c] + x[j, c] - 1), and the
objective is their weighted sum. Camps are interchangeable, so actor i may only open camp c
when camp c - 1 already has an actor before it: each partition has one encoding, which
keeps the search from visiting the same partition k! times.

The limits are sizes, never a time limit, so that the answer does not depend on the
machine. The program's camps are interchangeable and it grows with the number of camps, so
there are two: ``EXACT_MAX_NODES_2``/``EXACT_MAX_EDGES_2`` for two camps (the balance
question) and ``EXACT_MAX_NODES``/``EXACT_MAX_EDGES`` for more. ``scripts/bench_frustration.py``
measures them on random signed graphs (half the ties negative, nothing to find: the hardest
case we know) and on graphs with three planted camps and 10% noise. On the 2-core
development machine (load average about 2): two camps at 40 actors and 120 ties took a
median 1.1 s (random) and 0.9 s (planted), at most 1.4 s; six camps at 16 actors and 48 ties
a median 2.0 s (random) and 0.4 s (planted), and at 30 actors and 90 ties 20 s, which is why
the limit for more camps is so much lower.

**Heuristic**, above the limits: greedy placement in breadth-first order from several fixed
starts (the strongest actor first, then orders drawn from a seeded generator), each followed
by local moves (an actor moves to the camp its ties pull it to most, until no move lowers
the frustration), as in Doreian and Mrvar's signed blockmodelling; the best is kept. It is
deterministic (fixed seed, fixed orders) and gives an upper bound.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

EXACT_MAX_NODES_2, EXACT_MAX_EDGES_2 = 40, 120  # two camps
EXACT_MAX_NODES, EXACT_MAX_EDGES = 16, 48  # three camps or more
# Heuristic starts beyond the first, drawn from this seed; and a bound on the sweeps of
# local moves (each sweep lowers the frustration, so this is only a guard).
HEURISTIC_STARTS = 8
HEURISTIC_SEED = 20200510
MAX_SWEEPS = 200
_EPS = 1e-9

Edge = tuple[int, int, float]  # two actor indices and the signed weight of their tie


def solve(n: int, edges: Sequence[Edge], k: int, *, exactly: bool = False,
          warm: Sequence[int] | None = None) -> tuple[list[int], bool]:
    """Camp labels (0..k-1) of actors 0..n-1 of one connected group with the least
    frustration in at most ``k`` camps (exactly ``min(k, n)`` with ``exactly``), and
    whether they are proven optimal. ``warm``: a partition the heuristic also starts from."""
    k = max(1, min(k, n))
    if k == 1:
        return [0] * n, True
    nodes, ties = (EXACT_MAX_NODES_2, EXACT_MAX_EDGES_2) if k == 2 else (EXACT_MAX_NODES, EXACT_MAX_EDGES)
    if n <= nodes and len(edges) <= ties:
        labels = _exact(n, edges, k, exactly)
        if labels is not None:
            return labels, True
    return _heuristic(n, edges, k, exactly, warm), False


def frustration(edges: Sequence[Edge], labels: Sequence[int]) -> float:
    """The weight of the ties ``labels`` frustrate."""
    return float(sum(abs(w) for i, j, w in edges if (labels[i] == labels[j]) != (w > 0)))


# -- the binary program -------------------------------------------------------------
def _exact(n: int, edges: Sequence[Edge], k: int, exactly: bool) -> list[int] | None:
    m = len(edges)
    nvars = n * k + m

    def x(i: int, c: int) -> int:
        return i * k + c

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def constraint(terms: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(lower)
        for col, val in terms:
            rows.append(r)
            cols.append(col)
            vals.append(val)
        lower.append(lo)
        upper.append(hi)

    for i in range(n):
        constraint([(x(i, c), 1.0) for c in range(k)], 1.0, 1.0)
    for e, (i, j, w) in enumerate(edges):
        z = n * k + e
        for c in range(k):
            if w > 0:  # split: z >= x[i, c] - x[j, c]
                constraint([(x(i, c), 1.0), (x(j, c), -1.0), (z, -1.0)], -np.inf, 0.0)
            else:  # together: z >= x[i, c] + x[j, c] - 1
                constraint([(x(i, c), 1.0), (x(j, c), 1.0), (z, -1.0)], -np.inf, 1.0)
    # One encoding per partition: camps are opened in order of their first actor.
    for i in range(1, n):
        for c in range(1, min(i, k - 1) + 1):
            constraint([(x(i, c), 1.0)] + [(x(p, c - 1), -1.0) for p in range(i)], -np.inf, 0.0)
    if exactly:  # with camps opened in order, the last one used means all are
        constraint([(x(i, k - 1), 1.0) for i in range(n)], 1.0, np.inf)
    cost = np.zeros(nvars)
    cost[n * k:] = [abs(w) for _, _, w in edges]
    ub = np.ones(nvars)
    for i in range(n):
        ub[x(i, i + 1):x(i, k)] = 0.0  # actor i can be at most in camp i
    integrality = np.zeros(nvars)
    integrality[:n * k] = 1
    A = sparse.csr_array((vals, (rows, cols)), shape=(len(lower), nvars))
    result = milp(cost, integrality=integrality, bounds=Bounds(np.zeros(nvars), ub),
                  constraints=LinearConstraint(A, lower, upper), options={"mip_rel_gap": 0.0})
    if result.status != 0:
        return None
    chosen = np.asarray(result.x[:n * k]).reshape(n, k)
    return [int(c) for c in np.argmax(chosen, axis=1)]


# -- the heuristic ------------------------------------------------------------------
def _heuristic(n: int, edges: Sequence[Edge], k: int, exactly: bool, warm: Sequence[int] | None) -> list[int]:
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    strength = [0.0] * n
    for i, j, w in edges:
        adj[i].append((j, w))
        adj[j].append((i, w))
        strength[i] += abs(w)
        strength[j] += abs(w)
    for neighbours in adj:
        neighbours.sort()
    rng = random.Random(HEURISTIC_SEED)  # noqa: S311 - reproducible starts, not secrecy
    roots = [max(range(n), key=lambda i: (strength[i], -i))]
    roots += [rng.randrange(n) for _ in range(HEURISTIC_STARTS)]
    starts: list[list[int]] = [list(warm)] if warm is not None else []
    for number, root in enumerate(roots):
        starts.append(_greedy(_bfs_order(adj, root, rng if number else None), adj, k))
    best: list[int] | None = None
    best_cost = np.inf
    for labels in starts:
        if exactly:
            _fill(labels, adj, k)
        _local_moves(labels, adj, k, exactly)
        cost = frustration(edges, labels)
        if cost < best_cost - _EPS:
            best, best_cost = labels, cost
    assert best is not None
    return best


def _bfs_order(adj: list[list[tuple[int, float]]], root: int, rng: random.Random | None) -> list[int]:
    """Breadth-first from ``root``, neighbours in index order or shuffled by ``rng``."""
    seen = [False] * len(adj)
    seen[root] = True
    order, queue = [], deque([root])
    while queue:
        i = queue.popleft()
        order.append(i)
        neighbours = [j for j, _ in adj[i] if not seen[j]]
        if rng is not None:
            rng.shuffle(neighbours)
        for j in neighbours:
            if not seen[j]:
                seen[j] = True
                queue.append(j)
    order += [i for i in range(len(adj)) if not seen[i]]  # a group is connected, but be safe
    return order


def _greedy(order: list[int], adj: list[list[tuple[int, float]]], k: int) -> list[int]:
    """Each actor into the camp its placed ties pull it to most; into a new camp while
    there is one to open and every open camp repels it."""
    labels = [-1] * len(adj)
    opened = 0
    for i in order:
        pull = [0.0] * max(opened, 1)
        for j, w in adj[i]:
            if labels[j] >= 0:
                pull[labels[j]] += w
        best = max(range(len(pull)), key=pull.__getitem__)
        if opened == 0 or (pull[best] < -_EPS and opened < k):
            labels[i] = opened
            opened += 1
        else:
            labels[i] = best
    return labels


def _fill(labels: list[int], adj: list[list[tuple[int, float]]], k: int) -> None:
    """Open empty camps until there are ``k``, each time moving the actor that costs least."""
    n = len(labels)
    while len(set(labels)) < min(k, n):
        sizes = np.bincount(labels, minlength=k)
        empty = int(np.flatnonzero(sizes == 0)[0])
        own = [sum(w for j, w in adj[i] if labels[j] == labels[i]) for i in range(n)]
        i = min((i for i in range(n) if sizes[labels[i]] > 1), key=lambda i: (own[i], i))
        labels[i] = empty


def _local_moves(labels: list[int], adj: list[list[tuple[int, float]]], k: int, exactly: bool) -> None:
    """Move actors, one at a time, to the camp that lowers the frustration most, until none
    does. pull[i][c] is the signed weight of i's ties into camp c; moving i from a to b
    lowers the frustration by pull[i][b] - pull[i][a]."""
    n = len(labels)
    pull = [[0.0] * k for _ in range(n)]
    for i in range(n):
        row = pull[i]
        for j, w in adj[i]:
            row[labels[j]] += w
    sizes = [0] * k
    for c in labels:
        sizes[c] += 1
    camps = range(k)
    for _ in range(MAX_SWEEPS):
        moved = False
        for i in range(n):
            a = labels[i]
            if exactly and sizes[a] == 1:
                continue
            row = pull[i]
            b = max(camps, key=row.__getitem__)
            if row[b] <= row[a] + _EPS:
                continue
            labels[i] = b
            sizes[a] -= 1
            sizes[b] += 1
            for j, w in adj[i]:
                pull[j][a] -= w
                pull[j][b] += w
            moved = True
        if not moved:
            return
