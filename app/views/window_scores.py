"""月度窗口得分 — the month's window scores with their categories, rank and 红旗窗口 (SCORE-2/3),
and their Excel export (issue #12). Read-only; the figures come from
app/services/window_scores.py `month_window_scores` (resource "WindowScore": Office, Leadership).
"""

from __future__ import annotations

from datetime import date

from flask import abort, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from markupsafe import Markup

from app import context
from app.context import score, score_category
from app.extensions import db
from app.rules.points import format_points
from app.services.exports import SCORE_CATEGORY_LABELS, SCORE_COLUMNS, score_rows, write_export
from app.services.assessment import score_categories
from app.services.dashboard_queries import months_back
from app.services.window_scores import COLUMNS, month_window_scores, points_lost, score_trend
from app.views.downloads import refuse_over_cap, xlsx_download


def _period() -> date:
    """The month asked for (?month=2026-11), else the last finished one (issue #20, like
    月度考核: the current month is not over); 404 for nonsense."""
    value = request.args.get("month")
    if not value:
        return context.last_finished_month()
    try:
        year, month = (int(part) for part in value.split("-"))
        if not 2000 <= year <= 2099:
            raise ValueError
        return date(year, month, 1)
    except ValueError:
        abort(404)


def tie_note(score, names: dict, tie=None) -> str:
    """SCORE-3 (issue #20): why a window tied on the total across the last 红旗窗口 seat is in
    or out — the tie-break that decided, with the two values compared. `score` has the
    total (and the tie, unless given); `names` maps window ids to names."""
    tie = tie if tie is not None else getattr(score, "tie", None)
    if tie is None:
        return ""
    values = {"other": names.get(tie.other, ""), "total": format_points(score.total, score=True)}
    if tie.basis == "complaints":
        return gettext("Tied at %(total)s with %(other)s: fewer verified complaints rank first "
                       "(%(mine)s against %(theirs)s).", mine=tie.mine, theirs=tie.theirs, **values)
    if tie.basis == "overdue_days":
        return gettext("Tied at %(total)s with %(other)s and as many verified complaints: fewer "
                       "overdue days rank first (%(mine)s against %(theirs)s).",
                       mine=format_points(tie.mine), theirs=format_points(tie.theirs), **values)
    return gettext("Tied at %(total)s with %(other)s, with as many verified complaints and "
                   "overdue days: the order of the names decides.", **values)


TREND_MONTHS = 12  # issue #20: the month trend covers up to a year of finished months


def _trend_months(period: date) -> list[date]:
    """The TREND_MONTHS months up to `period`, never past the last finished month."""
    return months_back(min(period, context.last_finished_month()), TREND_MONTHS)


_ANY_WINDOW = 987654321  # stands for the window id in the URL built once (`explainer`)


def explainer():
    """`explain(window_id, month, anchor=None)`: the URL of a window's month explained
    (SCORE-7). The page links ~230 bars and points to it: url_for is asked once per request
    and the id, month (YYYY-MM) and category anchor are put into its answer (issue #21)."""
    head, tail = url_for("AssessmentView.window", window_id=_ANY_WINDOW).split(str(_ANY_WINDOW))

    def explain(window_id: int, month: str, anchor: str | None = None) -> str:
        return f"{head}{window_id}{tail}?month={month}" + (f"#{anchor}" if anchor else "")
    return explain


def score_cells(by_category, keys) -> Markup:
    """SCORE-2: one row's category cells, `<td>98.0</td>` each, in one piece (issue #21 P1:
    ~130 cells a page, each a lookup, a filter and an escape in the template). A score's
    text is digits, a point and a sign (app.rules.points): nothing to escape."""
    return Markup("".join([f"<td>{score(by_category[key])}</td>" for key in keys]))


def _value(points) -> float | None:
    """A chart value: points are Decimal (one decimal place), JSON wants a number."""
    return None if points is None else float(points)


def total_chart(scores, period: date, explain) -> dict:
    """Issue #20, SCORE-2/3: every window's total, best first, one labelled bar each; the value
    axis starts just below the lowest total (scores of 95–100 are not flat bars); 红旗窗口 in
    red; a bar opens the window's month explained (SCORE-7)."""
    month = period.strftime("%Y-%m")
    return {
        "categories": [f"{s.number} {s.name}" for s in scores], "horizontal": True,
        "floor": True, "decimals": 1, "links": [explain(s.window_id, month) for s in scores],
        "series": [{"name": gettext("Total"), "label": True,
                    "data": [{"value": _value(s.total),
                              "itemStyle": {"color": "#c9302c" if s.red_flag else "#337ab7"}}
                             for s in scores]}],
    }


