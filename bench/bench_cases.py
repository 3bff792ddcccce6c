"""Benchmark: generate N demo cases, then time the queries a list page runs at that size.

    .venv/bin/python bench/bench_cases.py --cases 1000000
    .venv/bin/python bench/bench_cases.py --cases 1000000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/

Builds a fresh database — a SQLite file in a temporary directory, or a database of its own
on the PostgreSQL server named by --database-url (created here, dropped at the end) —
migrated the way `flask bianmin upgrade` does it, creates the demo center, times
`generate_demo_cases` (CASE-1..12), then times each list-page query (median of --runs runs
after one warm-up) and shows the plan the database chose (EXPLAIN QUERY PLAN / EXPLAIN).
Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 23)
PASSWORD = "Bench#Pass1234"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server (its database name is ignored: the benchmark "
                             "creates and drops its own); default: a SQLite file")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query (median)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def postgres_database(base_url: str):
    """A fresh database on the server of `base_url`, and the function that drops it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base_url).set(drivername="postgresql+psycopg")
    name = f"bianmin_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database=url.database or "postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), name, drop


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in lscpu.splitlines()
                     if line.startswith("Model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    with open("/proc/meminfo") as meminfo:
        ram = int(meminfo.readline().split()[1]) / 1024 / 1024
    return f"{model}, {os.cpu_count()} cores, {ram:.1f} GiB RAM"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def timed(session, statement, runs: int) -> tuple[float, float, int]:
    """(first run, median of `runs` further runs) in milliseconds, and the rows returned."""
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        rows = session.execute(statement).all()
        times.append((time.perf_counter() - started) * 1000)
        session.expunge_all()
    return times[0], statistics.median(times[1:]), len(rows)


def plan(session, statement) -> list[str]:
    """The database's plan for `statement` (bound values inlined, as the page would send them)."""
    from sqlalchemy import text

    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "sqlite":
        return [row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))]
    return [row[0] for row in session.execute(text("EXPLAIN (COSTS OFF) " + sql))]


def queries(session, today: date):
    """The list pages' queries: name → statement."""
    from sqlalchemy import func, select

    from app.rules import case_states as cs
    from app.services.calendar import load_calendar
    from app.services.case_queries import (OPEN_STATES, due_soon_condition, overdue_condition,
                                           overdue_days_expression, work_queue)
    from app.services.settings import setting_value
    from models.cases import Case
    from models.org import Window

    # The queue with the most open cases: the clerk's page that has the most to sort.
    window_id, number = session.execute(
        select(Case.window_id, Window.number).join(Window)
        .where(Case.state.in_(OPEN_STATES)).group_by(Case.window_id, Window.number)
        .order_by(func.count().desc()).limit(1)).one()
    due_soon_days = setting_value(session, "case.due_soon_days")
    last_day = load_calendar(session).add_working_days(today, due_soon_days)
    overdue = overdue_condition(today)
    return {
        f"work queue of window {number}, first page": work_queue(window_id).limit(25),
        "overdue, first page by deadline":
            select(Case).where(overdue).order_by(Case.deadline, Case.id).limit(25),
        f"due within {due_soon_days} working days, first page":
            select(Case).where(due_soon_condition(today, last_day))
            .order_by(Case.deadline, Case.id).limit(25),
        "overdue working days of a page of 25":
            select(Case.id, overdue_days_expression(today)).where(overdue)
            .order_by(Case.deadline, Case.id).limit(25),
        "all cases, newest first, first page":
            select(Case).order_by(Case.received_at.desc()).limit(25),
        f"window {number}'s cases, newest first, first page":
            select(Case).where(Case.window_id == window_id)
            .order_by(Case.received_at.desc()).limit(25),
        "bounded count (LIMIT 1000)":
            select(func.count()).select_from(select(Case.id).limit(1000).subquery()),
        "full COUNT(*)": select(func.count()).select_from(Case),
        "overdue, bounded count (LIMIT 1000)":
            select(func.count()).select_from(select(Case.id).where(overdue).limit(1000).subquery()),
        "overdue, full COUNT(*)": select(func.count()).select_from(Case).where(overdue),
        "running cases past their deadline, full COUNT(*)":
            select(func.count()).select_from(Case).where(Case.state.in_(
                (cs.ACCEPTED, cs.IN_PROGRESS, cs.EXTENDED)), Case.deadline < today),
    }


