#!/usr/bin/env python3
"""How long the camps' exact binary program takes at its size limits (analysis/frustration.py).

    python scripts/bench_frustration.py [--seeds 5]

Random signed graphs, half the ties negative (no camps to find: the hardest case we know),
and graphs with three planted camps and 10% noise, for 2 and 6 camps, at a size given by
--nodes and --edges (by default the limit for more than two camps; the two-camp limit is
EXACT_MAX_NODES_2 and EXACT_MAX_EDGES_2). Prints seconds per solve; the limits are sizes, so answers never depend on this.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from allegiance.analysis.frustration import EXACT_MAX_EDGES, EXACT_MAX_NODES, _exact


def graph(seed: int, planted: bool, n: int, m: int) -> list[tuple[int, int, float]]:
    rng = random.Random(seed)
    camp = [rng.randrange(3) for _ in range(n)]
    pairs = set()
    while len(pairs) < m:
        a, b = sorted(rng.sample(range(n), 2))
        pairs.add((a, b))
    edges = []
    for a, b in sorted(pairs):
        if planted:
            sign = 1 if camp[a] == camp[b] else -1
            sign = -sign if rng.random() < 0.1 else sign  # 10% noise
        else:
            sign = rng.choice([1, -1])
        edges.append((a, b, sign * rng.choice([1.0, 2.0, 3.0])))
    return edges


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--nodes", type=int, default=EXACT_MAX_NODES)
    ap.add_argument("--edges", type=int, default=EXACT_MAX_EDGES)
    args = ap.parse_args()
    print(f"{args.nodes} actors, {args.edges} ties, {len(os.sched_getaffinity(0))} cores, "
          f"load average {os.getloadavg()[0]:.2f}")
    for planted in (True, False):
        for k in (2, 6):
            times = []
            for seed in range(args.seeds):
                edges = graph(seed, planted, args.nodes, args.edges)
                start = time.perf_counter()
                assert _exact(args.nodes, edges, k, False) is not None
                times.append(time.perf_counter() - start)
            print(f"{'planted' if planted else 'random '} k={k}: median {statistics.median(times):.2f} s, "
                  f"max {max(times):.2f} s over {args.seeds} graphs")


if __name__ == "__main__":
    main()
