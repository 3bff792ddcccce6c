"""OPS-2: `flask bianmin backup PATH` and `restore PATH` round-trip the whole database (rows
and audit trail) and the sick-leave certificates (issue #18) on the backend the suite runs on;
bad input is one readable line, exit 1."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select, text

from models.audit import AuditLog
from tests.leave_helpers import PDF, api_file, two_days, upload

pytestmark = pytest.mark.usefixtures("leave_today")  # the leave tests' day (#17)


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["bianmin", *args])


def table_counts(db_session) -> dict[str, int]:
    from models import Model

    names = [table.name for table in Model.metadata.sorted_tables] + ["alembic_version"]
    return {name: db_session.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar()
            for name in names}


def audit_trail(db_session) -> list[tuple]:
    rows = db_session.execute(select(AuditLog.at, AuditLog.username, AuditLog.action, AuditLog.model,
                                     AuditLog.record_id, AuditLog.changes).order_by(AuditLog.id))
    return [tuple(row) for row in rows]


def wipe(db_session) -> None:
    """Every row of every table goes, users, roles and permissions included."""
    from models import Model

    for table in reversed(Model.metadata.sorted_tables):
        db_session.execute(table.delete())
    db_session.commit()


def test_ops_2_backup_wipe_restore_gives_back_every_row_and_the_audit_trail(
        app, db_session, make_window, make_user, tmp_path):
    make_window("01")
    make_window("02")
    make_user("Clerk")
    before, trail = table_counts(db_session), audit_trail(db_session)
    assert before["window"] == 2 and before["ab_role"] > 0 and len(trail) >= 3
    path = tmp_path / "bianmin.backup"

    result = invoke(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0

    wipe(db_session)
    assert table_counts(db_session)["window"] == 0
    db_session.close()  # a restore needs the tables free (the app servers are stopped)

    result = invoke(app, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert table_counts(db_session) == before
    assert audit_trail(db_session) == trail
    # The restored app still works: a user logs in through the restored roles.
    assert app.test_client().get("/login/").status_code == 200


def test_ops_2_backup_refuses_to_overwrite_a_file(app, tmp_path):
    path = tmp_path / "taken.backup"
    path.write_text("keep me")
    result = invoke(app, "backup", str(path))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"错误 / Error: {path} already exists: choose a new file name"]
    assert path.read_text() == "keep me"


def test_ops_2_backup_into_a_missing_folder_is_one_line(app, tmp_path):
    result = invoke(app, "backup", str(tmp_path / "nowhere" / "x.backup"))
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "does not exist" in result.output


def test_ops_2_restore_of_a_missing_file_is_one_line(app, tmp_path):
    result = invoke(app, "restore", str(tmp_path / "none.backup"), "--yes")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "not found" in result.output


def test_ops_2_restore_of_a_file_that_is_no_backup_changes_nothing(app, db_session, make_window, tmp_path):
    make_window("01")
    before = table_counts(db_session)
    db_session.close()
    path = tmp_path / "notes.txt"
    path.write_text("这不是备份文件\n" * 100)

    result = invoke(app, "restore", str(path), "--yes")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert table_counts(db_session) == before


def test_ops_2_restore_asks_first_and_stops_on_no(app, db_session, make_window, tmp_path):
    path = tmp_path / "b.backup"
    assert invoke(app, "backup", str(path)).exit_code == 0
    make_window("09")  # made after the backup: a restore would remove it
    result = app.test_cli_runner().invoke(args=["bianmin", "restore", str(path)], input="n\n")
    assert result.exit_code == 1 and "restore cancelled" in result.output
    assert table_counts(db_session)["window"] == 1


# --- issue #18: the certificates are in the backup -------------------------------------------
@pytest.fixture
def attachments(app, tmp_path, monkeypatch):
    folder = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "LEAVE_ATTACHMENT_DIR", str(folder))
    return folder


def test_ops_2_a_certificate_comes_back_byte_identical(app, db_session, leave_people, attachments,
                                                       tmp_path):
    """deploy.md said everything was in the database, but certificates are files: the backup
    holds the attachment folder, and a restore puts each file back as it was."""
    clerk = leave_people["clerk"]
    leave_id = api_file(clerk, two_days(app, kind="sick")).get_json()["id"]
    certificate = PDF + bytes(range(256)) * 40  # every byte value
    assert upload(clerk, leave_id, certificate, "诊断证明.pdf").status_code == 200
    stored = sorted(attachments.iterdir())
    assert len(stored) == 1
    before = table_counts(db_session)
    path = tmp_path / "bianmin.backup"

    result = invoke(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert "1 个证明文件" in result.output

    wipe(db_session)
    shutil.rmtree(attachments)  # the disk with the folder is gone too
    db_session.close()
    result = invoke(app, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert "1 个证明文件" in result.output
    assert table_counts(db_session) == before
    assert sorted(attachments.iterdir()) == stored
    assert stored[0].read_bytes() == certificate
    download = clerk.get(f"/leaverequestview/certificate_file/{leave_id}")
    assert download.status_code == 200 and download.data == certificate


def test_ops_2_a_restore_whose_certificates_cannot_be_written_changes_nothing(
        app, db_session, make_window, attachments, tmp_path, monkeypatch):
    """The certificates are unpacked first: a folder that cannot take them (here: a file in
    its place's parent) stops the restore before the database is touched."""
    make_window("01")
    attachments.mkdir()
    (attachments / "a.pdf").write_bytes(PDF)
    path = tmp_path / "b.backup"
    assert invoke(app, "backup", str(path)).exit_code == 0
    make_window("09")  # after the backup: a restore would remove it
    before = table_counts(db_session)
    db_session.close()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    monkeypatch.setitem(app.config, "LEAVE_ATTACHMENT_DIR", str(blocked / "attachments"))

    result = invoke(app, "restore", str(path), "--yes")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "nothing was restored" in result.output
    assert table_counts(db_session) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attachments", "b.backup", "blocked"]


def test_ops_2_a_backup_of_the_database_alone_still_restores(app, db_session, make_window,
                                                             attachments, tmp_path):
    """A backup written before issue #18 (the dump alone) restores the database and says it
    holds no certificates; the folder is left as it is."""
    from app.extensions import db
    from app.services.backup import _pg_dump, _sqlite_copy

    make_window("01")
    path = tmp_path / "old.dump"
    engine = db.engine
    if engine.dialect.name == "postgresql":
        _pg_dump(engine.url, path)
    else:
        _sqlite_copy(Path(engine.url.database), path)
    make_window("09")
    attachments.mkdir()
    (attachments / "kept.pdf").write_bytes(PDF)
    db_session.close()

    result = invoke(app, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert "备份中没有证明文件" in result.output
    assert table_counts(db_session)["window"] == 1
    assert (attachments / "kept.pdf").read_bytes() == PDF


@pytest.mark.parametrize("entry", ["../escaped.pdf", "attachments/../../escaped.pdf",
                                   "/tmp/absolute.pdf", "notes.txt"])
def test_ops_2_a_backup_with_an_unexpected_entry_is_refused(app, db_session, make_window,
                                                            attachments, tmp_path, entry):
    """A tampered archive writes nothing outside the folder, and nothing at all."""
    make_window("01")
    good = tmp_path / "good.backup"
    assert invoke(app, "backup", str(good)).exit_code == 0
    tampered = tmp_path / "tampered.backup"
    with tarfile.open(good) as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member))
        info = tarfile.TarInfo(entry)
        info.size = len(PDF)
        target.addfile(info, io.BytesIO(PDF))
    make_window("09")
    before = table_counts(db_session)
    db_session.close()

    result = invoke(app, "restore", str(tampered), "--yes")
    assert result.exit_code == 1 and "unexpected entry" in result.output, result.output
    assert table_counts(db_session) == before
    assert not (tmp_path / "escaped.pdf").exists() and not attachments.exists()
