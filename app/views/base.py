"""What every domain view shares: permission names, rule checks beside the field, scoping."""

from __future__ import annotations

import sys
from datetime import datetime

from flask import abort, flash, request
from flask_appbuilder import ModelView
from flask_babel import gettext, lazy_gettext
from markupsafe import Markup
from wtforms import BooleanField, HiddenField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, StopValidation

from app.datamodel import column_checks
from app.lazy_search import LazySearchWidget, deferred_refresh
from app.extensions import db
from app.rules.errors import RuleViolation
from app.security import VIEW_METHOD_PERMISSIONS, staff_names, window_scoped_filters
from app.services.jobs import JobBusy
from app.services.references import check_deletable
from app.services.transaction import (Conflict, TransactionalInterface, check_version,
                                      transaction, transactional)


def form_values(form) -> dict:
    """A submitted form's data by field name: what the rule checks read."""
    return {name: field.data for name, field in form._fields.items()}


def relax_boolean_fields(form_class):
    """An unticked checkbox is a valid False: drop the 'required' FAB adds for NOT NULL booleans."""
    for name in dir(form_class):
        field = getattr(form_class, name, None)
        if isinstance(field, UnboundField) and issubclass(field.field_class, BooleanField):
            validators = field.kwargs.get("validators") or []
            field.kwargs["validators"] = [
                v for v in validators if not isinstance(v, (InputRequired, DataRequired))
            ]
    return form_class


class ColumnBounds:
    """A WTForms validator running one INPUT-1 check (app/datamodel.column_check): the rule's
    message stands next to the field. (RuleViolation is a ValueError, which WTForms would show
    in English with its rule id: it is translated here.)"""

    def __init__(self, check, **options):
        self.check, self.options = check, options

    def __call__(self, form, field):
        try:
            self.check(field.data, field.name, **self.options)
        except RuleViolation as violation:
            raise StopValidation(violation.render(gettext)) from None


def bounded_by_columns(form_class, model, options: dict | None = None):
    """INPUT-1: every field of `form_class` named after a column of `model` is bounded by that
    column (length, NUL bytes, numeric range, years), before anything reaches the database.
    `options` narrow a column's check ({"appointment_at": {"years": (2000, 2099)}})."""
    checks = column_checks(model)
    for name in dir(form_class):
        field = getattr(form_class, name, None)
        if isinstance(field, UnboundField) and name in checks:
            validators = list(field.kwargs.get("validators") or [])
            # A form class a view declares itself is shared: bound it once.
            if not any(isinstance(v, ColumnBounds) for v in validators):
                field.kwargs["validators"] = validators + [
                    ColumnBounds(checks[name], **(options or {}).get(name, {}))]
    return form_class


def show_violation(form, violation: RuleViolation, *, flash_otherwise: bool = False) -> None:
    """The rule's translated message next to its field; when the form has no such field,
    next to its first field, or as a flash message with `flash_otherwise`."""
    message = violation.render(gettext)
    field = form._fields.get(violation.field) if violation.field else None
    if field is None and flash_otherwise:
        flash(message, "danger")
        return
    field = field or next(iter(form._fields.values()))
    field.errors = list(field.errors) + [message]


def conflict_message() -> Markup:
    """Issue #9: "changed by someone else since you opened it", with a link that reloads the
    page as it is now (the form the user is on, freshly read)."""
    reload_url = request.full_path.rstrip("?") if request else "#"
    return Markup('{} <a href="{}" class="alert-link reload-link">{}</a>').format(
        Conflict().render(gettext), reload_url, gettext("Reload"))


def opened_at() -> datetime | None:
    """When the page of the submitted form was opened (its hidden `opened_at`, written by the
    template global `page_opened_at()`): a generation that finished since refuses the request
    as "already done" (OPS-1, app/services/jobs.py). None when missing or unreadable."""
    value = (request.form.get("opened_at") or "").strip()
    try:
        seen = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return seen if seen is not None and seen.tzinfo is not None else None


def flash_job_busy(busy: JobBusy) -> None:
    """A generation refused because it is running or was just done: by whom, since when."""
    flash(job_busy_message(busy), "warning")


