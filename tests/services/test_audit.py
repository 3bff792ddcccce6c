"""AUDIT-1: every create, update and delete of an audited model is recorded once, by one mechanism."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.services.audit import audit_actor
from models.audit import AuditLog
from models.settings import RuleSetting


def entries(db_session, model):
    db_session.expire_all()
    return db_session.scalars(select(AuditLog).where(AuditLog.model == model).order_by(AuditLog.id)).all()


def test_audit_1_create_update_delete_recorded_with_before_and_after(db_session, window_a):
    from models.org import Staff

    with audit_actor("cli:test"):
        staff = Staff(name="张三", unit="window", window=window_a, phone="13912345678")
        db_session.add(staff)
        db_session.commit()
        staff.name = "张四"
        db_session.commit()
        db_session.delete(staff)
        db_session.commit()
    create, update, delete = entries(db_session, "Staff")
    assert [create.action, update.action, delete.action] == ["create", "update", "delete"]
    assert json.loads(update.changes) == {"name": ["张三", "张四"]}
    assert json.loads(create.changes)["name"] == [None, "张三"]
    assert json.loads(delete.changes)["name"] == ["张四", None]
    assert {create.username, update.username, delete.username} == {"cli:test"}
    assert create.record_id == str(staff.id)


def test_audit_1_rule_setting_change_through_the_form_names_the_user(as_admin, db_session):
    setting = db_session.scalars(select(RuleSetting).where(RuleSetting.key == "case.max_extension_days")).one()
    response = as_admin.post_form(f"/rulesettingview/edit/{setting.id}", {"value": "8"})
    assert response.status_code == 302
    (entry,) = entries(db_session, "RuleSetting")
    assert entry.username == as_admin.user.username
    assert json.loads(entry.changes) == {"value": ["10", "8"]}


def test_audit_1_bad_setting_value_shows_message_and_saves_nothing(as_admin, db_session):
    setting = db_session.scalars(select(RuleSetting).where(RuleSetting.key == "case.max_extension_days")).one()
    response = as_admin.post_form(f"/rulesettingview/edit/{setting.id}", {"value": "ten"})
    assert response.status_code == 200
    assert "ten" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(RuleSetting, setting.id).value == "10"
    assert entries(db_session, "RuleSetting") == []


def test_audit_1_unchanged_save_records_nothing(db_session, window_a):
    window_a.name = window_a.name
    db_session.commit()
    assert [e for e in entries(db_session, "Window") if e.action == "update"] == []


def test_priv_1_audit_display_masks_phone_for_admin_but_not_for_leadership(
    log_in, db_session, window_a
):
    from models.org import Staff

    staff = Staff(name="李四", unit="window", window=window_a, phone="13912345678")
    db_session.add(staff)
    db_session.commit()
    (entry,) = entries(db_session, "Staff")
    admin_page = log_in("Admin").get(f"/auditlogview/show/{entry.id}").get_data(as_text=True)
    leader_page = log_in("Leadership").get(f"/auditlogview/show/{entry.id}").get_data(as_text=True)
    assert "13912345678" not in admin_page and "139****5678" in admin_page
    assert "13912345678" in leader_page
