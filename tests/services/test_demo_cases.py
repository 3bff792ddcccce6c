"""Generated demo cases obey the case rules (CASE-1/3/4/6/7/9/11, PRIV-2) and leave the
numbering and the ids ready for the next intake at the counter."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select, text

from app.actor import Actor, Clock
from app.rules import case_states as cs
from app.rules.deadlines import case_deadline
from app.rules.identity import normalize_credit_code, normalize_id_number, normalize_phone
from app.rules.intake import RATINGS
from app.services.calendar import load_calendar
from app.services.case_queries import overdue_condition, overdue_days_expression
from app.demo import create_demo_center
from app.demo.cases import daily_counts, generate_demo_cases
from app.services.cases import Applicant, Intake, register_intake
from models.cases import (Case, CaseMaterial, CaseNotice, CaseNumberSequence, CaseSubTask,
                          CaseTransition, NoticeMaterial, RefusalReport, WorkDay)
from models.catalogue import ServiceItem

TODAY = date(2026, 11, 23)
N = 500
NUMBER = re.compile(r"BC-(\d{4})-(\d{6})")


@pytest.fixture
def demo_center(app, db_session):
    create_demo_center(db_session, app.appbuilder.sm, "Demo#Pass1234")


@pytest.fixture
def generated(app, shared_data, db_session):
    """N generated cases, built once for the tests that only read them (tests/conftest.py)."""
    def build():
        create_demo_center(db_session, app.appbuilder.sm, "Demo#Pass1234")
        return generate_demo_cases(db_session, N, today=TODAY, seed=7)

    return shared_data("demo cases", build)


@pytest.fixture
def generated_to_change(demo_center, db_session):
    """The same N cases, built for a test that adds to them."""
    return generate_demo_cases(db_session, N, today=TODAY, seed=7)


def all_cases(session) -> list[Case]:
    return session.scalars(select(Case).order_by(Case.id)).all()


def test_counts_are_those_asked_for_and_reported(generated, db_session):
    assert generated["cases"] == N
    assert db_session.scalar(select(func.count(Case.id))) == N
    for model, key in ((CaseTransition, "transitions"), (CaseMaterial, "materials"),
                       (CaseNotice, "notices"), (CaseSubTask, "sub_tasks")):
        assert db_session.scalar(select(func.count(model.id))) == generated[key] > 0
    # every case has at least its intake transition and its final one
    assert generated["transitions"] >= 2 * db_session.scalar(
        select(func.count(Case.id)).where(Case.state == cs.CLOSED))


def test_every_intake_class_occurs_and_only_recent_cases_are_still_open(generated, db_session):
    classes = set(db_session.scalars(select(Case.case_class).distinct()))
    assert classes == set(cs.INTAKE_CLASSES)
    closed = db_session.scalar(select(func.count(Case.id)).where(Case.state == cs.CLOSED))
    assert closed > N * 0.8  # the past is archived
    open_since = db_session.scalars(select(Case.received_at).where(
        Case.state.in_([s for s in cs.STATES if cs.is_open(s)]))).all()
    assert open_since  # and the last weeks are still at the windows
    assert min(open_since).date() > TODAY - timedelta(days=120)


def test_case_1_numbers_are_unique_readable_and_the_counter_moved_past_them(generated, db_session):
    numbers = db_session.scalars(select(Case.number).order_by(Case.id)).all()
    assert len(set(numbers)) == N
    last = defaultdict(int)
    for number in numbers:
        year, seq = map(int, NUMBER.fullmatch(number).groups())
        assert seq == last[year] + 1  # in sequence per year, in order of arrival
        last[year] = seq
    counters = dict(db_session.execute(
        select(CaseNumberSequence.year, CaseNumberSequence.last_value)).all())
    assert counters == dict(last)


def intake_at_the_counter(session) -> Case:
    """A case accepted today through the services, as a clerk registers it."""
    item = session.scalars(select(ServiceItem).where(ServiceItem.code == "GA-004")).one()
    case = register_intake(
        session,
        Intake(item_id=item.id, case_class=cs.CLASS_ACCEPTED,
               applicant=Applicant(name="王五", id_number="11010519491231002X", phone="13912345678"),
               received={m.id: m.copies for m in item.materials}),
        Actor(username="clerk"), Clock(datetime(2026, 11, 23, 3, tzinfo=timezone.utc), TODAY))
    session.commit()
    return case


def test_case_1_a_later_intake_gets_the_next_number_and_a_free_id(generated_to_change, db_session):
    highest = db_session.scalar(select(func.max(Case.id)))
    last = db_session.get(CaseNumberSequence, ("BC", TODAY.year)).last_value
    case = intake_at_the_counter(db_session)
    assert case.number == f"BC-{TODAY.year}-{last + 1:06d}"
    assert case.id > highest
    assert case.transitions[0].id > db_session.scalar(
        select(func.max(CaseTransition.id)).where(CaseTransition.case_id != case.id))


def test_bulk_written_values_are_stored_as_the_orm_stores_them(generated_to_change, db_session):
    """The generator hands the driver stored values itself (no SQLAlchemy type processing);
    they must be the very form the ORM writes, or comparisons and sorting in SQL (overdue,
    ledger periods) would mix two formats on SQLite."""
    orm_case = intake_at_the_counter(db_session)
    generated_id = db_session.scalar(select(func.min(Case.id)).where(
        Case.accepted_at.is_not(None), Case.urgent.is_(False)))
    columns = "received_at, accepted_at, accepted_on, deadline, urgent, promised_days"
    raw = text(f"SELECT {columns} FROM service_case WHERE id = :id")  # no result processing
    stored = db_session.execute(raw, {"id": generated_id}).one()
    expected = db_session.execute(raw, {"id": orm_case.id}).one()
    for name, value, orm_value in zip(columns.split(", "), stored, expected):
        assert type(value) is type(orm_value), name
        if isinstance(value, str):
            assert re.sub(r"\d", "9", value) == re.sub(r"\d", "9", orm_value), name
    assert stored.urgent == expected.urgent  # both false, stored alike
    transition = text("SELECT at FROM case_transition WHERE case_id = :id ORDER BY id")
    at = db_session.execute(transition, {"id": generated_id}).scalars().all()
    orm_at = db_session.execute(transition, {"id": orm_case.id}).scalars().first()
    assert {type(value) for value in at} == {type(orm_at)}


def test_case_3_acceptance_on_working_days_and_deadlines_by_the_rule_functions(generated,
                                                                              db_session):
    calendar = load_calendar(db_session)
    accepted = [c for c in all_cases(db_session) if c.accepted_on is not None]
    assert len(accepted) > N / 2
    for case in accepted:
        assert calendar.is_working_day(case.accepted_on), case.number
        assert case.original_deadline == case_deadline(case.accepted_on, case.promised_days,
                                                       calendar), case.number
        # CASE-12 moves the deadline by the suspended working days, CASE-5 by the extension
        moved = case.suspended_days + (case.extension_days or 0)
        assert case.deadline == calendar.add_working_days(case.original_deadline, moved)
        assert calendar.is_working_day(case.deadline), case.number
        assert case.extended == (case.extension_days is not None)
        if case.extended:
            assert case.extension_reason and 1 <= case.extension_days <= 10
        if case.state == cs.SUSPENDED:
            assert case.suspended_on and case.suspension_procedure
    zone = ZoneInfo("Asia/Shanghai")  # the demo center's time zone
    received_days = {c.received_at.astimezone(zone).date() for c in all_cases(db_session)}
    assert all(calendar.is_working_day(day) for day in received_days)


def test_case_4_decisions_follow_acceptance_and_every_history_is_a_chain(generated, db_session):
    transitions = defaultdict(list)
    for t in db_session.scalars(select(CaseTransition).order_by(CaseTransition.id)):
        transitions[t.case_id].append(t)
    for case in all_cases(db_session):
        if case.decided_on is not None:
            assert case.decided_on >= case.accepted_on
            assert case.decided_at >= case.accepted_at >= case.received_at
        history = transitions[case.id]
        assert history[0].action == "intake" and history[0].from_state is None
        for before, after in zip(history, history[1:]):
            assert after.from_state == before.to_state, case.number
            assert after.at >= before.at, case.number
        assert history[-1].to_state == case.state
        assert all(t.username for t in history)


def test_case_6_some_cases_are_overdue_and_cost_working_days(generated, db_session):
    overdue = db_session.scalar(select(func.count(Case.id)).where(overdue_condition(TODAY)))
    assert overdue > 0
    days = db_session.scalar(select(func.sum(overdue_days_expression(TODAY))))
    assert days > 0
    # the work_day table covers the generated years (CASE-6 counts in SQL)
    first = db_session.scalar(select(func.min(Case.accepted_on)))
    assert db_session.get(WorkDay, first) is not None


def test_case_7_joint_cases_have_sub_tasks_within_the_lead_deadline(generated, db_session):
    joint = [c for c in all_cases(db_session) if c.case_class == cs.CLASS_JOINT]
    assert joint
    for case in joint:
        assert case.sub_tasks, case.number
        for task in case.sub_tasks:
            assert task.window_id != case.window_id
            assert task.deadline <= case.original_deadline
            if case.decided_on is not None:
                assert task.done_on is not None and task.done_on <= case.decided_on


def test_case_7_only_joint_cases_have_sub_tasks(generated, db_session):
    """The app plans parts at a joint case's intake only; a joint item's 补正 case accepted
    later has none in the demo either."""
    with_parts = {c.case_class for c in all_cases(db_session) if c.sub_tasks}
    assert with_parts == {cs.CLASS_JOINT}


def test_case_9_fees_are_only_the_items_published_fees(generated, db_session):
    charged = db_session.execute(
        select(Case.fee_amount, ServiceItem.fee_standard).join(ServiceItem)
        .where(Case.fee_amount.is_not(None))).all()
    assert charged
    assert all(fee == published for fee, published in charged)


def test_case_9_every_delivered_case_of_a_fee_charging_item_has_its_fee_or_a_waiver(
        generated, db_session):
    """Issue #19: delivery asks for the fee, so the demo never delivers one with nothing recorded;
    a waiver (免收) is recorded as one, never with an amount, and only where a fee is published."""
    delivered = db_session.execute(
        select(Case.fee_amount, Case.fee_waived, ServiceItem.fee_standard).join(ServiceItem)
        .where(Case.delivered_at.is_not(None))).all()
    charging = [(fee, waived) for fee, waived, published in delivered if published]
    assert charging and all((fee is not None) != bool(waived) for fee, waived in charging)
    assert any(waived for _fee, waived in charging)  # P_FEE_WAIVED of them
    assert not any(waived for _fee, waived, published in delivered if not published)


def test_case_11_ratings_on_delivered_cases_mostly_satisfied(generated, db_session):
    rated = db_session.execute(select(Case.satisfaction, Case.delivered_at)
                               .where(Case.satisfaction.is_not(None))).all()
    assert rated and all(delivered is not None for _, delivered in rated)
    assert {rating for rating, _ in rated} <= set(RATINGS)
    assert sum(rating == "satisfied" for rating, _ in rated) > 0.8 * len(rated)


def test_priv_2_applicants_have_valid_id_numbers_and_phones(generated, db_session):
    for kind, id_number, phone in db_session.execute(
            select(Case.applicant_kind, Case.applicant_id_number, Case.applicant_phone)):
        if kind == "person":
            assert normalize_id_number(id_number) == id_number
        else:
            assert normalize_credit_code(id_number) == id_number
        assert normalize_phone(phone) == phone


def test_case_1_accepted_cases_received_every_mandatory_material(generated, db_session):
    received = defaultdict(set)
    for case_id, material_id in db_session.execute(
            select(CaseMaterial.case_id, CaseMaterial.material_id)):
        received[case_id].add(material_id)
    mandatory = {item.id: {m.id for m in item.materials if m.mandatory}
                 for item in db_session.scalars(select(ServiceItem))}
    accepted = db_session.execute(select(Case.id, Case.item_id)
                                  .where(Case.accepted_at.is_not(None))).all()
    assert all(mandatory[item_id] <= received[case_id] for case_id, item_id in accepted)
    assert set(received) <= {case_id for case_id, _ in accepted}


def test_generating_again_adds_cases_that_continue_the_numbering(generated_to_change, db_session):
    again = generate_demo_cases(db_session, 50, today=TODAY, seed=8)
    assert again["cases"] == 50
    numbers = db_session.scalars(select(Case.number)).all()
    assert len(numbers) == len(set(numbers)) == N + 50


def test_no_generated_instant_is_later_than_now(demo_center, db_session):
    """Today's office hours run past the present: nothing is dated after it, however the
    day's cases are spread (issue #9: demo cases dated later than the current time)."""
    from models.types import UTCDateTime

    now = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    generate_demo_cases(db_session, N, today=TODAY, seed=7, now=now)
    latest = []
    for model in GENERATED:
        for column in model.__table__.columns:
            if isinstance(column.type, UTCDateTime):
                latest.append(db_session.scalar(select(func.max(column))))
    assert max(value for value in latest if value is not None) <= now
    dated_today = db_session.scalar(select(func.count(Case.id)).where(Case.accepted_on == TODAY))
    assert dated_today > 0  # today's cases exist: the bound was really put to the test


