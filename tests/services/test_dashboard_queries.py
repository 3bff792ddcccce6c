"""Dashboard figures (issue #12) against direct counts on the same data.

The data: two windows, cases accepted and decided over three months (on time, late, rated,
still running past the deadline), approved leave around "today", derived attendance days and
score events. Every KPI and chart series of `leadership_dashboard` is compared with a count
made in Python over the very rows created here.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.rules.calendar import month_end
from app.rules.scoring import DEFAULT_CATEGORIES, monthly_window_score, rank_windows
from app.services import dashboard_queries as dq
from app.services.away import leave_halves_of
from app.services.calendar import load_calendar
from models.attendance import AttendanceDay
from models.cases import Case
from models.leave import LeaveRequest
from models.org import Staff
from models.scoring import ScoreEvent
from tests.factories import residence_permit_item

TODAY = date(2026, 10, 20)
PERIOD = date(2026, 10, 1)
RUNNING_STATES = ("accepted", "in_progress", "extended")
DECIDED_STATES = ("decided_approved", "delivered", "closed")
RATINGS = (None, "satisfied", "basically_satisfied", "dissatisfied")


@pytest.fixture
def world(db_session, window_a, window_b):
    from app.services.calendar import refresh_work_days

    refresh_work_days(db_session, TODAY)  # the work_day ordinals behind "days to decide"
    rnd = random.Random(12)
    items = {w.id: residence_permit_item(db_session, w, code=f"D-{w.number}")
             for w in (window_a, window_b)}
    cases = []
    for n in range(160):
        window = rnd.choice((window_a, window_b))
        accepted = date(2026, 8, 1) + timedelta(days=rnd.randrange(0, 80))
        deadline = accepted + timedelta(days=rnd.randrange(3, 20))
        decided = accepted + timedelta(days=rnd.randrange(1, 30)) if rnd.random() < 0.7 else None
        if decided is not None and decided > TODAY:
            decided = None
        state = rnd.choice(DECIDED_STATES) if decided else rnd.choice(RUNNING_STATES)
        satisfaction = rnd.choice(RATINGS) if decided else None
        case = Case(number=f"DASH-{n:04d}", case_class="promised", state=state,
                    item_id=items[window.id].id, window_id=window.id, applicant_name="张三",
                    accepted_on=accepted, deadline=deadline, decided_on=decided,
                    urgent=rnd.random() < 0.1, satisfaction=satisfaction,
                    satisfaction_source="clerk" if satisfaction else None)
        cases.append(case)
    db_session.add_all(cases)
    staff = [Staff(name=f"员工{i}", window=(window_a, window_b)[i % 2], unit="window")
             for i in range(6)]
    db_session.add_all(staff)
    db_session.flush()
    leave = [
        # away today: approved, covering today, not reported back
        LeaveRequest(staff_id=staff[0].id, kind="annual", start_day=TODAY - timedelta(days=1),
                     end_day=TODAY + timedelta(days=2), days=Decimal("4"),
                     approver_position="director", state="approved"),
        LeaveRequest(staff_id=staff[1].id, kind="sick", start_day=TODAY, end_day=TODAY,
                     days=Decimal("1"), approver_position="director", state="approved"),
        # not away: reported back today, pending, rejected, ended yesterday and reported back
        # today (an overstay not reported back stays away: tests/services/test_away.py)
        LeaveRequest(staff_id=staff[2].id, kind="annual", start_day=TODAY - timedelta(days=3),
                     end_day=TODAY + timedelta(days=3), days=Decimal("5"),
                     approver_position="director", state="approved", reported_back_on=TODAY),
        LeaveRequest(staff_id=staff[3].id, kind="annual", start_day=TODAY, end_day=TODAY,
                     days=Decimal("1"), approver_position="director", state="pending"),
        LeaveRequest(staff_id=staff[4].id, kind="annual", start_day=TODAY, end_day=TODAY,
                     days=Decimal("1"), approver_position="director", state="rejected"),
        LeaveRequest(staff_id=staff[5].id, kind="annual", start_day=TODAY - timedelta(days=5),
                     end_day=TODAY - timedelta(days=1), days=Decimal("3"),
                     approver_position="director", state="approved", reported_back_on=TODAY),
    ]
    db_session.add_all(leave)
    attendance = []
    for person in staff:
        for day in (date(2026, 10, 9), date(2026, 10, 12), date(2026, 9, 30)):
            attendance.append(AttendanceDay(
                staff_id=person.id, day=day, am_status="ok", pm_status="ok",
                late_early=rnd.randrange(0, 3), absent_days=Decimal(rnd.choice(("0", "0.5")))))
    db_session.add_all(attendance)
    categories = ("M1", "M2", "M3", "M4", "M5", "M7", "M8", "M9", "B")
    events = []
    for n in range(60):
        window = rnd.choice((window_a, window_b))
        period = rnd.choice((PERIOD, date(2026, 9, 1)))
        category = rnd.choice(categories)
        points = Decimal(rnd.randrange(1, 6)) * (1 if category == "B" else -1)
        events.append(ScoreEvent(window_id=window.id, category=category, day=period,
                                 period=period, points=points, source="manual"))
    db_session.add_all(events)
    db_session.commit()
    return {"cases": cases, "staff": staff, "leave": leave, "attendance": attendance,
            "events": events, "windows": (window_a, window_b)}


def month_of(day):
    return day.replace(day=1)


def taken_in_month(leave, month, calendar) -> Decimal:
    """The leave half days (ATT-3 `leave_halves`) of the month's working days, ½ each."""
    days = (month + timedelta(days=n) for n in range((month_end(month) - month).days + 1))
    return sum((Decimal(len(leave_halves_of(leave, day))) / 2 for day in days
                if calendar.is_working_day(day)), Decimal(0))


