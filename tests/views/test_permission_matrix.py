"""ORG-2: the permission table in the database is exactly the one declared in
tests/permission_matrix.py — every role, every resource, every permission, both ways."""

from __future__ import annotations

from tests.permission_matrix import MATRIX

RULE_BEARING_RESOURCES = ("Case", "CaseSubTask", "NoticeViolation", "RefusalReport", "AuditLog")


def stored_table(app) -> dict[str, set[tuple[str, str]]]:
    sm = app.appbuilder.sm
    return {role.name: {(pvm.view_menu.name, pvm.permission.name) for pvm in role.permissions}
            for role in sm.get_all_roles()}


def declared_table() -> dict[str, set[tuple[str, str]]]:
    return {role: {(resource, permission) for resource, permissions in grants.items()
                   for permission in permissions}
            for role, grants in MATRIX.items()}


def test_org_2_every_role_holds_exactly_the_declared_permissions(app, db_session):
    stored, declared = stored_table(app), declared_table()
    assert set(stored) == set(declared), "roles differ from the declared matrix"
    for role in declared:
        extra = sorted(stored[role] - declared[role])
        missing = sorted(declared[role] - stored[role])
        assert not extra and not missing, (
            f"{role}: granted but not declared {extra}; declared but not granted {missing} "
            "— update tests/permission_matrix.py if the change is intended")


def test_org_2_the_matrix_survives_a_second_sync(app, db_session):
    """Syncing again (every start, every upgrade) changes nothing."""
    from app.security import sync_roles
    from app.views import menu_entries

    sync_roles(app.appbuilder.sm, menu_entries(app.appbuilder))
    assert stored_table(app) == declared_table()


def test_case_4_no_role_may_delete_rule_bearing_rows(app, db_session):
    """CASE-4, CASE-7, NEG-*, AUDIT-1: no delete permission on a rule-bearing resource exists
    at all, so no role (Admin included) can be granted one by a later sync."""
    for role, grants in MATRIX.items():
        for resource in RULE_BEARING_RESOURCES:
            assert "can_delete" not in grants.get(resource, ()), (role, resource)
    sm = app.appbuilder.sm
    for resource in RULE_BEARING_RESOURCES:
        assert sm.find_permission_view_menu("can_delete", resource) is None, resource
