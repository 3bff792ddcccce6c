"""Who may do what: the pure policies of app/policy/ (issue #17), as tables of actors × records.

Each policy takes an Actor value (roles, Staff id, window, position) and a record read only; no
request, no database. The doors (pages, API, templates) render these answers and the services
refuse by them, so one table here is the permission model of its domain.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from app.actor import Actor
from app.policy import attendance, away, calendar, cases, complaints, handover, leave, meetings
from app.policy import org
from app.policy import refusals
from app.policy import roster, scores, semiannual
from app.roles import ADMIN, CLERK, LEADERSHIP, OFFICE, PUBLIC, ROLES, SECTION_HEAD, WINDOW_HEAD

TODAY = date(2026, 11, 18)


def actor(*roles, staff_id=None, window_id=None, position=None) -> Actor:
    return Actor("someone", user_id=1, staff_id=staff_id, roles=frozenset(roles),
                 window_id=window_id, position=position)


# --- NEG-1/2 refusal reports --------------------------------------------------------------------
@pytest.mark.parametrize("role, files, reviews", [
    (CLERK, True, False),
    (WINDOW_HEAD, True, False),
    (SECTION_HEAD, False, True),
    (ADMIN, True, True),
    (OFFICE, False, False),
    (LEADERSHIP, False, False),
])
def test_neg_1_the_window_files_and_neg_2_the_section_head_reviews(role, files, reviews):
    assert refusals.may_file_refusal_report(actor(role)) is files
    assert refusals.may_review_refusal_report(actor(role)) is reviews


def test_neg_1_no_role_may_neither_file_nor_review():
    assert not refusals.may_file_refusal_report(actor())
    assert not refusals.may_review_refusal_report(actor())


def report(**values):
    base = {"reviewed_on": None, "important": False, "escalated_on": None, "outcome": None,
            "informed_on": None}
    return SimpleNamespace(**{**base, **values})


@pytest.mark.parametrize("role, record, expected", [
    (SECTION_HEAD, report(), {refusals.REVIEW}),
    (SECTION_HEAD, report(reviewed_on=TODAY, important=True, outcome="upheld"), {refusals.ESCALATE}),
    (SECTION_HEAD, report(reviewed_on=TODAY, important=True, escalated_on=TODAY), set()),
    (CLERK, report(), set()),
    (CLERK, report(reviewed_on=TODAY, outcome=refusals.CORRECTED), {refusals.INFORM}),
    (CLERK, report(reviewed_on=TODAY, outcome=refusals.CORRECTED, informed_on=TODAY), set()),
    (WINDOW_HEAD, report(reviewed_on=TODAY, outcome="upheld"), set()),
    (OFFICE, report(reviewed_on=TODAY, outcome=refusals.CORRECTED, important=True), set()),
])
def test_neg_2_report_actions_each_once_for_its_role(role, record, expected):
    assert refusals.report_actions(actor(role), record) == expected


def test_neg_2_the_corrected_outcome_is_the_models():
    from models.cases import REVIEW_OUTCOMES

    assert refusals.CORRECTED in REVIEW_OUTCOMES


# --- ORG-2 cases, PRIV-1 ------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_org_2_every_staff_role_reads_cases(role):
    assert cases.may_read_cases(actor(role))


def test_org_2_the_public_reads_no_cases():
    assert not cases.may_read_cases(actor(PUBLIC)) and not cases.may_read_cases(actor())


@pytest.mark.parametrize("who, scope", [
    (actor(CLERK, staff_id=1, window_id=7), 7),
    (actor(WINDOW_HEAD, staff_id=1, window_id=7), 7),
    (actor(CLERK, staff_id=1), -1),  # a clerk without a window sees nothing, not everything
    (actor(CLERK), -1),  # no Staff row
    (actor(OFFICE), None), (actor(SECTION_HEAD), None), (actor(CLERK, OFFICE, window_id=7), None),
    (actor(), -1),
])
def test_org_2_window_scope(who, scope):
    assert org.window_scope(who) == scope


@pytest.mark.parametrize("who, window_id, covered, sees", [
    (actor(OFFICE), 9, False, True), (actor(LEADERSHIP), None, False, True),
    (actor(CLERK, staff_id=1, window_id=9), 9, False, True),
    (actor(CLERK, staff_id=1, window_id=9), 8, False, False),
    (actor(CLERK, staff_id=1, window_id=9), 8, True, True),  # AB-2: B covering A's case
    (actor(SECTION_HEAD), 8, False, False), (actor(ADMIN), 8, False, False),
])
def test_priv_1_personal_data_for_the_window_office_leadership_and_the_covering_b(
        who, window_id, covered, sees):
    assert cases.may_see_personal_data(who, window_id, covered=covered) is sees


def test_ab_2_b_reaches_a_case_it_covers_outside_its_window():
    case = SimpleNamespace(window_id=8)
    clerk = actor(CLERK, staff_id=1, window_id=9)
    assert not cases.may_reach_case(clerk, case) and cases.may_reach_case(clerk, case, covered=True)
    assert cases.may_reach_case(actor(OFFICE), case)


# --- ROSTER-1/2 the duty log: one answer for the button, the page and the service ---------------
def person(staff_id, user_id):
    return SimpleNamespace(id=staff_id, user_id=user_id)


def shift(day=TODAY, staff=person(1, 11), substitute=None, log_written_at=None):
    return SimpleNamespace(day=day, staff_id=staff.id, staff=staff, log_written_at=log_written_at,
                           substitute_id=substitute.id if substitute else None,
                           substitute=substitute, on_duty=substitute or staff)


NO_LOGIN = person(2, None)


@pytest.mark.parametrize("who, record, door", [
    (actor(CLERK, staff_id=1), shift(), roster.OWN),
    (actor(CLERK, staff_id=3), shift(substitute=person(3, 33)), roster.OWN),
    (actor(CLERK, staff_id=4), shift(), None),
    (actor(OFFICE, staff_id=5), shift(staff=NO_LOGIN), roster.ON_BEHALF),
    (actor(ADMIN), shift(staff=NO_LOGIN), roster.ON_BEHALF),
    # the duty log disagreement of issue #17: a person with a login writes it themselves
    (actor(OFFICE, staff_id=5), shift(), None),
    (actor(OFFICE, staff_id=5), shift(staff=NO_LOGIN, substitute=person(3, 33)), None),
    (actor(OFFICE, staff_id=5), shift(substitute=NO_LOGIN), roster.ON_BEHALF),
    (actor(LEADERSHIP), shift(staff=NO_LOGIN), None),
])
def test_roster_2_duty_log_door(who, record, door):
    assert roster.duty_log_door(record, who) == door


@pytest.mark.parametrize("who, record, expected", [
    (actor(CLERK, staff_id=1), shift(), {roster.LOG}),
    (actor(CLERK, staff_id=1), shift(day=date(2026, 11, 19)), set()),  # the log waits for the day
    (actor(OFFICE), shift(staff=NO_LOGIN), {roster.LOG, roster.CHANGE, roster.SUBSTITUTE}),
    (actor(OFFICE), shift(), {roster.CHANGE, roster.SUBSTITUTE}),
    (actor(OFFICE), shift(day=date(2026, 11, 17)), set()),
    (actor(OFFICE), shift(day=date(2026, 11, 19), staff=NO_LOGIN), {roster.CHANGE, roster.SUBSTITUTE}),
    (actor(OFFICE), shift(staff=NO_LOGIN, log_written_at=TODAY), {roster.LOG}),
    (actor(LEADERSHIP), shift(), set()),
])
def test_roster_1_2_calendar_buttons(who, record, expected):
    assert roster.shift_actions(record, who, TODAY) == expected


@pytest.mark.parametrize("role, manages", [(OFFICE, True), (ADMIN, True), (LEADERSHIP, False),
                                           (CLERK, False), (WINDOW_HEAD, False)])
def test_roster_1_the_office_keeps_the_rota(role, manages):
    assert roster.may_manage_rota(actor(role)) is manages


# --- LEAVE-1..3 ---------------------------------------------------------------------------------
def leave_request(staff_id=1, approver_position="office_head", filed_by_id=None):
    return SimpleNamespace(staff_id=staff_id, approver_position=approver_position,
                           filed_by_id=filed_by_id)


def staff(staff_id, position="staff"):
    return SimpleNamespace(id=staff_id, position=position)


@pytest.mark.parametrize("approver, request_, decides", [
    (staff(2, "office_head"), leave_request(), True),
    (staff(1, "office_head"), leave_request(staff_id=1), False),  # never one's own
    (staff(2, "staff"), leave_request(), False),
    (None, leave_request(), False),
])
def test_leave_2_the_approver_position_decides_never_its_own(approver, request_, decides):
    assert leave.may_decide_leave(request_, approver) is decides


# (position, staff id, login id) of the active staff in approver positions, now.
HOLDERS = {("office_head", 5, 50), ("director", 6, 60), ("deputy_director", 7, 70),
           ("secretary", 8, 80)}


@pytest.mark.parametrize("request_, holders, slot", [
    (leave_request(), HOLDERS, "office_head"),  # a free holder: the routed slot
    # The only office head became the requester (1): one level up, as route_approver.
    (leave_request(), {("office_head", 1, 10), *HOLDERS - {("office_head", 5, 50)}}, "director"),
    # The only office head filed it (login 50): LEAVE-1 four eyes, one level up.
    (leave_request(filed_by_id=50), HOLDERS, "director"),
    # The office head left and nobody holds the post: a vacancy waits for the appointment.
    (leave_request(), HOLDERS - {("office_head", 5, 50)}, "office_head"),
    # The deputy left; the director filed it: the secretary.
    (leave_request(approver_position="director", filed_by_id=60),
     HOLDERS - {("deputy_director", 7, 70)}, "secretary"),
])
def test_leave_1_leave_2_the_deciding_slot_follows_the_current_holders(request_, holders, slot):
    assert leave.deciding_slot(request_, holders) == slot
    director = staff(6, "director")
    assert leave.may_decide_leave(request_, director, holders) is (slot == "director")


@pytest.mark.parametrize("who, user_id, may_see", [
    (staff(1), None, True), (staff(3), None, False), (staff(3), 42, True),
    (staff(3, "office_head"), None, True),
])
def test_priv_1_leave_seen_by_requester_filer_and_approver_position(who, user_id, may_see):
    assert leave.may_see_leave(leave_request(filed_by_id=42), who, set(), user_id) is may_see


def test_leave_office_and_leadership_see_every_request():
    assert leave.may_see_leave(leave_request(), None, {OFFICE})
    assert leave.may_see_leave(leave_request(), None, {LEADERSHIP})


@pytest.mark.parametrize("who, registration_staff, window, sees", [
    (actor(OFFICE), 1, 7, True),
    (actor(WINDOW_HEAD, staff_id=5, window_id=7), 1, 7, True),
    (actor(WINDOW_HEAD, staff_id=5, window_id=7), 1, 8, False),
    (actor(CLERK, staff_id=1, window_id=7), 1, 7, True),
    (actor(CLERK, staff_id=2, window_id=7), 1, 7, False),
    (actor(CLERK), 1, 7, False),
])
def test_ab_2_away_registrations_by_scope(who, registration_staff, window, sees):
    registration = SimpleNamespace(staff_id=registration_staff,
                                   staff=SimpleNamespace(window_id=window))
    assert away.may_see_away_registration(who, registration) is sees


def cover_actor(staff_id=None, window_id=None, window_head=False, leadership=False, user_id=None):
    person_row = SimpleNamespace(id=staff_id, window_id=window_id) if staff_id else None
    return SimpleNamespace(user_id=user_id, staff=person_row, window_head=window_head,
                           leadership=leadership)


def registration(staff_id=1, window_id=7, filed_by_id=None):
    return SimpleNamespace(staff_id=staff_id, staff=SimpleNamespace(window_id=window_id),
                           filed_by_id=filed_by_id)


@pytest.mark.parametrize("who, record, approves, cancels", [
    (cover_actor(5, 7, window_head=True), registration(), True, True),
    (cover_actor(5, 8, window_head=True), registration(), False, False),  # another window's
    (cover_actor(5, None, leadership=True), registration(), True, True),
    (cover_actor(1, 7, leadership=True), registration(), False, True),  # never one's own
    (cover_actor(1, 7), registration(), False, True),  # the person withdraws their own
    (cover_actor(2, 7, user_id=9), registration(filed_by_id=9), False, True),  # whoever filed it
    (cover_actor(2, 7), registration(), False, False),
])
def test_ab_2_org_2_the_window_head_approves_an_errand_of_their_window(who, record, approves,
                                                                         cancels):
    assert away.may_approve(record, who) is approves
    assert away.may_cancel(record, who) is cancels


# --- ATT-1..4 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("who, excuse_staff, decides", [
    (actor(CLERK, staff_id=9, position="deputy_director"), 1, True),
    (actor(CLERK, staff_id=9, position="deputy_director"), 9, False),  # never one's own
    (actor(LEADERSHIP, staff_id=9, position="director"), 1, False),  # by position, not role
    (staff(9, "deputy_director"), 1, True), (None, 1, False),
])
def test_att_4_the_deputy_director_approves_a_clock_excuse(who, excuse_staff, decides):
    assert attendance.may_decide_excuse(who, SimpleNamespace(staff_id=excuse_staff)) is decides


@pytest.mark.parametrize("who, scope", [
    (actor(OFFICE), None), (actor(LEADERSHIP), None), (actor(CLERK, staff_id=3), [3]),
    (actor(WINDOW_HEAD), []),
])
def test_att_attendance_scope(who, scope):
    assert attendance.attendance_scope(who) == scope


# --- HAND-1 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("who, giver, registers", [
    (actor(OFFICE), 1, True), (actor(ADMIN), None, True), (actor(CLERK, staff_id=1), 1, True),
    (actor(CLERK, staff_id=2), 1, False), (actor(LEADERSHIP), 1, False),
])
def test_hand_1_the_giver_or_the_office_registers(who, giver, registers):
    assert handover.may_create_handover_for(who, giver) is registers


@pytest.mark.parametrize("role, confirms", [(OFFICE, True), (ADMIN, False), (LEADERSHIP, False)])
def test_hand_1_only_the_office_confirms_for_staff_without_login(role, confirms):
    assert handover.confirms_for_staff_without_login(actor(role)) is confirms


# --- COMP-1..4 ----------------------------------------------------------------------------------
def complaint(complexity="simple", other_windows=(), outcome=None, staff_id=None,
              confirmed_step=None):
    return SimpleNamespace(complexity=complexity, window_id=1, outcome=outcome,
                           other_windows=[SimpleNamespace(window_id=w) for w in other_windows],
                           staff_id=staff_id, confirmed_step=confirmed_step)


@pytest.mark.parametrize("who, record, decides", [
    (actor(OFFICE), complaint(), True),
    (actor(LEADERSHIP), complaint(), True),
    (actor(CLERK), complaint(), False),
    (actor(OFFICE, position="staff"), complaint(complexity="complex"), False),
    (actor(LEADERSHIP, position="director"), complaint(complexity="complex"), True),
    (actor(OFFICE), complaint(other_windows=(2,)), False),  # two windows: the director's
    (actor(OFFICE), complaint(other_windows=(1,)), True),
])
def test_comp_2_a_complex_complaint_is_the_directors(who, record, decides):
    assert complaints.may_decide_complaint(who, record) is decides


@pytest.mark.parametrize("who, record, confirms", [
    (actor(LEADERSHIP), complaint(outcome="verified", staff_id=3), True),
    (actor(LEADERSHIP), complaint(outcome="verified", staff_id=3, confirmed_step=1), False),
    (actor(LEADERSHIP), complaint(outcome="verified"), False),
    (actor(LEADERSHIP), complaint(outcome="not_verified", staff_id=3), False),
    (actor(OFFICE), complaint(outcome="verified", staff_id=3), False),
])
def test_comp_4_leadership_confirms_the_step_of_a_verified_complaint_once(who, record, confirms):
    assert complaints.may_confirm_complaint_step(who, record) is confirms


@pytest.mark.parametrize("role, records", [(OFFICE, True), (ADMIN, True), (LEADERSHIP, False),
                                           (WINDOW_HEAD, False)])
def test_comp_1_the_office_records_complaints(role, records):
    assert complaints.may_record_complaints(actor(role)) is records


# --- MEET-1 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("role, day, records", [
    (OFFICE, TODAY, True), (OFFICE, date(2026, 11, 19), False), (LEADERSHIP, TODAY, False),
])
def test_meet_1_the_office_records_a_meeting_from_its_day(role, day, records):
    assert meetings.may_record_meeting(actor(role), SimpleNamespace(day=day), TODAY) is records


# --- SCORE-1..6 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who, scope", [
    (actor(OFFICE), (None, None)), (actor(SECTION_HEAD), (None, None)),
    (actor(WINDOW_HEAD, staff_id=3, window_id=7), (7, None)),
    (actor(CLERK, staff_id=3, window_id=7), (7, 3)), (actor(CLERK), (-1, -1)),
])
def test_score_assessment_scope(who, scope):
    assert scores.assessment_scope(who) == scope


@pytest.mark.parametrize("who, entry_staff, window, sees", [
    (actor(LEADERSHIP), 1, 7, True), (actor(CLERK, staff_id=1, window_id=7), 1, 7, True),
    (actor(CLERK, staff_id=2, window_id=7), 1, 7, False),
    (actor(WINDOW_HEAD, staff_id=2, window_id=7), 1, 7, True),
    (actor(SECTION_HEAD, staff_id=2), 1, 7, False),
])
def test_score_5_semiannual_entries_by_scope(who, entry_staff, window, sees):
    entry = SimpleNamespace(staff_id=entry_staff, staff=SimpleNamespace(window_id=window))
    assert semiannual.may_see_semiannual_entry(who, entry) is sees


@pytest.mark.parametrize("role, manages, confirms", [
    (OFFICE, True, False), (ADMIN, True, False), (LEADERSHIP, False, True), (CLERK, False, False),
])
def test_score_6_the_office_runs_and_leadership_confirms_the_half_year(role, manages, confirms):
    assert semiannual.may_manage_semiannual(actor(role)) is manages
    assert semiannual.may_confirm_semiannual(actor(role)) is confirms


@pytest.mark.parametrize("role, warned", [(ADMIN, True), (OFFICE, True), (LEADERSHIP, False),
                                          (CLERK, False)])
def test_case_3_the_missing_year_schedule_warns_those_who_enter_it(role, warned):
    assert calendar.sees_calendar_warnings(actor(role)) is warned
