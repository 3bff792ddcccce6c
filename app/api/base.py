"""What every domain API shares with its view: permission names, rule checks, scoping."""

from __future__ import annotations

from flask import request
from flask_appbuilder import ModelRestApi
from flask_babel import gettext
from sqlalchemy import inspect

from app.extensions import db
from app.rules.errors import RuleViolation
from app.security import API_METHOD_PERMISSIONS, window_scoped_filters
from app.services.references import StillReferenced, check_deletable
from app.services.transaction import Conflict, check_version, transaction, transactional


def expected_version(body=None):
    """Issue #9: the version the client read, from the JSON body's `version` (taken out, so
    the schema never sees it) or an `If-Match` header; None when it sent neither."""
    if isinstance(body, dict) and "version" in body:
        return body.pop("version")
    header = request.headers.get("If-Match", "").strip()
    return header or None


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

    def __init__(self):
        # FAB's POST/PUT/DELETE commit inside its interface: ours runs them in transaction().
        self.datamodel = transactional(self.datamodel)
        super().__init__()

    def unit_of_work(self) -> transaction:
        """One transaction for a custom endpoint: its `.answer` is the 422 of a broken rule or
        the 409 of a concurrent change (issue #9), None when it committed."""
        return transaction(db.session, on_error=self.answer_error)

    def answer_error(self, error):
        if isinstance(error, Conflict):
            return self.conflict()
        return self.refuse(error)

    def conflict(self):
        """409: someone else changed the row since the client read it (or is changing it)."""
        return self.response(409, message=Conflict().render(gettext))

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
        except Conflict:
            db.session.rollback()
            return self.conflict()

    def _check_version(self, pk) -> None:
        """Issue #9: a PUT/DELETE naming the version it read fails with 409 once the row moved
        on; without one, the version column still refuses an UPDATE racing another."""
        seen = expected_version(request.get_json(silent=True))
        item = self.datamodel.get(pk, self._base_filters) if seen is not None else None
        if item is not None and self.datamodel.is_versioned():
            check_version(item, seen)

    def pre_get(self, data) -> None:
        """The row's version beside its fields: what a client sends back to PUT safely."""
        if self.datamodel.is_versioned() and "id" in data:
            item = self.datamodel.get(data["id"], self._base_filters)
            if item is not None:
                data["version"] = item.version

    def post_headless(self):
        return self._guarded(super().post_headless)

    def put_headless(self, pk):
        return self._guarded(self._versioned_write, super().put_headless, pk)

    def delete_headless(self, pk):
        return self._guarded(self._versioned_write, self._delete_unless_referenced, pk)

    def _delete_unless_referenced(self, pk):
        """ORG-1: a row other records still use answers 409 naming them; nothing deleted."""
        try:
            return super().delete_headless(pk)
        except StillReferenced as violation:
            db.session.rollback()
            return self.response(409, message=violation.render(gettext))

    def _versioned_write(self, write, pk):
        self._check_version(pk)
        return write(pk)

    def pre_delete(self, item) -> None:
        check_deletable(db.session, item)



class WindowScopedApi(DomainApi):
    """ORG-2 for the API: the same row filter as the view, declared here because FAB's API
    does not inherit a view's base_filters (FAB-NOTES)."""

    base_filters = window_scoped_filters()
