"""NOTICE-1 on the case page: each one-time notice shows the day it was due, and one given
later than `notice.max_days` working days after the materials came in is flagged."""

from __future__ import annotations

from datetime import date

from app.actor import Actor
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake
from tests.factories import clock_on, residence_permit_item

ACTOR = Actor(username="clerk01")


def test_notice_1_late_one_time_notice_is_flagged_on_the_case_page(log_in, db_session, window_a):
    item = residence_permit_item(db_session, window_a)
    contract = item.materials[1]
    case = register_intake(db_session, Intake(item_id=item.id, case_class="supplement",
                                              applicant=Applicant(name="王五"),
                                              received={item.materials[0].id: 1}),
                           ACTOR, clock_on(date(2026, 11, 2)))
    apply_action(db_session, case, cs.RECEIVE_MATERIALS, ACTOR, clock_on(date(2026, 11, 3)),
                 received={contract.id: 1})
    apply_action(db_session, case, cs.REQUEST_SUPPLEMENT, ACTOR, clock_on(date(2026, 11, 13)),
                 materials=[contract.id], defective={contract.id: "未签字"})
    db_session.commit()
    page = log_in("Clerk", window=window_a).get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert "一次性告知记录" in page
    rows = page.split('case-one-time-notices')[1].split("</table>")[0].split("<tr")[2:]
    first, second = rows
    assert "2026-11-09" in first and "data-late-notice" not in first  # on the spot: on time
    # Received 11-03, due 11-10 (5 working days), given 11-13: late.
    assert "data-late-notice" in second and "2026-11-10" in second and "逾期" in second
