"""Time SCORE-2/3 at scale: 1,000,000 ScoreEvents over 10 years × 30 windows (Core bulk
inserts), then one month computed for the 30 windows by `compute_month` (ONE GROUP BY over
the events, the pure score per window, the ranking) against the raw GROUP BY SQL alone.

Run: python bench/bench_monthly.py   (SQLite only: the PostgreSQL server is shared)
Appends its table to bench/RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

EVENTS, WINDOWS, YEARS, SEED = 1_000_000, 30, 10, 2026
FIRST_YEAR, MONTH = 2016, date(2025, 10, 1)
CATEGORIES = ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "B")
SOURCES = ("manual", "case", "notice_violation", "complaint", "attendance", "meeting")
RUNS = 7
RECORDED_AT = datetime(2026, 11, 30, tzinfo=timezone.utc)


def machine() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            name = next(line.split(":", 1)[1].strip() for line in info
                        if line.startswith("model name"))
    except (OSError, StopIteration):
        name = platform.processor() or "unknown CPU"
    return (f"{name}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}")


def timed(function, runs=RUNS):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, min(times), statistics.median(times)


def main() -> None:
    folder = tempfile.mkdtemp()
    os.environ["BIANMIN_INSTANCE"] = folder
    url = f"sqlite:///{folder}/bench.db"
    os.environ["DATABASE_URL"] = url
    from app import create_app

    config = {"TESTING": True, "RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": url}
    runner = create_app(config).test_cli_runner()
    assert runner.invoke(args=["bianmin", "upgrade"]).exit_code == 0
    application = create_app(config)
    with application.app_context():
        from sqlalchemy import func, insert, select, text

        from app.extensions import db
        from app.services.assessment import compute_month
        from models.org import Center, Window
        from models.scoring import ScoreEvent

        session = db.session
        center = Center(name="基准中心")
        session.add(center)
        session.add_all([Window(center=center, number=f"{i:02d}", name=f"窗口{i}",
                                department="部门", is_active=True) for i in range(1, WINDOWS + 1)])
        session.commit()
        window_ids = session.scalars(select(Window.id)).all()
        rng = random.Random(SEED)
        months = [date(FIRST_YEAR + m // 12, m % 12 + 1, 1) for m in range(YEARS * 12)]
        started = time.perf_counter()
        batch, statement = [], insert(ScoreEvent.__table__)
        for _ in range(EVENTS):
            period = rng.choice(months)
            category = rng.choice(CATEGORIES)
            points = rng.choice((1, 2, 3)) * (1 if category == "B" else -1)
            batch.append({"window_id": rng.choice(window_ids), "category": category,
                          "day": period.replace(day=rng.randint(1, 28)), "period": period,
                          "points": points, "source": rng.choice(SOURCES), "automatic": False,
                          "confirmed": False, "recorded_at": RECORDED_AT,
                          "version": 1})
            if len(batch) == 20_000:
                session.execute(statement, batch)
                batch = []
        if batch:
            session.execute(statement, batch)
        session.commit()
        session.execute(text("ANALYZE"))
        session.commit()
        load = time.perf_counter() - started
        total = session.scalar(select(func.count(ScoreEvent.id)))
        in_month = session.scalar(select(func.count(ScoreEvent.id))
                                  .where(ScoreEvent.period == MONTH))

        raw_sql = text("SELECT window_id, category, SUM(points) FROM score_event "
                       "WHERE period = :period GROUP BY window_id, category")
        raw, raw_min, raw_median = timed(
            lambda: session.execute(raw_sql, {"period": MONTH}).all())
        rows, full_min, full_median = timed(lambda: compute_month(session, MONTH))
        plan = session.execute(text("EXPLAIN QUERY PLAN " + raw_sql.text),
                               {"period": MONTH}).all()
        assert len(rows) == WINDOWS and len(raw) == WINDOWS * len(CATEGORIES)

    report = f"""

## Monthly assessment — one month of 30 windows from 1,000,000 score events (SCORE-2/3)

Run: `.venv/bin/python bench/bench_monthly.py` (a fresh SQLite file migrated by
`flask bianmin upgrade`; {total:,} `score_event` rows bulk-inserted with Core in {load:.1f} s,
{YEARS} years × {WINDOWS} windows, seed {SEED}; the month {MONTH:%Y-%m} holds {in_month:,}
events; best and median of {RUNS} runs). Machine: {machine()}. Date: 2026-11-30.

| what | best | median |
|---|---:|---:|
| raw SQL: `SELECT window_id, category, SUM(points) … WHERE period = ? GROUP BY window_id, category` | {raw_min * 1000:.1f} ms | {raw_median * 1000:.1f} ms |
| `compute_month` (that GROUP BY + complaint count in the same pass, peer means, settings, NOTICE-1 exclusions, `monthly_window_score` × 30, `rank_windows`) | {full_min * 1000:.1f} ms | {full_median * 1000:.1f} ms |

The events are read by one aggregate query whatever the number of windows (the index
`ix_score_event_period_window_category` serves it: {"; ".join(str(row[-1]) for row in plan)});
the rest is per-window arithmetic on 30 × 10 sums.
"""
    print(report)
    with open(Path(__file__).with_name("RESULTS.md"), "a", encoding="utf-8") as results:
        results.write(report)


if __name__ == "__main__":
    main()
