"""Benchmark: saving a year's work-calendar schedule (年度节假日安排, CASE-3) at N cases.

    .venv/bin/python bench/bench_schedule.py --cases 100000
    .venv/bin/python bench/bench_schedule.py --database-url sqlite:////tmp/b/bench.db  # reuse

Builds a database as bench/bench_lists.py does (`flask bianmin upgrade`, then
`flask bianmin demo --cases N`, then ANALYZE) in a temporary SQLite file, or reuses the one of
--database-url. Then times the save's two steps as the schedule page runs them
(app/views/calendar_admin.py): the year's entries replaced and the work_day table rebuilt
(`replace_year_schedule`), and every running case's deadline counted again
(`recompute_running_deadlines`) — for this year's schedule with one local closure day added a
few working days ahead (a day already closed is skipped, so a reused database moves deadlines
again), which moves most running deadlines. Each run is rolled back. Last, the page's POST of
the same schedule, once: since issue #21 it validates and queues the job, no more.
Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_cases import load_average, machine  # noqa: E402
from bench.bench_lists import bench_database, case_count, engine_name, log_in  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", default=None,
                        help="reuse this database as it is (no upgrade, no generation)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def closure_text(session, year: int, today) -> tuple[str, object]:
    """This year's entries as the page shows them, plus one local closure on the third working
    day ahead (of the calendar as it is): what an office saves when the centre closes a day."""
    from app.rules.schedule import format_year_schedule
    from app.services.calendar import load_calendar
    from app.services.schedule import year_entries

    calendar, day = load_calendar(session), today
    for _ in range(3):
        day += timedelta(days=1)
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
    text = format_year_schedule((r.day, r.kind, r.name) for r in year_entries(session, year))
    return f"{text}\n本地停办 {day.isoformat()}".strip(), day


def measure_service(app, runs: int) -> dict:
    """The two steps the page ran in its request before issue #21, each run rolled back."""
    from app import context
    from app.actor import Actor
    from app.extensions import db
    from app.rules.schedule import parse_year_schedule
    from app.services.schedule import (recompute_running_deadlines, replace_year_schedule,
                                       running_case_count)
    from app.views.cases import clock

    replace_s, recompute_s = [], []
    with app.test_request_context("/"):
        today = context.today()
        text, closed = closure_text(db.session, today.year, today)
        running = running_case_count(db.session, [today.year])
        for _ in range(runs):
            started = time.perf_counter()
            holidays, workdays = parse_year_schedule(text, today.year)
            replace_year_schedule(db.session, today.year, holidays, workdays, today)
            replaced = time.perf_counter()
            moved = recompute_running_deadlines(db.session, [today.year],
                                                Actor(username="bench"), clock(),
                                                context.center_zone())
            replace_s.append(replaced - started)
            recompute_s.append(time.perf_counter() - replaced)
            db.session.rollback()
        db.session.remove()
    return {"replace": statistics.median(replace_s), "recompute": statistics.median(recompute_s),
            "moved": moved, "running": running, "closed": closed, "text": text,
            "year": today.year}


def measure_page(app, measured: dict) -> float:
    """The page's POST of the same schedule, once (it is saved: a second would move nothing)."""
    client = log_in(app, "office")
    page = client.get("/yearschedule/").get_data(as_text=True)
    started = time.perf_counter()
    response = client.post("/yearschedule/", data={
        "year": str(measured["year"]), "entries": measured["text"],
        "csrf_token": CSRF.search(page).group(1)})
    elapsed = time.perf_counter() - started
    if response.status_code != 302:
        raise SystemExit(f"the schedule page answered {response.status_code}")
    return elapsed


def main() -> None:
    args = parse_args()
    with bench_database(args, "bianmin-schedule-") as (_, _, timings):
        from app import create_app
        from app.extensions import db

        app = create_app()
        with app.app_context():
            engine = db.engine
        cases, name, load = case_count(engine), engine_name(engine), load_average()
        measured = measure_service(app, args.runs)
        page = measure_page(app, measured)
        built = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()) or "reused"
        print(f"""
### Saving a year schedule at {cases:,} cases ({name})

{machine()}; load average before {load}, after {load_average()}; built: {built}.
This year's schedule with one local closure on {measured['closed']} added: {measured['running']:,}
running cases counted again, {measured['moved']:,} deadlines moved. Median of {args.runs}, each
rolled back.

| step | seconds |
|---|---:|
| entries replaced, work_day rebuilt (`replace_year_schedule`) | {measured['replace']:.2f} |
| running deadlines counted again (`recompute_running_deadlines`) | {measured['recompute']:.2f} |
| the page's POST of the same schedule, once | {page:.3f} |
""")


if __name__ == "__main__":
    main()