GENERATED = (RefusalReport, NoticeMaterial, CaseNotice, CaseMaterial, CaseTransition,
             CaseSubTask, Case, CaseNumberSequence)


def generated_rows(session) -> dict[str, list]:
    return {model.__table__.name: session.execute(
        select(model.__table__).order_by(*model.__table__.primary_key.columns)).all()
        for model in GENERATED}


def test_a_worker_process_generates_the_very_rows_this_process_does(demo_center, db_session):
    """Several batches (each with its own block of 送达凭证 ids), made here and in a worker."""
    generate_demo_cases(db_session, 300, today=TODAY, seed=11, batch_size=100, worker=False)
    made_here = generated_rows(db_session)
    for model in GENERATED:
        db_session.execute(delete(model.__table__))
    db_session.commit()
    counts = generate_demo_cases(db_session, 300, today=TODAY, seed=11, batch_size=100,
                                 worker=True)
    assert generated_rows(db_session) == made_here
    assert counts["cases"] == len(made_here["service_case"]) == 300
    assert counts["notices"] == len(made_here["case_notice"])
    assert "wait for worker" in counts["seconds"]


def test_daily_counts_spread_exactly_n_cases():
    days = [date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9)]
    counts = daily_counts(days, 1000)
    assert sum(counts) == 1000 and counts[0] > counts[4]  # Mondays are busier than Fridays


