"""月度窗口得分 — the month's window scores with their categories, rank and 红旗窗口 (SCORE-2/3),
and their Excel export (issue #12). Read-only; the figures come from
app/services/window_scores.py `month_window_scores` (resource "WindowScore": Office, Leadership).
"""

from __future__ import annotations

from datetime import date

from flask import abort, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext

from app import context
from app.extensions import db
from app.services.exports import SCORE_CATEGORY_LABELS, SCORE_COLUMNS, score_rows, write_export
from app.services.window_scores import COLUMNS, month_window_scores
from app.views.downloads import refuse_over_cap, xlsx_download


def _period() -> date:
    """The month asked for (?month=2026-11), else the current one; 404 for nonsense."""
    value = request.args.get("month")
    if not value:
        return context.today().replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        if not 2000 <= year <= 2099:
            raise ValueError
        return date(year, month, 1)
    except ValueError:
        abort(404)


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
        return self.render_template(
            "bianmin/window_scores.html", scores=month_window_scores(db.session, period),
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
