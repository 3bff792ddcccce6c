"""The one exception a broken rule raises, and the marker for its translatable text."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark `message` for extraction (pybabel keyword `N_`) without translating it here.

    Rule functions stay free of Flask-Babel; the view, API or CLI that catches a
    `RuleViolation` translates `message` in the user's locale.
    """
    return message


class RuleViolation(ValueError):
    """A rule of RULES.md is broken: carries the rule id, a translatable message and its field.

    `message` is an English msgid marked with `N_`, formatted with `params` (``%(name)s``)
    after translation; `field` names the form field the message belongs next to.
    """

    def __init__(self, rule_id: str, message: str, field: str | None = None, **params):
        self.rule_id = rule_id
        self.message = message
        self.field = field
        self.params = params
        super().__init__(f"{rule_id}: {self.render()}")

    def render(self, translate=lambda s: s) -> str:
        """The message in the caller's language (`translate` is gettext where there is one)."""
        text = translate(self.message)
        return text % self.params if self.params else text
