"""分值显示 — how points and scores are written for people, on every page, print and PDF
(SCORE-1/2/5/7: the same figure reads the same wherever it is explained).

One rule, one function (`format_points`); the Jinja filters `score`, `points` and
`signed_points` (app/context.py), the PDF code and the views' texts all call it:

- Scores and totals — a window's month total and its categories, a person's monthly result and
  mean, a semi-annual part, bonus and total — always with one decimal: "98.0", "97.5", "0.0"
  (`score=True`; rounded half up to the tenth the scores are stored in).
- Item points — a deduction, bonus, praise or innovation, a raw sum of them, the points off a
  part, a maximum or cap — as given, without trailing zeros: "−0.5", "−2", "10", "2.5".
- A negative figure carries the true minus sign "−" (U+2212), never the hyphen "-";
  `signed=True` also puts "+" before a positive one (lists where both signs occur).
- No value (not computed yet) is "".

What machines read keeps the plain Decimal string: data-* attributes, form input values, JSON
and the numbers of Excel exports are not formatted here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"
TENTH = Decimal("0.1")


def _plain(magnitude: Decimal) -> str:
    """A non-negative Decimal in positional notation without trailing zeros ("10", "0.5")."""
    text = f"{magnitude:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_points(value, *, score: bool = False, signed: bool = False) -> str:
    """Points or a score as people read them (the rule in the module docstring): a score with
    one decimal, item points as given; "−" for negatives; "+" for positives when `signed`.

    >>> format_points(Decimal("97.50"), score=True), format_points(Decimal("100"), score=True)
    ('97.5', '100.0')
    >>> format_points(Decimal("-2.0")), format_points(Decimal("-0.5"), signed=True)
    ('−2', '−0.5')
    >>> format_points(Decimal("5"), signed=True), format_points(None)
    ('+5', '')
    """
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if score:
        number = number.quantize(TENTH, rounding=ROUND_HALF_UP)
        text = f"{abs(number):f}"
    else:
        text = _plain(abs(number))
    if number < 0:
        return MINUS + text
    if signed and number > 0:
        return "+" + text
    return text


__all__ = ["format_points", "MINUS"]
