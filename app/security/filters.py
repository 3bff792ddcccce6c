"""Row-level filters (ORG-2, AB-2, PRIV-1): the request's scopes, asked of the policies of
app/policy/ for the signed-in actor, turned into SQL for FAB's views and APIs (one filter class
serves both doors, FAB-NOTES), and the adapters that give the services the request's actor."""

from __future__ import annotations

from flask import has_request_context
from flask_appbuilder.models.filters import BaseFilter

from app.extensions import db
from app.policy import attendance as attendance_policy
from app.policy import cases as cases_policy
from app.policy import away as away_policy
from app.policy import org as org_policy
from app.policy import scores as scores_policy
from app.policy import semiannual as semiannual_policy
from app.policy.handover import HANDOVER_ALL_ROLES
from app.policy.leave import leave_leadership, leave_office, may_oversee_leave
from app.policy.scores import SCORE_ALL_ROLES
from app.request_context import (clock, current_actor, current_login, current_staff,
                                 kept_for_user_and_day, role_names)
from app.roles import LEADERSHIP, WINDOW_HEAD
from app.rules.leave import APPROVER_POSITIONS
from app.services.cover import (CoverActor, covered_cases_condition, covered_staff as covered_on,
                                is_covered_case, registration_scope_condition)
from app.services.leave import LeaveActor, rerouted_to
from app.services.semiannual import entry_scope_condition
from models.cases import Case


# --- The request's scopes: the policies of app/policy/ asked for the signed-in actor -----------
# Who may do what is decided in app/policy/ (pure, over an Actor); the row filters below and the
# pages ask it for the request's actor (app.request_context.current_actor).
def window_scope() -> int | None:
    """ORG-2: the only window whose records the user may touch, or None for all windows
    (app.policy.org.window_scope for the request's actor)."""
    return org_policy.window_scope(current_actor())


def away_scope() -> tuple[str, int] | None:
    """ORG-2 for 外出登记 and the cover page (app.policy.away.away_scope)."""
    return away_policy.away_scope(current_actor())


def attendance_scope() -> list[int] | None:
    """ATT: the staff ids whose attendance the user may see (app.policy.attendance)."""
    return attendance_policy.attendance_scope(current_actor())


def semiannual_scope():
    """ORG-2 for the semi-annual entries (app.policy.semiannual.semiannual_scope)."""
    return semiannual_policy.semiannual_scope(current_actor())


def assessment_scope() -> tuple[int | None, int | None]:
    """ORG-2 for scores: (window, staff) the user may see (app.policy.scores)."""
    return scores_policy.assessment_scope(current_actor())


# --- AB-2: B covers A's unfinished cases while A is away --------------------------------------
def covered_staff() -> dict[int, str]:
    """AB-2: the staff (id → name) whose cases the signed-in user covers now, as B of their
    post while they are away in the half-day of now by the one definition of "away" (leave not
    yet reported back, an approved errand or meeting, absence: app/services/away.py,
    app/services/cover.py). One cover query per request, and only for the window-bound roles
    the cover widens."""
    if not has_request_context():
        return {}
    # once per request (a list asks for every row: issue #21 P1)
    return kept_for_user_and_day("bianmin_covered", _covered_staff)


def _covered_staff() -> dict[int, str]:
    if window_scope() is None:
        return {}
    staff = current_staff()
    now = clock()
    return covered_on(db.session, staff.id, now.today, now.now) if staff else {}


def covers_case(case) -> bool:
    """AB-2: the user reaches `case` by cover (not by their own window)."""
    return is_covered_case(case, covered_staff())


def case_scope_condition():
    """ORG-2 + AB-2 as one SQL condition on cases: own window, or a case the user covers;
    None for the roles that see every window. Built once per request (the home page asks for
    it for its counts and its list, issue #21), for the request's user and day."""
    if not has_request_context():
        return _case_scope_condition()
    return kept_for_user_and_day("bianmin_case_scope", _case_scope_condition)


def _case_scope_condition():
    from sqlalchemy import or_

    scope = window_scope()
    if scope is None:
        return None
    own = Case.window_id == scope
    cover = covered_cases_condition(covered_staff())
    return own if cover is None else or_(own, cover)


def may_reach_case(case) -> bool:
    """ORG-2 + AB-2 for one loaded case, for the request's actor and cover
    (app.policy.cases.may_reach_case): the Python twin of `case_scope_condition`."""
    actor = current_actor()
    if org_policy.window_scope(actor) is None:
        return True
    return cases_policy.may_reach_case(actor, case, covered=covers_case(case))


def may_see_personal_data(window_id: int | None = None, case=None) -> bool:
    """PRIV-1 for the request's actor (app.policy.cases.may_see_personal_data): with `case`,
    its window, and AB-2's cover of it."""
    actor = current_actor()
    if case is not None:
        window_id = case.window_id
    return cases_policy.may_see_personal_data(
        actor, window_id, covered=case is not None and covers_case(case))


# --- ORG-2 / AB-2: 外出登记 and the window head's approval of their window's cover -------------
def current_cover_actor():
    """The CoverActor (app.services.cover) of this request's user: a window head approves the
    cover of their own window, Leadership any other (app.rules.leave.may_approve_away)."""
    user = current_login()
    roles = role_names()
    return CoverActor(user_id=user.id if user else None, staff=current_staff(),
                      window_head=WINDOW_HEAD in roles, leadership=LEADERSHIP in roles)