def breakdown_chart(scores, period: date, categories: dict, explain) -> dict:
    """Issue #20, SCORE-2: the category breakdown — the points each window lost in each category
    this month (its maximum minus what it kept), one stacked bar per window named by category
    (行为规范…, never M1); a segment opens the window's explanation at that category."""
    month = period.strftime("%Y-%m")
    lost = [points_lost(s, categories) for s in scores]
    keys = [key for key in categories if any(loss[key] for loss in lost)]
    return {
        "categories": [f"{s.number} {s.name}" for s in scores], "horizontal": True,
        "decimals": 1, "empty": gettext("No window lost a point this month."),
        "series": [{"name": score_category(key), "stack": "lost",
                    "data": [_value(loss[key]) or None for loss in lost],
                    "links": [explain(s.window_id, month, f"cat-{key}") for s in scores]}
                   for key in keys],
    }


def trend_chart(trend, scores, selected: int | None, explain) -> dict | None:
    """Issue #20, SCORE-2: the month trend — the center's mean and each window's total (or the
    selected window's only) over the last finished months; the value axis starts near the
    lowest total. A point opens that window's month explained, the mean's point that month's
    window scores."""
    if not trend.months:
        return None
    months = [m.strftime("%Y-%m") for m in trend.months]
    month_page = url_for("WindowScoreView.month")
    shown = [s for s in scores if selected in (None, s.window_id)]
    series = [{"name": gettext("Center mean"), "width": 3,
               "data": [_value(trend.means.get(m)) for m in trend.months],
               "links": [f"{month_page}?month={m}" for m in months]}]
    series += [{"name": f"{s.number} {s.name}",
                "data": [_value(trend.totals.get(s.window_id, {}).get(m)) for m in trend.months],
                "links": [explain(s.window_id, m) for m in months]}
               for s in shown]
    return {"type": "line", "categories": months, "floor": True, "decimals": 1,
            "series": series}


class WindowScoreView(BaseView):
    """月度窗口得分 — every active window's month, best first (SCORE-2/3)."""

    route_base = "/windowscores"
    default_view = "month"
    class_permission_name = "WindowScore"
    method_permission_name = {"month": "read", "export": "read"}
    base_permissions = ["can_read"]

    @expose("/")
    @has_access
    def month(self):
        period = _period()
        scores = month_window_scores(db.session, period)
        names = {s.window_id: f"{s.number} {s.name}" for s in scores}
        selected = request.args.get("window_id", type=int)
        if selected not in names:
            selected = None
        charts = None
        if scores:
            trend = score_trend(db.session, _trend_months(period), names)
            explain = explainer()
            charts = {"total": total_chart(scores, period, explain),
                      "breakdown": breakdown_chart(scores, period, score_categories(db.session),
                                                   explain),
                      "trend": trend_chart(trend, scores, selected, explain)}
        return self.render_template(
            "bianmin/window_scores.html", scores=scores, charts=charts, selected=selected,
            tie_notes={s.window_id: tie_note(s, names) for s in scores if s.tie},
            keys=COLUMNS, labels=SCORE_CATEGORY_LABELS, month=period.strftime("%Y-%m"),
            cells={s.window_id: score_cells(s.by_category, COLUMNS) for s in scores},
            title=gettext("Window scores %(month)s", month=period.strftime("%Y-%m")))

    @expose("/export.xlsx")
    @has_access
    def export(self):
        """SCORE-2/3 (issue #12): the month's window scores as .xlsx."""
        period = _period()
        name = period.strftime("%Y-%m")
        scores = month_window_scores(db.session, period)  # one row per window, a list
        refused = refuse_over_cap(lambda _cap: len(scores), ".month", kind="window scores")
        if refused:
            return refused

        def write(out):
            rows = score_rows(scores, gettext("Yes"), gettext(
                "M10 of a window nobody rated: the mean of the rated windows' M10 (in full "
                "while no window is rated)"))
            return write_export(out, SCORE_COLUMNS, rows, title=gettext("Window scores"),
                                translate=gettext)

        return xlsx_download(write, kind="window scores", ascii_name=f"window-scores-{name}.xlsx",
                             display_name=f"{gettext('Window scores')}-{name}.xlsx")
