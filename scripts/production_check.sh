#!/usr/bin/env bash
# Check the production recipe of docs/deploy.md on this machine, as two app hosts and a job
# worker would run it (issue #21 "Past one machine"): a throw-away PostgreSQL database, Redis for
# the limits and the job queue, `flask bianmin upgrade`, then
#   - app instance A and app instance B: two gunicorns (WEB_CONCURRENCY=2 each) on two ports,
#     each with an instance folder of its own, as two hosts have;
#   - one job worker (`flask bianmin worker`) with a third instance folder;
# sharing only what docs/deploy.md section 11 says hosts share: DATABASE_URL, REDIS_URL,
# SECRET_KEY and one folder for LEAVE_ATTACHMENT_DIR and JOBS_RESULT_DIR. It asserts that
#   - the security headers are sent;
#   - the login limit (AUTH_RATE_LIMIT, in Redis) counts the attempts on A and B together;
#   - a session logged out on A, or whose password was reset on A, is refused on B;
#   - two `flask bianmin nightly` started at once, one per host, run each job once: one runs
#     it, the other says it skipped it (the PostgreSQL advisory lock, OPS-1);
#   - a large export asked on A is run by the worker, its progress and file read through B;
#     a clock file uploaded on A is imported by the worker and its outcome read through B;
#   - a sick-leave certificate uploaded through A is downloaded through B;
#   - the app refuses to start the unsafe ways: several workers or hosts on per-process limits,
#     several hosts with a one-host job queue or with the shared folders in the instance folder.
# The flows are scripts/production_check.py. About 50 s of CPU time; everything is removed afterwards
# (processes, database, its Redis keys). Needs the PostgreSQL and Redis of .ci/run;
# tests/test_production_check.py runs it in CI.
#   PG_ADMIN_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/15 \
#     bash scripts/production_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PG_ADMIN_URL=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
PORT_A=${PORT_A:-8097}
PORT_B=${PORT_B:-8098}
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"
TAG="check$$"
DB="bianmin_$TAG"
WORK=$(mktemp -d)
PIDS=()
STARTED=$(date +%s)

