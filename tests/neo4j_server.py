"""The tests' own Neo4j: a throwaway server that no user's graph lives in.

The first test that needs Neo4j starts one with ``scripts/neo4j-local``, in a fresh home
folder under the temp folder, on free ports (so two checkouts, or two runs, can test at
once), and the end of the session stops it and deletes the home. The jars are shared
between runs in ``.neo4j-test/jars`` of the checkout. If the test process is killed,
the script's watcher stops the server and deletes the home once this process is gone.

A server that a user started (``bash scripts/neo4j-local start``, port 7687, or anything
``ALLEGIANCE_NEO4J_URI`` names) is never used: the tests wipe their database between tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "neo4j-local"
JARS = ROOT / ".neo4j-test" / "jars"
MARKER = ".allegiance-test-home"  # the script's watcher deletes only a home holding it
PASSWORD = "allegiance-dev"  # the CLI's default, so CLI tests need no credentials
ATTEMPTS = 3  # a free port can be taken between choosing it and the server binding it


class Unavailable(Exception):
    """The tests' Neo4j could not be started; the message says why."""


@dataclass(frozen=True)
class Server:
    home: Path
    bolt_port: int
    http_port: int

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    def env(self) -> dict[str, str]:
        return {**_clean_env(), "NEO4J_LOCAL_HOME": str(self.home), "NEO4J_LOCAL_JARS": str(JARS),
                "NEO4J_LOCAL_BOLT_PORT": str(self.bolt_port), "NEO4J_LOCAL_HTTP_PORT": str(self.http_port),
                "NEO4J_LOCAL_PASSWORD": PASSWORD,
                # small: the tests' graphs are tiny and the machine is shared
                "NEO4J_LOCAL_HEAP_INITIAL": "256m", "NEO4J_LOCAL_HEAP_MAX": "1g", "NEO4J_LOCAL_PAGECACHE": "128m",
                "NEO4J_LOCAL_START_TIMEOUT": "300", "NEO4J_LOCAL_WATCH_PID": str(os.getpid())}


_server: Server | None = None
_failure: str | None = None


def server() -> Server:
    """The session's server, started on the first call; ``Unavailable`` if it cannot be."""
    global _server, _failure
    if _server is not None:
        return _server
    if _failure is not None:
        raise Unavailable(_failure)
    try:
        _server = _start()
    except Unavailable as e:
        _failure = str(e)
        raise
    return _server


def stop() -> None:
    """Stop the session's server, if one was started, and delete its home."""
    global _server
    if _server is None:
        return
    server, _server = _server, None
    subprocess.run(["bash", str(SCRIPT), "stop"], env=server.env(), capture_output=True, check=False)
    shutil.rmtree(server.home, ignore_errors=True)


def _start() -> Server:
    if shutil.which("java") is None and not os.environ.get("NEO4J_LOCAL_JAVA"):
        raise Unavailable("no java on PATH to run the tests' Neo4j")
    output = ""
    for _ in range(ATTEMPTS):
        home = Path(tempfile.mkdtemp(prefix="allegiance-test-neo4j-"))
        (home / MARKER).write_text("a throwaway Neo4j home of the allegiance test suite\n", encoding="utf-8")
        bolt, http = _free_ports(2)
        server = Server(home, bolt, http)
        done = subprocess.run(["bash", str(SCRIPT), "start"], env=server.env(), capture_output=True, text=True,
                              check=False)
        if done.returncode == 0:
            return server
        output = done.stdout + done.stderr
        subprocess.run(["bash", str(SCRIPT), "stop"], env=server.env(), capture_output=True, check=False)
        shutil.rmtree(home, ignore_errors=True)
        if "already in use" not in output:
            break
    raise Unavailable(f"scripts/neo4j-local could not start the tests' Neo4j:\n{output[-3000:]}")


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _clean_env() -> dict[str, str]:
    """This process's environment without a user's Neo4j or allegiance settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_LOCAL_", "ALLEGIANCE_"))}
