"""Time the Excel exports of issue #12 at scale: the leave register at 100,000 requests and the
attendance month summary at 2,000 staff, written exactly as the views write them (rows streamed
from the cursor into the streaming writer, to a temporary file), with the process's memory
growth. Not a test: run it and copy the lines into bench/RESULTS.md.

Run: python bench/bench_exports.py   (SQLite only: the PostgreSQL server is shared)
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

LEAVE_ROWS, LEAVE_STAFF, ATT_STAFF, SEED = 100_000, 1_000, 2_000, 2026
TODAY = date(2026, 11, 30)


def timed(label, write, traced=False):
    """One export to a temporary file: wall and CPU seconds; with `traced`, the peak of Python
    allocations during it instead (tracemalloc slows it down, so it is a separate run)."""
    if traced:
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryFile() as out:
        rows = write(out)
        size = out.tell()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = ""
    if traced:
        peak = f"{tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB"
        tracemalloc.stop()
    print(f"| {label}{' (traced)' if traced else ''} | {rows:,} | {wall:.2f} | {cpu:.2f} | "
          f"{size / 1e6:.1f} MB | {peak} |")


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
        from sqlalchemy import insert

        from app.extensions import db
        from app.services.exports import (ATTENDANCE_COLUMNS, LEAVE_COLUMNS, attendance_rows,
                                          leave_register_rows, write_export)
        from models.leave import LEAVE_KINDS, LEAVE_STATES, LeaveRequest
        from models.org import Center, Staff, Window
        from models.types import center_zone

        session = db.session
        center = Center(name="基准中心")
        session.add(center)
        session.flush()
        windows = [Window(center_id=center.id, number=f"{n:02d}", name=f"{n}号窗口",
                          department="部门") for n in range(1, 13)]
        session.add_all(windows)
        session.flush()
        session.execute(insert(Staff), [
            {"name": f"员工{i}", "employee_no": f"{i:05d}", "unit": "window",
             "window_id": windows[i % 12].id, "version": 1}
            for i in range(1, max(LEAVE_STAFF, ATT_STAFF) + 1)])
        staff_ids = [row[0] for row in session.execute(Staff.__table__.select().with_only_columns(
            Staff.id))]
        rng = random.Random(SEED)
        start = date(2020, 1, 1)
        records = []
        for n in range(LEAVE_ROWS):
            first = start + timedelta(days=rng.randrange(2500))
            records.append({
                "staff_id": staff_ids[n % LEAVE_STAFF], "kind": rng.choice(LEAVE_KINDS),
                "start_day": first, "end_day": first + timedelta(days=rng.randrange(4)),
                "half_day_start": False, "half_day_end": False,
                "days": Decimal(rng.randrange(1, 5)), "emergency": rng.random() < 0.05,
                "approver_position": "director", "state": rng.choice(LEAVE_STATES),
                "filed_at": datetime(2020, 1, 1, tzinfo=timezone.utc), "version": 1})
        for first in range(0, len(records), 20_000):
            session.execute(insert(LeaveRequest), records[first:first + 20_000])
        session.commit()
        del records
        labels = {k: k for k in LEAVE_KINDS}, {k: k for k in LEAVE_STATES}, {"director": "主任"}
        print("| export | rows | wall s | CPU s | file | peak Python memory |")
        print("|---|---:|---:|---:|---:|---:|")
        for _ in range(2):
            timed("leave register, no filter", lambda out: write_export(
                out, LEAVE_COLUMNS, leave_register_rows(session, center_zone(), *labels,
                                                        emergency_suffix=" (补假)"),
                title="请假"))
        timed("leave register, no filter", lambda out: write_export(
            out, LEAVE_COLUMNS, leave_register_rows(session, center_zone(), *labels),
            title="请假"), traced=True)
        timed("leave register, state=approved", lambda out: write_export(
            out, LEAVE_COLUMNS, leave_register_rows(session, center_zone(), *labels,
                                                    state="approved"), title="请假"))
        for _ in range(2):
            timed(f"attendance month 2026-10, {ATT_STAFF:,} staff", lambda out: write_export(
                out, ATTENDANCE_COLUMNS, attendance_rows(session, 2026, 10, TODAY), title="考勤"))


if __name__ == "__main__":
    main()
