"""OPS-2: `flask bianmin backup PATH` and `restore PATH` round-trip the whole database (rows
and audit trail) on the backend the suite runs on; bad input is one readable line, exit 1."""

from __future__ import annotations

from sqlalchemy import select, text

from models.audit import AuditLog


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
