"""Rule settings and holiday entries, edited by administrators (and Office for holidays)."""

from __future__ import annotations

from flask import current_app, flash, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import StringField, ValidationError
from wtforms.validators import DataRequired

from app.context import center_zone, today
from app.extensions import db
from app.request_context import current_actor
from app.rules.errors import RuleViolation
from app.rules.settings import SETTING_BOUNDS
from app.services.calendar import refresh_work_days
from app.services.schedule import recompute_running_deadlines
from app.request_context import role_names
from app.roles import ADMIN
from app.services.settings import check_new_value, notes_after_saving, stored_text
from app.views.base import DomainModelView, find, interface
from app.views.cases import clock
from app.views.choices import HOLIDAY_KIND_LABELS, SETTING_TYPE_LABELS, label_of
from app.views.fields import select_field
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


class HolidayView(DomainModelView):
    """节假日调整 — local closures and extra working days (calendar paragraph, CASE-3)."""

    # The work_day table follows the calendar, so the SQL overdue counts (CASE-6) do too:
    # refreshed in the same transaction as the entry (one commit, not two).
    datamodel = interface(Holiday, after_write=lambda session: _refresh_work_days(session))
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

    # An entry changes its year's calendar, an entry moved to another year both years'
    # (noted per request: the view object is shared between requests).
    def pre_add(self, item):
        super().pre_add(item)
        _note_years({item.day.year})

    def pre_update(self, item):
        from sqlalchemy import inspect

        super().pre_update(item)
        before = inspect(item).attrs.day.history.deleted
        _note_years({item.day.year} | {day.year for day in before if day is not None})

    def pre_delete(self, item):
        super().pre_delete(item)
        _note_years({item.day.year})


def _note_years(years: set[int]) -> None:
    from flask import g

    g.bianmin_holiday_years = years


def _refresh_work_days(session) -> None:
    """The work_day table follows the calendar, so the SQL overdue counts (CASE-6) do too, and
    so do the deadlines of the running cases whose limit crosses the changed years (CASE-3)."""
    from flask import g

    refresh_work_days(session, today())
    years = g.pop("bianmin_holiday_years", set())
    if years:
        recompute_running_deadlines(session, years, current_actor(), clock(), center_zone())
