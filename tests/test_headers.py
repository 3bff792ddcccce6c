"""SEC-3: every page type carries the security headers, and its scripts obey the CSP."""

from __future__ import annotations

import re

import pytest

from app.headers import HSTS

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def csp_nonce_of(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    match = re.search(r"'nonce-([^']+)'", policy)
    assert match, policy
    return match.group(1)


def assert_secure(response) -> None:
    assert response.status_code == 200, response.status_code
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    nonce = csp_nonce_of(response)
    html = response.get_data(as_text=True)
    for attributes in SCRIPT_TAG.findall(html):
        # A script either comes from this host (src) or carries this response's nonce.
        assert "src=" in attributes or f'nonce="{nonce}"' in attributes, attributes
    assert not EVENT_HANDLER.search(html), EVENT_HANDLER.search(html).group(0)
    assert "Strict-Transport-Security" not in response.headers  # demo and tests are plain HTTP


def test_sec_3_login_page(public):
    assert_secure(public.get("/login/"))


def test_sec_3_public_guide_and_progress_lookup(public):
    assert_secure(public.get("/guide/"))
    assert_secure(public.get("/guide/progress"))


def test_sec_3_list_and_show_pages(as_admin, center):
    assert_secure(as_admin.get("/centerview/list/"))
    assert_secure(as_admin.get(f"/centerview/show/{center.id}"))
    assert_secure(as_admin.get("/loginlockview/list/"))


def test_sec_3_a_list_drawn_again_carries_this_responses_nonce(as_admin):
    """A list's header with its actions' menu (an inline script) is kept across requests
    (issue #21, app/list_widget.py kept_drawing): every response still gets its own nonce."""
    first, second = (as_admin.get("/loginlockview/list/") for _ in range(2))
    assert csp_nonce_of(first) != csp_nonce_of(second)
    for response in (first, second):
        assert_secure(response)
        assert f'<script nonce="{csp_nonce_of(response)}">' in response.get_data(as_text=True)


def test_sec_3_home_and_swagger_pages(as_admin):
    assert_secure(as_admin.get("/"))
    assert_secure(as_admin.get("/swagger/v1"))


def test_sec_3_each_response_gets_a_new_nonce(public):
    first, second = public.get("/login/"), public.get("/login/")
    assert csp_nonce_of(first) != csp_nonce_of(second)


def test_sec_3_api_answers_carry_the_headers_too(public):
    response = public.post("/api/v1/security/login", json={"username": "x", "password": "y",
                                                            "provider": "db"})
    assert response.status_code == 401
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


@pytest.fixture
def production_app(app, database_url):
    from app import create_app
    from app.extensions import db

    application = create_app({"TESTING": True, "RATELIMIT_ENABLED": False,
                              "SQLALCHEMY_DATABASE_URI": database_url, "SECURITY_HSTS": True})
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_sec_3_hsts_only_in_production_and_no_https_redirect(production_app):
    response = production_app.test_client().get("/login/")
    assert response.status_code == 200  # served over plain HTTP: the proxy does TLS
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_sec_3_hsts_follows_the_environment(monkeypatch, tmp_path):
    from config import build_config

    monkeypatch.setenv("BIANMIN_INSTANCE", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setenv("BIANMIN_ENV", "demo")
    assert build_config()["SECURITY_HSTS"] is False
    monkeypatch.setenv("BIANMIN_ENV", "production")
    assert build_config()["SECURITY_HSTS"] is True


def test_sec_3_a4_print_page_has_no_inline_handler(as_clerk, window_a, db_session):
    """The print pages are standalone (not FAB's layout): their Print button is bound from a
    static script, since the CSP blocks onclick attributes."""
    from tests.case_documents import intake, make_item

    case = intake(db_session, make_item(db_session, window_a), _actor_of(as_clerk, db_session))
    response = as_clerk.get(f"/print/case/{case.id}/acceptance")
    assert_secure(response)
    assert "js/print.js" in response.get_data(as_text=True)


def _actor_of(actor, db_session):
    from app.actor import Actor
    from models.org import Staff

    staff = db_session.query(Staff).filter_by(user_id=actor.user.id).one()
    return Actor(username=actor.user.username, user_id=actor.user.id, staff_id=staff.id)
