"""考勤 pages: the month per window and per person, the clock import with its error table, the
office's clock entry and correction, off-post records, 补签单 filing and approval (ATT-1..4).

Three resources: "Attendance" (the months: everyone reads; clerks, window and section heads
see only their own, Office and Leadership all — `attendance_scope`), "ClockRecord" (Office:
import, enter, correct, off-post) and "ClockExcuse" (everyone files their own 补签单, Office
for anyone; only the deputy director approves, by Staff.position). No generic add/edit/delete:
every write is a service of app/services/attendance.py in one transaction, audited (AUDIT-1).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, current_app, flash, redirect, request, url_for
from markupsafe import Markup, escape
from flask_appbuilder import BaseView, expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_login import login_user
from wtforms import (BooleanField, FileField, HiddenField,
                     IntegerField, SelectField, TextAreaField)
from wtforms.validators import Optional

from app import context
from app.extensions import db
from app.list_widget import HTML_ESCAPES
from app.policy.attendance import may_decide_excuse, may_keep_clock_records
from app.request_context import current_actor, current_staff
from app.security import attendance_scope
from app.services.attendance import (attendance_month_of, attendance_settings,
                                     clock_label, correct_clock_record, correct_off_post,
                                     days_without_clock_data, decide_excuse,
                                     delete_off_post, derive_month, enter_clock_record, enter_off_post,
                                     file_excuse, import_clock_file, month_overview,
                                     pending_excuses, precheck_clock_file, sample_clock_file)
from app.services.exports import ATTENDANCE_COLUMNS, attendance_rows, write_export
from app.services.table_files import ImportLimits
from app.services.background import (JobFailed, JobResult, job_params, stash_upload,
                                     stashed_upload)
from app.services.deductions import parse_month
from app.services.jobs import ATTENDANCE
from app.services.transaction import check_version, transaction
from app.services import org_queries
from app.views.base import get_or_404, rule_checked
from app.views.downloads import refuse_over_cap, xlsx_download
from app.views.fields import DayField, MinuteField
from app.views.jobs import LOGIN_GONE, as_allowed_user, locked_work, start_job, start_month_job
from models.attendance import ClockExcuse, ClockRecord, OffPostRecord
from models.org import Staff

STATUS_LABELS = {"ok": _l("on time"), "late": _l("late"), "early": _l("early leave"),
                 "late_early": _l("late and early leave"), "absent": _l("absent, no clock-in"),
                 "leave": _l("on leave"), "excused": _l("excused (补签单)"),
                 "no_data": _l("no clock data")}
REASON_LABELS = {"meeting": _l("Meeting"), "errand": _l("Official errand")}
HALF_LABELS = {"am": _l("Morning"), "pm": _l("Afternoon")}
# A 补签单 is approved as a leave is (批准/不批准/已批准): msgid context "leave".
EXCUSE_STATE_LABELS = {"pending": _lp("leave", "Pending"), "approved": _lp("leave", "Approved"),
                       "rejected": _lp("leave", "Rejected")}


def half_reason(half) -> str:
    """ATT-2: why a half-day is what it is: "late 08:07", "early leave 17:12", "on leave"."""
    label = str(STATUS_LABELS.get(half.status, half.status))
    if half.status == "late":
        return f"{label} {clock_label(half.first)}"
    if half.status == "early":
        return f"{label} {clock_label(half.last)}"
    if half.status == "late_early":
        return f"{label} {clock_label(half.first)}–{clock_label(half.last)}"
    return label


def runs_text(runs) -> str:
    """ATT-2: runs of days without clock data as the pages say them: 2026-11-16 – 2026-11-20、
    2026-11-23."""
    return "、".join(first.isoformat() if first == last else
                    f"{first.isoformat()} – {last.isoformat()}" for first, last in runs)


def work_hours_note(settings) -> str:
    """ATT-1: the seasonal work hours and how early staff arrive (att.arrive_early_minutes),
    as the attendance pages show them; the minutes are a request, not a lateness criterion
    (ATT-2: late is after the half-day's start)."""
    def hours(halves):
        morning, afternoon = (f"{start:%H:%M}–{end:%H:%M}" for start, end in halves)
        return gettext("morning %(morning)s, afternoon %(afternoon)s", morning=morning,
                       afternoon=afternoon)

    def month_day(pair):
        return f"{pair[0]:02d}-{pair[1]:02d}"

    note = gettext("Work hours: summer (from %(summer_start)s) %(summer)s; winter (from "
                   "%(winter_start)s) %(winter)s.", summer_start=month_day(settings.summer_start),
                   summer=hours(settings.summer), winter_start=month_day(settings.winter_start),
                   winter=hours(settings.winter))
    if settings.arrive_early_minutes:
        note += " " + gettext("Please arrive %(minutes)s minutes early.",
                              minutes=settings.arrive_early_minutes)
    return note


def _month_args() -> tuple[int, int]:
    today = context.today()
    year = request.args.get("year", type=int) or today.year
    month = request.args.get("month", type=int) or today.month
    if not (2000 <= year <= 2099 and 1 <= month <= 12):
        abort(404)
    return year, month


def _staff_choices(scope=None) -> list[tuple[str, str]]:
    rows = org_queries.active_staff(db.session, staff_ids=scope)
    return [(str(s.id), f"{s.name} ({s.employee_no})" if s.employee_no else s.name) for s in rows]


_STAND_IN_ID = 987654321  # an id no row has, in a URL built once, replaced by each row's


def urls_by_id(endpoint: str, key: str, **values):
    """id → `url_for(endpoint, **{key: id}, **values)`, the URL built once with a stand-in id
    and each id put in (issue #21 P1: the month links every person of the center)."""
    url, text = url_for(endpoint, **values, **{key: _STAND_IN_ID}), str(_STAND_IN_ID)
    if url.count(text) != 1:
        return lambda row_id: url_for(endpoint, **values, **{key: row_id})
    head, tail = url.split(text)
    return lambda row_id: f"{head}{int(row_id)}{tail}"


def month_table_rows(rows, person_url, window_names: dict) -> Markup:
    """The rows of the month table (attendance_month.html), drawn in one call: a person's
    name opening their month, their window, late/early/absent counts, off-post times and
    absence days (ATT-3), escaped as the template's loop escaped them (issue #21 P1: the loop
    cost ~160 template look-ups per person)."""
    parts = []
    for staff, m in rows:
        # whole numbers, days and Decimal days print no character to escape; text is escaped
        # as markupsafe's `escape` does, by one translate
        off_post = "".join(f"{day.isoformat()} {int(minutes)}′ " for day, minutes in m.off_post)
        name, window = str(staff.name), str(window_names.get(staff.window_id, ""))
        parts.append(
            f'\n  <tr data-staff="{int(staff.id)}"><td><a href="'
            f'{str(person_url(staff.id)).translate(HTML_ESCAPES)}">'
            f'{name.translate(HTML_ESCAPES)}</a></td>\n      <td>{window.translate(HTML_ESCAPES)}'
            f'</td><td>{int(m.late)}</td><td>{int(m.early)}</td>'
            f'<td>{int(m.absent_half_days)}</td>\n      <td>{off_post}</td>\n      '
            f'<td class="absence-days">{escape(m.absence_days)}</td></tr>\n  ')
    return Markup("".join(parts))


def attendance_chart(rows, year: int, month: int, person_url=None) -> dict | None:
    """Issue #20, ATT-2/3: the month's late arrivals, early leaves and absent half-days of
    everyone who has any, most absence first; a bar opens the person's month."""
    marked = sorted(((staff, m) for staff, m in rows if m.late or m.early or m.absent_half_days),
                    key=lambda pair: (-pair[1].absence_days, -pair[1].absent_half_days,
                                      -(pair[1].late + pair[1].early), pair[0].name))
    if not marked:
        return None
    person_url = person_url or urls_by_id("AttendanceView.person", "staff_id", year=year,
                                          month=month)
    return {"categories": [staff.name for staff, _m in marked], "horizontal": True,
            "integer": True,
            "links": [person_url(staff.id) for staff, _m in marked],
            "series": [{"name": gettext(label), "stack": "attendance",
                        "data": [getattr(m, key) or None for _staff, m in marked]}
                       for key, label in (("late", "Late arrival"), ("early", "Early leave"),
                                          ("absent_half_days", "Absent half-days"))]}


def attendance_window_chart(rows, windows, year: int, month: int) -> dict | None:
    """Issue #20, ATT-2/3: the month by window — each active window's late arrivals, early
    leaves and absent half-days (its staff's, added up), every window named even at zero; a
    bar opens the month of that window's staff."""
    shown = [w for w in windows if w.is_active]
    if not shown:
        return None
    sums = {w.id: {"late": 0, "early": 0, "absent_half_days": 0} for w in shown}
    for staff, m in rows:
        window = sums.get(staff.window_id)
        if window is not None:
            window["late"] += m.late or 0
            window["early"] += m.early or 0
            window["absent_half_days"] += m.absent_half_days or 0
    window_url = urls_by_id("AttendanceView.month", "window_id", year=year, month=month)
    return {"categories": [f"{w.number} {w.name}" for w in shown], "horizontal": True,
            "integer": True,
            "links": [window_url(w.id) for w in shown],
            "series": [{"name": gettext(label), "stack": "attendance",
                        "data": [sums[w.id][key] or None for w in shown]}
                       for key, label in (("late", "Late arrival"), ("early", "Early leave"),
                                          ("absent_half_days", "Absent half-days"))]}


class AttendanceView(BaseView):
    """考勤 — the month of every staff member (Office, Leadership) or one's own (everyone)."""

    route_base = "/attendance"
    default_view = "month"
    class_permission_name = "Attendance"
    method_permission_name = {"month": "read", "person": "read", "export": "read"}
    base_permissions = ["can_read"]

    @expose("/")
    @has_access
    def month(self):
        year, month = _month_args()
        scope = attendance_scope()
        if scope is not None:  # only their own month
            if not scope:
                abort(404)
            return redirect(url_for(".person", staff_id=scope[0], year=year, month=month))
        window_id = request.args.get("window_id", type=int)
        settings = attendance_settings(db.session)  # read once for the page and the month
        rows, no_data = month_overview(db.session, year, month, context.today(),
                                       window_id=window_id, settings=settings)
        windows = org_queries.windows(db.session, active_only=False)
        person_url = urls_by_id("AttendanceView.person", "staff_id", year=year, month=month)
        return self.render_template("bianmin/attendance_month.html", rows=rows, year=year,
                                    chart=attendance_chart(rows, year, month, person_url),
                                    # each person's window named from the windows read
                                    # for the filter (no load per row)
                                    table_rows=month_table_rows(
                                        rows, person_url, {w.id: str(w) for w in windows}),
                                    window_chart=None if window_id else attendance_window_chart(
                                        rows, windows, year, month),
                                    month=month, windows=windows, window_id=window_id,
                                    settings=settings, work_hours=work_hours_note(settings),
                                    no_data=no_data, runs_text=runs_text,
                                    title=gettext("Attendance %(year)s-%(month)02d", year=year, month=month))

    @expose("/export.xlsx")
    @has_access
    def export(self):
        """ATT-3 (issue #12): the month summary as .xlsx, filtered exactly like the page — the
        chosen window for Office and Leadership; everyone else gets only their own row."""
        year, month = _month_args()
        scope = attendance_scope()
        window_id = request.args.get("window_id", type=int) if scope is None else None
        # One row per staff member, computed in memory anyway (window_month): counted as is.
        rows = list(attendance_rows(db.session, year, month, context.today(),
                                    window_id=window_id, staff_ids=scope))
        refused = refuse_over_cap(lambda _cap: len(rows), ".month", kind="attendance")
        if refused:
            return refused

        def write(out):
            return write_export(out, ATTENDANCE_COLUMNS, rows, title=gettext("Attendance"),
                                translate=gettext)

        name = f"{year}-{month:02d}"
        return xlsx_download(write, kind="attendance", ascii_name=f"attendance-{name}.xlsx",
                             display_name=f"{gettext('Attendance')}-{name}.xlsx")

    @expose("/person/<int:staff_id>")
    @has_access
    def person(self, staff_id):
        year, month = _month_args()
        scope = attendance_scope()
        if scope is not None and staff_id not in scope:
            abort(404)
        get_or_404(Staff, staff_id)
        view = attendance_month_of(db.session, staff_id, year, month, context.today())
        return self.render_template(
            "bianmin/attendance_person.html", view=view, half_reason=half_reason,
            no_data=days_without_clock_data(db.session, year, month, context.today()),
            runs_text=runs_text,
            work_hours=work_hours_note(view.settings),
            clock_label=clock_label, may_keep=may_keep_clock_records(current_actor()),
            own_export=scope is not None, reason_labels=REASON_LABELS, half_labels=HALF_LABELS, state_labels=EXCUSE_STATE_LABELS,
            local_time=lambda at: at.astimezone(context.center_zone()).strftime("%H:%M:%S"),
            title=gettext("Attendance of %(name)s, %(year)s-%(month)02d", name=view.staff.name,
                          year=year, month=month))


class ClockImportForm(DynamicForm):
    file = FileField(_l("Clock export (CSV or .xlsx)"))


class ClockEntryForm(DynamicForm):
    staff_id = SelectField(_l("Staff"), choices=[], validators=[Optional()])
    clocked_at = MinuteField(_l("Clock time"), validators=[Optional()])
    note = TextAreaField(_l("Reason"))


class ClockCorrectionForm(DynamicForm):
    clocked_at = MinuteField(_l("Clock time"), validators=[Optional()])
    note = TextAreaField(_l("Reason"))
    remove = BooleanField(_l("Remove this clock (a wrong record)"))


class OffPostForm(DynamicForm):
    staff_id = SelectField(_l("Staff"), choices=[], validators=[Optional()])
    day = DayField(_l("Day"), validators=[Optional()])
    minutes = IntegerField(_l("Minutes off post"), validators=[Optional()])
    note = TextAreaField(_l("Inspection note"))


class OffPostCorrectionForm(DynamicForm):
    day = DayField(_l("Day"), validators=[Optional()])
    minutes = IntegerField(_l("Minutes off post"), validators=[Optional()])
    reason = TextAreaField(_l("Reason for the correction"))
    remove = BooleanField(_l("Remove this off-post record (a wrong record)"))
    version = HiddenField()


CLOCK_IMPORT_JOB = "clock-import"  # the background job's kind (issue #21)
DERIVE_JOB = "attendance"  # ATT-2/3/4: a month derived again (issue #21)


class ClockRecordView(BaseView):
    """打卡记录 — the office imports clock exports, enters and corrects clocks (ATT-1) and
    records off-post times (ATT-3)."""

    route_base = "/clockrecords"
    default_view = "import_page"
    class_permission_name = "ClockRecord"
    method_permission_name = {"import_page": "write", "sample": "write", "enter": "write",
                              "correct": "write", "offpost": "write", "offpost_correct": "write",
                              "derive": "write"}
    base_permissions = ["can_write"]

    @expose("/import/", methods=["GET", "POST"])
    @has_access
    def import_page(self):
        form = ClockImportForm(request.form if request.method == "POST" else None)
        result = None
        if request.method == "POST" and form.validate():
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                form.file.errors = [gettext("Choose a file.")]
            else:
                limits = ImportLimits.from_config(current_app.config)  # INPUT-1, issue #18
                data = upload.read(limits.file_bytes + 1)
                # Issue #21: a large file (a year's clocks: 4–24 s) is imported by the job
                # worker; one over the size limit is still refused here, at once.
                inline = current_app.config["IMPORT_INLINE_MAX_KB"] * 1024
                checked = None
                if inline < len(data):  # refused at once what the worker would refuse (#18)
                    with rule_checked(form) as checked:
                        precheck_clock_file(upload.filename, data, limits)
                if checked is not None and checked.ok:
                    name = stash_upload(current_app.config["JOBS_RESULT_DIR"], data)
                    return start_job(CLOCK_IMPORT_JOB, {"upload": name,
                                                        "file_name": upload.filename[:200]})
                if checked is None:
                    with rule_checked(form) as saved:
                        result = import_clock_file(db.session, upload.filename, data,
                                                   current_actor().user_id, limits=limits)
                if checked is None and saved.ok and result.ok:
                    flash(gettext("%(added)s clocks imported, %(skipped)s already there.",
                                  added=result.added, skipped=result.skipped), "success")
        errors = [(e.row, e.render(gettext)) for e in result.errors] if result else []
        last_month = context.today().replace(day=1) - timedelta(days=1)
        return self.render_template("bianmin/clock_import.html", form=form, result=result,
                                    errors=errors, derive_month=last_month.strftime("%Y-%m"),
                                    title=gettext("Import clock records"))

    @expose("/derive", methods=["POST"])
    @has_access
    def derive(self):
        """ATT-2/3/4: derive a month's stored attendance days again (as `flask bianmin
        attendance --month`) — a background job (issue #21): every clock, leave and 补签单 of
        the month for everyone. The nightly derivation's lock (OPS-1) is the job's."""
        return start_month_job(DERIVE_JOB, may_keep_clock_records, url_for(".import_page"),
                               lambda year, month: url_for("AttendanceView.month", year=year,
                                                           month=month))

    def run_derive_job(self, job, _out, progress) -> JobResult:
        """ATT-2/3/4 in the worker, as the job's user: under the derivation's lock (the nightly
        job's and the command's, OPS-1), in one transaction."""
        year, month = parse_month(job_params(job).get("month"))
        with as_allowed_user(job, url_for("ClockRecordView.derive"), may_keep_clock_records):
            with locked_work(job, ATTENDANCE, f"{year}-{month:02d}", context.today()):
                days = derive_month(db.session, year, month, context.today(),
                                    progress=progress)
            return JobResult(days, None, gettext(
                "%(month)s: %(days)s attendance days derived.", month=f"{year}-{month:02d}",
                days=days))

    def run_import_job(self, job, _out, progress) -> JobResult:
        """ATT-1 as a background job (issue #21): the stashed upload imported by the same
        service in one transaction, audited as the job's user (their request, replayed in the
        worker); the row errors, if any, are the job's readable failure and nothing is saved."""
        params = job_params(job)
        path = stashed_upload(current_app.config["JOBS_RESULT_DIR"], params["upload"])
        try:
            user = self.appbuilder.sm.get_user_by_id(job.user_id) if job.user_id else None
            if user is None or not user.is_active:
                raise JobFailed(LOGIN_GONE)
            data = path.read_bytes()
            with current_app.test_request_context("/clockrecords/import/"), \
                    force_locale(job.locale):
                login_user(user)
                with transaction(db.session):
                    result = import_clock_file(
                        db.session, params["file_name"], data, current_actor().user_id,
                        limits=ImportLimits.from_config(current_app.config), progress=progress)
                if not result.ok:
                    lines = [gettext("Row %(row)s: %(error)s", row=e.row, error=e.render(gettext))
                             for e in result.errors[:10]]
                    raise JobFailed(" ".join([gettext(
                        "Nothing was imported: %(count)s rows are wrong. Correct them and import "
                        "the file again.", count=result.error_count or len(result.errors)),
                        *lines]), translated=True)
                return JobResult(result.added, None, gettext(
                    "%(added)s clocks imported, %(skipped)s already there.",
                    added=result.added, skipped=result.skipped))
        finally:
            path.unlink(missing_ok=True)

    @expose("/sample/<kind>")
    @has_access
    def sample(self, kind):
        if kind not in ("csv", "xlsx"):
            abort(404)
        mimetype = ("text/csv" if kind == "csv" else
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return Response(sample_clock_file(kind), mimetype=mimetype, headers={
            "Content-Disposition": f"attachment; filename=clock_records.{kind}"})

    @expose("/enter/", methods=["GET", "POST"])
    @has_access
    def enter(self):
        form = ClockEntryForm(request.form if request.method == "POST" else None)
        form.staff_id.choices = [("", "—")] + _staff_choices()
        if request.method == "GET" and request.args.get("staff_id", type=int):
            form.staff_id.data = str(request.args.get("staff_id", type=int))
        if request.method == "POST" and form.validate():
            staff_id = int(form.staff_id.data) if (form.staff_id.data or "").isdigit() else None
            with rule_checked(form) as saved:
                record = enter_clock_record(db.session, staff_id, form.clocked_at.data,
                                            form.note.data, current_actor().user_id)
            if saved.ok:
                flash(gettext("Clock entered."), "success")
                return redirect(url_for("AttendanceView.person", staff_id=record.staff_id,
                                        year=record.day.year, month=record.day.month))
        return self.render_template("bianmin/attendance_form.html", form=form,
                                    title=gettext("Enter a clock"), multipart=False)

    @expose("/correct/<int:pk>", methods=["GET", "POST"])
    @has_access
    def correct(self, pk):
        record = get_or_404(ClockRecord, pk)
        staff_id, day = record.staff_id, record.day
        form = ClockCorrectionForm(request.form if request.method == "POST" else None)
        if request.method == "GET":
            form.clocked_at.data = record.clocked_at.astimezone(context.center_zone()).replace(tzinfo=None)
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                correct_clock_record(db.session, record, form.clocked_at.data, form.note.data,
                                     current_actor().user_id, delete_it=form.remove.data)
            if saved.ok:
                flash(gettext("Clock corrected."), "success")
                return redirect(url_for("AttendanceView.person", staff_id=staff_id,
                                        year=day.year, month=day.month))
        return self.render_template("bianmin/attendance_form.html", form=form, multipart=False,
                                    title=gettext("Correct a clock of %(name)s", name=record.staff.name))

    @expose("/offpost/", methods=["GET", "POST"])
    @has_access
    def offpost(self):
        form = OffPostForm(request.form if request.method == "POST" else None)
        form.staff_id.choices = [("", "—")] + _staff_choices()
        if request.method == "POST" and form.validate():
            staff_id = int(form.staff_id.data) if (form.staff_id.data or "").isdigit() else None
            with rule_checked(form) as saved:
                record = enter_off_post(db.session, staff_id, form.day.data, form.minutes.data,
                                        form.note.data, current_actor().user_id)
            if saved.ok:
                flash(gettext("Off-post time recorded."), "success")
                return redirect(url_for("AttendanceView.person", staff_id=record.staff_id,
                                        year=record.day.year, month=record.day.month))
        return self.render_template("bianmin/attendance_form.html", form=form, multipart=False,
                                    title=gettext("Record off-post time"))

    @expose("/offpost/<int:pk>", methods=["GET", "POST"])
    @has_access
    def offpost_correct(self, pk):
        """ATT-3: the office corrects or removes an off-post record, with a reason, against
        the version the page was opened with (two office users at once: the second is told)."""
        record = get_or_404(OffPostRecord, pk)
        staff_id, day, name = record.staff_id, record.day, record.staff.name
        form = OffPostCorrectionForm(request.form if request.method == "POST" else None)
        if request.method == "GET":
            form.day.data, form.minutes.data = record.day, record.minutes
            form.version.data = record.version
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                check_version(record, form.version.data)
                if form.remove.data:
                    delete_off_post(db.session, record, form.reason.data)
                else:
                    correct_off_post(db.session, record, form.day.data, form.minutes.data,
                                     form.reason.data)
                    day = record.day
            if saved.ok:
                flash(gettext("Off-post record removed.") if form.remove.data
                      else gettext("Off-post record corrected."), "success")
                return redirect(url_for("AttendanceView.person", staff_id=staff_id,
                                        year=day.year, month=day.month))
        return self.render_template("bianmin/attendance_form.html", form=form, multipart=False,
                                    title=gettext("Correct an off-post record of %(name)s",
                                                  name=name))


class ClockExcuseForm(DynamicForm):
    staff_id = SelectField(_l("Staff"), choices=[], validators=[Optional()])
    day = DayField(_l("Day"), validators=[Optional()])
    half = SelectField(_l("Half-day"), choices=list(HALF_LABELS.items()), validators=[Optional()])
    reason = SelectField(_l("Reason"), choices=list(REASON_LABELS.items()), validators=[Optional()])
    note = TextAreaField(_l("Meeting or errand"))


class ClockExcuseView(BaseView):
    """补签单 — a missed clock-in excused by a meeting or an official errand (ATT-4)."""

    route_base = "/clockexcuses"
    default_view = "list"
    class_permission_name = "ClockExcuse"
    method_permission_name = {"list": "read", "file": "write", "decide": "write"}
    base_permissions = ["can_read", "can_write"]

    @expose("/")
    @has_access
    def list(self):
        actor = current_actor()
        approver = may_decide_excuse(actor)
        scope = None if approver or may_keep_clock_records(actor) else attendance_scope()
        excuses = pending_excuses(db.session, scope)
        return self.render_template(
            "bianmin/clock_excuses.html", excuses=excuses, may_approve=approver,
            may_decide=lambda excuse: may_decide_excuse(actor, excuse),  # ATT-4: per 补签单
            reason_labels=REASON_LABELS, half_labels=HALF_LABELS,
            title=gettext("Pending 补签单"))

    @expose("/file/", methods=["GET", "POST"])
    @has_access
    def file(self):
        own = current_staff()
        scope = None if may_keep_clock_records(current_actor()) else ([own.id] if own else [])
        form = ClockExcuseForm(request.form if request.method == "POST" else None)
        form.staff_id.choices = _staff_choices(scope)
        if request.method == "POST" and form.validate():
            staff_id = int(form.staff_id.data) if (form.staff_id.data or "").isdigit() else None
            if scope is not None and staff_id not in scope:
                abort(403)
            with rule_checked(form) as saved:
                file_excuse(db.session, staff_id, form.day.data, form.half.data, form.reason.data,
                            form.note.data, current_actor().user_id, context.today())
            if saved.ok:
                flash(gettext("补签单 filed; the deputy director approves it."), "success")
                return redirect(url_for(".list"))
        return self.render_template("bianmin/attendance_form.html", form=form, multipart=False,
                                    title=gettext("File a 补签单"))

    @expose("/decide/<int:pk>", methods=["POST"])
    @has_access
    def decide(self, pk):
        excuse = get_or_404(ClockExcuse, pk)
        if not may_decide_excuse(current_actor(), excuse):
            abort(403)
        if DynamicForm(request.form).validate():  # the CSRF token
            with rule_checked() as saved:
                decide_excuse(db.session, excuse, request.form.get("approve") == "1",
                              current_staff(), current_actor().user_id, context.clock().now)
            if saved.ok:
                flash(gettext("补签单 decided."), "success")
        return redirect(url_for(".list"))

