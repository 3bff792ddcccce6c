"""OPS-2: back up the whole database and the sick-leave certificates to one file and restore
them, on PostgreSQL and SQLite.

PostgreSQL goes through pg_dump / pg_restore (custom format: compressed, restorable into an
existing database with --clean); SQLite through its online backup API, which copies a
consistent snapshot while the app keeps serving. The password never appears on a command
line (PGPASSWORD), so `ps` does not show it.

Issue #18: the certificates (LEAVE-1) are files in LEAVE_ATTACHMENT_DIR, not rows, and the
backup left them out. The backup file is now a tar archive: `bianmin-backup.json` (what it
holds), the database (`database.pgdump` or `database.sqlite3`) and `attachments/…`, the
folder's files as they were (taken after the database: a certificate added meanwhile is in
it, unused). It is written under a temporary name and renamed when complete. A restore checks
the archive, unpacks the certificates next to the folder first (a folder that cannot take
them stops it before the database is touched), restores the database, then moves them in
(same file system: each move is atomic); files of the folder the backup does not hold stay.
A backup from before (the database dump alone) still restores, the folder untouched.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy.engine import URL, Engine

# A restore waits this long for the app's own locks, then stops with a message instead of
# hanging behind a busy page.
LOCK_TIMEOUT = "30s"


MANIFEST = "bianmin-backup.json"
FORMAT = 1
ATTACHMENTS = "attachments"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message is one readable line."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup wrote or a restore brought back."""

    path: Path
    attachments: int  # certificate files
    with_attachments: bool = True  # False: a backup of the database alone (before issue #18)


def backup(engine: Engine, path: Path, attachment_dir: str | Path | None = None) -> BackupReport:
    """OPS-2: the database and the files of `attachment_dir` into the new file `path`."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name")
    if not path.parent.is_dir():
        raise BackupError(f"folder {path.parent} does not exist")
    dialect = _dialect(engine)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    dump = path.with_name(f".{path.name}.{secrets.token_hex(4)}.database")
    try:
        if dialect == "postgresql":
            _pg_dump(engine.url, dump)
        else:
            _sqlite_copy(Path(engine.url.database), dump, standalone=True)
        files = _attachment_files(attachment_dir)
        manifest = {"format": FORMAT, "database": dialect, "attachments": len(files)}
        try:
            with tarfile.open(partial, "x") as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest).encode())
                archive.add(dump, DATABASE_MEMBERS[dialect], recursive=False)
                for name, file in files:
                    archive.add(file, f"{ATTACHMENTS}/{name}", recursive=False)
        except OSError as error:
            raise BackupError(f"cannot write {path}: {error.strerror or error}") from None
        os.replace(partial, path)
    finally:
        dump.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)  # no half-written file that looks like a backup
    return BackupReport(path, len(files))


def restore(engine: Engine, path: Path,
            attachment_dir: str | Path | None = None) -> BackupReport:
    """Replace the database's content with the backup's and put its certificates back into
    `attachment_dir`. The engine's pooled connections are closed first: on PostgreSQL an open
    one would hold the tables --clean must drop."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"backup file {path} not found")
    if not tarfile.is_tarfile(path):  # a database dump alone, as backups were before
        _restore_database(engine, path)
        return BackupReport(path, 0, with_attachments=False)
    with tempfile.TemporaryDirectory(prefix="bianmin-restore-") as work:
        with _open_backup(path) as archive:
            manifest, members = _read_manifest(archive, path)
            dialect = _dialect(engine)
            if manifest.get("database") != dialect:
                raise BackupError(f"{path} is a backup of a {manifest.get('database')} "
                                  f"database, not of this {dialect} one")
            database = Path(work) / "database"
            _extract(archive, members[DATABASE_MEMBERS[dialect]], database)
            files = [(name, member) for name, member in members.items()
                     if name.startswith(f"{ATTACHMENTS}/")]
            staging = _stage_attachments(archive, files, attachment_dir)
        try:
            _restore_database(engine, database)
            if staging is not None:
                _move_into(staging, Path(attachment_dir))
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    return BackupReport(path, len(files))


