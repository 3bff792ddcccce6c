"""Time the printable reports of issue #12: the monthly assessment notice (月度考核通报) of 30
windows with 3,000 score events in the month — its data, its HTML page and its PDF — and the
semi-annual grade list PDF of 300 staff, made as the views make them. Not a test: run it and
copy the lines into bench/RESULTS.md.

Run: python bench/bench_reports.py   (SQLite only: the PostgreSQL server is shared)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

WINDOWS, STAFF, EVENTS, ENTRIES, RUNS, SEED = 30, 120, 3_000, 300, 7, 2026
PERIOD = date(2026, 11, 1)


def timed(label, make, runs=RUNS):
    walls, size = [], 0
    for _ in range(runs):
        wall = time.perf_counter()
        result = make()
        walls.append(time.perf_counter() - wall)
        size = len(result) if isinstance(result, (bytes, str)) else size
    print(f"| {label} | {statistics.median(walls):.3f} | {max(walls):.3f} | "
          f"{size / 1e3:.0f} kB |" if size else
          f"| {label} | {statistics.median(walls):.3f} | {max(walls):.3f} | |")


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
    with application.app_context(), application.test_request_context():
        from flask_babel import gettext
        from sqlalchemy import insert, select

        from app.extensions import db
        from app.services.pdf import Column
        from app.services.reports import grades_pdf, month_notice, notice_pdf
        from models.org import Center, Staff, Window
        from models.scoring import DeductionItem, ScoreEvent

        session = db.session
        center = Center(name="基准便民服务中心")
        session.add(center)
        session.flush()
        windows = [Window(center_id=center.id, number=f"{n:02d}", name=f"第{n}号综合窗口",
                          department="部门", is_active=True) for n in range(1, WINDOWS + 1)]
        session.add_all(windows)
        session.flush()
        session.execute(insert(Staff), [
            {"name": f"员工{i}", "unit": "window", "window_id": windows[i % WINDOWS].id,
             "version": 1} for i in range(1, STAFF + 1)])
        staff = list(session.execute(select(Staff.id, Staff.window_id)))
        items = [(i.id, i.category, i.points_max) for i in session.scalars(
            select(DeductionItem).where(DeductionItem.category != "B"))]
        rng = random.Random(SEED)
        rows = []
        for _ in range(EVENTS):
            staff_id, window_id = rng.choice(staff)
            item_id, category, most = rng.choice(items)
            rows.append({"window_id": window_id, "staff_id": staff_id, "item_id": item_id,
                         "category": category, "day": PERIOD.replace(day=rng.randint(1, 30)),
                         "period": PERIOD, "points": -Decimal(most),
                         "evidence": "窗口巡查发现：" + "工作人员离岗" * rng.randint(1, 8),
                         "source": "manual", "automatic": False, "confirmed": False,
                         "version": 1})
        session.execute(insert(ScoreEvent), rows)
        session.commit()

        print(f"{WINDOWS} windows, {EVENTS:,} score events in the month; median and worst of "
              f"{RUNS} runs, seconds\n")
        print("| step | median | worst | size |\n|---|---:|---:|---:|")
        timed("notice data (`month_notice`)", lambda: month_notice(session, PERIOD) and b"")
        notice = month_notice(session, PERIOD)
        timed("notice PDF from the data (`notice_pdf`)",
              lambda: notice_pdf(notice, gettext, date(2026, 12, 1), "2026-11", "provisional"))
        client = application.test_client()
        from app.security import ROLES  # noqa: F401  (roles are synced by upgrade)

        sm = application.appbuilder.sm
        sm.add_user("bench", "基准", "用户", "bench@example.org", [sm.find_role("Office")],
                    "Bench#Pass1234")
        session.commit()
        page = client.get("/login/").get_data(as_text=True)
        import re

        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login/", data={"username": "bench", "password": "Bench#Pass1234",
                                     "csrf_token": token})
        timed("GET /reports/month/2026-11/notice (HTML)",
              lambda: client.get("/reports/month/2026-11/notice").get_data())
        timed("GET /reports/month/2026-11/notice.pdf",
              lambda: client.get("/reports/month/2026-11/notice.pdf").get_data())
        columns = [Column(name, 10) for name in ("姓名", "类别", "德", "能", "勤", "绩", "廉",
                                                  "加分", "总分", "等次")]
        entries = [(f"员工{i}", "公务员", "14.0", "15.0", "13.5", "38.0", "15.0", "2.0", "97.5",
                    "优秀") for i in range(ENTRIES)]
        timed(f"grade list PDF, {ENTRIES} staff (`grades_pdf`)",
              lambda: grades_pdf("基准便民服务中心", "半年考核", ["2026 上半年"], columns,
                                 entries, gettext, date(2026, 12, 1)))


if __name__ == "__main__":
    main()
