#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs all of it:
# the package and pytest in .venv, Debian's headless Chromium, and a local Neo4j 5.26
# from Maven jars (started here, stopped at the end if this script started it).
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k semantics`).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Headless Chromium checks the pyvis pages and the Neo4j Browser (Debian packages; needs root).
bash scripts/install-chromium.sh

if bash scripts/neo4j-local status >/dev/null 2>&1; then
    echo "test.sh: using the Neo4j that is already running"
else
    bash scripts/neo4j-local start
    trap 'bash scripts/neo4j-local stop' EXIT
fi

# pytest exits 5 when it collects nothing: a failure here, as it is in CI.
.venv/bin/python -m pytest "$@"
