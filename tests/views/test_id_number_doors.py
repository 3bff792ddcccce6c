"""PRIV-2 through both doors: an ID number whose first two digits are no GB/T 2260 province,
or born after the intake day, is refused with its zh_CN message by the intake form and the
API alike (both go through app.services.cases.check_applicant), and nothing is saved."""

from __future__ import annotations

from datetime import date

import pytest

from app.rules.identity import id_check_digit
from tests.factories import count_cases, intake_body, intake_form


def with_check(body: str) -> str:
    return body + id_check_digit(body)


TODAY = date(2026, 11, 18)  # the app's clock (issue #17): "next year" is 2027 on any day
PROVINCE_99 = with_check("99010519491231002")
NEXT_YEAR = with_check(f"110105{TODAY.year + 1}0101002")
MESSAGES = {PROVINCE_99: "居民身份证号码前两位不是有效的省级行政区划代码。",
            NEXT_YEAR: "居民身份证号码第 7 至 14 位不是有效的出生日期。"}


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    center_now(TODAY)


@pytest.mark.parametrize("number", [PROVINCE_99, NEXT_YEAR], ids=["province-99", "born-next-year"])
def test_priv_2_intake_form_refuses_the_number_with_its_message(log_in, db_session, window_a,
                                                                 item, number):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/caseview/intake/?item={item.id}",
                               intake_form(item, applicant_id_number=number))
    assert response.status_code == 200
    assert MESSAGES[number] in response.get_data(as_text=True)
    assert count_cases(db_session) == 0


@pytest.mark.parametrize("number", [PROVINCE_99, NEXT_YEAR], ids=["province-99", "born-next-year"])
def test_priv_2_api_refuses_the_number_with_its_field(log_in, db_session, window_a, item, number):
    clerk = log_in("Clerk", window=window_a)
    body = intake_body(item, applicant={"name": "赵六", "id_number": number,
                                        "phone": "13912345678"})
    response = clerk.client.post("/api/v1/case/intake", json=body, headers=clerk.api_headers())
    assert response.status_code == 422
    assert "applicant_id_number" in response.get_json()["message"]
    assert count_cases(db_session) == 0
