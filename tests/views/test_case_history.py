"""A case's history and notes name the staff member (Staff.name), not the login name
(issue #9); a login without a Staff row is still shown by its login name."""

from __future__ import annotations

import re
from datetime import date

from app.actor import Actor
from app.services.cases import Applicant, Intake, annotate, register_intake
from models.org import Staff
from tests.factories import clock_on, residence_permit_item


def history_users(html: str) -> list[str]:
    """The users of the timeline's transitions (issue #19: one timeline on the case page)."""
    timeline = html[html.index("data-timeline"):html.index("</ol>", html.index("data-timeline"))]
    return re.findall(r'<li class="timeline-transition"[^>]*>.*?<span class="timeline-user[^"]*">'
                      r"([^<]*)</span>", timeline, re.S)


def note_users(html: str) -> list[str]:
    timeline = html[html.index("data-timeline"):html.index("</ol>", html.index("data-timeline"))]
    return re.findall(r'<li class="timeline-note"[^>]*>.*?<span class="timeline-user[^"]*">'
                      r"([^<]*)</span>", timeline, re.S)


def test_case_history_and_notes_show_the_staff_name(log_in, db_session, window_a):
    clerk = log_in("Clerk", window=window_a)
    staff = db_session.query(Staff).filter_by(user_id=clerk.user.id).one()
    item = residence_permit_item(db_session, window_a, "V-010")
    actor = Actor(username=clerk.user.username, user_id=clerk.user.id, staff_id=staff.id)
    case = register_intake(
        db_session, Intake(item_id=item.id, case_class="accepted",
                           applicant=Applicant(name="赵六", id_number="11010519491231002X",
                                               phone="13912345678"),
                           received={m.id: m.copies for m in item.materials}),
        actor, clock_on(date(2026, 11, 2)))
    annotate(case, "已电话告知申请人", actor, clock_on(date(2026, 11, 3)))
    annotate(case, "系统补录", Actor(username="cli:import"), clock_on(date(2026, 11, 4)))
    db_session.commit()

    html = clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert history_users(html) and set(history_users(html)) == {staff.name}
    assert note_users(html) == [staff.name, "系统（自动）"]  # issue #20: a command is the system
    assert clerk.user.username not in html.replace(f"{clerk.user.username}@example.org", "")
