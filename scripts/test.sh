#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs all of it.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k semantics`).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Headless Chromium checks the pyvis pages (Debian packages; needs root or sudo).
bash scripts/install-chromium.sh

# pytest exits 5 when it collects nothing: that is a failure here, as it is in CI.
exec .venv/bin/python -m pytest "$@"