def pct(part, whole):
    return None if not whole else round(part * 100.0 / whole, 1)


def test_every_kpi_matches_a_hand_count(db_session, world):
    data = dq.leadership_dashboard(db_session, PERIOD, TODAY)
    cases = world["cases"]
    end = date(2026, 10, 31)
    in_month = [c for c in cases if c.decided_on and PERIOD <= c.decided_on <= end]
    rated = [c for c in in_month if c.satisfaction]
    calendar = load_calendar(db_session)

    def working_between(a, b):
        return len([d for d in (a + timedelta(days=i) for i in range((b - a).days + 1))
                    if calendar.is_working_day(d)]) - (1 if calendar.is_working_day(a) else 0)

    kpi = data["kpi"]
    assert kpi["accepted_month"] == len([c for c in cases if PERIOD <= c.accepted_on <= end])
    assert kpi["accepted_year"] == len([c for c in cases if date(2026, 1, 1) <= c.accepted_on <= TODAY])
    assert kpi["decided_month"] == len(in_month)
    assert kpi["on_time_rate"] == pct(len([c for c in in_month if c.decided_on <= c.deadline]),
                                      len(in_month))
    assert kpi["overdue_now"] == len([c for c in cases if c.state in RUNNING_STATES
                                      and c.deadline < TODAY])
    assert kpi["satisfaction_rate"] == pct(
        len([c for c in rated if c.satisfaction in ("satisfied", "basically_satisfied")]), len(rated))
    assert kpi["rated_month"] == len(rated)
    expected_days = round(sum(working_between(c.accepted_on, c.decided_on) for c in in_month)
                          / len(in_month), 1)
    assert kpi["average_days"] == expected_days
    assert kpi["away_today"] == 2
    assert kpi["complaints_open"] == 0 and set(data["complaint_trend"]) == {0}  # none recorded


