"""Rule settings and holiday entries, edited by administrators (and Office for holidays)."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date

from flask import current_app, flash, g, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import inspect
from wtforms import StringField, ValidationError
from wtforms.validators import DataRequired

from app.context import center_zone, today
from app.extensions import db
from app.request_context import current_actor
from app.rules.errors import RuleViolation
from app.rules.settings import SETTING_BOUNDS
from app.services.calendar import refresh_work_days
from app.services.background import JobResult, job_params
from app.services.jobs import WORK_DAYS, JobBusy, exclusive_job
from app.services.schedule import (EntryChange, change_holiday_entry, day_taken,
                                  recompute_running_deadlines, running_case_count)
from app.request_context import role_names
from app.roles import ADMIN
from app.services.settings import check_new_value, notes_after_saving, stored_text
from app.views.base import DomainModelView, find, interface, job_busy_message
from app.views.calendar_admin import calendar_work, recomputed_message
from app.views.cases import clock
from app.views.choices import HOLIDAY_KIND_LABELS, SETTING_TYPE_LABELS, label_of
from app.views.fields import select_field
from app.views.jobs import start_job
from models.settings import Holiday, RuleSetting

SETTING_LABELS = {
    "key": _l("Setting"),
    "rule_id": _l("Rule"),
    "value_type": _l("Type"),
    "default_value": _l("Default"),
    "value": _l("Value"),
    "unit": _l("Unit"),
    "description": _l("Description"),
}
def valid_setting_value(form, field) -> None:
    """INPUT-1 and the setting's rule: the value reads as the setting's type (a number, a time
    'HH:MM', ...) and lies within its bounds, given the other settings and the request size
    limit (app/rules/settings.py); else the message stands next to it and nothing is saved."""
    setting = find(RuleSetting, request.view_args.get("pk"))
    choices = choice_words(setting.key)
    text = choice_code(choices, field.data)
    try:
        value = check_new_value(db.session, setting, text,
                                current_app.config.get("MAX_CONTENT_LENGTH"))
    except RuleViolation as violation:
        if choices:  # issue #20: the choices in the reader's words (每个工作日一人), not day/week
            raise ValidationError(gettext("Enter one of: %(choices)s.",
                                          choices="、".join(choices.values()))) from None
        raise ValidationError(violation.render(gettext)) from None
    except (ValueError, ArithmeticError):
        raise ValidationError(gettext("'%(value)s' is not a valid value for this setting.", value=field.data))
    field.data = stored_text(value)


# Issue #20: the chapter of RULES.md a setting belongs to, as its readers name it; the rule id
# itself (ATT-1) is the developers' and Admin's.
RULE_CHAPTERS = {
    "AB": _lp("rule", "A/B roles"),
    "ATT": _lp("rule", "Attendance"),
    "AUDIT": _lp("rule", "Audit log"),
    "CASE": _lp("rule", "Cases"),
    "COMP": _lp("rule", "Complaints"),
    "FAULT": _lp("rule", "Dereliction"),
    "GUIDE": _lp("rule", "Service guide"),
    "HAND": _lp("rule", "Handover"),
    "ITEM": _lp("rule", "Service items"),
    "LEAVE": _lp("rule", "Leave"),
    "MEET": _lp("rule", "Meetings"),
    "NEG": _lp("rule", "Refusal reports"),
    "NOTICE": _lp("rule", "One-time notices"),
    "ORG": _lp("rule", "Organisation"),
    "PRIV": _lp("rule", "Personal data"),
    "ROSTER": _lp("rule", "Duty rota"),
    "SCORE": _lp("rule", "Assessment"),
}
# Coded setting values shown in words (the value stored and typed stays the code).
VALUE_WORDS = {"day": _l("one person per working day"), "week": _l("one person per week")}


def choice_words(key: str) -> dict[str, str]:
    """A choice setting's stored values and their words (roster.mode: day → 每个工作日一人);
    empty for any other setting."""
    bound = SETTING_BOUNDS.get(key)
    if bound is None or bound.kind != "choice":
        return {}
    return {code: str(VALUE_WORDS.get(code, code)) for code in bound.choices}


def choice_code(choices: dict[str, str], text: str | None) -> str | None:
    """Issue #20: Admin edits a choice in words — the form shows 每周一人 and takes it back
    as the stored `week` (the stored value itself is still read)."""
    typed = (text or "").strip()
    return next((code for code, words in choices.items() if typed == words), text)


def rule_label(rule_id: str | None) -> str:
    """`ATT-1` → 考勤 第1条; Admin also sees the id, as the settings are theirs to edit."""
    if not rule_id:
        return ""
    chapter, _, number = rule_id.partition("-")
    name = RULE_CHAPTERS.get(chapter)
    if name is None:
        return rule_id
    text = gettext("%(chapter)s, rule %(number)s", chapter=name, number=number)
    return f"{text} ({rule_id})" if ADMIN in role_names() else text


def setting_value(value: str | None) -> str:
    return str(VALUE_WORDS.get(value, value or ""))


HOLIDAY_LABELS = {"day": _l("Date"), "kind": _l("Kind"), "name": _l("Name")}


class RuleSettingView(DomainModelView):
    """规则设置 — one row per configurable value of RULES.md; only the value is editable."""

    datamodel = interface(RuleSetting)
    record_name = _l("Rule setting")
    class_permission_name = "RuleSetting"
    label_columns = SETTING_LABELS
    list_columns = ["rule_id", "description", "value", "unit", "default_value"]
    # The key (att.arrive_early_minutes) names the setting for the code: not shown (issue #20).
    show_columns = ["rule_id", "description", "value_type", "value", "unit", "default_value"]
    edit_columns = ["value"]
    search_columns = ["rule_id", "key"]
    # Descriptions and units are stored as English msgids (migration 0002): shown translated.
    formatters_columns = {"value_type": lambda value: label_of(SETTING_TYPE_LABELS, value),
                          "rule_id": rule_label, "value": setting_value, "default_value": setting_value,
                          "description": lambda value: gettext(value) if value else "",
                          "unit": lambda value: gettext(value) if value else ""}
    base_order = ("key", "asc")
    # Seeded by the migration with RULES.md's defaults: a setting is never added or removed,
    # only its value edited (and audited, AUDIT-1).
    method_permission_name = {"list": "read", "show": "read", "edit": "write"}
    base_permissions = ["can_read", "can_write"]
    edit_form_extra_fields = {
        "value": StringField(_l("Value"), validators=[DataRequired(), valid_setting_value]),
    }

    def prefill_form(self, form, pk):
        """A choice setting's value in words in the edit form (issue #20), as its list shows."""
        super().prefill_form(form, pk)
        item = find(RuleSetting, pk)
        words = choice_words(item.key) if item is not None else {}
        if form.value.data in words:
            form.value.data = words[form.value.data]

    def post_update(self, item):
        """SCORE-2/5: a setting is edited alone, so moving points between maxima passes through
        a sum below 100: say so after the save (the bounds refuse a sum above 100)."""
        super().post_update(item)
        for note in notes_after_saving(db.session, item.key):
            flash(note.render(gettext), "warning")


