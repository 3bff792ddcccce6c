"""Issue #21 P1: the frame every signed-in page pays, made cheaper (app/i18n.py's template
gettext, bianmin/baselayout.html, app/layout.py, app/context.py, app/permission_cache.py,
app/security/manager.py) — each page shows what it showed, to the same people."""

from __future__ import annotations

import jinja2
import pytest
from flask import render_template_string, session

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
