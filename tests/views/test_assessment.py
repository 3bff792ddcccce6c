"""月度考核 pages and API: who sees which rows (ORG-2), only Leadership confirms (SCORE-3), a
confirmed month refuses an event change until reopened with a reason, the explanation adds
up (SCORE-7), the mutual rating form (SCORE-2 M10), the stars page (SCORE-4)."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.rules.errors import RuleViolation
from models.assessment import MonthlyResult, PeerRating
from models.scoring import AssessmentMonth, ScoreEvent
from tests.factories import staff_of

OCT = date(2026, 10, 1)


@pytest.fixture
def on_day(center_now):
    """Sets the app's clock to 10:00 of a day in the center (issue #17)."""
    def set_day(day: date):
        center_now(datetime(day.year, day.month, day.day, 2, tzinfo=timezone.utc))
    return set_day


@pytest.fixture
def october(db_session, window_a, window_b):
    """Window A: M3 −14 (floored), B +12 (capped), M1 −1; window B: M9 −1."""
    for window, category, points in ((window_a, "M3", -14), (window_a, "B", 12),
                                     (window_a, "M1", -1), (window_b, "M9", -1)):
        db_session.add(ScoreEvent(window_id=window.id, category=category, day=date(2026, 10, 9),
                                  period=OCT, points=Decimal(points), source="manual",
                                  evidence=f"证据 {category}"))
    db_session.commit()


def values(html: str, attribute: str) -> list[Decimal]:
    return [Decimal(v) for v in re.findall(rf'{attribute}="([-0-9.]+)"', html)]


def test_score_7_the_explanation_page_adds_up_with_floors_and_caps(as_office, october, window_a):
    html = as_office.get(f"/assessment/window/{window_a.id}/?month=2026-10").get_data(as_text=True)
    lines = values(html, "data-value")
    total = Decimal(re.search(r'id="explained-total"><strong>([0-9.]+)<', html).group(1))
    assert sum(lines) == total == Decimal("99")
    assert "扣完为止（不低于 0）" in html and "封顶 10" in html  # zh_CN, the default locale
    assert html.count("data-event=") == 3 and "/scoreeventview/show/" in html
    assert "尚无互评结果，按满分计" in html  # M10 counted full and flagged (SCORE-2)


def test_score_7_the_explanation_writes_points_signed_and_scores_with_one_decimal(
        as_office, october, window_a):
    """Points read one way (app/rules/points.py): events and raw sums signed with the true
    minus sign, categories and the total with one decimal; data-* stay plain Decimals."""
    html = as_office.get(f"/assessment/window/{window_a.id}/?month=2026-10").get_data(as_text=True)
    assert html.count("<td>−14</td>") == 2 and html.count("<td>+12</td>") == 2  # raw and event
    assert "<td><strong>0.0</strong></td>" in html and "<td><strong>10.0</strong></td>" in html
    assert 'id="explained-total"><strong>99.0</strong>' in html
    assert "→ 0.0" in html and "<td>-" not in html and 'data-points="-14.0"' in html
    month = as_office.get("/assessment/month/?month=2026-10").get_data(as_text=True)
    assert "<strong><a " in month and re.search(r'#cat-M1">9\.0</a>', month)


def test_score_2_the_month_table_shows_every_window_to_office(as_office, october, window_a,
                                                             window_b):
    html = as_office.get("/assessment/month/?month=2026-10").get_data(as_text=True)
    assert f'data-window="{window_a.id}"' in html and f'data-window="{window_b.id}"' in html
    assert 'data-total="99.0"' in html and "confirm-form" not in html  # Office cannot confirm


