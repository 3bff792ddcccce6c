"""Issue #21 P1: the per-request machinery made cheaper (app/i18n.py, app/permission_cache.py,
app/headers.py, app/urls.py, app/static_assets.py, app/guards.py) without weakening what it
guards: each request its own language, its own user and session generation, its own CSP
nonce; URLs as Flask builds them; a revoked session refused on the next request."""

from __future__ import annotations

import os
import re
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import (Blueprint, Flask, Response, render_template_string, request, session,
                   url_for)
from flask_babel import force_locale, gettext, refresh
from flask_login import login_user, logout_user
from markupsafe import escape

from app import static_assets
from app.extensions import db
from app.limits import declares_no_limit
from app.permission_cache import GENERATION_KEY, clear, user_key
from app.services.accounts import advance_generations

GUIDE_ZH, GUIDE_EN = "办事指南", "Service guide"
NONCE = re.compile(r"'nonce-([^']+)'")


@pytest.fixture(autouse=True)
def _empty_caches():
    clear()


def translated(text: str) -> tuple[str, str]:
    """The text through Python's gettext and through a template's `_()`."""
    return gettext(text), render_template_string("{{ _(%r) }}" % text)


def test_issue_21_translations_follow_a_language_chosen_or_forced_during_the_request(app):
    with app.test_request_context("/guide/"):
        session["locale"] = "zh_CN"
        assert translated(GUIDE_EN) == (GUIDE_ZH, GUIDE_ZH)
        with force_locale("en"):
            assert translated(GUIDE_EN) == (GUIDE_EN, GUIDE_EN)
        assert translated(GUIDE_EN) == (GUIDE_ZH, GUIDE_ZH)
        session["locale"] = "en"  # FAB's language switch: the session, then refresh()
        refresh()
        assert translated(GUIDE_EN) == (GUIDE_EN, GUIDE_EN)


def test_issue_21_each_visitor_reads_their_own_language_in_turn(app):
    chinese, english = app.test_client(), app.test_client()
    english.get("/lang/en")
    for _ in range(2):
        assert GUIDE_ZH in chinese.get("/guide/").get_data(as_text=True)
        page = english.get("/guide/").get_data(as_text=True)
        assert GUIDE_EN in page and GUIDE_ZH not in page


def test_issue_21_the_kept_user_key_follows_the_generation_and_the_login(app, make_user):
    user = make_user("Clerk")
    with app.test_request_context("/"):
        assert user_key() is None
        login_user(db.session.get(type(user), user.id))
        session[GENERATION_KEY] = 3
        first = user_key()
        assert first[0] == user.id and first[-1] == 3
        assert user_key() == first
        session[GENERATION_KEY] = 4  # a role change during the request moved it on
        assert user_key()[-1] == 4
        logout_user()
        assert user_key() is None


