"""Benchmark: the Leadership dashboard's data at N cases and N score events (issue #12).

    .venv/bin/python bench/bench_dashboard.py --cases 1000000 --events 1000000
    .venv/bin/python bench/bench_dashboard.py --server postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_dashboard.py --database-url sqlite:////tmp/b/bench.db  # reuse

Builds the database the way an operator does (`flask bianmin upgrade`, then `flask bianmin
demo --cases N`, as bench/bench_lists.py), in a temporary SQLite file or in a database of its
own on the PostgreSQL server of --server (created and dropped here); then bulk-inserts N score
events with Core (12 windows × 120 months, every category, signed points) and ANALYZEs.
Logs in through the login form and times with Flask's test client, as the demo leader:
GET /dashboard/data (the JSON of the whole page: KPIs, every chart, the ranking), the same
narrowed to one window (?window=1), the dashboard page and the leader's home page; then the
home pages that show a window's month score, as the window head ("winhead": their window's
dashboard and score) and the clerk (their queue and score). The ranking and those scores are
the monthly assessment's results (app/services/assessment.py `month_results`: computed live
for the current month). The SQL statements each request sent are run again on the driver's
cursor with every row fetched: "raw SQL", measured in the same run.
Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_cases import load_average, machine  # noqa: E402
from bench.bench_lists import (StatementLog, bench_database, case_count,  # noqa: E402
                               engine_name, log_in, plan, raw_sql)

CATEGORIES = ("M1", "M2", "M3", "M3", "M3", "M4", "M5", "M5", "M7", "M8", "M9", "B")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--server", default=None, help="a PostgreSQL server URL")
    parser.add_argument("--database-url", default=None, help="reuse this database as it is")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def months_before(day: date, count: int) -> list[date]:
    months, current = [], day.replace(day=1)
    for _ in range(count):
        months.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return months


def insert_score_events(engine, n: int, today: date) -> float:
    """N score events with Core, spread over the windows and the last 120 months."""
    from sqlalchemy import insert, select, text

    from models.org import Window
    from models.scoring import ScoreEvent

    rnd = random.Random(20261130)
    started = time.perf_counter()
    with engine.begin() as conn:
        windows = [row[0] for row in conn.execute(select(Window.id))]
        months = months_before(today, 120)
        now = datetime.now(timezone.utc)
        batch = []
        for index in range(n):
            category = rnd.choice(CATEGORIES)
            period = rnd.choice(months)
            points = Decimal(rnd.randrange(1, 4)) * (1 if category == "B" else -1)
            batch.append({"window_id": rnd.choice(windows), "category": category,
                          "day": period.replace(day=rnd.randrange(1, 28)), "period": period,
                          "points": points, "source": "manual", "automatic": False,
                          "confirmed": False, "recorded_at": now, "version": 1})
            if len(batch) == 50_000 or index == n - 1:
                conn.execute(insert(ScoreEvent), batch)
                batch = []
        conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def measure(client, engine, log, url: str, runs: int) -> dict:
    def get():
        with log.capture():
            started = time.perf_counter()
            response = client.get(url)
            body = response.data
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return elapsed, body, list(log.statements)

    first, body, statements = get()
    page, raw, slowest = [], [], None
    for _ in range(runs):
        elapsed, body, statements = get()
        page.append(elapsed)
        total, _slow, _ms = raw_sql(engine, statements)
        raw.append(total)
    # the slowest statement of any table (raw_sql picks service_case only)
    slowest_ms, slowest = -1.0, None
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            if elapsed > slowest_ms:
                slowest_ms, slowest = elapsed, (statement, parameters)
        connection.rollback()
    finally:
        connection.close()
    return {"first": first, "page": statistics.median(page), "raw": statistics.median(raw),
            "statements": len(statements), "bytes": len(body), "slowest_ms": slowest_ms,
            "plan": plan(engine, slowest), "slowest": slowest[0] if slowest else ""}


def report(args, timings: dict) -> None:
    from sqlalchemy import text

    from app import create_app
    from app.context import today
    from app.extensions import db

    app = create_app()
    with app.app_context():
        engine, day = db.engine, today()
    if "events" not in timings and not args.database_url:
        timings["events"] = insert_score_events(engine, args.events, day)
    with engine.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM score_event")).scalar()
    cases, name, load_before = case_count(engine), engine_name(engine), load_average()
    log = StatementLog(engine)
    clients = {user: log_in(app, user) for user in ("leader", "winhead", "clerk")}
    pages = [("dashboard data (JSON) /dashboard/data", "leader", "/dashboard/data"),
             ("dashboard data, one window", "leader", "/dashboard/data?window=1"),
             ("dashboard page /dashboard/", "leader", "/dashboard/"),
             ("leader's home page /", "leader", "/"),
             ("window head's home page / (window and score)", "winhead", "/"),
             ("clerk's home page / (queue and score)", "clerk", "/")]
    results = []
    for label, user, url in pages:
        result = measure(clients[user], engine, log, url, args.runs)
        results.append((label, result))
        print(f"  {label:<46} {result['page']:8.1f} ms  raw SQL {result['raw']:8.1f} ms",
              file=sys.stderr, flush=True)
    print(f"### Leadership dashboard at {cases:,} cases and {events:,} score events — {name}\n")
    print(f"Machine: {machine()}; Python {platform.python_version()}; {name}; run "
          f"{datetime.now().strftime('%Y-%m-%d %H:%M')} UTC, today = {day}. Load average "
          f"(1/5/15 min) {load_before} → {load_average()} (2 cores shared with other "
          "engineers' tests).\n")
    if timings:
        print("Built by " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()) +
              " (`flask bianmin upgrade`, `flask bianmin demo --cases N`, score events by Core "
              "+ ANALYZE).\n")
    print(f"Request = the test client's GET as the demo leader (the last two rows: as the "
          f"demo window head and clerk), body read (median of "
          f"{args.runs}; first run in brackets). Raw SQL = the statements the request sent, "
          "run again on the driver's cursor with every row fetched (median). Ratio = "
          "request / raw SQL (goal: data under 1 s and within 2× raw SQL).\n")
    print("| request | ms | raw SQL ms | ratio | statements | slowest statement's plan |")
    print("|---|---:|---:|---:|---:|---|")
    for label, r in results:
        shown = "<br>".join(f"`{line.strip()}`".replace("|", "\\|") for line in r["plan"][:6])
        ratio = r["page"] / r["raw"] if r["raw"] else float("nan")
        print(f"| {label} | {r['page']:.1f} ({r['first']:.0f}) | {r['raw']:.1f} | {ratio:.2f} | "
              f"{r['statements']} | {shown} |")
    print()


def main() -> None:
    args = parse_args()
    with bench_database(args, "bianmin-dash-") as (_, _, timings):
        report(args, timings)


if __name__ == "__main__":
    main()
