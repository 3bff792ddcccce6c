"""请假 views: file, approve (routed by position), 销假, cancel, the approver's queue, who is away
today, all requests and the yearly flags (LEAVE-1..4, AB-1, PRIV-1, AUDIT-1).

Resource "LeaveRequest": every staff role reads and writes (files its own leave); which request
a user sees is the row filter of app/security/filters.py (LeaveRowFilter); which action they may
take is app/policy/leave.py (may_decide_leave, may_see_leave …). Resource "LeaveOverview": Office and Leadership, all requests and the flags.
Everything writes through app/services/leave.py; no generic add/edit/delete.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import BooleanField, FileField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Optional

from app import context
from app.extensions import db
from app.policy.away import may_approve, may_cancel, may_register_for, may_see_away_registration
from app.policy.leave import (may_attach_certificate, may_cancel_leave,
                              may_excuse_overstay, may_report_back, may_revoke_leave,
                              may_see_leave)
from app.request_context import current_actor, current_staff, role_names
from app.security import away_scope, current_cover_actor, current_leave_actor, leave_filters
from app.services.cover import (AwayInput, cancel_away, decide_away, register_away, registrations,
                                window_cover)
from app.services.leave import (Certificate, LeaveInput, NotYourDecision, acknowledge,
                                approval_queue, attach_certificate, cancel_leave,
                                certificate_file, decide_leave, decided_by_filer,
                                default_substitute, file_leave, filed_for_notices,
                                filtered_requests, handovers_of, is_admin_only,
                                linkable_handovers, may_decide_now, notifications_for,
                                report_back, revoke_leave, yearly_flag_rows)
from app.services.away import away_rows
from app.services.exports import (LEAVE_COLUMNS, leave_register_count, leave_register_rows,
                                  write_export)
from app.services import org_queries
from app.views.base import DomainModelView, find, interface, rule_checked
from app.views.downloads import refuse_over_cap, xlsx_download
from app.views.choices import POSITION_LABELS
from app.views.fields import DayField
from models.leave import AWAY_REASONS, LEAVE_KINDS, LEAVE_STATES, AwayRegistration, LeaveRequest
from models.org import Staff

KIND_LABELS = {"personal": _l("Personal leave"), "sick": _l("Sick leave"),
               "marriage": _l("Marriage leave"), "bereavement": _l("Bereavement leave"),
               "annual": _l("Annual leave")}
# Leave speaks its own words (批准/不批准/已批准), not the case's 准予许可: msgid context "leave".
STATE_LABELS = {"pending": _lp("leave", "Pending"), "approved": _lp("leave", "Approved"),
                "rejected": _lp("leave", "Rejected"), "cancelled": _l("Cancelled"),
                "revoked": _l("Revoked (obtained by deception)")}
FLAG_LABELS = {
    "bonus_withheld_one_month": _l("One month's assessment bonus withheld"),
    "bonus_withheld_half_year": _l("Half a year's assessment bonus withheld"),
    "not_eligible_for_awards": _l("Not eligible for awards"),
    "year_bonus_cancelled": _l("The year's assessment bonus cancelled"),
    "dismissal_review": _l("Dismissal case raised to Leadership"),
}
LEAVE_LABELS = {
    "staff": _l("Staff"), "kind": _l("Kind"), "start_day": _l("First day"),
    "end_day": _l("Last day"), "half_day_start": _l("Afternoon only on the first day"),
    "half_day_end": _l("Morning only on the last day"), "days": _l("Working days"),
    "reason": _l("Reason"), "emergency": _l("Emergency request filed afterwards (补假)"),
    "substitute": _l("Substitute"), "approver_position": _l("Approver"), "state": _l("State"),
    "filed_at": _l("Filed"), "reported_back_on": _l("Reported back"),
    "overstay_days": _l("Overstayed working days"),
}


AWAY_LABELS = {"leave": _l("On leave"), "errand": _l("Official errand"),
               "meeting": _l("Meeting outside"), "absent": _l("Absent (no clock-in)")}
HALF_LABELS = {"am": _l("Morning"), "pm": _l("Afternoon")}


def away_label(value) -> str:
    """AB-2: why someone is away, as the lists say it."""
    return str(AWAY_LABELS.get(value, value or ""))


def half_label(value) -> str:
    return str(HALF_LABELS.get(value, value or ""))


def kind_label(value) -> str:
    return str(KIND_LABELS.get(value, value or ""))


def state_label(value) -> str:
    return str(STATE_LABELS.get(value, value or ""))


def approver_label(value) -> str:
    return str(POSITION_LABELS.get(value, value or ""))


NEW_HANDOVER = "new"


class LeaveForm(DynamicForm):
    """LEAVE-1: what a request says; the rules run in the service, messages beside the fields."""

    staff_id = SelectField(_l("Staff"), coerce=int, validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=[("", "—")] + list(KIND_LABELS.items()),
                       validators=[Optional()])
    start_day = DayField(_l("First day"), validators=[Optional()])
    half_day_start = BooleanField(_l("Afternoon only on the first day"))
    end_day = DayField(_l("Last day"), validators=[Optional()])
    half_day_end = BooleanField(_l("Morning only on the last day"))
    reason = TextAreaField(_l("Reason"))
    emergency = BooleanField(_l("Emergency request filed afterwards (补假)"))
    substitute_id = SelectField(_l("Substitute"), coerce=lambda v: int(v) if v else None,
                                validators=[Optional()])
    # LEAVE-1 / HAND-1: a handover of the requester's, or one created from this request.
    handover_id = SelectField(_l("Handover"), default=NEW_HANDOVER, validators=[Optional()])
    handover_note = TextAreaField(_l("Handover note"))
    certificate = FileField(_l("Certificate (sick leave: PDF, JPEG or PNG)"))
    ab_override_reason = TextAreaField(_l("Override the A/B rule: reason (Leadership)"))


class DecisionForm(DynamicForm):
    version = HiddenField()
    decision_note = TextAreaField(_l("Note"))
    ab_override_reason = TextAreaField(_l("Override the A/B rule: reason (Leadership)"))


class ReportBackForm(DynamicForm):
    version = HiddenField()
    returned_on = DayField(_l("Back at work on"), validators=[Optional()])
    report_back_reason = TextAreaField(_l("Reason for returning after the last day"))


class VersionForm(DynamicForm):
    version = HiddenField()


class RevokeForm(DynamicForm):
    """LEAVE-1 / ATT-3: revoke a leave obtained by deception — the reason is required."""

    version = HiddenField()
    reason = TextAreaField(_l("How the leave was obtained by deception"))


class CertificateForm(DynamicForm):
    version = HiddenField()
    certificate = FileField(_l("Certificate (sick leave: PDF, JPEG or PNG)"))


def _staff_choices(all_staff: bool):
    staff = current_staff()
    if all_staff:
        rows = org_queries.active_staff(db.session)
    else:
        rows = [staff] if staff else []
    return [(row.id, row.name) for row in rows]


def _substitute_choices(requester=None, suggested=None):
    """LEAVE-1 / AB-1/2 (issue #20): active colleagues who may stand in — the post's B first,
    marked as suggested, then the requester's own window, then everyone else, each by name;
    never the requester, never an administrator-only login."""
    rows = [row for row in org_queries.active_staff(db.session, with_logins=True)
            if not is_admin_only(row) and (requester is None or row.id != requester.id)]
    window_id = requester.window_id if requester is not None else None
    suggested_id = suggested.id if suggested is not None else None
    rows.sort(key=lambda row: (row.id != suggested_id,  # stable: by name within each group
                               window_id is None or row.window_id != window_id))
    return [("", "—")] + [
        (row.id, gettext("%(name)s (the post's B, suggested)", name=row.name)
         if row.id == suggested_id else row.name) for row in rows]


def _handover_choices(staff_id):
    """LEAVE-1 / HAND-1: create the handover from the request, or name one not yet named."""
    rows = linkable_handovers(db.session, staff_id)
    return [(NEW_HANDOVER, gettext("Create the handover from this request (to the substitute, "
                                   "with the requester's unfinished cases)"))] + [
        (str(row.id), gettext("%(giver)s → %(receiver)s, %(day)s", giver=row.giver.name,
                              receiver=row.receiver.name, day=context.local_date(row.created_at)))
        for row in rows]


def _handover_value(value) -> tuple[int | None, bool]:
    """The form's handover choice as (handover id, create a new one)."""
    if value == NEW_HANDOVER:
        return None, True
    try:
        return int(value), False
    except (TypeError, ValueError):
        return None, False


def _uploaded(field) -> Certificate | None:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    return Certificate(upload.read(), upload.filename)


def attachment_dir() -> str:
    return current_app.config["LEAVE_ATTACHMENT_DIR"]


class LeaveRequestView(DomainModelView):
    """请假 — leave requests; each user sees their own, those routed to their position, or
    (Office, Leadership) all of them."""

    datamodel = interface(LeaveRequest)
    class_permission_name = "LeaveRequest"
    method_permission_name = {"list": "read", "show": "read", "mine": "read", "queue": "read",
                              "away": "read", "notifications": "read",
                              "certificate_file": "read", "file": "write", "decide": "write",
                              "report_back": "write", "cancel": "write", "certificate": "write",
                              "revoke": "write", "acknowledge": "write"}
    base_permissions = ["can_read", "can_write"]
    include_route_methods = {"list", "show", "mine", "queue", "away", "notifications",
                             "certificate_file", "file", "decide", "report_back", "cancel",
                             "certificate", "revoke", "acknowledge"}
    base_filters = leave_filters()
    list_title = _l("Leave requests")
    show_title = _l("Leave request")
    label_columns = LEAVE_LABELS
    list_columns = ["staff", "kind", "start_day", "end_day", "days", "state", "approver_position"]
    search_columns = ["staff", "kind", "state", "start_day", "end_day"]
    order_columns = ["start_day", "end_day", "days"]
    base_order = ("start_day", "desc")
    formatters_columns = {"kind": kind_label, "state": state_label,
                          "approver_position": approver_label}

    def _get_visible(self, pk) -> LeaveRequest:
        leave = self.datamodel.get(pk, self._base_filters)
        if leave is None:
            abort(404)
        return leave

    def _list_page(self, title, rows, **extra):
        return self.render_template("bianmin/leave_list.html", title=title, rows=rows,
                                    kind_label=kind_label, state_label=state_label,
                                    approver_label=approver_label, **extra)

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        leave = self._get_visible(pk)
        staff = current_staff()
        actor = current_leave_actor()
        version = {"version": leave.version}
        filer = decided_by_filer(leave, actor)  # LEAVE-1: someone else decides what one filed
        # LEAVE-2: the routed slot, or the one deciding it now when its holders changed
        deciding = leave.state == "pending" and may_decide_now(db.session, leave, staff)
        return self.render_template(
            "bianmin/leave_show.html", title=self.show_title, leave=leave,
            kind_label=kind_label, state_label=state_label, approver_label=approver_label,
            may_decide=deciding and not filer, filed_it=filer and deciding,
            handovers=handovers_of(db.session, leave),
            unread=[n for n in filed_for_notices(db.session, staff)
                    if n.leave_request_id == leave.id],
            may_cancel=leave.state == "pending" and may_cancel_leave(leave, staff, actor.user_id),
            may_report=leave.state == "approved" and leave.reported_back_on is None
            and may_report_back(leave, staff, actor.office),
            may_excuse=may_excuse_overstay(leave, staff, actor.office),
            may_attach=leave.state in ("pending", "approved")
            and may_attach_certificate(leave, staff, actor.user_id, actor.office),
            may_revoke=leave.state == "approved"
            and may_revoke_leave(leave, staff, actor.leadership),
            leadership=actor.leadership,
            decision_form=DecisionForm(data=version), report_form=ReportBackForm(data=version),
            version_form=VersionForm(data=version), certificate_form=CertificateForm(data=version))

    # --- LEAVE-1: filing ------------------------------------------------------------------
    @expose("/file/", methods=["GET", "POST"])
    @has_access
    def file(self):
        actor = current_leave_actor()
        on_behalf = actor.office or actor.leadership
        if not on_behalf and actor.staff is None:
            flash(gettext("Your login is not linked to a staff member."), "danger")
            return redirect(url_for(".mine"))
        default = default_substitute(db.session, actor.staff)  # LEAVE-1: the post's B
        form = LeaveForm() if request.method == "POST" else LeaveForm(
            data={"staff_id": actor.staff.id if actor.staff else None,
                  "substitute_id": default.id if default else None,
                  "handover_id": NEW_HANDOVER})
        form.staff_id.choices = _staff_choices(on_behalf)
        form.substitute_id.choices = (_substitute_choices() if on_behalf
                                      else _substitute_choices(actor.staff, default))
        form.handover_id.choices = _handover_choices(None if on_behalf else actor.staff.id)
        if not actor.leadership:
            del form.ab_override_reason
        if request.method == "POST" and form.validate():
            missing = [name for name in ("staff_id", "kind", "start_day", "end_day")
                       if not form[name].data]
            for name in missing:
                form[name].errors = list(form[name].errors) + [gettext("This field is required.")]
            if not missing:
                handover_id, new_handover = _handover_value(form.handover_id.data)
                values = LeaveInput(
                    staff_id=form.staff_id.data, kind=form.kind.data,
                    start_day=form.start_day.data, end_day=form.end_day.data,
                    half_day_start=form.half_day_start.data, half_day_end=form.half_day_end.data,
                    reason=form.reason.data, emergency=form.emergency.data,
                    substitute_id=form.substitute_id.data, handover_note=form.handover_note.data,
                    handover_id=handover_id, new_handover=new_handover)
                override = form.ab_override_reason.data if actor.leadership else None
                with rule_checked(form) as saved:
                    leave = file_leave(db.session, values, actor, context.clock(),
                                       certificate=_uploaded("certificate"),
                                       attachment_dir=attachment_dir(),
                                       ab_override_reason=override, require_certificate=True)
                if saved.ok:
                    flash(gettext("Leave request filed; it goes to: %(approver)s.",
                                  approver=approver_label(leave.approver_position)), "success")
                    return redirect(url_for(".show", pk=leave.id))
        return self.render_template("bianmin/leave_file.html", form=form,
                                    title=gettext("Request leave"),
                                    leadership=actor.leadership)

    # --- LEAVE-2: approve / reject --------------------------------------------------------
    @expose("/decide/<int:pk>/<decision>", methods=["POST"])
    @has_access
    def decide(self, pk, decision):
        leave = self._get_visible(pk)
        if decision not in ("approve", "reject"):
            abort(404)
        if not may_decide_now(db.session, leave, current_staff()):
            abort(403)
        form = DecisionForm()
        actor = current_leave_actor()
        if form.validate():
            try:
                with rule_checked() as saved:
                    decide_leave(db.session, leave, decision == "approve",
                                 form.decision_note.data, actor, context.clock(),
                                 seen_version=form.version.data,
                                 ab_override_reason=form.ab_override_reason.data
                                 if actor.leadership else None)
            except NotYourDecision:
                abort(403)
            if saved.ok:
                flash(gettext("Leave approved.") if decision == "approve"
                      else gettext("Leave rejected."), "success")
        return redirect(url_for(".show", pk=pk))

    # --- LEAVE-3: 销假 ----------------------------------------------------------------------
    @expose("/report_back/<int:pk>", methods=["POST"])
    @has_access
    def report_back(self, pk):
        leave = self._get_visible(pk)
        actor = current_leave_actor()
        if not may_report_back(leave, actor.staff, actor.office):
            abort(403)
        form = ReportBackForm()
        if form.validate():
            try:
                with rule_checked() as saved:
                    report_back(db.session, leave, form.returned_on.data,
                                form.report_back_reason.data, actor, context.clock(),
                                seen_version=form.version.data)
            except NotYourDecision:
                abort(403)
            if saved.ok:
                flash(gettext("Reported back."), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/acknowledge/<int:pk>", methods=["POST"])
    @has_access
    def acknowledge(self, pk):
        """LEAVE-1: the person a leave was filed for acknowledges the notification of it."""
        leave = self._get_visible(pk)
        form = VersionForm()
        if form.validate():
            with rule_checked() as saved:
                acknowledge(db.session, leave, current_staff(), context.clock())
            if saved.ok:
                flash(gettext("Noted."), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/cancel/<int:pk>", methods=["POST"])
    @has_access
    def cancel(self, pk):
        leave = self._get_visible(pk)
        actor = current_leave_actor()
        if not may_cancel_leave(leave, actor.staff, actor.user_id):
            abort(403)
        form = VersionForm()
        if form.validate():
            with rule_checked() as saved:
                cancel_leave(db.session, leave, actor, context.clock(),
                             seen_version=form.version.data)
            if saved.ok:
                flash(gettext("Leave request cancelled."), "success")
        return redirect(url_for(".show", pk=pk))

    # --- LEAVE-1 / ATT-3: revoke a leave obtained by deception --------------------------------
    @expose("/revoke/<int:pk>", methods=["GET", "POST"])
    @has_access
    def revoke(self, pk):
        """LEAVE-1 / ATT-3: its approver or Leadership revokes an approved leave found obtained
        by deception, saying how; the reason's rule message stands next to it."""
        leave = self._get_visible(pk)
        actor = current_leave_actor()
        if not may_revoke_leave(leave, actor.staff, actor.leadership):
            abort(403)
        form = RevokeForm() if request.method == "POST" else RevokeForm(
            data={"version": leave.version})
        if request.method == "POST" and form.validate():
            try:
                with rule_checked(form) as saved:
                    revoke_leave(db.session, leave, form.reason.data, actor, context.clock(),
                                 seen_version=form.version.data)
            except NotYourDecision:
                abort(403)
            if saved.ok:
                flash(gettext("Leave revoked: its days count as absence."), "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template("bianmin/leave_revoke.html", form=form, leave=leave,
                                    title=gettext("Revoke a leave obtained by deception"),
                                    kind_label=kind_label, state_label=state_label)

    # --- LEAVE-1: certificate --------------------------------------------------------------
    @expose("/certificate/<int:pk>", methods=["POST"])
    @has_access
    def certificate(self, pk):
        leave = self._get_visible(pk)
        actor = current_leave_actor()
        if not may_attach_certificate(leave, actor.staff, actor.user_id, actor.office):
            abort(403)
        form = CertificateForm()
        upload = _uploaded("certificate")
        if form.validate():
            if upload is None:
                flash(gettext("Choose a file."), "danger")
            else:
                try:
                    with rule_checked() as saved:
                        attach_certificate(db.session, leave, upload, attachment_dir(), actor,
                                           seen_version=form.version.data)
                except NotYourDecision:
                    abort(403)
                if saved.ok:
                    flash(gettext("Certificate stored."), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/certificate_file/<int:pk>")
    @has_access
    def certificate_file(self, pk):
        """PRIV-1: the certificate only for the requester, the approver position's users,
        Office and Leadership (404 for everyone else), as a download, never sniffed."""
        leave = find(LeaveRequest, pk)
        user = current_leave_actor()
        if leave is None or not (may_see_leave(leave, user.staff, role_names(), user_id=user.user_id)
                                 or may_decide_now(db.session, leave, user.staff)):
            abort(404)  # (LEAVE-2: the one deciding it now, its holders changed, sees it too)
        path = certificate_file(leave, attachment_dir())
        if path is None:
            abort(404)
        response = send_file(path, mimetype=leave.certificate_type or "application/octet-stream",
                             as_attachment=True,
                             download_name=leave.certificate_name or path.name)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    # --- lists -----------------------------------------------------------------------------
    @expose("/mine/")
    @has_access
    def mine(self):
        staff = current_staff()
        rows = filtered_requests(db.session, staff_id=staff.id) if staff else []
        return self._list_page(gettext("My leave requests"), rows, show_staff=False)

    @expose("/queue/")
    @has_access
    def queue(self):
        rows = approval_queue(db.session, current_staff())
        return self._list_page(gettext("Waiting for my approval"), rows, show_staff=True)

    @expose("/away/")
    @has_access
    def away(self):
        """Who is away today (AB-2, LEAVE-3, app/services/away.py — the people the dashboard's
        KPI counts): names, windows, which half of the day and why (leave, errand, meeting,
        absent so far), a 销假 owed; no kinds of leave or reasons (clerks see nothing else of
        other people's leave)."""
        now = context.clock()
        rows = away_rows(db.session, now.today, now.now)
        # Issue #20, LEAVE-1 / AB-2: who covers — the substitute the leave names, else the
        # B (or A) of the person's post.
        covers = {row.staff.id: (row.leave.substitute if row.leave is not None
                                 and row.leave.substitute is not None
                                 else default_substitute(db.session, row.staff))
                  for row in rows}
        return self.render_template("bianmin/leave_away.html", title=gettext("Away today"),
                                    today=now.today, rows=rows, covers=covers,
                                    away_label=away_label, half_label=half_label)

    @expose("/notifications/")
    @has_access
    def notifications(self):
        """LEAVE-2 知会: the leave over 3 days reported to the town head."""
        return self.render_template(
            "bianmin/leave_notifications.html", title=gettext("Leave notifications"),
            rows=notifications_for(db.session, current_staff()), kind_label=kind_label)


def _month(value: str | None) -> tuple[int, int] | None:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        date(year, month, 1)
        return year, month
    except ValueError:
        return None


class LeaveOverviewView(BaseView):
    """Office and Leadership: every leave request (filters) and the yearly flags (LEAVE-4)."""

    route_base = "/leaveoverview"
    default_view = "all"
    class_permission_name = "LeaveOverview"
    method_permission_name = {"all": "read", "flags": "read", "export": "read"}
    base_permissions = ["can_read"]

    @staticmethod
    def _filters() -> dict:
        """The register's filters from the query string: the page and its export read these."""
        args = request.args
        return {"state": args.get("state") if args.get("state") in LEAVE_STATES else None,
                "kind": args.get("kind") if args.get("kind") in LEAVE_KINDS else None,
                "staff_id": args.get("staff", type=int), "month": _month(args.get("month"))}

    @expose("/all/")
    @has_access
    def all(self):
        args = request.args
        filters = self._filters()
        state, kind, staff_id = filters["state"], filters["kind"], filters["staff_id"]
        rows = filtered_requests(db.session, **filters)
        return self.render_template(
            "bianmin/leave_list.html", title=gettext("All leave requests"), rows=rows,
            show_staff=True, filters=True, kind_label=kind_label, state_label=state_label,
            approver_label=approver_label, states=STATE_LABELS, kinds=KIND_LABELS,
            staff=_staff_choices(True), chosen={"state": state, "kind": kind,
                                                "staff": staff_id, "month": args.get("month", "")})

    @expose("/export.xlsx")
    @has_access
    def export(self):
        """Issue #12: the leave register as .xlsx — every request the page's filters select
        (not only the 500 the page lists), with the list's columns and nothing more."""
        filters = self._filters()
        refused = refuse_over_cap(lambda cap: leave_register_count(db.session, cap, **filters),
                                  ".all", kind="leave register")
        if refused:
            return refused

        def write(out):
            rows = leave_register_rows(
                db.session, context.center_zone(),
                {k: str(v) for k, v in KIND_LABELS.items()},
                {k: str(v) for k, v in STATE_LABELS.items()},
                {k: str(v) for k, v in POSITION_LABELS.items()},
                emergency_suffix=f" ({gettext('backfilled')})", **filters)
            return write_export(out, LEAVE_COLUMNS, rows, title=gettext("Leave requests"),
                                translate=gettext)

        day = context.today().isoformat()
        return xlsx_download(write, kind="leave register", ascii_name=f"leave-{day}.xlsx",
                             display_name=f"{gettext('Leave requests')}-{day}.xlsx")

    @expose("/flags/")
    @has_access
    def flags(self):
        year = args_year = request.args.get("year", type=int)
        if not year or not 2000 <= year <= 2099:
            year = context.today().year
        rows = yearly_flag_rows(db.session, year)
        return self.render_template("bianmin/leave_flags.html", title=gettext("Yearly leave flags"),
                                    rows=rows, year=year, flag_labels=FLAG_LABELS,
                                    asked=args_year)


# --- AB-2 / ORG-2: 外出登记 and the cover of a window ----------------------------------------------
AWAY_STATE_LABELS = {"pending": _l("Waiting for the window head"),
                     "approved": _l("Approved: B covers"), "rejected": _l("Not approved"),
                     "cancelled": _l("Withdrawn")}
COVER_LABELS = {"a": _l("A at the post"), "b": _l("B covers A"),
                "nobody": _l("Neither A nor B present")}


class AwayForm(DynamicForm):
    """AB-2 外出登记: who is out, which day and half-days, why and where."""

    staff_id = SelectField(_l("Staff"), coerce=lambda v: int(v) if v else None,
                           validators=[Optional()])
    day = DayField(_l("Day"), validators=[Optional()])
    am = BooleanField(_l("Morning"))
    pm = BooleanField(_l("Afternoon"))
    reason = SelectField(_l("Why"), choices=[("errand", _l("Official errand")),
                                             ("meeting", _l("Meeting outside"))],
                         validators=[Optional()])
    note = TextAreaField(_l("Where and what for"))


def _away_staff_choices(actor):
    """The people `actor` may register an errand for: themselves; a window head their window's
    staff, Leadership anyone (ORG-2)."""
    rows = org_queries.active_staff(db.session, by_window=True)
    return [(row.id, row.name) for row in rows if may_register_for(row, actor)]


class CoverView(BaseView):
    """外出登记与顶岗 (AB-2, ORG-2): the posts of the window and who answers for each now (A, or
    B covering A who is away), the errands and meetings outside registered, and the window
    head's approval of the cover of their own window — 403 for another window's."""

    route_base = "/cover"
    default_view = "index"
    class_permission_name = "AwayRegistration"
    method_permission_name = {"index": "read", "register": "write", "decide": "write",
                              "cancel": "write"}
    base_permissions = ["can_read", "can_write"]

    def _page(self, form):
        now, actor = context.clock(), current_cover_actor()
        scope = away_scope()
        window_id = None
        if scope is not None:
            staff = actor.staff
            window_id = staff.window_id if staff is not None and staff.window_id else -1
        elif request.args.get("window", type=int):
            window_id = request.args.get("window", type=int)
        rows = registrations(db.session, now.today - timedelta(days=7), scope)
        return self.render_template(
            "bianmin/cover.html", title=gettext("Errands and AB cover"), form=form,
            today=now.today, posts=window_cover(db.session, now.today, now.now, window_id),
            rows=rows, may_approve=lambda r: r.state == "pending" and may_approve(r, actor),
            may_cancel=lambda r: r.state in ("pending", "approved") and r.day >= now.today
            and may_cancel(r, actor),
            away_label=away_label, state_label=lambda v: str(AWAY_STATE_LABELS.get(v, v)),
            cover_label=lambda v: str(COVER_LABELS.get(v, v)), half_label=half_label,
            version_form=VersionForm(),
            may_register=bool(form.staff_id.choices)
            and self.appbuilder.sm.has_access("can_write", self.class_permission_name))

    def _form(self, actor):
        form = AwayForm() if request.method == "POST" else AwayForm(
            data={"staff_id": actor.staff.id if actor.staff else None,
                  "day": context.today(), "reason": "errand"})
        form.staff_id.choices = _away_staff_choices(actor)
        return form

    @expose("/")
    @has_access
    def index(self):
        return self._page(self._form(current_cover_actor()))

    @expose("/register", methods=["POST"])
    @has_access
    def register(self):
        """AB-2: register an errand or a meeting outside; by the window head of the person's
        window (or Leadership) it is approved at once (ORG-2); another window's: 403."""
        actor = current_cover_actor()
        asked = request.form.get("staff_id", type=int)
        person = find(Staff, asked) if asked and 0 < asked < 2**31 else None
        if person is not None and not may_register_for(person, actor):
            abort(403)  # ORG-2: another window's staff
        form = self._form(actor)
        if form.validate():
            values = AwayInput(staff_id=form.staff_id.data, day=form.day.data,
                               am=form.am.data, pm=form.pm.data,
                               reason=form.reason.data if form.reason.data in AWAY_REASONS
                               else None, note=form.note.data)
            with rule_checked(form) as saved:
                registration = register_away(db.session, values, actor, context.clock())
            if saved.ok:
                flash(gettext("Registered: approved, B covers meanwhile.")
                      if registration.state == "approved"
                      else gettext("Registered: waiting for the window head's approval."),
                      "success")
                return redirect(url_for(".index"))
        return self._page(form)

    def _visible(self, pk) -> AwayRegistration:
        registration = find(AwayRegistration, pk)
        if registration is None or not may_see_away_registration(current_actor(), registration):
            abort(404)
        return registration

    @expose("/decide/<int:pk>/<decision>", methods=["POST"])
    @has_access
    def decide(self, pk, decision):
        """ORG-2: the window head approves (or rejects) the cover of their own window; another
        window's head (or a clerk) is refused with 403."""
        registration = find(AwayRegistration, pk)
        if registration is None or decision not in ("approve", "reject"):
            abort(404)
        actor = current_cover_actor()
        if not may_approve(registration, actor):
            abort(403)
        form = VersionForm()
        if form.validate():
            with rule_checked() as saved:
                decide_away(db.session, registration, decision == "approve", None, actor,
                            context.clock(), seen_version=form.version.data)
            if saved.ok:
                flash(gettext("Approved: B covers meanwhile.") if decision == "approve"
                      else gettext("Not approved."), "success")
        return redirect(url_for(".index"))

    @expose("/cancel/<int:pk>", methods=["POST"])
    @has_access
    def cancel(self, pk):
        registration = self._visible(pk)
        actor = current_cover_actor()
        if not may_cancel(registration, actor):
            abort(403)
        form = VersionForm()
        if form.validate():
            with rule_checked() as saved:
                cancel_away(db.session, registration, actor, context.clock(),
                            seen_version=form.version.data)
            if saved.ok:
                flash(gettext("Registration withdrawn."), "success")
        return redirect(url_for(".index"))


__all__ = ["LeaveRequestView", "LeaveOverviewView", "CoverView", "KIND_LABELS", "STATE_LABELS",
           "FLAG_LABELS"]