def test_chart_series_match_hand_counts(db_session, world):
    data = dq.leadership_dashboard(db_session, PERIOD, TODAY)
    cases, (window_a, window_b) = world["cases"], world["windows"]
    months = [date.fromisoformat(m + "-01") for m in data["months"]]
    assert months[-1] == PERIOD and len(months) == 12
    assert {row["window_id"] for row in data["accepted_by_window"]} == {window_a.id, window_b.id}
    for row in data["accepted_by_window"]:
        assert row["counts"] == [len([c for c in cases if c.window_id == row["window_id"]
                                      and month_of(c.accepted_on) == m]) for m in months]
    for index, month in enumerate(months):
        decided = [c for c in cases if c.decided_on and month_of(c.decided_on) == month]
        assert data["on_time_trend"][index] == pct(
            len([c for c in decided if c.decided_on <= c.deadline]), len(decided))
    for row in data["overdue_by_window"]:
        assert row["count"] == len([c for c in cases if c.window_id == row["window_id"]
                                    and c.state in RUNNING_STATES and c.deadline < TODAY])
    for row in data["satisfaction_by_window"]:
        rated = [c for c in cases if c.window_id == row["window_id"] and c.satisfaction
                 and c.decided_on and month_of(c.decided_on) == PERIOD]
        assert row["rated"] == len(rated)
        assert row["dissatisfied"] == len([c for c in rated if c.satisfaction == "dissatisfied"])
        assert row["rate"] == pct(len([c for c in rated if c.satisfaction != "dissatisfied"]),
                                  len(rated))
    staff_window = {s.id: s.window_id for s in world["staff"]}
    calendar = load_calendar(db_session)
    assert sum(row["leave_days"] for row in data["attendance_by_window"]) == 9.0  # not 4+1+5+3
    for row in data["attendance_by_window"]:
        days = [a for a in world["attendance"] if staff_window[a.staff_id] == row["window_id"]
                and month_of(a.day) == PERIOD]
        assert row["late_early"] == sum(a.late_early for a in days)
        assert row["absent_days"] == float(sum(a.absent_days for a in days))
        # LEAVE-3/4: the days taken in the month, half day by half day (the 销假 of 10-20
        # cuts staff 2's leave to Monday 10-19), not the planned `days`.
        taken = {r.id: taken_in_month(r, PERIOD, calendar) for r in world["leave"]
                 if staff_window[r.staff_id] == row["window_id"] and r.state == "approved"}
        assert row["leave_requests"] == len([r for r, days in taken.items() if days])
        assert row["leave_days"] == float(sum(taken.values()))
    assert sum(row["away_today"] for row in data["attendance_by_window"]) == 2


def test_score_2_3_ranking_from_events_matches_the_rules(db_session, world):
    """SCORE-2/3: each window's month score is monthly_window_score of its events' sums, the
    ranking is rank_windows' and the first five (here: both) are 红旗窗口."""
    data = dq.leadership_dashboard(db_session, PERIOD, TODAY)
    rows = []
    for window in world["windows"]:
        events = [(e.category, e.points) for e in world["events"]
                  if e.window_id == window.id and e.period == PERIOD]
        score = monthly_window_score(events, None, DEFAULT_CATEGORIES, 10)
        m3 = -sum((p for c, p in events if c == "M3"), Decimal(0))
        rows.append((f"{window.number} {window.name}", score.total, 0, m3))
        assert dq.window_month_score(db_session, window.id, PERIOD) == score.total
        assert dq.window_home(db_session, window.id, PERIOD, TODAY)["score"] == float(score.total)
    expected = rank_windows(rows, 5)
    assert [(r["rank"], f'{r["number"]} {r["name"]}', r["red_flag"]) for r in data["ranking"]] \
        == expected
    totals = {f"{w.number} {w.name}": t for w, (_n, t, _c, _o) in zip(world["windows"], rows)}
    assert all(Decimal(str(r["total"])) == totals[f'{r["number"]} {r["name"]}']
               for r in data["ranking"])


def test_window_filter_narrows_every_figure(db_session, world):
    window_a = world["windows"][0]
    data = dq.leadership_dashboard(db_session, PERIOD, TODAY, window_a.id)
    assert [w["id"] for w in data["windows"]] == [window_a.id]
    assert data["kpi"]["overdue_now"] == len([c for c in world["cases"] if c.window_id == window_a.id
                                              and c.state in RUNNING_STATES and c.deadline < TODAY])
    assert {r["window_id"] for r in data["ranking"]} == {window_a.id}


def test_clerk_queue_counts_own_window(db_session, world):
    window_a = world["windows"][0]
    queue = dq.queue_counts(db_session, TODAY, window_a.id)
    own = [c for c in world["cases"] if c.window_id == window_a.id]
    assert queue["overdue"] == len([c for c in own if c.state in RUNNING_STATES and c.deadline < TODAY])
    assert queue["due_today"] == len([c for c in own if c.state in RUNNING_STATES and c.deadline == TODAY])
    assert queue["urgent"] == len([c for c in own if c.urgent and c.state in RUNNING_STATES])
    assert queue["open"] == len([c for c in own if c.state in RUNNING_STATES])


