"""Camps over time: the same camp keeps its number from step to step, and who switched.

``track`` takes the camps found at each step and renumbers them so that a camp keeps its
number while its membership mostly stays: the camps of two steps are matched to maximise
the actors they share (``scipy.optimize.linear_sum_assignment``), and a match holds only
when the camps share more than half of the earlier camp's actors. A camp with no match
takes the next number never used. An actor in both steps whose camp number changed has
**switched**; the statements that moved it are those of its ties that one step has and the
other has not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["track"]


def _renumber(previous: list[dict[str, Any]], current: list[dict[str, Any]], fresh: int) -> tuple[dict[int, int], int]:
    """Current camp number -> its number in the series; ``fresh`` is the next unused one."""
    mapping: dict[int, int] = {}
    if previous and current:
        shared = np.array([[len(set(p["members"]) & set(c["members"])) for c in current] for p in previous])
        for i, j in zip(*linear_sum_assignment(-shared), strict=True):
            if shared[i, j] * 2 > len(previous[i]["members"]):
                mapping[current[j]["camp"]] = previous[i]["camp"]
    for camp in current:
        if camp["camp"] not in mapping:
            mapping[camp["camp"]] = fresh
            fresh += 1
    return mapping, fresh


def _ties(G: nx.Graph, actor: str) -> set[str]:
    return {s for other in G[actor] for s in G[actor][other]["statements"]} if actor in G else set()


def track(steps: Sequence[tuple[str | None, dict[str, Any], nx.Graph]]) -> dict[str, Any]:
    """Camps at each step, numbered as a series, and the actors that switched camps.

    Parameters
    ----------
    steps : sequence of (as_of, result, G)
        In time order: the date, a ``camps`` result and the signed graph it came from.

    Returns
    -------
    dict
        ``steps``: each result with its ``as_of`` and camp numbers of the series;
        ``switches``: ``{"actor", "from", "to", "as_of", "statements"}``, the step where the
        actor is first seen in its new camp.
    """
    out_steps: list[dict[str, Any]] = []
    switches: list[dict[str, Any]] = []
    fresh = 1
    previous: list[dict[str, Any]] = []
    before: dict[str, int] = {}
    last_graph: nx.Graph | None = None
    for as_of, result, G in steps:
        mapping, fresh = _renumber(previous, result["camps"], fresh)
        renamed = sorted(({**c, "camp": mapping[c["camp"]]} for c in result["camps"]), key=lambda c: c["camp"])
        where = {m: c["camp"] for c in renamed for m in c["members"]}
        for actor in sorted(set(where) & set(before)):
            if where[actor] != before[actor]:
                moved = _ties(G, actor) ^ (_ties(last_graph, actor) if last_graph is not None else set())
                switches.append({"actor": actor, "from": before[actor], "to": where[actor], "as_of": as_of,
                                 "statements": sorted(moved)})
        out_steps.append({**result, "as_of": as_of, "camps": renamed})
        previous, before, last_graph = renamed, where, G
    return {"steps": out_steps, "switches": switches}
