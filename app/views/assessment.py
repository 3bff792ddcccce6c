"""月度考核 pages: the month's results of every window (SCORE-2/3/4), each score explained
(SCORE-7), Leadership's confirm/reopen (SCORE-3), the mutual rating form (M10) and the awards
(服务明星, 岗位之星, SCORE-4).

Resource "MonthlyAssessment": read (every staff role; clerks their window's totals and their
own events, window heads their window — `assessment_scope`), "confirm" (Leadership —
`may_confirm_month`), "rate" (window heads for their window, Office for any —
`peer_rater_windows`). Writes go through app/services/assessment.py only: no generic doors.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app import context
from app.context import score, score_category
from app.extensions import db
from app.policy.scores import may_confirm_month, peer_rater_windows
from app.request_context import current_actor
from app.rules.assessment import PEER_CRITERIA, parse_period, quarter_months, quarter_of
from app.rules.input import BUSINESS_YEARS
from app.rules.points import format_points
from app.rules.scoring import CATEGORY_LABELS as SCORE_CATEGORY_LABELS, red_flag_ties
from app.security import assessment_scope
from app.services import assessment as svc
from app.services import org_queries
from app.views.base import find, rule_checked
from app.views.window_scores import explainer, tie_note
from models.org import Staff, Window

CATEGORY_LABELS = {key: _l(label) for key, label in SCORE_CATEGORY_LABELS.items()}  # SCORE-2
CRITERIA_LABELS = dict(zip(PEER_CRITERIA, (_l("Attitude"), _l("Efficiency"), _l("Quality"),
                                          _l("Integrity"))))
EXCLUSION_LABELS = {"COMP-5": _l("verified language or attitude complaint (COMP-5)"),
                    "NOTICE-1": _l("one-time notice violation (NOTICE-1)")}


def event_link(event_id: int) -> str:
    """The page of one score event (the deductions domain's event view)."""
    return f"/scoreeventview/show/{event_id}"


def line_text(line) -> str:
    """SCORE-7: how a category's points came about, in words: raw sum, floor or cap, result —
    the raw sum signed, the result a score, written as everywhere (app.rules.points)."""
    raw, value = format_points(line.raw, signed=True), format_points(line.value, score=True)
    maximum = format_points(line.maximum)
    cat = score_category(line.category)  # issue #20: the category's name, not its code
    if line.applied == "peer_imputed":
        return gettext("%(cat)s: nobody rated this window; the mean of the rated windows' "
                       "%(cat)s → %(value)s of %(max)s", cat=cat, value=value,
                       max=maximum)
    if line.applied == "peer_missing":
        return gettext("%(cat)s: no mutual rating yet, counted full → %(value)s of %(max)s",
                       cat=cat, value=value, max=maximum)
    if line.applied == "peer":
        return gettext("%(cat)s: mutual rating mean %(mean)s of 100, scaled → %(value)s of "
                       "%(max)s", cat=cat, mean=format_points(line.raw), value=value,
                       max=maximum)
    if line.category == "B":
        if line.applied == "cap":
            return gettext("%(cat)s: %(raw)s raw, capped at %(max)s → %(value)s",
                           cat=cat, raw=raw, max=maximum, value=value)
        return gettext("%(cat)s: %(raw)s raw → %(value)s (cap %(max)s)", cat=cat,
                       raw=raw, value=value, max=maximum)
    if line.applied == "floor":
        return gettext("%(cat)s: %(raw)s raw, floored at 0 → %(value)s of %(max)s",
                       cat=cat, raw=raw, value=value, max=maximum)
    return gettext("%(cat)s: %(raw)s raw → %(value)s of %(max)s", cat=cat,
                   raw=raw, value=value, max=maximum)


def category_cells(row, categories, link: str, titles: tuple[str, str]) -> Markup:
    """SCORE-2/7: one row's category cells of the month's table in one piece (issue #21 P1:
    ~130 cells a page, each four outputs escaped in the template), each score opening the
    window's month explained at its category; M10 of a window nobody rated flagged with
    `titles` (imputed, counted full: translated texts, inserted as the template's `_()`
    inserts them). `link` is escaped; the category codes and a score's text (digits, a
    point, a sign) have nothing to escape."""
    flag = ""
    if row.peer_missing:
        flag = (' <span class="label label-warning peer-missing" title="'
                f'{titles[0] if row.peer_imputed else titles[1]}">!</span>')
    link = escape(link)
    return Markup("".join([
        f'<td class="score-cell" data-category="{c}"><a href="{link}#cat-{c}">'
        f'{score(row.by_category[c])}</a>{flag if c == "M10" else ""}</td>'
        for c in categories]))


def default_month() -> date:
    """The month last finished: the one waiting for confirmation."""
    return context.last_finished_month()


def _month_arg(value) -> date:
    return parse_period(value) or default_month()


def _year_arg(value, fallback: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return fallback
    return year if BUSINESS_YEARS[0] <= year <= BUSINESS_YEARS[1] else fallback


class AssessmentView(BaseView):
    """月度考核 — results, explanations, confirmation, mutual rating, awards (SCORE-2/3/4/7)."""

    route_base = "/assessment"
    default_view = "month"
    class_permission_name = "MonthlyAssessment"
    method_permission_name = {"month": "read", "window": "read", "stars": "read",
                              "person": "read", "confirm": "confirm", "reopen": "confirm",
                              "rate": "rate"}
    base_permissions = ["can_read", "can_confirm", "can_rate"]

    # --- the month's table -------------------------------------------------------------------
    @expose("/month/")
    @has_access
    def month(self):
        period = _month_arg(request.args.get("month"))
        month, rows = svc.month_results(db.session, period)
        # SCORE-3 (issue #20): a tie across the last 红旗窗口 seat says what decided it.
        ties = red_flag_ties((r.window_id, r.total, r.verified_complaints, r.overdue_days,
                              r.red_flag) for r in sorted(rows, key=lambda r: r.rank))
        names = {r.window_id: r.window_name for r in rows}
        scope_window, _staff = assessment_scope()
        if scope_window is not None:
            rows = [row for row in rows if row.window_id == scope_window]
        tie_notes = {r.window_id: tie_note(r, names, ties[r.window_id])
                     for r in rows if r.window_id in ties}
        categories = list(svc.score_categories(db.session)) + ["B"]
        explain, shown = explainer(), period.strftime("%Y-%m")  # SCORE-7: one url_for a page
        links = {r.window_id: explain(r.window_id, shown) for r in rows}
        titles = (gettext("Nobody rated this window: the mean of the rated windows"),
                  gettext("No mutual rating yet: counted full"))
        return self.render_template(
            "bianmin/assessment_month.html", title=gettext("Monthly assessment"), rows=rows,
            month=month, period=period, categories=categories, labels=CATEGORY_LABELS,
            tie_notes=tie_notes,
            explain_links=links,
            cells={r.window_id: category_cells(r, categories, links[r.window_id], titles)
                   for r in rows},
            may_confirm=may_confirm_month(current_actor()), may_rate=peer_rater_windows(current_actor()) != [],
            form=DynamicForm(), exclusion_labels=EXCLUSION_LABELS,
            unrated=sorted(svc.unrated_windows(rows), key=lambda row: row.window_name),
            any_rated=any(not row.peer_missing for row in rows),
            finished=period < context.today().replace(day=1))

    @staticmethod
    def _confirmable_period():
        """SCORE-3: the posted month of a confirm or reopen, for Leadership only (403), from a
        form with its CSRF token and a YYYY-MM month (400)."""
        if not may_confirm_month(current_actor()):
            abort(403)
        if not DynamicForm(request.form).validate():
            abort(400)
        period = parse_period(request.form.get("month"))
        if period is None:
            abort(400)
        return period

    @expose("/confirm", methods=["POST"])
    @has_access
    def confirm(self):
        period = self._confirmable_period()
        clock = context.clock()
        with rule_checked() as saved:  # the second of two at once: who confirmed, when
            svc.confirm_month(db.session, period, current_actor().user_id, clock.now,
                              clock.today, seen_version=request.form.get("version"),
                              unrated_reason=(request.form.get("unrated_reason") or "")[:2000])
        if saved.ok:
            flash(gettext("%(month)s confirmed: its scores are frozen.",
                          month=period.strftime("%Y-%m")), "success")
        return redirect(url_for(".month", month=period.strftime("%Y-%m")))

    @expose("/reopen", methods=["POST"])
    @has_access
    def reopen(self):
        period = self._confirmable_period()
        clock = context.clock()
        with rule_checked() as saved:
            svc.reopen_month(db.session, period, (request.form.get("reason") or "")[:2000],
                             current_actor().user_id, clock.now,
                             seen_version=request.form.get("version"))
        if saved.ok:
            flash(gettext("%(month)s reopened.", month=period.strftime("%Y-%m")), "success")
        return redirect(url_for(".month", month=period.strftime("%Y-%m")))

    # --- SCORE-7: a window's month explained -------------------------------------------------
    @expose("/window/<int:window_id>/")
    @has_access
    def window(self, window_id):
        period = _month_arg(request.args.get("month"))
        scope_window, scope_staff = assessment_scope()
        window = find(Window, window_id)
        if window is None or (scope_window is not None and scope_window != window_id):
            abort(404)
        explanation = svc.window_explanation(db.session, period, window_id,
                                             own_staff_id=scope_staff)
        return self.render_template(
            "bianmin/assessment_window.html", title=gettext("Score explained"), window=window,
            period=period, explanation=explanation, labels=CATEGORY_LABELS,
            line_text=line_text, event_link=event_link,
            month=svc.assessment_month(db.session, period))

    # --- SCORE-2 M10: the mutual rating form --------------------------------------------------
    @expose("/rate/", methods=["GET", "POST"])
    @has_access
    def rate(self):
        allowed = peer_rater_windows(current_actor())
        if allowed == []:
            abort(403)
        source = request.form if request.method == "POST" else request.args
        period = _month_arg(source.get("month"))
        windows = org_queries.windows(db.session)
        raters = [w for w in windows if allowed is None or w.id in allowed]
        try:
            rater_id = int(source.get("rater") or (raters[0].id if raters else 0))
        except ValueError:
            rater_id = 0
        if rater_id not in {w.id for w in raters}:
            abort(404 if raters else 403)
        form = DynamicForm(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            ratings = {w.id: {name: request.form.get(f"{name}_{w.id}") for name in PEER_CRITERIA}
                       for w in windows if w.id != rater_id
                       and any(request.form.get(f"{name}_{w.id}") for name in PEER_CRITERIA)}
            clock = context.clock()
            with rule_checked() as saved:
                count = svc.record_peer_ratings(db.session, period, rater_id, ratings,
                                                current_actor().user_id, clock.today, clock.now)
            if saved.ok:
                flash(gettext("%(count)s ratings saved.", count=count), "success")
                return redirect(url_for(".rate", month=period.strftime("%Y-%m"), rater=rater_id))
        existing = svc.ratings_by(db.session, period, rater_id)
        opens, closes = svc.rating_window(db.session, period)
        return self.render_template(
            "bianmin/assessment_rate.html", title=gettext("Mutual window rating"),
            period=period, raters=raters, rater_id=rater_id,
            rated=[w for w in windows if w.id != rater_id], existing=existing,
            criteria=list(CRITERIA_LABELS.items()), form=form, opens=opens, closes=closes,
            submitted=request.form if request.method == "POST" else {})

    # --- SCORE-4: the awards ------------------------------------------------------------------
    @expose("/stars/")
    @has_access
    def stars(self):
        today = context.today()
        year = _year_arg(request.args.get("year"), today.year)
        try:
            quarter = int(request.args.get("quarter") or 0)
        except ValueError:
            quarter = 0
        if not 1 <= quarter <= 4:
            quarter = quarter_of(today.replace(day=1))[1] if year == today.year else 4
        quarterly = svc.quarter_stars(db.session, year, quarter, today)
        yearly = svc.year_stars(db.session, year, today)
        excluded = _visible_exclusions(quarterly.excluded)
        return self.render_template(
            "bianmin/assessment_stars.html", title=gettext("Service stars and post stars"),
            year=year, quarter=quarter, quarterly=quarterly, yearly=yearly,
            exclusion_labels=EXCLUSION_LABELS, may_open=_may_open_person,
            excluded=excluded, staff_names=_names(excluded))

    @expose("/person/<int:staff_id>/")
    @has_access
    def person(self, staff_id):
        staff = find(Staff, staff_id)
        if staff is None or not _may_open_person(staff_id, staff.window_id):
            abort(404)
        today = context.today()
        year = _year_arg(request.args.get("year"), today.year)
        try:
            quarter = int(request.args.get("quarter") or 0)
        except ValueError:
            quarter = 0
        months = (quarter_months(year, quarter) if 1 <= quarter <= 4
                  else [date(year, m, 1) for m in range(1, 13)])
        months = svc.started_months(months, today)
        result = svc.individual_results(db.session, months).get(staff_id)
        events = svc.person_events(db.session, staff_id, months)
        return self.render_template(
            "bianmin/assessment_person.html", title=gettext("Individual result explained"),
            staff=staff, year=year, quarter=quarter if 1 <= quarter <= 4 else None,
            months=months, result=result, events=events,
            event_link=event_link, labels=CATEGORY_LABELS,
            cap=svc.bonus_cap(db.session))


def _may_open_person(staff_id: int, window_id: int | None) -> bool:
    """Clerks open only their own result, window heads their window's staff (ORG-2)."""
    scope_window, scope_staff = assessment_scope()
    if scope_staff is not None:
        return scope_staff == staff_id
    return scope_window is None or scope_window == window_id


def _visible_exclusions(excluded: dict) -> dict[int, list[str]]:
    """ORG-2: who was left out of the stars and why — a verified attitude complaint (COMP-5),
    a one-time notice violation (NOTICE-1) — is complaint and deduction data: listed only for
    the people the user may open (a clerk: themselves; a window head: their window)."""
    if not excluded:
        return {}
    windows = org_queries.window_ids_by_staff(db.session, excluded)
    return {staff_id: reasons for staff_id, reasons in excluded.items()
            if _may_open_person(staff_id, windows.get(staff_id))}


def _names(excluded: dict) -> dict[int, str]:
    if not excluded:
        return {}
    return org_queries.names_by_id(db.session, excluded)


__all__ = ["AssessmentView", "event_link", "line_text", "CATEGORY_LABELS"]
