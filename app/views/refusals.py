"""否定报备 views: the window files a refusal report from the refused case, the section head
reviews it, the late ones are flagged, and refused cases without a report are listed
(NEG-1..3, ORG-2, PRIV-1).

Resource "RefusalReport": Clerk and WindowHead write (file, inform), SectionHead writes
(review, escalate), Leadership and Office read. Writing is split by role inside the routes:
the section head does not file and the window does not review (403). Clerks and window heads
see their own window's reports only (404 otherwise). Every change is audited by the session
(RefusalReport.__audited__, AUDIT-1); everything goes through app/services/refusals.py.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app import context
from app.extensions import db
from app.policy.refusals import (ESCALATE, INFORM, REVIEW, may_file_refusal_report,
                                 may_review_refusal_report, report_actions)
from app.request_context import current_actor
from app.rules.errors import RuleViolation
from app.security import may_see_personal_data, window_scope
from app.services.case_queries import APPLICANT_SEARCH_LIMIT
from app.services.case_search import search_refusals_by_applicant
from app.services.refusals import (CORRECTED, UPHELD, file_report, is_refused, record_escalation,
                                   record_informed, refusals_missing_report, report_defaults,
                                   report_of, report_status, review_report)
from app.views.base import WindowScopedModelView, form_values, rule_checked
from app.views.cases import ApplicantSearchForm, case_in_scope, state_label
from app.views.derived import derived_interface, personal_value_shown, review_late
from models.cases import RefusalReport

OUTCOME_LABELS = {UPHELD: _l("Refusal upheld"), CORRECTED: _l("Refusal corrected")}

REPORT_LABELS = {
    "case": _l("Case"),
    "window": _l("Window"),
    "clerk": _l("Clerk"),
    "applicant_unit": _l("Applicant unit"),
    "applicant_name": _l("Applicant"),
    "applicant_id_number": _l("ID number"),
    "applicant_address": _l("Address"),
    "applicant_phone": _l("Phone"),
    "request": _l("Request"),
    "reason": _l("Reason for refusal"),
    "legal_basis": _l("Legal basis"),
    "filed_on": _l("Filed"),
    "review_due": _l("Review due"),
    "reviewed_on": _l("Reviewed"),
    "review_late": _l("Review late"),
    "reviewer": _l("Reviewer"),
    "outcome": _l("Outcome"),
    "review_note": _l("Review note"),
    "important": _l("Important matter"),
    "escalated_on": _l("Reported to the deputy director"),
    "inform_due": _l("Applicant to be informed by"),
    "informed_on": _l("Applicant informed"),
}


def outcome_label(value) -> str:
    return str(OUTCOME_LABELS[value]) if value in OUTCOME_LABELS else (value or "")


def late_label(late) -> str:
    return gettext("Late") if late else ""


class RefusalReportForm(DynamicForm):
    """NEG-1: what the clerk confirms or types; the rule checks run in the service."""

    applicant_unit = StringField(_l("Applicant unit"))
    applicant_name = StringField(_l("Applicant"))
    applicant_id_number = StringField(_l("ID number / credit code"))
    applicant_phone = StringField(_l("Phone"))
    applicant_address = StringField(_l("Address"))
    request = TextAreaField(_l("Request"))
    reason = TextAreaField(_l("Reason for refusal"))
    legal_basis = TextAreaField(_l("Legal basis"))


class RefusalReviewForm(DynamicForm):
    """NEG-2: the section head's conclusion."""

    # Optional here: the service says what is missing, next to the field.
    outcome = SelectField(_l("Outcome"), choices=[("", "—")] + list(OUTCOME_LABELS.items()),
                          validators=[Optional()])
    review_note = TextAreaField(_l("Review note"))
    important = BooleanField(_l("Important matter: report to the deputy director"))


def personal_data_shown(report: RefusalReport) -> dict[str, str]:
    """PRIV-1: the applicant's ID number, phone and address, masked unless the user is of the
    report's window, Office or Leadership."""
    return {field: personal_value_shown(getattr(report, field), kind, report.window_id)
            for field, kind in RefusalReport.__personal_fields__.items()}


