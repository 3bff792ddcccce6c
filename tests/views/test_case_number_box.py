"""Issue #19: the header's case-number box — on every staff page, forgiving the spelling the
public lookup forgives (CASE-1: case, blanks, missing leading zeros), and bound by the row
filters (ORG-2): a case of another window answers like a number that does not exist."""

from __future__ import annotations

import re

from datetime import date

import pytest

from app.actor import Actor
from app.services.cases import Applicant, Intake, register_intake
from tests.factories import clock_on, residence_permit_item


@pytest.fixture
def case_of(db_session):
    def make(window):
        item = residence_permit_item(db_session, window, code=f"GA-{window.number}")
        case = register_intake(
            db_session,
            Intake(item_id=item.id, case_class="accepted",
                   received={m.id: m.copies for m in item.materials},
                   applicant=Applicant(name="赵六", phone="13912345678")),
            Actor(username="clerk01"), clock_on(date(2026, 11, 2)))
        db_session.commit()
        return case
    return make


def loose_spelling(number: str) -> str:
    """BC-2026-000012 as a hurried person types it: bc-2026-12."""
    prefix, year, seq = number.split("-")
    return f" {prefix.lower()}-{year}-{int(seq)} "


def test_case_1_box_opens_the_case_typed_without_leading_zeros(as_clerk, window_a, case_of):
    case = case_of(window_a)
    answer = as_clerk.client.get("/caseview/find", query_string={"number": loose_spelling(case.number)})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/caseview/show/{case.id}")


def test_org_2_box_does_not_open_another_windows_case(as_clerk, window_b, case_of):
    case = case_of(window_b)
    answer = as_clerk.client.get("/caseview/find", query_string={"number": case.number},
                                 follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert answer.request.path == "/caseview/list/"
    assert f"在您可查看的办件中没有 {case.number}" in html


def test_org_2_box_reaches_every_window_for_leadership(as_leadership, window_b, case_of):
    case = case_of(window_b)
    answer = as_leadership.client.get("/caseview/find", query_string={"number": case.number})
    assert answer.headers["Location"].endswith(f"/caseview/show/{case.id}")


@pytest.mark.parametrize("typed, message", [("", "请输入办件编号"), ("hello", "不是办件编号")])
def test_case_1_box_explains_what_is_not_a_number(as_clerk, typed, message):
    answer = as_clerk.client.get("/caseview/find", query_string={"number": typed},
                                 follow_redirects=True)
    assert answer.status_code == 200
    assert message in answer.get_data(as_text=True)


@pytest.mark.parametrize("role", ["Clerk", "WindowHead", "SectionHead", "Office", "Leadership", "Admin"])
def test_issue_19_box_is_in_the_header_of_every_staff_role(log_in, window_a, role):
    html = log_in(role, window=window_a).get("/").get_data(as_text=True)
    assert 'action="/caseview/find"' in html
    assert 'id="case-number-box"' in html


def test_issue_20_favicon_is_served_from_static(as_clerk):
    html = as_clerk.get("/").get_data(as_text=True)
    # Fingerprinted like every static URL (issue #21).
    assert re.search(r'rel="icon" href="/static/img/favicon\.ico(\?v=[0-9a-f]+)?"', html)
    answer = as_clerk.client.get("/favicon.ico")
    assert answer.status_code in (301, 302, 308)
    assert as_clerk.client.get(answer.headers["Location"]).status_code == 200
