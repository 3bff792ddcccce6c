"""AUDIT-1 as one mechanism: a session event records every change of an audited model.

A model opts in with `__audited__ = True`; `__personal_fields__` names the columns masked in
audit displays for roles that may not see them (PRIV-1). Views and services write nothing
themselves, so no door (form, API, CLI, action) can forget the trail.
"""

from __future__ import annotations

import contextvars
import json
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Callable

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from models.audit import AuditLog
from models.types import utcnow

_BEFORE_KEY = "audit_before_values"
_cli_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_actor", default=None)


@contextmanager
def audit_actor(name: str):
    """Name the actor of changes made outside a request (CLI, nightly jobs)."""
    token = _cli_actor.set(name)
    try:
        yield
    finally:
        _cli_actor.reset(token)


# Who the request's user is, as (id, login name) or None: given by the app factory
# (app.request_context.login_of_request), so this service reads no request itself.
_request_login: Callable[[], tuple[int, str] | None] = lambda: None


def _actor() -> tuple[int | None, str]:
    login = _request_login()
    if login is not None:
        return login
    return None, _cli_actor.get() or "system"


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _columns(obj):
    return [attr for attr in inspect(obj).mapper.column_attrs]


def _snapshot(obj) -> dict:
    return {attr.key: [None, _plain(getattr(obj, attr.key))] for attr in _columns(obj)}


def _touched(state) -> list[str]:
    """The columns of `state` that may have changed: those SQLAlchemy noted an original value
    of (`committed_state`); any other column has no history. Asking only these, not every
    column's history, keeps a flush of thousands of moved deadlines (CASE-3, issue #21) from
    spending its time here."""
    columns = state.mapper.column_attrs
    return [key for key in state.committed_state if key in columns]


def _unknown_before(obj) -> list[str]:
    """Changed columns whose old value was never loaded (set after an expiry, e.g. a commit)."""
    state = inspect(obj)
    return [
        key for key in _touched(state)
        if state.attrs[key].history.added and not state.attrs[key].history.deleted
    ]


def _before_flush(session: Session, flush_context, instances) -> None:
    """Read from the database the old values the session no longer holds, before they go."""
    known = session.info[_BEFORE_KEY] = {}
    for obj in session.dirty:
        if not getattr(obj, "__audited__", False) or obj in session.new:
            continue
        keys = _unknown_before(obj)
        if not keys:
            continue
        mapper = inspect(obj).mapper
        pk = mapper.primary_key_from_instance(obj)
        if any(part is None for part in pk):
            continue
        condition = [column == value for column, value in zip(mapper.primary_key, pk)]
        columns = [mapper.columns[key] for key in keys]
        with session.no_autoflush:
            row = session.connection().execute(select(*columns).where(*condition)).first()
        if row is not None:
            known[id(obj)] = dict(zip(keys, row))


def _changes(obj, known: dict) -> dict:
    state = inspect(obj)
    loaded_before = known.get(id(obj), {})
    changed = {}
    for key in _touched(state):
        history = state.attrs[key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else loaded_before.get(key)
            after = history.added[0] if history.added else None
            if _plain(before) != _plain(after):
                changed[key] = [_plain(before), _plain(after)]
    return changed


def _record_id(obj) -> str:
    # The identity key is set only after the flush; the primary key is already there.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _entries(session: Session):
    known = session.info.pop(_BEFORE_KEY, {})
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            yield "create", obj, _snapshot(obj)
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            changed = _changes(obj, known)
            if changed:
                yield "update", obj, changed
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            yield "delete", obj, {k: [v[1], None] for k, v in _snapshot(obj).items()}


def _after_flush(session: Session, flush_context) -> None:
    rows = []
    user_id, username = None, None
    for action, obj, changes in _entries(session):
        if username is None:
            user_id, username = _actor()
        rows.append({
            "at": utcnow(),  # the instant of the write itself: a log, not a decision
            "user_id": user_id,
            "username": username,
            "action": action,
            "model": type(obj).__name__,
            "record_id": _record_id(obj),
            "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
        })
    if rows:
        # A Core insert on the flushing connection: same transaction, no nested flush.
        session.connection().execute(insert(AuditLog.__table__), rows)


def install_audit_trail(request_login: Callable[[], tuple[int, str] | None] | None = None) -> None:
    """Listen on every ORM session (idempotent). `request_login` tells who the request's user
    is (the app passes app.request_context.login_of_request); without it changes are the
    command's (`audit_actor`) or "system"'s."""
    global _request_login
    if request_login is not None:
        _request_login = request_login
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def audited_model_classes() -> dict[str, type]:
    from flask_appbuilder import Model

    return {
        mapper.class_.__name__: mapper.class_
        for mapper in Model.registry.mappers
        if getattr(mapper.class_, "__audited__", False)
    }


def record_change(session: Session, action: str, model: str, record_id, changes: dict) -> None:
    """AUDIT-1 for a record the trail above cannot read off its columns — FAB's users, whose
    roles are an association and whose password hash must never be copied (issue #18): one
    entry, written like the others, on the flushing connection, naming the same actor."""
    user_id, username = _actor()
    session.connection().execute(insert(AuditLog.__table__), [{
        "at": utcnow(),  # the instant of the write itself: a log, not a decision
        "user_id": user_id,
        "username": username,
        "action": action,
        "model": model,
        "record_id": str(record_id),
        "changes": json.dumps({key: [_plain(v) for v in values] for key, values in changes.items()},
                              ensure_ascii=False, sort_keys=True),
    }])
