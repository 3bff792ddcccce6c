"""Database connection settings the app relies on, whatever the backend.

SQLite checks foreign keys only when each connection asks for it (FAB-NOTES): without the
PRAGMA a delete of a window still used by cases succeeds on SQLite and fails on PostgreSQL,
and the orphaned cases break their print pages. With it both backends refuse the same rows.

An SQLite file runs in WAL mode (write-ahead log): the demo's web app and its job worker share
the file, and in the default rollback-journal mode a long write of the worker (an import, a
derivation) locks every reader out ("database is locked"). In WAL readers read the last
committed state while one writer writes; writers still take turns, each waiting up to the busy
timeout (app/services/transaction.py). The mode is stored in the file, so every process and
tool that opens it afterwards gets it too; committed writes may sit in the `-wal` file beside
it until a checkpoint, which is why a backup goes through SQLite's backup API (OPS-2,
app/services/backup.py) and never copies the file alone.
"""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def _foreign_keys_on(dbapi_connection, _connection_record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _write_ahead_log(dbapi_connection, _connection_record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # An in-memory or temporary database has no file (and could not be shared anyway).
        if not cursor.execute("PRAGMA database_list").fetchone()[2]:
            return
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            return  # the usual case: the file was switched once, for good
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            # Switching needs the file to itself; a connection that cannot have it works on
            # in the old mode, and the next one switches.
            log.warning("SQLite: WAL mode not set this time (%s)", error)
    finally:
        cursor.close()


def configure_sqlite(engine: Engine) -> None:
    """Every new SQLite connection of `engine` enforces foreign keys and, on a file, uses the
    write-ahead log (idempotent); connections already pooled are dropped so none slips through
    without it. Other backends always do both."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _foreign_keys_on):
        return
    event.listen(engine, "connect", _foreign_keys_on)
    event.listen(engine, "connect", _write_ahead_log)
    engine.dispose()
