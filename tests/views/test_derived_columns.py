"""Columns computed per request by the views, not by the models (issue #9): overdue working
days (CASE-6) and the late review flag (NEG-2) depend on today; FAB reads them like columns."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from app.actor import Actor
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, register_intake
from app.views import derived
from app.views.cases import CaseView
from app.views.refusals import RefusalReportView
from tests.factories import clock_on, residence_permit_item


@pytest.fixture
def accepted_case(db_session, window_a):
    item = residence_permit_item(db_session, window_a, "D-001")  # 5 working days promised
    case = register_intake(
        db_session, Intake(item_id=item.id, case_class=cs.CLASS_ACCEPTED,
                           applicant=Applicant(name="赵六"),
                           received={m.id: m.copies for m in item.materials}),
        Actor(username="seed"), clock_on(date(2026, 11, 2)))
    db_session.commit()
    return case


@pytest.fixture
def on(center_now):
    """Sets the app's clock to a day (issue #17)."""
    return center_now


def test_case_6_overdue_working_days_count_from_the_deadline_to_today(app, accepted_case, on):
    case = accepted_case  # received Mon 2026-11-02, 5 working days: due Mon 2026-11-09
    assert case.deadline == date(2026, 11, 9)
    with app.test_request_context():
        on(date(2026, 11, 9))
        assert derived.overdue_days(case) == 0
        on(date(2026, 11, 12))
        assert CaseView.datamodel._get_attr_value(case, "overdue_days") == 3
        assert CaseView.datamodel._get_attr_value(case, "number") == case.number  # stored column


def test_case_6_a_case_not_yet_accepted_is_never_overdue(app, on):
    waiting = SimpleNamespace(deadline=None, decided_on=None, state=cs.SUPPLEMENT_REQUESTED)
    on(date(2030, 1, 1))
    with app.test_request_context():
        assert derived.overdue_days(waiting) == 0


@pytest.mark.parametrize("reviewed_on, today, late", [
    (None, date(2026, 10, 10), False), (None, date(2026, 10, 12), True),
    (date(2026, 10, 10), date(2026, 10, 20), False), (date(2026, 10, 12), date(2026, 10, 12), True),
])
def test_neg_2_review_late_is_judged_on_today(app, on, reviewed_on, today, late):
    report = SimpleNamespace(reviewed_on=reviewed_on, review_due=date(2026, 10, 10))
    on(today)
    with app.app_context():
        assert RefusalReportView.datamodel._get_attr_value(report, "review_late") is late