def day_free(form, field) -> None:
    """Calendar: one entry a day — a day that has one is said next to the field at once, not
    found by the database (or, issue #21, by the background job) later. FAB sets `form._id`
    to the edited row's key before validating."""
    if field.data is not None and day_taken(db.session, field.data, getattr(form, "_id", None)):
        raise ValidationError(gettext("%(day)s already has an entry: edit that one.",
                                      day=field.data.isoformat()))


# Issue #21: an entry saved and its running deadlines counted again by the worker.
HOLIDAY_JOB = "holiday-entry"
QUEUED_ENTRY = _l("The entry is saved by a background job, together with the deadlines of "
                  "the running cases it moves: its progress is below.")


class HolidayView(DomainModelView):
    """节假日调整 — local closures and extra working days (calendar paragraph, CASE-3).

    Issue #21: an entry of a year with running cases to count again (one closure day moves
    most of them: seconds at a county's scale) is saved by a background job — the form is
    checked here first (a wrong field: its message at once, nothing queued), then the page
    answers with the job's progress; the job saves the entry as its user, under the work_day
    lock, in one transaction. An entry of a year without running cases is saved at once, under
    the same lock (OPS-1): taken before the write, held until it has committed or failed; when
    the nightly recomputation or a schedule save holds it, the year schedule page's message and
    nothing saved."""

    # The work_day table follows the calendar, so the SQL overdue counts (CASE-6) do too:
    # refreshed in the same transaction as the entry (one commit, not two).
    datamodel = interface(Holiday, after_write=lambda session: _refresh_work_days(session),
                          written_elsewhere=lambda _item: _JOB_KEY in g)
    record_name = _l("Holiday entry")
    class_permission_name = "Holiday"
    label_columns = HOLIDAY_LABELS
    list_columns = add_columns = edit_columns = show_columns = ["day", "kind", "name"]
    search_columns = ["day", "kind", "name"]
    formatters_columns = {"kind": lambda value: label_of(HOLIDAY_KIND_LABELS, value)}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": select_field(_l("Kind"), HOLIDAY_KIND_LABELS),
    }
    base_order = ("day", "desc")
    validators_columns = {"day": [day_free]}

    # An entry changes its year's calendar, an entry moved to another year both years'
    # (noted per request: the view object is shared between requests).
    def pre_add(self, item):
        super().pre_add(item)
        _plan(EntryChange(None, item.day, item.kind, item.name), {item.day.year})
        _lock_work_days()

    def pre_update(self, item):
        super().pre_update(item)
        before = inspect(item).attrs.day.history.deleted
        # The version the form was opened with: its validation checked it is still the row's.
        _plan(EntryChange(item.id, item.day, item.kind, item.name, item.version),
              {item.day.year} | {day.year for day in before if day is not None})
        _lock_work_days()

    def pre_delete(self, item):
        super().pre_delete(item)
        _plan(EntryChange(item.id, version=item.version), {item.day.year})
        _lock_work_days()

    # The write committed: the lock is let go (OPS-1). The redirect follows every POST that
    # reached the write, saved or not: a lock still held there is of a write that failed.
    def post_add(self, item):
        super().post_add(item)
        _unlock_work_days(saved=True)

    def post_update(self, item):
        super().post_update(item)
        _unlock_work_days(saved=True)

    def post_delete(self, item):
        super().post_delete(item)
        _unlock_work_days(saved=True)

    # FAB's "added / changed / deleted" flash says the job's instead when it saves the entry.
    @property
    def add_row_message(self):
        return QUEUED_ENTRY if _JOB_KEY in g else DomainModelView.add_row_message

    @property
    def edit_row_message(self):
        return QUEUED_ENTRY if _JOB_KEY in g else DomainModelView.edit_row_message

    @property
    def delete_row_message(self):
        return QUEUED_ENTRY if _JOB_KEY in g else DomainModelView.delete_row_message

    def post_add_redirect(self):
        _unlock_work_days(saved=False)
        return _job_page() or super().post_add_redirect()

    def post_edit_redirect(self):
        _unlock_work_days(saved=False)
        return _job_page() or super().post_edit_redirect()

    def post_delete_redirect(self):
        _unlock_work_days(saved=False)
        return _job_page() or super().post_delete_redirect()

    def run_entry_job(self, job, _out, progress) -> JobResult:
        """Calendar, CASE-3 in the worker: the entry saved and the running deadlines of its
        years counted again (progress per batch of cases), as the job's user, under the
        work_day lock (OPS-1), in one transaction; audited as them (AUDIT-1)."""
        params = job_params(job)
        change = _entry_change(params)
        with calendar_work(job, url_for("HolidayView.list"), params["years"]) as actor:
            moved = change_holiday_entry(db.session, change, today(), actor, clock(),
                                         center_zone(), progress=progress)
            return JobResult(moved, None, _entry_summary(change, moved))


