"""Issue #20: home pages are work pages — no banner for staff; the clerk's and window head's
home lists their window's overdue, due-soon and urgent cases (CASE-6/8, paged); the section
head's lists every window's and the refusal reports waiting for his review (NEG-2); KPI cards
are coloured only when their value calls for it; the banner names the menu 系统管理."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.context import today
from app.actor import Actor
from app.services.cases import Applicant, Intake, register_intake
from app.services.calendar import refresh_work_days
from tests.factories import clock_on, residence_permit_item


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    """One result on any day (issue #17): the app's clock on a Wednesday."""
    center_now(date(2026, 11, 18))


@pytest.fixture
def case_due(db_session):
    """case_due(window, days from today, urgent=False): a running case with that deadline."""
    items = {}

    def make(window, days: int, urgent: bool = False, name: str = "赵六"):
        if window.id not in items:
            items[window.id] = residence_permit_item(db_session, window, code=f"H-{window.number}")
        case = register_intake(
            db_session, Intake(item_id=items[window.id].id, case_class="accepted",
                               received={m.id: m.copies for m in items[window.id].materials},
                               applicant=Applicant(name=name, phone="13912345678")),
            Actor(username="seed"), clock_on(date(2026, 11, 2)))
        case.deadline = today() + timedelta(days=days)
        case.urgent = urgent
        db_session.commit()
        return case
    return make


def work_numbers(html: str) -> list[str]:
    table = html.split('class="panel panel-default home-work"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-case="([^"]+)"', table)


def test_case_6_clerk_home_lists_the_windows_overdue_due_and_urgent_cases(
        log_in, db_session, window_a, window_b, case_due):
    refresh_work_days(db_session, today())
    overdue, due_today = case_due(window_a, -10), case_due(window_a, 0)
    urgent, calm = case_due(window_a, 60, urgent=True), case_due(window_a, 60)
    other = case_due(window_b, -10)
    html = log_in("Clerk", window=window_a).get("/").get_data(as_text=True)
    listed = work_numbers(html)
    # CASE-8: urgent first, then the nearest deadline
    assert listed == [urgent.number, overdue.number, due_today.number]
    assert calm.number not in listed and other.number not in listed
    assert 'class="jumbotron"' not in html, "a staff home opens with a banner"
    assert "已超期" in html and "今日到期" in html


def test_case_8_home_work_list_is_paged_by_ten(log_in, db_session, window_a, case_due):
    cases = [case_due(window_a, -20 + n) for n in range(12)]
    clerk = log_in("WindowHead", window=window_a)
    first = work_numbers(clerk.get("/").get_data(as_text=True))
    second = work_numbers(clerk.get("/?page=1").get_data(as_text=True))
    assert first == [case.number for case in cases[:10]]
    assert second == [case.number for case in cases[10:]]
    assert clerk.get("/?page=abc").status_code == 200
    assert clerk.get("/?page=-3").status_code == 200


def test_case_8_home_work_page_past_the_last_shows_the_last_page(log_in, db_session, window_a,
                                                                 case_due):
    """CASE-8, issue #20: `/?page=N` past the end shows the last page — its number and its
    rows, not the last page's number over an empty list."""
    cases = [case_due(window_a, -20 + n) for n in range(12)]
    clerk = log_in("WindowHead", window=window_a)
    html = clerk.get("/?page=7").get_data(as_text=True)
    assert work_numbers(html) == [case.number for case in cases[10:]]
    assert "第 2 页，共 2 页" in html
    assert 'href="?page=0"' in html and 'href="?page=8"' not in html


def test_neg_2_section_head_home_lists_reviews_and_every_windows_work(
        as_section_head, window_a, window_b, case_due):
    late_a, late_b = case_due(window_a, -3), case_due(window_b, -2)
    html = as_section_head.get("/").get_data(as_text=True)
    assert set(work_numbers(html)) == {late_a.number, late_b.number}
    assert "待我审核的否定报备单" in html
    assert "没有待审核的否定报备单" in html


def test_public_home_keeps_its_portal(public):
    html = public.get("/").get_data(as_text=True)
    assert 'class="jumbotron"' in html and "home-work" not in html


def kpi_classes(html: str, key: str) -> str:
    return re.search(rf'class="kpi-card kpi-{re.escape(key)}([^"]*)"', html).group(1)


def test_issue_20_kpi_cards_are_neutral_at_zero_and_red_when_overdue(
        log_in, db_session, window_a, case_due):
    clerk = log_in("Clerk", window=window_a)
    quiet = clerk.get("/").get_data(as_text=True)
    assert "kpi-alert" not in kpi_classes(quiet, "clerk-overdue")
    assert "kpi-warn" not in kpi_classes(quiet, "clerk-due_today")
    refresh_work_days(db_session, today())
    case_due(window_a, -5)
    busy = clerk.get("/").get_data(as_text=True)
    assert "kpi-alert" in kpi_classes(busy, "clerk-overdue")
    counts = busy.split('class="case-counts"', 1)[1].split("</p>", 1)[0]
    assert "btn-danger" in counts and "btn-warning" not in counts  # nothing due soon


def test_issue_20_banner_names_the_menu_as_it_reads():
    from babel.support import Translations

    with open("translations/zh_CN/LC_MESSAGES/messages.mo", "rb") as fp:
        zh = Translations(fp)
    banner = zh.gettext("The official holiday schedule of %(year)s is missing: working days of "
                        "%(year)s are counted as Monday to Friday minus the statutory public "
                        "holidays, and deadlines in %(year)s are shown as provisional. Enter the "
                        "schedule under System → Year schedule.")
    assert "系统管理 → " in banner and zh.gettext("System") == "系统管理"


def test_ab_2_window_head_home_says_who_of_the_window_is_away_and_who_covers(
        app, log_in, db_session, window_a):
    from datetime import timedelta as days
    from decimal import Decimal

    from models.leave import LeaveRequest
    from models.org import Staff

    head = log_in("WindowHead", window=window_a)
    away = Staff(name="请假人员", unit="window", window=window_a)
    cover = Staff(name="顶岗同事", unit="window", window=window_a)
    db_session.add_all([away, cover])
    db_session.flush()
    with app.test_request_context():
        day = today()
    db_session.add(LeaveRequest(staff_id=away.id, kind="personal", start_day=day - days(1),
                                end_day=day + days(2), days=Decimal(3), reason="事由",
                                approver_position="director", state="approved",
                                substitute_id=cover.id))
    db_session.commit()
    html = head.get("/").get_data(as_text=True)
    panel = html.split('class="panel panel-default home-away"', 1)[1].split("</ul>", 1)[0]
    assert "请假人员" in panel and '<strong class="away-cover">顶岗同事</strong>' in panel


def test_att_2_office_home_names_the_days_whose_clock_import_is_missing(app, as_office, as_clerk,
                                                                         db_session):
    from app.services.attendance import days_without_clock_data

    with app.test_request_context():
        day = today()
    missing = days_without_clock_data(db_session, day.year, day.month, day)
    html = as_office.get("/").get_data(as_text=True)
    assert ("home-missing-clocks" in html) == bool(missing)
    if missing:
        assert missing[0][0].isoformat() in html.split("home-missing-clocks", 1)[1]
    assert "home-missing-clocks" not in as_clerk.get("/").get_data(as_text=True)


@pytest.fixture
def counted_window(db_session, window_a, window_b, case_due):
    """Window 01's cases of every kind the home page counts (CASE-6/8), and one of window 02."""
    refresh_work_days(db_session, today())
    case_due(window_a, -10)                      # overdue
    case_due(window_a, -1, urgent=True)          # overdue and urgent
    case_due(window_a, 0)                        # due today (due soon too)
    case_due(window_a, 2)                        # Friday: the last due-soon day (2 working days)
    case_due(window_a, 5)                        # Monday: open, not yet due soon
    case_due(window_a, 60, urgent=True)          # urgent only
    case_due(window_a, 60)                       # calm
    suspended = case_due(window_a, -5, urgent=True)  # the clock stops: open, urgent, not overdue
    suspended.state = "suspended"
    decided = case_due(window_a, -3, urgent=True)    # decided late: no longer open
    decided.state = "decided_approved"
    case_due(window_b, -10)                      # another window's
    db_session.commit()


def home_badges(html: str) -> list[int]:
    counts = html.split('class="case-counts"', 1)[1].split("</p>", 1)[0]
    return [int(n) for n in re.findall(r'class="badge">(\d+)<', counts)]


def test_case_6_clerk_home_counts_are_the_hand_counted_ones(log_in, window_a, counted_window):
    """CASE-6/8, ORG-2: the clerk's counters (open, overdue, due soon), queue cards (due today,
    overdue, urgent) and today's work total, counted by hand from the cases above — one
    statement counts them all (issue #21), and must still count each by its own rule."""
    clerk = log_in("Clerk", window=window_a)
    html = clerk.get("/").get_data(as_text=True)
    assert home_badges(html) == [8, 2, 2]  # open (7 + suspended), overdue, due soon (0 and +2)
    work = html.split('class="panel panel-default home-work"', 1)[1].split("</h2>", 1)[0]
    # overdue 2, due soon 2, urgent only: +60 and the suspended one
    assert re.search(r'class="badge">(\d+)<', work).group(1) == "6"
    assert len(work_numbers(html)) == 6
    queue = clerk.get("/home/data").get_json()["queue"]
    assert queue == {"open": 8, "overdue": 2, "due_today": 1, "urgent": 3}
    for key, value in (("clerk-due_today", 1), ("clerk-overdue", 2), ("clerk-urgent", 3)):
        card = html.split(f'data-kpi="{key}"', 1)[1].split("</span>", 1)[0]
        assert f'class="kpi-value">{value}<' in card


def test_case_6_section_head_home_counts_every_window(as_section_head, counted_window):
    """The same counters over every window (ORG-2: the section head is bound to none)."""
    html = as_section_head.get("/").get_data(as_text=True)
    assert home_badges(html) == [9, 3, 2]
    work = html.split('class="panel panel-default home-work"', 1)[1].split("</h2>", 1)[0]
    assert re.search(r'class="badge">(\d+)<', work).group(1) == "7"


def test_issue_21_clerk_home_sends_a_bounded_number_of_statements(app, log_in, window_a,
                                                                  counted_window):
    """Issue #21 P1: the clerk's home counts its cases in one statement and lists today's work
    without loading items, windows and handlers one query each — at most HOME_STATEMENTS
    statements (29 before), so a regression shows here."""
    from sqlalchemy import event

    from app.extensions import db

    clerk = log_in("Clerk", window=window_a)
    assert clerk.get("/").status_code == 200
    with app.app_context():
        engine = db.engine
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert clerk.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len([s for s in seen if "FROM service_case" in s]) == 2, seen  # counts, the list
    assert len(seen) <= HOME_STATEMENTS, "\n".join(seen)


HOME_STATEMENTS = 8  # 17 before the to-do in one UNION ALL (issue #21 P1, second round)
