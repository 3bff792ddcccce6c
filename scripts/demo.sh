#!/usr/bin/env bash
# Set up and serve the demo: virtual environment, locked dependencies, SQLite database with
# demo data, then the app on http://127.0.0.1:5000 (the demo logins are printed first) and
# the background job worker beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# The hashed lock (scripts/lock.sh): a file whose hash differs from the lock is refused.
.venv/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements.txt
export FLASK_APP=run.py
.venv/bin/flask bianmin upgrade
.venv/bin/flask bianmin demo --cases "${DEMO_CASES:-20000}"
# Issue #21: the background job worker (large exports), on the demo's SQLite queue file;
# it stops with the server.
.venv/bin/flask bianmin worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
