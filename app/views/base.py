"""What every domain view shares: permission names, rule checks beside the field, scoping."""

from __future__ import annotations

from flask import abort
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from wtforms import BooleanField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired

from app.rules.errors import RuleViolation
from app.security import VIEW_METHOD_PERMISSIONS, window_scoped_filters


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
                field = self._fields.get(violation.field) or next(iter(self._fields.values()))
                field.errors = list(field.errors) + [violation.render(gettext)]
                valid = False
        return valid

    return type(form_class.__name__, (form_class,), {"validate": validate})


class DomainModelView(ModelView):
    """A generated CRUD view of one domain model.

    `rule_checks` are callables over the form's values that raise RuleViolation; the same
    callables guard the REST API (app/api/base.py), so both doors enforce one rule.
    """

    method_permission_name = VIEW_METHOD_PERMISSIONS
    rule_checks: tuple = ()
    page_size = 25

    def _init_forms(self):
        super()._init_forms()
        self.add_form = with_rule_checks(relax_boolean_fields(self.add_form), self.rule_checks)
        self.edit_form = with_rule_checks(relax_boolean_fields(self.edit_form), self.rule_checks)


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


def interface(model) -> SQLAInterface:
    return SQLAInterface(model)
