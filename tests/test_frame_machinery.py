"""Issue #21 P1: the frame every signed-in page pays, made cheaper (app/i18n.py's template
gettext, bianmin/baselayout.html, app/layout.py, app/context.py, app/permission_cache.py,
app/security/manager.py) — each page shows what it showed, to the same people."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from datetime import date
from pathlib import Path

import jinja2
import pytest
from flask import render_template_string, session
from sqlalchemy import delete, update

from app import context, layout, static_assets
from app.extensions import db
from app.i18n import request_translations
from app.permission_cache import clear
from app.services import frame_queries
from app.services.accounts import signed_in_user
from models.org import Center
from models.settings import Holiday, YearSchedule
from tests.conftest import login
from tests.factories import statements


@pytest.fixture(autouse=True)
def _empty_caches():
    clear()


TEMPLATES = [
    '{{ _("Service guide") }}',
    '{{ _("100%% sure") }}|{{ _("%(n)s of %(m)s", n="<b>", m=2) }}|{{ _("a %s b") }}',
    '{{ _("Welcome, %(name)s.", name="<script>") }}',
    "{{ pgettext('link', 'Open') }}|{{ pgettext('x', 'ctx %(context)s') }}",
    "{{ ngettext('%(num)d day', '%(num)d days', 1) }}|{{ ngettext('%(num)d day', '%(num)d days', 3) }}",
    "{{ npgettext('c', '%(num)d file', '%(num)d files', 2) }}",
    "{% trans %}Service guide{% endtrans %}|{% trans n=2 %}{{ n }} x{% pluralize %}{{ n }} xs{% endtrans %}",
    "{{ gettext('Logout') }}|{{ _('Logout') | upper }}|{% autoescape false %}{{ _('<%(a)s>', a='&') }}{% endautoescape %}",
]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_issue_21_template_gettext_answers_as_jinjas_own_newstyle_callables(app, language):
    """The templates' `_`, `gettext`, `ngettext`, `pgettext`, `npgettext` and `{% trans %}`
    are called directly now: the same text, escaping and %-formatting as Jinja's wrappers
    (jinja2.ext) around the same translations."""
    jinja = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    jinja.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n))
    with app.test_request_context("/guide/"):
        session["locale"] = language
        for source in TEMPLATES:
            assert render_template_string(source) == jinja.from_string(source).render(), source
        assert render_template_string('{{ _("Service guide") }}') == (
            "办事指南" if language == "zh_CN" else "Service guide")


def test_issue_21_the_kept_scripts_follow_a_changed_file_by_its_fingerprint(
        app, as_clerk, monkeypatch):
    """The layout's kept stylesheets and scripts are checked against the files' fingerprints
    (app/static_assets.py) and named anew when one changes (here at once: no wait)."""
    monkeypatch.setattr(static_assets, "RECHECK_SECONDS", 0.0)
    name = f"js/issue21-{uuid.uuid4().hex[:8]}.js"
    path = Path(app.static_folder) / name
    monkeypatch.setattr(layout, "TAIL_JS", [*layout.TAIL_JS, ("static", name)])
    layout.clear()
    script = re.compile(r'<script src="([^"]*/static/' + re.escape(name) + r'\?v=[0-9a-f]{12})"')
    try:
        path.write_text("var a = 1;")
        first = script.findall(as_clerk.client.get("/casequeue/list/").get_data(as_text=True))
        assert len(first) == 1
        assert script.findall(as_clerk.client.get("/").get_data(as_text=True)) == first
        path.write_text("var a = 2;")
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
        second = script.findall(as_clerk.client.get("/casequeue/list/").get_data(as_text=True))
        assert len(second) == 1 and second != first
        digest = hashlib.sha256(b"var a = 2;").hexdigest()[:12]
        assert second[0].endswith(f"v={digest}")
    finally:
        path.unlink(missing_ok=True)
        layout.clear()


def _frame_read_alone(session):
    """What frame_reads reads by its own statement in a transaction of its own."""
    session.rollback()
    session.info.pop(frame_queries._READ, None)
    return frame_queries.frame_reads(session)


@pytest.mark.parametrize("with_center", [False, True])
def test_issue_21_the_frame_read_with_the_user_is_the_frame_read_alone(
        app, db_session, make_user, with_center, request):
    """CASE-3, ORG-1: the center row and the calendar's version read by the login's user
    statement (a page that draws the frame) are what frame_reads' own statement reads — with
    or without a center, with holiday entries and entered years — and are kept for the
    transaction as frame_reads keeps its own (no second statement)."""
    if with_center:
        request.getfixturevalue("center")
    db_session.add_all([Holiday(day=date(2031, 1, 1), kind="holiday", name="元旦"),
                        Holiday(day=date(2031, 1, 4), kind="workday", name="调休"),
                        YearSchedule(year=2031)])
    db_session.commit()
    user = make_user("Clerk")
    alone = _frame_read_alone(db_session)
    assert (alone.center is not None) == with_center
    assert "2031-01-04:workday" in alone.calendar_version[0] and "2031" in alone.calendar_version[1]
    db_session.rollback()
    db_session.info.pop(frame_queries._READ, None)
    found = signed_in_user(db_session, type(user), user.id, frame=True)
    assert found[0].id == user.id and found[2].user_id == user.id
    assert db_session.info[frame_queries._READ] == alone
    with statements(app) as sent:
        assert frame_queries.frame_reads(db_session) == alone
    assert sent == []
    db_session.rollback()  # the transaction's end forgets it
    assert frame_queries._READ not in db_session.info
    assert signed_in_user(db_session, type(user), user.id)[0].id == user.id
    assert frame_queries._READ not in db_session.info
    db_session.execute(delete(Holiday).where(Holiday.day >= date(2031, 1, 1)))
    db_session.execute(delete(YearSchedule).where(YearSchedule.year == 2031))
    db_session.commit()


def test_issue_21_a_page_seen_drawing_the_frame_reads_it_with_the_user(app, as_clerk, center):
    """The first request of a page reads the frame by its own statement; from the next one, in
    this process, with the user's — and a center renamed elsewhere is still shown at once."""
    def sent_on(url):
        db.session.remove()
        with statements(app) as sent:
            html = as_clerk.client.get(url).get_data(as_text=True)
        return sent, html

    url, name, center_id = "/leaverequestview/mine/", center.name, center.id
    sent_on(url)  # the user's first request fills the caches kept per user
    context._FRAME_PAGES.discard(("GET", "LeaveRequestView.mine"))  # as in a new process
    first, _ = sent_on(url)
    assert sum("FROM center" in s for s in first) == 1
    assert "FROM center" not in first[0]
    second, html = sent_on(url)
    assert len(second) == len(first) - 1 and "FROM center" in second[0]
    assert name in html
    with app.app_context():
        engine = db.engine
    with engine.begin() as conn:
        conn.execute(update(Center).where(Center.id == center_id).values(name="改名后的中心"))
    third, html = sent_on(url)
    assert len(third) == len(second) and "改名后的中心" in html


