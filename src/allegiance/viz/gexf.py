"""A dynamic GEXF 1.3 file of the graph, so that Gephi's timeline plays it.

Nodes are the actors and places, by id, with their name as label and ``type`` and
``country`` as attributes. One edge per relation (subject, relation, object), with
``relation``, ``kinds``, ``sources`` and ``contested`` (a statement denies it, at some
time), and its **spells**: the days it holds, from the core ``intervals`` query (each
statement's span after supersession). The affirming spans of a relation are merged where
they overlap or touch, so a relation that holds 2015-2016 and again 2019-2020 has two
spells. ``timeformat="date"``: a spell's ``start`` and ``end`` are its first and last day;
an unknown start or an open end is a missing bound. ``only`` keeps the relations that hold
as of a date (the keys of the ``relations`` rows as of it), each with all its spells.

networkx writes the file (its GEXF writer, version 1.3), with two mends so that it
validates against the GEXF 1.3 schema (``tests/fixtures/gexf-1.3``): networkx 3.6 spells
the XML Schema instance namespace ``http://w3.org/...`` (it is ``http://www.w3.org/...``),
so that its ``schemaLocation`` is an attribute the schema does not allow, and it writes a
``name`` on ``<graph>``, which GEXF 1.3 does not have. Text is written as it is stored,
but for the characters XML cannot hold (``xml_safe``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter  # what nx.write_gexf writes with

from allegiance.model.partial_date import OPEN_END, UNKNOWN_START
from allegiance.output import atomic_output
from allegiance.viz.xml_safe import xml_safe

__all__ = ["dynamic_graph", "spells", "write_gexf"]

# The namespace of xsi:schemaLocation (XML Schema Part 1, section 2.6).
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def spells(spans: Iterable[tuple[int, int]]) -> list[tuple[str | None, str | None]]:
    """Day-number spans merged where they overlap or touch, as (first day, last day) in ISO
    text, None for an unknown start or an open end.

    >>> spells([(737425, 737455), (737456, 737500), (0, 10)])
    [(None, '0001-01-10'), ('2020-01-01', '2020-03-16')]
    """
    merged: list[list[int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(None if lo <= UNKNOWN_START else dt.date.fromordinal(lo).isoformat(),
             None if hi >= OPEN_END else dt.date.fromordinal(hi).isoformat()) for lo, hi in merged]


def dynamic_graph(intervals: Iterable[Mapping[str, Any]], nodes: Mapping[str, Mapping[str, Any]], *,
                  only: Container[tuple[str, str, str]] | None = None) -> nx.MultiDiGraph:
    """The graph to write: ``intervals`` are rows of the core ``intervals`` query, ``nodes``
    a snapshot's nodes (id -> name, type, country); ``only``, if given, the (subject,
    relation, object) keys to keep."""
    relations: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in intervals:
        key = (row["subject"], row["relation"], row["object"])
        entry = relations.setdefault(key, {"spans": [], "kinds": set(), "sources": set(), "denied": False})
        if row["negated"]:
            entry["denied"] = True
            continue
        entry["spans"].append((row["first"], row["last"]))
        if row["kind"]:
            entry["kinds"].add(row["kind"])
        if row["source"]:
            entry["sources"].add(row["source"])
    G = nx.MultiDiGraph(mode="dynamic")
    for (subject, relation, obj), entry in sorted(relations.items()):
        if not entry["spans"]:
            continue  # only denied: it never holds
        if only is not None and (subject, relation, obj) not in only:
            continue
        for node in (subject, obj):
            if node not in G:
                info = nodes.get(node, {})
                G.add_node(node, label=info.get("name") or node, type=info.get("type") or "",
                           country=info.get("country") or "")
        G.add_edge(subject, obj, key=f"{subject}|{relation}|{obj}", id=f"{subject}|{relation}|{obj}", label=relation,
                   relation=relation, kinds=";".join(sorted(entry["kinds"])), sources=";".join(sorted(entry["sources"])),
                   contested=entry["denied"], spells=spells(entry["spans"]))
    return G


def write_gexf(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write ``G`` as GEXF 1.3, whole or not at all (an earlier file survives a failure)."""
    path = Path(path)
    writer = GEXFWriter(version="1.3")
    writer.add_graph(xml_safe(G))
    writer.xml.set("xmlns:xsi", XSI)
    for graph in writer.xml.iter("graph"):
        graph.attrib.pop("name", None)
    with atomic_output(path) as temp, temp.open("wb") as f:
        writer.write(f)
    return path
