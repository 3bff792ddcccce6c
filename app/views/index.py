"""The home page: a portal for the public, a start page for staff."""

from __future__ import annotations

from flask_appbuilder import IndexView, expose
from sqlalchemy import func, select

from app.context import today
from app.extensions import db
from app.security import case_scope_condition, may_read_cases
from app.services.calendar import request_calendar
from app.services.case_queries import (OPEN_STATES, due_soon_condition,
                                       running_overdue_condition)
from app.services.settings import setting_value
from models.cases import Case

def case_counts() -> dict[str, int]:
    """Open, overdue and due-soon cases of the user's window (all windows for the others).

    Counts only: three indexed COUNTs over the open states, never the closed million.
    """
    day = today()
    last = request_calendar().add_working_days(day, setting_value(db.session, "case.due_soon_days"))
    scope = case_scope_condition()  # ORG-2, and AB-2: the cases the user covers count too

    def count(*conditions) -> int:
        query = select(func.count(Case.id)).where(*conditions)
        if scope is not None:
            query = query.where(scope)
        return db.session.scalar(query) or 0

    return {
        "open": count(Case.state.in_(OPEN_STATES)),
        # Open and past the deadline: the running states only, served by ix_case_state_deadline.
        "overdue": count(running_overdue_condition(day)),
        "due_soon": count(due_soon_condition(day, last)),
    }


class HomeView(IndexView):
    """首页 — links to the guide and lookup for the public, the daily entry points for staff."""

    index_template = "bianmin/index.html"

    @expose("/")
    def index(self):
        counts = case_counts() if may_read_cases() else None
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    case_counts=counts)
