#!/usr/bin/env bash
# Check the production recipe of docs/deploy.md on this machine: a throw-away PostgreSQL
# database, Redis for the limits, `flask bianmin upgrade`, then gunicorn with WEB_CONCURRENCY
# workers; it asserts that the security headers are sent, that the login limit holds across
# the workers (AUTH_RATE_LIMIT, shared in Redis) and that the app refuses to start with
# several workers on per-process limits, or on several hosts with a job queue of one host. Needs the PostgreSQL and Redis of .ci/run.
#   PG_ADMIN_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/15 \
#     bash scripts/production_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PG_ADMIN_URL=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
PORT=${PORT:-8097}
DB="bianmin_check_$$"
WORK=$(mktemp -d)
GUNICORN_PID=""

cleanup() {
    [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB" >/dev/null
export BIANMIN_ENV=production SECRET_KEY=$(.venv/bin/python -c "import secrets; print(secrets.token_hex(32))")
export DATABASE_URL="${PG_ADMIN_URL%/*}/$DB" BIANMIN_INSTANCE="$WORK" FLASK_APP=run.py
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/15} RATELIMIT_KEY_PREFIX="check$$"
export WEB_CONCURRENCY=3 AUTH_RATE_LIMIT="5 per minute" AUTH_LOCKOUT_FAILURES=0

.venv/bin/flask bianmin upgrade >/dev/null
.venv/bin/gunicorn --bind "127.0.0.1:$PORT" --access-logfile - run:app >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 60); do curl -fs "http://127.0.0.1:$PORT/login/" -o /dev/null && break; sleep 1; done
[ "$(grep -c 'Booting worker' "$WORK/gunicorn.log")" -eq 3 ] || fail "3 workers did not start"

headers=$(curl -fsS -D - -o /dev/null "http://127.0.0.1:$PORT/guide/")
for header in "Content-Security-Policy: default-src 'self'" "X-Frame-Options: DENY" \
    "X-Content-Type-Options: nosniff" "Referrer-Policy: same-origin" "Strict-Transport-Security"; do
    grep -qi "^$header" <<<"$headers" || fail "header missing: $header"
done

codes=""
for _ in $(seq 8); do
    codes+=$(curl -s -o /dev/null -w '%{http_code} ' -H 'Content-Type: application/json' \
        -d '{"username":"nobody","password":"Wrong#Pass1","provider":"db"}' \
        "http://127.0.0.1:$PORT/api/v1/security/login")
done
[ "$codes" = "401 401 401 401 401 429 429 429 " ] || fail "login limit across workers: $codes"
kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=""

if RATELIMIT_STORAGE_URI=memory:// REDIS_URL= .venv/bin/python -c "from app import create_app; create_app()" 2>"$WORK/refused"; then
    fail "production started with 3 workers on memory:// limits"
fi
grep -q "need a shared rate-limit storage" "$WORK/refused" || fail "unexpected error: $(tail -1 "$WORK/refused")"

# Issue #21: several app hosts need the job queue in Redis, not in a file of one host.
if BIANMIN_HOSTS=2 JOBS_QUEUE_URL="sqlite:///$WORK/queue.sqlite3" .venv/bin/python -c "from app import create_app; create_app()" 2>"$WORK/refused"; then
    fail "production started on 2 hosts with a job queue file of one host"
fi
grep -q "need a shared job queue" "$WORK/refused" || fail "unexpected error: $(tail -1 "$WORK/refused")"
echo "production check passed: 3 gunicorn workers, headers, login limit shared in Redis, unsafe starts refused (memory:// limits, a one-host job queue)"
