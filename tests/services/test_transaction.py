"""Issue #9: one unit of work per service call (`transaction()`), version columns against lost
updates, and a stale version or a lock read as one `Conflict`."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.exc import OperationalError

from app.rules.errors import RuleViolation
from app.services.transaction import (Conflict, TransactionalInterface, check_version,
                                      is_conflict, transaction, transactional)
from models.org import Center, Window


def committed_names(session) -> set[str]:
    """What another connection sees: only committed rows."""
    with session.get_bind().connect() as other:
        return set(other.scalars(select(Window.name)))


def new_window(center, number="09") -> Window:
    return Window(center=center, number=number, name=f"{number}号窗口", department="县民政局")


def test_issue_9_a_block_commits_once_at_its_end(db_session, center):
    with transaction(db_session) as txn:
        db_session.add(new_window(center))
        db_session.flush()
        assert committed_names(db_session) == set()  # flushed, not yet committed
    assert txn.ok and committed_names(db_session) == {"09号窗口"}


def test_issue_9_a_broken_rule_rolls_back_and_becomes_the_doors_answer(db_session, center):
    def broken():
        db_session.add(new_window(center))
        db_session.flush()
        raise RuleViolation("ORG-1", "A window needs a department.", field="department")

    with transaction(db_session, on_error=lambda error: ("answered", error.field)) as txn:
        broken()
    assert not txn.ok and txn.answer == ("answered", "department")
    assert committed_names(db_session) == set()
    with pytest.raises(RuleViolation), transaction(db_session):  # no door: it propagates
        broken()
    assert committed_names(db_session) == set()


@pytest.fixture
def flush_guard():
    """A session guard like the staff one (app/security.py): a rule checked at flush time."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    def guard(session, _context, _instances):
        if any(isinstance(obj, Window) and obj.number == "66" for obj in session.new):
            raise RuleViolation("ORG-2", "Guarded.", field="number")

    event.listen(Session, "before_flush", guard)
    yield
    event.remove(Session, "before_flush", guard)


def test_issue_9_a_rule_a_guard_checks_when_the_commit_flushes_is_answered_like_any(
        db_session, center, flush_guard):
    """The block flushed nothing itself: the guard's rule comes from the commit's flush, and is
    the door's answer (or propagates without one) — not a 500 — with nothing saved."""
    with transaction(db_session, on_error=lambda error: ("answered", error.field)) as txn:
        db_session.add(new_window(center, "66"))
    assert not txn.ok and txn.answer == ("answered", "number")
    with pytest.raises(RuleViolation), transaction(db_session):
        db_session.add(new_window(center, "66"))
    assert committed_names(db_session) == set()


def test_issue_9_other_errors_roll_back_and_pass_through_untouched(db_session, center):
    with pytest.raises(ZeroDivisionError), transaction(db_session, on_error=lambda e: "never"):
        db_session.add(new_window(center))
        db_session.flush()
        1 / 0
    assert committed_names(db_session) == set()


def test_issue_9_a_nested_block_joins_the_outer_one(db_session, center):
    """A service opening its own transaction inside a view's commits nothing by itself."""
    with transaction(db_session, on_error=lambda error: "refused") as outer:
        with transaction(db_session) as inner:
            db_session.add(new_window(center))
        assert inner.ok and committed_names(db_session) == set()
        raise RuleViolation("ORG-1", "Refused after the inner block.")
    assert outer.answer == "refused" and committed_names(db_session) == set()


def test_issue_9_every_update_moves_the_version_by_one(db_session, center):
    window = new_window(center)
    db_session.add(window)
    db_session.commit()
    assert window.version == 1
    with transaction(db_session):
        window.name = "民政窗口"
    assert window.version == 2


