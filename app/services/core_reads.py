"""Reads that need rows of values, not ORM objects, run on the session's connection (issue #21
P1): the ORM's per-execution work (its compile state, its result set-up, its events) costs a
page of the front desk more than the SQL itself — 120 µs against 20 µs for the cover's "is
there clock data today" on SQLite (bench/RESULTS.md). In the session's transaction, after its
pending changes are flushed as its autoflush would, so a read sees what the request wrote."""

from __future__ import annotations

from sqlalchemy.engine import Result
from sqlalchemy.orm import Session, scoped_session


def core_execute(session: Session, statement, parameters: dict | None = None) -> Result:
    """`statement` (a Core select built once, bind parameters by name) on `session`'s
    connection."""
    if isinstance(session, scoped_session):
        session = session()  # the Session itself: its proxy walks to it at every attribute
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, parameters or {})
