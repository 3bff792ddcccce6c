"""CLI: `flask bianmin demo` and `flask bianmin upgrade` can be run again safely, and bad input
ends in one readable line on stderr, a non-zero status and nothing saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from app.demo import DEMO_USERS
from tests.factories import login

DEMO_PASSWORD = "Demo#Pass1234"
# Rows that change on purpose when the command runs again (the trail of the password reset, and
# the reset ending the demo users' sessions: issue #18).
VOLATILE_TABLES = {"audit_log", "user_session_generation"}


def run(app, *args):
    return app.test_cli_runner().invoke(args=["bianmin", *args])


def row_counts(app) -> dict[str, int]:
    from app.extensions import db
    from models import Model

    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in Model.metadata.sorted_tables if table.name not in VOLATILE_TABLES
        }
        db.session.remove()
    return counts


def demo_usernames(app) -> list[str]:
    from app.extensions import db

    with app.app_context():
        user = app.appbuilder.sm.user_model
        names = db.session.scalars(select(user.username).where(
            user.username.in_([username for _, username, *_ in DEMO_USERS]))).all()
        db.session.remove()
    return sorted(names)


def test_cli_demo_creates_one_login_per_role(app):
    result = run(app, "demo", "--password", DEMO_PASSWORD)
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert demo_usernames(app) == sorted(username for _, username, *_ in DEMO_USERS)
    for role, username, *_ in DEMO_USERS:
        assert username in result.output and role in result.output

    with app.app_context():
        sm = app.appbuilder.sm
        for role, username, *_ in DEMO_USERS:
            assert [r.name for r in sm.find_user(username=username).roles] == [role]
    client = app.test_client()
    assert login(client, "clerk", DEMO_PASSWORD).status_code == 302
    assert client.get("/users/userinfo/").status_code == 200


def test_cli_demo_is_idempotent(app):
    first = run(app, "demo", "--password", DEMO_PASSWORD)
    assert first.exit_code == 0, first.output
    counts = row_counts(app)
    assert counts["window"] > 0 and counts["service_item"] > 0 and counts["staff"] > 0

    second = run(app, "demo", "--password", DEMO_PASSWORD)
    assert second.exit_code == 0, second.output + repr(second.exception)
    assert row_counts(app) == counts, "the second run added or removed rows"
    assert demo_usernames(app) == sorted(username for _, username, *_ in DEMO_USERS)
    assert login(app.test_client(), "admin", DEMO_PASSWORD).status_code == 302


@pytest.mark.parametrize("weak", ["weak", "password1234", "Short#1a"])
def test_cli_demo_refuses_a_weak_password_in_one_line(app, weak):
    result = run(app, "demo", "--password", weak)
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误 / Error:")
    assert demo_usernames(app) == [], "a refused run saved users"
    assert row_counts(app)["window"] == 0, "a refused run saved windows"


def test_cli_upgrade_is_idempotent(app):
    counts = []
    for _ in range(2):
        result = run(app, "upgrade")
        assert result.exit_code == 0, result.output + repr(result.exception)
        assert "up to date" in result.output
        counts.append(row_counts(app))
    assert counts[1] == counts[0], "the second run changed rows (roles, permissions, seeds)"


# ---- Issue #9: planner statistics after upgrade and demo -------------------------------

def case_rows_in_statistics(app) -> int | None:
    """The number of service_case rows the planner believes in (None: no statistics)."""
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            stat = db.session.execute(text(
                "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_case_received'")).scalar()
            rows = None if stat is None else int(stat.split()[0])
        else:
            rows = db.session.execute(text(
                "SELECT reltuples FROM pg_class WHERE relname = 'service_case'")).scalar()
            rows = None if rows is None or rows < 0 else int(rows)
        db.session.remove()
    return rows


def forget_statistics(app) -> None:
    """SQLite: drop the statistics (the test database is shared by the whole run)."""
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            with db.engine.begin() as conn:
                if conn.execute(text("SELECT 1 FROM sqlite_master "
                                     "WHERE name = 'sqlite_stat1'")).first():
                    conn.execute(text("DELETE FROM sqlite_stat1"))
            db.engine.dispose()
        db.session.remove()


@pytest.fixture
def no_statistics(app):
    forget_statistics(app)
    yield
    forget_statistics(app)


def test_cli_demo_ends_with_analyze_so_the_planner_knows_the_new_cases(app, no_statistics):
    """Issue #9: without ANALYZE SQLite guesses, and the ledger reads whole windows."""
    result = run(app, "demo", "--password", DEMO_PASSWORD, "--cases", "40")
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert case_rows_in_statistics(app) == row_counts(app)["service_case"] >= 40


def test_cli_upgrade_ends_with_analyze(app, no_statistics):
    assert run(app, "demo", "--password", DEMO_PASSWORD, "--cases", "10").exit_code == 0
    cases = row_counts(app)["service_case"]
    forget_statistics(app)  # on PostgreSQL the demo's own ANALYZE stays: cases are the same
    result = run(app, "upgrade")
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert case_rows_in_statistics(app) == cases >= 10


# --- OPS-1 (issue #18): a generation by command while the same job runs ------------------------
@pytest.fixture
def other_process(database_url):
    """A session of another process, in effect: its own engine and connections."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(database_url)
    session = Session(bind=engine)
    yield session
    session.close()
    engine.dispose()


@pytest.mark.parametrize("command", ["deductions", "attendance"])
def test_ops_1_a_command_generating_while_the_job_runs_ends_in_one_line_and_status_1(
        app, other_process, command):
    from app.services.jobs import exclusive_job

    with exclusive_job(other_process, command, started_by="office_wang", subject="2026-10"):
        result = run(app, command, "--month", "2026-10")
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert f"{command}: running since " in line and "(office_wang on " in line
    # Free again: the command runs and is recorded.
    again = run(app, command, "--month", "2026-10")
    assert again.exit_code == 0, again.output
    assert again.output.startswith("2026-10: ")


def test_ops_1_attendance_command_derives_a_month_and_refuses_a_bad_one(app, db_session):
    from models.jobs import JobRun

    result = run(app, "attendance", "--month", "2026-10")
    assert result.exit_code == 0 and result.output.startswith("2026-10: "), result.output
    [row] = db_session.scalars(select(JobRun)).all()
    assert (row.job, row.subject, row.started_by, row.outcome) == (
        "attendance", "2026-10", "cli:attendance", "done")
    bad = run(app, "attendance", "--month", "2026-13")
    assert bad.exit_code == 1 and len(bad.output.strip().splitlines()) == 1
