"""The relations over a period as two CSV tables, a nodes table and an edges table, for
Gephi's Data Laboratory ("Import Spreadsheet") and for spreadsheets.

The column names are Gephi's documented ones (gephi.org, "Spreadsheet" among the
supported graph formats): the nodes table's identifier column is ``Id`` and its label
``Label``; the edges table's ends are ``Source`` and ``Target``, ``Type`` is ``Directed``,
``Id`` and ``Label`` are the edge's; every other column is an attribute.

- ``nodes.csv``: ``Id,Label,Type,Country`` (``Type`` the actor's type, or ``place``).
- ``edges.csv``: ``Source,Target,Type,Id,Label,Relation,Start,End,Kinds,Sources,Contested,
  Statements``, one row per edge of ``graphml.relation_graph``: ``Label`` and ``Relation``
  the relation type, ``Start`` and ``End`` as written (empty: unknown start, ongoing),
  ``Kinds`` and ``Sources`` joined with ``;``, ``Contested`` ``true`` or ``false``,
  ``Statements`` how many affirm it. Rows by relation, then by names.

Kumu's import names its columns otherwise (docs.kumu.io, "Structure your data for Kumu"):
elements need ``Label`` (``ID`` may come first), which ``nodes.csv`` has; connections need
``From`` and ``To`` as the first columns (after an ``ID``), so ``edges.csv`` goes into Kumu
once ``Source`` and ``Target`` are renamed, and Kumu reads ``Type`` as the connection's type
(``Relation`` holds it here).

Every text cell is ``render.csv_cell``'s, as ``query --format csv`` writes: controls as
escapes (``\\x1b``, ``\\n``), so a row is one line, and a leading ``'`` before a cell that
would start with ``=``, ``+``, ``-`` or ``@``, which a spreadsheet would run as a formula; an
id is changed alike wherever it appears, so ``Source`` and ``Target`` still find their
``Id``. Both files are written beside their targets and renamed into place only once both
are complete.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import networkx as nx

from allegiance.exc import OutputError
from allegiance.output import atomic_output
from allegiance.render import csv_cell

__all__ = ["EDGE_COLUMNS", "NODE_COLUMNS", "TABLES", "write_csv_tables"]

NODE_COLUMNS = ("Id", "Label", "Type", "Country")
EDGE_COLUMNS = ("Source", "Target", "Type", "Id", "Label", "Relation", "Start", "End", "Kinds", "Sources",
                "Contested", "Statements")
TABLES = ("nodes.csv", "edges.csv")


def write_csv_tables(G: nx.MultiDiGraph, folder: str | Path) -> tuple[Path, Path]:
    """Write ``G`` (``graphml.relation_graph``) as ``nodes.csv`` and ``edges.csv`` in
    ``folder``, created if missing. Either both files are replaced or neither; a folder
    this call created is removed again when it fails."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"cannot write the tables into {folder}: not a folder")
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create the folder {folder}: {e.strerror or e}") from e
    nodes_path, edges_path = folder / TABLES[0], folder / TABLES[1]
    for path in (nodes_path, edges_path):
        if path.is_dir():
            raise OutputError(f"cannot write {path}: it is a folder")
    try:
        # Both files are written before either is renamed into place (the renames happen as
        # the block ends), so a failure while writing either leaves both earlier files as they were.
        with ExitStack() as stack:
            nodes_temp = stack.enter_context(atomic_output(nodes_path))
            edges_temp = stack.enter_context(atomic_output(edges_path))
            _write(nodes_temp, NODE_COLUMNS, _node_rows(G))
            _write(edges_temp, EDGE_COLUMNS, _edge_rows(G))
    except BaseException:
        if created:
            _remove_empty(folder)
        raise
    return nodes_path, edges_path


def _node_rows(G: nx.MultiDiGraph) -> Iterable[list[Any]]:
    for node, data in G.nodes(data=True):
        yield [node, data.get("label"), data.get("type"), data.get("country")]


def _edge_rows(G: nx.MultiDiGraph) -> Iterable[list[Any]]:
    def order(edge: tuple[str, str, str, dict[str, Any]]) -> tuple[str, ...]:
        source, target, key, data = edge
        return data["relation"], G.nodes[source].get("label", ""), G.nodes[target].get("label", ""), key

    # By relation, then the names, as the relations query orders its rows (a graph keeps
    # its edges by node).
    for source, target, key, data in sorted(G.edges(keys=True, data=True), key=order):
        yield [source, target, "Directed", key, data["label"], data["relation"], data.get("start"), data.get("end"),
               data["kinds"], data["sources"], "true" if data["contested"] else "false", data["statements"]]


def _write(path: Path, header: tuple[str, ...], rows: Iterable[list[Any]]) -> None:
    # newline="": the csv module writes its own line ends (RFC 4180's CRLF by default).
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([csv_cell(v) for v in row] for row in rows)


def _remove_empty(folder: Path) -> None:
    try:
        os.rmdir(folder)
    except OSError:
        pass  # something else is in it now: not ours to remove
