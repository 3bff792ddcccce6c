"""Issue #21 (CASE-6): which plan PostgreSQL takes for the clerk's overdue list, with EXPLAIN
ANALYZE, on a database of the demo's cases.

    .venv/bin/python bench/bench_overdue_plan.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/<db>

Logs in as the demo clerk (window 01), GETs /overduecases/list/ with the test client, records
the page's statements over service_case (the bounded count and the page of 25) and runs each
again under EXPLAIN (ANALYZE). Exits 1 unless every one of them reads
ix_case_window_overdue_candidates (migration 0038). Prints Markdown for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_cases import load_average  # noqa: E402
from bench.bench_lists import StatementLog, log_in  # noqa: E402

INDEX = "ix_case_window_overdue_candidates"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["RATELIMIT_ENABLED"] = "false"
    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        engine = db.engine
    log = StatementLog(engine)
    client = log_in(app, "clerk")
    client.get("/overduecases/list/")
    with log.capture():
        assert client.get("/overduecases/list/").status_code == 200
    raw = engine.raw_connection()
    used = True
    print(f"Clerk's overdue list (/overduecases/list/), load average {load_average()}:\n")
    try:
        cursor = raw.cursor()
        for statement, parameters in log.statements:
            if "FROM service_case" not in statement or "deadline" not in statement:
                continue
            explain = "EXPLAIN (ANALYZE, COSTS OFF) " if engine.dialect.name != "sqlite" \
                else "EXPLAIN QUERY PLAN "
            cursor.execute(explain + statement, parameters)
            plan = [row[0] if engine.dialect.name != "sqlite" else row[-1]
                    for row in cursor.fetchall()]
            used &= any(INDEX in line for line in plan)
            print("```\n" + statement.split(" FROM ")[0][:60] + " …\n" + "\n".join(plan) + "\n```\n")
        raw.rollback()
    finally:
        raw.close()
    print(f"{INDEX} used by every statement: {used}")
    return 0 if used else 1


if __name__ == "__main__":
    sys.exit(main())
