"""Time ATT-1..4 at scale: 300 staff × a year of clocks (~4 a day, ~300,000 rows) imported from a
CSV export, then derived for the year — in Python over a fixed number of queries and stored
(`derive_range`), and as one SQL statement (`month_totals_sql`); both results are compared.

Run: python bench/bench_attendance.py [--database-url postgresql+psycopg://…/bench_att_x]
(a fresh SQLite file by default; or an empty database of its own — never a shared one — which
is migrated here; create and drop it yourself)
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

STAFF, SEED, TODAY = 300, 2026, date(2026, 11, 30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="an empty database of its own (default: SQLite)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["BIANMIN_INSTANCE"] = folder
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    os.environ["DATABASE_URL"] = url
    from app import create_app

    config = {"TESTING": True, "RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": url}
    runner = create_app(config).test_cli_runner()
    assert runner.invoke(args=["bianmin", "upgrade"]).exit_code == 0
    application = create_app(config)
    with application.app_context():
        from app.demo.attendance import demo_clock_rows
        from app.extensions import db
        from app.services.attendance import (attendance_settings, derive_range, import_clock_file,
                                             month_absences, working_days)
        from bench.attendance_sql import month_totals_sql
        from app.services.calendar import load_calendar
        from models.org import Staff

        session = db.session
        session.add_all([Staff(name=f"员工{i}", employee_no=f"{i:04d}", unit="office")
                         for i in range(1, STAFF + 1)])
        session.commit()
        ids = {s.id: s.employee_no for s in session.query(Staff)}
        start = TODAY - timedelta(days=365)
        days = working_days(start, TODAY - timedelta(days=1), load_calendar(session))
        rows, _missed = demo_clock_rows(sorted(ids), days, attendance_settings(session),
                                        random.Random(SEED))
        zone_rows = io.StringIO()
        zone_rows.write("employee_no,clocked_at\n")
        for row in rows:
            local = row["day"].isoformat() + " " + "%02d:%02d:%02d" % (
                row["second_of_day"] // 3600, row["second_of_day"] % 3600 // 60, row["second_of_day"] % 60)
            zone_rows.write(f"{ids[row['staff_id']]},{local}\n")
        data = zone_rows.getvalue().encode()

        t0 = time.perf_counter()
        result = import_clock_file(session, "year.csv", data, None)
        session.commit()
        import_s = time.perf_counter() - t0
        assert result.ok and result.added == len(rows), result.errors[:3]
        t0 = time.perf_counter()
        again = import_clock_file(session, "year.csv", data, None)
        session.commit()
        reimport_s = time.perf_counter() - t0
        assert again.added == 0

        t0 = time.perf_counter()
        written = derive_range(session, start, TODAY - timedelta(days=1), TODAY)
        session.commit()
        derive_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        sql = month_totals_sql(session, start, TODAY - timedelta(days=1), TODAY)
        sql_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        python = defaultdict(lambda: [0, 0, 0])
        month = date(start.year, start.month, 1)
        while month <= TODAY:
            for staff_id, m in month_absences(session, month.year, month.month, TODAY).items():
                python[(staff_id, month.year, month.month)] = [m.late, m.early, m.absent_half_days]
            month = (month + timedelta(days=32)).replace(day=1)
        months_s = time.perf_counter() - t0
        # month_absences covers whole months; the SQL covers the 365 days: compare those months.
        first_full = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        compared = [k for k in sql if date(k[1], k[2], 1) >= first_full]
        mismatches = [k for k in compared if tuple(python[k]) != sql[k]]

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "?")
    print(f"### Attendance (ATT-1..4), 2026-11-30 — {cpu}\n")
    backend = url.split(":", 1)[0].split("+", 1)[0]
    print(f"{backend}, load average {os.getloadavg()[0]:.1f} at the end. {STAFF} staff, "
          f"{len(days)} working days, {len(rows):,} clock rows ({len(data) / 1e6:.1f} MB CSV).\n")
    print("| step | seconds |\n|---|---:|")
    print(f"| import CSV (parse, check every row, bulk insert) | {import_s:.1f} |")
    print(f"| re-import the same file (adds 0) | {reimport_s:.1f} |")
    print(f"| derive the year in Python, store {written:,} AttendanceDay rows | {derive_s:.1f} |")
    print(f"| the same derivation as one SQL statement (totals per staff-month) | {sql_s:.1f} |")
    print(f"| month_absences for each of the 13 months (fresh from the records) | {months_s:.1f} |")
    print(f"\nPython and SQL agree on {len(compared) - len(mismatches)} of {len(compared)} "
          f"staff-months (late, early, absent half-days).")


if __name__ == "__main__":
    main()
