"""Issue #21 P1: the frame every signed-in page pays, made cheaper (app/i18n.py's template
gettext, bianmin/baselayout.html, app/layout.py, app/context.py, app/permission_cache.py,
app/security/manager.py) — each page shows what it showed, to the same people."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

import jinja2
import pytest
from flask import render_template_string, session

from app import layout, static_assets
from app.i18n import request_translations
from app.permission_cache import clear


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
