"""Issue #18: two Leadership members confirming (or reopening) one month at the same moment.

Real threads through the real API (own app context and session per thread, released together
by a barrier), on SQLite and on PostgreSQL (DATABASE_URL), 10 rounds each: exactly one
confirmation wins, the other is told who confirmed the month and when (409), never a 500 (the
month's row is locked first: app.services.assessment.lock_month). The winner's results are
stored once and every event of the month carries the confirmed flag (SCORE-1, SCORE-3).
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.assessment import MonthlyResult
from models.org import Staff
from models.scoring import AssessmentMonth, ScoreEvent
from tests.factories import access_token, csrf_token

ROUNDS = 10
TODAY = date(2026, 11, 3)
NOW = datetime(2026, 11, 3, 2, tzinfo=timezone.utc)  # 10:00 in the center
MONTHS = [date(2025, month, 1) for month in range(1, ROUNDS + 1)]


@pytest.fixture
def fixed_clock(center_now):
    """Every door reads the same day (the tests do not depend on today's date)."""
    center_now(NOW)


@pytest.fixture
def leaders(app, db_session, make_user):
    """The director and a deputy, each with a JWT access token (as the API's login issues it)."""
    result = []
    for username, name in (("leader_zhou", "周主任"), ("deputy_wu", "吴副主任")):
        user = make_user("Leadership", username=username)
        db_session.scalars(select(Staff).where(Staff.user_id == user.id)).one().name = name
        db_session.commit()
        result.append((name, access_token(app, user)))
    return result


@pytest.fixture
def months_with_events(db_session, window_a, window_b):
    """Each month of MONTHS: a deduction at window A and a bonus at window B."""
    for period in MONTHS:
        db_session.add_all([
            ScoreEvent(window_id=window_a.id, category="M1", day=period.replace(day=9),
                       period=period, points=Decimal("-1"), source="manual", evidence="x"),
            ScoreEvent(window_id=window_b.id, category="B", day=period.replace(day=9),
                       period=period, points=Decimal("2"), source="manual", evidence="y")])
    db_session.commit()
    return MONTHS


def month_state(db_session, period):
    db_session.expire_all()
    month = db_session.scalars(select(AssessmentMonth).where(
        AssessmentMonth.period == period)).one()
    results = db_session.scalar(select(func.count(MonthlyResult.id)).where(
        MonthlyResult.period == period))
    flags = set(db_session.scalars(select(ScoreEvent.confirmed).where(
        ScoreEvent.period == period)))
    return month, results, flags


def post_all(app, requests: list[tuple[str, dict]], tokens: list[str]) -> list[tuple]:
    """POST `requests[i]` (url, body) with `tokens[i]` from threads released together;
    (status, JSON) of each, in order."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def send(index: int) -> None:
        url, body = requests[index]
        client = app.test_client()  # its request pushes this thread's own app context
        barrier.wait(timeout=30)
        response = client.post(url, json=body,
                               headers={"Authorization": f"Bearer {tokens[index]}"})
        answers[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_issue_18_score_3_two_simultaneous_confirms_give_one_success_and_one_409_naming_the_winner(
        app, db_session, leaders, months_with_events, fixed_clock):
    """Each round twice: a month never opened before (both create its row) and the same month
    after a reopen (its row exists, open: both would read it open without the lock)."""
    names = [name for name, _token in leaders]
    tokens = [token for _name, token in leaders]
    client = app.test_client()
    for period in months_with_events:
        url = f"/api/v1/assessment/confirm/{period:%Y-%m}"
        body = {"unrated_reason": "本月未组织互评"}
        for attempt in ("new", "reopened"):
            if attempt == "reopened":
                assert client.post(f"/api/v1/assessment/reopen/{period:%Y-%m}",
                                   json={"reason": "复核"},
                                   headers={"Authorization": f"Bearer {tokens[0]}"}
                                   ).status_code == 200
            db_session.commit()  # the test's own session holds no transaction during the race
            answers = post_all(app, [(url, body), (url, body)], tokens)
            statuses = sorted(status for status, _json in answers)
            assert statuses == [200, 409], (attempt, answers)
            winner = names[[status for status, _json in answers].index(200)]
            [refusal] = [json["message"] for status, json in answers if status == 409]
            assert refusal == f"{period:%Y-%m} 已由 {winner} 于 2026-11-03 10:00 确认。"
            month, results, flags = month_state(db_session, period)
            assert (month.state, results, flags) == ("confirmed", 2, {True})


def test_issue_18_score_3_two_simultaneous_reopens_give_one_success_and_one_409(
        app, db_session, leaders, months_with_events, fixed_clock):
    tokens = [token for _name, token in leaders]
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    client = app.test_client()
    for period in months_with_events:
        confirmed = client.post(f"/api/v1/assessment/confirm/{period:%Y-%m}",
                                json={"unrated_reason": "未互评"}, headers=headers)
        assert confirmed.status_code == 200
        db_session.commit()
        url = f"/api/v1/assessment/reopen/{period:%Y-%m}"
        answers = post_all(app, [(url, {"reason": "复核甲"}), (url, {"reason": "复核乙"})], tokens)
        assert sorted(status for status, _json in answers) == [200, 409], answers
        [refusal] = [json["message"] for status, json in answers if status == 409]
        assert "已由" in refusal and "重新开放" in refusal
        month, results, flags = month_state(db_session, period)
        assert (month.state, results, flags) == ("open", 0, {False})


def test_issue_18_score_1_a_confirm_racing_a_reopen_never_answers_500_and_stays_consistent(
        app, db_session, leaders, months_with_events, fixed_clock):
    """The director reopens a confirmed month while the deputy confirms it (a page opened
    before): whichever comes first, no 500, and the month, its results and its events'
    confirmed flags agree afterwards."""
    tokens = [token for _name, token in leaders]
    client = app.test_client()
    for period in months_with_events:
        ym = f"{period:%Y-%m}"
        assert client.post(f"/api/v1/assessment/confirm/{ym}", json={"unrated_reason": "未互评"},
                           headers={"Authorization": f"Bearer {tokens[0]}"}).status_code == 200
        db_session.commit()
        answers = post_all(app, [(f"/api/v1/assessment/reopen/{ym}", {"reason": "复核"}),
                                 (f"/api/v1/assessment/confirm/{ym}",
                                  {"unrated_reason": "未互评"})], tokens)
        reopened, confirmed = (status for status, _json in answers)
        assert reopened == 200 and confirmed in (200, 409), answers
        month, results, flags = month_state(db_session, period)
        if confirmed == 200:  # the reopen came first, then the confirmation
            assert (month.state, results, flags) == ("confirmed", 2, {True})
        else:  # the confirmation found the month still confirmed
            assert "已由" in answers[1][1]["message"]
            assert (month.state, results, flags) == ("open", 0, {False})


def test_issue_18_score_3_the_page_tells_the_second_confirmer_who_confirmed_and_when(
        log_in, db_session, months_with_events, fixed_clock):
    first, second = log_in("Leadership"), log_in("Leadership")
    db_session.scalars(select(Staff).where(Staff.user_id == first.user.id)).one().name = "周主任"
    db_session.commit()
    page = "/assessment/month/?month=2025-01"
    form = {"month": "2025-01", "version": "", "unrated_reason": "本月未组织互评"}
    token_page = second.get(page)  # the second opened the page before the first confirmed
    assert first.post_form("/assessment/confirm", form, form_url=page).status_code == 302
    response = second.client.post("/assessment/confirm", data={
        **form, "csrf_token": csrf_token(token_page.get_data(as_text=True))},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "2025-01 已由 周主任 于 2026-11-03 10:00 确认。" in html
    month, results, _flags = month_state(db_session, date(2025, 1, 1))
    assert month.confirmed_by_id == first.user.id and results == 2