class OwnWindowFilter(BaseFilter):
    """Row-level filter (ORG-2): a clerk or window head sees only their own window's rows.

    One class serves the ModelView and the ModelRestApi of a window-scoped model, because
    FAB's API does not inherit a view's base_filters (FAB-NOTES).
    AB-2: on cases it also lets B through to the unfinished cases of an A that B covers
    (`case_scope_condition`), on every page and API that lists, opens or acts on cases.
    """

    name = "Own window"
    arg_name = "own_window"

    def apply(self, query, value):
        scope = window_scope()
        if scope is None:
            return query

        if self.model is Case and self.column_name == "window_id":
            return query.filter(case_scope_condition())
        return query.filter(getattr(self.model, self.column_name) == scope)


def window_scoped_filters(column: str = "window_id") -> list:
    """The base_filters a window-scoped view or API declares."""
    return [[column, OwnWindowFilter, None]]


# --- HAND-1: handovers (工作交接) ---------------------------------------------------------------
# Office and Leadership read every handover; everyone else the ones they give or receive.
class OwnHandoverFilter(BaseFilter):
    """Row-level filter (HAND-1): the handovers one gives or receives; Office, Leadership and
    Admin see all. One class for the view and the API (FAB-NOTES)."""

    name = "Own handovers"
    arg_name = "own_handover"

    def apply(self, query, value):
        from sqlalchemy import or_

        if role_names() & HANDOVER_ALL_ROLES:
            return query
        staff = current_staff()
        if staff is None:
            return query.filter(self.model.id == -1)
        return query.filter(or_(self.model.giver_id == staff.id, self.model.receiver_id == staff.id))


def handover_filters() -> list:
    return [["id", OwnHandoverFilter, None]]


# --- AB-2 / ORG-2: 外出登记 ---------------------------------------------------------------------
class AwayRowFilter(BaseFilter):
    """Row filter of 外出登记 (ORG-2, app.policy.away.away_scope) for the API — the cover page
    lists the same rows through app.services.cover.registrations (FAB-NOTES: the API does not
    inherit a view's filters): Office, Leadership and Admin all; a window head their window's;
    anyone else their own; a login without a Staff row nothing."""

    name = "Visible registrations"
    arg_name = "visible_away"

    def apply(self, query, value):
        condition = registration_scope_condition(away_scope())
        return query if condition is None else query.filter(condition)


def away_filters() -> list:
    return [["id", AwayRowFilter, None]]


# --- Leave (LEAVE-1..3, AB-1): who may decide, file, report back, see ----------------------
# LEAVE-2: APPROVER_POSITIONS (app/rules/leave.py) names the positions holding each approver slot
class LeaveRowFilter(BaseFilter):
    """Row filter of leave requests, for the view and the API alike (FAB-NOTES): Office and
    Leadership see all; everyone else their own requests and those routed to their position —
    or deciding now (LEAVE-2 / LEAVE-1: the routed slot's holders changed after filing so that
    none may decide it, `app.policy.leave.deciding_slot`)."""

    name = "Visible leave"
    arg_name = "visible_leave"

    def apply(self, query, value):
        from sqlalchemy import false, or_

        if may_oversee_leave(role_names()):
            return query
        staff = current_staff()
        if staff is None:
            return query.filter(false())
        positions = [p for p, holders in APPROVER_POSITIONS.items() if staff.position in holders]
        conditions = [self.model.staff_id == staff.id]
        if positions:
            conditions.append(self.model.approver_position.in_(positions))
            rerouted = rerouted_to(db.session, staff)
            if rerouted:
                conditions.append(self.model.id.in_(rerouted))
        user = current_login()
        if user is not None:
            conditions.append(self.model.filed_by_id == user.id)
        return query.filter(or_(*conditions))


def leave_filters() -> list:
    return [["id", LeaveRowFilter, None]]


def current_leave_actor():
    """The LeaveActor (app.services.leave) of this request's user."""
    user = current_login()
    roles = role_names()
    return LeaveActor(user_id=user.id if user else None, staff=current_staff(),
                      leadership=leave_leadership(roles), office=leave_office(roles))


# --- SCORE-5/6: the semi-annual individual assessment (半年考核) ------------------------------
class SemiannualEntryFilter(BaseFilter):
    """Row filter of semi-annual entries for the view and the API alike (FAB-NOTES)."""

    name = "Visible semi-annual entries"
    arg_name = "visible_semiannual"

    def apply(self, query, value):
        condition = entry_scope_condition(semiannual_scope())
        return query if condition is None else query.filter(condition)


def semiannual_entry_filters() -> list:
    return [["id", SemiannualEntryFilter, None]]


# --- SCORE-1, FAULT-1: who records and who sees deductions, bonuses, derelictions ------------
class OwnScoreFilter(BaseFilter):
    """Row filter of score events and derelictions, for the view and the API alike (FAB-NOTES):
    Office, Leadership and Admin see all; a window head their window's rows; everyone else
    (clerks, section heads) their own (staff_id = their Staff row); no Staff row, nothing."""

    name = "Visible scores"
    arg_name = "visible_scores"

    def apply(self, query, value):
        from sqlalchemy import false

        roles = role_names()
        if roles & SCORE_ALL_ROLES:
            return query
        staff = current_staff()
        if staff is None:
            return query.filter(false())
        if WINDOW_HEAD in roles and staff.window_id:
            return query.filter(self.model.window_id == staff.window_id)
        return query.filter(self.model.staff_id == staff.id)


def score_filters() -> list:
    return [["id", OwnScoreFilter, None]]
