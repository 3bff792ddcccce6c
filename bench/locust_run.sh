#!/usr/bin/env bash
# Issue #21 (P5): 50 users on two gunicorn workers on PostgreSQL, with locust, headless.
#
# Creates (or reuses) the PostgreSQL database $BENCH_DB with the demo center and $BENCH_CASES
# generated cases, starts gunicorn with 2 workers as in docs/deploy.md (Redis for the limits
# and the job queue) and the job worker beside it, times the whole ledger as a background job
# (bench/bench_export_job.py), then runs bench/locustfile.py (35 clerks, 5 leaders, 10 public,
# think time 1–3 s) for $BENCH_DURATION and appends p50/p95/errors per step and the machine's
# `uptime` load before and after to bench/RESULTS.md.
#
#   BENCH_CASES=100000 BENCH_DURATION=2m bash bench/locust_run.sh
#
# locust goes into a tools venv of its own ($BENCH_TOOLS), not the app's .venv.
# Loopback only; the run stops by itself after $BENCH_DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
PG=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
DB=${BENCH_DB:-bianmin_bench_jobs}
CASES=${BENCH_CASES:-100000}
DURATION=${BENCH_DURATION:-2m}
PORT=${BENCH_PORT:-8731}
SCALE=${BENCH_SCALE:-1}  # 0.2: 7 clerks, 1 leader, 2 public
USERS=$("${PYTHON}" -c "print(sum(max(1, round(n * $SCALE)) for n in (35, 5, 10)))")
SKIP_EXPORT=${BENCH_SKIP_EXPORT:-0}
TOOLS=${BENCH_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/bianmin-bench-tools}
LOCUST_VERSION=2.47.0  # pyproject.toml, extra "bench"
WORK=$(mktemp -d)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x "$TOOLS/bin/locust" ]; then
    "$PYTHON" -m venv "$TOOLS"
    "$TOOLS/bin/pip" install -q --disable-pip-version-check "locust==$LOCUST_VERSION"
fi

export BIANMIN_ENV=demo FLASK_APP=run.py BIANMIN_INSTANCE="$WORK/instance"
export SECRET_KEY=$(.venv/bin/python -c "import secrets; print(secrets.token_hex(32))")
export DATABASE_URL="postgresql+psycopg://${PG#postgresql://}"
DATABASE_URL="${DATABASE_URL%/*}/$DB"
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/14}
export RATELIMIT_KEY_PREFIX="bench$$" JOBS_QUEUE_NAME="bianmin-bench-$$"
# Every simulated user comes from 127.0.0.1: the per-client login and lookup limits would
# refuse all but the first few of the 50, so they are raised for the run (still counted in Redis).
export AUTH_RATE_LIMIT="100000 per minute" PUBLIC_LOOKUP_RATE_LIMIT="100000 per minute"
export WEB_CONCURRENCY=2
export BENCH_PASSWORD="Bench#Load2026abcXY"

if ! psql "$PG" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    psql "$PG" -qc "CREATE DATABASE $DB" >/dev/null
fi
.venv/bin/flask bianmin upgrade >/dev/null
have=$(psql "${PG%/*}/$DB" -Atc "SELECT count(*) FROM service_case")
if [ "$have" -lt "$CASES" ]; then
    started=$(date +%s)
    .venv/bin/flask bianmin demo --password "$BENCH_PASSWORD" --cases "$((CASES - have))" >/dev/null
    echo "demo data: $((CASES - have)) cases generated in $(( $(date +%s) - started )) s"
fi
cases=$(psql "${PG%/*}/$DB" -Atc "SELECT count(*) FROM service_case")
# What autovacuum does some minutes after a bulk load: without it PostgreSQL reads the heap for
# every row the dashboard's covering indexes hold (no visibility map yet) and plans on no
# statistics — a state no running centre is in for long.
psql "${PG%/*}/$DB" -qc "VACUUM (ANALYZE)" >/dev/null

.venv/bin/gunicorn --bind "127.0.0.1:$PORT" --timeout 120 --access-logfile /dev/null run:app \
    >"$WORK/gunicorn.log" 2>&1 &
PIDS+=($!)
.venv/bin/flask bianmin worker --threads 2 >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 90); do curl -fs "http://127.0.0.1:$PORT/login/" -o /dev/null && break; sleep 1; done

export_line="(not measured in this run)"
if [ "$SKIP_EXPORT" != 1 ]; then
    export_line=$("$TOOLS/bin/python" bench/bench_export_job.py "http://127.0.0.1:$PORT" office \
        "$BENCH_PASSWORD")
fi
echo "$export_line"

load_before=$(uptime)
BENCH_SCALE=$SCALE "$TOOLS/bin/locust" -f bench/locustfile.py --headless --users "$USERS" --spawn-rate 5 \
    --run-time "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$WORK/locust" \
    --only-summary >"$WORK/locust.log" 2>&1 || true
load_after=$(uptime)

"$TOOLS/bin/python" - "$WORK/locust_stats.csv" "$cases" "$DURATION" "$load_before" \
    "$load_after" "$export_line" "$USERS" >>bench/RESULTS.md <<'EOF'
import csv, sys
path, cases, duration, before, after, export_line, users = sys.argv[1:8]
rows = list(csv.DictReader(open(path, encoding="utf-8")))
total = rows[-1]
print(f"\n### {users} users for {duration} against {int(cases):,} cases: "
      f"{float(total['Requests/s']):.1f} requests/s\n")
print(f"Load (`uptime`) before: `{before.strip()}`; after: `{after.strip()}`.\n")
print(f"Export job, just before: {export_line}\n")
print("| request | count | errors | p50 ms | p95 ms | p99 ms | max ms |")
print("|---|---:|---:|---:|---:|---:|---:|")
for row in rows:
    name = row["Name"] if row["Type"] else "**all**"
    print(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
          f"{row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |")
EOF
tail -n 20 bench/RESULTS.md