def job_busy_message(busy: JobBusy) -> str:
    """What `flash_job_busy` says, in the user's language: by whom (their name), since when."""
    names = staff_names([busy.run.started_by]) if busy.run is not None else {}
    return busy.render(gettext, names=names)


class rule_checked(transaction):  # noqa: N801 — used as a statement: `with rule_checked(form) as saved:`
    """The view-side name of `transaction()`: the block's changes committed once — or, when it
    breaks a rule, rolled back with the rule's message shown (next to its field of `form`, else
    as a flash) and nothing saved; when someone else changed the row meanwhile (a stale version
    or a lock, issue #9), rolled back with the "reload and try again" flash. `.ok` tells which.
    Other errors pass through untouched.

    Rolled-back objects are expired, not detached: the page re-rendered after a failure reads
    them fresh from the database.
    """

    def __init__(self, form=None):
        super().__init__(db.session, on_error=self._show)
        self.form = form

    def _show(self, error) -> None:
        if isinstance(error, Conflict):
            flash(conflict_message(), "danger")
        elif self.form is None:
            flash(error.render(gettext), "danger")
        else:
            show_violation(self.form, error, flash_otherwise=True)


class VersionField(HiddenField):
    """The row's version the edit form was opened with (issue #9); never written to the row:
    the version column moves by itself on every UPDATE."""

    def populate_obj(self, obj, name) -> None:
        return None


def with_version_check(form_class, datamodel):
    """A subclass of the edit form `form_class` carrying the row's version in a hidden field:
    saving it after someone else changed the row fails validation with the "reload" flash,
    and nothing is saved (FAB sets `form._id` to the row's key before validating)."""

    def validate(self, extra_validators=None):
        valid = form_class.validate(self, extra_validators=extra_validators)
        pk = getattr(self, "_id", None)
        item = datamodel.get(pk) if pk is not None else None
        if item is None:
            return valid
        try:
            check_version(item, self.version.data)
        except Conflict:
            flash(conflict_message(), "danger")
            return False
        return valid

    return type(form_class.__name__, (form_class,), {"validate": validate, "version": VersionField()})


def with_rule_checks(form_class, checks):
    """A subclass of `form_class` whose validate() also runs the rule `checks`.

    A broken rule shows its translated message next to its field (or the first field) and
    the form is re-rendered with what the user typed: nothing is saved.
    """
    if not checks:
        return form_class

    def validate(self, extra_validators=None):
        valid = form_class.validate(self, extra_validators=extra_validators)
        values = form_values(self)
        for check in checks:
            try:
                check(values)
            except RuleViolation as violation:
                show_violation(self, violation)
                valid = False
        return valid

    return type(form_class.__name__, (form_class,), {"validate": validate})


def yes_no(value) -> str:
    return gettext("Yes") if value else gettext("No")


def blank(value):
    """Empty optional values read as nothing, not "None"."""
    return "" if value is None else value


blank.blank_as_empty = True  # the lists draw it without calling it (app/list_widget.py)


