"""A graph whose every text XML can hold, for the GEXF and GraphML writers.

Names, ids and types come from data; a C0 control in one (an ESC in a name) would make
the file not well-formed, and every reader, Gephi's and networkx's, stops there. Each
such character becomes an escape, as in the other outputs (``render.xml_text``); all
other text is written exactly as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from allegiance.render import xml_text

__all__ = ["xml_safe"]


def xml_safe(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` with ``render.xml_text`` applied to node ids, edge keys and every text attribute."""
    out = nx.MultiDiGraph(**_safe(G.graph))
    out.add_nodes_from((xml_text(n), _safe(data)) for n, data in G.nodes(data=True))
    out.add_edges_from((xml_text(u), xml_text(v), xml_text(k), _safe(data))
                       for u, v, k, data in G.edges(keys=True, data=True))
    return out


def _safe(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: xml_text(v) if isinstance(v, str) else v for k, v in data.items()}
