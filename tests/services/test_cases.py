"""Cases through the service layer: intake classes, transitions, deadlines, notices (CASE-*, NOTICE-1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actor import Actor
from app.rules import case_states as cs
from app.rules.errors import RuleViolation
from app.rules.identity import id_check_digit
from app.services.calendar import load_calendar, refresh_work_days
from app.services.case_queries import (case_parts, due_soon_condition, overdue_condition,
                                       overdue_days_expression, queue_order, work_queue)
from app.services.cases import (Applicant, Intake, SubTaskPlan, allocate_case_number, annotate,
                                apply_action, available_actions, complete_sub_task,
                                record_satisfaction, register_intake)
from models.cases import Case, CaseNotice, NoticeViolation
from models.catalogue import ItemMaterial, ServiceItem
from tests.factories import clock_on

ID_NUMBER = "11010519491231002X"
ACTOR = Actor(username="clerk01")


clock = clock_on


@pytest.fixture
def item(db_session, window_a):
    item = ServiceItem(code="T-001", name="户口迁移", window=window_a, kind="promised",
                       promised_days=5, statutory_days=20, fee_standard=Decimal("10.00"),
                       fee_item="工本费", fee_basis="价格主管部门文件")
    item.materials = [ItemMaterial(name="身份证", form="original", copies=1, mandatory=True, sort_order=1),
                      ItemMaterial(name="户口簿", form="copy", copies=2, mandatory=True, sort_order=2),
                      ItemMaterial(name="照片", form="original", copies=1, mandatory=False, sort_order=3)]
    db_session.add(item)
    db_session.commit()
    return item


def all_received(item) -> dict[int, int]:
    return {m.id: m.copies for m in item.materials}


def intake(item, case_class="accepted", **kwargs) -> Intake:
    kwargs.setdefault("received", all_received(item))
    return Intake(item_id=item.id, case_class=case_class,
                  applicant=Applicant(name="王五", id_number=ID_NUMBER.lower(), phone="139 1234 5678"),
                  **kwargs)


def test_case_3_accepted_case_runs_on_the_item_limit_in_working_days(db_session, item):
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 9, 30)))
    assert case.state == cs.ACCEPTED
    assert case.deadline == date(2026, 10, 13)  # National Day, then the working Saturday 10-10
    assert case.applicant_id_number == ID_NUMBER and case.applicant_phone == "13912345678"
    assert case.number == "BC-2026-000001"
    assert [t.action for t in case.transitions] == ["intake"]


def test_case_1_numbers_are_unique_and_count_per_year(db_session):
    numbers = [allocate_case_number(db_session, 2026) for _ in range(3)]
    numbers.append(allocate_case_number(db_session, 2027))
    assert numbers == ["BC-2026-000001", "BC-2026-000002", "BC-2026-000003", "BC-2027-000001"]


def test_case_2_accepting_with_a_mandatory_material_missing_is_refused(db_session, item):
    received = {item.materials[0].id: 1}
    with pytest.raises(RuleViolation) as error:
        register_intake(db_session, intake(item, received=received), ACTOR, clock(date(2026, 11, 2)))
    assert error.value.rule_id == "CASE-2"
    db_session.rollback()
    assert db_session.scalar(select(func.count(Case.id))) == 0


def test_notice_1_supplement_case_lists_every_missing_material_at_once(db_session, item):
    received = {item.materials[0].id: 1, item.materials[1].id: 1}  # one copy short
    case = register_intake(db_session, intake(item, "supplement", received=received,
                                              defective={item.materials[0].id: "复印不清"}),
                           ACTOR, clock(date(2026, 11, 2)))
    (notice,) = case.notices
    assert notice.kind == "one_time"
    assert {m.name for m in notice.materials} == {"户口簿", "身份证"}
    assert case.state == cs.SUPPLEMENT_REQUESTED and case.deadline is None


def test_notice_1_second_notice_asking_for_an_unlisted_material_is_a_violation(db_session, item):
    first_staff = Actor(username="clerk01", staff_id=None)
    received = {item.materials[0].id: 1}
    case = register_intake(db_session, intake(item, "supplement", received=received),
                           first_staff, clock(date(2026, 11, 2)))
    apply_action(db_session, case, cs.RECEIVE_MATERIALS, ACTOR, clock(date(2026, 11, 3)),
                 received={item.materials[1].id: 2})
    apply_action(db_session, case, cs.REQUEST_SUPPLEMENT, ACTOR, clock(date(2026, 11, 4)),
                 materials=[item.materials[2].id])  # the photo was not on the first notice
    db_session.commit()
    (violation,) = db_session.scalars(select(NoticeViolation)).all()
    assert violation.material_name == "照片" and violation.case_id == case.id


def test_case_2_returned_case_needs_a_reason_and_gets_a_return_notice(db_session, item):
    with pytest.raises(RuleViolation) as error:
        register_intake(db_session, intake(item, "returned", received={}), ACTOR, clock(date(2026, 11, 2)))
    assert error.value.field == "return_reason"
    db_session.rollback()
    case = register_intake(db_session, intake(item, "returned", received={}, return_reason="缺少主件"),
                           ACTOR, clock(date(2026, 11, 2)))
    assert case.state == cs.RETURNED and case.notices[0].kind == "return"


def test_case_9_only_published_fees_are_charged(db_session, item):
    with pytest.raises(RuleViolation) as error:
        register_intake(db_session, intake(item, fee_amount=Decimal("20")), ACTOR, clock(date(2026, 11, 2)))
    assert error.value.rule_id == "CASE-9"
    db_session.rollback()
    case = register_intake(db_session, intake(item, fee_amount=Decimal("10")), ACTOR, clock(date(2026, 11, 2)))
    assert case.fee_amount == Decimal("10.00")


def test_priv_2_bad_applicant_id_number_is_refused_next_to_its_field(db_session, item):
    bad = intake(item)
    bad.applicant.id_number = "110105194912310021"
    with pytest.raises(RuleViolation) as error:
        register_intake(db_session, bad, ACTOR, clock(date(2026, 11, 2)))
    assert error.value.field == "applicant_id_number"


def test_case_4_full_path_to_closed_records_every_transition(db_session, item):
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))
    for action, params in [(cs.START, {}), (cs.APPROVE, {"note": "准予"}),
                           (cs.DELIVER, {"collector": "王五", "rating": "satisfied",
                                         "fee_amount": "10"}), (cs.CLOSE, {})]:
        apply_action(db_session, case, action, ACTOR, clock(date(2026, 11, 3)), **params)
    assert case.state == cs.CLOSED and case.satisfaction == "satisfied"
    assert [t.to_state for t in case.transitions] == [
        cs.ACCEPTED, cs.IN_PROGRESS, cs.DECIDED_APPROVED, cs.DELIVERED, cs.CLOSED]
    with pytest.raises(RuleViolation):
        apply_action(db_session, case, cs.START, ACTOR, clock(date(2026, 11, 4)))
    assert annotate(case, "档案已移交", ACTOR, clock(date(2026, 11, 4))).text == "档案已移交"


def test_case_4_wrong_transition_changes_nothing(db_session, item):
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))
    with pytest.raises(RuleViolation) as error:
        apply_action(db_session, case, cs.DELIVER, ACTOR, clock(date(2026, 11, 3)), collector="x")
    assert error.value.rule_id == "CASE-4"
    assert case.state == cs.ACCEPTED and len(case.transitions) == 1 and case.delivered_at is None


def test_case_5_extension_once_within_the_setting_moves_the_deadline(db_session, item):
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))
    apply_action(db_session, case, cs.START, ACTOR, clock(date(2026, 11, 3)))
    with pytest.raises(RuleViolation):
        apply_action(db_session, case, cs.EXTEND, ACTOR, clock(date(2026, 11, 4)), reason="x", extension_days=11)
    apply_action(db_session, case, cs.EXTEND, ACTOR, clock(date(2026, 11, 4)), reason="需现场核查", extension_days=3)
    assert case.deadline == date(2026, 11, 12) and case.original_deadline == date(2026, 11, 9)
    assert cs.EXTEND not in available_actions(case)
    assert [n.kind for n in case.notices] == ["extension"]


def test_case_12_suspension_moves_the_deadline_by_the_suspended_working_days(db_session, item):
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))  # due 11-09
    apply_action(db_session, case, cs.START, ACTOR, clock(date(2026, 11, 2)))
    apply_action(db_session, case, cs.SUSPEND, ACTOR, clock(date(2026, 11, 3)),
                 procedure="专家评审", reason="需组织专家论证")
    apply_action(db_session, case, cs.RESUME, ACTOR, clock(date(2026, 11, 6)))  # Wed, Thu, Fri
    assert case.suspended_days == 3 and case.deadline == date(2026, 11, 12)
    assert case.state == cs.IN_PROGRESS


def test_case_7_joint_case_is_decided_only_when_every_part_is_done(db_session, item, window_b):
    plan = [SubTaskPlan(window_id=window_b.id, part="社保转移", promised_days=3)]
    case = register_intake(db_session, intake(item, "joint", sub_tasks=plan), ACTOR, clock(date(2026, 11, 2)))
    assert case.sub_tasks[0].deadline == date(2026, 11, 5)
    assert cs.APPROVE not in available_actions(case)
    with pytest.raises(RuleViolation) as error:
        apply_action(db_session, case, cs.APPROVE, ACTOR, clock(date(2026, 11, 3)))
    assert error.value.rule_id == "CASE-7"
    complete_sub_task(case.sub_tasks[0], ACTOR, clock(date(2026, 11, 4)))
    apply_action(db_session, case, cs.APPROVE, ACTOR, clock(date(2026, 11, 4)))
    assert case.state == cs.DECIDED_APPROVED


def test_case_7_the_parts_a_page_read_hold_the_decision_back_as_the_cases_own(
        db_session, item, window_b):
    """Issue #21 P1: the case page passes the parts it lists (case_queries.case_parts) to
    available_actions instead of letting it load `case.sub_tasks` — the same answer."""
    plan = [SubTaskPlan(window_id=window_b.id, part="社保转移", promised_days=3)]
    case = register_intake(db_session, intake(item, "joint", sub_tasks=plan), ACTOR, clock(date(2026, 11, 2)))
    db_session.flush()
    read = available_actions(case, case_parts(db_session, case.id))
    assert cs.APPROVE not in read and read == available_actions(case)
    complete_sub_task(case.sub_tasks[0], ACTOR, clock(date(2026, 11, 4)))
    db_session.flush()
    read = available_actions(case, case_parts(db_session, case.id))
    assert cs.APPROVE in read and read == available_actions(case)


def test_case_7_sub_task_limit_cannot_pass_the_lead_deadline(db_session, item, window_b):
    plan = [SubTaskPlan(window_id=window_b.id, part="社保转移", promised_days=9)]
    with pytest.raises(RuleViolation) as error:
        register_intake(db_session, intake(item, "joint", sub_tasks=plan), ACTOR, clock(date(2026, 11, 2)))
    assert error.value.rule_id == "CASE-7"


def test_case_11_rating_only_after_delivery_and_only_once(db_session, item):
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))
    with pytest.raises(RuleViolation):
        record_satisfaction(case, "satisfied", None, "public")
    apply_action(db_session, case, cs.APPROVE, ACTOR, clock(date(2026, 11, 3)))
    apply_action(db_session, case, cs.DELIVER, ACTOR, clock(date(2026, 11, 3)), collector="王五",
                 fee_amount=Decimal("0"))  # CASE-9: waived
    record_satisfaction(case, "dissatisfied", " 等太久 ", "public")
    assert (case.satisfaction, case.satisfaction_opinion) == ("dissatisfied", "等太久")
    with pytest.raises(RuleViolation):
        record_satisfaction(case, "satisfied", None, "public")


def test_case_6_overdue_filters_and_overdue_days_are_computed_in_sql(db_session, item):
    today = date(2026, 11, 20)
    refresh_work_days(db_session, today)
    late = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))  # due 11-09
    soon = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 17)))  # due 11-24
    decided_late = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))
    apply_action(db_session, decided_late, cs.APPROVE, ACTOR, clock(date(2026, 11, 11)))
    db_session.commit()
    overdue = set(db_session.scalars(select(Case.number).where(overdue_condition(today))))
    assert overdue == {late.number, decided_late.number}
    last = load_calendar(db_session).add_working_days(today, 2)
    assert set(db_session.scalars(select(Case.number).where(due_soon_condition(today, last)))) == {soon.number}
    days = dict(db_session.execute(select(Case.number, overdue_days_expression(today))).all())
    calendar = load_calendar(db_session)
    assert days[late.number] == calendar.working_days_between(date(2026, 11, 9), today) == 9
    assert days[decided_late.number] == 2 and days[soon.number] == 0


def test_case_8_queue_puts_urgent_first_then_nearest_deadline(db_session, item):
    normal = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))
    later = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 5)))
    urgent = register_intake(db_session, intake(item, urgent=True), ACTOR, clock(date(2026, 11, 10)))
    db_session.commit()
    queue = db_session.scalars(work_queue(item.window_id)).all()
    assert [c.id for c in queue] == [urgent.id, normal.id, later.id]


def test_case_8_queue_urgent_then_deadline_then_appointment_then_arrival(db_session, item):
    """CASE-8 on the work queue's SQL order (moved here from the rule twin it replaced):
    green channel first, then the nearest deadline (none last), then the earliest agreed
    appointment (none last), then first come, first served."""
    t0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    keys = {
        "late_deadline": (False, date(2026, 3, 20), None, t0),
        "urgent_no_deadline": (True, None, None, t0 + timedelta(hours=5)),
        "urgent_deadline": (True, date(2026, 3, 30), None, t0 + timedelta(hours=6)),
        "no_deadline": (False, None, None, t0 - timedelta(days=9)),
        "near_deadline_later": (False, date(2026, 3, 5), None, t0 + timedelta(hours=2)),
        "near_deadline_earlier": (False, date(2026, 3, 5), None, t0 + timedelta(hours=1)),
        "near_deadline_booked": (False, date(2026, 3, 5), t0 + timedelta(days=1), t0 + timedelta(hours=3)),
    }
    names = {}
    for name, (urgent, deadline, appointment_at, received_at) in keys.items():
        case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 3, 2)))
        case.urgent, case.deadline, case.appointment_at, case.received_at = (
            urgent, deadline, appointment_at, received_at)
        db_session.flush()
        names[case.id] = name
    db_session.commit()
    queue = db_session.scalars(work_queue(item.window_id)).all()
    assert [names[c.id] for c in queue] == [
        "urgent_deadline", "urgent_no_deadline", "near_deadline_booked", "near_deadline_earlier",
        "near_deadline_later", "late_deadline", "no_deadline"]


@pytest.mark.parametrize(
    "deadline, decided, today, overdue",
    [  # CASE-6 (moved here from the rule twin it replaced): the end of the deadline day counts
        ("2026-10-09", "2026-10-08", "2026-10-20", False),  # decided early
        ("2026-10-09", "2026-10-09", "2026-10-20", False),  # on the deadline day: on time
        ("2026-10-09", "2026-10-10", "2026-10-20", True),  # adjusted working Saturday
        ("2026-10-09", "2026-10-12", "2026-10-20", True),
        ("2026-10-09", None, "2026-10-09", False),  # open, due today
        ("2026-10-09", None, "2026-10-13", True),  # open, late
        ("2026-03-06", "2026-03-07", "2026-03-20", True),  # late, but on a rest day
        ("2026-09-30", None, "2026-10-07", True),  # open through National Day: no working day yet
        ("2026-09-30", None, "2026-10-08", True),
    ],
)
def test_case_6_overdue_condition_counts_from_the_end_of_the_deadline_day(
        db_session, item, deadline, decided, today, overdue):
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 3, 2)))
    case.deadline = date.fromisoformat(deadline)
    if decided:
        case.state, case.decided_on = cs.DECIDED_APPROVED, date.fromisoformat(decided)
    db_session.commit()
    found = db_session.scalars(select(Case.id).where(overdue_condition(date.fromisoformat(today)))).all()
    assert (case.id in found) is overdue


@pytest.mark.parametrize(
    "deadline, today, n, due",
    [  # CASE-6 (moved here from the rule twin it replaced)
        ("2026-10-10", "2026-10-08", 2, True),  # 10-08 + 2 working days = Sat 10-10
        ("2026-10-10", "2026-10-08", 1, False),
        ("2026-10-10", "2026-10-10", 0, True),  # due today
        ("2026-10-08", "2026-09-30", 1, True),  # across National Day
        ("2026-10-09", "2026-10-12", 2, False),  # already overdue
    ],
)
def test_case_6_due_soon_condition_takes_n_working_days_ahead(db_session, item, deadline, today, n, due):
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 9, 1)))
    case.deadline = date.fromisoformat(deadline)
    db_session.commit()
    day = date.fromisoformat(today)
    last = load_calendar(db_session).add_working_days(day, n)
    found = db_session.scalars(select(Case.id).where(due_soon_condition(day, last))).all()
    assert (case.id in found) is due


def test_case_8_queue_order_leaves_no_tie_to_the_database():
    """CASE-8: cases equal in urgency, deadline, appointment and arrival (one second) come
    in id order. SQLite returns such ties in id order anyway, PostgreSQL in any — and the
    queue is paged, so a page could repeat or skip a case: the order ends on the key."""
    assert queue_order()[-1].compare(Case.id.asc())


def test_case_3_immediate_item_is_due_the_day_it_is_accepted(db_session, item):
    item.kind = "immediate"
    db_session.commit()
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 7)))  # a Saturday
    assert case.deadline == date(2026, 11, 7) and case.promised_days == 0
    assert timedelta(0) == case.accepted_at - clock(date(2026, 11, 7)).now


# --- Rule gaps of issue #9 (CASE-3/5/6, NOTICE-1, PRIV-2) ----------------------------------
def test_case_5_extension_asked_after_the_deadline_is_refused_and_changes_nothing(db_session, item):
    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))  # due 11-09
    apply_action(db_session, case, cs.START, ACTOR, clock(date(2026, 11, 3)))
    with pytest.raises(RuleViolation) as error:
        apply_action(db_session, case, cs.EXTEND, ACTOR, clock(date(2026, 11, 10)),
                     reason="需现场核查", extension_days=3)
    assert error.value.rule_id == "CASE-5"
    assert case.state == cs.IN_PROGRESS and case.deadline == date(2026, 11, 9)
    assert not case.extended and case.notices == []


def test_case_6_withdrawn_overdue_case_keeps_its_overdue_days_in_python_and_in_sql(
        db_session, item, app, center_now):
    today = date(2026, 11, 30)
    refresh_work_days(db_session, today)
    late = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))  # due 11-09
    apply_action(db_session, late, cs.WITHDRAW, ACTOR, clock(date(2026, 11, 13)))
    on_time = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))
    apply_action(db_session, on_time, cs.WITHDRAW, ACTOR, clock(date(2026, 11, 6)))
    waiting = register_intake(db_session, intake(item, "supplement", received={}), ACTOR,
                              clock(date(2026, 11, 2)))
    apply_action(db_session, waiting, cs.WITHDRAW, ACTOR, clock(date(2026, 11, 20)))
    db_session.commit()
    assert (late.withdrawn_on, on_time.withdrawn_on, waiting.withdrawn_on) == (
        date(2026, 11, 13), date(2026, 11, 6), None)  # no clock ran before acceptance
    days = dict(db_session.execute(select(Case.number, overdue_days_expression(today))).all())
    assert days == {late.number: 4, on_time.number: 0, waiting.number: 0}  # 11-10 … 11-13
    overdue = set(db_session.scalars(select(Case.number).where(overdue_condition(today))))
    assert overdue == {late.number}
    center_now(today)
    from app.views.derived import overdue_days

    with app.test_request_context():  # the list and show pages read the derived column
        assert [overdue_days(case) for case in (late, on_time, waiting)] == [4, 0, 0]


def test_notice_1_one_time_notice_later_than_notice_max_days_is_flagged(db_session, item):
    received = {item.materials[0].id: 1}
    case = register_intake(db_session, intake(item, "supplement", received=received),
                           ACTOR, clock(date(2026, 11, 2)))
    assert (case.notices[0].due_on, case.notices[0].late) == (date(2026, 11, 9), False)
    apply_action(db_session, case, cs.RECEIVE_MATERIALS, ACTOR, clock(date(2026, 11, 3)),
                 received={item.materials[1].id: 1})  # one copy short of two
    # The 6th working day after the materials came in on 11-03 (due 11-10).
    apply_action(db_session, case, cs.REQUEST_SUPPLEMENT, ACTOR, clock(date(2026, 11, 11)),
                 materials=[item.materials[1].id])
    db_session.commit()
    second = case.notices[-1]
    assert (second.due_on, second.late) == (date(2026, 11, 10), True)
    late = db_session.scalars(select(CaseNotice.id).where(CaseNotice.late)).all()
    assert late == [second.id]  # SQL sees the flag: scoring can count it


def test_priv_2_id_number_born_after_the_intake_day_is_refused(db_session, item):
    body = "11010520261201002"  # born 2026-12-01
    bad = intake(item)
    bad.applicant.id_number = body + id_check_digit(body)
    with pytest.raises(RuleViolation) as error:
        register_intake(db_session, bad, ACTOR, clock(date(2026, 11, 30)))
    assert (error.value.rule_id, error.value.field) == ("PRIV-2", "applicant_id_number")
    db_session.rollback()
    assert db_session.scalar(select(func.count(Case.id))) == 0


def test_case_4_the_clerks_note_on_a_step_without_text_of_its_own_is_stored(db_session, item):
    from app.services.cases import action_parameters

    case = register_intake(db_session, intake(item), ACTOR, clock(date(2026, 11, 2)))
    apply_action(db_session, case, cs.START, ACTOR, clock(date(2026, 11, 3)), note="已电话联系申请人")
    assert case.transitions[-1].note == "已电话联系申请人"
    assert "note" in action_parameters(cs.START) and "note" not in action_parameters(cs.DELIVER)


# --- CASE-9: the fee at delivery (issue #19) ------------------------------------------------
def decided(db_session, item, **intake_kwargs):
    case = register_intake(db_session, intake(item, **intake_kwargs), ACTOR, clock(date(2026, 11, 2)))
    apply_action(db_session, case, cs.APPROVE, ACTOR, clock(date(2026, 11, 3)))
    return case


def test_case_9_a_fee_charging_case_is_not_delivered_without_its_fee(db_session, item):
    case = decided(db_session, item)
    with pytest.raises(RuleViolation) as refused:
        apply_action(db_session, case, cs.DELIVER, ACTOR, clock(date(2026, 11, 4)), collector="王五")
    assert (refused.value.rule_id, refused.value.field) == ("CASE-9", "fee_amount")
    assert case.state == cs.DECIDED_APPROVED and case.delivered_at is None
    assert case.fee_amount is None and not case.fee_waived


def test_case_9_delivery_records_the_published_fee(db_session, item):
    case = decided(db_session, item)
    apply_action(db_session, case, cs.DELIVER, ACTOR, clock(date(2026, 11, 4)), collector="王五",
                 fee_amount="10")
    assert case.state == cs.DELIVERED
    assert (case.fee_amount, case.fee_waived) == (Decimal("10.00"), False)


def test_case_9_zero_at_delivery_records_a_waiver_not_a_missing_fee(db_session, item):
    case = decided(db_session, item)
    apply_action(db_session, case, cs.DELIVER, ACTOR, clock(date(2026, 11, 4)), collector="王五",
                 fee_amount=Decimal("0"))
    assert case.state == cs.DELIVERED
    assert (case.fee_amount, case.fee_waived) == (None, True)


def test_case_9_an_unpublished_fee_at_delivery_is_refused(db_session, item):
    case = decided(db_session, item)
    with pytest.raises(RuleViolation) as refused:
        apply_action(db_session, case, cs.DELIVER, ACTOR, clock(date(2026, 11, 4)), collector="王五",
                     fee_amount="15")
    assert (refused.value.rule_id, refused.value.field) == ("CASE-9", "fee_amount")
    assert case.state == cs.DECIDED_APPROVED and case.fee_amount is None


@pytest.mark.parametrize("at_intake, amount, waived", [
    (Decimal("10"), Decimal("10.00"), False),
    (Decimal("0"), None, True),  # 免收 at the counter
])
def test_case_9_a_fee_recorded_at_intake_is_not_asked_again(db_session, item, at_intake, amount,
                                                             waived):
    case = decided(db_session, item, fee_amount=at_intake)
    assert (case.fee_amount, case.fee_waived) == (amount, waived)
    apply_action(db_session, case, cs.DELIVER, ACTOR, clock(date(2026, 11, 4)), collector="王五")
    assert case.state == cs.DELIVERED and (case.fee_amount, case.fee_waived) == (amount, waived)


def test_case_9_a_fee_given_at_delivery_replaces_the_intakes(db_session, item):
    case = decided(db_session, item, fee_amount=Decimal("10"))
    apply_action(db_session, case, cs.DELIVER, ACTOR, clock(date(2026, 11, 4)), collector="王五",
                 fee_amount="0")
    assert (case.fee_amount, case.fee_waived) == (None, True)


def test_case_9_a_free_item_is_delivered_without_a_fee_and_never_waived(db_session, window_a):
    free = ServiceItem(code="T-FREE", name="户籍证明", window=window_a, kind="promised",
                       promised_days=1, statutory_days=5)
    free.materials = [ItemMaterial(name="身份证", form="original", copies=1, mandatory=True,
                                   sort_order=1)]
    db_session.add(free)
    db_session.commit()
    case = decided(db_session, free, fee_amount=Decimal("0"))
    assert (case.fee_amount, case.fee_waived) == (None, False)
    apply_action(db_session, case, cs.DELIVER, ACTOR, clock(date(2026, 11, 4)), collector="王五")
    assert case.state == cs.DELIVERED and (case.fee_amount, case.fee_waived) == (None, False)
