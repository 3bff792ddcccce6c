"""Cases through the pages: intake form, actions, scope and masking (CASE-*, ORG-2, PRIV-1)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.actor import Actor
from app.rules import case_states as cs
from app.datamodel import BoundedCountInterface
from app.services.cases import Applicant, apply_action, register_intake
from models.cases import Case
from tests.factories import ID_NUMBER, clock_on, count_cases, intake_form



@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    """One result on any day (issue #17): the app's clock on a Wednesday."""
    center_now(date(2026, 11, 18))

def test_case_1_clerk_registers_an_accepted_case_through_the_intake_form(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    url = f"/caseview/intake/?item={item.id}"
    response = clerk.post_form(url, intake_form(item))
    assert response.status_code == 302, response.get_data(as_text=True)
    case = db_session.scalars(select(Case)).one()
    assert case.state == cs.ACCEPTED and case.number.startswith("BC-")
    assert case.clerk is not None and case.clerk.user_id == clerk.user.id
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert case.number in page and "/caseview/act/" in page


def test_priv_2_bad_id_number_in_the_intake_form_shows_the_message_and_saves_nothing(
        log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/intake/?item={item.id}",
                               intake_form(item, applicant_id_number="110105194912310021"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "校验" in html or "check digit" in html
    assert count_cases(db_session) == 0


def test_case_2_accepting_with_missing_material_is_refused_in_the_form(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    data = intake_form(item, **{f"copies_{item.materials[1].id}": "0"})
    response = clerk.post_form(f"/caseview/intake/?item={item.id}", data)
    assert response.status_code == 200 and count_cases(db_session) == 0


def test_case_9_unpublished_fee_is_refused_next_to_the_fee(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/intake/?item={item.id}", intake_form(item, fee_amount="35"))
    assert response.status_code == 200 and "35" in response.get_data(as_text=True)
    assert count_cases(db_session) == 0


def test_case_4_page_offers_only_allowed_actions_and_performs_them(log_in, db_session, window_a, item, case_of):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    page = clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    offered = set(cs.allowed_actions(cs.ACCEPTED))
    for action in cs.ACTIONS:
        assert (f'data-action="{action}"' in page) == (action in offered), action
    response = clerk.post_form(f"/caseview/act/{case.id}/start", {"note": ""})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Case, case.id).state == cs.IN_PROGRESS


def test_case_4_a_not_allowed_action_changes_nothing(log_in, db_session, window_a, item, case_of):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/act/{case.id}/deliver", {"collector": "x"},
                               form_url=f"/caseview/show/{case.id}")
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Case, case.id).state == cs.ACCEPTED


def test_case_5_extension_without_reason_shows_the_message(log_in, db_session, window_a, item, case_of):
    from app.context import today

    # Accepted today, so the deadline is ahead: a late extension has a message of its own.
    case = case_of(item, day=today())
    apply_action(db_session, case, cs.START, Actor(username="seed"), clock_on(today()))
    db_session.commit()
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/act/{case.id}/extend", {"extension_days": "3", "reason": ""})
    assert response.status_code == 200
    # The rule's own message, not the label "延期理由" that is always on the form (CASE-5).
    assert "延期须说明理由。" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Case, case.id).extended is False


def test_org_2_clerk_of_another_window_cannot_open_or_act_on_a_case(log_in, db_session, window_b, item, case_of):
    case = case_of(item)
    other = log_in("Clerk", window=window_b)
    assert other.get(f"/caseview/show/{case.id}").status_code == 404
    assert other.get(f"/caseview/act/{case.id}/start").status_code == 404
    assert other.get(f"/print/case/{case.id}/acceptance").status_code == 404
    listing = other.get("/caseview/list/").get_data(as_text=True)
    assert case.number not in listing


def test_case_4_closed_case_cannot_be_edited_but_can_be_annotated(log_in, db_session, window_a, item, case_of):
    case = case_of(item)
    actor, when = Actor(username="seed"), clock_on(date(2026, 11, 3))
    for action, params in [(cs.APPROVE, {}), (cs.DELIVER, {"collector": "赵六"}), (cs.CLOSE, {})]:
        apply_action(db_session, case, action, actor, when, **params)
    db_session.commit()
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/details/{case.id}",
                               {"applicant_phone": "13800000000", "applicant_address": "",
                                "request": "", "appointment_at": ""},
                               form_url=f"/caseview/show/{case.id}")
    assert response.status_code == 200 and "只能添加备注" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Case, case.id).applicant_phone == "13912345678"
    show = clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert "data-details" not in show
    clerk.post_form(f"/caseview/annotate/{case.id}", {"text": "已归档"}, form_url=f"/caseview/show/{case.id}")
    db_session.expire_all()
    assert [a.text for a in db_session.get(Case, case.id).annotations] == ["已归档"]


