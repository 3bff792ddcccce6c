"""CASE-3 on upgrade: a newer chinese-calendar may know a year's official schedule that the
running cases' deadlines were counted without; `flask bianmin upgrade` counts them again."""

from __future__ import annotations

from datetime import date, timedelta

from app.actor import Actor
from app.services.cases import Applicant, Intake, register_intake
from app.services.schedule import RECOMPUTE_DEADLINE
from tests.factories import clock_on, residence_permit_item


def test_case_3_upgrade_recomputes_deadlines_counted_on_an_older_calendar(app, db_session,
                                                                           window_a, center_now):
    center_now(date(2026, 11, 18))  # the upgrade's "now" (issue #17: any day, one result)
    item = residence_permit_item(db_session, window_a)
    # Accepted recently (in the center's "now" of the upgrade), so its limit is still running.
    accepted_on = date(2026, 11, 16)
    case = register_intake(db_session, Intake(item_id=item.id, case_class="accepted",
                                              applicant=Applicant(name="王五"),
                                              received={m.id: 1 for m in item.materials}),
                           Actor(username="clerk01"), clock_on(accepted_on))
    right = case.deadline
    # As if counted when the calendar still took a holiday for a working day.
    case.deadline = case.original_deadline = right + timedelta(days=1)
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["bianmin", "upgrade"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "deadlines of 1 running cases recomputed" in result.output
    db_session.expire_all()
    assert case.deadline == case.original_deadline == right
    assert case.transitions[-1].action == RECOMPUTE_DEADLINE
    assert case.transitions[-1].username == "cli:upgrade"
