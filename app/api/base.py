"""What every domain API shares with its view: permission names, rule checks, scoping."""

from __future__ import annotations

from flask_appbuilder import ModelRestApi
from flask_babel import gettext
from sqlalchemy import inspect

from app.extensions import db
from app.rules.errors import RuleViolation
from app.security import API_METHOD_PERMISSIONS, window_scoped_filters
from app.services.references import StillReferenced, check_deletable


def item_values(item) -> dict:
    """An ORM item's column and relationship values by attribute name (for rule checks)."""
    mapper = inspect(item).mapper
    values = {attr.key: getattr(item, attr.key) for attr in mapper.column_attrs}
    values.update({rel.key: getattr(item, rel.key) for rel in mapper.relationships})
    return values


class DomainApi(ModelRestApi):
    """A REST resource of one domain model; `rule_checks` are the view's own (one rule, two doors).

    A broken rule answers 422 with `{"message": {field: [text]}}` in the user's language,
    like FAB's own schema errors, and nothing is saved.
    """

    method_permission_name = API_METHOD_PERMISSIONS
    allow_browser_login = True
    rule_checks: tuple = ()

    def _check(self, item) -> None:
        values = item_values(item)
        for check in self.rule_checks:
            check(values)

    def pre_add(self, item) -> None:
        self._check(item)

    def pre_update(self, item) -> None:
        self._check(item)

    def refuse(self, violation: RuleViolation):
        """Nothing saved; 422 with the rule's message under its field."""
        db.session.rollback()
        return self.response_422(
            message={violation.field or "_schema": [violation.render(gettext)]}
        )

    def _guarded(self, write, *args):
        try:
            return write(*args)
        except RuleViolation as violation:
            return self.refuse(violation)

    def post_headless(self):
        return self._guarded(super().post_headless)

    def put_headless(self, pk):
        return self._guarded(super().put_headless, pk)

    def pre_delete(self, item) -> None:
        check_deletable(db.session, item)

    def delete_headless(self, pk):
        """ORG-1: a row other records still use answers 409 naming them; nothing deleted."""
        try:
            return super().delete_headless(pk)
        except StillReferenced as violation:
            db.session.rollback()
            return self.response(409, message=violation.render(gettext))


class WindowScopedApi(DomainApi):
    """ORG-2 for the API: the same row filter as the view, declared here because FAB's API
    does not inherit a view's base_filters (FAB-NOTES)."""

    base_filters = window_scoped_filters()
