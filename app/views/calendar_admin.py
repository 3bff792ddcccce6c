"""年度节假日安排 — the office enters a newly published year's schedule in one form
(RULES.md "Calendar", CASE-3).

One page per year: the year's holiday ranges and adjusted working days as lines of text
(app/rules/schedule.py reads them), the current entries shown in the same text, so saving
replaces the year's entries with what the page shows. Permission: write on "Holiday" (Office
and Admin), the resource of the holiday list (app/views/settings.py).

Issue #21: a save that has running cases to count again (tens of thousands at a county's
scale: seconds) is a background job — the entries read here first, so a wrong line is shown
under the field at once and nothing is queued; the job saves the year and recomputes the
deadlines under the same lock, in one transaction, as its user. A year without running cases
is saved at once, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from app import context
from app.extensions import db
from app.policy.calendar import may_keep_calendar
from app.request_context import current_actor
from app.rules.calendar import WorkCalendar
from app.rules.errors import RuleViolation
from app.rules.schedule import format_year_schedule, parse_year_schedule
from app.services.calendar import FIRST_TABLE_YEAR, YEARS_AHEAD
from app.services.background import JobResult, job_params
from app.services.jobs import WORK_DAYS, JobBusy, exclusive_job
from app.services.schedule import running_case_count, save_year_schedule, year_entries
from app.services.transaction import transaction
from app.views.base import conflict_message, flash_job_busy
from app.views.cases import clock
from app.views.jobs import as_allowed_user, locked_work, start_job

SCHEDULE_JOB = "schedule"  # a year's schedule saved and its running deadlines recomputed


class YearScheduleForm(DynamicForm):
    year = IntegerField(_l("Year"), validators=[InputRequired()])
    entries = TextAreaField(_l("Holidays and adjusted working days"),
                            render_kw={"rows": 14, "spellcheck": "false"})


def _years() -> tuple[int, int]:
    """The years the work_day table covers (app/services/calendar.py): a schedule outside
    them would never reach the SQL overdue counts."""
    return FIRST_TABLE_YEAR, context.today().year + YEARS_AHEAD


def _default_year() -> int:
    """The next year whose official schedule the package lacks (the one the banner asks
    for), else next year."""
    this_year = context.today().year
    for year in (this_year, this_year + 1):
        if not WorkCalendar.has_official_schedule(year):
            return year
    return this_year + 1


class YearScheduleView(BaseView):
    """年度节假日安排 — one year's holiday ranges and adjusted working days in one form."""

    route_base = "/yearschedule"
    default_view = "schedule"
    class_permission_name = "Holiday"
    method_permission_name = {"schedule": "write"}
    base_permissions = ["can_write"]
    template = "bianmin/year_schedule.html"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def schedule(self):
        first, last = _years()
        form = YearScheduleForm(request.form if request.method == "POST" else None)
        form.year.validators = [InputRequired(), NumberRange(min=first, max=last)]
        if request.method == "GET":
            year = request.args.get("year", type=int)
            form.year.data = year if year and first <= year <= last else _default_year()
            form.entries.data = _entries_text(form.year.data)
        elif not may_keep_calendar(current_actor()):
            abort(403)
        elif form.validate() and _readable(form):
            year = form.year.data
            if running_case_count(db.session, [year]):  # issue #21: seconds at a county's scale
                return start_job(SCHEDULE_JOB, {"year": year, "entries": form.entries.data or "",
                                                "back": url_for(".schedule", year=year)})
            unit = transaction(db.session, on_error=lambda error: _show_error(form, error))
            try:  # OPS-1: the work_day table is rebuilt by one at a time, nightly job included
                with exclusive_job(db.session, WORK_DAYS, started_by=current_actor().username,
                                   subject=str(year), run_date=context.today()) as run, \
                        run.watch(unit):
                    saved = save_year_schedule(db.session, year, form.entries.data or "",
                                               context.today(), current_actor(), clock(),
                                               context.center_zone())
            except JobBusy as busy:
                flash_job_busy(busy)
            if unit.ok:
                for message, category in _saved_messages(year, saved):
                    flash(message, category)
                return redirect(url_for(".schedule", year=year))
        year = form.year.data if isinstance(form.year.data, int) else None
        return self.render_template(
            self.template, form=form, title=gettext("Year schedule"),
            rows=year_entries(db.session, year) if year else [],
            official=WorkCalendar.has_official_schedule(year) if year else False,
            year=year, years=range(last, first - 1, -1),
        )


    def run_schedule_job(self, job, _out, progress) -> JobResult:
        """Calendar, CASE-3 in the worker: the year saved and its running deadlines counted
        again (progress per batch of cases), as the job's user (the policy asked again,
        audited as them), under the work_day lock (OPS-1), in one transaction."""
        params = job_params(job)
        year = int(params["year"])
        with calendar_work(job, url_for("YearScheduleView.schedule"), str(year)) as actor:
            saved = save_year_schedule(db.session, year, params.get("entries") or "",
                                       context.today(), actor, clock(), context.center_zone(),
                                       progress=progress)
            # In the job's language (calendar_work's request); committed on leaving the block.
            return JobResult(saved.moved, None,
                             " ".join(message for message, _ in _saved_messages(year, saved)))


@contextmanager
def calendar_work(job, path: str, subject: str) -> Iterator:
    """The worker's side of a calendar page's save (issue #21): as the job's user in their
    language, the policy asked again (may_keep_calendar), under the work_day lock (OPS-1), in
    one transaction. Yields the user's actor."""
    with as_allowed_user(job, path, may_keep_calendar) as actor, \
            locked_work(job, WORK_DAYS, subject, context.today()):
        yield actor


def _readable(form) -> bool:
    """The entries read before anything is saved or queued: a wrong line is its message under
    the field, at once."""
    try:
        parse_year_schedule(form.entries.data or "", form.year.data)
    except RuleViolation as error:
        _show_error(form, error)
        return False
    return True


def _saved_messages(year: int, saved) -> list[tuple[str, str]]:
    """What the page flashes (and the job's summary says) once a year's schedule is saved."""
    change = saved.change
    messages = [(gettext("Schedule of %(year)s saved: %(added)s added, %(changed)s changed, "
                         "%(removed)s removed.", year=year, added=change.added,
                         changed=change.changed, removed=change.removed), "success")]
    if saved.moved:
        messages.append((recomputed_message(saved.moved), "info"))
    return messages


def recomputed_message(moved: int) -> str:
    """CASE-3: what a calendar save says of the running deadlines it moved."""
    return gettext("Deadlines of %(cases)s running cases were recomputed on the new schedule.",
                   cases=moved)


def _show_error(form, error) -> None:
    """A schedule line breaking a rule: its message under the entries; someone else saving
    the same year meanwhile (issue #9): the "reload and try again" flash."""
    if isinstance(error, RuleViolation):
        form.entries.errors = list(form.entries.errors) + [error.render(gettext)]
    else:
        flash(conflict_message(), "danger")


def _entries_text(year: int) -> str:
    return format_year_schedule((row.day, row.kind, row.name) for row in year_entries(db.session, year))
