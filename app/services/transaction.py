"""事务 — one unit of work per service call: committed once, or rolled back (issue #9).

Views, the API, the CLI and FAB's generated forms all write through `transaction()` (the
Superset `@transaction` idea): nothing else in `app/` commits, and a test greps for it. A nested
`transaction()` on the same session joins the outer one, so a service may open one itself and
still be called from a view's block without committing half of the view's work.

Two failures have one meaning at every door:
- a broken rule (`RuleViolation`): the rule's message (next to a field, 4xx JSON, one CLI line);
- a `Conflict`: someone else changed the row since it was read (the version column, issue #9),
  or is changing it right now (a lock). The door answers 409 / "reload and try again".
"""

from __future__ import annotations

import logging

from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.datamodel import OrderedChoicesInterface
from app.extensions import db
from app.rules.errors import N_, RuleViolation

log = logging.getLogger(__name__)

_DEPTH_KEY = "transaction_depth"
VERSION_COLUMN = "version"
# PostgreSQL: lock_not_available, serialization_failure, deadlock_detected.
_CONFLICT_SQLSTATES = frozenset({"55P03", "40001", "40P01"})
# SQLite waits this long for another writer before "database is locked" (then: a Conflict).
SQLITE_BUSY_TIMEOUT_MS = 10_000


class Conflict(Exception):
    """The row changed (or is being changed) by someone else: nothing was saved."""

    message = N_("This record was changed by someone else since you opened it. "
                 "Reload it and try again.")

    def __init__(self, detail: str | None = None):
        self.detail = detail  # for the log: which row, which versions, which lock
        super().__init__(detail or self.message)

    def render(self, translate=lambda s: s) -> str:
        return translate(self.message)

    def __str__(self) -> str:
        # FAB's generated views flash str(error): the user's language, not the detail.
        try:
            from flask_babel import gettext

            return gettext(self.message)
        except (ImportError, RuntimeError, KeyError):
            return self.message


def is_conflict(error: BaseException) -> bool:
    """A stale version (UPDATE/DELETE matched no row) or a concurrent writer's lock."""
    if isinstance(error, (StaleDataError, Conflict)):
        return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) in _CONFLICT_SQLSTATES:
        return True
    text = str(original).lower()
    return "database is locked" in text or "database table is locked" in text


def check_version(obj, seen) -> None:
    """Issue #9: the version a form or request was opened with must still be the row's.

    `seen` None or empty means the client sent none (older clients, API calls without
    If-Match): then only the version column's own check at UPDATE time applies."""
    if seen is None or seen == "":
        return
    try:
        seen = int(str(seen).strip().strip('"').removeprefix("W/").strip('"'))
    except ValueError:
        raise Conflict(f"unreadable version {seen!r}") from None
    if seen != obj.version:
        raise Conflict(f"{type(obj).__name__} {seen} != {obj.version}")


class transaction:  # noqa: N801 — used as a statement: `with transaction(session) as txn:`
    """The block's changes committed once — or rolled back, and then:

    - a RuleViolation or a Conflict (a stale version or a lock, mapped here) is handed to
      `on_error`, whose return value becomes `.answer` (the door's answer), and suppressed;
      without `on_error` it propagates (a Conflict replaces the database error);
    - any other error propagates unchanged.

    `.ok` tells whether the block committed. A nested block (same session) neither commits
    nor rolls back: the outermost one decides.
    """

    def __init__(self, session: Session | None = None, on_error=None):
        if session is None:
            session = db.session
        self.session, self.on_error = session, on_error
        self.ok, self.error, self.answer = False, None, None

    def __enter__(self) -> transaction:
        info = self.session.info
        self._outer = info.get(_DEPTH_KEY, 0) == 0
        info[_DEPTH_KEY] = info.get(_DEPTH_KEY, 0) + 1
        return self

    def __exit__(self, kind, error, _traceback) -> bool:
        self.session.info[_DEPTH_KEY] -= 1
        if not self._outer:
            self.ok = kind is None
            return False
        if kind is None:
            try:
                self.session.commit()
            except RuleViolation as violation:
                # A session guard's rule, checked when the commit flushes (ORG-2 staff rows).
                self.session.rollback()
                if self.on_error is None:
                    raise
                return self._handle(violation)
            except SQLAlchemyError as failure:
                self.session.rollback()
                if not is_conflict(failure):
                    raise
                return self._handle(Conflict(str(failure.orig if isinstance(failure, DBAPIError)
                                                 else failure)), cause=failure)
            self.ok = True
            return False
        self.session.rollback()
        if is_conflict(error) and not isinstance(error, Conflict):
            return self._handle(Conflict(str(error)), cause=error)
        if isinstance(error, (RuleViolation, Conflict)):
            return self._handle(error)
        return False

    def _handle(self, error, cause=None) -> bool:
        self.error = error
        if self.on_error is None:
            if cause is not None:
                raise error from cause
            return False
        self.answer = self.on_error(error)
        return True


