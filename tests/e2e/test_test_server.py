"""The tests' Neo4j is their own: never a user's server, home or settings."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tests import neo4j_server
from tests.conftest import ROOT, neo4j_or_fail, neo4j_server_or_fail


def test_the_tests_run_on_a_throwaway_server_of_their_own():
    server = neo4j_server_or_fail()
    assert Path(server.home).parent == Path(tempfile.gettempdir())
    assert (Path(server.home) / neo4j_server.MARKER).is_file()
    assert Path(server.home) != ROOT / ".neo4j"  # the home `scripts/neo4j-local start` uses
    assert (server.bolt_port, server.http_port) != (7687, 7474)
    store = neo4j_or_fail()
    try:
        assert store.uri == server.uri
    finally:
        store.close()


def test_a_users_settings_do_not_reach_the_tests():
    assert not [k for k in os.environ if k.startswith(("ALLEGIANCE_", "NEO4J_LOCAL_"))]
