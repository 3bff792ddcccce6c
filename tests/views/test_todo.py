"""待办 — every staff member's to-do list and its count in the navigation bar (issue #10):
requests waiting for my approval (LEAVE-2), a 销假 I owe (LEAVE-3), a duty log I owe
(ROSTER-2), a handover waiting for my confirmation (HAND-1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.context import today
from app.services.todo import todo_count, todo_rows
from models.handover import Handover
from models.leave import LeaveRequest
from models.org import Staff
from models.roster import DutyShift
from tests.factories import staff_of


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    """`today()` is the app's clock, set to a Wednesday (issue #17: one result on any day)."""
    center_now(date(2026, 11, 18))


def leave(db_session, staff, *, days="1", state="pending", approver="director", start=None,
          end=None):
    start = start or today() + timedelta(days=7)
    request = LeaveRequest(staff=staff, kind="personal", start_day=start, end_day=end or start,
                           days=Decimal(days), approver_position=approver, state=state)
    db_session.add(request)
    db_session.commit()
    return request


def test_leave_2_a_request_waits_on_the_to_do_list_of_its_approver_position_only(
        db_session, log_in, window_a):
    deputy = log_in("Leadership", username="deputy")
    office = log_in("Office", username="officehead")
    clerk = log_in("Clerk", window=window_a)
    staff_of(db_session, deputy).position = "deputy_director"
    staff_of(db_session, office).position = "office_head"
    db_session.commit()
    request = leave(db_session, staff_of(db_session, clerk), days="2", approver="director")

    page = deputy.get("/my/").get_data(as_text=True)
    assert f"/leaverequestview/show/{request.id}" in page
    assert 'class="badge badge-todo">1<' in page  # the navbar count
    assert f"/leaverequestview/show/{request.id}" not in office.get("/my/").get_data(as_text=True)
    assert "badge-todo" not in clerk.get("/my/").get_data(as_text=True)


def test_leave_2_nobody_approves_their_own_request_so_it_is_not_on_their_list(
        db_session, log_in):
    director = log_in("Leadership", username="director")
    me = staff_of(db_session, director)
    me.position = "director"
    db_session.commit()
    leave(db_session, me, days="2", approver="director")
    assert todo_count(db_session, me, today()) == 0


def test_leave_3_an_ended_leave_without_report_back_waits_until_reported(db_session, log_in,
                                                                        window_a):
    clerk = log_in("Clerk", window=window_a)
    me = staff_of(db_session, clerk)
    day = date(2026, 11, 2)
    ended = leave(db_session, me, state="approved", start=day, end=day)
    leave(db_session, me, state="approved", start=day + timedelta(days=30),
          end=day + timedelta(days=30))  # not ended yet on the 20th
    rows = todo_rows(db_session, me, date(2026, 11, 20))["report_back"]
    assert [row.record_id for row in rows] == [ended.id]
    ended.reported_back_on = date(2026, 11, 3)
    db_session.commit()
    assert todo_rows(db_session, me, date(2026, 11, 20))["report_back"] == []


def test_a_login_without_a_staff_record_has_an_empty_to_do_list(as_admin, db_session):
    page = as_admin.get("/my/")
    assert page.status_code == 200
    assert todo_count(db_session, None, today()) == 0


def test_roster_2_a_past_duty_day_without_log_waits_on_the_duty_persons_list(db_session, log_in,
                                                                             window_a):
    clerk = log_in("Clerk", window=window_a)
    me = staff_of(db_session, clerk)
    past = DutyShift(day=today() - timedelta(days=3), staff=me)
    coming = DutyShift(day=today() + timedelta(days=3), staff=me)
    db_session.add_all([past, coming])
    db_session.commit()
    page = clerk.get("/my/").get_data(as_text=True)
    assert f"/dutyshiftview/log/{past.id}" in page
    assert f"/dutyshiftview/log/{coming.id}" not in page
    assert coming.day.isoformat() in page  # listed among my duty days, not as owed
    past.log_written_at = datetime(2026, 11, 15, 2, tzinfo=timezone.utc)
    db_session.commit()
    assert todo_rows(db_session, me, today())["duty_log"] == []


def test_hand_1_a_handover_waits_for_the_receivers_own_confirmation(db_session, log_in, window_a):
    giver = log_in("Clerk", window=window_a)
    receiver = log_in("Clerk", window=window_a)
    handover = Handover(giver=staff_of(db_session, giver), receiver=staff_of(db_session, receiver),
                        items="公章一枚")
    db_session.add(handover)
    db_session.commit()
    assert f"/handoverview/show/{handover.id}" in receiver.get("/my/").get_data(as_text=True)
    counts = {kind: len(rows) for kind, rows in
              todo_rows(db_session, staff_of(db_session, receiver), today()).items()}
    assert counts["handover_confirm"] == 1


