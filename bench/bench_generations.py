"""Benchmark: the month's rota (值班, ROSTER-1) and meetings (会议, MEET-1) generated through
their pages, at a county centre's size: 30 windows, ~300 staff all on the duty order.

    .venv/bin/python bench/bench_generations.py --database-url sqlite:////tmp/b/bench.db
    .venv/bin/python bench/bench_generations.py --cases 10000

Builds a database as bench/bench_lists.py does (or reuses the one of --database-url), adds
windows up to --windows and staff up to ten a window, puts every active person on the duty order, then
logs in as the demo office user and times each page's POST (the lock, the service, the commit,
the redirect) for --runs different months. Issue #21 asks whether they may stay in the request.
Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_cases import load_average, machine  # noqa: E402
from bench.bench_lists import bench_database, engine_name, log_in  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STAFF_PER_WINDOW = 10


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--database-url", default=None,
                        help="reuse this database (windows and staff are added as needed)")
    parser.add_argument("--windows", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5, help="months generated (median)")
    return parser.parse_args()


def grow(app, windows: int) -> tuple[int, int]:
    """Windows up to `windows`, each topped up to ten staff, everyone active on the duty order.
    Returns (windows, people on the duty order)."""
    from app.extensions import db
    from app.services.roster import set_duty_order
    from models.org import Center, Staff, Window
    from sqlalchemy import func, select

    with app.app_context():
        session = db.session
        center = session.scalars(select(Center)).first()
        have = session.scalar(select(func.count()).select_from(Window))
        session.add_all(Window(center=center, number=f"{number:02d}", name=f"窗口{number:02d}",
                               department=f"部门{number:02d}")
                        for number in range(have + 1, windows + 1))
        session.flush()
        for window in session.scalars(select(Window)):
            seated = session.scalar(select(func.count()).select_from(Staff)
                                    .where(Staff.window_id == window.id))
            session.add_all(Staff(name=f"员工{window.number}{i}", window=window, unit="window")
                            for i in range(seated, STAFF_PER_WINDOW))
        session.flush()
        people = session.scalars(select(Staff.id).where(Staff.is_active)
                                 .order_by(Staff.id)).all()
        set_duty_order(session, list(people))
        session.commit()
        return session.scalar(select(func.count()).select_from(Window)), len(people)


def timed_posts(client, form_page: str, action: str, forms: list[dict]) -> list[float]:
    """Each form posted once from a fresh form page; seconds per POST."""
    times = []
    for form in forms:
        page = client.get(form_page).get_data(as_text=True)
        started = time.perf_counter()
        response = client.post(action, data={**form, "csrf_token": CSRF.search(page).group(1)})
        times.append(time.perf_counter() - started)
        if response.status_code != 302:
            raise SystemExit(f"{action} answered {response.status_code}")
    return times


def main() -> None:
    args = parse_args()
    with bench_database(args, "bianmin-generations-") as _:
        from app import create_app
        from app.extensions import db

        app = create_app()
        with app.app_context():
            name = engine_name(db.engine)
        windows, people = grow(app, args.windows)
        load = load_average()
        client = log_in(app, "office")
        months = [(2027, month) for month in range(1, args.runs + 1)]
        rota = timed_posts(client, "/dutyshiftview/calendar/", "/dutyshiftview/generate",
                           [{"year": y, "month": m, "mode": "day"} for y, m in months])
        meetings = timed_posts(client, "/meetingview/month/", "/meetingview/generate",
                               [{"month": f"{y}-{m:02d}"} for y, m in months])
        print(f"""
### Rota and meetings of a month through their pages ({name})

{machine()}; load average before {load}, after {load_average()}; {windows} windows, {people}
people on the duty order; {args.runs} months of 2027 each, median (max) of the POST.

| page | median | max |
|---|---:|---:|
| 值班 → 生成 (`/dutyshiftview/generate`) | {statistics.median(rota) * 1000:.0f} ms | {max(rota) * 1000:.0f} ms |
| 会议 → 生成 (`/meetingview/generate`) | {statistics.median(meetings) * 1000:.0f} ms | {max(meetings) * 1000:.0f} ms |
""")


if __name__ == "__main__":
    main()
