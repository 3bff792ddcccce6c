"""会议与学习 views: the month's schedule of weekly meetings and study days, the attendance
sheet and the minutes (MEET-1, AUDIT-1).

Resource "Meeting": every signed-in role reads the schedule, the minutes and its own
attendance; Office (and Admin) generate the month, record attendance and write minutes
(`may_record_meetings`); Office, Leadership and Admin see everyone's attendance
(`may_see_meeting_attendance`). Meetings are written only through the routes below (the
service's rules): no generic add/edit/delete. Every change is audited by the session.
"""

from __future__ import annotations

import re
from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField

from app import context
from app.extensions import db
from app.policy.meetings import may_record_meeting, may_record_meetings, may_see_meeting_attendance
from app.request_context import current_actor, current_staff
from app.rules.input import BUSINESS_YEARS
from app.rules.meetings import ABSENT_EXCUSED, ATTENDANCE_STATUSES, MEETING_KINDS, PRESENT
from app.services.meetings import (attendance_sheet, generate_month, meetings_between,
                                   month_bounds, record_attendance, write_minutes)
from app.services.jobs import MEETINGS, JobBusy, exclusive_job
from app.services.transaction import Conflict, transaction
from app.services import meeting_queries
from app.views.base import (DomainModelView, conflict_message, flash_job_busy, get_or_404,
                            interface, opened_at, rule_checked)
from models.meetings import Meeting

KIND_LABELS = dict(zip(MEETING_KINDS, (_l("Weekly work meeting"), _l("Study session"))))
STATUS_LABELS = dict(zip(ATTENDANCE_STATUSES, (_l("Present"), _l("Late arrival"),
                                               _l("Absent with reason"),
                                               _l("Absent without reason"))))
MEETING_LABELS = {
    "kind": _l("Kind"), "day": _l("Date"), "starts_at": _l("Starts at"), "topic": _l("Topic"),
    "minutes": _l("Minutes"), "minutes_by": _l("Minutes by"), "minutes_at": _l("Minutes written"),
}
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def kind_label(value) -> str:
    return str(KIND_LABELS.get(value, value or ""))


def status_label(value) -> str:
    return str(STATUS_LABELS.get(value, value or ""))


def parse_month(text: str | None) -> date | None:
    """"2026-10" → 2026-10-01; None when it is not a month of the business years (INPUT-1)."""
    match = _MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (BUSINESS_YEARS[0] <= year <= BUSINESS_YEARS[1] and 1 <= month <= 12):
        return None
    return date(year, month, 1)


class MinutesForm(DynamicForm):
    """MEET-1: the topic and minutes of a held meeting; the rule checks run in the service."""

    topic = StringField(_l("Topic"))
    minutes = TextAreaField(_l("Minutes"), render_kw={"rows": 14})
    version = HiddenField()