stop_all() {
    local pid
    [ ${#PIDS[@]} -eq 0 ] && return 0
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 40); do
        for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && break; pid=""; done
        [ -z "$pid" ] && break
        sleep 0.5
    done
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
cleanup() {
    stop_all
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    # Only this run's keys: the rate-limit prefix and the queue name are both "$TAG".
    .venv/bin/python -c "import redis, sys; r = redis.Redis.from_url(sys.argv[1]);
keys = list(r.scan_iter('*$TAG*'))
keys and r.delete(*keys)" "$REDIS_URL" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
note() { echo "[$(( $(date +%s) - STARTED )) s] $*"; }
fail() {
    echo "FAIL: $*" >&2
    local log
    for log in "$WORK"/*.log; do [ -s "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }; done
    exit 1
}

# Settings of the caller's own (an /etc/bianmin/env loaded, a test run) that would change
# what is checked: the hosts get exactly the environment below.
unset JOBS_QUEUE_URL RATELIMIT_STORAGE_URI RATELIMIT_ENABLED BIANMIN_INSTANCE EXPORT_MAX_ROWS \
    LEAVE_ATTACHMENT_DIR JOBS_RESULT_DIR IMPORT_MAX_MB MAX_REQUEST_MB CENTER_TIMEZONE
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB" >/dev/null
export BIANMIN_ENV=production SECRET_KEY=$(.venv/bin/python -c "import secrets; print(secrets.token_hex(32))")
export DATABASE_URL="${PG_ADMIN_URL%/*}/$DB" FLASK_APP=run.py
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/15} RATELIMIT_KEY_PREFIX="$TAG" JOBS_QUEUE_NAME="$TAG"
export BIANMIN_HOSTS=2 WEB_CONCURRENCY=2 BIANMIN_PROXIES=1
export AUTH_RATE_LIMIT="5 per minute" AUTH_LOCKOUT_FAILURES=0
# The one folder every host mounts (NFS in production): certificates, job files and uploads.
export LEAVE_ATTACHMENT_DIR="$WORK/shared/attachments" JOBS_RESULT_DIR="$WORK/shared/job-results"
# Small enough that the check's 30 cases are an export job and any clock file an import job.
export EXPORT_INLINE_MAX_ROWS=5 IMPORT_INLINE_MAX_KB=0
mkdir -p "$WORK/shared" "$WORK/host-a" "$WORK/host-b" "$WORK/host-w"

# Each host's own instance folder; everything else is the environment above. `start_on` is
# for `… &`: it execs, so $! is the process itself (gunicorn's master, the worker).
on_host() { local host=$1; shift; BIANMIN_INSTANCE="$WORK/host-$host" "$@"; }
start_on() { local host=$1; shift; exec env BIANMIN_INSTANCE="$WORK/host-$host" "$@"; }

note "upgrade"
on_host a .venv/bin/flask bianmin upgrade >"$WORK/upgrade.log" 2>&1 || fail "upgrade"
note "seed"
on_host a env PYTHONPATH="$PWD" .venv/bin/python scripts/production_check.py seed "$WORK/seed.json" >"$WORK/seed.log" 2>&1 \
    || fail "seeding the demo center"
note "starting app hosts A and B, the worker and a nightly run on each host"
start_on a .venv/bin/gunicorn --bind "127.0.0.1:$PORT_A" --access-logfile - run:app >"$WORK/host-a.log" 2>&1 &
PIDS+=($!)
start_on b .venv/bin/gunicorn --bind "127.0.0.1:$PORT_B" --access-logfile - run:app >"$WORK/host-b.log" 2>&1 &
PIDS+=($!)
start_on w .venv/bin/flask bianmin worker --threads 2 >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
# OPS-1: the nightly run of both hosts' crontabs, at the same moment, while the apps start.
start_on a .venv/bin/flask bianmin nightly >"$WORK/nightly-a.out" 2>"$WORK/nightly-a.log" &
NIGHTLY_A=$!
start_on b .venv/bin/flask bianmin nightly >"$WORK/nightly-b.out" 2>"$WORK/nightly-b.log" &
NIGHTLY_B=$!
wait "$NIGHTLY_A" || fail "nightly on host a: exit $?"
wait "$NIGHTLY_B" || fail "nightly on host b: exit $?"
note "nightly runs done"
for job in work-days attendance deductions; do
    said=$(cat "$WORK/nightly-a.out" "$WORK/nightly-b.out" | grep "^$job: " | cut -d, -f1 | sed 's/ for .*//' | sort | tr '\n' '|')
    [ "$said" = "$job: done|$job: skipped|" ] || fail "nightly $job not run exactly once: $said"
done
sed 's/^/nightly on host a: /' "$WORK/nightly-a.out"
sed 's/^/nightly on host b: /' "$WORK/nightly-b.out"

for base in "$A" "$B"; do
    for _ in $(seq 90); do curl -fs "$base/login/" -o /dev/null && break; sleep 1; done
done
note "app hosts answer"
for host in a b; do
    [ "$(grep -c 'Booting worker' "$WORK/host-$host.log")" -eq 2 ] || fail "2 workers did not start on host $host"
done
grep -q "job worker: queue redis://" "$WORK/worker.log" || fail "the worker does not serve a Redis queue"

headers=$(curl -fsS -D - -o /dev/null "$B/guide/")
for header in "Content-Security-Policy: default-src 'self'" "X-Frame-Options: DENY" \
    "X-Content-Type-Options: nosniff" "Referrer-Policy: same-origin" "Strict-Transport-Security"; do
    grep -qi "^$header" <<<"$headers" || fail "header missing: $header"
done

# The unsafe starts are refused, each with one line naming the fix (one process, meanwhile).
env PYTHONPATH="$PWD" .venv/bin/python scripts/production_check.py refusals "$WORK/host-a" \
    >"$WORK/refusals.out" 2>"$WORK/refusals.log" &
REFUSALS=$!
PIDS+=("$REFUSALS")

# SEC-1: one client's attempts, alternately on A and B, count together: 5 per minute in all.
codes=""
for attempt in $(seq 8); do
    base=$([ $((attempt % 2)) -eq 1 ] && echo "$A" || echo "$B")
    codes+=$(curl -s -o /dev/null -w '%{http_code} ' -H 'Content-Type: application/json' \
        -H 'X-Forwarded-For: 203.0.113.7' \
        -d '{"username":"nobody","password":"Wrong#Pass1","provider":"db"}' \
        "$base/api/v1/security/login")
done
[ "$codes" = "401 401 401 401 401 429 429 429 " ] || fail "login limit across hosts A and B: $codes"

note "flows"
.venv/bin/python scripts/production_check.py flows "$WORK/seed.json" "$A" "$B" || fail "flows across hosts"
grep -q "background job [0-9]* (ledger): " "$WORK/worker.log" || fail "the export job did not run on the worker"
wait "$REFUSALS" || fail "unsafe starts: $(grep FAIL "$WORK/refusals.log")"
cat "$WORK/refusals.out"
stop_all

echo "production check passed in $(( $(date +%s) - STARTED )) s: hosts A and B (2 gunicorn workers each) and a job worker on one PostgreSQL, Redis and shared folder; headers, login limit across hosts, sessions ended on one host refused on the other, nightly jobs run once, jobs and uploads across hosts, unsafe starts refused"