_JOB_KEY = "bianmin_holiday_job"  # g: the entry this request leaves to a job


def _plan(change: EntryChange, years: set[int]) -> None:
    """The years the entry changes (their running deadlines follow), and — when they have
    running cases — the job that saves it instead of this request (issue #21)."""
    g.bianmin_holiday_years = years
    with db.session.no_autoflush:  # the edited row holds the form's values, unsaved
        if running_case_count(db.session, years):
            g.setdefault(_JOB_KEY, (change, years))


_LOCK_KEY = "bianmin_holiday_lock"  # g: the work_day lock this request's save holds


def _lock_work_days() -> None:
    """OPS-1: an entry this request saves rebuilds the work_day table (and counts running
    deadlines again), as the year schedule page's save and the nightly job do: under their
    lock, taken here — after the checks, just before FAB's write — and let go once the write
    has committed or failed (`_unlock_work_days`). Held by someone else: FAB shows the year
    schedule page's message ("already running: started by … at …") and saves nothing. An entry
    left to a job takes nothing here: the job takes the lock itself."""
    if _JOB_KEY in g:
        return
    years = g.get("bianmin_holiday_years", set())
    held = ExitStack()
    try:
        run = held.enter_context(exclusive_job(
            db.session, WORK_DAYS, started_by=current_actor().username,
            subject=",".join(str(year) for year in sorted(years)), run_date=today()))
    except JobBusy as busy:
        db.session.rollback()  # the form's values on an edited row: not to be flushed later
        raise ValueError(job_busy_message(busy)) from None
    setattr(g, _LOCK_KEY, (held, run))