class MeetingView(DomainModelView):
    """会议 — the weekly work meetings and study sessions (MEET-1)."""

    datamodel = interface(Meeting)
    class_permission_name = "Meeting"
    method_permission_name = {"list": "read", "show": "read", "month": "read",
                              "generate": "write", "attendance": "write", "minutes": "write"}
    base_permissions = ["can_read", "can_write"]
    # Meetings are generated and recorded through the routes below: no generic doors.
    include_route_methods = {"list", "show", "month", "generate", "attendance", "minutes"}
    list_title = _l("Meetings")
    show_title = _l("Meeting")
    label_columns = MEETING_LABELS
    list_columns = ["day", "kind", "starts_at", "topic"]
    search_columns = ["day", "kind", "topic"]
    order_columns = ["day"]
    base_order = ("day", "desc")
    formatters_columns = {"kind": kind_label}

    def _meeting(self, pk) -> Meeting:
        return get_or_404(Meeting, pk)

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        meeting = self._meeting(pk)
        staff = current_staff()
        see_all = may_see_meeting_attendance(current_actor())
        rows = [r for r in meeting.attendance
                if see_all or (staff is not None and r.staff_id == staff.id)]
        return self.render_template(
            "bianmin/meeting_show.html", title=gettext("Meeting"), meeting=meeting,
            rows=rows, see_all=see_all,
            # MEET-1: the sheet and minutes are open when the service takes them (app/policy/)
            may_record=may_record_meeting(current_actor(), meeting, context.today()),
            today=context.today(), kind_label=kind_label, status_label=status_label)

    # --- The month's schedule, and generating it -------------------------------------------
    @expose("/month/")
    @has_access
    def month(self):
        chosen = parse_month(request.args.get("month")) or context.today().replace(day=1)
        first, last = month_bounds(chosen)
        meetings = meetings_between(db.session, first, last)
        staff = current_staff()
        own = {}
        if staff is not None:
            own = meeting_queries.attendance_of(db.session, staff.id, [m.id for m in meetings])
        return self.render_template(
            "bianmin/meeting_month.html", title=gettext("Meeting schedule"), meetings=meetings,
            month=chosen.strftime("%Y-%m"), own=own, has_staff=staff is not None,
            may_record=may_record_meetings(current_actor()), see_all=may_see_meeting_attendance(current_actor()),
            kind_label=kind_label, status_label=status_label, form=DynamicForm(),
            today=context.today())

    @expose("/generate", methods=["POST"])
    @has_access
    def generate(self):
        if not may_record_meetings(current_actor()):
            abort(403)
        if not DynamicForm(request.form).validate():  # the CSRF token
            abort(400)
        chosen = parse_month(request.form.get("month"))
        if chosen is None:
            flash(gettext("Choose a month, e.g. 2026-10."), "danger")
            return redirect(url_for(".month"))
        try:  # OPS-1: one generation of meetings at a time
            with exclusive_job(db.session, MEETINGS, started_by=current_actor().username,
                               subject=chosen.strftime("%Y-%m"), seen=opened_at(),
                               run_date=context.today()) as run, \
                    run.watch(rule_checked()) as saved:
                result = generate_month(db.session, chosen)
        except JobBusy as busy:
            flash_job_busy(busy)
            return redirect(url_for(".month", month=chosen.strftime("%Y-%m")))
        if saved.ok:
            flash(gettext("%(month)s: %(added)s meetings added, %(removed)s no longer scheduled "
                          "removed, %(kept)s kept.", month=chosen.strftime("%Y-%m"),
                          added=len(result.added), removed=result.removed, kept=result.kept),
                  "success")
        return redirect(url_for(".month", month=chosen.strftime("%Y-%m")))

    # --- The attendance sheet -------------------------------------------------------------
    @expose("/attendance/<int:pk>", methods=["GET", "POST"])
    @has_access
    def attendance(self, pk):
        if not may_record_meetings(current_actor()):
            abort(403)
        meeting = self._meeting(pk)
        form = DynamicForm(request.form if request.method == "POST" else None)
        rows = attendance_sheet(db.session, meeting)
        submitted, errors = {}, {}
        if request.method == "POST" and form.validate():
            # A row the form did not send is present, like the sheet's default.
            submitted = {row.staff_id: (request.form.get(f"status_{row.staff_id}", PRESENT),
                                        request.form.get(f"reason_{row.staff_id}"))
                         for row in rows}

            def show(error):
                if isinstance(error, Conflict):
                    flash(conflict_message(), "danger")
                elif error.field and "_" in error.field:
                    errors[error.field] = error.render(gettext)
                else:
                    flash(error.render(gettext), "danger")

            with transaction(db.session, on_error=show) as saved:
                record_attendance(db.session, meeting, submitted, current_actor(),
                                  context.clock(), seen_version=request.form.get("version"))
            if saved.ok:
                flash(gettext("Attendance recorded."), "success")
                return redirect(url_for(".show", pk=pk))
            rows = attendance_sheet(db.session, meeting)
        return self.render_template(
            "bianmin/meeting_attendance.html", title=gettext("Attendance sheet"),
            meeting=meeting, rows=rows, submitted=submitted, errors=errors, form=form,
            # the version the sheet was opened with, kept across a re-shown form (issue #9)
            version=request.form.get("version") if request.method == "POST" else meeting.version,
            statuses=list(STATUS_LABELS.items()), excused=ABSENT_EXCUSED, kind_label=kind_label)

    # --- Minutes ---------------------------------------------------------------------------
    @expose("/minutes/<int:pk>", methods=["GET", "POST"])
    @has_access
    def minutes(self, pk):
        if not may_record_meetings(current_actor()):
            abort(403)
        meeting = self._meeting(pk)
        if request.method == "POST":
            form = MinutesForm(request.form)
        else:
            form = MinutesForm(data={"topic": meeting.topic, "minutes": meeting.minutes,
                                     "version": meeting.version})
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                write_minutes(db.session, meeting, form.topic.data, form.minutes.data,
                              current_actor(), context.clock(), seen_version=form.version.data)
            if saved.ok:
                flash(gettext("Minutes saved."), "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template("bianmin/meeting_minutes.html", title=gettext("Minutes"),
                                    meeting=meeting, form=form, kind_label=kind_label)

