"""Benchmark: every case list page and the ledger export through the real views, at N cases.

    .venv/bin/python bench/bench_lists.py --cases 100000
    .venv/bin/python bench/bench_lists.py --cases 1000000 --before
    .venv/bin/python bench/bench_lists.py --database-url sqlite:////tmp/b/bench.db  # reuse

Builds a database the way an operator does — `flask bianmin upgrade`, then
`flask bianmin demo --cases N` (which ends with ANALYZE) — in a temporary SQLite file, or in a
database of its own on the PostgreSQL server named by --server; or reuses the database of
--database-url as it is. Then logs in as the demo clerk (window 01) and the office through the
login form and times each page with Flask's test client: the work queue, all cases, overdue,
due soon, the consultation register, the ledger's current month and the ledger export of one
year (CASE-6, CASE-8, CASE-10). The SQL statements each page sent are recorded and run again
on the driver's own cursor, every row fetched: "raw SQL", the database's share of the page
time, measured in the same run on the same data. The export's resident-memory growth is
sampled from /proc.

With --before, the same pages are first measured without migration 0009's index and without
planner statistics (SQLite only: the state issue #9 measured), then both are put back.
Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_cases import load_average, machine, postgres_database  # noqa: E402
from bench.memory import PeakMemory  # noqa: E402

PASSWORD = "Bench#Pass1234"
INDEX = "ix_case_window_deadline_state_decided"  # migration 0009
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--server", default=None,
                        help="a PostgreSQL server URL (the benchmark creates and drops its own "
                             "database there); default: a SQLite file")
    parser.add_argument("--database-url", default=None,
                        help="reuse this database as it is (no upgrade, no generation)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per page (median)")
    parser.add_argument("--export-runs", type=int, default=2, help="timed runs of each export")
    parser.add_argument("--before", action="store_true",
                        help="SQLite: also measure without index 0009 and statistics first")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


# --- what the pages sent, and the same statements run raw -----------------------------------
class StatementLog:
    """The SQL a request sent (statement, parameters), recorded by an engine event."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements: list[tuple[str, object]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.on and not executemany:
            self.statements.append((statement, parameters))

    def capture(self):
        self.statements, self.on = [], True
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.on = False


def raw_sql(engine, statements) -> tuple[float, str, float]:
    """Run `statements` again on the driver's cursor, fetching every row: total ms, and the
    slowest statement over service_case (the list's own query, not a menu's) with its ms."""
    total, slowest, slowest_ms = 0.0, "", -1.0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            total += elapsed
            if elapsed > slowest_ms and "FROM service_case" in statement:
                slowest, slowest_ms = (statement, parameters), elapsed
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return total, slowest, slowest_ms


