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

from app import context
from app.extensions import db
from app.rules.points import format_points
from app.services.exports import SCORE_CATEGORY_LABELS, SCORE_COLUMNS, score_rows, write_export
from app.services.window_scores import COLUMNS, month_window_scores
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


def score_chart(scores, period: date) -> dict:
    """Issue #20: every window's month as one horizontal bar made of its categories (the
    category breakdown, SCORE-2), best first; a bar opens the window's explanation (SCORE-7)."""
    month = period.strftime("%Y-%m")
    return {
        "categories": [f"{s.number} {s.name}" for s in scores], "horizontal": True,
        "links": [url_for("AssessmentView.window", window_id=s.window_id, month=month)
                  for s in scores],
        "series": [{"name": gettext(SCORE_CATEGORY_LABELS[key]), "stack": "score",
                    "data": [float(s.by_category.get(key) or 0) for s in scores]}
                   for key in COLUMNS],
    }


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
        return self.render_template(
            "bianmin/window_scores.html", scores=scores,
            tie_notes={s.window_id: tie_note(s, names) for s in scores if s.tie},
            chart=score_chart(scores, period) if scores else None,
            keys=COLUMNS, labels=SCORE_CATEGORY_LABELS, month=period.strftime("%Y-%m"),
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
