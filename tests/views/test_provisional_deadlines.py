"""Calendar / CASE-3: a deadline in a year without the official holiday schedule is marked
provisional wherever it is shown or printed — case page, case lists, acceptance and extension
notices, the public lookup — with the sentence of RULES.md, for clerks and the public alike.

chinese-calendar 1.11 carries the schedules up to 2026: a case accepted on Mon 2026-12-28
with its 5-working-day limit is due Tue 2027-01-05 (12-29, 12-30, 12-31, Fri 01-01 New
Year's Day off, 01-04, 01-05) — provisional; one accepted on Mon 2026-11-02 is due 11-09.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.actor import Actor
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake
from app.services.schedule import replace_year_schedule
from app.services.transaction import transaction
from models.settings import Holiday
from tests.case_documents import PROVISIONAL_SENTENCE
from tests.factories import clock_on, residence_permit_item

PHONE = "13912345678"
IN_2027 = (date(2026, 12, 28), "2027-01-05", "2027-01-08")
IN_2026 = (date(2026, 11, 2), "2026-11-09", "2026-11-12")
CASES = pytest.mark.parametrize("story, provisional", [(IN_2027, True), (IN_2026, False)],
                                ids=["deadline-2027", "deadline-2026"])


@pytest.fixture
def make_case(db_session, window_a):
    item = residence_permit_item(db_session, window_a)

    def make(accepted_on: date, extend: bool = False):
        actor = Actor(username="clerk01")
        case = register_intake(
            db_session,
            Intake(item_id=item.id, case_class="accepted",
                   received={m.id: m.copies for m in item.materials},
                   applicant=Applicant(name="赵六", phone=PHONE)),
            actor, clock_on(accepted_on))
        if extend:  # CASE-5: 3 more working days, the extension notice printed
            apply_action(db_session, case, cs.START, actor, clock_on(accepted_on))
            apply_action(db_session, case, cs.EXTEND, actor, clock_on(accepted_on),
                         extension_days=3, reason="需赴现场核查")
        db_session.commit()
        return case
    return make


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@CASES
def test_calendar_case_page_shows_the_sentence_beside_a_provisional_deadline(
        as_clerk, make_case, story, provisional):
    accepted_on, deadline, _extended = story
    case = make_case(accepted_on)
    assert case.deadline == date.fromisoformat(deadline)
    page = as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert deadline in page
    assert (PROVISIONAL_SENTENCE in page) is provisional
    if provisional:  # beside the date, in the deadline's own cell
        assert re.search(re.escape(deadline) + r"\s*<span class=\"provisional-note\"[^>]*>"
                         + PROVISIONAL_SENTENCE, page)


@CASES
@pytest.mark.parametrize("url", ["/casequeue/list/", "/caseview/list/"])
def test_calendar_case_lists_mark_a_provisional_deadline_with_a_footnote(
        as_clerk, make_case, story, provisional, url):
    accepted_on, deadline, _extended = story
    make_case(accepted_on)
    page = as_clerk.get(url).get_data(as_text=True)
    assert deadline in page
    assert ("data-provisional-deadline" in page) is provisional
    assert ("data-provisional-footnote" in page) is provisional
    assert (PROVISIONAL_SENTENCE in page) is provisional
    if provisional:  # the compact 暂定 badge carries the sentence as its title
        assert re.search(r'title="' + PROVISIONAL_SENTENCE + r'"[^>]*>暂定</span>', page)


@CASES
def test_calendar_acceptance_notice_prints_the_sentence_beside_a_provisional_deadline(
        as_clerk, make_case, story, provisional):
    accepted_on, deadline, _extended = story
    case = make_case(accepted_on)
    page = as_clerk.get(f"/print/case/{case.id}/acceptance").get_data(as_text=True)
    assert deadline in page
    assert (PROVISIONAL_SENTENCE in page) is provisional


@CASES
def test_calendar_extension_notice_prints_the_sentence_beside_a_provisional_deadline(
        as_clerk, make_case, story, provisional):
    accepted_on, _deadline, extended = story
    case = make_case(accepted_on, extend=True)
    assert case.deadline == date.fromisoformat(extended)
    page = as_clerk.get(f"/print/case/{case.id}/extension").get_data(as_text=True)
    assert extended in page
    assert (PROVISIONAL_SENTENCE in page) is provisional


@CASES
def test_calendar_public_lookup_shows_the_sentence_beside_a_provisional_deadline(
        public, make_case, story, provisional):
    from tests.factories import csrf_token

    accepted_on, deadline, _extended = story
    case = make_case(accepted_on)
    token = csrf_token(public.get("/guide/progress").get_data(as_text=True))
    page = public.post("/guide/progress", data={"number": case.number, "phone": PHONE,
                                                "csrf_token": token}).get_data(as_text=True)
    assert case.number in page and deadline in page
    assert (PROVISIONAL_SENTENCE in page) is provisional


def test_calendar_deadline_is_no_longer_provisional_once_the_year_is_entered(
        as_clerk, db_session, make_case):
    """Calendar: a local closure of 2027 (one Holiday row) leaves its deadlines provisional;
    the office's entry of 2027's schedule on the year-schedule page makes them final (the same
    "entered" as the administrators' banner)."""
    case = make_case(IN_2027[0])
    db_session.add(Holiday(day=date(2027, 3, 1), kind="holiday", name="本地停业"))
    db_session.commit()
    page = as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert PROVISIONAL_SENTENCE in page
    with transaction(db_session):
        replace_year_schedule(db_session, 2027, [(date(2027, 1, 1), "元旦")], [],
                              date(2026, 12, 7))
    page = as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert IN_2027[1] in page and PROVISIONAL_SENTENCE not in page
    assert PROVISIONAL_SENTENCE not in as_clerk.get("/casequeue/list/").get_data(as_text=True)