def test_issue_9_a_second_writer_of_the_same_version_gets_a_conflict_not_an_overwrite(
        db_session, center):
    window = new_window(center)
    db_session.add(window)
    db_session.commit()
    assert window.version == 1  # read by "the first user"
    # Someone else saves the row meanwhile (another session, another connection).
    with db_session.get_bind().begin() as other:
        other.execute(update(Window).where(Window.id == window.id)
                      .values(name="他人修改", version=Window.version + 1))
    answers = []
    with transaction(db_session, on_error=answers.append) as txn:
        window.name = "我的修改"
    assert not txn.ok and isinstance(answers[0], Conflict)
    assert committed_names(db_session) == {"他人修改"}
    with pytest.raises(Conflict), transaction(db_session):  # no door: a Conflict propagates
        db_session.get(Window, window.id).department = "x"
        check_version(window, 1)


@pytest.mark.parametrize("seen, stale", [(None, False), ("", False), (3, False), ("3", False),
                                         ('"3"', False), ('W/"3"', False), (2, True),
                                         ("4", True), ("abc", True)])
def test_issue_9_check_version_compares_what_the_client_read(seen, stale):
    row = Window(version=3)
    if stale:
        with pytest.raises(Conflict):
            check_version(row, seen)
    else:
        check_version(row, seen)


def test_issue_9_a_locked_database_and_stale_data_read_as_conflicts():
    locked = OperationalError("UPDATE window", {}, Exception("database is locked"))
    other = OperationalError("UPDATE window", {}, Exception("disk I/O error"))
    assert is_conflict(locked) and not is_conflict(other)


def test_issue_9_sqlite_connections_wait_for_another_writer(app, db_session):
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's busy timeout")
    assert db_session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    bare = create_engine("sqlite://")
    with bare.connect() as conn:  # any engine, not only the app's (a connect event)
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    bare.dispose()


def test_issue_9_fab_interface_writes_through_transaction_and_keeps_its_contract(
        db_session, center):
    calls = []
    datamodel = TransactionalInterface(Window, db_session)
    datamodel.after_write = lambda session: calls.append(session.scalar(
        select(func.count(Window.id))))  # runs before the commit, sees the flushed row
    window = new_window(center)
    datamodel.add(window)
    assert calls == [1] and committed_names(db_session) == {"09号窗口"}
    assert window.version == 1  # read (after the commit expired it) before the other writer
    with db_session.get_bind().begin() as other:
        other.execute(update(Window).values(version=Window.version + 1))
    window.name = "过时的修改"
    with pytest.raises(Conflict):
        datamodel.edit(window)
    assert committed_names(db_session) == {"09号窗口"}


def test_issue_9_a_plain_fab_interface_is_made_transactional_in_place(db_session):
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    plain = SQLAInterface(Center, db_session)
    assert transactional(plain) is plain and isinstance(plain, TransactionalInterface)
    assert "version" not in plain.get_user_columns_list() and "name" in plain.get_user_columns_list()
    assert plain.is_versioned()


def test_issue_9_bulk_rows_must_carry_the_version_like_orm_rows(db_session):
    """The demo bulk loader writes past the ORM: its rows must carry `version` (the ORM's
    default 1), or the inserter refuses them."""
    from app.demo.bulk_load import BulkInserter
    from app.demo.cases import _WRITTEN, FIRST_VERSION
    from models.cases import Case

    assert FIRST_VERSION == Case.__table__.c.version.default.arg
    for table, columns, _key in _WRITTEN:
        if "version" in table.c:
            assert "version" in columns, table.name
    without = tuple(c for c in dict((t.name, c) for t, c, _k in _WRITTEN)["service_case"]
                    if c != "version")
    with pytest.raises(ValueError, match="version"):
        BulkInserter(Case.__table__, without, db_session.get_bind().dialect)


def test_issue_9_a_command_stops_with_one_line_and_status_1_and_saves_nothing(
        app, db_session, center, capsys):
    from app.cli import command_transaction

    with pytest.raises(SystemExit) as stopped, command_transaction():
        db_session.add(new_window(center))
        db_session.flush()
        raise RuleViolation("ORG-1", "A window needs a department.")
    assert stopped.value.code == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "ORG-1" in lines[0]
    assert committed_names(db_session) == set()
    with command_transaction() as txn:
        db_session.add(new_window(center))
    assert txn.ok and committed_names(db_session) == {"09号窗口"}
