"""Where the ledger export's time goes (CASE-10, issue #12): the office's export of one year, as
LedgerView.export runs it — the bounded count of EXPORT_MAX_ROWS, the SQL alone (every row
fetched) and the whole `write_ledger` — and the SQL without each of its two correlated lookups
of case_transition (the ledger condition, the result of a delivered or closed case), to see what
replacing them by a join could gain at most. Not a test: copy the lines into bench/RESULTS.md.

    .venv/bin/python bench/bench_ledger_export.py --cases 200000
    .venv/bin/python bench/bench_ledger_export.py --database-url sqlite:////tmp/b/bench.db  # reuse

Builds the database the way an operator does (`flask bianmin upgrade`, then
`flask bianmin demo --cases N`, which ends with ANALYZE) in a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

RUNS = 3


def timed(label: str, run) -> None:
    """The best of RUNS runs: wall and CPU seconds, and what `run` returned (rows)."""
    best = None
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        rows = run()
        result = (time.perf_counter() - wall, time.process_time() - cpu, rows)
        best = result if best is None or result[0] < best[0] else best
    wall, cpu, rows = best
    print(f"| {label} | {rows:,} | {wall:.2f} | {cpu:.2f} | {1e6 * cpu / max(rows, 1):.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--database-url", default=None, help="reuse this SQLite database")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["BIANMIN_INSTANCE"] = folder
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    os.environ["DATABASE_URL"] = url
    from app import create_app

    config = {"TESTING": True, "RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": url}
    if not args.database_url:
        runner = create_app(config).test_cli_runner()
        for command in (["bianmin", "upgrade"],
                        ["bianmin", "demo", "--password", "Bench#Pass1234",
                         "--cases", str(args.cases)]):
            assert runner.invoke(args=command).exit_code == 0, command
    application = create_app(config)
    with application.app_context(), application.test_request_context():
        run(application)


def run(application) -> None:
    from sqlalchemy import func, select
    from sqlalchemy.orm import aliased

    from app import context
    from app.extensions import db
    from app.services import ledger
    from app.services.exports import bounded_count
    from models.cases import Case
    from models.catalogue import ServiceItem
    from models.org import Staff, Window

    session = db.session
    last = session.scalar(select(func.max(Case.accepted_on)))
    period = (Case.accepted_on >= last - timedelta(days=364), Case.accepted_on <= last)
    order = Case.received_at.desc()
    cases = session.query(Case).filter(ledger.in_ledger_condition(), *period).order_by(order)
    cap = application.config["EXPORT_MAX_ROWS"]
    item, window, handler = aliased(ServiceItem), aliased(Window), aliased(Staff)

    def statement(query, result):
        return (query.with_entities(Case.accepted_at, Case.number, item.name, window.number,
                                    window.name, Case.decided_at, Case.collector_name,
                                    handler.name, result)
                .outerjoin(item, item.id == Case.item_id)
                .outerjoin(window, window.id == Case.window_id)
                .outerjoin(handler, handler.id == Case.handler_id).statement)

    def fetch(select_statement):
        return lambda: len(session.connection().execute(select_statement).fetchall())

    def write():
        with tempfile.TemporaryFile() as out:
            return ledger.write_ledger(
                session, ledger.ledger_statement(cases), out, title="台帐",
                headers=[str(n) for n in range(9)],
                result_labels={key: key for key in ledger.RESULT_LABELS},
                format_time=ledger.minute_formatter(ZoneInfo(context.center_zone().key)))

    plain = session.query(Case).filter(*period).order_by(order)
    print(f"Ledger export of {last - timedelta(days=364)} … {last}, "
          f"{session.scalar(select(func.count(Case.id))):,} cases; today {date.today()}")
    print("| step | rows | wall s | CPU s | CPU µs a row |")
    print("|---|---:|---:|---:|---:|")
    timed(f"bounded count (cap {cap:,})", lambda: bounded_count(
        session, cases.with_entities(Case.id).statement, cap))
    timed("export SQL, every row fetched", fetch(ledger.ledger_statement(cases)))
    timed("… without the result lookup (state as is)", fetch(statement(cases, Case.state)))
    timed("… without the ledger condition either", fetch(statement(plain, Case.state)))
    timed("write_ledger (SQL, formatting, writer)", write)


if __name__ == "__main__":
    main()
