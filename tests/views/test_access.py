"""ORG-2: the permission model at a glance — role × endpoint → status, for views and the API."""

from __future__ import annotations

import pytest

# (endpoint, {role: expected status}); 403 = refused, 302 = anonymous sent to the login page.
VIEW_TABLE = [
    ("/serviceitemview/list/", {"Admin": 200, "Leadership": 200, "Office": 200, "SectionHead": 200, "WindowHead": 200, "Clerk": 200, None: 302}),
    ("/serviceitemview/add", {"Admin": 200, "Leadership": 403, "Office": 200, "SectionHead": 403, "WindowHead": 403, "Clerk": 403, None: 302}),
    ("/staffview/list/", {"Admin": 200, "Leadership": 200, "Office": 200, "SectionHead": 200, "WindowHead": 200, "Clerk": 200, None: 302}),
    ("/staffview/add", {"Admin": 200, "Leadership": 403, "Office": 200, "SectionHead": 403, "WindowHead": 403, "Clerk": 403, None: 302}),
    ("/rulesettingview/list/", {"Admin": 200, "Leadership": 200, "Office": 200, "SectionHead": 200, "WindowHead": 403, "Clerk": 403, None: 302}),
    ("/holidayview/add", {"Admin": 200, "Leadership": 403, "Office": 200, "SectionHead": 403, "WindowHead": 403, "Clerk": 403, None: 302}),
    ("/auditlogview/list/", {"Admin": 200, "Leadership": 200, "Office": 403, "SectionHead": 403, "WindowHead": 403, "Clerk": 403, None: 302}),
    ("/users/list/", {"Admin": 200, "Leadership": 403, "Office": 403, "SectionHead": 403, "WindowHead": 403, "Clerk": 403, None: 302}),
    # CASE-4/CASE-7: no generic form for rule-bearing rows, for any role (tests/views/test_write_doors.py walks them all).
    ("/caseview/add", {"Admin": 404, "Leadership": 404, "Office": 404, "SectionHead": 404, "WindowHead": 404, "Clerk": 404, None: 404}),
    ("/casesubtaskview/add", {"Admin": 404, "Leadership": 404, "Office": 404, "SectionHead": 404, "WindowHead": 404, "Clerk": 404, None: 404}),
    ("/guide/", {"Admin": 200, "Leadership": 200, "Office": 200, "SectionHead": 200, "WindowHead": 200, "Clerk": 200, None: 200}),
]
API_TABLE = [
    ("GET", "/api/v1/service_item/", {"Admin": 200, "Leadership": 200, "Office": 200, "SectionHead": 200, "WindowHead": 200, "Clerk": 200, None: 401}),
    ("POST", "/api/v1/service_item/", {"Admin": 422, "Leadership": 403, "Office": 422, "SectionHead": 403, "WindowHead": 403, "Clerk": 403, None: 401}),
    ("GET", "/api/v1/staff/", {"Admin": 200, "Leadership": 200, "Office": 200, "SectionHead": 200, "WindowHead": 200, "Clerk": 200, None: 401}),
    ("POST", "/api/v1/case/", {"Admin": 405, "Leadership": 405, "Office": 405, "SectionHead": 405, "WindowHead": 405, "Clerk": 405, None: 405}),
    ("POST", "/api/v1/window/", {"Admin": 422, "Leadership": 403, "Office": 422, "SectionHead": 403, "WindowHead": 403, "Clerk": 403, None: 401}),
]
ROLES = ["Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk", None]


def _client(role, log_in, public, window_a):
    if role is None:
        return public
    return log_in(role, window=window_a if role in ("WindowHead", "Clerk") else None).client


def _actor_headers(role, log_in, window_a):
    if role is None:
        return None, {}
    actor = log_in(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    return actor.client, actor.api_headers()


@pytest.mark.parametrize("role", ROLES)
def test_org_2_view_permissions_by_role(role, log_in, public, window_a):
    client = _client(role, log_in, public, window_a)
    for url, expected in VIEW_TABLE:
        status = client.get(url).status_code
        assert status == expected[role], f"{role} GET {url}: {status} != {expected[role]}"


@pytest.mark.parametrize("role", ROLES)
def test_org_2_api_permissions_by_role(role, log_in, public, window_a):
    client, headers = _actor_headers(role, log_in, window_a)
    client = client or public
    for method, url, expected in API_TABLE:
        # An empty body: allowed roles reach validation (422), others are refused first.
        status = client.open(url, method=method, json={} if method == "POST" else None,
                             headers=headers).status_code
        assert status == expected[role], f"{role} {method} {url}: {status} != {expected[role]}"


def test_org_2_roles_are_declared_in_code_and_converge(app, db_session):
    """A permission added by hand to a declared role is removed on the next sync."""
    from app.security import ROLE_PERMISSIONS, sync_roles
    from app.views import menu_entries

    sm = app.appbuilder.sm
    clerk = sm.find_role("Clerk")
    stray = sm.add_permission_view_menu("can_delete", "ServiceItem")
    clerk.permissions.append(stray)
    db_session.commit()
    sync_roles(sm, menu_entries(app.appbuilder))
    granted = {(p.permission.name, p.view_menu.name) for p in sm.find_role("Clerk").permissions}
    assert ("can_delete", "ServiceItem") not in granted
    assert ("can_read", "ServiceItem") in granted
    assert set(ROLE_PERMISSIONS["Clerk"]) <= {view for _, view in granted}


def test_org_2_a_page_reads_the_roles_permissions_once_and_still_refuses(log_in, window_a, app):
    """FAB checks a permission for every button and link of a page; the answers come from
    one query per request, and what the role may not do stays refused."""
    from sqlalchemy import event

    from app.extensions import db

    clerk = log_in("Clerk", window=window_a)
    permission_queries = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "ab_permission_view" in statement:
            permission_queries.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = clerk.get("/caseview/list/")
        refused = clerk.get("/rulesettingview/list/")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.status_code == 200 and "/caseview/intake" in page.get_data(as_text=True)
    assert refused.status_code in (302, 403)
    assert len(permission_queries) <= 3  # menu, buttons and links: 2 requests, 26 checks