def _sqlite_busy_timeout(dbapi_connection, _record) -> None:
    # Two writers on SQLite: the second waits for the first instead of failing at once;
    # after the timeout "database is locked" is a Conflict like a stale version.
    if type(dbapi_connection).__module__.startswith(("sqlite3", "pysqlite")):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


def install_sqlite_busy_timeout() -> None:
    """Every SQLite connection waits for a concurrent writer (idempotent)."""
    if not event.contains(Engine, "connect", _sqlite_busy_timeout):
        event.listen(Engine, "connect", _sqlite_busy_timeout)


# --- FAB's generated forms and ModelRestApi write through transaction() too -----------------
class TransactionalInterface(OrderedChoicesInterface):
    """FAB's add/edit/delete, each one unit of work through `transaction()` instead of FAB's
    own commit, with FAB's contract kept: add re-raises the database error, edit and delete
    raise DatabaseException from it. A stale version or a lock raises `Conflict` (the view
    flashes "reload", the API answers 409). The `version` column is no user column: it is
    carried by the edit form's hidden field, never edited.

    `after_write(session)` runs inside the same transaction after the write (e.g. the
    work-day table following a holiday entry), so the two commit together or not at all.
    `written_elsewhere(item)` True: the write is a background job's (issue #21: a holiday
    entry moving running deadlines), and nothing is written here.
    Relationship choices come in a fixed order (`OrderedChoicesInterface`).
    """

    after_write = None
    written_elsewhere = None

    def add(self, item, commit: bool = True) -> None:
        if not commit:
            return super().add(item, commit=False)
        try:
            self._write(self.session.add, item)
        except SQLAlchemyError:
            log.exception("Add item database error")
            raise

    def edit(self, item, commit: bool = True) -> None:
        if not commit:
            return super().edit(item, commit=False)
        try:
            self._write(self.session.merge, item)
        except SQLAlchemyError as error:
            log.exception("Edit item database error")
            raise DatabaseException from error

    def delete(self, item, commit: bool = True) -> None:
        if not commit:
            return super().delete(item, commit=False)
        try:
            self._write(self._delete_item, item)
        except SQLAlchemyError as error:
            log.exception("Delete item database error")
            raise DatabaseException from error

    def delete_all(self, items) -> None:
        try:
            with transaction(self.session):
                for item in items:
                    self._delete_item(item)
                self.session.flush()
                if self.after_write is not None:
                    self.after_write(self.session)
        except SQLAlchemyError as error:
            log.exception("Delete items database error")
            raise DatabaseException from error

    def _delete_item(self, item) -> None:
        self._delete_files(item)
        self.session.delete(item)

    def _write(self, write, item) -> None:
        if self.written_elsewhere is not None and self.written_elsewhere(item):
            return
        with transaction(self.session):
            write(item)
            self.session.flush()
            if self.after_write is not None:
                self.after_write(self.session)

    def get_user_columns_list(self) -> list[str]:
        return [name for name in super().get_user_columns_list() if name != VERSION_COLUMN]

    def get_search_columns_list(self) -> list[str]:
        return [name for name in super().get_search_columns_list() if name != VERSION_COLUMN]

    def is_versioned(self) -> bool:
        return self.obj.__mapper__.version_id_col is not None


_TRANSACTIONAL_CLASSES: dict[type, type] = {}


def transactional(datamodel: SQLAInterface) -> SQLAInterface:
    """`datamodel` writing through transaction(): a plain SQLAInterface (or a subclass such as
    the case list's counting one) gets TransactionalInterface mixed into its class, in place,
    so views and APIs that declare `SQLAInterface(Model)` need no change."""
    if isinstance(datamodel, TransactionalInterface):
        return datamodel
    base = type(datamodel)
    if base not in _TRANSACTIONAL_CLASSES:
        _TRANSACTIONAL_CLASSES[base] = type(f"Transactional{base.__name__}",
                                            (TransactionalInterface, base), {})
    datamodel.__class__ = _TRANSACTIONAL_CLASSES[base]
    return datamodel
