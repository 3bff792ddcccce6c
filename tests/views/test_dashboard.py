"""Dashboards (issue #12): who sees which, the JSON doors row-filtered, click-through lists."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.context import today
from app.services.assessment import month_results
from models.cases import Case
from models.scoring import ScoreEvent
from tests.factories import residence_permit_item


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    """`today()` is the app's clock, set to a Wednesday (issue #17: one result on any day)."""
    center_now(date(2026, 11, 18))


@pytest.fixture
def cases(db_session, window_a, window_b):
    """Per window: one case running past its deadline, one due today, one decided on time."""
    day = today()
    rows = []
    for window in (window_a, window_b):
        item = residence_permit_item(db_session, window, code=f"V-{window.number}")
        for n, (state, deadline, decided) in enumerate((
                ("in_progress", day - timedelta(days=3), None),
                ("accepted", day, None),
                ("delivered", day + timedelta(days=5), day))):
            rows.append(Case(number=f"W{window.number}-{n}", case_class="promised", state=state,
                             item_id=item.id, window_id=window.id, applicant_name="李四",
                             accepted_on=day - timedelta(days=10), deadline=deadline,
                             decided_on=decided, satisfaction="satisfied" if decided else None))
    db_session.add_all(rows)
    db_session.commit()
    return rows


@pytest.mark.parametrize("role, status", [
    ("Leadership", 200), ("Office", 200), ("Admin", 200),
    ("SectionHead", 403), ("WindowHead", 403), ("Clerk", 403),
])
def test_leadership_dashboard_page_by_role(role, status, log_in, window_a, cases):
    actor = log_in(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    response = actor.get("/dashboard/")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert "vendor/echarts/echarts.min.js" in html and "js/dashboard.js" in html
        assert 'data-chart="ranking"' in html and 'id="dashboard-data"' in html
        assert "<script>" not in html.replace('<script type="application/json"', "")  # CSP


@pytest.mark.parametrize("role, status", [
    ("Leadership", 200), ("Office", 200), ("SectionHead", 403), ("WindowHead", 403),
    ("Clerk", 403),
])
def test_dashboard_json_is_for_dashboard_readers_only(role, status, log_in, window_a, cases):
    """ORG-2: a clerk or window head cannot fetch the center's figures."""
    actor = log_in(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    response = actor.get("/dashboard/data")
    assert response.status_code in ((status,) if status == 200 else (401, 403))
    if status == 200:
        data = response.get_json()
        assert {w["id"] for w in data["windows"]} >= {cases[0].window_id, cases[3].window_id}


def test_dashboard_window_filter_and_bad_input(as_leadership, window_a, cases):
    data = as_leadership.get(f"/dashboard/data?window={window_a.id}&period=2026-13").get_json()
    assert [w["id"] for w in data["windows"]] == [window_a.id]
    assert data["kpi"]["overdue_now"] == 1
    assert as_leadership.get("/dashboard/data?window=999999").status_code == 404


def test_home_data_of_a_clerk_is_their_own_window_only(as_clerk, window_a, window_b, cases):
    data = as_clerk.get(f"/home/data?window={window_b.id}").get_json()
    assert data["kind"] == "clerk" and data["window_id"] == window_a.id
    assert data["queue"]["overdue"] == 1 and data["queue"]["due_today"] == 1
    html = as_clerk.get("/").get_data(as_text=True)
    assert "kpi-clerk-due_today" in html and "kpi-clerk-score" in html
    assert f"/assessment/window/{window_a.id}/" in html  # SCORE-7: the score explains itself


def test_home_of_a_window_head_shows_their_window(as_window_head, window_a, window_b, cases):
    data = as_window_head.get(f"/home/data?window={window_b.id}").get_json()
    assert data["kind"] == "window" and [w["id"] for w in data["windows"]] == [window_a.id]
    assert all(row["window_id"] == window_a.id for row in data["overdue_by_window"])
    assert data["kpi"]["overdue_now"] == 1


def test_score_2_home_of_a_window_head_shows_its_assessment_total(as_window_head, db_session,
                                                                 window_a, window_b, cases):
    """SCORE-2: the window head's home score is their window's total of the month's
    assessment (month_results), read from the ranking the page computed, not another's."""
    period = today().replace(day=1)
    db_session.add_all([
        ScoreEvent(window_id=window_a.id, category="M1", day=period, period=period,
                   points=Decimal("-2"), source="manual"),
        ScoreEvent(window_id=window_b.id, category="M4", day=period, period=period,
                   points=Decimal("-5"), source="manual")])
    db_session.commit()
    data = as_window_head.get("/home/data").get_json()
    totals = {row.window_id: float(row.total) for row in month_results(db_session, period)[1]}
    assert totals[window_a.id] != totals[window_b.id]
    assert data["score"] == totals[window_a.id]
    assert str(data["score"]) in as_window_head.get("/").get_data(as_text=True)


def test_home_of_leadership_shows_the_center(as_leadership, cases):
    data = as_leadership.get("/home/data").get_json()
    assert data["kind"] == "center" and data["kpi"]["overdue_now"] == 2
    html = as_leadership.get("/").get_data(as_text=True)
    assert 'data-chart="ranking"' in html and "/dashboard/" in html


def test_home_data_needs_a_login(public):
    assert public.get("/home/data").status_code == 401


def test_figures_open_the_filtered_list_behind_them(as_leadership, window_a, cases):
    """Every KPI links to a FAB list with filters: the list shows exactly the cases counted."""
    data = as_leadership.get(f"/dashboard/data?window={window_a.id}").get_json()
    links = data["kpi_links"]
    overdue = as_leadership.get(links["overdue_now"]).get_data(as_text=True)
    assert "W01-0" in overdue and "W01-1" not in overdue and "W02-0" not in overdue
    decided = as_leadership.get(links["decided_month"]).get_data(as_text=True)
    assert "W01-2" in decided and "W01-0" not in decided and "W02-2" not in decided
    accepted = as_leadership.get(links["accepted_month"]).get_data(as_text=True)
    if today().day > 10:  # accepted 10 days ago: this month
        assert "W01-0" in accepted and "W02-0" not in accepted
    for row in data["overdue_by_window"]:
        page = as_leadership.get(row["link"])
        assert page.status_code == 200 and "W01-0" in page.get_data(as_text=True)
    assert all(row["link"].startswith(f"/assessment/window/{row['window_id']}/")
               for row in data["ranking"])


@pytest.mark.parametrize("roles, kind", [
    ({"Leadership"}, "center"), ({"Office"}, "center"), ({"Admin"}, "center"),
    ({"WindowHead"}, "window"), ({"Clerk"}, "clerk"), ({"WindowHead", "Clerk"}, "window"),
    ({"SectionHead"}, None), (set(), None),
])
def test_home_dashboard_kind_per_role(roles, kind):
    from app.actor import Actor
    from app.policy.dashboard import home_dashboard_kind

    assert home_dashboard_kind(Actor("someone", roles=frozenset(roles))) == kind
