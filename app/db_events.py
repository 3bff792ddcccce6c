"""Database connection settings the app relies on, whatever the backend.

SQLite checks foreign keys only when each connection asks for it (FAB-NOTES): without the
PRAGMA a delete of a window still used by cases succeeds on SQLite and fails on PostgreSQL,
and the orphaned cases break their print pages. With it both backends refuse the same rows.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def _foreign_keys_on(dbapi_connection, _connection_record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def enforce_foreign_keys(engine: Engine) -> None:
    """Every new SQLite connection of `engine` enforces foreign keys (idempotent); connections
    already pooled are dropped so none slips through without it. Other backends always do."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _foreign_keys_on):
        return
    event.listen(engine, "connect", _foreign_keys_on)
    engine.dispose()