def test_score_2_m10_the_month_table_flags_an_unrated_windows_m10_cell(
        as_leadership, db_session, october, window_a, window_b):
    """SCORE-2 M10 / SCORE-7 (the cells are built in one piece since issue #21 P1): each score
    opens the window's month at its category; nobody rated → "counted full" on every M10;
    once B is rated, A's M10 says it is the rated windows' mean and B's is not flagged."""
    url = "/assessment/month/?month=2026-10"
    html = as_leadership.get(url).get_data(as_text=True)
    link = f"/assessment/window/{window_a.id}/?month=2026-10"
    assert (f'<td class="score-cell" data-category="M1"><a href="{link}#cat-M1">9.0</a></td>'
            in html)
    full = ('<td class="score-cell" data-category="M10"><a href="{}#cat-M10">10.0</a> <span '
            'class="label label-warning peer-missing" title="尚无互评结果：按满分计">!</span></td>')
    assert full.format(link) in html and html.count("peer-missing") == 2
    db_session.add(PeerRating(period=OCT, rater_window_id=window_a.id,
                              rated_window_id=window_b.id, attitude=90, efficiency=90,
                              quality=90, integrity=90))
    db_session.commit()
    html = as_leadership.get(url).get_data(as_text=True)
    assert html.count("peer-missing") == 1
    assert (f'<a href="{link}#cat-M10">9.0</a> <span class="label label-warning peer-missing" '
            'title="本窗口无人互评：取已参评窗口的平均分">!</span></td>') in html


def test_score_2_clerks_and_window_heads_see_their_own_window_only(log_in, db_session, october,
                                                                  window_a, window_b):
    clerk = log_in("Clerk", window=window_a)
    html = clerk.get("/assessment/month/?month=2026-10").get_data(as_text=True)
    assert f'data-window="{window_a.id}"' in html and f'data-window="{window_b.id}"' not in html
    assert clerk.get(f"/assessment/window/{window_b.id}/?month=2026-10").status_code == 404
    # A clerk sees the window's total, but of the events only their own (others summed).
    page = clerk.get(f"/assessment/window/{window_a.id}/?month=2026-10").get_data(as_text=True)
    assert "data-event=" not in page and 'id="hidden-events"' in page
    head = log_in("WindowHead", window=window_b)
    page = head.get(f"/assessment/window/{window_b.id}/?month=2026-10").get_data(as_text=True)
    assert page.count("data-event=") == 1
    api = clerk.get("/api/v1/assessment/results/2026-10").get_json()
    assert [row["window_id"] for row in api["rows"]] == [window_a.id]


def test_score_3_only_leadership_confirms_then_an_event_change_is_refused(
        log_in, as_office, as_leadership, db_session, october, on_day):
    on_day(date(2026, 11, 3))
    refused = as_office.post_form("/assessment/confirm", {"month": "2026-10"},
                                  form_url="/assessment/rate/?month=2026-10")
    assert refused.status_code == 403
    admin = log_in("Admin")
    assert admin.client.post("/api/v1/assessment/confirm/2026-10", json={},
                             headers=admin.api_headers()).status_code == 403
    page = as_leadership.get("/assessment/month/?month=2026-10").get_data(as_text=True)
    assert "confirm-form" in page
    as_leadership.post_form("/assessment/confirm", {"month": "2026-10", "version": "",
                                                    "unrated_reason": "本月未组织互评"},
                            form_url="/assessment/month/?month=2026-10")
    db_session.expire_all()
    month = db_session.scalars(select(AssessmentMonth)).one()
    assert month.state == "confirmed"
    assert len(db_session.scalars(select(MonthlyResult)).all()) == 2
    event = db_session.scalars(select(ScoreEvent).where(ScoreEvent.category == "M9")).one()
    event.points = Decimal("-3")
    with pytest.raises(RuleViolation):
        db_session.flush()
    db_session.rollback()
    # Confirming again: one wins, the second is refused (already confirmed / stale version).
    again = as_leadership.client.post("/api/v1/assessment/confirm/2026-10",
                                      json={"version": month.version - 1},
                                      headers=as_leadership.api_headers())
    assert again.status_code == 409
    again = as_leadership.client.post("/api/v1/assessment/confirm/2026-10", json={},
                                      headers=as_leadership.api_headers())
    assert again.status_code == 409 and "已由" in again.get_json()["message"]  # issue #18
    # Reopen needs a reason; then the event may change.
    response = as_leadership.client.post("/api/v1/assessment/reopen/2026-10", json={},
                                         headers=as_leadership.api_headers())
    assert response.status_code == 422
    as_leadership.post_form("/assessment/reopen", {"month": "2026-10", "reason": "复核",
                                                   "version": str(month.version)},
                            form_url="/assessment/month/?month=2026-10")
    db_session.expire_all()
    assert db_session.scalars(select(AssessmentMonth)).one().reopen_reason == "复核"
    event = db_session.scalars(select(ScoreEvent).where(ScoreEvent.category == "M9")).one()
    event.points = Decimal("-3")
    db_session.commit()


