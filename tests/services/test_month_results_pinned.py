"""Issue #21 P1 (the month's scores with less work per request): every figure of a hand-built
month pinned — compute_month (SCORE-2/3/4, COMP-5, NOTICE-1, CASE-6), its confirmed snapshot
(SCORE-3), month_window_scores and the dashboard's ranking read of it — so that a change to
how the month is read (fewer statements) cannot change what it shows; and the statements it
costs, bounded.

The month (2026-10), windows 01–06 (05 inactive with an event, 07 inactive without: not listed):
- 01: M1 −1, −2 (3 off), M3 −3 (3 overdue days at 1 point a day), B +4, +8 (12 → capped 10),
  rated by 02 (80 ×4) and 03 (90, 90, 90, 91) → mean 85.13 → M10 8.5; COMP-5 excluded (hook).
- 02: M7 −2 from a complaint, −3 manual (one verified complaint), M9 −1; rated by 01 (70 ×4).
- 03: M2 −12 (floored at 0 of 10), staff 丙一's second one-time-notice violation of the year
  (NOTICE-1; the first in March); nobody rated → M10 the rated windows' mean (8.5 + 7) / 2.
- 04: M9 −1, M3 −1, and 丁一's first one-time-notice violation M2 −2 (no NOTICE-1).
- 05 (inactive): M8 −2 — listed, holding events.
- 06: M7 −2 from a complaint, M1 −8: 87.8 like 03, with one verified complaint more, so 03
  takes the fifth (last) 红旗窗口 seat and 06 does not (SCORE-3, the tie named).
- An event without a window (staff only) counts for nobody's window.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.services import assessment as svc
from app.services.transaction import transaction
from models.assessment import PeerRating
from models.org import Staff
from models.scoring import ScoreEvent
from tests.factories import statements

OCT = date(2026, 10, 1)
D = Decimal


def _event(session, window, category, points, *, staff=None, period=OCT, source="manual"):
    session.add(ScoreEvent(window_id=window.id if window else None,
                           staff_id=staff.id if staff else None, category=category,
                           day=period.replace(day=10), period=period, points=D(str(points)),
                           source=source, evidence=f"{category} {points}"))


@pytest.fixture
def month(db_session, make_window):
    w1, w2, w3, w4, w5, w6, w7 = (make_window(f"0{i}", f"窗口{i}") for i in range(1, 8))
    w5.is_active = w7.is_active = False
    clerk = Staff(name="丙一", window=w3, unit="window")
    loose = Staff(name="丁一", window=w4, unit="window")
    db_session.add_all([clerk, loose])
    db_session.flush()
    for window, category, points, kw in (
            (w1, "M1", -1, {}), (w1, "M1", -2, {}), (w1, "M3", -3, {}), (w1, "B", 4, {}),
            (w1, "B", 8, {}),
            (w2, "M7", -2, {"source": "complaint"}), (w2, "M7", -3, {}), (w2, "M9", -1, {}),
            (w3, "M2", -12, {}),
            (w3, "M2", -2, {"staff": clerk, "source": "notice_violation",
                            "period": date(2026, 3, 1)}),
            (w4, "M9", -1, {}), (w4, "M3", -1, {}),
            (w4, "M2", -2, {"staff": loose, "source": "notice_violation"}),  # the first: kept
            (w5, "M8", -2, {}), (w6, "M7", -2, {"source": "complaint"}), (w6, "M1", -8, {}),
            (None, "M1", -5, {"staff": loose})):
        _event(db_session, window, category, points, **kw)
    # 03's second violation of the year, in the month (NOTICE-1)
    _event(db_session, w3, "M2", -2, staff=clerk, source="notice_violation")
    for rater, rated, marks in ((w2, w1, (80, 80, 80, 80)), (w3, w1, (90, 90, 90, 91)),
                                (w1, w2, (70, 70, 70, 70))):
        db_session.add(PeerRating(period=OCT, rater_window_id=rater.id, rated_window_id=rated.id,
                                  attitude=marks[0], efficiency=marks[1], quality=marks[2],
                                  integrity=marks[3]))
    db_session.commit()
    return w1, w2, w3, w4, w5, w6


def exclusions_of(w1):
    return lambda _session, _start, _end: (set(), {w1.id})


def shown(rows, windows):
    """Every field of every row, windows named by their place in the fixture."""
    place = {w.id: f"w{i}" for i, w in enumerate(windows, start=1)}
    return [(place[r.window_id], r.window_name, r.number, r.name, str(r.total),
             {k: str(v) for k, v in r.by_category.items()},
             None if r.peer_mean is None else str(r.peer_mean), r.verified_complaints,
             str(r.overdue_days), r.rank, r.red_flag, r.satisfied, r.excluded, r.peer_imputed,
             r.peer_missing) for r in rows]


def test_score_2_3_4_the_live_month_every_figure_pinned(db_session, month):
    rows = svc.compute_month(db_session, OCT, exclusions=exclusions_of(month[0]))
    assert shown(rows, month) == PINNED_LIVE


def test_score_3_the_confirmed_snapshot_shows_the_live_figures(db_session, month):
    from datetime import datetime, timezone

    with transaction(db_session):
        svc.confirm_month(db_session, OCT, None, datetime(2026, 11, 2, 2, tzinfo=timezone.utc),
                          date(2026, 11, 2), exclusions=exclusions_of(month[0]),
                          unrated_reason="未评")
    db_session.commit()
    state, rows = svc.month_results(db_session, OCT)
    assert state.state == "confirmed"
    # The snapshot keeps no exclusion list (it keeps 满意窗口 itself) and reads its overdue
    # days back with their column's one decimal place: all else is the live row.
    assert shown(rows, month) == [row[:8] + (D(row[8]).quantize(D("0.1")).to_eng_string(),)
                                  + row[9:12] + ([],) + row[13:] for row in PINNED_LIVE]


def test_score_2_3_month_window_scores_and_the_dashboard_ranking_pinned(db_session, month):
    from app.services.dashboard_queries import window_month_score, window_ranking
    from app.services.window_scores import month_window_scores

    place = {w.id: f"w{i}" for i, w in enumerate(month, start=1)}
    scores = month_window_scores(db_session, OCT.replace(day=17))
    got = [(place[s.window_id], s.number, s.name, str(s.total),
            {k: str(v) for k, v in s.by_category.items()}, sorted(s.missing), s.rank, s.red_flag,
            None if s.tie is None else (place[s.tie.other], s.tie.basis, str(s.tie.mine),
                                        str(s.tie.theirs)))
           for s in scores]
    assert got == PINNED_SCORES
    assert window_ranking(db_session, OCT) == scores
    assert window_month_score(db_session, month[1].id, OCT) == D("91.0")
    assert window_month_score(db_session, 987654, OCT) == D(100)


def test_issue_21_the_homes_month_score_reads_no_complaints(app, db_session, month):
    """SCORE-2: the clerk's home figure is the assessment's total; COMP-5 decides 满意窗口
    only, so the home skips the complaints read: the month's row and its one UNION."""
    from app.services.dashboard_queries import window_month_score
    from app.services.settings import setting_value

    setting_value(db_session, "score.bonus_cap")
    first = month[0].id
    with statements(app) as sent:
        total = window_month_score(db_session, first, OCT)
    assert total == D("102.5")
    assert len(sent) == 2 and not [s for s in sent if "FROM complaint" in s], sent