def plan(engine, statement_and_parameters) -> list[str]:
    """The plan the database chose for a recorded statement, with its recorded parameters."""
    if not statement_and_parameters:
        return []
    statement, parameters = statement_and_parameters
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            lines = [row[-1] for row in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN (COSTS OFF) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
        cursor.close()
        raw.rollback()
        return lines
    finally:
        raw.close()


# --- the pages ------------------------------------------------------------------------------
def pages(today: date) -> list[tuple[str, str, bool]]:
    """(label, URL, is an export) of every list page, as its menu entry opens it."""
    last_month_end = today.replace(day=1) - timedelta(days=1)  # a whole month of cases
    month = (f"_flt_0_accepted_on={last_month_end.replace(day=1).isoformat()}"
             f"&_flt_1_accepted_on={last_month_end.isoformat()}")
    year = (f"_flt_0_accepted_on={today.replace(year=today.year - 1).isoformat()}"
            f"&_flt_1_accepted_on={today.isoformat()}")
    return [
        ("work queue (待办队列)", "/casequeue/list/", False),
        ("all cases (全部办件)", "/caseview/list/", False),
        ("overdue (超期办件)", "/overduecases/list/", False),
        ("due soon (临期办件)", "/duesooncases/list/", False),
        ("consultation register (咨询登记簿)", "/consultations/list/", False),
        ("ledger, last month (台帐)", f"/ledger/list/?{month}", False),
        ("ledger export, one year (.xlsx)", f"/ledger/export.xlsx?{year}", True),
    ]


def log_in(app, username: str):
    client = app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    response = client.post("/login/", data={"username": username, "password": PASSWORD,
                                            "csrf_token": CSRF.search(page).group(1)})
    if response.status_code != 302:
        raise SystemExit(f"login of {username} failed ({response.status_code})")
    return client


def measure_page(client, engine, log: StatementLog, url: str, runs: int, export: bool):
    """Median page ms (first run in brackets), median raw-SQL ms, its slowest statement,
    statement count, size and (exports) memory growth."""
    def get():
        with log.capture():
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            body = response.data  # an export streams: read it all
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return elapsed, cpu, body, list(log.statements)

    first, _, body, statements = get()
    page_ms, cpu_ms, raw_ms, growth = [], [], [], 0
    slowest = None
    for _ in range(runs):
        if export:
            with PeakMemory() as memory:
                elapsed, cpu, body, statements = get()
            growth = max(growth, memory.growth)
        else:
            elapsed, cpu, body, statements = get()
        page_ms.append(elapsed)
        cpu_ms.append(cpu)
        raw_total, slowest, slowest_ms = raw_sql(engine, statements)
        raw_ms.append(raw_total)
    return {"first": first, "page": statistics.median(page_ms),
            "cpu": statistics.median(cpu_ms), "raw": statistics.median(raw_ms),
            "statements": len(statements), "bytes": len(body), "slowest": slowest,
            "slowest_ms": slowest_ms, "memory": growth}


def measure_all(app, engine, today: date, args) -> list[tuple]:
    log = StatementLog(engine)
    results = []
    for role, username in (("clerk", "clerk"), ("office", "office")):
        client = log_in(app, username)
        for label, url, export in pages(today):
            runs = args.export_runs if export else args.runs
            result = measure_page(client, engine, log, url, runs, export)
            result["plan"] = plan(engine, result["slowest"])
            results.append((role, label, result))
            print(f"  {role:<7} {label:<36} page {result['page']:9.1f} ms  "
                  f"CPU {result['cpu']:9.1f} ms  "
                  f"raw SQL {result['raw']:9.1f} ms", file=sys.stderr, flush=True)
    return results


# --- "before": SQLite without index 0009 and without statistics -----------------------------
def strip_fixes(engine) -> None:
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text(f"DROP INDEX IF EXISTS {INDEX}"))
        conn.execute(text("DELETE FROM sqlite_stat1"))
    engine.dispose()  # new connections read the (now empty) statistics afresh