def test_case_6_open_case_counts_count_each_figure_by_its_rule(db_session, world):
    """CASE-6/8: the one statement of the home pages (issue #21) counts, of every window and of
    one window, exactly what each rule says — open, overdue, due soon, due today, urgent and
    today's work (overdue, due soon or urgent)."""
    from app.rules import case_states as cs
    from app.services.case_queries import OPEN_STATES, RUNNING, open_case_counts

    assert set(RUNNING) <= set(OPEN_STATES)  # the FILTERs lie within the WHERE's open states
    window_a = world["windows"][0]
    last = TODAY + timedelta(days=4)

    def expected(cases):
        open_ = [c for c in cases if cs.is_open(c.state)]
        running = [c for c in open_ if cs.clock_running(c.state)]
        overdue = [c for c in running if c.deadline < TODAY]
        soon = [c for c in running if TODAY <= c.deadline <= last]
        urgent = [c for c in open_ if c.urgent]
        return (len(open_), len(overdue), len(soon),
                len([c for c in running if c.deadline == TODAY]), len(urgent),
                len({c.number for c in overdue + soon + urgent}))

    everyone, window = open_case_counts(db_session, TODAY, last, None, window_a.id)
    assert expected(world["cases"]) == (everyone.open, everyone.overdue, everyone.due_soon,
                                        everyone.due_today, everyone.urgent, everyone.work)
    own = [c for c in world["cases"] if c.window_id == window_a.id]
    assert expected(own) == (window.open, window.overdue, window.due_soon, window.due_today,
                             window.urgent, window.work)
    assert expected(own)[0] > 0 and expected(own)[1] > 0 and expected(own)[4] > 0


# --- LEAVE-3/4, ATT-3: the dashboard's leave days are the days attendance counts as leave ----
MARCH = date(2026, 3, 1)
AFTER = date(2026, 4, 15)  # every day of the leave below is over


@pytest.fixture
def taken_leave(db_session, window_a, window_b):
    """事假 and 病假 of four clerks around March 2026, each 销假 a different way."""
    from app.services.calendar import refresh_work_days

    refresh_work_days(db_session, AFTER)
    staff = [Staff(name=f"休假{i}", window=(window_a, window_b)[i % 2], unit="window")
             for i in range(4)]
    db_session.add_all(staff)
    db_session.flush()

    def leave(person, kind, start, end, state="approved", **extra):
        return LeaveRequest(staff_id=staff[person].id, kind=kind, start_day=date(2026, *start),
                            end_day=date(2026, *end), days=Decimal(9), state=state,
                            approver_position="director", **extra)

    back = lambda month, day: {"reported_back_on": date(2026, month, day)}  # noqa: E731
    rows = [
        # planned Thu 2-26 to Wed 3-04 (Saturday 2-28 a 调休 working day), back early on 3-03
        leave(0, "personal", (2, 26), (3, 4), **back(3, 3), overstay_days=Decimal(0)),
        # back on its first day: nothing taken, no request counted
        leave(2, "personal", (3, 2), (3, 3), **back(3, 2), overstay_days=Decimal(0)),
        # 3-09..3-10, back 3-13 with the reason the office accepted: 3-11, 3-12 are leave too
        leave(1, "sick", (3, 9), (3, 10), **back(3, 13), report_back_reason="复查",
              overstay_days=Decimal(0)),
        # 3-16..3-18 noon, back 3-20 without reason: 3-18 afternoon and 3-19 are absence
        leave(2, "personal", (3, 16), (3, 18), half_day_end=True, **back(3, 20),
              overstay_days=Decimal("1.5")),
        # from the afternoon of 3-23 to 3-24, back on time
        leave(3, "personal", (3, 23), (3, 24), half_day_start=True, **back(3, 25),
              overstay_days=Decimal(0)),
        # 3-30..4-02 not reported back yet: the planned days, across the month's end
        leave(3, "sick", (3, 30), (4, 2)),
        leave(0, "personal", (3, 25), (3, 26), state="pending"),
        leave(1, "personal", (3, 25), (3, 26), state="rejected"),
    ]
    db_session.add_all(rows)
    db_session.commit()
    return {"staff": staff, "windows": (window_a, window_b)}


