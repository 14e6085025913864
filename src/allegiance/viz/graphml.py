"""The relations over a period as a static graph, written as GraphML (yEd, Gephi, Cytoscape,
igraph, networkx).

One edge per row of the core ``relations`` query (over the whole record, or as of a date),
keyed and identified ``subject|relation|object``, between the actors and places it joins,
by id (``label`` the name, ``type``, ``country``). An edge carries ``label`` and ``relation``
(the type), ``start`` and ``end`` as the row gives them (partial dates as written, ``2019``
or ``2020-05-18``; a superseded hold ends the day before its successor), ``kinds`` and
``sources`` joined with ``;``, ``contested`` and ``statements`` (how many statements
affirm it over the period). An unknown start, an open end or a missing country is an
absent attribute, as in GraphML an unset ``<data>``: not ``""``, which would be a value.

The CSV tables (``csv_tables``) are written from the same graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from allegiance.output import atomic_output
from allegiance.viz.xml_safe import xml_safe

__all__ = ["relation_graph", "write_graphml"]


def relation_graph(relations: Iterable[Mapping[str, Any]], nodes: Mapping[str, Mapping[str, Any]], *,
                   as_of: str | None = None, known_at: str | None = None) -> nx.MultiDiGraph:
    """The graph of ``relations`` (rows of the core ``relations`` query) among ``nodes`` (a
    snapshot's nodes: id -> name, type, country). ``as_of`` and ``known_at``, if given, are
    kept as graph attributes, to say what the file shows."""
    G = nx.MultiDiGraph()
    G.graph.update({k: v for k, v in (("as_of", as_of), ("known_at", known_at)) if v})
    for row in relations:
        subject, relation, obj = row["subject"], row["relation"], row["object"]
        for node in (subject, obj):
            if node not in G:
                info = nodes.get(node, {})
                G.add_node(node, **_present(label=info.get("name") or node, type=info.get("type"),
                                            country=info.get("country")))
        key = f"{subject}|{relation}|{obj}"
        G.add_edge(subject, obj, key=key, **_present(
            label=relation, relation=relation, start=row["start"], end=row["end"],
            kinds=";".join(row["kinds"]), sources=";".join(row["sources"]),
            contested=bool(row["contested"]), statements=len(row["statements"])))
    return G


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write ``G`` as GraphML, whole or not at all (an earlier file survives a failure).
    Text is written as it is, but for the characters XML cannot hold (``xml_safe``)."""
    path = Path(path)
    with atomic_output(path) as temp:
        nx.write_graphml(xml_safe(G), temp, encoding="utf-8", prettyprint=True)
    return path


def _present(**values: Any) -> dict[str, Any]:
    """The attributes that have a value: GraphML has no null, an absent ``<data>`` is one."""
    return {k: v for k, v in values.items() if v is not None}
