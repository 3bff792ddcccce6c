"""受理登记 at the edges: case numbers at the ends of their range, material lists of one copy,
and every refused intake, rating or refusal report explained in Chinese next to its field
(CASE-1/2/7/11, NEG-1)."""

from datetime import date

import pytest

from app.rules import intake
from app.rules.intake import MaterialRequirement
from tests.rules.shown import breaks

REPORT = {"applicant_name": "张三", "applicant_unit": "", "applicant_phone": "13800000000",
          "applicant_address": "", "request": "办理个体工商户登记",
          "reason": "经营场所不符合规划", "legal_basis": "《个体工商户条例》第八条"}


def test_case_1_a_material_of_one_copy_is_a_material():
    """CASE-1: 1 copy is the smallest requirement; 0 copies names the material."""
    assert MaterialRequirement(7, "身份证", True, 1, True).copies == 1
    with pytest.raises(ValueError, match="^material 7: copies must be at least 1$"):
        MaterialRequirement(7, "身份证", True, 0, True)


def test_case_1_case_numbers_start_with_bc_by_default_and_run_to_year_9999():
    assert intake.format_case_number(2026, 123) == "BC-2026-000123"
    assert intake.format_case_number(9999, 1) == "BC-9999-000001"
    with pytest.raises(ValueError, match="^bad case number year/sequence 10000/1$"):
        intake.format_case_number(10000, 1)
    with pytest.raises(ValueError, match="^bad case number prefix 'bc'$"):
        intake.format_case_number(2026, 1, "bc")


@pytest.mark.parametrize("text", ["BC-2026-123", "BC-2026-0000123", "BC-2026-000000"])
def test_case_1_a_case_number_that_is_not_one_is_refused_naming_it(text):
    with pytest.raises(ValueError, match=f"^bad case number '{text}'$"):
        intake.parse_case_number(text)


@pytest.mark.parametrize("case_class, missing, kwargs, field, says", [
    ("urgent", [], {}, "case_class", "urgent"),
    ("accepted", [1, 2], {}, "materials", "2"),
    ("supplement", [], {}, "materials", ()),
    ("returned", [1], {"return_reason": " "}, "return_reason", "退回"),
    ("transferred", [], {"competent_unit": None}, "competent_unit", ()),
])
def test_case_2_an_intake_class_that_does_not_fit_says_why(case_class, missing, kwargs, field,
                                                           says):
    with breaks("CASE-2", field=field, says=says):
        intake.validate_intake(case_class, missing, **kwargs)


def test_case_7_a_sub_task_later_than_the_lead_names_both_deadlines():
    with breaks("CASE-7", field="deadline", says=("2026-10-14", "2026-10-13")):
        intake.validate_sub_task_deadline(date(2026, 10, 14), date(2026, 10, 13))


@pytest.mark.parametrize("rating, opinion, field", [("very", None, "rating"),
                                                    ("satisfied", 5, "opinion")])
def test_case_11_a_rating_outside_the_three_says_why(rating, opinion, field):
    with breaks("CASE-11", field=field):
        intake.validate_satisfaction(rating, opinion)


@pytest.mark.parametrize("field", ["applicant_name", "request", "reason", "legal_basis"])
def test_neg_1_each_missing_part_of_a_refusal_report_is_said_at_its_field(field):
    with breaks("NEG-1", field=field):
        intake.validate_refusal_report({**REPORT, field: ""})


def test_neg_1_a_refusal_report_needs_a_phone_or_an_address():
    with breaks("NEG-1", field="applicant_phone"):
        intake.validate_refusal_report({**REPORT, "applicant_phone": " "})
