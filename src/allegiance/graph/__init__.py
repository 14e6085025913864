"""Graph stores behind one interface."""

from __future__ import annotations

import os

from allegiance.graph.base import GraphStore

DEFAULT_STORE = "allegiance.db"


def open_store(path: str | None = None, *, read_only: bool = False) -> GraphStore:
    """The embedded store at ``path`` (or ``$ALLEGIANCE_STORE``, or ./allegiance.db)."""
    from allegiance.graph.embedded import EmbeddedStore

    return EmbeddedStore(path or os.environ.get("ALLEGIANCE_STORE") or DEFAULT_STORE, read_only=read_only)
