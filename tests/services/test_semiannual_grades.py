"""SCORE-5/6 in the service: staff assessed elsewhere are left out of the grade list and its
优秀 share; no one enters points, praise or innovation for their own entry (issue #18); a tie
across the last 优秀 seat is Leadership's choice, required before confirming, stored, audited
and cleared when the scores change."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.rules.errors import RuleViolation
from app.services.semiannual import (add_praise, choose_excellent, compute, confirm,
                                     excellent_ties, remove_praise, save_entries)
from models.audit import AuditLog
from models.org import Staff
from models.semiannual import SemiannualEntry, SemiannualItem

TODAY = date(2026, 7, 10)
NOW = datetime(2026, 7, 10, 2, tzinfo=timezone.utc)
REASON = "全年无投诉"  # SCORE-6: every choice says why


@pytest.fixture
def five(db_session, window_a):
    """Five civil servants of window A: 20 % of five is one 优秀 seat."""
    people = [Staff(name=name, window=window_a, category="civil_servant")
              for name in ("甲", "乙", "丙", "丁", "戊")]
    db_session.add_all(people)
    db_session.commit()
    return people


def _entries(db_session) -> dict[int, SemiannualEntry]:
    db_session.expire_all()
    return {e.staff_id: e for e in db_session.scalars(select(SemiannualEntry))}


def _innovation(db_session, assessment, *people):
    save_entries(db_session, assessment, {p.id: {"innovation": "5"} for p in people}, None)
    db_session.commit()


# --- Assessed elsewhere ----------------------------------------------------------------------------
def test_score_5_staff_assessed_elsewhere_are_left_out_of_the_list_and_its_share(db_session,
                                                                                 five):
    """SCORE-5: the center's leadership, assessed by the town, has no entry; the 优秀 seats are
    counted on the others (4 → none; with the leader 5 → one)."""
    leader = Staff(name="主任", unit="leadership", position="director", assessed_elsewhere=True)
    db_session.add(leader)
    five[-1].is_active = False  # four active staff besides the leader
    db_session.commit()
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    _innovation(db_session, assessment, five[0])
    entries = _entries(db_session)
    assert set(entries) == {p.id for p in five[:4]}
    assert entries[five[0].id].total == D(100) and entries[five[0].id].grade == "competent"
    leader.assessed_elsewhere = False
    db_session.commit()
    compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    entries = _entries(db_session)
    assert leader.id in entries and entries[five[0].id].grade == "excellent"  # 5 people: a seat
    # Marked again: the draft's entry (with its items) goes on the next compute.
    save_entries(db_session, assessment, {leader.id: {"manual_de": "1"}}, None)
    leader.assessed_elsewhere = True
    db_session.commit()
    compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    assert leader.id not in _entries(db_session)
    assert db_session.scalars(select(SemiannualItem).where(
        SemiannualItem.kind == "manual_de")).all() == []
    assert _entries(db_session)[five[0].id].grade == "competent"


# --- Own entry -------------------------------------------------------------------------------------
def test_score_5_no_one_enters_points_praise_or_innovation_for_their_own_entry(db_session, five,
                                                                               make_user):
    """SCORE-5 / issue #18: Office entering innovation for its own entry (total 97) is refused
    with SCORE-5, by the service whatever the door; a colleague's entry is fine, and the own
    row sent back unchanged changes nothing."""
    user = make_user("Office")
    own = db_session.scalars(select(Staff).where(Staff.user_id == user.id)).one()
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    attempts = [
        lambda: save_entries(db_session, assessment, {own.id: {"innovation": "5"}}, user.id),
        lambda: save_entries(db_session, assessment, {own.id: {"manual_de": "0", "notes": "x"}},
                             user.id),
        lambda: add_praise(db_session, assessment, own.id, "praise_written", "自评表扬", user.id),
    ]
    for attempt in attempts:
        with pytest.raises(RuleViolation) as caught:
            attempt()
        assert caught.value.rule_id == "SCORE-5"
        db_session.rollback()
    assert _entries(db_session)[own.id].total == D(95)
    assert save_entries(db_session, assessment, {own.id: {"innovation": "0", "notes": ""},
                                                 five[0].id: {"innovation": "5"}}, user.id) == 1
    db_session.commit()
    assert _entries(db_session)[five[0].id].total == D(100)
    # A praise a colleague recorded for the office member: not theirs to take back either.
    item = add_praise(db_session, assessment, own.id, "praise_written", "县表扬", None)
    db_session.commit()
    with pytest.raises(RuleViolation) as caught:
        remove_praise(db_session, item, user.id)
    assert caught.value.rule_id == "SCORE-5"
    db_session.rollback()
    remove_praise(db_session, db_session.get(SemiannualItem, item.id), None)
    db_session.commit()


# --- A tie across the last 优秀 seat -------------------------------------------------------------
def test_score_6_a_tie_for_the_last_seat_blocks_confirming_until_leadership_chooses(db_session,
                                                                                    five):
    """SCORE-6: two at 100 for the one seat — both 称职 and the tie shown with 1 seat left;
    confirming is refused; Leadership chooses one, who is 优秀; then it confirms."""
    a, b, c = five[:3]
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    _innovation(db_session, assessment, a, b)
    entries = _entries(db_session)
    assert (entries[a.id].grade, entries[b.id].grade) == ("competent", "competent")
    [tie] = excellent_ties(db_session, assessment)
    assert ([e.staff_id for e in tie.entries], tie.total, tie.seats_left, tie.unresolved) == (
        sorted([a.id, b.id], key=lambda i: db_session.get(Staff, i).name), D(100), 1, True)
    with pytest.raises(RuleViolation) as caught:
        confirm(db_session, assessment, None, NOW)
    assert caught.value.rule_id == "SCORE-6" and caught.value.params["seats"] == 1
    db_session.rollback()
    for wrong in ([a.id, b.id], [c.id], []):
        with pytest.raises(RuleViolation) as caught:
            choose_excellent(db_session, assessment, wrong, None, reason=REASON)
        assert caught.value.rule_id == "SCORE-6"
        db_session.rollback()
    for blank in (None, "", "   "):  # SCORE-6: no choice without its reason
        with pytest.raises(RuleViolation) as caught:
            choose_excellent(db_session, assessment, [b.id], None, reason=blank, now=NOW)
        assert (caught.value.rule_id, caught.value.field) == ("SCORE-6", "reason")
        db_session.rollback()
    assert not any(e.tie_chosen for e in _entries(db_session).values())
    tie = choose_excellent(db_session, assessment, [b.id], None, reason=f"  {REASON}  ", now=NOW)
    db_session.commit()
    assert [(e.tie_choice_reason, e.tie_chosen_at) for e in tie.chosen] == [(REASON, NOW)]
    assert [e.staff_id for e in tie.chosen] == [b.id] and not tie.unresolved
    entries = _entries(db_session)
    assert (entries[a.id].grade, entries[b.id].grade) == ("competent", "excellent")
    trail = db_session.scalars(select(AuditLog).where(
        AuditLog.model == "SemiannualEntry", AuditLog.record_id == str(entries[b.id].id),
        AuditLog.action == "update")).all()
    assert any(json.loads(row.changes).get("tie_chosen") == [False, True] for row in trail)
    confirm(db_session, assessment, None, NOW)
    db_session.commit()
    assert assessment.state == "confirmed"


def test_score_6_the_choice_stays_on_recompute_and_goes_when_the_scores_change(db_session, five):
    a, b, c = five[:3]
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    _innovation(db_session, assessment, a, b)
    choose_excellent(db_session, assessment, [a.id], None, reason=REASON)
    db_session.commit()
    compute(db_session, 2026, 1, TODAY, now=NOW)  # nothing changed: the choice stands
    db_session.commit()
    assert _entries(db_session)[a.id].grade == "excellent"
    save_entries(db_session, assessment, {c.id: {"manual_de": "1"}}, None)  # a score changes
    db_session.commit()
    entries = _entries(db_session)
    assert not any(e.tie_chosen for e in entries.values())
    assert (entries[a.id].grade, entries[b.id].grade) == ("competent", "competent")
    assert excellent_ties(db_session, assessment)[0].unresolved
    save_entries(db_session, assessment, {b.id: {"manual_de": "1"}}, None)  # no tie any more
    db_session.commit()
    assert excellent_ties(db_session, assessment) == []
    assert _entries(db_session)[a.id].grade == "excellent"
    confirm(db_session, assessment, None, NOW)


def test_score_6_nobody_chooses_in_a_tie_they_are_part_of(db_session, five, make_user):
    user = make_user("Leadership")
    own = db_session.scalars(select(Staff).where(Staff.user_id == user.id)).one()
    own.category = "civil_servant"
    db_session.commit()
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)  # six people: one seat
    _innovation(db_session, assessment, own, five[0])
    with pytest.raises(RuleViolation) as caught:
        choose_excellent(db_session, assessment, [five[0].id], user.id, reason=REASON)
    assert caught.value.rule_id == "SCORE-6"
    db_session.rollback()