def restore_fixes(engine) -> dict:
    """Index 0009 and the statistics back; seconds each (what migration 0009 and the ANALYZE
    of `flask bianmin upgrade` cost on a database of this size)."""
    from sqlalchemy import text

    seconds = {}
    with engine.begin() as conn:
        started = time.perf_counter()
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {INDEX} ON service_case "
                          "(window_id, deadline, state, decided_on)"))
        seconds["CREATE INDEX (migration 0009)"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute(text("ANALYZE"))
        seconds["ANALYZE"] = time.perf_counter() - started
    engine.dispose()
    return seconds


# --- building the database ------------------------------------------------------------------
def build(args, url: str) -> dict:
    """`flask bianmin upgrade`, then `flask bianmin demo --cases N`, timed as run."""
    from app import create_app

    timings = {}
    for name, command in (("upgrade", ["bianmin", "upgrade"]),
                          ("demo", ["bianmin", "demo", "--password", PASSWORD,
                                    "--cases", str(args.cases)])):
        started = time.perf_counter()
        result = create_app().test_cli_runner().invoke(args=command)
        timings[name] = time.perf_counter() - started
        if result.exit_code != 0:
            raise SystemExit(f"{name} failed: {result.output}{result.exception!r}")
    settle(url)
    return timings


def settle(url: str) -> None:
    """What autovacuum does minutes after a bulk load (and SQLite's ANALYZE): statistics, and on
    PostgreSQL the visibility map its index-only scans need. Measuring the minutes before it
    would time heap reads no running centre makes."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM (ANALYZE)" if engine.dialect.name == "postgresql"
                              else "ANALYZE"))
    finally:
        engine.dispose()


@contextmanager
def bench_database(args, prefix: str) -> Iterator[tuple[str, Path, dict]]:
    """The database a bench measures, set where the app reads it: `--database-url` as it is,
    else one built here by `build` — a fresh SQLite file, or with `--server` a database of its
    own on that PostgreSQL server. Removed afterwards, with the work folder, unless `--keep`.
    Yields (url, work folder, build timings)."""
    logging.disable(logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    url, drop = args.database_url, None
    if not url:
        if getattr(args, "server", None):
            url, _, drop = postgres_database(args.server)
        else:
            url = f"sqlite:///{workdir / 'bench.db'}"
    os.environ.setdefault("BIANMIN_INSTANCE", str(workdir / "instance"))
    os.environ["DATABASE_URL"] = url
    os.environ["RATELIMIT_ENABLED"] = "false"
    try:
        yield url, workdir, ({} if args.database_url else build(args, url))
    finally:
        if getattr(args, "keep", False) and not args.database_url:
            print(f"\nkept: {url}", file=sys.stderr)
        else:
            if drop:
                drop()
            shutil.rmtree(workdir, ignore_errors=True)  # a reused database is elsewhere


def engine_name(engine) -> str:
    from sqlalchemy import text

    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as conn:
        return f"PostgreSQL {conn.execute(text('SHOW server_version')).scalar()}"


def case_count(engine) -> int:
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM service_case")).scalar()


def main() -> None:
    args = parse_args()
    with bench_database(args, "bianmin-lists-") as (url, _, timings):
        report(args, url, timings)


def report(args, url: str, timings: dict) -> None:
    from app import create_app
    from app.context import today
    from app.extensions import db

    app = create_app()
    # Requests run outside this context: inside it, every request would share one `g`, and
    # the first user logged in would stay logged in for the second client.
    with app.app_context():
        engine, day = db.engine, today()
    cases, name, load_before = case_count(engine), engine_name(engine), load_average()
    phases = []
    if args.before and engine.dialect.name == "sqlite":
        print("before (no index 0009, no statistics):", file=sys.stderr)
        strip_fixes(engine)
        try:
            phases.append(("before", measure_all(app, engine, day, args)))
        finally:
            timings.update(restore_fixes(engine))
    print("after:", file=sys.stderr)
    phases.append(("after", measure_all(app, engine, day, args)))
    load_after = load_average()
    print_section(args, cases, name, timings, phases, (load_before, load_after), day)


def print_section(args, cases, name, timings, phases, loads, day) -> None:
    print(f"### List pages through the views at {cases:,} cases — {name}\n")
    print(f"Machine: {machine()}; Python {platform.python_version()}; {name}; run "
          f"{datetime.now().strftime('%Y-%m-%d %H:%M')} UTC, today = {day}. Load average "
          f"(1/5/15 min) {loads[0]} → {loads[1]} (2 cores shared with other engineers' tests).\n")
    if "demo" in timings:
        print("Built by `flask bianmin upgrade` " f"({timings['upgrade']:.1f} s) and "
              f"`flask bianmin demo --cases {args.cases}` ({timings['demo']:.1f} s, ANALYZE "
              "included).\n")
    steps = [f"{step} {timings[step]:.1f} s" for step in ("CREATE INDEX (migration 0009)",
                                                           "ANALYZE") if step in timings]
    if steps:
        print(f"Putting them back after the \"before\" phase: {', '.join(steps)}.\n")
    print(f"Page = the test client's GET, body read (median of {args.runs}, exports of "
          f"{args.export_runs}; first run in brackets); CPU = this process's CPU time during "
          "it (less sensitive to the other engineers' load than wall time). Raw SQL = the "
          "statements that page sent, run again on the driver's cursor with every row "
          "fetched (median).\n")
    labels = [phase for phase, _ in phases]
    head = " | ".join(f"{p} page ms | {p} CPU ms | {p} raw SQL ms" for p in labels)
    print(f"| role | page | {head} | statements | plan of its slowest query of service_case "
          f"({labels[-1]}) |")
    print("|---|---|" + "---:|---:|---:|" * len(labels) + "---:|---|")
    rows = zip(*[measured for _, measured in phases])
    for per_phase in rows:
        role, label, last = per_phase[-1]
        cells = " | ".join(f"{r['page']:.1f} ({r['first']:.0f}) | {r['cpu']:.0f} | {r['raw']:.1f}"
                           for _, _, r in per_phase)
        shown = "<br>".join(f"`{line.strip()}`".replace("|", "\\|") for line in last["plan"])
        extra = ""
        if last["memory"]:
            extra = (f" — {last['bytes'] / 1e6:.1f} MB file, resident memory "
                     f"+{last['memory'] / 1e6:.0f} MB")
        print(f"| {role} | {label}{extra} | {cells} | {last['statements']} | {shown} |")
    print()


if __name__ == "__main__":
    main()
