"""SCORE-5/6/7: computing the semi-annual assessment from the facts (cases, duty logs,
meetings, integrity events), the office's entries kept on recompute, the explanation adding up,
and the frozen confirmed assessment."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.rules.errors import RuleViolation
from app.services.scoring import EventInput, build_event, item_by_code
from app.services.semiannual import (add_praise, compute, confirm, explain, ontime_counts,
                                     save_entries)
from models.cases import Case
from models.meetings import Meeting, MeetingAttendance
from models.org import Staff
from models.roster import DutyShift
from models.semiannual import SemiannualEntry, SemiannualItem
from tests.factories import clocks_on_time, residence_permit_item

TODAY = date(2026, 7, 10)
NOW = datetime(2026, 7, 10, 2, tzinfo=timezone.utc)


@pytest.fixture
def people(db_session, window_a):
    a = Staff(name="甲", window=window_a, category="civil_servant")
    b = Staff(name="乙", window=window_a, category="institution")
    db_session.add_all([a, b])
    db_session.commit()
    return a, b


def _cases(db_session, window, handler, decided: int, late: int, dissatisfied: int = 0):
    item = residence_permit_item(db_session, window, f"S-{handler.id}")
    for n in range(decided):
        deadline = date(2026, 3, 20)
        decided_on = deadline + timedelta(days=1) if n < late else deadline - timedelta(days=2)
        db_session.add(Case(number=f"T{handler.id}-{n}", case_class="accepted", state="closed",
                            item_id=item.id, window_id=window.id, applicant_name="赵六",
                            handler_id=handler.id, deadline=deadline, decided_on=decided_on,
                            satisfaction="dissatisfied" if n < dissatisfied else None))
    db_session.commit()


def _facts(db_session, window_a, a):
    _cases(db_session, window_a, a, decided=20, late=1, dissatisfied=1)  # 95 %: −2.5; −1
    db_session.add(DutyShift(day=date(2026, 5, 6), staff_id=a.id))  # no duty log: −1
    meeting = Meeting(kind="weekly", day=date(2026, 4, 3), starts_at="15:00")
    meeting.attendance = [MeetingAttendance(staff_id=a.id, status="absent_unexcused")]  # −1
    db_session.add(meeting)
    db_session.add(build_event(db_session, EventInput(
        item_by_code(db_session, "M6-integrity").id, date(2026, 3, 3), None, window_a.id,
        staff_id=a.id, evidence="收受礼品")))  # −2
    db_session.commit()


def _entry(db_session, staff) -> SemiannualEntry:
    return db_session.scalars(select(SemiannualEntry).where(SemiannualEntry.staff_id == staff.id)).one()


def test_score_5_on_time_counts_are_one_group_by_per_handler(db_session, window_a, people):
    a, b = people
    _cases(db_session, window_a, a, decided=4, late=1)
    _cases(db_session, window_a, b, decided=2, late=0)
    assert ontime_counts(db_session, date(2026, 1, 1), date(2026, 6, 30)) == {a.id: (4, 3),
                                                                              b.id: (2, 2)}


def test_score_5_compute_from_the_facts(db_session, window_a, people):
    a, b = people
    _facts(db_session, window_a, a)
    compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    ea, eb = _entry(db_session, a), _entry(db_session, b)
    kinds = sorted((i.kind, i.points) for i in ea.items)
    assert kinds == [("dissatisfied", D(-1)), ("duty_log_missing", D(-1)),
                     ("integrity", D(-2)), ("meeting_absent", D(-1)), ("ontime_rate", D("-2.5"))]
    assert (ea.qin, ea.ji, ea.lian) == (D(15 - 1 - 1), D("31.5"), D(13))  # 绩 from its 35
    assert ea.total == D(15 + 15 + 13 + D("31.5") + 13)
    assert (eb.total, eb.items) == (D(95), [])  # no innovation: 绩 35
    # One person per category: 20 % of 1 is no 优秀 seat — the second grade of each scale.
    assert (ea.grade, eb.grade) == ("competent", "qualified")


def test_score_7_explanation_items_add_up_to_the_parts(db_session, window_a, people):
    a, _b = people
    _facts(db_session, window_a, a)
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    save_entries(db_session, assessment, {a.id: {"manual_de": "4", "innovation": "5"}}, None)
    db_session.commit()
    entry = _entry(db_session, a)
    x = explain(db_session, entry)
    for part in x.parts:
        assert sum((i.points for i in part.items if i.kind != "innovation"), D(0)) == -part.off
        assert part.score == min(part.maximum, max(D(0), part.base - part.off) + part.innovation)
        assert part.base == (D(35) if part.part == "ji" else part.maximum)
        assert part.score == getattr(entry, part.part)
    assert x.total == entry.total == sum((p.score for p in x.parts), D(0)) + x.bonus


def test_score_5_recompute_is_idempotent_and_keeps_manual_entries(db_session, window_a, people):
    a, b = people
    _facts(db_session, window_a, a)
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    save_entries(db_session, assessment, {b.id: {"manual_neng": "3", "notes": "培训缺课"}}, None)
    add_praise(db_session, assessment, b.id, "praise_written", "县政府书面表扬 2026-05", None)
    db_session.commit()
    before = sorted((i.id, i.kind, i.points) for i in db_session.scalars(select(SemiannualItem)))
    compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    after = sorted((i.id, i.kind, i.points) for i in db_session.scalars(select(SemiannualItem)))
    assert before == after
    eb = _entry(db_session, b)
    assert (eb.neng, eb.bonus, eb.total, eb.notes) == (D(12), D(2), D(94), "培训缺课")


def test_score_5_manual_points_outside_the_range_are_refused(db_session, people):
    a, _b = people
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    for value in ("16", "-1", "x", "0.25"):
        with pytest.raises(RuleViolation) as caught:
            save_entries(db_session, assessment, {a.id: {"manual_de": value}}, None)
        assert caught.value.field == f"manual_de_{a.id}"
        db_session.rollback()


def _set(db_session, key, value):
    from models.settings import RuleSetting

    db_session.scalars(select(RuleSetting).where(RuleSetting.key == key)).one().value = value
    db_session.commit()


def test_score_5_the_ji_maximum_setting_changes_the_semiannual_cap(db_session, people):
    """SCORE-5: 绩 with innovation is capped at semi.part_ji_max, and the total follows."""
    a, _b = people
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    save_entries(db_session, assessment, {a.id: {"innovation": "20"}}, None)  # 35 + 20
    db_session.commit()
    assert (_entry(db_session, a).ji, _entry(db_session, a).total) == (D(40), D(100))
    _set(db_session, "semi.part_ji_max", "50")
    compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    entry = _entry(db_session, a)
    assert (entry.ji, entry.total) == (D(50), D(110))
    ji = next(part for part in explain(db_session, entry).parts if part.part == "ji")
    assert (ji.maximum, ji.score, ji.capped) == (D(50), D(50), True)


def test_score_5_part_maxima_settings_bound_the_parts_and_the_office_entries(db_session, people):
    a, _b = people
    _set(db_session, "semi.part_de_max", "10")
    _set(db_session, "semi.part_lian_max", "20")
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    assert (_entry(db_session, a).de, _entry(db_session, a).lian) == (D(10), D(20))
    with pytest.raises(RuleViolation) as caught:  # 12 off a part of 10 is a typing error
        save_entries(db_session, assessment, {a.id: {"manual_de": "12"}}, None)
    assert caught.value.field == f"manual_de_{a.id}"
    db_session.rollback()
    save_entries(db_session, assessment, {a.id: {"manual_lian": "18"}}, None)
    db_session.commit()
    assert _entry(db_session, a).lian == D(2)


def test_score_6_a_confirmed_assessment_is_frozen(db_session, people):
    a, _b = people
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    confirm(db_session, assessment, None, NOW)
    db_session.commit()
    for attempt in (lambda: compute(db_session, 2026, 1, TODAY, now=NOW),
                    lambda: save_entries(db_session, assessment, {a.id: {"manual_de": "1"}}, None),
                    lambda: add_praise(db_session, assessment, a.id, "praise_written", "表扬", None),
                    lambda: confirm(db_session, assessment, None, NOW)):
        with pytest.raises(RuleViolation) as caught:
            attempt()
        assert caught.value.rule_id == "SCORE-6"
        db_session.rollback()
    assert db_session.scalar(select(func.count(SemiannualItem.id))) == 0
    # Whatever the door: a direct change of a confirmed entry is refused at the flush.
    entry = _entry(db_session, a)
    entry.de = D(1)
    with pytest.raises(RuleViolation) as caught:
        db_session.flush()
    assert caught.value.rule_id == "SCORE-6"
    db_session.rollback()
    entry = _entry(db_session, a)
    entry.items.append(SemiannualItem(part="de", kind="manual_de", points=D(-1), manual=True))
    with pytest.raises(RuleViolation):
        db_session.flush()
    db_session.rollback()
    assert _entry(db_session, a).de == D(15)


def test_score_5_attendance_counts_only_months_with_clock_data(db_session, people):
    """SCORE-5 勤 from ATT-2/3: only March has clock data (a's clocks on every working day):
    b is absent there; the months never imported are no data, not absence."""
    a, b = people
    clocks_on_time(db_session, a, date(2026, 3, 1), date(2026, 3, 31))
    compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    eb = _entry(db_session, b)
    absences = [i for i in eb.items if i.kind == "attendance_absence"]
    assert [i.evidence[:7] for i in absences] == ["2026-03"]  # no data in the other months
    assert absences[0].points < D(-8)
    assert eb.qin == D(15 - 8) and eb.off_qin == D(8)  # the attendance sub-item stops at 8


def test_score_5_reporting_is_entered_by_the_office_within_its_sub_item(db_session, people):
    """SCORE-5 绩 信息报送 (5): the office enters the points off reporting like accuracy —
    0 to the sub-item's 5 in steps of 0.1, kept on recompute, 0 removes it."""
    a, _b = people
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    for value in ("5.5", "-1", "0.25", "x"):
        with pytest.raises(RuleViolation) as caught:
            save_entries(db_session, assessment, {a.id: {"reporting": value}}, None)
        assert (caught.value.rule_id, caught.value.field) == ("SCORE-5", f"reporting_{a.id}")
        db_session.rollback()
    save_entries(db_session, assessment, {a.id: {"reporting": "2.5", "wrong_result": "1"}}, None)
    db_session.commit()
    compute(db_session, 2026, 1, TODAY, now=NOW)
    db_session.commit()
    entry = _entry(db_session, a)
    assert sorted((i.kind, i.points, i.manual) for i in entry.items) == [
        ("reporting", D("-2.5"), True), ("wrong_result", D(-1), True)]
    assert (entry.off_ji, entry.ji, entry.total) == (D("3.5"), D("31.5"), D("91.5"))
    save_entries(db_session, assessment, {a.id: {"reporting": "5"}}, None)  # the whole sub-item
    db_session.commit()
    assert _entry(db_session, a).ji == D(35 - 1 - 5)
    save_entries(db_session, assessment, {a.id: {"reporting": ""}}, None)
    db_session.commit()
    assert [i.kind for i in _entry(db_session, a).items] == ["wrong_result"]


def test_score_7_reporting_is_explained_with_its_sub_item_cap(db_session, people):
    """SCORE-7: the reporting items show under 绩 as a sub-item of 5, stopping there even if
    more were recorded (扣分至小项扣完为止)."""
    a, _b = people
    assessment = compute(db_session, 2026, 1, TODAY, now=NOW)
    save_entries(db_session, assessment, {a.id: {"reporting": "4"}}, None)
    entry = _entry(db_session, a)
    entry.items.append(SemiannualItem(part="ji", kind="reporting", points=D(-3), manual=False,
                                      source="manual"))
    db_session.flush()
    ji = next(part for part in explain(db_session, entry).parts if part.part == "ji")
    reporting = [step for step in ji.applied if step.group == "reporting"]
    assert [(s.raw, s.counted, s.note) for s in reporting] == [(D(-7), D(5), "cap")]
    assert (ji.off, ji.score) == (D(5), D(30))
    db_session.rollback()
