"""User accounts (issue #18): session generations, and what the audit trail keeps of changes
to FAB's users.

A user's session generation (`SessionGeneration`) is copied into the login cookie and into
every API token when they are issued; a cookie or token of an older generation is refused
(app/security/manager.py). Logging out, a password change or reset, a role change and deactivation
move it on: every session and token of that user ends at once, on every server.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, scoped_session

from app.services import frame_queries
from app.services.transaction import transaction
from models.logins import SessionGeneration
from models.org import Staff

# What the audit trail keeps of a user (AUDIT-1, issue #18): never the password hash — a
# changed password shows as this mark on both sides.
PASSWORD_MARK = "******"
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "active")
ROLE_FIELDS = ("roles", "groups")
# The changes that end every session and token of the user.
SESSION_ENDING_FIELDS = frozenset({"password", "active", "roles", "groups"})

_TABLE = SessionGeneration.__table__


_SIGNED_IN: dict = {}


def signed_in_user(session: Session, user_model, user_id: int, frame: bool = False):
    """(user, session generation, Staff row or None) of a login cookie's user, in one statement
    (issue #21: the user, their generation and their Staff row were three statements on every
    signed-in page); None when there is no such user. The Staff row is unique per user.

    With `frame`, the same statement also reads what the page's frame shows (the center row
    and the calendar's version, app/services/frame_queries.py), kept for the transaction as
    `frame_reads` keeps it: a page drawing the frame sends one statement less."""
    statement = _SIGNED_IN.get((user_model, frame))
    if statement is None:  # built once: building a statement costs more than running it
        statement = (select(user_model, _TABLE.c.generation, Staff)
                     .outerjoin(_TABLE, _TABLE.c.user_id == user_model.id)
                     .outerjoin(Staff, Staff.user_id == user_model.id))
        if frame:
            statement = (statement.add_columns(*frame_queries.frame_columns())
                         .outerjoin(*frame_queries.frame_join()))
        statement = _SIGNED_IN[(user_model, frame)] = statement.where(
            user_model.id == bindparam("user_id"))
    if isinstance(session, scoped_session):
        session = session()  # the Session itself: its proxy walks to it at every attribute
    row = session.execute(statement, {"user_id": user_id}).first()
    if row is None:
        return None
    if frame:
        frame_queries.keep_frame_reads(session, row[3:])
    user, generation, staff = row[:3]
    return user, generation or 0, staff


def session_generation(session: Session, user_id: int) -> int:
    """The user's current session generation (0 until the first change)."""
    value = session.execute(select(_TABLE.c.generation).where(_TABLE.c.user_id == user_id)
                            ).scalar()
    return value or 0


def advance_generations(connection, user_ids, now: datetime) -> dict[int, int]:
    """Move the users' generations on by one (an upsert, safe against a concurrent one) on
    `connection`; returns the new generations."""
    ids = sorted({int(user_id) for user_id in user_ids})
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    for user_id in ids:
        statement = insert(_TABLE).values(user_id=user_id, generation=1, changed_at=now)
        connection.execute(statement.on_conflict_do_update(
            index_elements=[_TABLE.c.user_id],
            set_={"generation": _TABLE.c.generation + 1, "changed_at": now}))
    rows = connection.execute(select(_TABLE.c.user_id, _TABLE.c.generation)
                              .where(_TABLE.c.user_id.in_(ids)))
    return {user_id: generation for user_id, generation in rows}


def end_sessions(session: Session, user_id: int, now: datetime) -> int:
    """End every session and token of the user (logging out): their new generation."""
    with transaction(session):
        return advance_generations(session.connection(), [user_id], now)[int(user_id)]


def _names(rows) -> str:
    return ", ".join(row.name for row in sorted(rows, key=lambda row: row.id or 0))


def new_account(user) -> dict:
    """A created user as the audit trail keeps it: [None, value] per field, no password."""
    changes = {field: [None, getattr(user, field)] for field in ACCOUNT_FIELDS}
    for field in ROLE_FIELDS:
        changes[field] = [None, _names(getattr(user, field) or [])]
    return changes


def account_changes(user) -> dict:
    """A changed user's {field: [before, after]} for the audit trail (the password as
    PASSWORD_MARK); empty when only FAB's login statistics changed."""
    state = inspect(user)
    changes = {}
    for field in ACCOUNT_FIELDS:
        history = state.attrs[field].history
        if history.added:
            before = history.deleted[0] if history.deleted else None
            if before != history.added[0]:
                changes[field] = [before, history.added[0]]
    password = state.attrs["password"].history
    if password.added and password.added[0] != (password.deleted[0] if password.deleted else None):
        changes["password"] = [PASSWORD_MARK, PASSWORD_MARK]
    for field in ROLE_FIELDS:
        history = state.attrs[field].history
        if history.added or history.deleted:
            kept = list(history.unchanged or ())
            before = _names([*kept, *(history.deleted or ())])
            after = _names([*kept, *(history.added or ())])
            if before != after:
                changes[field] = [before, after]
    return changes


def ends_sessions(changes: dict) -> bool:
    """Whether the changes end the user's sessions and tokens (issue #18)."""
    return bool(SESSION_ENDING_FIELDS & set(changes))
