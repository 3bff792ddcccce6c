"""What a clerk reads when a rule is broken: the RuleViolation's message in Chinese.

A broken rule is shown next to its field, in the user's language (app/views/base.py renders
`violation.render(gettext)`). `shown` renders a violation with the zh_CN catalogue the app
ships and fails when the message is not one of its msgids (the clerk would read English, or
nothing), or when a parameter is left unfilled or empty. `breaks` is `pytest.raises` for a
rule: the rule id, the field the message belongs next to, and what the message must say.
"""

from __future__ import annotations

import gettext
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.rules.errors import RuleViolation

_MO = Path(__file__).resolve().parents[2] / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.mo"
with _MO.open("rb") as _file:
    ZH = gettext.GNUTranslations(_file)

_ANY = object()


def chinese(message: str) -> str:
    """The zh_CN translation of a msgid; fails for a text the catalogue does not know."""
    assert message in ZH._catalog, f"not a translated msgid: {message!r}"
    return ZH.gettext(message)


def shown(violation: RuleViolation) -> str:
    """The violation's message as a zh_CN user reads it, every parameter it names (in the
    English msgid or its translation) filled in."""
    text = violation.render(chinese)
    assert "%(" not in text and "None" not in text, text
    named = set(re.findall(r"%\((\w+)\)", violation.message + chinese(violation.message)))
    for name in named:
        assert violation.params.get(name) not in (None, ""), f"{name} is empty in {text!r}"
    return text


@contextmanager
def breaks(rule_id: str, *, field=_ANY, says: tuple[str, ...] | str = ()):
    """`with breaks("CASE-5", field="reason"):` the block must raise a RuleViolation of
    `rule_id`, next to `field` (None: the form as a whole), whose Chinese message contains
    each of `says` (the values the clerk needs: a limit, a date, a name)."""
    with pytest.raises(RuleViolation) as caught:
        yield caught
    violation = caught.value
    assert violation.rule_id == rule_id, violation
    if field is not _ANY:
        assert violation.field == field, violation
    text = shown(violation)
    for part in (says,) if isinstance(says, str) else says:
        assert str(part) in text, (part, text)
