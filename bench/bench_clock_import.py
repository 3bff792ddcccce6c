"""Time the clock import (ATT-1) with the bounds of issue #18 (INPUT-1, config.py IMPORT_MAX_*):
a year of clock records of 60 staff (60 × 250 working days × 4 clocks = 60,000 rows) as an
Excel workbook and as CSV; the largest workbook the default bounds let through (300,000 rows ×
3 columns); and the refusal of issue #18's bombs. Wall and CPU seconds of `import_clock_file`
(read, count, check every row, insert), as the page and the API run it, then the commit.

Run: python bench/bench_clock_import.py [--database-url postgresql+psycopg://…/bench_imp_x]
(a fresh SQLite file by default; or an empty database of its own — never a shared one — which
is migrated here; create and drop it yourself) [--skip-largest]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

SEED_DAY = date(2026, 1, 5)


def clock_rows(staff: int, days: int):
    """(employee_no, name, local time) of `staff` people clocking 4 times a working day."""
    day, done = SEED_DAY, 0
    while done < days:
        if day.weekday() < 5:
            for person in range(1, staff + 1):
                for hour, minute in ((8, 40 + person % 15), (12, 1 + person % 9),
                                     (13, 50 + person % 9), (17, 31 + person % 20)):
                    yield (f"{person:04d}", f"员工{person}",
                           datetime(day.year, day.month, day.day, hour, minute, person % 60))
            done += 1
        day += timedelta(days=1)


def as_xlsx(rows) -> bytes:
    """As a clock machine's Excel export: a header, 工号 as text, the time as an Excel date."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("打卡记录")
    sheet.append(["工号", "姓名", "打卡时间"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(rows) -> bytes:
    lines = ["工号,姓名,打卡时间"] + [f"{n},{name},{t:%Y-%m-%d %H:%M:%S}" for n, name, t in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def timed(step):
    wall, cpu = time.perf_counter(), time.process_time()
    value = step()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="an empty database of its own (default: SQLite)")
    parser.add_argument("--skip-largest", action="store_true")
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
    results = []
    with application.app_context():
        from sqlalchemy import delete

        from app.extensions import db
        from app.rules.errors import RuleViolation
        from app.services.attendance import import_clock_file
        from app.services.table_files import ImportLimits
        from models.attendance import ClockImport, ClockRecord
        from models.org import Staff
        from tests.xlsx_files import sheet_bomb, with_shared_strings, workbook

        limits = ImportLimits.from_config(application.config)
        session = db.session
        session.add_all([Staff(name=f"员工{i}", employee_no=f"{i:04d}", unit="office")
                         for i in range(1, 301)])
        session.commit()

        def run(label, name, data, expect_rows):
            def step():
                result = import_clock_file(session, name, data, None, limits=limits)
                session.commit()
                return result

            result, wall, cpu = timed(step)
            assert result.ok and result.rows == expect_rows, (label, result.errors[:3])
            results.append((label, f"{len(data) / 1e6:.1f} MB", f"{expect_rows:,}",
                            f"{wall:.1f}", f"{cpu:.1f}"))
            session.execute(delete(ClockRecord))
            session.execute(delete(ClockImport))
            session.commit()

        year = list(clock_rows(60, 250))
        assert len(year) == 60_000
        run("a year of 60 staff, .xlsx", "year.xlsx", as_xlsx(year), 60_000)
        run("a year of 60 staff, CSV", "year.csv", as_csv(year), 60_000)
        if not args.skip_largest:
            largest = list(clock_rows(300, 250))[:limits.rows]
            run(f"the largest allowed: {limits.rows:,} rows × 3 columns, .xlsx", "big.xlsx",
                as_xlsx(largest), limits.rows)
            run(f"{limits.rows:,} rows, CSV", "big.csv", as_csv(largest), limits.rows)

        bombs = {
            "issue #18's workbook (3.3 M rows, 257 MB unpacked)": sheet_bomb(3_300_000),
            "400,000 shared texts for one cell": with_shared_strings(
                workbook([["x"]]), (b"%07d" % n for n in range(400_000)),
                b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
        }
        for label, data in bombs.items():
            def refuse(data=data):
                try:
                    import_clock_file(session, "bomb.xlsx", data, None, limits=limits)
                except RuleViolation as violation:
                    session.rollback()
                    return violation
                raise AssertionError("not refused")

            violation, wall, cpu = timed(refuse)
            results.append((f"refused: {label} — “{violation.render()}”",
                            f"{len(data) / 1e6:.2f} MB", "—", f"{wall:.3f}", f"{cpu:.3f}"))

    cpu_model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                      if line.startswith("model name")), "?")
    backend = url.split(":", 1)[0].split("+", 1)[0]
    print(f"### Clock import with the bounds of issue #18 — {date.today().isoformat()}\n")
    print(f"{cpu_model}, {os.cpu_count()} cores; Python {platform.python_version()}, "
          f"{backend}{' ' + sqlite3.sqlite_version if backend == 'sqlite' else ''}; "
          f"load average {os.getloadavg()[0]:.1f} at the end.\n")
    print("| file | size | rows | wall s | CPU s |\n|---|---:|---:|---:|---:|")
    for row in results:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
