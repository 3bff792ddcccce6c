"""Issue #21 P1: the staff layout's parts and the frame's reference data kept per process
(app/layout.py, app/services/frame_queries.py, app/services/calendar.py) — never shown to
another user, never stale: a write by another process (another connection here) is seen by
the next transaction."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import delete, insert, update

from app import layout, lazy_search
from app.extensions import db
from app.permission_cache import clear
from app.services.calendar import forget_calendars, load_calendar
from models.org import Center
from models.settings import Holiday, YearSchedule

NAME = re.compile(r'<span class="fa fa-user"></span>\s*([^<]+?)<b class="caret">')
CSRF = re.compile(r'id="logout-form"[^>]*><input type="hidden" name="csrf_token" value="([^"]+)"')
NONCE = re.compile(r'<script src="[^"]+" nonce="([^"]*)"')
SEARCH = re.compile(r'<script nonce="([^"]*)">\s*\(function\(\$\) \{\s*const filter = new AdminFilters\((.*?)\);', re.S)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Entries of earlier tests' users (SQLite reuses their ids) are not this test's."""
    clear()
    layout.clear()
    lazy_search.clear()
    forget_calendars()


def other_connection(app, statement) -> None:
    """A write committed on a connection of its own: what another process would do."""
    with app.app_context():
        engine = db.engine
    with engine.begin() as conn:
        conn.execute(statement)


def test_issue_21_each_user_gets_their_own_kept_navbar_and_token(log_in, window_a):
    admin = log_in("Admin")
    clerk = log_in("Clerk", window=window_a)
    seen = {}
    for _ in range(2):  # the second round is served from the kept navbars
        for actor in (admin, clerk):
            html = actor.client.get("/").get_data(as_text=True)
            seen.setdefault(actor.user.username, []).append(
                (NAME.search(html).group(1).strip(), CSRF.search(html).group(1)))
    assert {key[0][0] for key in layout.NAVBARS._data} >= {admin.user.id, clerk.user.id}
    admin_seen, clerk_seen = seen[admin.user.username], seen[clerk.user.username]
    assert admin_seen[0][0] == admin.user.get_full_name() == admin_seen[1][0]
    assert clerk_seen[0][0] == clerk.user.get_full_name() == clerk_seen[1][0]
    # Each logout form carries its own session's token, never the other user's.
    assert {token for _, token in admin_seen}.isdisjoint(token for _, token in clerk_seen)
    assert 'id="case-number-box"' in clerk.client.get("/").get_data(as_text=True)


def test_issue_21_a_renamed_user_sees_the_new_name_at_once(app, db_session, log_in, window_a):
    clerk = log_in("Clerk", window=window_a)
    clerk.client.get("/")
    user = db_session.get(app.appbuilder.sm.user_model, clerk.user.id)
    user.first_name, user.last_name = "新", "名字"
    db_session.commit()
    html = clerk.client.get("/").get_data(as_text=True)
    assert NAME.search(html).group(1).strip() == "新 名字"


def test_issue_21_every_page_gets_its_own_nonce_in_the_kept_scripts(as_clerk):
    nonces = []
    for _ in range(2):
        response = as_clerk.client.get("/casequeue/list/")
        found = set(NONCE.findall(response.get_data(as_text=True)))
        assert len(found) == 1
        nonce = found.pop()
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_issue_21_the_center_written_elsewhere_is_shown_on_the_next_page(app, as_clerk, center):
    assert center.name in as_clerk.client.get("/").get_data(as_text=True)
    other_connection(app, update(Center).where(Center.id == center.id)
                     .values(name="改名后的便民服务中心"))
    db.session.commit()  # the request's transaction ends with the request (the test holds one)
    assert "改名后的便民服务中心" in as_clerk.client.get("/").get_data(as_text=True)


