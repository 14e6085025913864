#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs all of it:
# the package and pytest in .venv, Debian's headless Chromium, and the jars of a local
# Neo4j 5.26 from Maven. The tests start their own throwaway Neo4j (own home folder under
# the temp folder, free ports) and stop it at the end: a server you started yourself with
# scripts/neo4j-local, and its graph, are never touched (tests/neo4j_server.py).
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k semantics`).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Headless Chromium checks the pyvis pages and the Neo4j Browser (Debian packages; needs root).
bash scripts/install-chromium.sh
# The jars the tests' Neo4j runs from, fetched once per checkout.
NEO4J_LOCAL_JARS=.neo4j-test/jars bash scripts/neo4j-local fetch

# Lint (the package, the tests and the scripts) and type-check (src/; mypy reads its
# settings from pyproject.toml) first: a failure stops the run.
.venv/bin/ruff check src tests scripts
.venv/bin/mypy

# pytest exits 5 when it collects nothing: a failure here, as it is in CI.
.venv/bin/python -m pytest "$@"