class RefusalReportView(WindowScopedModelView):
    """否定报备 — refusal reports; clerks and window heads see their own window's (ORG-2)."""

    datamodel = derived_interface(review_late=review_late)(RefusalReport)
    class_permission_name = "RefusalReport"
    method_permission_name = {"list": "read", "show": "read", "file": "write", "review": "write",
                              "escalate": "write", "informed": "write", "missing": "read",
                              "applicant": "read"}
    base_permissions = ["can_read", "can_write"]
    # Reports are written only through the routes below (the service's rules): no generic
    # add/edit/delete forms, no FAB actions or downloads.
    include_route_methods = {"list", "show", "file", "review", "escalate", "informed", "missing",
                             "applicant"}
    list_title = _l("Refusal reports")
    show_title = _l("Refusal report")
    label_columns = REPORT_LABELS
    # No personal data in the list (PRIV-1): the name is not among the masked fields.
    list_columns = ["case", "window", "applicant_name", "filed_on", "review_due", "reviewed_on",
                    "review_late", "outcome"]
    # PRIV-1 (issue #19): no applicant name among the filters — finding a person's reports by
    # name is the audited applicant search below (`applicant`), as for the case list.
    search_columns = ["window", "filed_on", "review_due", "reviewed_on", "outcome", "important"]
    list_template = "bianmin/refusal_list.html"
    order_columns = ["filed_on", "review_due", "reviewed_on"]
    base_order = ("filed_on", "desc")
    formatters_columns = {"outcome": outcome_label, "review_late": late_label,
                          "review_due": context.deadline_marked}  # Calendar / CASE-3

    # --- PRIV-1/2, ORG-2: finding an applicant's refusal reports (issue #19) ----------------
    @expose("/applicant/", methods=["GET", "POST"])
    @has_access
    def applicant(self):
        """The refusal reports of one applicant, found by the whole name, the whole ID number or
        the phone — a POST (the value never in a URL), within the user's rows (ORG-2: own
        window), audited as the case search is (app/services/case_search.py), personal data
        masked where the user may not see it (PRIV-1)."""
        form = ApplicantSearchForm(request.form if request.method == "POST" else None)
        reports, more = None, False
        if request.method == "POST" and form.validate():
            try:
                search = search_refusals_by_applicant(db.session, form.query.data,
                                                      window_scope())
            except RuleViolation as error:
                form.query.errors.append(error.render(gettext))
            else:
                reports, more = search.reports, search.more
                form.query.data = ""  # PRIV-1: the box does not keep it on the page
        return self.render_template(
            "bianmin/refusal_applicant.html", form=form, reports=reports, more=more,
            limit=APPLICANT_SEARCH_LIMIT, title=gettext("Find refusal reports by applicant"),
            personal=personal_data_shown, outcome_label=outcome_label)

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        report = self._get_scoped(pk)
        actions = report_actions(current_actor(), report)  # NEG-1/2: app/policy/refusals.py
        return self.render_template(
            "bianmin/refusal_show.html", title=self.show_title, report=report,
            status=report_status(db.session, report, context.today()),
            personal=personal_data_shown(report), outcome_label=outcome_label,
            may_review=REVIEW in actions, may_escalate=ESCALATE in actions,
            may_inform=INFORM in actions,
        )

    # --- NEG-1: filing, from the refused case's page -------------------------------------
    @expose("/file/<int:case_id>", methods=["GET", "POST"])
    @has_access
    def file(self, case_id):
        case = case_in_scope(case_id)
        existing = report_of(db.session, case.id)
        if existing is not None:
            flash(gettext("This case already has a refusal report."), "info")
            return redirect(url_for(".show", pk=existing.id))
        if not may_file_refusal_report(current_actor()):
            abort(403)
        if not is_refused(case):
            flash(gettext("Only a refused case gets a refusal report."), "danger")
            return redirect(url_for("CaseView.show", pk=case.id))
        if request.method == "GET":
            defaults = report_defaults(case)
            if not may_see_personal_data(case=case):
                for field in RefusalReport.__personal_fields__:  # left blank, the case's value is used (PRIV-1)
                    defaults[field] = None
            form = RefusalReportForm(data=defaults)
        else:
            form = RefusalReportForm(request.form)
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:  # the service reads only REPORT_FIELDS
                report = file_report(db.session, case, form_values(form), current_actor(),
                                     context.today())
            if saved.ok:
                flash(gettext("Refusal report filed; review due %(due)s.",
                              due=report.review_due.isoformat()), "success")
                return redirect(url_for(".show", pk=report.id))
        return self.render_template("bianmin/refusal_file.html", form=form, case=case,
                                    title=gettext("File refusal report"), state_label=state_label)

    # --- NEG-2: review, escalation, informing the applicant -------------------------------
    @expose("/review/<int:pk>", methods=["GET", "POST"])
    @has_access
    def review(self, pk):
        if not may_review_refusal_report(current_actor()):
            abort(403)
        report = self._get_scoped(pk)
        if report.reviewed_on is not None:
            flash(gettext("This refusal report has already been reviewed."), "info")
            return redirect(url_for(".show", pk=pk))
        form = RefusalReviewForm(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                review_report(db.session, report, form.outcome.data, form.review_note.data,
                              form.important.data, current_actor(), context.today())
            if saved.ok:
                flash(gettext("Review recorded."), "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template(
            "bianmin/refusal_review.html", form=form, report=report,
            title=gettext("Review refusal report"),
            status=report_status(db.session, report, context.today()),
            personal=personal_data_shown(report), outcome_label=outcome_label)

    @expose("/escalate/<int:pk>", methods=["POST"])
    @has_access
    def escalate(self, pk):
        if not may_review_refusal_report(current_actor()):
            abort(403)
        return self._record(pk, record_escalation,
                            gettext("Report to the deputy director recorded."))

    @expose("/informed/<int:pk>", methods=["POST"])
    @has_access
    def informed(self, pk):
        if not may_file_refusal_report(current_actor()):
            abort(403)
        return self._record(pk, record_informed, gettext("Informing the applicant recorded."))

    def _record(self, pk, record, done_message: str):
        report = self._get_scoped(pk)
        if DynamicForm(request.form).validate():  # the CSRF token
            with rule_checked() as saved:
                record(report, context.today())
            if saved.ok:
                flash(done_message, "success")
        return redirect(url_for(".show", pk=pk))

    # --- NEG-3: objected refusals without a report -----------------------------------------
    @expose("/missing/")
    @has_access
    def missing(self):
        scope = window_scope()
        cases = refusals_missing_report(db.session, window_id=scope)
        return self.render_template(
            "bianmin/refusal_missing.html", cases=cases, title=gettext("Refusals without report"),
            may_file=may_file_refusal_report(current_actor()))