def test_case_3_the_kept_calendar_follows_holidays_written_by_another_process(app, db_session):
    monday = date(2030, 6, 3)
    first = load_calendar(db_session)
    assert first.is_working_day(monday)
    db_session.commit()
    assert load_calendar(db_session) is first  # unchanged: the kept calendar
    db_session.commit()
    other_connection(app, insert(Holiday).values(day=monday, kind="holiday", name="闭馆"))
    closed = load_calendar(db_session)
    assert closed is not first and not closed.is_working_day(monday)
    db_session.commit()
    other_connection(app, update(Holiday).where(Holiday.day == monday).values(kind="workday"))
    assert load_calendar(db_session).is_working_day(monday)
    db_session.commit()
    other_connection(app, delete(Holiday).where(Holiday.day == monday))
    other_connection(app, insert(YearSchedule).values(year=2030))
    reopened = load_calendar(db_session)
    assert reopened.is_working_day(monday) and 2030 in reopened.entered_years
    db_session.commit()
    other_connection(app, delete(YearSchedule).where(YearSchedule.year == 2030))


def test_case_3_a_holiday_of_this_transaction_is_seen_before_it_is_flushed(db_session):
    monday = date(2030, 6, 10)
    assert load_calendar(db_session).is_working_day(monday)
    db_session.add(Holiday(day=monday, kind="holiday", name="闭馆"))
    assert not load_calendar(db_session).is_working_day(monday)
    db_session.rollback()
    assert load_calendar(db_session).is_working_day(monday)


def test_issue_21_a_kept_search_form_shows_no_other_users_rows_or_stale_filter(
        db_session, log_in, window_a, window_b, item, case_of):
    """The search form kept per view (app/lazy_search.py) carries no request's data: each
    clerk's list shows their own window's cases (ORG-2), an active filter is drawn on its own
    page only, and every page's search script has that page's nonce."""
    from tests.factories import residence_permit_item

    case_a = case_of(item)
    case_b = case_of(residence_permit_item(db_session, window_b, "V-002"))
    clerk_a = log_in("Clerk", window=window_a)
    clerk_b = log_in("Clerk", window=window_b)

    def page(actor, query=""):
        response = actor.client.get(f"/casequeue/list/{query}")
        html = response.get_data(as_text=True)
        nonce, search = SEARCH.search(html).groups()
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        return html, search

    filtered = f"?_flt_0_number={case_a.number}"
    for _ in range(2):  # the second round is drawn from the kept search forms
        html, search = page(clerk_a, filtered)
        assert case_a.number in html and case_a.number in search  # the active filter shown
        html, search = page(clerk_b)
        assert case_b.number in html and case_a.number not in html
        assert search.rstrip().endswith("[]")  # no active filter: not clerk A's
        html, search = page(clerk_a)
        assert case_a.number in html and case_b.number not in html
        assert case_a.number not in search and search.rstrip().endswith("[]")
    assert lazy_search._kept  # the kept forms were used


def test_issue_21_the_kept_csrf_token_is_flask_wtfs_and_a_foreign_one_is_refused(app):
    """The logout form's token signed once per process (app/csrf_tokens.py csrf_token) is the
    token Flask-WTF gives and checks: kept for the same session's raw token only, and a
    token of another session or a tampered one is still refused."""
    from flask import session
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    with app.test_request_context("/"):
        session["csrf_token"] = "a" * 40
        first = layout.csrf_token()
        validate_csrf(first)
    with app.test_request_context("/"):
        session["csrf_token"] = "a" * 40
        assert layout.csrf_token() == first  # the kept one
        validate_csrf(first)
    with app.test_request_context("/"):
        session["csrf_token"] = "b" * 40
        other = layout.csrf_token()
        assert other != first
        validate_csrf(other)
        with pytest.raises(ValidationError, match="do not match"):
            validate_csrf(first)  # another session's token
        with pytest.raises(ValidationError, match="invalid"):
            validate_csrf(other[:-3] + ("xyz" if other[-3:] != "xyz" else "abc"))
    with app.test_request_context("/"):
        first_again = layout.csrf_token()  # a session without a raw token: Flask-WTF makes one
        assert session["csrf_token"] not in ("a" * 40, "b" * 40)
        validate_csrf(first_again)


