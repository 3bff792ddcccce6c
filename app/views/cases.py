"""办件 views: intake, the case list with its deadline filters, the actions of CASE-4, notes.

The generic FAB add form is replaced by the intake page (one form per item, with the item's
material checklist); the state changes are separate small forms offering only the actions the
transition table allows. Everything goes through app/services/cases.py.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect, select
from wtforms import (BooleanField, DateTimeLocalField, DecimalField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import InputRequired, NumberRange, Optional

from app.context import center_zone, local_datetime, today
from app.extensions import db
from app.rules import case_states as cs
from app.rules.errors import RuleViolation
from app.rules.intake import RATING_LABELS
from app.security import VIEW_METHOD_PERMISSIONS, current_actor, window_scope
from app.services.calendar import request_calendar
from app.services.case_queries import (OPEN_STATES, due_soon_condition, overdue_condition,
                                       queue_order)
from app.services.cases import (Applicant, Clock, Intake, SubTaskPlan, annotate, apply_action,
                                available_actions, register_intake)
from app.services.settings import setting_value
from app.views.base import WindowScopedModelView, rule_checked, yes_no
from models.cases import Case, CaseSubTask, NoticeViolation
from models.catalogue import ServiceItem
from models.org import Window

CASE_LABELS = {
    "number": _l("Case number"),
    "case_class": _l("Case class"),
    "state": _l("State"),
    "item": _l("Service item"),
    "window": _l("Window"),
    "applicant_kind": _l("Applicant type"),
    "applicant_name": _l("Applicant"),
    "id_number_shown": _l("ID number"),
    "phone_shown": _l("Phone"),
    "address_shown": _l("Address"),
    "applicant_phone": _l("Phone"),
    "applicant_address": _l("Address"),
    "request": _l("Request"),
    "first_contact": _l("First-contact staff"),
    "clerk": _l("Receiving clerk"),
    "handler": _l("Handling staff"),
    "received_at": _l("Received"),
    "accepted_at": _l("Accepted at"),
    "promised_days": _l("Limit (working days)"),
    "deadline": _l("Deadline"),
    "original_deadline": _l("Original deadline"),
    "overdue_days": _l("Overdue working days"),
    "urgent": _l("Green channel"),
    "appointment_at": _l("Appointment"),
    "extension_reason": _l("Extension reason"),
    "suspension_procedure": _l("Special procedure"),
    "suspended_days": _l("Suspended working days"),
    "decided_at": _l("Decided"),
    "decision_note": _l("Decision"),
    "applicant_objected": _l("Applicant still objects after the explanation"),
    "delivered_at": _l("Delivered at"),
    "collector_name": _l("Collected by"),
    "fee_amount": _l("Fee (yuan)"),
    "return_reason": _l("Return reason"),
    "competent_unit": _l("Competent unit"),
    "consultation_note": _l("Consultation note"),
    "satisfaction": _l("Satisfaction"),
    "satisfaction_opinion": _l("Opinion"),
}
APPLICANT_KIND_LABELS = {"person": _l("Person"), "organisation": _l("Organisation")}


def state_label(value) -> str:
    return gettext(cs.STATE_LABELS[value]) if value in cs.STATE_LABELS else (value or "")


def class_label(value) -> str:
    return gettext(cs.INTAKE_CLASS_LABELS[value]) if value in cs.INTAKE_CLASS_LABELS else (value or "")


def action_label(value) -> str:
    if value == "intake":
        return gettext("Intake")
    return gettext(cs.ACTION_LABELS[value]) if value in cs.ACTION_LABELS else value


def rating_label(value) -> str:
    return gettext(RATING_LABELS[value]) if value in RATING_LABELS else (value or "")


def clock() -> Clock:
    now = datetime.now(center_zone())
    return Clock(now=now, today=now.date())


# --- Counting pages without counting the table --------------------------------------------
class AtLeast(int):
    """A row count that stopped at its cap: the pager computes with the number, the page
    shows "275+" (FAB's list header prints the count as it is)."""

    def __str__(self) -> str:
        return f"{int(self)}+"


class BoundedCountInterface(SQLAInterface):
    """Counts matching rows only up to a few pages past the current one.

    At a million cases a full COUNT(*) per page view is the slowest part of a list; the pager
    needs to know only that more pages exist. A count that reached the cap is an `AtLeast`.
    """

    pages_ahead = 10

    def __init__(self, obj, session=None, fixed_order=None):
        super().__init__(obj, session)
        self.fixed_order = fixed_order  # a callable giving ORDER BY terms when none is chosen

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        query = self.session.query(self.obj)
        size = page_size or 25
        cap = ((page or 0) + 1 + self.pages_ahead) * size
        filtered = self._apply_inner_all(query, filters, select_columns=select_columns,
                                         aliases_mapping={})
        # Only the key: the filter's columns may then come from one covering index (a clerk's
        # overdue count reads ix_case_window_deadline_state_decided, not the rows; issue #9).
        count = filtered.with_entities(*sa_inspect(self.obj).primary_key).limit(cap).count()
        if count >= cap:
            count = AtLeast(count)
        if self.fixed_order and not order_column:
            rows = filtered.order_by(*self.fixed_order()).limit(size).offset((page or 0) * size).all()
        else:
            rows = self.apply_all(query, filters, order_column, order_direction, page, page_size,
                                  select_columns, outer_default_load).all()
        return count, rows


# --- Deadline filters (CASE-6), evaluated in SQL --------------------------------------------
class _DeadlineFilter(BaseFilter):
    def apply(self, query, value):
        return query.filter(self.condition())


class FilterOverdue(_DeadlineFilter):
    name = _l("Overdue")
    arg_name = "overdue"

    def condition(self):
        return overdue_condition(today())


class FilterOpen(_DeadlineFilter):
    name = _l("Open")
    arg_name = "open"

    def condition(self):
        return Case.state.in_(OPEN_STATES)


class FilterDueSoon(_DeadlineFilter):
    name = _l("Due within the warning period")
    arg_name = "due_soon"

    def condition(self):
        days = setting_value(db.session, "case.due_soon_days")
        return due_soon_condition(today(), request_calendar().add_working_days(today(), days))


# --- Forms ----------------------------------------------------------------------------------
def _select(label, labels: dict, required=True, default=None):
    from app.views.fields import select_field

    field = select_field(label, labels, required=required)
    if default is not None:
        field.kwargs["default"] = default
    return field


def intake_form_class(item: ServiceItem, windows: list[Window]):
    """The intake form of `item`: applicant, class, and one line per required material."""
    fields = {
        "case_class": _select(_l("Case class"), {k: _l(v) for k, v in cs.INTAKE_CLASS_LABELS.items()},
                              default=cs.CLASS_ACCEPTED),
        "applicant_kind": _select(_l("Applicant type"), APPLICANT_KIND_LABELS),
        "applicant_name": StringField(_l("Applicant")),
        "applicant_id_number": StringField(_l("ID number / credit code")),
        "applicant_phone": StringField(_l("Phone")),
        "applicant_address": StringField(_l("Address")),
        "request": TextAreaField(_l("Request")),
        "urgent": BooleanField(_l("Green channel (urgent)")),
        "appointment_at": DateTimeLocalField(_l("Appointment"), format="%Y-%m-%dT%H:%M",
                                             validators=[Optional()]),
        "fee_amount": DecimalField(_l("Fee (yuan)"), places=2, validators=[Optional()]),
        "return_reason": TextAreaField(_l("Return reason")),
        "competent_unit": StringField(_l("Competent unit")),
        "consultation_note": TextAreaField(_l("Consultation note")),
    }
    for material in item.materials:
        fields[f"copies_{material.id}"] = IntegerField(
            material.name, default=0, validators=[Optional(), NumberRange(min=0, max=99)])
        fields[f"defect_{material.id}"] = StringField(_l("To correct"))
    window_choices = [("", "—")] + [(str(w.id), str(w)) for w in windows if w.id != item.window_id]
    for row in (1, 2, 3):
        fields[f"sub_window_{row}"] = SelectField(_l("Participating window"), choices=window_choices,
                                                  validators=[Optional()])
        fields[f"sub_part_{row}"] = StringField(_l("Part"))
        fields[f"sub_days_{row}"] = IntegerField(_l("Limit (working days)"),
                                                 validators=[Optional(), NumberRange(min=0)])
    return type("IntakeForm", (DynamicForm,), fields)


def action_form_class(case: Case, action: str):
    """The few fields an action needs (CASE-5 reason and days, CASE-12 procedure, …)."""
    fields: dict = {}
    materials = case.item.materials
    if action == cs.REQUEST_SUPPLEMENT:
        for m in materials:
            fields[f"ask_{m.id}"] = BooleanField(m.name)
            fields[f"defect_{m.id}"] = StringField(_l("To correct"))
    elif action == cs.RECEIVE_MATERIALS:
        for m in materials:
            fields[f"copies_{m.id}"] = IntegerField(m.name, default=0,
                                                    validators=[Optional(), NumberRange(min=0, max=99)])
    elif action == cs.EXTEND:
        fields["extension_days"] = IntegerField(_l("Extension (working days)"), validators=[Optional()])
        fields["reason"] = TextAreaField(_l("Reason"))
    elif action == cs.SUSPEND:
        fields["procedure"] = StringField(_l("Special procedure"))
        fields["reason"] = TextAreaField(_l("Reason"))
    elif action == cs.RETURN_CASE:
        fields["reason"] = TextAreaField(_l("Return reason"))
    elif action == cs.TRANSFER:
        fields["competent_unit"] = StringField(_l("Competent unit"))
    elif action == cs.DELIVER:
        fields["collector"] = StringField(_l("Collected by"))
        fields["rating"] = SelectField(_l("Satisfaction"),
                                       choices=[("", "—")] + [(k, _l(v)) for k, v in RATING_LABELS.items()],
                                       validators=[Optional()])
        fields["opinion"] = TextAreaField(_l("Opinion"))
    if action == cs.REFUSE:
        # Both asked here too, so the form shows both messages at once; the service still
        # refuses either missing (CASE-4 reason, NEG-1 objection) for the API.
        fields["objected"] = SelectField(
            _l("Applicant still objects after the explanation"),
            choices=[("", "—"), ("yes", _l("Yes")), ("no", _l("No"))],
            validators=[InputRequired(_l("Record whether the applicant still objects after "
                                         "the explanation."))])
        fields["note"] = TextAreaField(_l("Reason for refusal"),
                                       validators=[InputRequired(_l("A refusal needs its reason."))])
    elif action in (cs.APPROVE, cs.FORWARD):
        fields["note"] = TextAreaField(_l("Decision"))
    elif action not in (cs.DELIVER, cs.EXTEND, cs.SUSPEND, cs.RETURN_CASE, cs.TRANSFER):
        fields["note"] = TextAreaField(_l("Note"))
    return type("ActionForm", (DynamicForm,), fields)


def action_params(case: Case, action: str, form) -> dict:
    data = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    if action == cs.REQUEST_SUPPLEMENT:
        return {"materials": [m.id for m in case.item.materials if data.get(f"ask_{m.id}")],
                "defective": {m.id: data[f"defect_{m.id}"] for m in case.item.materials
                              if data.get(f"defect_{m.id}")}}
    if action == cs.RECEIVE_MATERIALS:
        return {"received": {m.id: data.get(f"copies_{m.id}") or 0 for m in case.item.materials}}
    if action == cs.REFUSE:  # unanswered stays None: the service asks for it (NEG-1)
        data["objected"] = {"yes": True, "no": False}.get(data.get("objected"))
    return data


class CaseView(WindowScopedModelView):
    """办件 — the register of cases; clerks and window heads see their own window's (ORG-2)."""

    datamodel = BoundedCountInterface(Case)
    record_name = _l("Case")
    class_permission_name = "Case"
    method_permission_name = {**VIEW_METHOD_PERMISSIONS, "intake": "write", "act": "write",
                              "annotate": "write"}
    base_permissions = ["can_read", "can_write"]
    label_columns = CASE_LABELS
    list_title = _l("Cases")
    edit_title = _l("Edit case")
    list_columns = ["number", "item", "applicant_name", "case_class", "state", "received_at",
                    "deadline", "overdue_days", "urgent"]
    show_fieldsets = [
        (_l("Case"), {"fields": ["number", "case_class", "state", "item", "window", "request",
                                 "urgent", "appointment_at", "fee_amount"]}),
        (_l("Applicant"), {"fields": ["applicant_kind", "applicant_name", "id_number_shown",
                                      "phone_shown", "address_shown"]}),
        (_l("Time limit"), {"fields": ["received_at", "accepted_at", "promised_days", "deadline",
                                       "original_deadline", "overdue_days", "extension_reason",
                                       "suspension_procedure", "suspended_days"]}),
        (_l("Result"), {"fields": ["first_contact", "clerk", "handler", "decided_at",
                                   "decision_note", "applicant_objected", "delivered_at",
                                   "collector_name",
                                   "return_reason", "competent_unit", "consultation_note",
                                   "satisfaction", "satisfaction_opinion"]}),
    ]
    edit_columns = ["applicant_phone", "applicant_address", "request", "urgent", "appointment_at"]
    search_columns = ["number", "item", "state", "case_class", "applicant_name", "received_at",
                      "deadline", "decided_at", "urgent"]
    # Only indexed columns sort: a sort on anything else would scan a million rows.
    order_columns = ["number", "received_at", "deadline"]
    base_order = ("received_at", "desc")
    formatters_columns = {
        "state": state_label, "case_class": class_label, "satisfaction": rating_label,
        "applicant_kind": lambda v: str(APPLICANT_KIND_LABELS.get(v, v or "")),
        "received_at": local_datetime, "accepted_at": local_datetime,
        "decided_at": local_datetime, "delivered_at": local_datetime,
        "appointment_at": local_datetime,
        "urgent": lambda v: gettext("Urgent") if v else "",
        "applicant_objected": lambda v: "" if v is None else yes_no(v),
    }
    show_template = "bianmin/case_show.html"

    def pre_update(self, item):
        """CASE-4: a closed case is not edited, only annotated; PRIV-2 on the phone."""
        if not cs.is_editable(item.state):
            raise ValueError(gettext("A closed case cannot be changed, only annotated."))
        if item.applicant_phone:
            from app.rules.identity import normalize_phone

            try:
                item.applicant_phone = normalize_phone(item.applicant_phone)
            except RuleViolation as violation:
                raise ValueError(violation.render(gettext)) from None

    # --- show with actions, notices, history ------------------------------------------------
    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        case = self._get_scoped(pk)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=self._show(pk),
            related_views=[], case=case, actions=available_actions(case),
            action_label=action_label, state_label=state_label, editable=cs.is_editable(case.state),
            documents=printable_documents(case),
        )

    # --- intake (CASE-1/2) --------------------------------------------------------------------
    @expose("/intake/", methods=["GET", "POST"])
    @has_access
    def intake(self):
        items = self._intake_items()
        item_id = request.values.get("item", type=int)
        item = next((i for i in items if i.id == item_id), None)
        if item is None:
            return self.render_template("bianmin/case_intake_choose.html", items=items,
                                        title=gettext("New case"))
        windows = db.session.scalars(select(Window).where(Window.is_active.is_(True))
                                     .order_by(Window.number)).all()
        form = intake_form_class(item, windows)(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                case = register_intake(db.session, self._intake_from(item, form),
                                       current_actor(), clock())
            if saved.ok:
                flash(gettext("Case %(number)s registered.", number=case.number), "success")
                return redirect(url_for(".show", pk=case.id))
        return self.render_template("bianmin/case_intake.html", form=form, item=item,
                                    title=gettext("New case"))

    def _intake_items(self) -> list[ServiceItem]:
        query = select(ServiceItem).where(ServiceItem.is_active.is_(True)).order_by(ServiceItem.code)
        scope = window_scope()
        if scope is not None:
            query = query.where(ServiceItem.window_id == scope)
        return db.session.scalars(query).all()

    @staticmethod
    def _intake_from(item: ServiceItem, form) -> Intake:
        data = form.data
        appointment = data.get("appointment_at")
        if appointment is not None:
            appointment = appointment.replace(tzinfo=center_zone())
        plans = [SubTaskPlan(window_id=int(data[f"sub_window_{row}"]), part=data.get(f"sub_part_{row}") or "",
                             promised_days=data.get(f"sub_days_{row}") or 0)
                 for row in (1, 2, 3) if data.get(f"sub_window_{row}")]
        return Intake(
            item_id=item.id, case_class=data["case_class"],
            applicant=Applicant(name=data.get("applicant_name") or "",
                                kind=data.get("applicant_kind") or "person",
                                id_number=data.get("applicant_id_number") or None,
                                phone=data.get("applicant_phone") or None,
                                address=data.get("applicant_address") or None),
            received={m.id: data.get(f"copies_{m.id}") or 0 for m in item.materials},
            defective={m.id: data[f"defect_{m.id}"] for m in item.materials if data.get(f"defect_{m.id}")},
            request=data.get("request") or None, urgent=bool(data.get("urgent")),
            appointment_at=appointment, fee_amount=data.get("fee_amount"),
            return_reason=data.get("return_reason") or None,
            competent_unit=data.get("competent_unit") or None,
            consultation_note=data.get("consultation_note") or None, sub_tasks=plans,
        )

    # --- actions (CASE-4) -----------------------------------------------------------------------
    @expose("/act/<int:pk>/<action>", methods=["GET", "POST"])
    @has_access
    def act(self, pk, action):
        case = self._get_scoped(pk)
        if action not in cs.ACTIONS:
            abort(404)
        if action not in available_actions(case):
            flash(gettext("This action is not possible in the case's current state."), "danger")
            return redirect(url_for(".show", pk=pk))
        form = action_form_class(case, action)(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                apply_action(db.session, case, action, current_actor(),
                             clock(), **action_params(case, action, form))
            if saved.ok:
                flash(gettext("%(action)s: done.", action=action_label(action)), "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template("bianmin/case_action.html", form=form, case=case,
                                    action=action, title=action_label(action),
                                    state_label=state_label)

    @expose("/annotate/<int:pk>", methods=["POST"])
    @has_access
    def annotate(self, pk):
        case = self._get_scoped(pk)
        form = DynamicForm(request.form)
        if form.validate():
            with rule_checked() as saved:
                annotate(case, request.form.get("text", ""), current_actor(), clock())
            if saved.ok:
                flash(gettext("Note added."), "success")
        return redirect(url_for(".show", pk=pk))


class CaseQueueView(CaseView):
    """待办队列 — the window's open cases, most urgent first (CASE-8)."""

    route_base = "/casequeue"
    datamodel = BoundedCountInterface(Case, fixed_order=queue_order)
    list_title = _l("Work queue")
    base_filters = CaseView.base_filters + [["deadline", FilterOpen, None]]
    base_order = None
    list_columns = ["number", "item", "applicant_name", "state", "urgent", "appointment_at",
                    "deadline", "overdue_days"]


class OverdueCaseView(CaseView):
    """超期办件 — not decided by the (possibly extended) deadline (CASE-6), computed in SQL."""

    route_base = "/overduecases"
    list_title = _l("Overdue cases")
    base_filters = CaseView.base_filters + [["deadline", FilterOverdue, None]]
    base_order = ("deadline", "asc")


class DueSoonCaseView(CaseView):
    """临期办件 — running cases due within the warning period (CASE-6, rule setting)."""

    route_base = "/duesooncases"
    list_title = _l("Cases due soon")
    base_filters = CaseView.base_filters + [["deadline", FilterDueSoon, None]]
    base_order = ("deadline", "asc")


class ConsultationRegisterView(CaseView):
    """咨询登记簿 — the consultations logged at intake (CASE-2: 咨询件)."""

    route_base = "/consultations"
    list_title = _l("Consultation register")
    base_filters = CaseView.base_filters + [["case_class", FilterEqual, cs.CLASS_CONSULTATION]]
    list_columns = ["number", "received_at", "item", "applicant_name", "consultation_note", "clerk"]


class NoticeViolationView(WindowScopedModelView):
    """一次性告知违规 — a later notice asked for a material the first did not list (NOTICE-1).

    Recorded automatically against the staff member who issued the first notice; the scoring
    (SCORE-M2) reads these rows. Nobody types or edits them.
    """

    datamodel = SQLAInterface(NoticeViolation)
    record_name = _l("One-time notice violation")
    class_permission_name = "NoticeViolation"
    method_permission_name = {"list": "read", "show": "read"}
    base_permissions = ["can_read"]
    list_title = _l("One-time notice violations")
    label_columns = {"case": _l("Case"), "staff": _l("Issued the first notice"),
                     "window": _l("Window"), "material_name": _l("Material not listed first"),
                     "found_on": _l("Found on")}
    list_columns = show_columns = ["found_on", "case", "window", "staff", "material_name"]
    search_columns = ["window", "staff", "found_on"]
    base_order = ("found_on", "desc")


def case_in_scope(pk: int) -> Case:
    """The case `pk` if the user's window may see it (ORG-2), else 404 (for pages that are
    not CaseView's own: print views, refusal reports)."""
    case = db.session.get(Case, pk)
    scope = window_scope()
    if case is None or (scope is not None and case.window_id != scope):
        abort(404)
    return case


# NOTICE-2: which documents a case can print, in the order of its life.
def printable_documents(case: Case) -> list[tuple[str, str]]:
    kinds = {n.kind for n in case.notices}
    docs = []
    if case.accepted_at:
        docs += [("acceptance", gettext("Acceptance notice")), ("receipt", gettext("Materials receipt"))]
    elif case.materials:
        docs.append(("receipt", gettext("Materials receipt")))
    labels = {"one_time": gettext("One-time notice"), "return": gettext("Return notice"),
              "extension": gettext("Extension notice"),
              "special_procedure": gettext("Special procedure notice"),
              "delivery": gettext("Delivery receipt")}
    docs += [(kind, label) for kind, label in labels.items() if kind in kinds]
    from app.services.refusals import report_of

    if report_of(db.session, case.id) is not None:
        docs.append(("refusal_report", gettext("Refusal report")))
    return docs


class CaseSubTaskView(WindowScopedModelView):
    """联办子任务 — the parts of joint cases a participating window handles (CASE-7)."""

    datamodel = SQLAInterface(CaseSubTask)
    record_name = _l("Joint case part")
    class_permission_name = "CaseSubTask"
    method_permission_name = {**VIEW_METHOD_PERMISSIONS, "complete": "write"}
    base_permissions = ["can_read", "can_write"]
    list_title = _l("Joint case parts")
    label_columns = {"case": _l("Case"), "window": _l("Window"), "part": _l("Part"),
                     "promised_days": _l("Limit (working days)"), "deadline": _l("Deadline"),
                     "done_on": _l("Done"), "done_by": _l("Done by"), "note": _l("Note")}
    list_columns = ["case", "window", "part", "deadline", "done_on"]
    show_columns = ["case", "window", "part", "promised_days", "deadline", "done_on", "done_by", "note"]
    search_columns = ["window", "deadline", "done_on"]
    base_order = ("deadline", "asc")
    show_template = "bianmin/subtask_show.html"

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        sub_task = self._get_scoped(pk)
        return self.render_template(self.show_template, pk=pk, title=self.show_title,
                                    widgets=self._show(pk), related_views=[], sub_task=sub_task)

    @expose("/complete/<int:pk>", methods=["POST"])
    @has_access
    def complete(self, pk):
        from app.services.cases import complete_sub_task

        sub_task = self._get_scoped(pk)
        form = DynamicForm(request.form)
        if form.validate():
            with rule_checked() as saved:
                complete_sub_task(sub_task, current_actor(), clock(), request.form.get("note"))
            if saved.ok:
                flash(gettext("Part marked as done."), "success")
        return redirect(url_for(".show", pk=pk))
