"""The translation catalogues: zh_CN (the default) is complete, the template follows the code,
the compiled .mo files follow the .po files, and the pages really come out in Chinese.

When a test here fails after you added or changed a user-visible string, run
`bash scripts/translations.sh all`, fill the new msgstr of
translations/zh_CN/LC_MESSAGES/messages.po, then `bash scripts/translations.sh compile`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("zh_CN", "en")
WORKFLOW = "run `bash scripts/translations.sh all`, fill translations/zh_CN/LC_MESSAGES/messages.po " \
           "and run `bash scripts/translations.sh compile`"

# %-style (`%(name)s`, `%s`, `%d`, `%%`) and str.format-style (`{name}`) placeholders.
PLACEHOLDER = re.compile(
    r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]|\{[^{}]*\}"
)


def _read_po(path: Path):
    with path.open("rb") as fp:
        return read_po(fp)


def _po(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _mo(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"


def _messages(catalogue):
    return [m for m in catalogue if m.id]


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _placeholders(text: str) -> Counter:
    return Counter(token for token in PLACEHOLDER.findall(text) if token != "%%")


def _show(ids) -> str:
    return "\n  ".join(repr(i) for i in sorted(ids, key=str))


# ---- the zh_CN catalogue is complete -----------------------------------------------------

def test_every_msgid_of_the_template_is_translated_in_zh_cn():
    template = _read_po(POT)
    catalogue = _read_po(_po("zh_CN"))
    missing, empty, fuzzy = [], [], []
    for message in _messages(template):
        entry = catalogue.get(message.id, message.context)
        if entry is None:
            missing.append(message.id)
        elif not all(_strings(entry)):
            empty.append(message.id)
        elif entry.fuzzy:
            fuzzy.append(message.id)
    assert not missing, f"msgids not in the zh_CN catalogue ({WORKFLOW}):\n  {_show(missing)}"
    assert not empty, f"msgids without a zh_CN translation ({WORKFLOW}):\n  {_show(empty)}"
    assert not fuzzy, f"fuzzy zh_CN translations (check them, drop '#, fuzzy'):\n  {_show(fuzzy)}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_has_no_msgid_the_template_lost(locale):
    template_ids = {(m.id, m.context) for m in _messages(_read_po(POT))}
    extra = [m.id for m in _messages(_read_po(_po(locale))) if (m.id, m.context) not in template_ids]
    assert not extra, f"{locale} translates msgids the code no longer has ({WORKFLOW}):\n  {_show(extra)}"


# ---- the template follows the code --------------------------------------------------------

def test_template_is_up_to_date_with_the_source(tmp_path):
    fresh = tmp_path / "messages.pot"
    env = {**os.environ, "POT_FILE": str(fresh), "PYBABEL": str(Path(sys.executable).parent / "pybabel")}
    result = subprocess.run(["bash", str(ROOT / "scripts" / "translations.sh"), "extract"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    extracted = {(m.id, m.context) for m in _messages(_read_po(fresh))}
    committed = {(m.id, m.context) for m in _messages(_read_po(POT))}
    new = [msgid for msgid, _ in extracted - committed]
    gone = [msgid for msgid, _ in committed - extracted]
    assert not new, f"strings in the code missing from translations/messages.pot ({WORKFLOW}):\n  {_show(new)}"
    assert not gone, f"translations/messages.pot has strings the code no longer has ({WORKFLOW}):\n  {_show(gone)}"


# ---- the .mo files follow the .po files ------------------------------------------------------

@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_the_po_file(locale):
    with _mo(locale).open("rb") as fp:
        # Babel's read_mo leaves a msgctxt as bytes.
        compiled = {(m.id, m.context.decode() if isinstance(m.context, bytes) else m.context): m.string
                    for m in _messages(read_mo(fp))}
    translated = {(m.id, m.context): m.string for m in _messages(_read_po(_po(locale)))
                  if all(_strings(m)) and not m.fuzzy}
    stale = sorted({i for i in translated.keys() | compiled.keys() if translated.get(i) != compiled.get(i)},
                   key=str)
    assert not stale, (f"translations/{locale}/LC_MESSAGES/messages.mo is out of date; run "
                       f"`bash scripts/translations.sh compile`:\n  {_show(stale)}")


def test_compiled_zh_cn_catalogue_translates_known_strings():
    from babel.support import Translations

    with _mo("zh_CN").open("rb") as fp:
        zh = Translations(fp)
    assert zh.gettext("Service guide") == "办事指南"
    assert zh.gettext("Add") == "新增"  # a FAB msgid FAB's own zh catalogue lacks
    assert zh.gettext("Welcome, %(name)s.") % {"name": "张三"} == "张三，您好。"


# ---- placeholders survive translation ---------------------------------------------------------

@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders_of_their_msgid(locale):
    wrong = []
    for message in _messages(_read_po(_po(locale))):
        expected = _placeholders(_ids(message)[0])
        for string in _strings(message):
            if string and _placeholders(string) != expected:
                wrong.append(f"{message.id!r} -> {string!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_passes_babels_checks(locale):
    catalogue = _read_po(_po(locale))
    problems = [f"{m.id!r}: {'; '.join(str(e) for e in errors)}" for m, errors in catalogue.check()]
    assert not problems, "\n".join(problems)


# ---- our zh_CN catalogue is found under Babel's name for zh_CN -------------------------------

def test_zh_cn_locale_finds_the_zh_cn_catalogue_then_fabs_zh():
    from app.i18n import catalogue_names

    locale = Locale.parse("zh_CN")
    assert str(locale) == "zh_Hans_CN"  # why plain gettext lookup misses translations/zh_CN
    assert catalogue_names(locale) == ["zh_Hans_CN", "zh_CN", "zh"]
    assert catalogue_names(Locale.parse("en")) == ["en"]


def test_login_page_is_in_chinese_by_default(app):
    client = app.test_client()
    html = client.get("/login/").get_data(as_text=True)
    assert "请在下面输入您的用户名和密码" in html  # FAB's zh catalogue
    assert 'value="登录"' in html
    assert "办事指南" in html  # ours, in translations/zh_CN
    for english in ("Sign In", "Enter your login and password below", "Service guide"):
        assert english not in html


def test_login_page_is_in_english_once_chosen(app):
    client = app.test_client()
    client.get("/lang/en")
    html = client.get("/login/").get_data(as_text=True)
    assert 'value="Sign In"' in html
    assert "Service guide" in html
    assert "办事指南" not in html