def test_priv_1_section_head_sees_masked_applicant_data_the_window_sees_it_in_full(
        log_in, db_session, window_a, item, case_of):
    case = case_of(item)
    own = log_in("Clerk", window=window_a).get(f"/caseview/show/{case.id}").get_data(as_text=True)
    section = log_in("SectionHead").get(f"/caseview/show/{case.id}").get_data(as_text=True)
    office = log_in("Office").get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert ID_NUMBER in own and "13912345678" in own
    assert ID_NUMBER not in section and "13912345678" not in section and "139****5678" in section
    assert ID_NUMBER in office


def test_case_6_overdue_and_due_soon_lists(log_in, db_session, window_a, item, case_of):
    from app.context import today
    from app.services.calendar import refresh_work_days

    refresh_work_days(db_session, today())
    old = case_of(item, day=date(2026, 1, 5))
    db_session.commit()
    clerk = log_in("Clerk", window=window_a)
    overdue = clerk.get("/overduecases/list/").get_data(as_text=True)
    assert old.number in overdue
    queue = clerk.get("/casequeue/list/").get_data(as_text=True)
    assert old.number in queue
    assert old.number not in clerk.get("/duesooncases/list/").get_data(as_text=True)


def test_case_8_queue_lists_urgent_cases_first(log_in, db_session, window_a, item, case_of):
    normal = case_of(item, day=date(2026, 11, 2))
    urgent = case_of(item, day=date(2026, 11, 10))
    urgent.urgent = True
    db_session.commit()
    page = log_in("Clerk", window=window_a).get("/casequeue/list/").get_data(as_text=True)
    assert page.index(urgent.number) < page.index(normal.number)


def test_case_list_date_time_search_reads_the_center_wall_clock(log_in, db_session, window_a, item, case_of):
    """A typed 'received after' filter is the center's local time, and never a server error."""
    case = case_of(item, day=date(2026, 11, 2))  # received 2026-11-02 10:00 in Shanghai
    clerk = log_in("Clerk", window=window_a)
    after = clerk.get("/caseview/list/?_flt_1_received_at=2026-11-02+09:00:00")
    later = clerk.get("/caseview/list/?_flt_1_received_at=2026-11-02+11:00:00")
    assert after.status_code == later.status_code == 200
    assert case.number in after.get_data(as_text=True)
    assert case.number not in later.get_data(as_text=True)


def test_case_6_home_page_counts_the_windows_open_overdue_and_due_soon_cases(
        log_in, db_session, window_a, window_b, item, case_of):
    from app.context import today
    from app.services.calendar import refresh_work_days

    refresh_work_days(db_session, today())
    case_of(item, day=date(2026, 1, 5))  # long overdue
    html = log_in("Clerk", window=window_a).get("/").get_data(as_text=True)
    counts = html.split('class="case-counts"', 1)[1].split("</p>", 1)[0]
    overdue = counts.split('href="/overduecases/list/">', 1)[1].split("</a>", 1)[0]
    assert '<span class="badge">1</span>' in overdue
    other = log_in("Clerk", window=window_b).get("/").get_data(as_text=True)
    assert '<span class="badge">1</span>' not in other.split('class="case-counts"', 1)[1]


def test_case_2_consultations_go_to_the_consultation_register(log_in, db_session, window_a, item, case_of):
    consultation = case_of(item, case_class="consultation")
    accepted = case_of(item)
    page = log_in("Clerk", window=window_a).get("/consultations/list/").get_data(as_text=True)
    assert consultation.number in page and accepted.number not in page


def test_notice_1_violations_are_listed_for_the_office_against_the_first_issuer(
        log_in, db_session, window_a, item, case_of):
    from app.services.cases import Intake as IntakeData

    case = register_intake(
        db_session,
        IntakeData(item_id=item.id, case_class="supplement", applicant=Applicant(name="赵六"),
                   received={item.materials[0].id: 1}),
        Actor(username="seed"), clock_on(date(2026, 11, 2)))
    apply_action(db_session, case, cs.RECEIVE_MATERIALS, Actor(username="seed"),
                 clock_on(date(2026, 11, 3)),
                 received={item.materials[1].id: 1})
    apply_action(db_session, case, cs.REQUEST_SUPPLEMENT, Actor(username="seed"),
                 clock_on(date(2026, 11, 4)),
                 materials=[item.materials[0].id])
    db_session.commit()  # the first notice asked for the lease only; the ID card is new
    page = log_in("Office").get("/noticeviolationview/list/").get_data(as_text=True)
    assert case.number in page and item.materials[0].name in page
    assert log_in("Clerk", window=window_a).get("/noticeviolationview/list/").status_code == 403