def database_size(session, url: str, name: str | None) -> str:
    from sqlalchemy import text

    if name:
        size = session.execute(text("SELECT pg_database_size(:n)"), {"n": name}).scalar()
    else:
        size = os.path.getsize(url.removeprefix("sqlite:///"))
    return f"{size / 1024 / 1024:.0f} MiB"


def main() -> None:
    args = parse_args()
    logging.disable(logging.WARNING)  # FAB's permission sync talks a lot at start-up
    workdir = Path(tempfile.mkdtemp(prefix="bianmin-bench-"))
    name, drop = None, None
    if args.database_url and args.database_url.startswith("postgres"):
        url, name, drop = postgres_database(args.database_url)
    else:
        url = f"sqlite:///{workdir / 'bench.db'}"
    os.environ["BIANMIN_INSTANCE"] = str(workdir / "instance")
    os.environ["DATABASE_URL"] = url
    try:
        run(args, url, name)
    finally:
        if args.keep:
            print(f"\nkept: {url}", file=sys.stderr)
        else:
            if drop:
                drop()
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, url: str, name: str | None) -> None:
    from app import create_app
    from app.extensions import db
    from app.demo import create_demo_center
    from app.demo.cases import DEFAULT_SEED, generate_demo_cases

    # `flask bianmin upgrade` on the fresh database, then the app as it starts afterwards.
    result = create_app().test_cli_runner().invoke(args=["bianmin", "upgrade"])
    if result.exit_code != 0:
        raise SystemExit(f"upgrade failed: {result.output}{result.exception!r}")
    app = create_app()
    with app.app_context():
        session = db.session
        create_demo_center(session, app.appbuilder.sm, PASSWORD)
        load_before = load_average()
        wall, cpu = time.perf_counter(), time.process_time()
        counts = generate_demo_cases(session, args.cases, today=TODAY,
                                     seed=args.seed or DEFAULT_SEED)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        load_after = load_average()
        dialect = session.get_bind().dialect
        if dialect.name == "postgresql":
            from sqlalchemy import text

            # What autovacuum does soon after a bulk load: statistics for the planner and the
            # visibility map that index-only scans need.
            session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE)"))
            version = session.execute(text("SHOW server_version")).scalar()
            engine = f"PostgreSQL {version} (same host, default settings)"
        else:
            engine = f"SQLite {sqlite3.sqlite_version}"
        size = database_size(session, url, name)
        measured = []
        for label, statement in queries(session, TODAY).items():
            first, median, rows = timed(session, statement, args.runs)
            measured.append((label, first, median, rows, plan(session, statement)))
        session.rollback()

    print(f"## Demo cases at {args.cases:,} — {engine}\n")
    print(f"Machine: {machine()}; Python {platform.python_version()}; {engine}; "
          f"date {TODAY.isoformat()} (the generator's `today`). Load average (1/5/15 min) "
          f"before → after generating: {load_before} → {load_after}.\n")
    print(f"Run: `.venv/bin/python bench/bench_cases.py --cases {args.cases}"
          + (f" --database-url {args.database_url}" if name else "") + "`\n")
    print(f"### Generation (`generate_demo_cases`, {counts['years']} years from "
          f"{counts['first_day']})\n")
    print(f"{wall:.1f} s wall, {cpu:.1f} s CPU of this process; database {size} afterwards.\n")
    print("| rows | count |\n|---|---:|")
    for key in ("cases", "transitions", "materials", "notices", "notice_materials",
                "sub_tasks", "refusal_reports", "work_days"):
        print(f"| {key} | {counts[key]:,} |")
    print("\n| phase | wall s | CPU s |\n|---|---:|---:|")
    for phase, seconds in counts["seconds"].items():
        print(f"| {phase} | {seconds:.1f} | {counts['cpu_seconds'][phase]:.1f} |")
    print(f"\n### List-page queries (ms; first run, then median of {args.runs})\n")
    print("| query | first | median | rows | plan |\n|---|---:|---:|---:|---|")
    for label, first, median, rows, lines in measured:
        shown = "<br>".join(f"`{line.strip()}`".replace("|", "\\|") for line in lines)
        print(f"| {label} | {first:.1f} | {median:.2f} | {rows} | {shown} |")

if __name__ == "__main__":
    main()
