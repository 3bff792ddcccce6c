"""The SQLite file database runs in WAL mode (app/db_events.py): the demo's web app and its job
worker share one file, and a long write of the worker (an import, a derivation) must not stop
the pages reading it. A backup (OPS-2) taken while a write is still only in the `-wal` file
holds that write."""

from __future__ import annotations

import shutil
import sqlite3
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.db_events import configure_sqlite
from app.services.transaction import SQLITE_BUSY_TIMEOUT_MS


@pytest.fixture
def engine(app, db_session):
    engine = db_session.get_bind()
    if engine.dialect.name != "sqlite":
        pytest.skip("WAL is SQLite's; PostgreSQL readers never wait for writers")
    return engine


def test_a_file_database_answers_wal_and_waits_for_a_writer(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_an_in_memory_database_is_left_as_it_is():
    memory = create_engine("sqlite://")
    configure_sqlite(memory)
    with memory.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    memory.dispose()


def test_a_reader_is_not_blocked_by_an_open_write_transaction(engine, center):
    center_id = center.id
    writer, reader = engine.raw_connection(), engine.raw_connection()
    try:
        # EXCLUSIVE: what a long import holds once its changes outgrow the page cache; without
        # WAL every reader then fails with "database is locked".
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE center SET name = '写入中' WHERE id = ?", (center_id,))
        reader.execute("PRAGMA busy_timeout = 0")  # fail at once rather than wait
        name = reader.execute("SELECT name FROM center WHERE id = ?", (center_id,)).fetchone()[0]
        assert name == "测试便民服务中心"  # the last committed state
    finally:
        writer.rollback()
        reader.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        writer.close()
        reader.close()


def test_ops_2_a_backup_holds_a_write_that_is_still_in_the_wal(app, engine, db_session, center,
                                                               tmp_path):
    center_id, database = center.id, Path(engine.url.database)
    conn = engine.raw_connection()
    try:
        conn.execute("PRAGMA wal_autocheckpoint = 0")  # the write stays in the -wal file
        conn.execute("UPDATE center SET name = '只在WAL中' WHERE id = ?", (center_id,))
        conn.commit()
        # A plain copy of the database file misses it: the write is in the -wal file only.
        shutil.copyfile(database, tmp_path / "plain-copy.db")
        plain = sqlite3.connect(tmp_path / "plain-copy.db")
        row = plain.execute("SELECT name FROM center WHERE id = ?", (center_id,)).fetchone()
        assert row != ("只在WAL中",)  # the row as it was, or not even that
        plain.close()

        path = tmp_path / "wal.backup"
        result = app.test_cli_runner().invoke(args=["bianmin", "backup", str(path)])
        assert result.exit_code == 0, result.output
    finally:
        conn.invalidate()  # not back into the pool with the checkpoint off

    db_session.execute(text("UPDATE center SET name = '备份之后' WHERE id = :id"), {"id": center_id})
    db_session.commit()
    db_session.close()
    result = app.test_cli_runner().invoke(args=["bianmin", "restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert db_session.execute(text("SELECT name FROM center WHERE id = :id"),
                              {"id": center_id}).scalar() == "只在WAL中"
    with engine.connect() as check:  # the restored file is still in WAL mode
        assert check.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_ops_2_the_backed_up_database_is_one_self_contained_file(app, engine, tmp_path):
    path = tmp_path / "one.backup"
    assert app.test_cli_runner().invoke(args=["bianmin", "backup", str(path)]).exit_code == 0
    with tarfile.open(path) as archive:
        archive.extract("database.sqlite3", tmp_path, filter="data")
    copy = sqlite3.connect(f"file:{tmp_path / 'database.sqlite3'}?mode=ro", uri=True)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no -wal to carry
    copy.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["database.sqlite3", "one.backup"]