def test_a_count_that_reached_its_cap_reads_as_at_least(log_in, db_session, window_a, item,
                                                        case_of, monkeypatch):
    """The list counts only up to ten pages ahead (no full COUNT at a million cases), but
    exactly up to a thousand (issue #19: "275+" read as a guess): with a page of 1, twelve
    cases count as 12; with the exact part lowered to nothing, as "11+", and the pager still
    offers the next page."""
    for _ in range(12):
        case_of(item)
    interface = BoundedCountInterface(Case)
    count, rows = interface.query(page=0, page_size=1)
    assert (int(count), str(count), len(rows)) == (12, "12", 1)
    section = log_in("SectionHead")
    html = section.get("/caseview/list/?psize_CaseView=1").get_data(as_text=True)
    assert "12" in html and "12+" not in html and "page_CaseView=1" in html
    monkeypatch.setattr(BoundedCountInterface, "exact_up_to", 0)
    count, rows = interface.query(page=0, page_size=1)
    assert (int(count), str(count), len(rows)) == (11, "11+", 1)
    count, _rows = interface.query(page=0, page_size=25)
    assert str(count) == "12"  # under the cap: exact
    html = section.get("/caseview/list/?psize_CaseView=1").get_data(as_text=True)
    assert "11+" in html and "page_CaseView=1" in html


def test_a_count_past_a_thousand_reads_with_its_separator():
    from app.datamodel import AtLeast

    assert str(AtLeast(1000)) == "1,000+"


def test_neg_1_refusing_asks_whether_the_applicant_still_objects(log_in, db_session, window_a,
                                                                 item, case_of):
    """NEG-1: the refusal form asks; unanswered, the message stands next to the question and
    nothing changes; answered, the case keeps the answer (and NEG-3 follows from it)."""
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    form = clerk.get(f"/caseview/act/{case.id}/refuse").get_data(as_text=True)
    assert 'name="objected"' in form and "经解释后申请人仍有异议" in form
    response = clerk.post_form(f"/caseview/act/{case.id}/refuse", {"note": "", "objected": ""})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "请填写经解释后申请人是否仍有异议" in html and "不予许可须说明理由" in html  # both at once
    db_session.expire_all()
    assert db_session.get(Case, case.id).state == cs.ACCEPTED
    response = clerk.post_form(f"/caseview/act/{case.id}/refuse",
                               {"note": "不符合居住证申领条件", "objected": "no"})
    assert response.status_code == 302
    db_session.expire_all()
    refused = db_session.get(Case, case.id)
    assert (refused.state, refused.applicant_objected) == (cs.DECIDED_REFUSED, False)
    page = log_in("SectionHead").get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert "经解释后申请人仍有异议" in page


# --- Details changed after intake: /caseview/details (CASE-4, PRIV-1, PRIV-2) ------------
DETAILS = {"applicant_phone": "0513-81234567", "applicant_address": "崇川区工农路2号",
           "request": "补办居住证", "urgent": "y", "appointment_at": "2026-11-20T09:30"}


def test_case_4_clerk_changes_the_details_and_the_audit_trail_shows_before_and_after(
        log_in, db_session, window_a, item, case_of):
    import json

    from models.audit import AuditLog

    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    show = clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert f'/caseview/details/{case.id}' in show  # the show page links to it while editable
    response = clerk.post_form(f"/caseview/details/{case.id}", DETAILS)
    assert response.status_code == 302, response.get_data(as_text=True)
    db_session.expire_all()
    changed = db_session.get(Case, case.id)
    assert (changed.applicant_phone, changed.applicant_address, changed.request, changed.urgent) == (
        "0513-81234567", "崇川区工农路2号", "补办居住证", True)
    assert changed.appointment_at.isoformat() == "2026-11-20T01:30:00+00:00"  # 09:30 in Shanghai
    entry = db_session.scalars(select(AuditLog).where(
        AuditLog.model == "Case", AuditLog.action == "update",
        AuditLog.username == clerk.user.username)).one()
    assert json.loads(entry.changes)["applicant_phone"] == ["13912345678", "0513-81234567"]


@pytest.mark.parametrize("field, value, message", [
    ("applicant_phone", "12345", "电话"),
    ("applicant_address", "路" * 201, "200"),
    ("request", "事" * 2001, "2000"),
])
def test_priv_2_bad_details_show_the_message_next_to_the_field_and_save_nothing(
        log_in, db_session, window_a, item, case_of, field, value, message):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/details/{case.id}", {**DETAILS, field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    errors = html.split(f'name="{field}"', 1)[1].split("</tr>", 1)[0]
    assert "field-error" in errors and message in errors
    db_session.expire_all()
    unchanged = db_session.get(Case, case.id)
    assert (unchanged.applicant_phone, unchanged.request, unchanged.urgent) == ("13912345678", None, False)