def test_issue_21_a_revoked_session_is_refused_on_the_next_request(app, log_in, window_a):
    clerk = log_in("Clerk", window=window_a)
    for _ in range(2):  # the second request is answered from the kept permissions and navbar
        assert clerk.client.get("/leaverequestview/mine/").status_code == 200
    with app.app_context():
        engine = db.engine
    with engine.begin() as conn:  # another process ends the user's sessions
        advance_generations(conn, [clerk.user.id], datetime.now(timezone.utc))
    response = clerk.client.get("/leaverequestview/mine/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_sec_3_a_header_the_view_set_is_kept_and_no_store_still_added(app):
    hook = next(f for f in app.after_request_funcs[None] if f.__name__ == "_security_headers")
    with app.test_request_context("/guide/"):
        own = Response("x", headers={"Content-Security-Policy": "default-src 'none'",
                                     "cache-control": "private"})
        headers = hook(own).headers
    assert headers["Content-Security-Policy"] == "default-src 'none'"
    assert headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"


def test_sec_3_every_response_of_one_page_gets_a_new_nonce_in_header_and_scripts(public):
    nonces = []
    for _ in range(3):
        response = public.get("/login/")
        nonce = NONCE.search(response.headers["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"' in response.get_data(as_text=True)
        nonces.append(nonce)
    assert len(set(nonces)) == 3


@pytest.mark.parametrize("script_root", ["", "/bianmin"])
def test_issue_21_kept_urls_are_the_ones_flask_builds(app, script_root):
    asked = [("PublicGuideView.index", {}), ("PublicGuideView.item", {"item_id": 7}),
             ("PublicGuideView.index", {"q": "居住证 &"}), ("LocaleView.index", {"locale": "en"}),
             ("CaseView.show", {"pk": 12}), ("static", {"filename": "css/bianmin.css"}),
             ("appbuilder.static", {"filename": "css/bootstrap.min.css"}),
             ("PublicGuideView.index", {"_anchor": "top"}), ("PublicGuideView.index", {"page": True})]
    template = app.jinja_env.from_string("{{ url_for(endpoint, **values) }}")
    for _ in range(2):  # the second round from the kept URLs
        with app.test_request_context("/guide/", base_url=f"http://localhost{script_root}/"):
            for endpoint, values in asked:
                expected = url_for(endpoint, **values)
                assert expected.startswith(f"{script_root}/")
                assert template.render(endpoint=endpoint, values=values) == escape(expected)
            relative = app.jinja_env.from_string("{{ url_for('.progress') }}").render()
            assert relative == f"{script_root}/guide/progress"


def test_issue_21_a_kept_static_url_follows_a_changed_file(app, monkeypatch):
    monkeypatch.setattr(static_assets, "RECHECK_SECONDS", 0.0)
    name = f"issue21-{uuid.uuid4().hex[:8]}.css"
    path = Path(app.static_folder) / name
    template = app.jinja_env.from_string("{{ url_for('static', filename=name) }}")
    try:
        path.write_text("a { color: red }")
        with app.test_request_context("/guide/"):
            first = template.render(name=name)
            assert template.render(name=name) == first
            path.write_text("a { color: blue }")
            os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
            second = template.render(name=name)
        assert first != second and re.search(r"v=[0-9a-f]{12}$", second)
    finally:
        path.unlink(missing_ok=True)


# ---- the signed cookie session: each cookie verified once per process ----------------------
def session_of(app, cookie: str) -> dict:
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        return dict(app.session_interface.open_session(app, request))


def signed(app, values: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(values)


def test_issue_21_a_kept_cookie_still_expires_and_an_altered_one_is_refused(app, monkeypatch):
    cookie = signed(app, {"_user_id": "7", "_bianmin_generation": 2})
    assert session_of(app, cookie) == {"_user_id": "7", "_bianmin_generation": 2}
    assert session_of(app, cookie) == {"_user_id": "7", "_bianmin_generation": 2}  # kept
    # A character inside the payload: the last one of a base64 text may carry only padding
    # bits, so changing it can leave the same bytes (and a valid signature).
    altered = cookie[:2] + ("A" if cookie[2] != "A" else "B") + cookie[3:]
    assert session_of(app, altered) == {}
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 2
    monkeypatch.setattr(time, "time", lambda: later)
    assert session_of(app, cookie) == {}


def test_issue_21_a_new_secret_key_forgets_the_kept_cookies(app, monkeypatch):
    cookie = signed(app, {"_user_id": "7"})
    assert session_of(app, cookie) == {"_user_id": "7"}
    monkeypatch.setattr(app, "secret_key", app.secret_key + "-rotated")
    assert session_of(app, cookie) == {}


def test_issue_21_no_request_changes_what_the_next_reads_from_the_same_cookie(app):
    plain = signed(app, {"csrf_token": "t"})
    first = app.session_interface.open_session(
        app, app.test_request_context("/", headers={"Cookie": f"session={plain}"}).request)
    first["csrf_token"] = "changed"
    assert session_of(app, plain) == {"csrf_token": "t"}
    with_list = signed(app, {"_flashes": [["info", "saved"]]})
    flashes = session_of(app, with_list)["_flashes"]
    flashes.append(["info", "again"])
    assert session_of(app, with_list)["_flashes"] == [["info", "saved"]]


# ---- Flask-Limiter passes over routes without a declared limit --------------------------------
def test_sec_1_case_11_limited_routes_keep_their_limiter_and_others_skip_it(limited_app):
    limiter = limited_app.appbuilder.sm.limiter
    for endpoint in ("AuthDBView.login", "SecurityApi.login", "PublicGuideView.progress",
                     "PublicGuideView.rate", "PublicRatingView.rate"):
        assert not declares_no_limit(limited_app, limiter, endpoint), endpoint
    for endpoint in ("LeaveRequestView.mine", "CaseQueueView.list", "HomeView.index"):
        assert declares_no_limit(limited_app, limiter, endpoint), endpoint


def test_sec_1_case_11_reading_a_limited_form_skips_the_limiter_and_its_post_does_not(
        limited_app):
    """The login and the public answers limit their POSTs only (`methods=["POST"]`): a GET of
    their forms is passed over like an unlimited route, a POST goes Flask-Limiter's way."""
    limiter = limited_app.appbuilder.sm.limiter
    for endpoint in ("AuthDBView.login", "SecurityApi.login", "PublicGuideView.progress",
                     "PublicRatingView.rate"):
        assert declares_no_limit(limited_app, limiter, endpoint, "GET"), endpoint
        assert declares_no_limit(limited_app, limiter, endpoint, "HEAD"), endpoint
        assert not declares_no_limit(limited_app, limiter, endpoint, "POST"), endpoint


@pytest.mark.parametrize("methods, exempt", [
    (None, {"GET": False, "POST": False}),  # a limit naming no method limits them all
    (("post",), {"GET": True, "POST": False}),
    (("get", "post"), {"GET": False, "POST": False}),
])
def test_sec_1_a_limit_applies_to_the_methods_it_names(methods, exempt):
    app = Flask(__name__)
    blueprint = Blueprint("answers", __name__)
    blueprint.add_url_rule("/answer", "answer", lambda: "", methods=["GET", "POST"])
    app.register_blueprint(blueprint)
    limiter = SimpleNamespace(limit_manager=SimpleNamespace(
        _application_limits=[], _default_limits=[], _decorated_limits={}, _endpoint_hints={},
        _blueprint_limits={"answers": [SimpleNamespace(methods=methods)]}))
    for method, expected in exempt.items():
        assert declares_no_limit(app, limiter, "answers.answer", method) is expected, method
    assert declares_no_limit(app, limiter, "answers.answer") is False


def test_sec_1_the_login_form_is_still_rate_limited(limited_app):
    client = limited_app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login/").get_data(as_text=True)).group(1)
    limit = int(limited_app.config["AUTH_RATE_LIMIT"].split()[0])
    statuses = [client.post("/login/", data={"username": f"nobody{n}", "password": "x",
                                             "csrf_token": token}).status_code
                for n in range(limit + 1)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    assert client.get("/guide/").status_code == 200  # an unlimited page is still served