def test_score_2_a_window_head_rates_the_other_windows_not_itself(log_in, db_session, window_a,
                                                                 window_b, on_day):
    head = log_in("WindowHead", window=window_a)
    on_day(date(2026, 10, 27))
    page = head.get("/assessment/rate/?month=2026-10").get_data(as_text=True)
    assert f'name="attitude_{window_b.id}"' in page and f'name="attitude_{window_a.id}"' not in page
    head.post_form("/assessment/rate/", {
        "month": "2026-10", "rater": str(window_a.id), f"attitude_{window_b.id}": "90",
        f"efficiency_{window_b.id}": "80", f"quality_{window_b.id}": "70",
        f"integrity_{window_b.id}": "100"}, form_url="/assessment/rate/?month=2026-10")
    rating = db_session.scalars(select(PeerRating)).one()
    assert (rating.rater_window_id, rating.rated_window_id, rating.quality) == (
        window_a.id, window_b.id, 70)
    # Another window's sheet is not the head's to fill; a clerk has no rating form.
    assert head.get(f"/assessment/rate/?month=2026-10&rater={window_b.id}").status_code == 404
    assert log_in("Clerk", window=window_a).get("/assessment/rate/").status_code == 403
    self_rating = head.client.post("/api/v1/assessment/rate/2026-10", json={
        "rater_window_id": window_a.id, "ratings": [{"rated_window_id": window_a.id,
                                                     "attitude": 1, "efficiency": 1,
                                                     "quality": 1, "integrity": 1}]},
        headers=head.api_headers())
    assert self_rating.status_code == 422


def test_score_4_the_stars_page_lists_quarter_and_year_stars(as_office, db_session, window_a,
                                                            log_in, on_day):
    on_day(date(2026, 11, 30))
    clerk = staff_of(db_session, log_in("Clerk", window=window_a).user)
    db_session.add(ScoreEvent(window_id=window_a.id, staff_id=clerk.id, category="B",
                              day=date(2026, 10, 9), period=OCT, points=Decimal(2),
                              source="manual"))
    db_session.commit()
    html = as_office.get("/assessment/stars/?year=2026&quarter=4").get_data(as_text=True)
    assert f'data-staff="{clerk.id}"' in html and "quarter-stars" in html and "year-stars" in html
    person = as_office.get(f"/assessment/person/{clerk.id}/?year=2026&quarter=4")
    assert person.status_code == 200 and "person-events" in person.get_data(as_text=True)


