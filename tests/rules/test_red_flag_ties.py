"""SCORE-3 (issue #20): when windows tie on the total across the last 红旗窗口 seat, the page
says which tie-break decided — fewer verified complaints, then fewer overdue days, then name."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.rules.scoring import RedFlagTie, rank_windows, red_flag_ties


def ranked(rows, seats=2):
    """rows: (name, total, complaints, overdue days) → rank order with the red-flag flag."""
    order = {name: red for _rank, name, red in rank_windows(rows, seats)}
    by_name = {row[0]: row for row in rows}
    return [(*by_name[name], red) for name, red in order.items()]


@pytest.mark.parametrize("rows, expected", [
    ([("甲", "99.0", 0, 0), ("乙", "99.0", 1, 0), ("丙", "99.0", 2, 0)],
     {"乙": RedFlagTie("complaints", "丙", 1, 2), "丙": RedFlagTie("complaints", "乙", 2, 1)}),
    ([("甲", "100", 0, 0), ("乙", "99.0", 1, 2), ("丙", "99.0", 1, 5)],
     {"乙": RedFlagTie("overdue_days", "丙", Decimal(2), Decimal(5)),
      "丙": RedFlagTie("overdue_days", "乙", Decimal(5), Decimal(2))}),
    ([("甲", "100", 0, 0), ("乙", "99.0", 0, 0), ("丙", "99.0", 0, 0)],
     {"乙": RedFlagTie("name", "丙", "乙", "丙"), "丙": RedFlagTie("name", "乙", "丙", "乙")}),
], ids=["complaints", "overdue-days", "name"])
def test_score_3_tie_across_the_last_seat_names_its_tie_break(rows, expected):
    ties = red_flag_ties(ranked(rows))
    assert {key: ties[key] for key in expected} == expected
    assert "甲" not in ties or rows[0][1] == rows[1][1]


@pytest.mark.parametrize("rows", [
    [("甲", "99.0", 0, 0), ("乙", "98.0", 0, 0), ("丙", "97.0", 0, 0)],  # no tie at the seat
    [("甲", "99.0", 0, 0), ("乙", "99.0", 0, 0)],  # everyone is in
    [],
])
def test_score_3_no_tie_across_the_seat_no_note(rows):
    assert red_flag_ties(ranked(rows)) == {}


def test_score_3_a_tie_inside_the_red_flags_is_no_note():
    rows = [("甲", "99.0", 0, 0), ("乙", "99.0", 1, 0), ("丙", "90.0", 0, 0)]
    assert red_flag_ties(ranked(rows)) == {}