def test_score_2_one_windows_total_is_its_total_in_the_month_results(db_session, month):
    """SCORE-2 (M10 imputed for 03, 05 inactive but listed), SCORE-3 (the confirmed snapshot):
    `window_month_total` — one window's score, computed alone for the homes (issue #21 P1) — is
    the total of that window's row of `month_results`, live and confirmed; None off the list."""
    from datetime import datetime, timezone

    for confirmed in (False, True):
        if confirmed:
            with transaction(db_session):
                svc.confirm_month(db_session, OCT, None,
                                  datetime(2026, 11, 2, 2, tzinfo=timezone.utc),
                                  date(2026, 11, 2), unrated_reason="未评")
            db_session.commit()
        _state, rows = svc.month_results(db_session, OCT)
        assert len(rows) == 6
        for row in rows:
            assert svc.window_month_total(db_session, OCT, row.window_id) == row.total, row
        assert svc.window_month_total(db_session, OCT, 987654) is None


def test_issue_21_the_live_month_costs_at_most_3_statements(app, db_session, month):
    """The month's row (with its snapshot), one statement for the sums, ratings, NOTICE-1
    counts, windows and the M3 item, and the complaints domain's COMP-5 read; the rule
    settings are read once per transaction (7 statements before)."""
    from app.services.settings import setting_value

    setting_value(db_session, "score.bonus_cap")
    with statements(app) as sent:
        svc.month_results(db_session, OCT)
    assert len(sent) <= 3, sent


