"""Printable reports (issue #12): 月度考核通报 — the monthly assessment notice — as an A4 HTML
page and as a PDF, and the 半年考核等次名单 (semi-annual grade list) as a PDF.

Resource "Report": Leadership and Office (Admin); every other role gets 403. Read-only, GET
only. The notice's figures come from app/services/reports.py `month_notice`; the grade list
reuses the semi-annual page's own data (`visible_entries`, its labels). PDFs are made inline:
a 30-window notice takes a fraction of a second (bench/RESULTS.md).
"""

from __future__ import annotations

import logging
import re
from datetime import date
from urllib.parse import quote

from flask import Response, abort, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext

from app import context
from app.extensions import db
from app.rules.input import BUSINESS_YEARS
from app.rules.scoring import SEMIANNUAL_PARTS
from app.security import semiannual_scope
from app.services.exports import SCORE_CATEGORY_LABELS
from app.services.pdf import PDF_MIMETYPE, Column, parenthesis_on_own_line
from app.services.reports import (PEER_MEAN_NOTE, MonthNotice, category_heading, center_name,
                                  grades_pdf, month_notice, notice_pdf, notice_title, score)
from app.services.semiannual import excellent_ties
from app.services.window_scores import COLUMNS
from app.views.base import get_or_404
from app.views.choices import STAFF_CATEGORY_LABELS, label_of
from app.views.semiannual import (PART_LABELS, bonus_label, elsewhere_names, grade_label,
                                  half_label, quota_lines, tie_lines, visible_entries)
from app.views.window_scores import tie_note
from models.semiannual import SemiannualAssessment

log = logging.getLogger(__name__)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> date:
    """`2026-11` → 2026-11-01; anything else (or a year out of range) is 404."""
    match = MONTH.match(value)
    if not match:
        abort(404)
    year, month = int(match[1]), int(match[2])
    if not (BUSINESS_YEARS[0] <= year <= BUSINESS_YEARS[1] and 1 <= month <= 12):
        abort(404)
    return date(year, month, 1)


def month_label(period: date) -> str:
    return gettext("Month: %(month)s", month=period.strftime("%Y-%m"))


def state_line(notice: MonthNotice) -> str:
    if notice.confirmed_at is None:
        return gettext("Provisional: the month is not confirmed yet")
    return gettext("Confirmed on %(day)s", day=context.local_date(notice.confirmed_at))


def pdf_response(content: bytes, *, kind: str, ascii_name: str, display_name: str) -> Response:
    """A PDF shown in the browser (inline) under a UTF-8 name; logged by kind and size only."""
    log.info("%s PDF: %d bytes", kind, len(content))
    return Response(content, mimetype=PDF_MIMETYPE, headers={
        "Content-Disposition": f"inline; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(display_name)}",
        "Cache-Control": "no-store",
    })


class ReportView(BaseView):
    """打印报表 — the monthly assessment notice and the grade list PDF (issue #12)."""

    route_base = "/reports"
    default_view = "month"
    class_permission_name = "Report"
    method_permission_name = {"month": "read", "notice": "read", "notice_pdf": "read",
                              "grades_pdf": "read"}
    base_permissions = ["can_read"]

    @expose("/month/")
    @has_access
    def month(self):
        """The menu's entry: the notice of the month last finished (issue #20, like 月度考核)."""
        period = context.last_finished_month()
        return redirect(url_for("ReportView.notice", month=period.strftime("%Y-%m")))

    @expose("/month/<month>/notice")
    @has_access
    def notice(self, month):
        """SCORE-2/3: 月度考核通报 on A4 landscape, standalone (no menu), printed from the
        browser; the score columns headed by the categories' names (issue #20)."""
        period = parse_month(month)
        notice = month_notice(db.session, period)
        names = {s.window_id: f"{s.number} {s.name}" for s in notice.scores}
        return self.render_template(
            "print/month_notice.html", notice=notice, title=notice_title(gettext),
            tie_notes=[(names[s.window_id], tie_note(s, names)) for s in notice.scores if s.tie],
            month_label=month_label(period), state_line=state_line(notice), keys=COLUMNS,
            headings={key: category_heading(gettext(SCORE_CATEGORY_LABELS[key])) for key in COLUMNS},
            peer_mean_note=PEER_MEAN_NOTE, printed=context.today(),
            previous=(period.replace(day=1) - date.resolution).strftime("%Y-%m"),
            following=(period.replace(day=28) + 4 * date.resolution).strftime("%Y-%m"))

    @expose("/month/<month>/notice.pdf")
    @has_access
    def notice_pdf(self, month):
        """The same notice as a PDF with its Chinese font embedded."""
        period = parse_month(month)
        notice = month_notice(db.session, period)
        names = {s.window_id: f"{s.number} {s.name}" for s in notice.scores}
        content = notice_pdf(notice, gettext, context.today(), month_label(period),
                             state_line(notice),
                             [f"{names[s.window_id]}: {tie_note(s, names)}"
                              for s in notice.scores if s.tie])
        return pdf_response(content, kind="month notice",
                            ascii_name=f"month-notice-{notice.month}.pdf",
                            display_name=f"{notice_title(gettext)}-{notice.month}.pdf")

    @expose("/semiannual/<int:pk>/grades.pdf")
    @has_access
    def grades_pdf(self, pk):
        """SCORE-6: the half-year's grade list (the rows of its A4 page) as a PDF."""
        assessment = get_or_404(SemiannualAssessment, pk)
        parts = list(SEMIANNUAL_PARTS)
        columns = [Column(gettext("Full name"), 22, "L"), Column(gettext("Staff category"), 22),
                   *(Column(str(PART_LABELS[p]), 14) for p in parts),
                   Column(str(PART_LABELS["bonus"]), 12), Column(gettext("Total"), 14),
                   Column(gettext("Grade"), 16), Column(gettext("Assessment bonus"), 14)]

        # Issue #20: a name wraps before its parenthetical, never inside it (22/170 of A4).
        rows = [(parenthesis_on_own_line(e.staff.name, 7), label_of(STAFF_CATEGORY_LABELS, e.staff_category),
                 *(score(getattr(e, p)) for p in parts), score(e.bonus), score(e.total),
                 grade_label(e.grade), bonus_label(e.grade)) for e in visible_entries(assessment)]
        title = gettext("Semi-annual assessment")
        heading = f"{assessment.year} {half_label(assessment.half)}"
        # SCORE-6: the share, any tie across the last 优秀 seat, who is assessed elsewhere.
        notes = quota_lines(assessment)
        everyone = semiannual_scope() is None  # ORG-2: the tie names people and totals
        if everyone:
            notes += tie_lines(excellent_ties(db.session, assessment))
        elsewhere = elsewhere_names(assessment) if everyone else []
        if elsewhere:
            notes.append(gettext("Assessed elsewhere, not on this list nor in its 优秀 share: "
                                 "%(names)s.", names="、".join(elsewhere)))
        content = grades_pdf(center_name(db.session), title, [heading], columns, rows, gettext,
                             context.today(), notes=notes)
        return pdf_response(content, kind="grade list",
                            ascii_name=f"grades-{assessment.year}-{assessment.half}.pdf",
                            display_name=f"{title}-{assessment.year}-{assessment.half}.pdf")
