"""The intake that guides (issue #19): class fields, required marks, the named shortfall and
its one action (补充件 + one-time notice), the prefilled fee, and delivery asking for the fee
(CASE-1/2/9, NOTICE-1, PRIV-2)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.rules import case_states as cs
from app.actor import Actor
from app.services.cases import apply_action
from models.cases import Case
from tests.factories import clock_on, residence_permit_item
from tests.factories import count_cases, csrf_headers, intake_form

OPTIONAL = (("身份证", "original", True), ("租房合同", "copy", True), ("户口簿", "copy", False))


@pytest.fixture
def item(db_session, window_a):
    return residence_permit_item(db_session, window_a, "V-019", materials=OPTIONAL)


def intake_url(item) -> str:
    return f"/caseview/intake/?item={item.id}"


def part(html: str, part_name: str) -> str:
    """The <fieldset> of the intake page shown for `part_name`'s classes."""
    match = re.search(r'<fieldset data-for-classes="([^"]*)"[^>]*>(?:(?!</fieldset>).)*'
                      + f'name="{part_name}', html, re.S)
    assert match, part_name
    return match[1]


def test_case_2_each_class_part_of_the_intake_is_shown_for_its_classes_only(as_clerk, item):
    html = as_clerk.get(intake_url(item)).get_data(as_text=True)
    assert part(html, "return_reason").split() == ["returned"]
    assert part(html, "competent_unit").split() == ["transferred"]
    assert part(html, "consultation_note").split() == ["consultation"]
    assert part(html, "sub_window_1").split() == ["joint"]
    assert set(part(html, "fee_amount").split()) == {"accepted", "joint"}
    assert set(part(html, "copies_")) and "consultation" not in part(html, "copies_")
    assert "js/intake.js" in html and "//" not in html.split("js/intake.js")[0].rsplit('src="', 1)[1]


def test_case_1_required_fields_are_marked_and_labelled(as_clerk, item):
    html = as_clerk.get(intake_url(item)).get_data(as_text=True)
    name = re.search(r"<input[^>]*id=\"applicant_name\"[^>]*>", html)[0]
    assert "required" in name and 'aria-required="true"' in name
    assert re.search(r'<label[^>]*for="applicant_name"[^>]*>[^<]*<span class="required-mark"', html)
    # A class's own required field is marked, but `required` only while shown (intake.js),
    # so a browser without script still submits and the server judges.
    reason = re.search(r"<textarea[^>]*id=\"return_reason\"[^>]*>", html)[0]
    assert 'aria-required="true"' in reason and " required" not in reason
    # Every checklist input has a label.
    for m in item.materials:
        for prefix in ("copies", "defect"):
            assert f'for="{prefix}_{m.id}"' in html
    assert 'data-materials="mandatory"' in html and 'data-materials="optional"' in html


def test_case_9_the_fee_starts_at_the_items_published_fee(as_clerk, item):
    html = as_clerk.get(intake_url(item)).get_data(as_text=True)
    fee = re.search(r"<input[^>]*id=\"fee_amount\"[^>]*>", html)[0]
    assert 'value="20.00"' in fee


def test_case_2_a_field_of_another_class_is_not_kept(as_clerk, db_session, item):
    """Without script every part is shown: what the chosen class does not ask for is ignored."""
    response = as_clerk.post_form(intake_url(item), intake_form(
        item, return_reason="不该保存", competent_unit="也不该", consultation_note="也不"))
    assert response.status_code == 302
    case = db_session.scalars(select(Case)).one()
    assert (case.return_reason, case.competent_unit, case.consultation_note) == (None, None, None)
    assert case.fee_amount == Decimal("20.00")


def test_case_1_a_ticked_material_counts_its_required_copies(as_clerk, db_session, item):
    data = intake_form(item, **{f"copies_{m.id}": "" for m in item.materials})
    data.update({f"received_{m.id}": "y" for m in item.materials if m.mandatory})
    assert as_clerk.post_form(intake_url(item), data).status_code == 302
    case = db_session.scalars(select(Case)).one()
    assert case.state == cs.ACCEPTED and sorted(m.name for m in case.materials) == ["租房合同", "身份证"]