def _unlock_work_days(saved: bool) -> None:
    """The work_day lock of this request's save let go; its run recorded as done when the
    entry was saved, else as failed."""
    taken = g.pop(_LOCK_KEY, None)
    if taken is None:
        return
    held, run = taken
    if not saved:
        run.failed("the holiday entry was not saved")
    held.close()


def _job_page():
    """The job's progress page when the entry is the job's to save, else None."""
    planned = g.pop(_JOB_KEY, None)
    if planned is None:
        return None
    change, years = planned
    db.session.rollback()  # the form's values on an edited row: the job saves them
    return start_job(HOLIDAY_JOB, {
        "entry": change.entry_id, "day": change.day.isoformat() if change.day else None,
        "kind": change.kind, "name": change.name, "version": change.version,
        "years": ",".join(str(year) for year in sorted(years)),
        "back": url_for("HolidayView.list")})


def _entry_change(params: dict) -> EntryChange:
    day = params.get("day")
    return EntryChange(params.get("entry"), date.fromisoformat(day) if day else None,
                       params.get("kind") or "", params.get("name") or "", params.get("version"))


def _entry_summary(change: EntryChange, moved: int) -> str:
    """The job's summary, as the page's flashes would say it."""
    done = (gettext("Holiday entry %(day)s saved.", day=change.day.isoformat())
            if change.day is not None else gettext("Holiday entry deleted."))
    if not moved:
        return done
    return " ".join((done, recomputed_message(moved)))


def _refresh_work_days(session) -> None:
    """The work_day table follows the calendar, so the SQL overdue counts (CASE-6) do too, and
    so do the deadlines of the running cases whose limit crosses the changed years (CASE-3)."""
    refresh_work_days(session, today())
    years = g.pop("bianmin_holiday_years", set())
    if years:
        recompute_running_deadlines(session, years, current_actor(), clock(), center_zone())