def test_a_negative_number_of_cases_is_refused(demo_center, db_session):
    with pytest.raises(ValueError):
        generate_demo_cases(db_session, -1, today=TODAY)


def test_demo_command_generates_cases_and_refuses_a_negative_count(app, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bianmin", "demo", "--password", "Demo#Pass1234",
                                 "--cases", "40"])
    assert result.exit_code == 0, result.output
    assert re.search(r"cases generated: 40 in \d+\.\d s", result.output)
    assert db_session.scalar(select(func.count(Case.id))) == 40
    result = runner.invoke(args=["bianmin", "demo", "--cases", "-5"])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "-5" in result.output


def test_neg_1_2_objected_refusals_get_reports_reviewed_by_the_section_head(db_session,
                                                                           demo_center):
    """NEG-1: every generated refusal records whether the applicant objected; the objected
    ones have their 否定报备单 (some missing: NEG-3), due for review `neg.review_days` working
    days after filing (NEG-2), reviewed by a section head."""
    from app.rules.deadlines import refusal_review_due
    from app.security import SECTION_HEAD
    from app.services.refusals import refusals_missing_report
    from models.cases import REVIEW_OUTCOMES
    from models.org import Staff

    counts = generate_demo_cases(db_session, 4000, today=TODAY, seed=3)
    refused = db_session.scalars(select(Case).join(CaseTransition).where(
        CaseTransition.action == cs.REFUSE)).all()
    assert refused and all(c.applicant_objected is not None for c in refused)
    reports = db_session.scalars(select(RefusalReport)).all()
    assert counts["refusal_reports"] == len(reports) > 0
    calendar = load_calendar(db_session)
    section_heads = {s.id for s in db_session.scalars(select(Staff)) if s.user is not None
                     and SECTION_HEAD in {r.name for r in s.user.roles}}
    for report in reports:
        assert report.case.applicant_objected is True
        assert report.review_due == refusal_review_due(report.filed_on, 3, calendar)
        if report.reviewed_on is not None:
            assert report.outcome in REVIEW_OUTCOMES and report.reviewer_id in section_heads
    assert any(report.reviewed_on for report in reports)
    missing = refusals_missing_report(db_session)
    objected = [c for c in refused if c.applicant_objected]
    assert len(missing) + len(reports) == len(objected)