def test_notice_1_a_missing_material_is_named_with_the_one_action(as_clerk, db_session, item):
    lease = item.materials[1]
    response = as_clerk.post_form(intake_url(item), intake_form(item, **{f"copies_{lease.id}": "0"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count_cases(db_session) == 0
    box = html[html.index("data-shortfall"):html.index("data-as-supplement")]
    assert "租房合同" in box and "身份证" not in box and "户口簿" not in box
    assert 'name="as_supplement"' in html
    # The form keeps what was typed.
    assert 'value="赵六"' in html


def test_case_2_a_defective_mandatory_material_stops_the_acceptance_and_is_named(
        as_clerk, db_session, item):
    card = item.materials[0]
    response = as_clerk.post_form(intake_url(item), intake_form(item, **{f"defect_{card.id}": "已过期"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count_cases(db_session) == 0
    box = html[html.index("data-shortfall"):html.index("data-as-supplement")]
    assert "身份证" in box and "已过期" in box and "租房合同" not in box


def test_notice_1_the_one_action_registers_a_supplement_case_and_opens_its_notice(
        as_clerk, db_session, item):
    card, lease, booklet = item.materials
    data = intake_form(item, **{f"copies_{lease.id}": "0", f"defect_{card.id}": "已过期",
                                f"defect_{booklet.id}": "复印不清", "as_supplement": "1"})
    response = as_clerk.post_form(intake_url(item), data)
    assert response.status_code == 302
    case = db_session.scalars(select(Case)).one()
    assert (case.case_class, case.state) == (cs.CLASS_SUPPLEMENT, cs.SUPPLEMENT_REQUESTED)
    assert case.fee_amount is None  # a 补充件 charges nothing yet
    notice = case.notices[0]
    assert [(m.name, m.problem) for m in notice.materials] == [
        ("身份证", "已过期"), ("租房合同", None), ("户口簿", "复印不清")]
    assert response.headers["Location"].endswith(f"/print/case/{case.id}/one_time")
    sheet = as_clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert "身份证" in sheet and "租房合同" in sheet and "已过期" in sheet


def test_priv_2_the_id_number_is_checked_on_the_page_and_by_the_server(as_clerk, db_session, item):
    html = as_clerk.get(intake_url(item)).get_data(as_text=True)
    assert 'aria-describedby="id-number-hint"' in html and "data-msg-check=" in html
    response = as_clerk.post_form(intake_url(item),
                                  intake_form(item, applicant_id_number="110105194912310021"))
    assert response.status_code == 200 and "校验位不符" in response.get_data(as_text=True)
    assert count_cases(db_session) == 0


@pytest.fixture
def decided(db_session, item, case_of):  # noqa: F811
    case = case_of(item, fee=None)  # CASE-9: no fee recorded at intake
    for action in (cs.START, cs.APPROVE):
        apply_action(db_session, case, action, Actor(username="seed"), clock_on(date(2026, 11, 3)))
    db_session.commit()
    return case


def test_case_9_delivery_asks_for_the_fee_and_refuses_without_it(as_clerk, db_session, decided):
    url = f"/caseview/act/{decided.id}/deliver"
    form = as_clerk.get(url).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="fee_amount"[^>]*value="20.00"', form)
    response = as_clerk.post_form(url, {"collector": "赵六", "fee_amount": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = html[html.index('id="fee_amount"'):]
    assert "收费" in error[:600] and "field-error" in error[:600]
    db_session.expire_all()
    assert db_session.get(Case, decided.id).state == cs.DECIDED_APPROVED


def test_case_9_delivery_records_the_published_fee_and_refuses_another(as_clerk, db_session,
                                                                        decided):
    url = f"/caseview/act/{decided.id}/deliver"
    response = as_clerk.post_form(url, {"collector": "赵六", "fee_amount": "35"})
    assert response.status_code == 200 and "35" in response.get_data(as_text=True)
    response = as_clerk.post_form(url, {"collector": "赵六", "fee_amount": "20"})
    assert response.status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, decided.id)
    assert case.state == cs.DELIVERED and case.fee_amount == Decimal("20.00")


def test_case_9_the_api_records_the_fee_at_delivery_and_refuses_an_unpublished_one(
        log_in, db_session, window_a, decided):
    clerk = log_in("Clerk", window=window_a)
    url = f"/api/v1/case/{decided.id}/action/deliver"
    response = clerk.client.post(url, json={"collector": "赵六", "fee_amount": "35"},
                                 headers=csrf_headers(clerk))
    assert response.status_code == 422 and "fee_amount" in response.get_json()["message"]
    response = clerk.client.post(url, json={"collector": "赵六", "fee_amount": "20"},
                                 headers=csrf_headers(clerk))
    assert response.status_code == 200, response.get_json()
    db_session.expire_all()
    assert db_session.get(Case, decided.id).fee_amount == Decimal("20.00")


def test_case_9_the_api_refuses_a_delivery_without_the_fee_with_json(log_in, db_session,
                                                                     window_a, decided):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.client.post(f"/api/v1/case/{decided.id}/action/deliver",
                                 json={"collector": "赵六"}, headers=csrf_headers(clerk))
    assert response.status_code == 422
    assert "收费" in str(response.get_json()["message"]["fee_amount"])
    db_session.expire_all()
    assert db_session.get(Case, decided.id).state == cs.DECIDED_APPROVED


def test_case_9_a_waived_fee_reads_mian_shou_on_the_case_page_and_the_receipt(as_clerk, db_session,
                                                                             decided):
    response = as_clerk.post_form(f"/caseview/act/{decided.id}/deliver",
                                  {"collector": "赵六", "fee_amount": "0"})
    assert response.status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, decided.id)
    assert (case.state, case.fee_amount, case.fee_waived) == (cs.DELIVERED, None, True)
    page = as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert "免收" in page
    receipt = as_clerk.get(f"/print/case/{case.id}/delivery").get_data(as_text=True)
    assert "免收" in receipt and "不收费" not in receipt


def test_case_9_a_collected_fee_is_on_the_case_page_and_the_receipt(as_clerk, db_session, decided):
    as_clerk.post_form(f"/caseview/act/{decided.id}/deliver", {"collector": "赵六", "fee_amount": "20"})
    page = as_clerk.get(f"/caseview/show/{decided.id}").get_data(as_text=True)
    receipt = as_clerk.get(f"/print/case/{decided.id}/delivery").get_data(as_text=True)
    assert "20.00 元" in page and "免收" not in page
    assert "20.00 元" in receipt and "工本费" in receipt


@pytest.mark.parametrize("fee, says, not_says", [
    (None, "20.00 元", "不收费"),  # not recorded yet: the published fee, asked at delivery
    (Decimal("0"), "免收", "不收费"),  # waived at the counter
    (Decimal("20"), "20.00 元", "免收"),
])
def test_case_9_the_acceptance_notice_states_the_fee_and_never_free_for_a_charging_item(
        as_clerk, item, case_of, fee, says, not_says):
    case = case_of(item, fee=fee)
    notice = as_clerk.get(f"/print/case/{case.id}/acceptance").get_data(as_text=True)
    assert says in notice and not_says not in notice


@pytest.mark.parametrize("case_class, field, says", [
    ("returned", "return_reason", "退回"),
    ("transferred", "competent_unit", "有权办理单位"),
])
def test_case_2_a_class_field_left_empty_is_refused_next_to_it_without_script(
        as_clerk, db_session, item, case_class, field, says):
    response = as_clerk.post_form(intake_url(item), intake_form(item, case_class=case_class))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count_cases(db_session) == 0
    after = html[html.index(f'id="{field}"'):]
    assert "field-error" in after[:800] and says in after[:800]


def test_case_2_a_consultation_keeps_its_note_and_no_materials_or_fee(as_clerk, db_session, item):
    response = as_clerk.post_form(intake_url(item), intake_form(
        item, case_class="consultation", consultation_note="咨询办理条件"))
    assert response.status_code == 302
    case = db_session.scalars(select(Case)).one()
    assert (case.state, case.consultation_note, case.fee_amount) == (
        cs.CONSULTED, "咨询办理条件", None)
    assert case.materials == []