def test_issue_21_with_a_csrf_time_limit_a_kept_token_still_expires(app, monkeypatch):
    """Where WTF_CSRF_TIME_LIMIT is set, a kept token is given out for at most a tenth of it
    (at most a minute), and Flask-WTF still refuses it once the limit has passed."""
    import time as time_module

    from flask import session
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    now = [1_900_000_000.0]
    monkeypatch.setattr(time_module, "time", lambda: now[0])
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 300)

    def token():
        with app.test_request_context("/"):
            session["csrf_token"] = "c" * 40
            return layout.csrf_token()

    first = token()
    now[0] += 29
    assert token() == first  # within a tenth of the limit: the kept one
    now[0] += 2
    second = token()
    assert second != first  # 31 s > 300 / 10: signed afresh
    now[0] += 280  # 311 s after the first was signed, 280 s after the second
    with app.test_request_context("/"):
        session["csrf_token"] = "c" * 40
        validate_csrf(second)
        with pytest.raises(ValidationError, match="expired"):
            validate_csrf(first)


def test_issue_21_one_context_processor_gives_templates_what_the_four_did(app, as_clerk):
    """Flask's, Flask-WTF's, Flask-Login's and our context processors merged into one
    (app/context.py merge_context_processors): templates still get all they gave."""
    from flask import g, render_template_string, request
    from flask_login import current_user

    from app.i18n import locale_name

    assert len(app.template_context_processors[None]) == 1
    with app.test_request_context("/"):
        html = render_template_string(
            "{{ g is sameas(kept_g) }} {{ request is sameas(kept_request) }} "
            "{{ current_user.is_authenticated }} {{ csrf_token() == csrf_token() }} "
            "{{ csrf_meta_tag() is not none }} {{ center is not none }} {{ locale }} "
            "{{ bianmin_banners() is not none }}",
            kept_g=g._get_current_object(), kept_request=request._get_current_object())
        assert html.split() == ["True", "True", str(current_user.is_authenticated), "True",
                                "True", "True", locale_name(), "True"]


def test_issue_21_a_kept_csrf_check_still_refuses_foreign_and_expired_tokens(app, monkeypatch):
    """Flask-WTF's `validate_csrf` with its passed checks kept (app/csrf_tokens.py
    keep_csrf_checks): a token that passed for one session is refused for another, a
    tampered one is refused, and with a time limit a token that once passed expires."""
    import time as time_module

    from flask import session
    from flask_wtf import csrf as flask_wtf_csrf
    from wtforms import ValidationError

    assert getattr(flask_wtf_csrf.validate_csrf, "bianmin_kept", False)
    with app.test_request_context("/"):
        session["csrf_token"] = "d" * 40
        token = layout.csrf_token()
        for _ in range(2):  # checked, then answered from the kept check
            flask_wtf_csrf.validate_csrf(token)
        with pytest.raises(ValidationError, match="invalid"):
            flask_wtf_csrf.validate_csrf(token + "x")
    with app.test_request_context("/"):
        session["csrf_token"] = "e" * 40  # another session
        for _ in range(2):
            with pytest.raises(ValidationError, match="do not match"):
                flask_wtf_csrf.validate_csrf(token)
    with app.test_request_context("/"):  # no raw token in the session at all
        with pytest.raises(ValidationError, match="session token is missing"):
            flask_wtf_csrf.validate_csrf(token)

    now = [1_900_000_000.0]
    monkeypatch.setattr(time_module, "time", lambda: now[0])
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 300)
    with app.test_request_context("/"):
        session["csrf_token"] = "f" * 40
        token = layout.csrf_token()
        flask_wtf_csrf.validate_csrf(token)
        now[0] += 301
        with pytest.raises(ValidationError, match="expired"):
            flask_wtf_csrf.validate_csrf(token)
