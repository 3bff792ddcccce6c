"""办件 views: intake, the case list with its deadline filters, the actions of CASE-4, notes.

The generic FAB add form is replaced by the intake page (one form per item, with the item's
material checklist); the state changes are separate small forms offering only the actions the
transition table allows. Everything goes through app/services/cases.py.
"""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, g, redirect, request, url_for
from markupsafe import Markup, escape
from flask_appbuilder import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext, lazy_gettext as _l, lazy_pgettext as _lp
from wtforms import (BooleanField, DecimalField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.context import (SYSTEM_WHO, center_zone, clock, deadline_marked, deadline_noted,
                         is_system_actor, local_datetime, person, today)
from app.datamodel import BoundedCountInterface, column_checks
from app.extensions import db
from app.request_context import current_actor, request_calendar
from app.rules import case_states as cs
from app.rules import notices as nt
from app.rules.errors import RuleViolation
from app.rules.identity import APPLICANT_NAME_MAX
from app.rules.input import BUSINESS_YEARS, LIMIT_DAYS, validate_day, validate_integer, validate_text
from app.rules.intake import (CLASS_FIELDS, ORGANISATION, PERSON, RATING_LABELS, class_fields,
                               normalize_case_number)
from app.security import (case_scope_condition, may_reach_case, may_see_personal_data,
                          window_scope)
from app.services.case_queries import (OPEN_STATES, due_soon_condition, overdue_condition,
                                       queue_order)
from app.services.case_search import search_cases_by_applicant
from app.services.cases import (CLEAR_APPOINTMENT, Applicant, CaseDetails, Intake,
                                SubTaskPlan, annotate, apply_action, available_actions,
                                complete_sub_task, fee_asked_at_delivery, intake_shortfall,
                                register_intake, still_required, update_case_details)
from app.services.refusals import report_of
from app.services.schedule import RECOMPUTE_DEADLINE
from app.services.settings import setting_value
from app.services.transaction import Conflict, check_version
from app.services import case_queries, catalogue_queries, org_queries
from app.views.choices import choices
from app.views.base import (ColumnBounds, VersionField, WindowScopedModelView, conflict_message, find,
                            rule_checked, yes_no)
from app.views.derived import (CASE_COLUMNS, address_shown, deadline_status, derived_interface,
                               id_number_shown, phone_shown)
from app.views.fields import LabelledForm, MinuteField
from models.cases import Case, CaseSubTask, NoticeMaterial, NoticeViolation
from models.catalogue import ServiceItem
from models.org import Window

CASE_LABELS = {
    "number": _l("Case number"),
    "case_class": _l("Case class"),
    "state": _l("State"),
    "item": _l("Service item"),
    "window": _l("Window"),
    "accepted_on": _l("Accepted on"),
    "decided_on": _l("Decided on"),
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
    "covered_for": _l("AB cover"),  # AB-2
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
    "fee_shown": _l("Fee"),  # CASE-9: the amount collected, or 免收
    "fee_waived": _l("Fee waived"),  # CASE-9: what the audit log calls the column
    "return_reason": _l("Return reason"),
    "competent_unit": _l("Competent unit"),
    "consultation_note": _l("Consultation note"),
    "satisfaction": _l("Satisfaction"),
    "satisfaction_opinion": _l("Opinion"),
}
APPLICANT_KIND_LABELS = {PERSON: _l("Person"), ORGANISATION: _l("Organisation")}
# The routes a view of rule-bearing rows serves besides its own domain pages: FAB's
# generic add/edit/delete (and its single-row action) would write around the rules.
READ_ROUTES = frozenset({"list", "show"})


def state_label(value) -> str:
    return gettext(cs.STATE_LABELS[value]) if value in cs.STATE_LABELS else (value or "")


def class_label(value) -> str:
    return gettext(cs.INTAKE_CLASS_LABELS[value]) if value in cs.INTAKE_CLASS_LABELS else (value or "")


def action_label(value) -> str:
    if value == "intake":
        return gettext("Intake")
    if value == RECOMPUTE_DEADLINE:  # CASE-3: a holiday schedule changed the deadline
        return gettext("Deadline recomputed on the holiday schedule")
    return gettext(cs.ACTION_LABELS[value]) if value in cs.ACTION_LABELS else value


# The colour of a state's badge (Bootstrap 3 label classes); the text says the state too.
STATE_BADGE_CLASSES = {
    cs.CONSULTED: "default", cs.SUPPLEMENT_REQUESTED: "warning", cs.MATERIALS_RECEIVED: "info",
    cs.ACCEPTED: "info", cs.IN_PROGRESS: "primary", cs.EXTENDED: "warning",
    cs.SUSPENDED: "warning", cs.DECIDED_APPROVED: "success", cs.DECIDED_REFUSED: "danger",
    cs.DECIDED_FORWARDED: "success", cs.DELIVERED: "success", cs.CLOSED: "default",
    cs.RETURNED: "danger", cs.TRANSFERRED: "default", cs.WITHDRAWN: "default",
}


def state_badge(value) -> Markup:
    """A state as a coloured badge with its name (lists and the case page, issue #19); drawn
    once per state and request (a list shows a few states on every row; issue #21 P1)."""
    if not value:
        return Markup("")
    badges = g.setdefault("bianmin_state_badges", {})
    if value not in badges:
        badges[value] = _state_badge(value)
    return badges[value]


def _state_badge(value) -> Markup:
    # Issue #21 P1: drawn on every row of a list: an f-string of escaped values, not
    # Markup.format (a string.Formatter pass per badge) — the same markup.
    return Markup(f'<span class="label label-{escape(STATE_BADGE_CLASSES.get(value, "default"))} '
                  f'state-badge" data-state="{escape(value)}">{escape(state_label(value))}</span>')


def rating_label(value) -> str:
    return gettext(RATING_LABELS[value]) if value in RATING_LABELS else (value or "")


def _due_soon_limit():
    """The last day of the due-soon warning period (CASE-6 rule setting), once per request."""
    if "bianmin_due_soon_limit" not in g:
        days = setting_value(db.session, "case.due_soon_days")
        g.bianmin_due_soon_limit = request_calendar().add_working_days(today(), days)
    return g.bianmin_due_soon_limit


def deadline_flagged(value) -> str:
    """A deadline in a list of open cases (issue #19): red once past, amber within the
    warning period (CASE-6), with the words in its title; 暂定 marked as everywhere (CASE-3)."""
    text = deadline_marked(value)
    if value is None:
        return text
    flags = g.get("bianmin_deadline_flags")
    if flags is None:  # today, the warning period's last day, the titles: once per request
        flags = g.bianmin_deadline_flags = (today(), _due_soon_limit(), _flag_titles())
    if value < flags[0]:
        kind = "overdue"
    elif value <= flags[1]:
        kind = "due-soon"
    else:
        return text
    return Markup(f'<span class="deadline-{kind}" title="{flags[2][kind]}" '
                  f'data-deadline-flag="{kind}">{escape(text)}</span>')


def _flag_titles() -> dict:
    """The deadline flags' titles, escaped, once per request (issue #21 P1: a list flags
    many rows)."""
    if "bianmin_flag_titles" not in g:
        g.bianmin_flag_titles = {"overdue": escape(gettext("Overdue")),
                                 "due-soon": escape(gettext("Due within the warning period"))}
    return g.bianmin_flag_titles


# CASE-6 overdue days and PRIV-1 masked personal data: computed per request, not by the model.
CaseInterface = derived_interface(BoundedCountInterface, **CASE_COLUMNS)
CASE_PRELOAD = {"item": ("code", "name")}  # every case list shows it (issue #21)


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
    name = _lp("case", "Open")  # 未办结, not the 查看 of a link
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
# INPUT-1: what a form field may hold is what its column holds (length, NUL, range); an
# appointment lies in this century (issue #9 saved the years 1900 and 9999).
APPOINTMENT_YEARS = ColumnBounds(validate_day, years=BUSINESS_YEARS)
LIMIT_DAYS_BOUNDS = ColumnBounds(validate_integer, bounds=LIMIT_DAYS)


def _case_bounds(column: str) -> list:
    return [ColumnBounds(column_checks(Case)[column])]


def _problem_bounds() -> list:
    return [ColumnBounds(column_checks(NoticeMaterial)["problem"])]


def _plain_select(label, labels: dict, default=None) -> SelectField:
    """A native drop-down (no Select2): it changes the intake's class fields as it is moved
    with the keyboard, and the page's small script hears its `change` event."""
    return SelectField(label, choices=choices(labels), default=default, coerce=str,
                       validators=[InputRequired()])


class ApplicantSearchForm(DynamicForm):
    """Issue #19: one box for the applicant's whole name, phone or whole ID number (not saved
    anywhere)."""

    query = StringField(_l("Applicant name, phone or ID number"),
                        validators=[InputRequired(_l("Enter the applicant's name, phone number "
                                                     "or whole ID number.")),
                                    Length(max=APPLICANT_NAME_MAX)])


def intake_form_class(item: ServiceItem, windows: list[Window]):
    """The intake form of `item`: applicant, class, the class's own fields and the material
    checklist (received, copies, what to correct), CASE-1/2, NOTICE-1. The fee starts at the
    item's published fee (CASE-9)."""
    fields = {
        "case_class": _plain_select(_l("Case class"),
                                    {k: _l(v) for k, v in cs.INTAKE_CLASS_LABELS.items()},
                                    default=cs.CLASS_ACCEPTED),
        "applicant_kind": _plain_select(_l("Applicant type"), APPLICANT_KIND_LABELS,
                                        default=PERSON),
        "applicant_name": StringField(_l("Applicant"), validators=_case_bounds("applicant_name")),
        "applicant_id_number": StringField(_l("ID number / credit code"),
                                           validators=_case_bounds("applicant_id_number")),
        "applicant_phone": StringField(_l("Phone"), validators=_case_bounds("applicant_phone")),
        "applicant_address": StringField(_l("Address"), validators=_case_bounds("applicant_address")),
        "request": TextAreaField(_l("Request"), validators=_case_bounds("request")),
        "urgent": BooleanField(_l("Green channel (urgent)")),
        "appointment_at": MinuteField(_l("Appointment"), validators=[Optional(), APPOINTMENT_YEARS]),
        "fee_amount": DecimalField(_l("Fee (yuan)"), places=2,
                                   default=item.fee_standard if item.published_fees else None,
                                   validators=[Optional(), *_case_bounds("fee_amount")]),
        "return_reason": TextAreaField(_l("Return reason"), validators=_case_bounds("return_reason")),
        "competent_unit": StringField(_l("Competent unit"), validators=_case_bounds("competent_unit")),
        "consultation_note": TextAreaField(_l("Consultation note"),
                                           validators=_case_bounds("consultation_note")),
    }
    for material in item.materials:
        fields[f"received_{material.id}"] = BooleanField(material.name)
        fields[f"copies_{material.id}"] = IntegerField(
            _l("Copies received"), validators=[Optional(), NumberRange(min=0, max=99)])
        fields[f"defect_{material.id}"] = StringField(_l("To correct"), validators=_problem_bounds())
    window_choices = [("", "—")] + [(str(w.id), str(w)) for w in windows if w.id != item.window_id]
    for row in (1, 2, 3):
        fields[f"sub_window_{row}"] = SelectField(_l("Participating window"), choices=window_choices,
                                                  validators=[Optional()])
        fields[f"sub_part_{row}"] = StringField(_l("Part"), validators=[
            ColumnBounds(column_checks(CaseSubTask)["part"])])
        fields[f"sub_days_{row}"] = IntegerField(_l("Limit (working days)"),
                                                 validators=[Optional(), LIMIT_DAYS_BOUNDS])
    return type("IntakeForm", (LabelledForm,), fields)


def received_copies(material, ticked: bool, copies: int | None) -> int:
    """The checklist line of one material: the copies typed, else the required copies when
    it is ticked as received, else none."""
    if copies:
        return copies
    return material.copies if ticked else 0


def intake_field_classes() -> dict[str, str]:
    """CASE-2: for each class-dependent part of the intake form, the classes that ask for it
    (space-separated, for the page's `data-for-classes`)."""
    parts = sorted({name for names in CLASS_FIELDS.values() for name in names})
    return {part: " ".join(c for c in cs.INTAKE_CLASSES if part in CLASS_FIELDS[c])
            for part in parts}


def action_form_class(case: Case, action: str):
    """The few fields an action needs (CASE-5 reason and days, CASE-12 procedure, …)."""
    fields: dict = {}
    materials = case.item.materials
    if action == cs.REQUEST_SUPPLEMENT:
        for m in materials:
            fields[f"ask_{m.id}"] = BooleanField(m.name)
            # Issue #19 (axe label-title-only / one name for many boxes): each box says whose
            # defect it holds, read alone by a screen reader as in the row under the tick box.
            fields[f"defect_{m.id}"] = StringField(_l("To correct: %(material)s", material=m.name),
                                                   validators=_problem_bounds())
    elif action == cs.RECEIVE_MATERIALS:
        for m in materials:
            fields[f"copies_{m.id}"] = IntegerField(m.name, default=0,
                                                    validators=[Optional(), NumberRange(min=0, max=99)])
    elif action == cs.EXTEND:
        fields["extension_days"] = IntegerField(_l("Extension (working days)"),
                                                validators=[Optional(), LIMIT_DAYS_BOUNDS])
        fields["reason"] = TextAreaField(_l("Reason"), validators=_case_bounds("extension_reason"))
    elif action == cs.SUSPEND:
        fields["procedure"] = StringField(_l("Special procedure"),
                                          validators=_case_bounds("suspension_procedure"))
        fields["reason"] = TextAreaField(_l("Reason"), validators=_case_bounds("suspension_reason"))
    elif action == cs.RETURN_CASE:
        fields["reason"] = TextAreaField(_l("Return reason"), validators=_case_bounds("return_reason"))
    elif action == cs.TRANSFER:
        fields["competent_unit"] = StringField(_l("Competent unit"),
                                               validators=_case_bounds("competent_unit"))
    elif action == cs.DELIVER:
        fields["collector"] = StringField(_l("Collected by"), validators=_case_bounds("collector_name"))
        fields["rating"] = SelectField(_l("Satisfaction"),
                                       choices=[("", "—")] + [(k, _l(v)) for k, v in RATING_LABELS.items()],
                                       validators=[Optional()])
        fields["opinion"] = TextAreaField(_l("Opinion"), validators=_case_bounds("satisfaction_opinion"))
        if fee_asked_at_delivery(case):  # CASE-9: the item charges; 0 records a waived fee
            fields["fee_amount"] = DecimalField(
                _l("Fee collected (yuan)"), places=2,
                default=(case.fee_amount if case.fee_amount is not None
                         else Decimal(0) if case.fee_waived else case.item.fee_standard),
                validators=[InputRequired(_l("This item charges a fee: enter the fee collected "
                                             "(0 if it was waived).")),
                            *_case_bounds("fee_amount")])
    if action == cs.REFUSE:
        # Both asked here too, so the form shows both messages at once; the service still
        # refuses either missing (CASE-4 reason, NEG-1 objection) for the API.
        fields["objected"] = SelectField(
            _l("Applicant still objects after the explanation"),
            choices=[("", "—"), ("yes", _l("Yes")), ("no", _l("No"))],
            validators=[InputRequired(_l("Record whether the applicant still objects after "
                                         "the explanation."))])
        fields["note"] = TextAreaField(_l("Reason for refusal"),
                                       validators=[InputRequired(_l("A refusal needs its reason.")),
                                                   *_case_bounds("decision_note")])
    elif action in (cs.APPROVE, cs.FORWARD):
        fields["note"] = TextAreaField(_l("Decision"), validators=_case_bounds("decision_note"))
    elif action not in cs.ACTIONS_WITH_OWN_TEXT:
        fields["note"] = TextAreaField(_l("Note"), validators=_case_bounds("decision_note"))
    # The case's version the form was opened with (issue #9): a second clerk submitting the
    # same action after the first gets "reload", not a second transition.
    fields["version"] = VersionField(default=case.version)
    return type("ActionForm", (DynamicForm,), fields)


def action_params(case: Case, action: str, form) -> dict:
    data = {name: field.data for name, field in form._fields.items()
            if name not in ("csrf_token", "version")}
    if action == cs.REQUEST_SUPPLEMENT:
        return {"materials": [m.id for m in case.item.materials if data.get(f"ask_{m.id}")],
                "defective": {m.id: data[f"defect_{m.id}"] for m in case.item.materials
                              if data.get(f"defect_{m.id}")}}
    if action == cs.RECEIVE_MATERIALS:
        return {"received": {m.id: data.get(f"copies_{m.id}") or 0 for m in case.item.materials}}
    if action == cs.REFUSE:  # unanswered stays None: the service asks for it (NEG-1)
        data["objected"] = {"yes": True, "no": False}.get(data.get("objected"))
    return data


def details_form_class(personal: bool, version: int):
    """CASE-4: the details a case may still change; the applicant's phone and address only
    for a user who may see them in full (PRIV-1), the others see them masked, read-only.
    The form carries the case's version it was opened with (issue #9: no lost update)."""
    fields: dict = {"version": VersionField(default=version)}
    if personal:
        fields["applicant_phone"] = StringField(_l("Phone"), validators=_case_bounds("applicant_phone"))
        fields["applicant_address"] = StringField(_l("Address"),
                                                  validators=_case_bounds("applicant_address"))
    fields["request"] = TextAreaField(_l("Request"), validators=_case_bounds("request"))
    fields["urgent"] = BooleanField(_l("Green channel (urgent)"))
    fields["appointment_at"] = MinuteField(_l("Appointment"), validators=[Optional(), APPOINTMENT_YEARS])
    return type("CaseDetailsForm", (DynamicForm,), fields)


def details_of(case: Case, personal: bool) -> dict:
    """The form's starting values: the case as it stands, the appointment on the center's clock."""
    appointment = case.appointment_at
    data = {"request": case.request or "", "urgent": case.urgent,
            "appointment_at": appointment.astimezone(center_zone()).replace(tzinfo=None)
            if appointment else None}
    if personal:
        data.update(applicant_phone=case.applicant_phone or "",
                    applicant_address=case.applicant_address or "")
    return data


def details_from_form(form, personal: bool) -> CaseDetails:
    data = form.data
    appointment = data.get("appointment_at")
    changes = CaseDetails(
        request=data.get("request") or "", urgent=bool(data.get("urgent")),
        appointment_at=appointment.replace(tzinfo=center_zone()) if appointment
        else CLEAR_APPOINTMENT)
    if personal:  # PRIV-1: a masked value is never written back
        changes.applicant_phone = data.get("applicant_phone") or ""
        changes.applicant_address = data.get("applicant_address") or ""
    return changes


def _posted_defects(item: ServiceItem, form) -> dict[int, str]:
    """The defect notes typed on the checklist (shown in the shortfall box, NOTICE-1)."""
    return {m.id: (form[f"defect_{m.id}"].data or "").strip() for m in item.materials
            if (form[f"defect_{m.id}"].data or "").strip()}


def _opened_before_a_change(case: Case) -> bool:
    """The posted action form carries an older version of the case than the current one."""
    try:
        check_version(case, request.form.get("version"))
    except Conflict:
        return True
    return False


class CaseListWidget(ListWidget):
    """FAB's list with a class per column on every cell (issue #19: lists that never wrap)."""

    template = "bianmin/widgets/case_list.html"


class CaseView(WindowScopedModelView):
    """办件 — the register of cases; clerks and window heads see their own window's (ORG-2)."""

    list_widget = CaseListWidget

    datamodel = CaseInterface(Case, preload=CASE_PRELOAD, value_rows=True)
    record_name = _l("Case")
    class_permission_name = "Case"
    # CASE-4: a case is written only by the domain's own pages (intake, act, annotate,
    # details), never by FAB's generic add/edit/delete — not even for Admin. Without "add",
    # "edit" and "delete" in the map FAB also hides the "+", edit and delete buttons.
    method_permission_name = {"list": "read", "show": "read", "find": "read", "intake": "write",
                              "act": "write", "annotate": "write", "details": "write",
                              "applicant": "read"}
    include_route_methods = {"list", "show", "find", "intake", "act", "annotate", "details",
                             "applicant"}
    base_permissions = ["can_read", "can_write"]
    label_columns = CASE_LABELS
    list_title = _l("Cases")
    edit_title = _l("Edit case")
    list_columns = ["number", "item", "applicant_name", "case_class", "state", "received_at",
                    "deadline", "overdue_days", "urgent"]
    show_fieldsets = [
        (_l("Case"), {"fields": ["number", "case_class", "state", "item", "window", "request",
                                 "urgent", "appointment_at", "fee_shown"]}),
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
    # window, accepted_on, decided_on, satisfaction: the dashboards' figures open this list
    # filtered by them (issue #12, app/views/dashboard.py).
    # Issue #19, PRIV-1: no applicant name here — finding a person's cases by name is the
    # applicant search (one box, audited, the name never in a URL), not an unaudited filter.
    search_columns = ["number", "item", "state", "case_class", "received_at",
                      "deadline", "decided_at", "urgent", "window", "accepted_on", "decided_on",
                      "satisfaction"]
    # Only indexed columns sort: a sort on anything else would scan a million rows.
    order_columns = ["number", "received_at", "deadline"]
    base_order = ("received_at", "desc")
    formatters_columns = {
        "state": state_badge, "case_class": class_label, "satisfaction": rating_label,
        "applicant_kind": lambda v: str(APPLICANT_KIND_LABELS.get(v, v or "")),
        "received_at": local_datetime, "accepted_at": local_datetime,
        "decided_at": local_datetime, "delivered_at": local_datetime,
        "appointment_at": local_datetime,
        "urgent": lambda v: gettext("Urgent") if v else "",
        "applicant_objected": lambda v: "" if v is None else yes_no(v),
        # Calendar / CASE-3: a deadline in a year without the official schedule is 暂定.
        "deadline": deadline_marked, "original_deadline": deadline_marked,
    }
    show_formatters_columns = {"deadline": deadline_noted, "original_deadline": deadline_noted}
    show_template = "bianmin/case_show.html"
    list_template = "bianmin/case_list.html"

    # --- show: header, stages, actions, details, timeline (issue #19) ------------------------
    # In the header, so not repeated among the details.
    HEADER_COLUMNS = frozenset({"number", "state", "item", "case_class", "deadline", "window"})

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        row = self._case_for_page(pk)
        case = row.Case
        history = case_queries.case_history(db.session, case.id)
        notices = case_queries.case_notices(db.session, case.id)
        # CASE-7: a joint case's parts, listed and holding its decision back; intake gives no
        # other case parts, so no other case reads them.
        parts = case_queries.case_parts(db.session, case.id) if case.is_joint else []
        actions = available_actions(case, parts)
        forward, aside = cs.split_actions(actions)
        documents = printable_documents(
            case, has_materials=any(e.source == case_queries.MATERIAL for e in history),
            report_filed=row.report_filed, notices=notices)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, related_views=[], case=case,
            item_name=row.item_name, window_label=row.window_label, notices=notices,
            sub_tasks=parts,
            actions=actions, forward_actions=forward, aside_actions=aside,
            action_label=action_label, state_label=state_label, state_badge=state_badge,
            class_label=class_label, editable=cs.is_editable(case.state), documents=documents,
            # NEG-1: a refused case's report; CASE-4: details change until the case is closed.
            offers_refusal_report=any(e.source == case_queries.TRANSITION
                                      and e.action == cs.REFUSE for e in history)
            and self.appbuilder.sm.has_access("can_write", "RefusalReport"),
            offers_details=cs.is_editable(case.state)
            and self.appbuilder.sm.has_access("can_write", "Case"),
            details=self._details(case, {column: getattr(row, column)
                                         for column in self.STAFF_COLUMNS}),
            status=deadline_status(case),
            stage=cs.case_stage(case.state, accepted=case.accepted_at is not None,
                                decided=case.decided_at is not None,
                                delivered=case.delivered_at is not None),
            stage_labels=[gettext(label) for label in cs.STAGE_LABELS],
            timeline=case_timeline(case, history, notices,
                                   {kind for kind, _label in documents}),
        )

    def _case_for_page(self, pk):
        """The row of case_queries.CASE_PAGE for case `pk` (the case, its item's and window's
        labels, its staff's names, whether its refusal report is filed) through this view's
        row filters (ORG-2, AB-2), as FAB's `get` reads it; 404 when they hold it back or `pk`
        is no number."""
        try:
            case_id = int(pk)  # FAB's FilterEqual on the integer key
        except (TypeError, ValueError):
            abort(404)
        row = case_queries.case_page_row(db.session, case_id, self._base_filters.apply_all)
        if row is None:
            abort(404)
        return row

    # The Result fieldset's staff: their names come with the case (CASE_PAGE).
    STAFF_COLUMNS = ("first_contact", "clerk", "handler")

    def _details(self, case: Case, staff: dict) -> list[tuple[str, list[tuple[str, object]]]]:
        """The show fieldsets with only the fields that hold something (issue #19: an empty
        row says nothing), formatted as the lists format them (PRIV-1 masks included);
        `staff` the names of STAFF_COLUMNS (None: nobody)."""
        formatters = {**self.formatters_columns, **self.show_formatters_columns}
        derived = self.datamodel.derived  # as FAB reads a column (no method or Enum column here)
        shown = []
        for label, spec in self.show_fieldsets:
            rows = []
            for column in spec["fields"]:
                if column in self.HEADER_COLUMNS:
                    continue
                if column in staff:
                    if staff[column] is not None:
                        rows.append((str(self.label_columns.get(column, column)), staff[column]))
                    continue
                raw = derived[column](case) if column in derived else getattr(case, column)
                if raw is None or raw == "" or (raw is False and column != "applicant_objected") \
                        or (raw == 0 and column != "promised_days" and not isinstance(raw, bool)):
                    continue
                value = formatters[column](raw) if column in formatters else raw
                if value is None or value == "":
                    continue
                rows.append((str(self.label_columns.get(column, column)), value))
            if rows:
                shown.append((str(label), rows))
        return shown

    # --- finding an applicant's cases (issue #19, PRIV-1/2, ORG-2) ---------------------------
    @expose("/applicant/", methods=["GET", "POST"])
    @has_access
    def applicant(self):
        """The cases of one applicant, found by the whole name, the whole ID number or the phone.

        A POST, so what was typed never stands in a URL (access logs, browser history: PRIV-1);
        the rows are the user's own (ORG-2 own window, AB-2 cover) and show personal data
        masked where the user may not see it."""
        form = ApplicantSearchForm(request.form if request.method == "POST" else None)
        cases, more = None, False
        if request.method == "POST" and form.validate():
            try:
                search = search_cases_by_applicant(db.session, form.query.data,
                                                   case_scope_condition())
            except RuleViolation as error:
                form.query.errors.append(error.render(gettext))
            else:
                cases, more = search.cases, search.more
                # PRIV-1: the hits show the number as the user may see it (masked or not);
                # the box does not keep it in full on the page. After an error it stays, to fix.
                form.query.data = ""
        return self.render_template(
            "bianmin/case_applicant.html", form=form, cases=cases, more=more,
            limit=case_queries.APPLICANT_SEARCH_LIMIT, title=gettext("Find cases by applicant"),
            state_label=state_label, id_number_shown=id_number_shown, phone_shown=phone_shown,
            local_datetime=local_datetime, deadline_marked=deadline_marked)

    # --- the header's case-number box (issue #19) -------------------------------------------
    @expose("/find")
    @has_access
    def find(self):
        """Open the case whose number was typed in the header: CASE-1's forgiving spelling
        (lower case, blanks, missing leading zeros), then the row filters (ORG-2, AB-2) — a
        case outside the user's scope answers exactly like a number that does not exist."""
        typed = (request.args.get("number") or "")[:40].strip()
        try:
            number = normalize_case_number(typed)
        except ValueError:
            number = None
        pk = case_queries.case_id_by_number(db.session, number) if number else None
        if pk is not None and self.datamodel.get(pk, self._base_filters) is not None:
            return redirect(url_for("CaseView.show", pk=pk))
        if not typed:
            flash(gettext("Enter the case number."), "warning")
        elif number is None:
            flash(gettext("“%(typed)s” is not a case number; it reads like BC-2026-000123.",
                          typed=typed), "warning")
        else:
            flash(gettext("No case %(number)s among the cases you may see.", number=number),
                  "warning")
        return redirect(url_for("CaseView.list"))

    # --- details changed after intake (CASE-4, PRIV-1/2) ------------------------------------
    @expose("/details/<int:pk>", methods=["GET", "POST"])
    @has_access
    def details(self, pk):
        case = self._get_scoped(pk)
        if request.method == "GET" and not cs.is_editable(case.state):
            flash(gettext("A closed case cannot be changed, only annotated."), "danger")
            return redirect(url_for(".show", pk=pk))
        personal = may_see_personal_data(case=case)
        form_class = details_form_class(personal, case.version)
        if request.method == "POST":
            form = form_class(request.form)
        else:
            form = form_class(data=details_of(case, personal))
        if request.method == "POST" and form.validate():
            if _opened_before_a_change(case):
                flash(conflict_message(), "danger")  # issue #9: someone else saved first
                return redirect(url_for(".details", pk=pk))
            with rule_checked(form) as saved:
                update_case_details(db.session, case, details_from_form(form, personal),
                                    current_actor())
            if saved.ok:
                flash(gettext("Case details saved."), "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template("bianmin/case_details.html", form=form, case=case,
                                    personal=personal, title=self.edit_title,
                                    state_label=state_label, phone_shown=phone_shown,
                                    address_shown=address_shown)

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
        windows = org_queries.windows(db.session)
        form = intake_form_class(item, windows)(request.form if request.method == "POST" else None)
        shortfall = []
        if request.method == "POST" and form.validate():
            intake = self._intake_from(item, form)
            # NOTICE-1: the one action of the shortfall box registers what came as a 补充件
            # whose one-time notice lists exactly the missing and defective materials.
            as_supplement = request.form.get("as_supplement") == "1"
            if as_supplement:
                form.case_class.data = cs.CLASS_SUPPLEMENT
                intake = self._intake_from(item, form)
            if intake.case_class in (cs.CLASS_ACCEPTED, cs.CLASS_JOINT):
                shortfall = intake_shortfall(item, intake.received, intake.defective)
            if not shortfall:
                with rule_checked(form) as saved:
                    case = register_intake(db.session, intake, current_actor(), clock())
                if saved.ok:
                    flash(gettext("Case %(number)s registered.", number=case.number), "success")
                    if as_supplement:
                        return redirect(url_for("CasePrintView.document", pk=case.id,
                                                kind=nt.ONE_TIME))
                    return redirect(url_for(".show", pk=case.id))
        return self.render_template(
            "bianmin/case_intake.html", form=form, item=item, title=gettext("New case"),
            shortfall=shortfall, defects=_posted_defects(item, form),
            field_classes=intake_field_classes(),
            class_labels={k: gettext(v) for k, v in cs.INTAKE_CLASS_LABELS.items()})

    def _intake_items(self) -> list[ServiceItem]:
        return catalogue_queries.intake_items(db.session, window_scope())

    @staticmethod
    def _intake_from(item: ServiceItem, form) -> Intake:
        """The Intake the form describes; a value of a field the chosen class does not ask
        for (CASE-2, shown and ignored without script) is not kept."""
        data = form.data
        asked = class_fields(data["case_class"])
        appointment = data.get("appointment_at")
        if appointment is not None:
            appointment = appointment.replace(tzinfo=center_zone())
        plans = [SubTaskPlan(window_id=int(data[f"sub_window_{row}"]), part=data.get(f"sub_part_{row}") or "",
                             promised_days=data.get(f"sub_days_{row}") or 0)
                 for row in (1, 2, 3) if data.get(f"sub_window_{row}")] if "sub_tasks" in asked else []
        materials = "materials" in asked

        def kept(name):
            return (data.get(name) or None) if name in asked else None

        return Intake(
            item_id=item.id, case_class=data["case_class"],
            applicant=Applicant(name=data.get("applicant_name") or "",
                                kind=data.get("applicant_kind") or PERSON,
                                id_number=data.get("applicant_id_number") or None,
                                phone=data.get("applicant_phone") or None,
                                address=data.get("applicant_address") or None),
            received={m.id: received_copies(m, data.get(f"received_{m.id}"), data.get(f"copies_{m.id}"))
                      for m in item.materials} if materials else {},
            defective={m.id: data[f"defect_{m.id}"].strip() for m in item.materials
                       if (data.get(f"defect_{m.id}") or "").strip()} if materials else {},
            request=data.get("request") or None, urgent=bool(data.get("urgent")),
            appointment_at=appointment,
            fee_amount=data.get("fee_amount") if "fee_amount" in asked else None,
            return_reason=kept("return_reason"), competent_unit=kept("competent_unit"),
            consultation_note=kept("consultation_note"), sub_tasks=plans,
        )

    # --- actions (CASE-4) -----------------------------------------------------------------------
    @expose("/act/<int:pk>/<action>", methods=["GET", "POST"])
    @has_access
    def act(self, pk, action):
        case = self._get_scoped(pk)
        if action not in cs.ACTIONS:
            abort(404)
        if action not in available_actions(case):
            if request.method == "POST" and _opened_before_a_change(case):
                flash(conflict_message(), "danger")  # issue #9: another clerk acted first
            else:
                flash(gettext("This action is not possible in the case's current state."), "danger")
            return redirect(url_for(".show", pk=pk))
        form = action_form_class(case, action)(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                check_version(case, form.version.data)
                apply_action(db.session, case, action, current_actor(),
                             clock(), **action_params(case, action, form))
            if saved.ok:
                flash(gettext("%(action)s: done.", action=action_label(action)), "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template("bianmin/case_action.html", form=form, case=case,
                                    action=action, title=action_label(action),
                                    state_label=state_label,
                                    still=still_required(case)
                                    if action == cs.RECEIVE_MATERIALS else [])

    @expose("/annotate/<int:pk>", methods=["POST"])
    @has_access
    def annotate(self, pk):
        case = self._get_scoped(pk)
        form = DynamicForm(request.form)
        if form.validate():
            with rule_checked() as saved:
                text = validate_text(request.form.get("text", ""), None, "text")  # INPUT-1
                annotate(case, text, current_actor(), clock())
            if saved.ok:
                flash(gettext("Note added."), "success")
        return redirect(url_for(".show", pk=pk))


class CaseQueueView(CaseView):
    """待办队列 — the window's open cases, most urgent first (CASE-8)."""

    # Issue #19: these lists hold open cases only, so a past deadline means overdue.
    formatters_columns = {**CaseView.formatters_columns, "deadline": deadline_flagged}
    include_route_methods = READ_ROUTES  # the actions live on CaseView alone
    route_base = "/casequeue"
    datamodel = CaseInterface(Case, fixed_order=queue_order, preload=CASE_PRELOAD,
                              value_rows=True)
    list_title = _l("Work queue")
    base_filters = CaseView.base_filters + [["deadline", FilterOpen, None]]
    base_order = None
    list_columns = ["number", "item", "applicant_name", "state", "urgent", "appointment_at",
                    "deadline", "overdue_days", "covered_for"]


class OverdueCaseView(CaseView):
    """超期办件 — not decided by the (possibly extended) deadline (CASE-6), computed in SQL."""

    # Issue #19: these lists hold open cases only, so a past deadline means overdue.
    formatters_columns = {**CaseView.formatters_columns, "deadline": deadline_flagged}
    include_route_methods = READ_ROUTES  # the actions live on CaseView alone
    route_base = "/overduecases"
    list_title = _l("Overdue cases")
    base_filters = CaseView.base_filters + [["deadline", FilterOverdue, None]]
    base_order = ("deadline", "asc")


class DueSoonCaseView(CaseView):
    """临期办件 — running cases due within the warning period (CASE-6, rule setting)."""

    # Issue #19: these lists hold open cases only, so a past deadline means overdue.
    formatters_columns = {**CaseView.formatters_columns, "deadline": deadline_flagged}
    include_route_methods = READ_ROUTES  # the actions live on CaseView alone
    route_base = "/duesooncases"
    list_title = _l("Cases due soon")
    base_filters = CaseView.base_filters + [["deadline", FilterDueSoon, None]]
    base_order = ("deadline", "asc")


class ConsultationRegisterView(CaseView):
    """咨询登记簿 — the consultations logged at intake (CASE-2: 咨询件)."""

    include_route_methods = READ_ROUTES  # the actions live on CaseView alone
    route_base = "/consultations"
    list_title = _l("Consultation register")
    base_filters = CaseView.base_filters + [["case_class", FilterEqual, cs.CLASS_CONSULTATION]]
    list_columns = ["number", "received_at", "item", "applicant_name", "consultation_note", "clerk"]
    # Its rows as values too, with the receiving clerk's name (app/value_rows.py).
    datamodel = CaseInterface(Case, preload={**CASE_PRELOAD, "clerk": ("name",)},
                              value_rows=True)


class NoticeViolationView(WindowScopedModelView):
    """一次性告知违规 — a later notice asked for a material the first did not list (NOTICE-1).

    Recorded automatically against the staff member who issued the first notice; the scoring
    (SCORE-M2) reads these rows. Nobody types or edits them.
    """

    datamodel = SQLAInterface(NoticeViolation)
    record_name = _l("One-time notice violation")
    class_permission_name = "NoticeViolation"
    method_permission_name = {"list": "read", "show": "read"}
    include_route_methods = READ_ROUTES
    base_permissions = ["can_read"]
    list_title = _l("One-time notice violations")
    label_columns = {"case": _l("Case"), "staff": _l("Issued the first notice"),
                     "window": _l("Window"), "material_name": _l("Material not listed first"),
                     "found_on": _l("Found on")}
    list_columns = show_columns = ["found_on", "case", "window", "staff", "material_name"]
    search_columns = ["window", "staff", "found_on"]
    base_order = ("found_on", "desc")


def case_in_scope(pk: int) -> Case:
    """The case `pk` if the user's window may see it (ORG-2) or the user covers it (AB-2), else 404 (for pages that are
    not CaseView's own: print views, refusal reports)."""
    case = find(Case, pk)
    if case is None or not may_reach_case(case):  # AB-2: B reaches the cases B covers too
        abort(404)
    return case


DOCUMENT_LABELS = {
    nt.ACCEPTANCE: _l("Acceptance notice"), nt.RECEIPT: _l("Materials receipt"),
    nt.ONE_TIME: _l("One-time notice"), nt.RETURN: _l("Return notice"),
    nt.EXTENSION: _l("Extension notice"), nt.SPECIAL_PROCEDURE: _l("Special procedure notice"),
    nt.DELIVERY: _l("Delivery receipt"), nt.REFUSAL_REPORT: _l("Refusal report"),
}


def printable_documents(case: Case, has_materials: bool | None = None,
                        report_filed: bool | None = None,
                        notices: list | None = None) -> list[tuple[str, str]]:
    """NOTICE-2: the documents the case can print (app.rules.notices decides), with labels;
    whether it has materials, its refusal report (NEG-1) and its notices read here unless
    given."""
    if has_materials is None:
        has_materials = bool(case.materials)
    if report_filed is None:
        report_filed = report_of(db.session, case.id) is not None
    kinds = nt.printable_documents(case.accepted_at is not None, has_materials,
                                   {n.kind for n in (case.notices if notices is None else notices)},
                                   report_filed)
    return [(kind, str(DOCUMENT_LABELS[kind])) for kind in kinds]


def _who(username: str | None, staff_name: str | None) -> str:
    """Issue #20 as `person` shows a login name, given its Staff name read with the row."""
    if staff_name:
        return staff_name
    if is_system_actor(username):
        return str(SYSTEM_WHO)
    return username or ""


def case_timeline(case: Case, history: list, notices: list, printable: set[str]) -> list[dict]:
    """The case's one timeline (issue #19): its transitions (CASE-4), notices with a reprint
    link when the case can still print them (NOTICE-2), materials received and notes, oldest
    first; at one instant the transition comes before what it issued or received.
    `history` is case_queries.case_history (transitions, materials and notes, with names),
    `notices` case_queries.case_notices; each kind comes in id order, and the sort keeps it."""
    entries = []
    for row in history:
        if row.source == case_queries.TRANSITION:
            entries.append({"at": row.at, "order": 0, "kind": "transition",
                            "title": action_label(row.action), "state": row.to_state,
                            "user": _who(row.username, row.staff_name), "text": row.text or ""})
        elif row.source == case_queries.MATERIAL:
            if row.at is not None:
                entries.append({"at": row.at, "order": 2, "kind": "material",
                                "title": gettext("Material received"),
                                "text": gettext("%(name)s × %(copies)s", name=row.text,
                                                copies=row.copies)})
        else:
            entries.append({"at": row.at, "order": 3, "kind": "note", "title": gettext("Note"),
                            "user": _who(row.username, row.staff_name), "text": row.text})
    for n in notices:
        entries.append({"at": n.issued_at, "order": 1, "kind": "notice",
                        "title": str(DOCUMENT_LABELS.get(n.kind, n.kind)),
                        "text": "、".join(m.name + (f"（{m.problem}）" if m.problem else "")
                                         for m in n.materials) or (n.text or ""),
                        "url": url_for("CasePrintView.document", pk=case.id, kind=n.kind,
                                       notice=n.id) if n.kind in printable else None})
    return sorted(entries, key=lambda e: (e["at"], e["order"]))


class CaseSubTaskView(WindowScopedModelView):
    """联办子任务 — the parts of joint cases a participating window handles (CASE-7)."""

    datamodel = SQLAInterface(CaseSubTask)
    record_name = _l("Joint case part")
    class_permission_name = "CaseSubTask"
    # CASE-7: parts are planned at intake and completed here; no generic add/edit/delete.
    method_permission_name = {"list": "read", "show": "read", "complete": "write"}
    include_route_methods = READ_ROUTES | {"complete"}
    base_permissions = ["can_read", "can_write"]
    list_title = _l("Joint case parts")
    label_columns = {"case": _l("Case"), "window": _l("Window"), "part": _l("Part"),
                     "promised_days": _l("Limit (working days)"), "deadline": _l("Deadline"),
                     "done_on": _l("Done"), "done_by": _l("Done by"), "note": _l("Note")}
    list_columns = ["case", "window", "part", "deadline", "done_on"]
    show_columns = ["case", "window", "part", "promised_days", "deadline", "done_on", "done_by", "note"]
    formatters_columns = {"deadline": deadline_marked}  # Calendar / CASE-3
    show_formatters_columns = {"deadline": deadline_noted, "done_by": person}  # issue #20: a name
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
        sub_task = self._get_scoped(pk)
        form = DynamicForm(request.form)
        if form.validate():
            with rule_checked() as saved:
                note = validate_text(request.form.get("note"), None, "note")  # INPUT-1
                complete_sub_task(sub_task, current_actor(), clock(), note)
            if saved.ok:
                flash(gettext("Part marked as done."), "success")
        return redirect(url_for(".show", pk=pk))
