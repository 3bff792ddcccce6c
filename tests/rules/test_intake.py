"""CASE-1, CASE-2, CASE-7, CASE-11, NOTICE-1, NEG-1, NEG-3: intake and around it."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from app.rules import intake
from app.rules.errors import RuleViolation
from app.rules.intake import MaterialRequirement as M

ID_CARD = M(1, "身份证", original=True, copies=1, mandatory=True)
FORM = M(2, "申请表", original=True, copies=2, mandatory=True)
PHOTO = M(3, "照片", original=False, copies=1, mandatory=False)
ITEM = [ID_CARD, FORM, PHOTO]


def violation(call, *args, **kwargs):
    with pytest.raises(RuleViolation) as err:
        call(*args, **kwargs)
    return err.value


# --- CASE-1 materials and numbers ---------------------------------------------------------
@pytest.mark.parametrize("received,missing", [
    ({1: 1, 2: 2, 3: 1}, []),
    ({1: 1, 2: 2}, []),  # the photo is optional
    ({1: 1, 2: 1}, [FORM]),  # one copy short
    ({}, [ID_CARD, FORM]),  # in the item's order
    ({2: 5}, [ID_CARD]),
])
def test_case_1_received_materials_checked_against_the_items_list(received, missing):
    assert intake.missing_materials(ITEM, received) == missing


def test_case_1_material_needs_at_least_one_copy():
    with pytest.raises(ValueError):
        M(4, "证明", original=True, copies=0, mandatory=True)


@pytest.mark.parametrize("year,seq,prefix,text", [
    (2026, 123, "BC", "BC-2026-000123"),
    (2026, 1, "BC", "BC-2026-000001"),
    (2026, 999999, "BC", "BC-2026-999999"),
    (2026, 1234567, "BC", "BC-2026-1234567"),
    (2027, 42, "ZW2", "ZW2-2027-000042"),
])
def test_case_1_case_number_format_and_parse(year, seq, prefix, text):
    assert intake.format_case_number(year, seq, prefix) == text
    assert intake.parse_case_number(text) == (prefix, year, seq)


def test_case_1_case_number_lookup_forgives_blanks_and_lower_case():
    assert intake.parse_case_number("  bc-2026-000123 ") == ("BC", 2026, 123)


@pytest.mark.parametrize("text", [
    "", "BC-2026-123", "BC2026000123", "BC-26-000123", "BC-2026-000000", "BC-2026-0000123",
    "-2026-000123", "B C-2026-000123", "BC-2026-00012a", None,
])
def test_case_1_bad_case_number_is_refused(text):
    with pytest.raises(ValueError):
        intake.parse_case_number(text)


@pytest.mark.parametrize("year,seq,prefix", [(2026, 0, "BC"), (26, 1, "BC"), (2026, 1, "B-C"),
                                             (2026, 1, "")])
def test_case_1_bad_case_number_parts_are_refused(year, seq, prefix):
    with pytest.raises(ValueError):
        intake.format_case_number(year, seq, prefix)


@given(year=st.integers(1000, 9999), seq=st.integers(1, 10**9),
       prefix=st.from_regex(r"[A-Z][A-Z0-9]{0,4}", fullmatch=True))
def test_case_1_case_number_round_trips(year, seq, prefix):
    assert intake.parse_case_number(intake.format_case_number(year, seq, prefix)) == (
        prefix, year, seq)


# --- CASE-2 intake classes ----------------------------------------------------------------
@pytest.mark.parametrize("case_class,missing,kwargs,field", [
    ("accepted", [FORM], {}, "materials"),
    ("joint", [ID_CARD], {}, "materials"),
    ("supplement", [], {}, "materials"),
    ("returned", [ID_CARD], {"return_reason": "  "}, "return_reason"),
    ("returned", [ID_CARD], {}, "return_reason"),
    ("transferred", [], {"competent_unit": ""}, "competent_unit"),
    ("urgent", [], {}, "case_class"),
])
def test_case_2_intake_class_must_fit_the_facts(case_class, missing, kwargs, field):
    err = violation(intake.validate_intake, case_class, missing, **kwargs)
    assert (err.rule_id, err.field) == ("CASE-2", field)


@pytest.mark.parametrize("case_class,missing,kwargs", [
    ("consultation", [], {}),
    ("accepted", [], {}),
    ("joint", [], {}),
    ("supplement", [FORM], {}),
    ("returned", [ID_CARD], {"return_reason": "缺少主件: 身份证"}),
    ("transferred", [], {"competent_unit": "县市场监管局"}),
])
def test_case_2_valid_intake_passes(case_class, missing, kwargs):
    assert intake.validate_intake(case_class, missing, **kwargs) is None


def test_case_2_cannot_accept_with_missing_mandatory_materials():
    missing = intake.missing_materials(ITEM, {1: 1})
    err = violation(intake.validate_intake, "accepted", missing)
    assert err.params == {"count": 1}
    intake.validate_intake("supplement", missing)  # the same facts make a 补充件


# --- NOTICE-1 one-time notice -------------------------------------------------------------
@pytest.mark.parametrize("earlier,new,expected", [
    ([], {1, 2, 3}, set()),  # the first notice is free to list anything
    ([{1, 2}], {2}, set()),  # asking again for a listed material is fine
    ([{1, 2}], {1, 2}, set()),
    ([{1, 2}], {2, 5}, {5}),
    ([{1, 2}, {1, 2, 5}], {5, 6}, {5, 6}),  # judged against the FIRST notice, not the latest
    ([{1}], set(), set()),
])
def test_notice_1_later_notice_compared_with_the_first(earlier, new, expected):
    assert intake.one_time_notice_violations(earlier, new) == expected


def test_notice_1_second_notice_with_new_material_is_violation():
    assert intake.one_time_notice_violations([{ID_CARD.id}], {ID_CARD.id, FORM.id}) == {FORM.id}


# --- CASE-7 joint cases -------------------------------------------------------------------
@pytest.mark.parametrize("parts_done,decidable", [
    ([], True),  # no part holds it back (intake refuses a joint case without parts)
    ([True, False], False),
    ([True, True, True], True),
    ([False], False),
])
def test_case_7_joint_case_decided_only_when_all_parts_done(parts_done, decidable):
    assert intake.joint_parts_done(parts_done) is decidable
    assert intake.joint_parts_done(iter(parts_done)) is decidable  # a generator will do


def test_case_7_sub_task_deadline_cannot_exceed_the_leads():
    lead = date(2026, 4, 10)
    intake.validate_sub_task_deadline(lead, lead)
    err = violation(intake.validate_sub_task_deadline, date(2026, 4, 13), lead)
    assert (err.rule_id, err.field) == ("CASE-7", "deadline")
    assert err.params == {"sub_deadline": "2026-04-13", "lead_deadline": "2026-04-10"}


# --- CASE-11 satisfaction -----------------------------------------------------------------
@pytest.mark.parametrize("rating,opinion,expected", [
    ("satisfied", None, ("satisfied", None)),
    ("basically_satisfied", "  ", ("basically_satisfied", None)),
    ("dissatisfied", " 等候时间太长 ", ("dissatisfied", "等候时间太长")),
])
def test_case_11_three_ratings_with_optional_opinion(rating, opinion, expected):
    assert intake.validate_satisfaction(rating, opinion) == expected


@pytest.mark.parametrize("rating,opinion,field", [
    ("very_satisfied", None, "rating"), ("", None, "rating"), ("satisfied", 5, "opinion"),
])
def test_case_11_bad_rating_is_refused(rating, opinion, field):
    err = violation(intake.validate_satisfaction, rating, opinion)
    assert (err.rule_id, err.field) == ("CASE-11", field)


# --- NEG-1 / NEG-3 refusal reports --------------------------------------------------------
REPORT = {"applicant_name": "张三", "applicant_unit": "", "applicant_phone": "13800000000",
          "applicant_address": "", "request": "办理个体工商户登记",
          "reason": "经营场所不符合规划", "legal_basis": "《个体工商户条例》第八条"}


def test_neg_1_complete_refusal_report_passes():
    assert intake.validate_refusal_report(REPORT) is None
    intake.validate_refusal_report({**REPORT, "applicant_phone": "", "applicant_address": "某村"})


@pytest.mark.parametrize("field,value,error_field", [
    ("applicant_name", "", "applicant_name"),
    ("request", None, "request"),
    ("reason", "   ", "reason"),
    ("legal_basis", "", "legal_basis"),
    ("applicant_phone", "", "applicant_phone"),  # and no address either
])
def test_neg_1_refusal_report_needs_each_field(field, value, error_field):
    err = violation(intake.validate_refusal_report, {**REPORT, field: value})
    assert (err.rule_id, err.field) == ("NEG-1", error_field)



@pytest.mark.parametrize("delivered, rated, expected", [
    (False, False, False), (True, False, True), (True, True, False), (False, True, False),
])
def test_case_11_only_a_delivered_unrated_case_can_be_rated(delivered, rated, expected):
    from app.rules.intake import may_rate

    assert may_rate(delivered, rated) is expected


@pytest.mark.parametrize(("received", "issued", "due", "late"), [
    ("2026-11-02", "2026-11-02", "2026-11-09", False),  # on the spot
    ("2026-11-02", "2026-11-09", "2026-11-09", False),  # on the 5th working day
    ("2026-11-02", "2026-11-10", "2026-11-09", True),  # the 6th: late
    ("2026-09-30", "2026-10-09", "2026-10-13", False),  # National Day does not count
])
def test_notice_1_notice_later_than_notice_max_days_after_receipt_is_late(received, issued,
                                                                          due, late):
    from app.rules.calendar import WorkCalendar

    timing = intake.one_time_notice_timing(date.fromisoformat(received),
                                           date.fromisoformat(issued), 5, WorkCalendar())
    assert (timing.due_on, timing.late) == (date.fromisoformat(due), late)