def test_leave_2_the_navbar_count_costs_the_same_queries_for_one_or_many_requests(
        db_session, log_in, window_a):
    """The 待办 count runs on every page: one query per source, not one per waiting request."""
    from sqlalchemy import event

    from app.extensions import db

    deputy = log_in("Leadership", username="deputy_n")
    me = staff_of(db_session, deputy)
    me.position = "deputy_director"
    db_session.commit()
    me_id = me.id

    def statements() -> int:
        db_session.expunge_all()
        approver = db_session.get(Staff, me_id)  # loaded before counting
        seen = []
        record = lambda *args: seen.append(args[2])  # noqa: E731 — (conn, cursor, statement...)
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert todo_count(db_session, approver, today()) >= 1
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(seen)

    clerks = [Staff(name=f"请假人{n}", unit="window", window=window_a) for n in range(4)]
    db_session.add_all(clerks)
    db_session.commit()
    leave(db_session, clerks[0], days="2")
    one = statements()
    for clerk in clerks[1:]:
        leave(db_session, clerk, days="2")
    assert statements() == one


def test_leave_2_a_request_of_someone_who_left_still_waits_for_its_decision_on_both_lists(
        db_session, log_in, window_a):
    """LEAVE-2: the requester left the center after filing (a backfilled 补假 of days worked
    before, say): the request still needs its decision, so the approver's queue and the to-do
    list with its count keep it alike, the queue marking the requester as gone."""
    deputy = log_in("Leadership", username="deputy")
    clerk = log_in("Clerk", window=window_a)
    staff_of(db_session, deputy).position = "deputy_director"
    gone = staff_of(db_session, clerk)
    request = leave(db_session, gone, days="2", approver="director")
    gone.is_active = False
    db_session.commit()

    me = staff_of(db_session, deputy)
    assert [row.record_id for row in todo_rows(db_session, me, today())["leave_approval"]] == [
        request.id]
    assert todo_count(db_session, me, today()) == 1
    queue = deputy.get("/leaverequestview/queue/").get_data(as_text=True)
    assert f'data-leave="{request.id}"' in queue and "leave-inactive" in queue
    assert 'class="badge badge-todo">1<' in queue  # the navbar count on the same page


def test_issue_21_own_kinds_in_one_statement_are_each_sources_rows_in_its_order(
        app, db_session, log_in, window_a):
    """LEAVE-3, ROSTER-2, HAND-1, LEAVE-1: the person's own to-do kinds, read in one UNION ALL
    for the home page (issue #21 P1), are exactly the rows each kind's source reads, in its
    order (by day, or by creation instant, then id) — and cost one statement."""
    from app.services import todo
    from models.leave import LeaveNotification
    from tests.factories import statements

    clerk, other = log_in("Clerk", window=window_a), log_in("Clerk", window=window_a)
    me, them = staff_of(db_session, clerk), staff_of(db_session, other)
    day = today()
    late = leave(db_session, me, state="approved", start=day - timedelta(days=9),
                 end=day - timedelta(days=8))
    early = leave(db_session, me, state="approved", start=day - timedelta(days=20),
                  end=day - timedelta(days=19))
    db_session.add_all([DutyShift(day=day - timedelta(days=2), staff=me),
                        DutyShift(day=day - timedelta(days=5), staff=me),
                        DutyShift(day=day - timedelta(days=4), staff=them, substitute=me),
                        DutyShift(day=day - timedelta(days=6), staff=me, substitute=them)])
    at = datetime(2026, 11, 10, 17, 30, tzinfo=timezone.utc)  # the 11th in the center's time
    db_session.add_all([Handover(giver=them, receiver=me, items="公章", created_at=at),
                        Handover(giver=me, receiver=them, items="钥匙",
                                 created_at=at - timedelta(days=3)),
                        Handover(giver=them, receiver=me, items="账册", created_at=at,
                                 receiver_confirmed_at=at)])
    for leave_request, created in ((late, at), (early, at + timedelta(hours=1)),
                                   (early, at - timedelta(days=1))):
        db_session.add(LeaveNotification(leave_request_id=leave_request.id,
                                         recipient_position="clerk", event="filed",
                                         recipient_staff_id=me.id, created_at=created))
    db_session.commit()
    sources = {"report_back": todo.report_back_owed, "duty_log": todo.duty_logs_due,
               "handover_confirm": todo.handovers_to_confirm,
               "leave_filed_for_me": todo.leave_filed_for_me}
    expected = {kind: source(db_session, me, day) for kind, source in sources.items()}
    assert [len(expected[kind]) for kind in todo.OWN_KINDS] == [2, 3, 2, 3]
    with statements(app) as sent:
        got = todo.own_todo_rows(db_session, me, day)
    assert got == expected
    assert len(sent) == 1, sent
