"""Issue #9 (CASE-6): a clerk's overdue list is read through index 0009, not through the window's
whole history. SQLite only: its plan is stable without statistics and on a handful of rows;
PostgreSQL's depends on table sizes (bench/bench_lists.py records both at 100,000 cases)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from app.services.case_queries import overdue_condition
from models.cases import Case

TODAY = date(2026, 11, 30)
INDEX = "ix_case_window_deadline_state_decided"


@pytest.fixture
def sqlite_session(db_session):
    """Without statistics: another test's ANALYZE (tests/test_cli.py) may have left some of a
    near-empty table, which would make any plan as good as another."""
    engine = db_session.get_bind()
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL's is measured in bench/RESULTS.md")
    db_session.close()
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
            conn.execute(text("DELETE FROM sqlite_stat1"))
    engine.dispose()  # connections read the statistics when they open
    return db_session


def query_plan(session, statement) -> str:
    sql = str(statement.compile(dialect=session.get_bind().dialect,
                                compile_kwargs={"literal_binds": True}))
    return "\n".join(row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))


def test_case_6_clerks_overdue_page_walks_the_window_in_deadline_order(sqlite_session):
    page = (select(Case).where(Case.window_id == 1, overdue_condition(TODAY))
            .order_by(Case.deadline.asc()).limit(25))
    plan = query_plan(sqlite_session, page)
    assert f"USING INDEX {INDEX} (window_id=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # no sort of the window's overdue cases


def test_case_6_clerks_overdue_count_reads_only_the_index(sqlite_session):
    """The list's bounded count selects the key only (BoundedCountInterface), so index 0009
    answers the whole condition without reading a case row."""
    bounded = select(Case.id).where(Case.window_id == 1, overdue_condition(TODAY)).limit(275)
    count = select(func.count()).select_from(bounded.subquery())
    plan = query_plan(sqlite_session, count)
    assert f"USING COVERING INDEX {INDEX} (window_id=?)" in plan, plan


def test_issue_21_the_overdue_candidates_index_holds_every_case_the_condition_can_select():
    """Migration 0038's partial index (PostgreSQL's plan for a clerk's overdue list, measured
    by bench/bench_overdue_plan.py) names the running states: they must stay CASE-6's."""
    import importlib.util
    import re
    from pathlib import Path

    from app.services.case_queries import RUNNING
    from models.cases import OVERDUE_CANDIDATES

    path = (Path(__file__).resolve().parents[2] / "migrations" / "versions"
            / "0038_case_window_overdue_candidates.py")
    spec = importlib.util.spec_from_file_location("migration_0038", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.CANDIDATES == OVERDUE_CANDIDATES
    states = re.search(r"state IN \(([^)]*)\)", OVERDUE_CANDIDATES).group(1)
    assert {s.strip(" '") for s in states.split(",")} == set(RUNNING)
