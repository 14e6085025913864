"""How far a patron reaches: chains of support of any length, each held over one period.

``support_graph`` makes a directed graph of the positive relation types (the vocabulary's
``sign: 1``, supports), subject to object; ``reach`` walks it breadth first from a patron.
A chain counts only when all its hops hold at one time: the chain's period is the
intersection of its hops' periods (latest start, earliest end), and a chain whose hops never
overlap does not reach. Of the chains that reach an actor, the one with the fewest hops is
kept, ties broken by the ids along the path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from allegiance.model import PartialDate, relation_types
from allegiance.model.partial_date import OPEN_END, UNKNOWN_START

__all__ = ["reach", "support_graph"]


def support_graph(relations: Iterable[Mapping[str, Any]]) -> nx.DiGraph:
    """Subject -> object for every row of a positive relation type, with ``start``/``end``
    (partial-date text or None), ``lo``/``hi`` (their day numbers) and ``statements``."""
    positive = {name for name, t in relation_types().items() if t.sign > 0}
    D = nx.DiGraph()
    for row in relations:
        if row["relation"] not in positive or row["subject"] == row["object"]:
            continue
        D.add_node(row["subject"], name=row.get("subject_name") or row["subject"])
        D.add_node(row["object"], name=row.get("object_name") or row["object"])
        start, end = row.get("start"), row.get("end")
        D.add_edge(row["subject"], row["object"], start=start, end=end,
                   lo=PartialDate.parse(start).lo if start else UNKNOWN_START,
                   hi=PartialDate.parse(end).hi if end else OPEN_END, statements=sorted(row["statements"]))
    return D


def reach(D: nx.DiGraph, patron: str) -> list[dict[str, Any]]:
    """Every actor ``patron`` reaches through chains of support, with one shortest chain each.

    Returns
    -------
    list of dict
        ``actor``, ``name``, ``hops``, ``path`` (ids from the patron to the actor, both
        included), ``names``, ``start``/``end`` (the chain's period as partial-date text;
        None: unknown start, ongoing) and ``statements`` (along the chain), sorted by hops
        then id.

    Examples
    --------
    >>> rows = [{"subject": "a", "relation": "supports", "object": "b", "start": "2019", "end": None,
    ...          "statements": ["s1"]},
    ...         {"subject": "b", "relation": "supports", "object": "c", "start": None, "end": "2018",
    ...          "statements": ["s2"]}]
    >>> [r["path"] for r in reach(support_graph(rows), "a")]  # b backed c only before a backed b
    [['a', 'b']]
    """
    if patron not in D:
        return []
    # A state: (actor, first day, last day, start text, end text, path, statements).
    State = tuple[str, int, int, "str | None", "str | None", list[str], list[str]]
    frontier: list[State] = [(patron, UNKNOWN_START, OPEN_END, None, None, [patron], [])]
    seen: dict[str, list[tuple[int, int]]] = {patron: [(UNKNOWN_START, OPEN_END)]}
    found: dict[str, dict[str, Any]] = {}
    hops = 0
    while frontier:
        hops += 1
        following: list[State] = []
        for node, lo, hi, start, end, path, statements in sorted(frontier, key=lambda s: s[5]):
            for succ in sorted(D.successors(node)):
                if succ in path:
                    continue
                e = D.edges[node, succ]
                new_lo, new_start = (e["lo"], e["start"]) if e["lo"] > lo else (lo, start)
                new_hi, new_end = (e["hi"], e["end"]) if e["hi"] < hi else (hi, end)
                if new_lo > new_hi:
                    continue  # the hops never hold at one time
                if any(a <= new_lo and new_hi <= b for a, b in seen.get(succ, [])):
                    continue  # an earlier chain to succ held at least as long: this one adds nothing
                seen.setdefault(succ, []).append((new_lo, new_hi))
                state = (succ, new_lo, new_hi, new_start, new_end, [*path, succ], [*statements, *e["statements"]])
                following.append(state)
                if succ not in found:
                    found[succ] = {"actor": succ, "name": D.nodes[succ].get("name", succ), "hops": hops,
                                   "path": state[5], "names": [D.nodes[n].get("name", n) for n in state[5]],
                                   "start": new_start, "end": new_end, "statements": sorted(set(state[6]))}
        frontier = following
    return sorted(found.values(), key=lambda r: (r["hops"], r["actor"]))