def test_priv_1_admin_sees_phone_and_address_masked_on_the_details_page_and_cannot_change_them(
        log_in, db_session, window_a, item, case_of):
    case = case_of(item)
    admin = log_in("Admin")
    page = admin.get(f"/caseview/details/{case.id}").get_data(as_text=True)
    assert "13912345678" not in page and "139****5678" in page
    assert 'name="applicant_phone"' not in page and 'name="applicant_address"' not in page
    response = admin.post_form(f"/caseview/details/{case.id}", DETAILS)
    assert response.status_code == 302
    db_session.expire_all()
    changed = db_session.get(Case, case.id)
    assert changed.applicant_phone == "13912345678"  # the masked value is never written back
    assert changed.applicant_address == "江苏省南通市崇川区人民路1号"
    assert changed.request == "补办居住证"  # what Admin may change, changed


def test_org_2_details_of_another_windows_case_are_not_found(log_in, window_b, item, case_of):
    case = case_of(item)
    other = log_in("Clerk", window=window_b)
    assert other.get(f"/caseview/details/{case.id}").status_code == 404
    assert log_in("Leadership").get(f"/caseview/details/{case.id}").status_code == 403


# --- INPUT-1: the intake and action forms are bounded by the columns (issue #9) ------------
@pytest.mark.parametrize("field,value,message", [
    ("applicant_name", "赵" * 10_000, "最多可输入 100 个字（已输入 10000 个）"),
    ("applicant_address", "路" * 10_000, "最多可输入 200 个字"),
    ("applicant_name", "赵\x00六", "空字符"),
    ("request", "x" * 10_001, "最多可输入 10000 个字"),
    ("appointment_at", "1900-01-02T09:00", "2000 年至 2099 年"),
    ("appointment_at", "9999-12-31T09:00", "2000 年至 2099 年"),
    ("fee_amount", "1e30", "请输入小于 100,000,000 的金额"),
    ("fee_amount", "NaN", "请输入金额"),
    ("fee_amount", "20.001", "最多保留 2 位小数"),
])
def test_input_1_intake_form_refuses_out_of_bounds_values_next_to_the_field(
        log_in, db_session, window_a, item, field, value, message):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/intake/?item={item.id}", intake_form(item, **{field: value}))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_cases(db_session) == 0


def test_input_1_an_appointment_this_century_is_kept(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/intake/?item={item.id}",
                               intake_form(item, appointment_at="2026-11-05T09:30"))
    assert response.status_code == 302
    assert db_session.scalars(select(Case)).one().appointment_at.year == 2026


@pytest.mark.parametrize("action,data,message", [
    ("deliver", {"collector": "王" * 101}, "最多可输入 100 个字"),
    ("deliver", {"collector": "王\x00五"}, "空字符"),
    ("start", {"note": "x" * 10_001}, "最多可输入 10000 个字"),
    ("extend", {"extension_days": "99999999999999999999", "reason": "需现场核查"}, "0 至 999"),
])
def test_input_1_action_forms_refuse_out_of_bounds_values(log_in, db_session, window_a, item,
                                                         case_of, action, data, message):
    case = case_of(item)
    before = {"start": [], "extend": [cs.START], "deliver": [cs.START, cs.APPROVE]}[action]
    for step in before:
        apply_action(db_session, case, step, Actor(username="seed"), clock_on(date(2026, 11, 3)))
    db_session.commit()
    state = case.state
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/act/{case.id}/{action}", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Case, case.id).state == state


def test_input_1_a_note_with_a_nul_byte_is_refused_and_not_saved(log_in, db_session, window_a,
                                                                 item, case_of):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/annotate/{case.id}", {"text": "已\x00核"},
                               form_url=f"/caseview/show/{case.id}", follow_redirects=True)
    assert "空字符" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Case, case.id).annotations == []


@pytest.mark.parametrize("appointment", ["1900-01-02T09:00", "9999-12-31T09:00"])
def test_input_1_the_case_details_form_keeps_appointments_in_this_century(
        log_in, db_session, window_a, item, case_of, appointment):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/details/{case.id}", {
        "applicant_phone": "13912345678", "applicant_address": "人民路1号", "request": "",
        "appointment_at": appointment})
    assert response.status_code == 200
    assert "2000 年至 2099 年" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Case, case.id).appointment_at is None