def _dialect(engine: Engine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else "sqlite"


def _restore_database(engine: Engine, path: Path) -> None:
    engine.dispose()
    if engine.dialect.name == "postgresql":
        _pg_restore(engine.url, path)
    else:
        _check_sqlite_backup(path)
        _sqlite_copy(path, Path(engine.url.database))


# ---- the archive -----------------------------------------------------------------------------


def _attachment_files(folder: str | Path | None) -> list[tuple[str, Path]]:
    """(name relative to the folder, path) of its regular files, sorted; none when it does not
    exist (no certificate was ever stored)."""
    if not folder or not Path(folder).is_dir():
        return []
    root = Path(folder)
    try:
        return sorted((path.relative_to(root).as_posix(), path) for path in root.rglob("*")
                      if path.is_file() and not path.is_symlink())
    except OSError as error:
        raise BackupError(f"cannot read attachment folder {root}: {error.strerror or error}") \
            from None


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def _open_backup(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a backup of this application ({error})") from None


def _read_manifest(archive: tarfile.TarFile, path: Path) -> tuple[dict, dict]:
    """The manifest and the members by name, every name checked: the database, the manifest
    and plain files under attachments/ with plain relative names — nothing else."""
    try:
        members = {member.name: member for member in archive.getmembers()}
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is damaged ({error})") from None
    manifest_member = members.pop(MANIFEST, None)
    if manifest_member is None or not manifest_member.isfile():
        raise BackupError(f"{path} is not a backup of this application (no {MANIFEST})")
    try:
        manifest = json.loads(archive.extractfile(manifest_member).read())
    except (ValueError, tarfile.TarError, OSError):
        raise BackupError(f"{path} is not a backup of this application") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup format this release cannot read")
    for name, member in members.items():
        parts = PurePosixPath(name).parts
        plain = member.isfile() and not PurePosixPath(name).is_absolute() \
            and ".." not in parts and "" not in parts
        attachment = len(parts) >= 2 and parts[0] == ATTACHMENTS
        if not plain or not (attachment or name in DATABASE_MEMBERS.values()):
            raise BackupError(f"{path} holds an unexpected entry: {name[:80]!r}")
    if DATABASE_MEMBERS.get(manifest.get("database")) not in members:
        raise BackupError(f"{path} holds no database")
    return manifest, members


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    source = archive.extractfile(member)
    with open(target, "xb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)


def _stage_attachments(archive: tarfile.TarFile, files, folder: str | Path | None) -> Path | None:
    """The backup's certificates unpacked into a new folder beside `folder` (same file
    system), before the database is touched: a full or read-only disk stops the restore
    here, with nothing changed."""
    if not files:
        return None
    if not folder:
        raise BackupError("LEAVE_ATTACHMENT_DIR is not set: nowhere to restore the "
                          "certificates to")
    folder = Path(folder)
    staging = folder.parent / f".{folder.name}.restore-{secrets.token_hex(4)}"
    try:
        for name, member in files:
            target = staging.joinpath(*PurePosixPath(name).parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            _extract(archive, member, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"cannot write the certificates beside {folder}: "
                          f"{error.strerror or error}; nothing was restored") from None
    return staging


def _move_into(staging: Path, folder: Path) -> None:
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = folder / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)


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


def _sqlite_copy(source: Path, target: Path, standalone: bool = False) -> None:
    """The online backup API: a consistent copy even while others write to `source`, written
    into `target` page by page (an existing `target` is replaced whole). It reads what is
    committed, in the file and in its `-wal` (app/db_events.py) alike — a copy of the file
    alone would miss the writes not yet checkpointed. `standalone`: the copy leaves WAL mode,
    so it is one file that opens anywhere without a `-wal` beside it (a restore into the live
    file keeps that file's WAL mode)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
        if standalone:
            dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.DatabaseError as error:
        raise BackupError(f"SQLite backup failed: {error}") from None
    finally:
        src.close()
        dst.close()
