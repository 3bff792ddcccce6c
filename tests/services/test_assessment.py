"""月度考核 services: the month's results from stored events (SCORE-2), the ranking and 红旗窗口
(SCORE-3), confirm/reopen (SCORE-3), 满意窗口 and the awards with the COMP-5/NOTICE-1
exclusions (SCORE-4), the mutual rating (M10) and the explanations (SCORE-7)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from app.rules.errors import RuleViolation
from app.services import assessment as svc
from app.services.transaction import transaction
from models.assessment import MonthlyResult, PeerRating
from models.audit import AuditLog
from models.org import Staff
from models.scoring import AssessmentMonth, ScoreEvent

OCT = date(2026, 10, 1)
NOW = datetime(2026, 11, 2, 2, tzinfo=timezone.utc)
TODAY = date(2026, 11, 2)
D = Decimal


def add_event(session, window, category, points, *, staff=None, period=OCT, source="manual",
              day=None):
    row = ScoreEvent(window_id=window.id, staff_id=staff.id if staff else None, category=category,
                     day=day or period.replace(day=10), period=period, points=D(str(points)),
                     source=source, evidence=f"{category} {points}")
    session.add(row)
    return row


def rate(session, period, rater, rated, value):
    session.add(PeerRating(period=period, rater_window_id=rater.id, rated_window_id=rated.id,
                           attitude=value, efficiency=value, quality=value, integrity=value))


def person(session, window, name):
    staff = Staff(name=name, window=window, unit="window")
    session.add(staff)
    session.flush()
    return staff


@pytest.fixture
def windows(make_window):
    return [make_window(f"0{i}", f"窗口{i}") for i in range(1, 4)]


def row_of(rows, window):
    return next(r for r in rows if r.window_id == window.id)


def test_score_2_month_results_equal_hand_computed_values(db_session, windows):
    a, b, c = windows
    add_event(db_session, a, "M3", -14)  # floored: 0 of 10
    add_event(db_session, a, "B", 7)
    add_event(db_session, a, "B", 5)  # 12 raw, capped at 10
    add_event(db_session, a, "M1", -1)
    add_event(db_session, b, "M9", -1)
    rate(db_session, OCT, b, a, 80)
    rate(db_session, OCT, c, a, 90)  # mean 85 → M10 8.5
    rate(db_session, OCT, a, b, 100)
    db_session.commit()
    rows = svc.compute_month(db_session, OCT)
    ra, rb, rc = row_of(rows, a), row_of(rows, b), row_of(rows, c)
    assert ra.by_category["M3"] == 0 and ra.by_category["B"] == 10
    assert ra.by_category["M10"] == D("8.5") and ra.peer_mean == D("85.00")
    assert ra.total == D("100") - 10 - 1 - D("1.5") + 10 == D("97.5")
    assert rb.total == D("99") and not rb.peer_missing
    # SCORE-2 M10: nobody rated c → the mean of the rated windows' M10, (8.5 + 10) / 2 = 9.25
    # → 9.3 (one decimal, half up), flagged missing and imputed — not silently full.
    assert rc.by_category["M10"] == D("9.3") and rc.total == D("99.3")
    assert rc.peer_missing and rc.peer_imputed and not ra.peer_imputed


def test_score_3_ranking_ties_fewer_complaints_then_fewer_overdue_days(db_session, windows):
    a, b, c = windows
    add_event(db_session, a, "M7", -2, source="complaint")
    add_event(db_session, b, "M3", -2)
    add_event(db_session, c, "M3", -1)
    add_event(db_session, c, "M1", -1)
    db_session.commit()
    rows = svc.compute_month(db_session, OCT)
    assert [r.window_id for r in rows] == [c.id, b.id, a.id]  # all 98: 0/1 overdue, then 1 complaint
    assert row_of(rows, a).verified_complaints == 1 and row_of(rows, b).overdue_days == 2
    assert [r.rank for r in rows] == [1, 2, 3] and all(r.red_flag for r in rows)


def test_score_3_case_6_overdue_days_are_days_whatever_the_m3_items_points(
        db_session, windows, item_points):
    """SCORE-3's tie-break counts overdue working days: the M3 points over the item's points."""
    item_points("M3-overdue-day", 2)
    add_event(db_session, windows[1], "M3", -6)
    db_session.commit()
    rows = svc.compute_month(db_session, OCT)
    assert row_of(rows, windows[1]).overdue_days == 3 and row_of(rows, windows[0]).overdue_days == 0


def test_score_3_red_flags_are_the_top_n_of_the_setting(db_session, make_window):
    from models.settings import RuleSetting

    windows = [make_window(f"1{i}", f"W{i}") for i in range(7)]
    for i, window in enumerate(windows):
        add_event(db_session, window, "M9", -D(i) / 2 if i else 0)
    db_session.scalars(select(RuleSetting).where(RuleSetting.key == "score.red_flag_count")
                       ).one().value = "2"
    db_session.commit()
    rows = svc.compute_month(db_session, OCT)
    assert [r.red_flag for r in rows] == [True, True] + [False] * 5
    assert rows[0].window_id == windows[0].id


def test_score_2_the_month_is_one_group_by_however_many_windows(db_session, make_window, app):
    windows = [make_window(f"2{i}", f"G{i}") for i in range(12)]
    for window in windows:
        for category in ("M1", "M3", "B"):
            add_event(db_session, window, category, -1 if category != "B" else 2)
    db_session.commit()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        rows = svc.compute_month(db_session, OCT)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    on_events = [s for s in statements if "score_event" in s]
    grouped = [s for s in on_events if "GROUP BY score_event.window_id, score_event.category" in s]
    # the sums, with the ratings, the NOTICE-1 counts and the windows in the same statement
    assert len(grouped) == 1 and len(on_events) == 1
    assert len(rows) == 12 and all(r.total == D("100") for r in rows)


def test_score_4_satisfied_windows_exclude_comp_5_and_second_notice_violations(db_session,
                                                                              windows):
    a, b, c = windows
    clerk = person(db_session, b, "李四")
    add_event(db_session, b, "M2", -2, staff=clerk, source="notice_violation",
              period=date(2026, 3, 1))
    add_event(db_session, b, "M2", -2, staff=clerk, source="notice_violation")  # 2nd in the year
    add_event(db_session, c, "M1", -6)  # 94 < 95
    db_session.commit()
    rows = svc.compute_month(db_session, OCT, exclusions=lambda s, start, end: (set(), {a.id}))
    assert not row_of(rows, a).satisfied and row_of(rows, a).excluded == ["COMP-5"]
    assert not row_of(rows, b).satisfied and row_of(rows, b).excluded == ["NOTICE-1"]
    assert not row_of(rows, c).satisfied and row_of(rows, c).excluded == []
    assert svc.compute_month(db_session, OCT)[0].satisfied  # window a without the exclusion


def test_score_3_confirm_freezes_and_reopen_with_reason_is_audited(db_session, windows):
    a = windows[0]
    add_event(db_session, a, "M1", -1)
    db_session.commit()
    with transaction(db_session):
        month = svc.confirm_month(db_session, OCT, None, NOW, TODAY,
                                  unrated_reason="本月未组织互评")
    assert month.state == "confirmed"
    snapshot = db_session.scalars(select(MonthlyResult).where(MonthlyResult.window_id == a.id)).one()
    assert snapshot.total == D("99") and snapshot.rank == 3
    _month, rows = svc.month_results(db_session, OCT)
    assert [r.window_id for r in rows][-1] == a.id
    # SCORE-3: an event change of the confirmed month is refused.
    db_session.get(ScoreEvent, db_session.scalars(select(ScoreEvent.id)).one()).points = D("-2")
    with pytest.raises(RuleViolation) as caught:
        db_session.flush()
    assert caught.value.rule_id == "SCORE-3"
    db_session.rollback()
    with pytest.raises(RuleViolation):
        with transaction(db_session):
            svc.confirm_month(db_session, OCT, None, NOW, TODAY)  # already confirmed
    with pytest.raises(RuleViolation) as caught:
        with transaction(db_session):
            svc.reopen_month(db_session, OCT, "  ", None, NOW)
    assert caught.value.field == "reason"
    with transaction(db_session):
        svc.reopen_month(db_session, OCT, "投诉复核改判", None, NOW)
    assert db_session.scalars(select(MonthlyResult)).all() == []
    db_session.get(ScoreEvent, db_session.scalars(select(ScoreEvent.id)).one()).points = D("-2")
    db_session.commit()
    trail = db_session.scalars(select(AuditLog).where(AuditLog.model == "AssessmentMonth")
                               ).all()
    assert any("投诉复核改判" in str(entry.changes) for entry in trail)


def test_score_3_the_current_month_cannot_be_confirmed(db_session, windows):
    with pytest.raises(RuleViolation) as caught:
        with transaction(db_session):
            svc.confirm_month(db_session, date(2026, 11, 1), None, NOW, TODAY)
    assert caught.value.rule_id == "SCORE-3"
    assert db_session.scalars(select(AssessmentMonth)).all() == []


def test_score_2_peer_ratings_open_days_self_rating_and_frozen_month(db_session, windows):
    a, b, c = windows
    good = {"attitude": 90, "efficiency": 80, "quality": "85", "integrity": 100}
    with pytest.raises(RuleViolation) as caught:  # October's rating opens on the 25th
        svc.record_peer_ratings(db_session, OCT, a.id, {b.id: good}, None, date(2026, 10, 24), NOW)
    assert caught.value.field == "period"
    with pytest.raises(RuleViolation) as caught:
        svc.record_peer_ratings(db_session, OCT, a.id, {a.id: good}, None, TODAY, NOW)
    assert caught.value.field == "rated_window_id"
    with pytest.raises(RuleViolation) as caught:
        svc.record_peer_ratings(db_session, OCT, a.id, {b.id: {**good, "quality": 101}}, None,
                                TODAY, NOW)
    assert caught.value.field == "quality"
    db_session.rollback()
    with transaction(db_session):
        assert svc.record_peer_ratings(db_session, OCT, a.id, {b.id: good, c.id: good}, None,
                                       TODAY, NOW) == 2
    with transaction(db_session):  # rated again: replaced, not added
        svc.record_peer_ratings(db_session, OCT, a.id, {b.id: {**good, "attitude": 50}}, None,
                                TODAY, NOW)
    assert len(db_session.scalars(select(PeerRating)).all()) == 2
    assert svc.peer_means(db_session, OCT)[b.id] == D("78.75")
    db_session.add(AssessmentMonth(period=OCT, state="confirmed"))
    db_session.commit()
    with pytest.raises(RuleViolation) as caught:
        svc.record_peer_ratings(db_session, OCT, a.id, {b.id: good}, None, TODAY, NOW)
    assert caught.value.rule_id == "SCORE-3"


def test_score_7_explanation_lines_add_up_and_a_clerk_sees_only_own_events(db_session, windows):
    a = windows[0]
    clerk, other = person(db_session, a, "张三"), person(db_session, a, "王五")
    add_event(db_session, a, "M3", -14, staff=other)
    add_event(db_session, a, "B", 12, staff=clerk)
    add_event(db_session, a, "M1", -1, staff=clerk)
    db_session.commit()
    full = svc.window_explanation(db_session, OCT, a.id)
    assert sum(line.value for line in full.lines) == full.total == full.row.total == D("99")
    m3 = next(line for line in full.lines if line.category == "M3")
    bonus = next(line for line in full.lines if line.category == "B")
    assert (m3.raw, m3.value, m3.applied) == (D("-14"), 0, "floor")
    assert (bonus.raw, bonus.value, bonus.applied) == (D("12"), 10, "cap")
    own = svc.window_explanation(db_session, OCT, a.id, own_staff_id=clerk.id)
    assert {e.staff_id for e in own.events} == {clerk.id} and own.hidden == {"M3": D("-14")}


def test_score_4_service_stars_exclude_comp_5_and_notice_1(db_session, windows):
    a, b, _c = windows
    best, second, third, noticed = (person(db_session, a, n) for n in ("甲", "乙", "丙", "丁"))
    add_event(db_session, a, "B", 3, staff=best)
    add_event(db_session, a, "B", 2, staff=second)
    add_event(db_session, a, "B", 1, staff=third)
    add_event(db_session, a, "B", 4, staff=noticed)
    add_event(db_session, a, "M2", -2, staff=noticed, source="notice_violation")
    db_session.commit()
    stars = svc.quarter_stars(db_session, 2026, 4, date(2026, 12, 31),
                              exclusions=lambda s, start, end: ({best.id}, set()))
    assert [p.staff_id for _place, p in stars.stars] == [second.id, third.id]  # 3 seats, 2 left
    assert stars.excluded[best.id] == ["COMP-5"] and stars.excluded[noticed.id] == ["NOTICE-1"]
    assert stars.stars[0][1].result == D("100.7")  # (100 + 102 + 100) / 3
    year = svc.year_stars(db_session, 2026, date(2026, 12, 31))
    assert year.stars[0][1].staff_id == best.id  # no exclusion for the year's 岗位之星


# --- SCORE-1: the confirmed flag follows the month ---------------------------------------------
def test_score_1_confirming_sets_and_reopening_clears_the_confirmed_flag_of_the_months_events(
        db_session, windows):
    a, b, _c = windows
    october = [add_event(db_session, a, "M1", -1), add_event(db_session, b, "B", 2),
               add_event(db_session, b, "M9", -1, source="attendance")]
    november = add_event(db_session, a, "M1", -1, period=date(2026, 11, 1))
    db_session.commit()
    assert not any(e.confirmed for e in october)
    with transaction(db_session):
        svc.confirm_month(db_session, OCT, None, NOW, TODAY, unrated_reason="未互评")
    assert [e.confirmed for e in october] == [True, True, True]  # refreshed in the session
    db_session.expire_all()
    assert set(db_session.scalars(select(ScoreEvent.confirmed).where(
        ScoreEvent.period == OCT))) == {True}
    assert db_session.get(ScoreEvent, november.id).confirmed is False  # another month
    with transaction(db_session):
        svc.reopen_month(db_session, OCT, "复核", None, NOW)
    db_session.expire_all()
    assert set(db_session.scalars(select(ScoreEvent.confirmed))) == {False}


def test_score_1_a_failed_confirmation_sets_no_flag(db_session, windows):
    """SCORE-1: the flags are set in the confirming transaction: refused (no reason for the
    unrated windows), nothing is confirmed — neither the month nor an event."""
    add_event(db_session, windows[0], "M1", -1)
    db_session.commit()
    with pytest.raises(RuleViolation):
        with transaction(db_session):
            svc.confirm_month(db_session, OCT, None, NOW, TODAY)
    db_session.expire_all()
    assert db_session.scalars(select(ScoreEvent.confirmed)).all() == [False]
    assert db_session.scalars(select(AssessmentMonth)).all() == []


# --- SCORE-2 M10: windows nobody rated ------------------------------------------------------------
def test_score_2_m10_confirming_with_an_unrated_window_needs_a_reason_and_gives_the_mean(
        db_session, windows):
    a, b, c = windows
    rate(db_session, OCT, b, a, 80)  # a: M10 8.0
    rate(db_session, OCT, a, b, 95)  # b: M10 9.5 — c rated by nobody
    db_session.commit()
    rows = svc.compute_month(db_session, OCT)
    assert [r.window_id for r in svc.unrated_windows(rows)] == [c.id]
    with pytest.raises(RuleViolation) as caught:
        with transaction(db_session):
            svc.confirm_month(db_session, OCT, None, NOW, TODAY, unrated_reason="   ")
    assert (caught.value.rule_id, caught.value.field) == ("SCORE-2", "unrated_reason")
    assert "03 窗口3" in caught.value.render() and "01 窗口1" not in caught.value.render()
    with transaction(db_session):
        month = svc.confirm_month(db_session, OCT, None, NOW, TODAY,
                                  unrated_reason="窗口3当月人员轮换，未参加互评")
    assert month.unrated_reason == "窗口3当月人员轮换，未参加互评"
    snapshot = db_session.scalars(select(MonthlyResult).where(
        MonthlyResult.window_id == c.id)).one()
    assert snapshot.peer_mean is None and '"M10": "8.8"' in snapshot.categories  # (8+9.5)/2
    _month, confirmed = svc.month_results(db_session, OCT)
    assert row_of(confirmed, c).peer_imputed and not row_of(confirmed, a).peer_imputed
    # SCORE-7: the explanation says M10 is the rated windows' mean, and adds up.
    explained = svc.window_explanation(db_session, OCT, c.id)
    m10 = next(line for line in explained.lines if line.category == "M10")
    assert (m10.value, m10.applied) == (D("8.8"), "peer_imputed")
    assert explained.total == row_of(confirmed, c).total == D("98.8")
    trail = db_session.scalars(select(AuditLog).where(AuditLog.model == "AssessmentMonth")).all()
    assert any("窗口3当月人员轮换" in str(entry.changes) for entry in trail)  # audited


def test_score_2_m10_when_no_window_was_rated_every_m10_is_full_and_a_reason_is_needed(
        db_session, windows):
    """SCORE-2 M10, the decision of app/rules/assessment.py: no rated window, no mean — every
    window's M10 counts full (equal for all) and confirming still needs the reason."""
    db_session.commit()
    rows = svc.compute_month(db_session, OCT)
    assert {r.by_category["M10"] for r in rows} == {D("10")}
    assert not any(r.peer_imputed for r in rows) and len(svc.unrated_windows(rows)) == 3
    with pytest.raises(RuleViolation) as caught:
        with transaction(db_session):
            svc.confirm_month(db_session, OCT, None, NOW, TODAY)
    assert caught.value.field == "unrated_reason"
    with transaction(db_session):
        svc.confirm_month(db_session, OCT, None, NOW, TODAY, unrated_reason="本月未组织互评")
    explained = svc.window_explanation(db_session, OCT, windows[0].id)
    m10 = next(line for line in explained.lines if line.category == "M10")
    assert (m10.value, m10.applied) == (D("10"), "peer_missing")


