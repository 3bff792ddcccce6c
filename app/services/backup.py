"""OPS-2: back up the whole database to one file and restore it, on PostgreSQL and SQLite.

PostgreSQL goes through pg_dump / pg_restore (custom format: compressed, restorable into an
existing database with --clean); SQLite through its online backup API, which copies a
consistent snapshot while the app keeps serving. The password never appears on a command
line (PGPASSWORD), so `ps` does not show it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, Engine

# A restore waits this long for the app's own locks, then stops with a message instead of
# hanging behind a busy page.
LOCK_TIMEOUT = "30s"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message is one readable line."""


def backup(engine: Engine, path: Path) -> Path:
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name")
    if not path.parent.is_dir():
        raise BackupError(f"folder {path.parent} does not exist")
    if engine.dialect.name == "postgresql":
        _pg_dump(engine.url, path)
    else:
        _sqlite_copy(Path(engine.url.database), path)
    return path


def restore(engine: Engine, path: Path) -> None:
    """Replace the database's content with the backup's. The engine's pooled connections are
    closed first: on PostgreSQL an open one would hold the tables --clean must drop."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"backup file {path} not found")
    engine.dispose()
    if engine.dialect.name == "postgresql":
        _pg_restore(engine.url, path)
    else:
        _check_sqlite_backup(path)
        _sqlite_copy(path, Path(engine.url.database))


# ---- PostgreSQL ----------------------------------------------------------------------------


def _pg_env(url: URL) -> dict:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    env["PGOPTIONS"] = f"-c lock_timeout={LOCK_TIMEOUT}"
    return env


def _pg_args(url: URL) -> list[str]:
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args + ["--no-password"]


def _run(tool: str, args: list[str], url: URL) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} not found: install the PostgreSQL client (postgresql-client)")
    done = subprocess.run([tool, *args, *_pg_args(url)], env=_pg_env(url),
                          capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{tool} failed: {lines[0] if lines else f'exit {done.returncode}'}")


def _pg_dump(url: URL, path: Path) -> None:
    try:
        _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", str(path)], url)
    except BackupError:
        path.unlink(missing_ok=True)  # no half-written file that looks like a backup
        raise


def _pg_restore(url: URL, path: Path) -> None:
    # --single-transaction: a failed restore leaves the database as it was, not half-replaced.
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                        "--single-transaction", "--exit-on-error", str(path)], url)


# ---- SQLite --------------------------------------------------------------------------------


def _check_sqlite_backup(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a backup of this application ({error})") from None
    finally:
        conn.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    """The online backup API: a consistent copy even while others write to `source`, written
    into `target` page by page (an existing `target` is replaced whole)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"SQLite backup failed: {error}") from None
    finally:
        src.close()
        dst.close()