RULE_SETTINGS = 'href="/rulesettingview/list/"'


def test_issue_21_a_role_change_ends_the_login_on_a_page_read_with_its_frame(
        app, db_session, log_in, window_a):
    """SEC-2 (issue #18) through the user statement that also reads the frame: a role change
    ends the clerk's login on their next request; their new login gets the new navbar and
    menu, while another clerk's kept navbar stays theirs."""
    clerk = log_in("Clerk", window=window_a)
    other = log_in("Clerk", window=window_a)
    url = "/leaverequestview/mine/"
    for actor in (clerk, other, clerk):
        page = actor.client.get(url).get_data(as_text=True)
        assert RULE_SETTINGS not in page and 'id="case-number-box"' in page
    assert ("GET", "LeaveRequestView.mine") in context._FRAME_PAGES
    sm = app.appbuilder.sm
    user = db_session.get(sm.user_model, clerk.user.id)
    user.roles.append(sm.find_role("Admin"))
    db_session.commit()
    response = clerk.client.get(url)
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    assert login(clerk.client, clerk.user.username).status_code == 302
    assert RULE_SETTINGS in clerk.client.get(url).get_data(as_text=True)  # the admin's menu
    other_page = other.client.get(url).get_data(as_text=True)
    assert RULE_SETTINGS not in other_page and 'id="case-number-box"' in other_page


def test_case_3_the_calendar_banner_decision_is_kept_per_user_and_follows_a_role_change(
        app, db_session, log_in, window_a, center_now):
    """Calendar / CASE-3: the office sees the missing year's banner and a clerk does not, page
    after page (the policy's answer is kept per user, issue #21); the clerk made office sees
    it from their new login on."""
    center_now(date(2026, 12, 1))  # the 2027 schedule is within the banner's look-ahead
    office = log_in("Office")
    clerk = log_in("Clerk", window=window_a)
    banner = re.compile(r'calendar-warning"[^>]*>[^<]*2027')
    for _ in range(2):
        assert banner.search(office.client.get("/leaverequestview/mine/").get_data(as_text=True))
        assert not banner.search(clerk.client.get("/leaverequestview/mine/").get_data(as_text=True))
    sm = app.appbuilder.sm
    user = db_session.get(sm.user_model, clerk.user.id)
    user.roles.append(sm.find_role("Office"))
    db_session.commit()
    assert login(clerk.client, clerk.user.username).status_code == 302
    assert banner.search(clerk.client.get("/leaverequestview/mine/").get_data(as_text=True))
