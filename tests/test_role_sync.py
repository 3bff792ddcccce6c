"""ORG-2: starting the app keeps the declared permissions without FAB's "Refused to delete
permission view" warnings (issue #9), and role sync removes what no view declares any more."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture
def second_app(app, database_url):
    """What every start does: a new app on the migrated database registers its views."""
    from app import create_app
    from app.extensions import db

    def start():
        started = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
        with started.app_context():
            db.session.remove()
        return started

    return start


def test_org_2_a_start_asks_fab_to_delete_no_shared_permission(second_app, caplog):
    with caplog.at_level(logging.WARNING, logger="flask_appbuilder"):
        second_app()
    # The format string, not the message: its argument is a Role of a session now closed.
    refused = [r.args[:2] for r in caplog.records if "Refused to delete" in str(r.msg)]
    assert refused == []


def test_org_2_shared_resources_keep_every_view_s_permissions(app):
    """The ledger only reads "Case" and the year schedule only writes "Holiday": their
    registration must not drop the case lists' write or the holiday list's read and delete."""
    with app.app_context():
        sm = app.appbuilder.sm
        for permission, resource in [("can_write", "Case"), ("can_read", "Holiday"),
                                     ("can_delete", "Holiday"), ("menu_access", "Center"),
                                     ("menu_access", "Staff")]:
            assert sm.find_permission_view_menu(permission, resource) is not None, (permission, resource)


def test_org_2_role_sync_removes_a_permission_no_view_declares(app):
    from app.security import sync_roles
    from app.views import menu_entries

    with app.app_context():
        sm = app.appbuilder.sm
        stale = sm.add_permission_view_menu("can_frobnicate", "Case")
        sm.add_permission_role(sm.find_role("Admin"), stale)
        sync_roles(sm, menu_entries(app.appbuilder))
        assert sm.find_permission_view_menu("can_frobnicate", "Case") is None
        assert sm.find_permission_view_menu("can_read", "Case") is not None
        assert sm.find_permission_view_menu("can_read", "Case") in sm.find_role("Leadership").permissions
        # The permission name itself stays in ab_permission (kept between tests): gone too, so
        # no later page (Admin's permission list, the zh crawl) meets a test's made-up name.
        sm.del_permission("can_frobnicate")
        assert sm.find_permission("can_frobnicate") is None