def test_leave_4_att_3_dashboard_leave_days_are_the_attendance_leave_half_days(db_session,
                                                                               taken_leave):
    """The dashboard's leave days per window and month equal the stored attendance's leave
    half days / 2 (derived without clocks), and over the year the LEAVE-4 totals."""
    from app.services.attendance import derive_range
    from app.services.leave import yearly_leave_totals

    derive_range(db_session, date(2026, 2, 1), date(2026, 4, 30), AFTER)
    db_session.commit()
    staff_window = {s.id: s.window_id for s in taken_leave["staff"]}
    months = [date(2026, m, 1) for m in (2, 3, 4)]
    figures = {m: dq.attendance_by_window(db_session, m, month_end(m)) for m in months}
    for month in months:
        halves: dict = {w.id: 0 for w in taken_leave["windows"]}
        for row in db_session.scalars(select(AttendanceDay).where(
                AttendanceDay.day.between(month, month_end(month)))):
            halves[staff_window[row.staff_id]] += ((row.am_status == "leave")
                                                   + (row.pm_status == "leave"))
        assert {w: figures[month].get(w, {}).get("leave_days", 0.0) for w in halves} == {
            w: count / 2 for w, count in halves.items()}
    window_a, window_b = (w.id for w in taken_leave["windows"])
    # 2-26, 2-27, 2-28 | 3-02; 3-16, 3-17, 3-18 morning | 3-09..3-12; 3-23 pm, 3-24; 3-30, 3-31
    assert figures[months[0]][window_a]["leave_days"] == 3.0
    assert figures[MARCH][window_a]["leave_days"] == 3.5
    assert figures[MARCH][window_b]["leave_days"] == 7.5
    assert (figures[MARCH][window_a]["leave_requests"],
            figures[MARCH][window_b]["leave_requests"]) == (2, 3)
    totals = yearly_leave_totals(db_session, 2026)
    year = sum(float(figures[m][w]["leave_days"]) for m in months for w in figures[m])
    assert year == float(sum(t.personal + t.sick for t in totals.values())) == 16.0


def test_issue_21_folded_counts_match_a_hand_count(db_session, world):
    """Issue #21 P6: the year's accepted cases come from the month bucketing (only those
    accepted by today), overdue-now is the per-window counts summed, open and overdue
    complaints (COMP-2) one statement — each against a hand count, for the center and for
    one window (CASE-6)."""
    from models.complaints import Complaint

    window_a, window_b = world["windows"]
    item = residence_permit_item(db_session, window_a, code="D-LATER")
    later = Case(number="DASH-LATER", case_class="promised", state="accepted", item_id=item.id,
                 window_id=window_a.id, applicant_name="张三", accepted_on=TODAY + timedelta(days=3),
                 deadline=TODAY + timedelta(days=9))  # after today, in the month shown
    complaints = [Complaint(received_on=TODAY - timedelta(days=n), channel="phone",
                            window=window, content="态度", due_on=TODAY + timedelta(days=2 - n),
                            state=state)
                  for n, (window, state) in enumerate([(window_a, "open"), (window_b, "open"),
                                                       (window_a, "open"), (window_a, "open"),
                                                       (window_b, "answered")])]
    db_session.add_all([later, *complaints])
    db_session.commit()
    cases = [*world["cases"], later]
    for window_id in (None, window_a.id):
        mine = [c for c in cases if window_id in (None, c.window_id)]
        kpi = dq.leadership_dashboard(db_session, PERIOD, TODAY, window_id)["kpi"]
        assert kpi["accepted_year"] == len([c for c in mine
                                            if date(2026, 1, 1) <= c.accepted_on <= TODAY])
        assert kpi["accepted_month"] == len([c for c in mine
                                             if PERIOD <= c.accepted_on <= month_end(PERIOD)])
        assert kpi["overdue_now"] == len([c for c in mine if c.state in RUNNING_STATES
                                          and c.deadline < TODAY])
        open_ = [c for c in complaints if c.state == "open" and window_id in (None, c.window_id)]
        assert kpi["complaints_open"] == len(open_)
        assert kpi["complaints_overdue"] == len([c for c in open_ if c.due_on < TODAY])
    assert later.accepted_on.month == PERIOD.month  # in the month, not yet in the year's count