def test_issue_21_the_confirmed_month_is_one_statement(app, db_session, month):
    from datetime import datetime, timezone

    with transaction(db_session):
        svc.confirm_month(db_session, OCT, None, datetime(2026, 11, 2, 2, tzinfo=timezone.utc),
                          date(2026, 11, 2), unrated_reason="未评")
    db_session.commit()
    with statements(app) as sent:
        _state, rows = svc.month_results(db_session, OCT)
    assert len(sent) == 1 and len(rows) == 6, sent


# Categories a window kept in full are shown as FULL; the others as the pinned values.
FULL = {"M1": "10", "M2": "10", "M3": "10", "M4": "10", "M5": "10", "M6": "10", "M7": "10",
        "M8": "15", "M9": "5", "M10": "10", "B": "0"}
PINNED_LIVE = [
    ("w1", "01 窗口1", "01", "窗口1", "102.5",
     FULL | {"B": "10", "M1": "7.0", "M10": "8.5", "M3": "7.0"},
     "85.13", 0, "3.0", 1, True, False, ["COMP-5"], False, False),
    ("w5", "05 窗口5", "05", "窗口5", "95.8",
     FULL | {"M10": "7.8", "M8": "13.0"}, None, 0, "0", 2, True, True, [], True, True),
    ("w4", "04 窗口4", "04", "窗口4", "93.8",
     FULL | {"M10": "7.8", "M2": "8.0", "M3": "9.0", "M9": "4.0"},
     None, 0, "1.0", 3, True, False, [], True, True),
    ("w2", "02 窗口2", "02", "窗口2", "91.0",
     FULL | {"M10": "7.0", "M7": "5.0", "M9": "4.0"},
     "70.00", 1, "0", 4, True, False, [], False, False),
    ("w3", "03 窗口3", "03", "窗口3", "87.8",
     FULL | {"M10": "7.8", "M2": "0"}, None, 0, "0", 5, True, False, ["NOTICE-1"], True, True),
    ("w6", "06 窗口6", "06", "窗口6", "87.8",
     FULL | {"M1": "2.0", "M10": "7.8", "M7": "8.0"},
     None, 1, "0", 6, False, False, [], True, True),
]
PINNED_SCORES = [
    ("w1", "01", "窗口1", "102.5",
     FULL | {"B": "10", "M1": "7.0", "M10": "8.5", "M3": "7.0"}, [], 1, True, None),
    ("w5", "05", "窗口5", "95.8",
     FULL | {"M10": "7.8", "M8": "13.0"}, ["M10"], 2, True, None),
    ("w4", "04", "窗口4", "93.8",
     FULL | {"M10": "7.8", "M2": "8.0", "M3": "9.0", "M9": "4.0"}, ["M10"], 3, True, None),
    ("w2", "02", "窗口2", "91.0",
     FULL | {"M10": "7.0", "M7": "5.0", "M9": "4.0"}, [], 4, True, None),
    ("w3", "03", "窗口3", "87.8",
     FULL | {"M10": "7.8", "M2": "0"}, ["M10"], 5, True, ("w6", "complaints", "0", "1")),
    ("w6", "06", "窗口6", "87.8",
     FULL | {"M1": "2.0", "M10": "7.8", "M7": "8.0"},
     ["M10"], 6, False, ("w3", "complaints", "1", "0")),
]



def test_issue_21_a_scores_kept_text_is_the_text_of_its_value():
    """The `score` filter keeps a Decimal's text per process: equal values of any exponent or
    sign of zero read alike, and what it answers is format_points' answer, kept or not."""
    from app.context import score
    from app.rules.points import format_points

    values = [D(v) for v in ("10", "10.0", "1E+1", "-0.0", "0", "-0.04", "0.05", "-0.05",
                             "97.45", "97.55", "-3.25", "110.00")]
    for value in values + values:  # the second pass answers from what was kept
        assert score(value) == format_points(value, score=True), value
    assert [score(v) for v in values[:6]] == ["10.0", "10.0", "10.0", "0.0", "0.0", "0.0"]
    assert score(0.15) == format_points(0.15, score=True) == "0.2"  # a float is not kept
    assert score(None) == "" and score("98") == "98.0"
