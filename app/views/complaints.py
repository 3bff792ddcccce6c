"""投诉 views: record a complaint, answer it, decide its outcome, confirm the escalation;
the open and overdue complaints (COMP-1..5).

Resource "Complaint": Office and Leadership (and Admin) only — clerks and window heads see no
complaints (ORG-2). Office records; Office and Leadership answer and decide; Leadership
confirms the escalation step (app/policy/complaints.py). Everything goes through
app/services/complaints.py; no generic add/edit/delete. The complainant's name and contact are
shown in full only to the roles of PRIV-1.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext, lazy_gettext as _l, lazy_pgettext as _lp
from wtforms import (BooleanField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import Optional

from app.context import center_zone, clock, local_date, today
from app.extensions import db
from app.policy.complaints import (may_confirm_complaint_step, may_confirm_escalation,
                                   may_decide_complaint, may_record_complaints)
from app.request_context import current_actor
from app.rules.complaints import ESCALATION_LABELS
from app.rules.errors import N_, RuleViolation
from app.rules.input import validate_text
from app.rules.privacy import mask_address, mask_phone
from app.security import may_see_personal_data
from app.services.complaints import (ComplaintInput, answer_complaint, complaint_events,
                                     confirm_escalation, decide_outcome, is_overdue,
                                     record_complaint, verified_in_year)
from app.services.complaint_register import complaint_register_statement, complaint_rows
from app.services.exports import bounded_count, complaint_register_sheet
from app.services.transaction import check_version
from app.services import case_queries, complaint_queries, org_queries
from app.views.base import DomainModelView, VersionField, rule_checked
from app.views.choices import label_of
from app.views.downloads import refuse_over_cap, xlsx_download
from app.views.fields import DayField
from models.complaints import Complaint
from models.org import Staff, Window

CHANNEL_LABELS = {"in_person": _l("In person"), "phone": _l("Phone"), "letter": _l("Letter"),
                  "online": _l("Online")}
COMPLEXITY_LABELS = {"simple": _l("Simple"), "complex": _l("Complex (to the director)")}
# A complaint's own states (待答复/已答复/已办结), not a case's "Open" (未办结) nor the
# "Answered" column (答复时间): msgid context "complaint".
STATE_LABELS = {"open": _lp("complaint", "Open"), "answered": _lp("complaint", "Answered"),
                "closed": _lp("complaint", "Closed")}
ANSWER_FORM_LABELS = {"written": _l("Written"), "oral": _l("Oral")}
OUTCOME_LABELS = {"verified": _l("Verified"), "not_verified": _l("Not verified")}
GRAVITY_LABELS = {"2": _l("2 points"), "3": _l("3 points"), "4": _l("4 points"),
                  "5": _l("5 points"),
                  "serious": _l("Serious: notice of criticism or bad influence (10 points)")}
COMPLAINT_LABELS = {
    "received_at": _l("Received"), "received_on": _l("Received on"), "channel": _l("Channel"),
    "anonymous": _l("Anonymous"), "complainant_name": _l("Complainant"),
    "complainant_contact": _l("Contact"), "major": _l("Major matter"),
    "written_record": _l("Taken down in a written record"), "window": _l("Window"),
    "staff": _l("Staff member"), "case": _l("Case"), "content": _l("Complaint"),
    "complexity": _l("Handling"), "promised_on": _l("Promised answer date"),
    "due_on": _l("Answer due"), "state": _l("State"), "answer": _l("Answer"),
    "answer_form": _l("Answer form"), "answered_at": _l("Answered"), "outcome": _l("Outcome"),
    "gravity": _l("Gravity"), "about_attitude": _l("About language or attitude"),
    "proposed_step": _l("Proposed step"), "confirmed_step": _l("Confirmed step"),
}


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [("", "—")] + [(key, label) for key, label in labels.items()]


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _bounded(value, limit, field: str) -> str | None:
    return validate_text(value or "", limit, field)  # INPUT-1


def record_form_class(windows: list[Window], staff: list[Staff]):
    window_choices = [(str(w.id), str(w)) for w in windows]
    fields = {
        "received_on": DayField(_l("Received on"), validators=[Optional()]),
        "channel": SelectField(_l("Channel"), choices=_choices(CHANNEL_LABELS),
                               validators=[Optional()]),
        "anonymous": BooleanField(_l("Anonymous")),
        "complainant_name": StringField(_l("Complainant"), validators=[Optional()]),
        "complainant_contact": StringField(_l("Contact"), validators=[Optional()]),
        "major": BooleanField(_l("Major matter")),
        "written_record": BooleanField(_l("Taken down in a written record")),
        "window_id": SelectField(_l("Window"), choices=[("", "—")] + window_choices,
                                 validators=[Optional()]),
        "staff_id": SelectField(_l("Staff member"), validators=[Optional()], choices=[("", "—")] + [
            (str(s.id), s.name + (f" ({s.window})" if s.window else "")) for s in staff]),
        "case_number": StringField(_l("Case number"), validators=[Optional()]),
        "content": TextAreaField(_l("Complaint")),
        "complex": BooleanField(_l("Complex: to the director")),
        "other_window_ids": SelectMultipleField(_l("Further windows concerned"),
                                                choices=window_choices, validators=[Optional()]),
        "promised_on": DayField(_l("Promised answer date"), validators=[Optional()]),
    }
    return type("ComplaintForm", (DynamicForm,), fields)


class AnswerForm(DynamicForm):
    version = VersionField()
    answer = TextAreaField(_l("Answer"))
    answer_form = SelectField(_l("Answer form"), choices=_choices(ANSWER_FORM_LABELS),
                              validators=[Optional()])


class OutcomeForm(DynamicForm):
    version = VersionField()
    outcome = SelectField(_l("Outcome"), choices=_choices(OUTCOME_LABELS), validators=[Optional()])
    gravity = SelectField(_l("Gravity"), choices=_choices(GRAVITY_LABELS), validators=[Optional()])
    about_attitude = BooleanField(_l("About language or attitude"))


class EscalationForm(DynamicForm):
    version = VersionField()
    step = SelectField(_l("Step"), validators=[Optional()],
                       choices=[("", "—")] + [(str(k), _l(v))
                                              for k, v in ESCALATION_LABELS.items()])


def contact_shown(complaint: Complaint) -> tuple[str | None, str | None]:
    """PRIV-1: name and contact in full for Office and Leadership, masked for anyone else."""
    if may_see_personal_data():
        return complaint.complainant_name, complaint.complainant_contact
    return mask_address(complaint.complainant_name), mask_phone(complaint.complainant_contact)


class ComplaintView(DomainModelView):
    """投诉 — every complaint, filtered by state, window, month (received on) and outcome."""

    datamodel = SQLAInterface(Complaint)
    record_name = _l("Complaint")
    class_permission_name = "Complaint"
    method_permission_name = {"list": "read", "show": "read", "overdue": "read", "export": "read",
                              "record": "record", "answer": "write", "outcome": "write",
                              "escalation": "write"}
    include_route_methods = {"list", "show", "overdue", "export", "record", "answer", "outcome",
                             "escalation"}
    base_permissions = ["can_read", "can_write", "can_record"]
    list_title = _l("Complaints")
    show_title = _l("Complaint")
    label_columns = COMPLAINT_LABELS
    list_columns = ["received_on", "channel", "window", "staff", "complexity", "due_on", "state",
                    "outcome", "proposed_step", "confirmed_step"]
    search_columns = ["state", "window", "staff", "outcome", "received_on", "due_on",
                      "complexity", "channel", "about_attitude"]
    order_columns = ["received_on", "due_on"]
    base_order = ("received_on", "desc")
    formatters_columns = {
        "channel": lambda v: label_of(CHANNEL_LABELS, v),
        "complexity": lambda v: label_of(COMPLEXITY_LABELS, v),
        "state": lambda v: label_of(STATE_LABELS, v),
        "outcome": lambda v: label_of(OUTCOME_LABELS, v) if v else "",
        "received_on": local_date, "due_on": local_date,
        "proposed_step": lambda v: v or "", "confirmed_step": lambda v: v or "",
    }

    def _get(self, pk) -> Complaint:
        item = self.datamodel.get(pk)
        if item is None:
            abort(404)
        return item

    def _show_page(self, complaint: Complaint, answer_form=None, outcome_form=None,
                   escalation_form=None):
        name, contact = contact_shown(complaint)
        answer_form = answer_form or AnswerForm(data={"answer_form": "written" if complaint.written
                                                      else ""})
        outcome_form = outcome_form or OutcomeForm(data={
            "outcome": complaint.outcome or "", "gravity": complaint.gravity or "",
            "about_attitude": complaint.about_attitude})
        escalation_form = escalation_form or EscalationForm(
            data={"step": str(complaint.proposed_step or "")})
        return self.render_template(
            "bianmin/complaint_show.html", title=self.show_title, complaint=complaint,
            name=name, contact=contact, overdue=is_overdue(complaint, today()),
            events=complaint_events(db.session, complaint),
            verified_count=verified_in_year(db.session, complaint),
            answer_form=answer_form, outcome_form=outcome_form, escalation_form=escalation_form,
            # COMP-2/4: what the policy allows (app/policy/complaints.py); the page renders it
            may_confirm=may_confirm_complaint_step(current_actor(), complaint),
            may_decide=may_decide_complaint(current_actor(), complaint), labels=COMPLAINT_LABELS,
            channel_labels=CHANNEL_LABELS, complexity_labels=COMPLEXITY_LABELS,
            state_labels=STATE_LABELS, answer_form_labels=ANSWER_FORM_LABELS,
            outcome_labels=OUTCOME_LABELS, gravity_labels=GRAVITY_LABELS,
            escalation_labels=ESCALATION_LABELS, label_of=label_of)

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        return self._show_page(self._get(pk))

    @expose("/overdue/")
    @has_access
    def overdue(self):
        """COMP-2 跟踪处理: the open complaints by due date, the overdue ones flagged."""
        day = today()
        only_overdue = request.args.get("all") != "1"
        rows = complaint_queries.open_complaints(db.session, day, only_overdue=only_overdue,
                                                 limit=500)
        return self.render_template(
            "bianmin/complaint_overdue.html", title=gettext("Overdue complaints") if only_overdue
            else gettext("Open complaints"), rows=[(row, is_overdue(row, day)) for row in rows],
            only_overdue=only_overdue, channel_labels=CHANNEL_LABELS,
            complexity_labels=COMPLEXITY_LABELS, state_labels=STATE_LABELS, label_of=label_of)

    @expose("/export.xlsx")
    @has_access
    def export(self):
        """投诉台帐 (issue #12): the register as .xlsx — every complaint, or those received in
        `?month=YYYY-MM` and/or in `?state=` — without the complainant or the text (PRIV-1)."""
        name, first, last = "all", None, None
        month = request.args.get("month", "")
        if month:
            try:
                first = datetime.strptime(month, "%Y-%m").date()
            except ValueError:
                abort(400)
            last = (first + timedelta(days=32)).replace(day=1)
            name = month
        state = request.args.get("state") or None
        if state and state not in STATE_LABELS:
            abort(400)
        statement = complaint_register_statement(first, last, state)
        # Issue #12: refused back on the open complaints page, where the export's button is.
        refused = refuse_over_cap(lambda cap: bounded_count(db.session, statement, cap),
                                  ".overdue", kind="complaints")
        if refused:
            return refused
        labels = {"channel": CHANNEL_LABELS, "complexity": COMPLEXITY_LABELS,
                  "state": STATE_LABELS, "outcome": OUTCOME_LABELS}
        labels = {kind: {key: str(text) for key, text in values.items()}
                  for kind, values in labels.items()}
        zone = ZoneInfo(current_app.config["CENTER_TIMEZONE"])

        def write(out):
            rows = complaint_rows(db.session, statement, zone, labels, gettext("Yes"))
            return complaint_register_sheet(out, rows, title=gettext("Complaint register"),
                                            translate=gettext)

        return xlsx_download(write, kind="complaints", ascii_name=f"complaints-{name}.xlsx",
                             display_name=f"{gettext('Complaint register')}-{name}.xlsx")

    @expose("/record/", methods=["GET", "POST"])
    @has_access
    def record(self):
        """COMP-1: the office records a complaint."""
        if not may_record_complaints(current_actor()):
            abort(403)
        windows = org_queries.windows(db.session, active_only=False)
        staff = org_queries.active_staff(db.session)
        form_class = record_form_class(windows, staff)
        form = form_class(request.form) if request.method == "POST" else form_class()
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                complaint = record_complaint(db.session, self._input(form), current_actor(),
                                             clock())
            if saved.ok:
                flash(gettext("Complaint recorded; the answer is due on %(day)s.",
                              day=complaint.due_on.isoformat()), "success")
                return redirect(url_for(".show", pk=complaint.id))
        return self.render_template("bianmin/complaint_form.html", form=form,
                                    title=gettext("Record a complaint"))

    @staticmethod
    def _input(form) -> ComplaintInput:
        from datetime import datetime, time

        case_id = None
        number = _bounded(form.case_number.data, 30, "case_number")
        if number:
            case_id = case_queries.case_id_by_number(db.session, number.strip())
            if case_id is None:
                raise RuleViolation("COMP-1", N_("No case has this number."), field="case_number")
        received_at = None
        day = form.received_on.data
        if day is not None and day != today():
            received_at = datetime.combine(day, time(9, 0), tzinfo=center_zone())
        return ComplaintInput(
            channel=form.channel.data or None, window_id=_int(form.window_id.data),
            content=_bounded(form.content.data, None, "content"),
            anonymous=bool(form.anonymous.data),
            complainant_name=_bounded(form.complainant_name.data, 100, "complainant_name"),
            complainant_contact=_bounded(form.complainant_contact.data, 100,
                                         "complainant_contact"),
            major=bool(form.major.data), written_record=bool(form.written_record.data),
            staff_id=_int(form.staff_id.data), case_id=case_id, complex=bool(form.complex.data),
            other_window_ids=[i for i in (_int(v) for v in form.other_window_ids.data or [])
                              if i is not None],
            promised_on=form.promised_on.data, received_at=received_at)

    @expose("/answer/<int:pk>", methods=["POST"])
    @has_access
    def answer(self, pk):
        """COMP-2: the answer given (written for a written complaint)."""
        complaint = self._get(pk)
        form = AnswerForm(request.form)
        if form.validate():
            with rule_checked(form) as saved:
                check_version(complaint, form.version.data)
                answer_complaint(db.session, complaint,
                                 _bounded(form.answer.data, None, "answer"),
                                 form.answer_form.data or None, current_actor(), clock())
            if saved.ok:
                flash(gettext("Answer recorded."), "success")
                return redirect(url_for(".show", pk=pk))
        return self._show_page(self._get(pk), answer_form=form)

    @expose("/outcome/<int:pk>", methods=["POST"])
    @has_access
    def outcome(self, pk):
        """COMP-3: verified or not; a verified one takes its M7 points. COMP-2: a complex
        complaint's outcome is the director's (the service refuses anyone else)."""
        complaint = self._get(pk)
        form = OutcomeForm(request.form)
        if form.validate():
            with rule_checked(form) as saved:
                check_version(complaint, form.version.data)
                decide_outcome(db.session, complaint, form.outcome.data or None,
                               form.gravity.data or None, bool(form.about_attitude.data),
                               current_actor(), clock())
            if saved.ok:
                flash(gettext("Outcome recorded."), "success")
                return redirect(url_for(".show", pk=pk))
        return self._show_page(self._get(pk), outcome_form=form)

    @expose("/escalation/<int:pk>", methods=["POST"])
    @has_access
    def escalation(self, pk):
        """COMP-4: Leadership confirms the proposed step."""
        if not may_confirm_escalation(current_actor()):
            abort(403)
        complaint = self._get(pk)
        form = EscalationForm(request.form)
        if form.validate():
            with rule_checked(form) as saved:
                check_version(complaint, form.version.data)
                confirm_escalation(db.session, complaint, _int(form.step.data), current_actor(),
                                   clock(), leadership=True)
            if saved.ok:
                flash(gettext("Escalation step confirmed."), "success")
                return redirect(url_for(".show", pk=pk))
        return self._show_page(self._get(pk), escalation_form=form)


__all__ = ["ComplaintView", "contact_shown", "CHANNEL_LABELS", "STATE_LABELS", "OUTCOME_LABELS"]