def test_score_2_m10_all_rated_needs_no_reason_and_clears_an_old_one(db_session, windows):
    a, b, c = windows
    for rater, rated in ((a, b), (b, c), (c, a)):
        rate(db_session, OCT, rater, rated, 90)
    db_session.add(AssessmentMonth(period=OCT, state="open", unrated_reason="旧的理由"))
    db_session.commit()
    with transaction(db_session):
        month = svc.confirm_month(db_session, OCT, None, NOW, TODAY)
    assert month.state == "confirmed" and month.unrated_reason is None


# --- Issue #18: the second of two confirmations is told who and when ------------------------------
def test_score_3_a_second_confirmation_is_told_who_confirmed_the_month_and_when(
        db_session, windows, make_user):
    leader = make_user("Leadership", username="leader_zhou")
    db_session.get(Staff, db_session.scalar(select(Staff.id).where(
        Staff.user_id == leader.id))).name = "周主任"
    db_session.commit()
    with transaction(db_session):
        svc.confirm_month(db_session, OCT, leader.id, NOW, TODAY, unrated_reason="未互评")
    with pytest.raises(svc.MonthDecided) as caught:
        with transaction(db_session):
            svc.confirm_month(db_session, OCT, None, NOW, TODAY, unrated_reason="未互评")
    assert caught.value.rule_id == "SCORE-3"
    assert caught.value.render() == "2026-10 was already confirmed by 周主任 at 2026-11-02 10:00."
    with transaction(db_session):
        svc.reopen_month(db_session, OCT, "复核", leader.id, NOW)
    with pytest.raises(svc.MonthDecided) as caught:
        with transaction(db_session):
            svc.reopen_month(db_session, OCT, "复核", None, NOW)
    assert caught.value.render() == "2026-10 was already reopened by 周主任 at 2026-11-02 10:00."
