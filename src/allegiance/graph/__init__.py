"""Graph stores behind one interface: the embedded store, or a Neo4j server."""

from __future__ import annotations

import os

from allegiance.graph.base import GraphStore

DEFAULT_STORE = "allegiance.db"


def open_store(path: str | None = None, *, neo4j: str | None = None, read_only: bool = False,
               for_load: bool = False, neo4j_password: str | None = None) -> GraphStore:
    """Neo4j at ``neo4j`` if given, else the embedded store at ``path``.

    ``path`` defaults to ``$ALLEGIANCE_STORE``, then ./allegiance.db. Neo4j credentials
    and database come from ``ALLEGIANCE_NEO4J_USER``, ``_PASSWORD`` (else ``neo4j_password``),
    ``_DATABASE``.
    ``for_load``: the embedded store takes its write lock only once the input is read
    (and makes no file if the input is bad).
    """
    if neo4j:
        from allegiance.graph.neo4j_store import open_neo4j

        return open_neo4j(neo4j, read_only=read_only, default_password=neo4j_password)
    from allegiance.graph.embedded import EmbeddedStore

    return EmbeddedStore(path or os.environ.get("ALLEGIANCE_STORE") or DEFAULT_STORE, read_only=read_only,
                         for_load=for_load)