def test_score_2_assessment_doors_write_only_through_their_services(app):
    """Write doors: the assessment page and API register no generic add/edit/delete; their
    POST routes are the domain's own (confirm, reopen, rate)."""
    writes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("AssessmentView.", "AssessmentApi.")) and (
                rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            writes[rule.endpoint] = rule.methods
    assert set(writes) == {"AssessmentView.confirm", "AssessmentView.reopen",
                           "AssessmentView.rate", "AssessmentApi.confirm",
                           "AssessmentApi.reopen", "AssessmentApi.rate"}


@pytest.mark.parametrize("role", ["Admin", "Leadership", "Office", "SectionHead", "WindowHead",
                                  "Clerk"])
def test_input_1_bad_assessment_requests_answer_4xx_for_every_role(log_in, window_a, role):
    actor = log_in(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    headers = actor.api_headers()
    post = actor.client.post
    answers = [
        actor.get("/api/v1/assessment/results/2026-99"),
        actor.get("/api/v1/assessment/results/%00"),
        post("/api/v1/assessment/confirm/2026-10", json=[1], headers=headers),
        post("/api/v1/assessment/confirm/2026-10", json={"version": 2**40}, headers=headers),
        post("/api/v1/assessment/reopen/x", json={"reason": "a\x00"}, headers=headers),
        post("/api/v1/assessment/rate/2026-10", json={"rater_window_id": 2**40, "ratings": []},
             headers=headers),
        post("/api/v1/assessment/rate/2026-10", json={"rater_window_id": window_a.id,
                                                      "ratings": [{"rated_window_id": 2**31}]},
             headers=headers),
        post("/api/v1/assessment/rate/2026-10", json={"rater_window_id": window_a.id,
                                                      "ratings": "x"}, headers=headers),
        actor.get("/assessment/month/?month=9999-99"),
        actor.get("/assessment/stars/?year=abc&quarter=9"),
        actor.get(f"/assessment/window/{window_a.id}/?month=x"),
        actor.get("/assessment/person/2147483647/?year=2026&quarter=x"),
    ]
    assert all(answer.status_code < 500 for answer in answers), [a.status_code for a in answers]


@pytest.mark.parametrize("role, confirms, rates_any", [
    ("Leadership", True, False), ("Admin", False, True), ("Office", False, True),
    ("SectionHead", False, False), ("WindowHead", False, False), ("Clerk", False, False),
])
def test_score_3_policy_only_leadership_confirms_and_office_rates_for_any_window(
        role, confirms, rates_any):
    from app.actor import Actor
    from app.policy.scores import may_confirm_month, peer_rater_windows

    actor = Actor("someone", roles=frozenset({role}))
    assert may_confirm_month(actor) is confirms
    assert (peer_rater_windows(actor) is None) is rates_any


def test_score_2_m10_the_confirm_page_lists_unrated_windows_and_needs_a_reason(
        as_leadership, db_session, october, window_a, window_b, on_day):
    """SCORE-2 M10: window B was rated, window A by nobody: the confirm page lists A and asks
    for the reason; without it nothing is confirmed; with it the month is confirmed, the reason
    shown, and A's explanation says its M10 is the rated windows' mean (SCORE-7)."""
    on_day(date(2026, 11, 3))
    db_session.add(PeerRating(period=OCT, rater_window_id=window_a.id,
                              rated_window_id=window_b.id, attitude=90, efficiency=90,
                              quality=90, integrity=90))
    db_session.commit()
    url = "/assessment/month/?month=2026-10"
    page = as_leadership.get(url).get_data(as_text=True)
    assert 'id="unrated-windows"' in page and 'name="unrated_reason"' in page
    assert f'class="unrated-window" data-window="{window_a.id}"' in page
    assert f'class="unrated-window" data-window="{window_b.id}"' not in page
    assert "其互评分取已参评窗口互评分的平均" in page
    refused = as_leadership.post_form("/assessment/confirm", {"month": "2026-10", "version": ""},
                                      form_url=url, follow_redirects=True)
    assert "请填写缺少其互评结果仍予确认的理由" in refused.get_data(as_text=True)
    assert db_session.scalars(select(AssessmentMonth)).all() == []
    as_leadership.post_form("/assessment/confirm", {"month": "2026-10", "version": "",
                                                    "unrated_reason": "窗口轮岗未参评"},
                            form_url=url)
    db_session.expire_all()
    assert db_session.scalars(select(AssessmentMonth)).one().unrated_reason == "窗口轮岗未参评"
    confirmed = as_leadership.get(url).get_data(as_text=True)
    assert 'id="unrated-reason"' in confirmed and "窗口轮岗未参评" in confirmed
    explained = as_leadership.get(f"/assessment/window/{window_a.id}/?month=2026-10")
    html = explained.get_data(as_text=True)
    assert 'data-applied="peer_imputed"' in html and "本窗口无人互评，取已参评窗口" in html
    results = as_leadership.get("/api/v1/assessment/results/2026-10").get_json()["rows"]
    row_a = next(row for row in results if row["window_id"] == window_a.id)
    assert row_a["peer_imputed"] and row_a["categories"]["M10"] == "9.0"


def test_score_1_the_event_list_and_page_show_the_confirmed_flag(
        as_office, as_leadership, db_session, october, on_day):
    on_day(date(2026, 11, 3))
    as_leadership.post_form("/assessment/confirm", {"month": "2026-10", "version": "",
                                                    "unrated_reason": "未互评"},
                            form_url="/assessment/month/?month=2026-10")
    event = db_session.scalars(select(ScoreEvent).where(ScoreEvent.category == "M9")).one()
    listed = as_office.get("/scoreeventview/list/").get_data(as_text=True)
    assert "已确认" in listed and "是" in listed  # the column, and its value (Yes)
    api = as_office.get("/api/v1/score_event/").get_json()["result"]
    assert len(api) == 4 and {row["confirmed"] for row in api} == {True}
    shown = as_office.get(f"/scoreeventview/show/{event.id}").get_data(as_text=True)
    assert 'id="score-confirmed"><span class="label label-success">' in shown
