#!/usr/bin/env bash
# Install the locked test requirements and run the whole suite (SQLite by default; set DATABASE_URL
# to a PostgreSQL URL to run it there). Browser tests use the system Chromium when present.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# The hashed lock (scripts/lock.sh): a file whose hash differs from the lock is refused.
.venv/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