class DomainModelView(ModelView):
    """A generated CRUD view of one domain model.

    `rule_checks` are callables over the form's values that raise RuleViolation; the same
    callables guard the REST API (app/api/base.py), so both doors enforce one rule.
    `record_name` (translated) names the pages: "服务事项", "新增服务事项", …; without it FAB
    would title them in English ("List Service Item").
    """

    method_permission_name = VIEW_METHOD_PERMISSIONS
    search_widget = LazySearchWidget  # issue #21: related choices load when opened
    rule_checks: tuple = ()
    column_bounds: dict = {}  # INPUT-1: narrower bounds than the column's, by field name
    # Formatters of the detail page that replace those of `formatters_columns` there (the
    # lists keep theirs): e.g. a deadline with its whole provisional sentence on the case
    # page, a compact 暂定 badge in the lists (Calendar, CASE-3).
    show_formatters_columns: dict = {}
    page_size = 25
    record_name = None

    def __init__(self, **kwargs):
        # FAB's add/edit/delete commit inside its interface: ours runs them in transaction().
        self.datamodel = transactional(self.datamodel)
        super().__init__(**kwargs)

    @property
    def database_error_message(self):
        """FAB's _edit flashes this for any error of datamodel.edit: a concurrent change that
        slipped past the form's version check (the UPDATE matched no row) reads as one; a rule
        a session guard checks at flush time (ORG-2 on staff rows) says itself."""
        error = sys.exc_info()[1]
        if isinstance(error, Conflict):
            return conflict_message()
        if isinstance(error, RuleViolation):
            return error.render(gettext)
        return lazy_gettext("Database Error")

    def _init_titles(self):
        if self.record_name is not None:
            self.list_title = self.list_title or self.record_name
            self.add_title = self.add_title or lazy_gettext("Add %(name)s", name=self.record_name)
            self.edit_title = self.edit_title or lazy_gettext("Edit %(name)s", name=self.record_name)
            self.show_title = self.show_title or lazy_gettext("%(name)s details", name=self.record_name)
        super()._init_titles()

    def _init_properties(self):
        super()._init_properties()
        # Booleans as 是/否 and empty values as blank, in lists and detail pages alike.
        self.formatters_columns = dict(self.formatters_columns)
        shown = set(self.list_columns or []) | set(self.show_columns or [])
        for fieldset in self.show_fieldsets or []:
            shown |= set(fieldset[1].get("fields", []))
        for name in shown:
            if name not in self.formatters_columns:
                self.formatters_columns[name] = yes_no if self._is_boolean(name) else blank

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        widgets = super()._get_show_widget(pk, item, widgets=widgets, actions=actions,
                                           show_fieldsets=show_fieldsets)
        if self.show_formatters_columns:
            widgets["show"].template_args["formatters_columns"] = {
                **self.formatters_columns, **self.show_formatters_columns}
        return widgets

    def _is_boolean(self, name: str) -> bool:
        try:
            return bool(self.datamodel.is_boolean(name))
        except (KeyError, AttributeError):
            return False

    def pre_delete(self, item):
        """ORG-1: a row other records still use is not deleted; FAB flashes the message
        naming them ("该窗口仍被 3 个办件使用…") and deletes nothing."""
        try:
            check_deletable(db.session, item)
        except RuleViolation as violation:
            raise ValueError(violation.render(gettext)) from None

    def _init_forms(self):
        super()._init_forms()
        self.search_form = deferred_refresh(self.search_form)  # issue #21: made when asked
        model = self.datamodel.obj
        self.add_form = with_rule_checks(bounded_by_columns(
            relax_boolean_fields(self.add_form), model, self.column_bounds), self.rule_checks)
        self.edit_form = with_rule_checks(bounded_by_columns(
            relax_boolean_fields(self.edit_form), model, self.column_bounds), self.rule_checks)
        if self.datamodel.is_versioned():
            self.edit_form = with_version_check(self.edit_form, self.datamodel)


class WindowScopedModelView(DomainModelView):
    """ORG-2: a clerk or window head lists, opens, edits and deletes own-window rows only."""

    base_filters = window_scoped_filters()

    def _get_scoped(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        return item

    # FAB's single-record action route loads the row without base filters: close that door.
    def action(self, name, pk):
        self._get_scoped(pk)
        return super().action(name, pk)


def interface(model, after_write=None, written_elsewhere=None) -> TransactionalInterface:
    """The datamodel of a domain view: FAB's interface writing through transaction();
    `after_write(session)` runs in the same transaction after each add/edit/delete;
    `written_elsewhere(item)` True leaves a write to a background job (issue #21)."""
    datamodel = TransactionalInterface(model)
    datamodel.after_write, datamodel.written_elsewhere = after_write, written_elsewhere
    return datamodel


# --- Reads ---------------------------------------------------------------------------------------
# A page's lists, choices and counts come from the services' query modules
# (app/services/*_queries.py); a view's one read of its own is a row by its primary key, here.
def find(model, pk):
    """The `model` row whose primary key is `pk`, or None."""
    return db.session.get(model, pk)


def get_or_404(model, pk):
    """The `model` row whose primary key is `pk`; 404 without one."""
    row = find(model, pk)
    if row is None:
        abort(404)
    return row
