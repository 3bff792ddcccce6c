"""The public pages' sentences, translated once per language (app/views/public_texts.py, issue
#21): every `t[…]` of the public templates is listed, and reads exactly as Jinja's `_()` would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from app.rules.case_states import STATE_LABELS
from app.rules.intake import PUBLIC_LEVEL_LABELS
from app.views.public_texts import PUBLIC_TEXTS, public_texts

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates" / "public"
KEY = re.compile(r"""\bt\[(["'])((?:(?!\1).)*)\1\]""")


def used_keys() -> set[str]:
    return {match.group(2) for path in TEMPLATES.glob("*.html")
            for match in KEY.finditer(path.read_text(encoding="utf-8"))}


def test_every_sentence_of_the_public_templates_is_listed_and_every_listed_one_used():
    listed = set(PUBLIC_TEXTS)
    assert used_keys() - listed == set(), "a t[…] the list lacks would render empty"
    # The state of the case and the five answers are read as t[label] (progress_of, the form).
    assert listed - used_keys() - set(STATE_LABELS.values()) - set(PUBLIC_LEVEL_LABELS.values()) \
        == set()
    assert len(PUBLIC_TEXTS) == len(listed)


def test_the_public_templates_translate_no_sentence_per_request():
    for path in TEMPLATES.glob("*.html"):
        assert not re.search(r"\b_\(", path.read_text(encoding="utf-8")), path.name


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_each_sentence_reads_as_jinja_would_translate_it(app, locale):
    """Same text and same escaping as `{{ _(msgid, **values) }}`: the translation as it is,
    the values escaped."""
    values = {"phone": "<b>0513</b>", "window": "01 · A&B", "deadline": "2026-11-02",
              "unit": "县\"档案\"馆", "days": 3, "amount": "20.00"}
    with app.test_request_context("/guide/progress"), force_locale(locale):
        texts = public_texts()
        for msgid in PUBLIC_TEXTS:
            names = re.findall(r"%\((\w+)\)s", msgid)
            given = {name: values[name] for name in names}
            jinja = app.jinja_env.from_string("{{ _(msgid, **given) }}").render(
                msgid=msgid, given=given)
            ours = app.jinja_env.from_string("{{ t[msgid] % given }}").render(
                t=texts, msgid=msgid, given=given)
            assert ours == jinja, msgid
            if not names:
                assert "%" not in msgid, "`_()` would format it with no values"
        if locale == "zh_CN":
            assert texts["Case progress"] == "办件进度查询"


def test_the_texts_follow_the_request_language(app):
    with app.test_request_context("/guide/"):
        with force_locale("en"):
            assert public_texts()["Service guide"] == "Service guide"
        with force_locale("zh_CN"):
            assert public_texts()["Service guide"] == "办事指南"
