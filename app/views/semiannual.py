"""半年考核 views: the semi-annual individual assessment — open, compute, the office's entries
(德/能, accuracy, reporting, 廉, innovation, praise), Leadership's confirmation, the grade list
(printable on A4) and the explanation of every score (SCORE-5/6/7).

Resource "Semiannual": everyone reads (rows filtered by `app.security.semiannual_scope`: a
clerk or section head their own entry, a window head the window's staff, Office and
Leadership all); Office (and Admin) write; Leadership (and Admin) confirm. Everything goes
through app/services/semiannual.py; no generic add/edit/delete.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange

from app import context
from app.extensions import db
from app.policy.semiannual import (may_confirm_semiannual, may_manage_semiannual,
                                   may_see_semiannual_entry)
from app.request_context import current_actor
from app.rules.errors import N_, RuleViolation
from app.rules.input import BUSINESS_YEARS
from app.rules.points import format_points
from app.rules.scoring import (GRADE_LABELS, GRADE_NAMES, JI_ITEMS, SEMIANNUAL_PARTS,
                               assessment_bonus_eligible, excellent_quota)
from app.rules.semiannual import (MANUAL_KINDS, PRAISE_LABELS, PRAISE_POINTS, SUBITEMS,
                                  grade_category)
from app.security import semiannual_scope, staff_names
from app.services.semiannual import (COMPUTE_JOB, add_praise, choose_excellent, compute, confirm,
                                     create_assessment, entry_scope_condition,
                                     excellent_ties, explain, grade_settings, manual_values,
                                     own_staff_id, part_maxima, remove_praise, save_entries)
from app.services.settings import setting_value
from app.services.background import JobFailed, JobResult, job_params
from app.services.jobs import SEMIANNUAL
from app.services.transaction import Conflict, transaction
from app.services import semiannual_queries
from app.views.base import (DomainModelView, conflict_message, find,
                            get_or_404, interface, opened_at, rule_checked)
from app.views.choices import STAFF_CATEGORY_LABELS, label_of
from app.views.jobs import as_allowed_user, locked_work, seen_param, start_job
from models.semiannual import SemiannualAssessment, SemiannualEntry, SemiannualItem

PART_LABELS = {"de": _l("Conduct (德)"), "neng": _l("Skills (能)"), "qin": _l("Diligence (勤)"),
               "ji": _l("Results (绩)"), "lian": _l("Integrity (廉)"), "bonus": _l("Bonus")}
SUBITEM_LABELS = {"attendance": _l("Attendance"), "meetings": _l("Meetings and study"),
                  "duty": _l("Duty"), "accuracy": _l("Accuracy"), "ontime": _l("On-time rate"),
                  "satisfaction": _l("Satisfaction"), "reporting": _l("Reporting"),
                  "innovation": _l("Innovation")}
KIND_LABELS = {
    "manual_de": _l("Conduct, entered by the office"),
    "manual_neng": _l("Skills, entered by the office"),
    "manual_qin": _l("Diligence, entered by the office"),
    "manual_lian": _l("Integrity, entered by the office"),
    "attendance_absence": _l("Absence, per half day"),
    "leave_over_limit": _l("Sick and personal leave over the year's limit"),
    "late_early": _l("Late arrivals and early leaves, each full count"),
    "empty_post": _l("Empty post (found off post)"),
    "meeting_late": _l("Late to a meeting"),
    "meeting_absent": _l("Absent from a meeting without reason"),
    "duty_absence": _l("Left the post on duty (absence)"),
    "duty_log_missing": _l("Duty day without duty log"),
    "wrong_result": _l("Wrong results (accuracy)"),
    "ontime_rate": _l("On-time rate of decided cases"),
    "dissatisfied": _l("Result rated dissatisfied"),
    "reporting": _l("Reporting"),
    "innovation": _l("Innovation (proven improvements)"),
    "integrity": _l("Integrity breach (M6)"),
    **{kind: _l(label) for kind, label in PRAISE_LABELS.items()},
}
FORM_LABELS = {"manual_de": _l("Conduct off"), "manual_neng": _l("Skills off"),
               "wrong_result": _l("Accuracy off"), "reporting": _l("Reporting off"),
               "manual_lian": _l("Integrity off"), "innovation": _l("Innovation +")}
STATE_LABELS = {"draft": _l("Draft"), "confirmed": _l("Confirmed")}
HALF_LABELS = {1: _l("First half"), 2: _l("Second half")}


def state_label(value) -> str:
    return str(STATE_LABELS.get(value, value or ""))


def half_label(value) -> str:
    return str(HALF_LABELS.get(value, value or ""))


def grade_label(value) -> str:
    return gettext(GRADE_LABELS[value]) if value in GRADE_LABELS else ""


#: SCORE-6: whether the grade allows the assessment bonus (考核奖金) — the grade list's column.
BONUS_LABELS = {True: _l("Yes"), False: _l("No")}


def bonus_label(grade) -> str:
    """SCORE-6: "Yes", or "No" for the lowest grade (不称职/不合格); empty while ungraded."""
    eligible = assessment_bonus_eligible(grade)
    return "" if eligible is None else str(BONUS_LABELS[eligible])


def kind_label(value) -> str:
    return str(KIND_LABELS.get(value, value or ""))


class AssessmentForm(DynamicForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(*BUSINESS_YEARS)])
    half = SelectField(_l("Half-year"), choices=[("1", _l("First half")),
                                                 ("2", _l("Second half"))])


def visible_entries(assessment: SemiannualAssessment) -> list[SemiannualEntry]:
    """ORG-2: the entries of the assessment the user may see, in the grade list's order."""
    return semiannual_queries.entries(db.session, assessment.id,
                                      entry_scope_condition(semiannual_scope()))


def confirmer_name(assessment) -> str:
    """Who confirmed the grades, by the staff member's name (the login name without one)."""
    user = assessment.confirmed_by
    if user is None:
        return ""
    return staff_names([user.username]).get(user.username, user.username)


#: SCORE-6: the two grade scales (grade_category), as the quota lines name them.
SCALE_LABELS = {"civil_servant": _l("Civil servants"),
                "institution": _l("Public institution and other staff")}


def quota_lines(assessment) -> list[str]:
    """SCORE-6/7: per grade scale, how many were graded, the 优秀 seats of the share, how many
    got 优秀 — and how many at or above the threshold did not fit, so that a 98 graded 称职
    is explained on the page; a tie across the last seat names the tied and the seats left."""
    share, thresholds = grade_settings(db.session)
    lines = []
    for scale, label in SCALE_LABELS.items():
        totals = {entry.id: entry.total for entry in assessment.entries
                  if entry.total is not None and grade_category(entry.staff_category) == scale}
        if not totals:
            continue
        chosen = {entry.id for entry in assessment.entries if entry.id in totals
                  and entry.tie_chosen}
        try:
            quota = excellent_quota(totals, share, thresholds, chosen=chosen)
        except RuleViolation:  # a stale choice: the next compute clears it
            quota = excellent_quota(totals, share, thresholds)
        line = gettext("%(scale)s: %(people)s graded, %(seats)s 优秀 seats (%(share)s%%), "
                       "%(awarded)s awarded.", scale=label, people=quota.people,
                       seats=quota.seats, share=format_points(share * 100),
                       awarded=quota.awarded)
        if quota.left_out:
            line += " " + gettext(
                "%(count)s at or above %(threshold)s did not fit in the seats and have the "
                "second grade.", count=quota.left_out, threshold=format_points(thresholds[0]))
        lines.append(line)
    return lines


def tie_lines(ties) -> list[str]:
    """SCORE-6: each tie across the last 优秀 seat — who, at what total, how many seats are
    left, and Leadership's choice (or that it is still to be made)."""
    lines = []
    for tie in ties:
        names = "、".join(entry.staff.name for entry in tie.entries)
        values = dict(count=len(tie.entries), names=names, seats=tie.seats_left,
                      total=format_points(tie.total, score=True),
                      scale=SCALE_LABELS[tie.scale])
        if tie.unresolved:
            lines.append(gettext("%(scale)s: %(count)s tied at %(total)s for the last "
                                 "%(seats)s 优秀 seat(s): %(names)s. The leadership chooses "
                                 "among them before confirming.", **values))
        else:
            line = gettext("%(scale)s: %(count)s tied at %(total)s for the last "
                           "%(seats)s 优秀 seat(s): %(names)s. The leadership chose "
                           "%(chosen)s.", chosen="、".join(e.staff.name for e in tie.chosen),
                           **values)
            lines.append(" ".join(filter(None, [line, choice_line(tie.chosen[0])])))
    return lines


def choice_line(entry) -> str:
    """SCORE-6 (issue #20): who chose among the tied, when, and the reason they gave."""
    user = entry.tie_chosen_by
    if user is None:
        return ""
    name = staff_names([user.username]).get(user.username, user.username)
    if entry.tie_chosen_at is None:  # chosen through the API or the demo: no time recorded
        return gettext("Chosen by %(name)s.", name=name)
    when = context.local_datetime(entry.tie_chosen_at)
    if entry.tie_choice_reason:
        return gettext("Chosen by %(name)s on %(when)s: %(reason)s", name=name, when=when,
                       reason=entry.tie_choice_reason)
    return gettext("Chosen by %(name)s on %(when)s.", name=name, when=when)


def elsewhere_names(assessment) -> list[str]:
    """SCORE-5: the active staff assessed elsewhere (not on this grade list), by name."""
    return semiannual_queries.assessed_elsewhere_names(db.session)


SEMIANNUAL_JOB = COMPUTE_JOB  # the background job's kind (issue #21)
ASSESSMENT_GONE = N_("This assessment no longer exists.")


class SemiannualView(DomainModelView):
    """半年考核 — one per half-year; its page is the grade list (SCORE-5/6/7)."""

    datamodel = interface(SemiannualAssessment)
    class_permission_name = "Semiannual"
    method_permission_name = {"list": "read", "show": "read", "explain": "read",
                              "printable": "read", "create": "write", "compute": "write",
                              "entries": "write", "praise": "write", "unpraise": "write",
                              "confirm": "confirm", "choose": "confirm"}
    base_permissions = ["can_read", "can_write", "can_confirm"]
    include_route_methods = {"list", "show", "explain", "printable", "create", "compute",
                             "entries", "praise", "unpraise", "confirm", "choose"}
    list_title = _l("Semi-annual assessments")
    label_columns = {"year": _l("Year"), "half": _l("Half-year"), "state": _l("State"),
                     "computed_at": _l("Computed"), "confirmed_at": _l("Confirmed")}
    list_columns = ["year", "half", "state", "computed_at", "confirmed_at"]
    search_columns = ["year", "half", "state"]
    order_columns = ["year", "half"]
    base_order = ("year", "desc")
    formatters_columns = {"state": state_label, "half": half_label,
                          "computed_at": context.local_datetime,
                          "confirmed_at": context.local_datetime}

    def _assessment(self, pk) -> SemiannualAssessment:
        return get_or_404(SemiannualAssessment, pk)

    def _checked_post(self) -> None:
        if not DynamicForm(request.form).validate():  # the CSRF token
            abort(400)

    def _page_values(self, assessment):
        # ORG-2: the tie names people and their totals — for those who see every entry only.
        everyone = semiannual_scope() is None
        ties = excellent_ties(db.session, assessment) if everyone else []
        return dict(assessment=assessment, entries=visible_entries(assessment),
                    parts=list(SEMIANNUAL_PARTS), part_labels=PART_LABELS,
                    grade_label=grade_label, bonus_label=bonus_label, state_label=state_label,
                    half_label=half_label,
                    category_label=lambda v: label_of(STAFF_CATEGORY_LABELS, v),
                    maxima=part_maxima(db.session), ji_items=JI_ITEMS,
                    bonus_cap=setting_value(db.session, "semi.bonus_cap"),
                    quota_lines=quota_lines(assessment), ties=ties, tie_lines=tie_lines(ties),
                    elsewhere=elsewhere_names(assessment) if everyone else [],
                    confirmer=confirmer_name(assessment))

    # --- The grade list ---------------------------------------------------------------------
    @staticmethod
    def _grade_chart(entries, pk: int) -> dict | None:
        """Issue #20, SCORE-6: how many people got each grade, per staff category (one bar
        series each) below the grade list; a bar opens the list of the people of that grade."""
        counted: dict[str, dict[str, int]] = {}
        for entry in entries:
            if entry.grade:
                scale = counted.setdefault(entry.staff_category or "other", {})
                scale[entry.grade] = scale.get(entry.grade, 0) + 1
        if not counted:
            return None
        order = [grade for names in GRADE_NAMES.values() for grade in names]
        grades = [grade for grade in dict.fromkeys(order) if any(grade in c for c in counted.values())]
        return {"categories": [grade_label(g) for g in grades], "integer": True,
                "links": [url_for("SemiannualView.show", pk=pk, grade=g,
                                  _anchor="semiannual-grades") for g in grades],
                "series": [{"name": label_of(STAFF_CATEGORY_LABELS, category), "stack": "grades",
                            "label": True, "data": [counts.get(g, 0) or None for g in grades]}
                           for category, counts in counted.items()]}

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        assessment = self._assessment(pk)
        manage = may_manage_semiannual(current_actor()) and assessment.state == "draft"
        own = own_staff_id(db.session, current_actor().user_id)
        values = self._page_values(assessment)
        # Issue #20: a bar of the grade chart lists the people of its grade (?grade=excellent).
        grade = request.args.get("grade")
        if grade is not None and not any(e.grade == grade for e in values["entries"]):
            grade = None
        shown = [e for e in values["entries"] if e.grade == grade] if grade else values["entries"]
        return self.render_template(
            "bianmin/semiannual_show.html", title=gettext("Semi-annual assessment"),
            may_manage=manage, may_confirm=may_confirm_semiannual(current_actor()) and assessment.state == "draft"
            and assessment.computed_at is not None, form=DynamicForm(), own_staff_id=own,
            praise_kinds=[(k, gettext(PRAISE_LABELS[k]), PRAISE_POINTS[k]) for k in PRAISE_POINTS],
            grade_chart=self._grade_chart(values["entries"], assessment.id),
            grade_shown=grade, listed=shown, **values)

    @expose("/print/<int:pk>")
    @has_access
    def printable(self, pk):
        """SCORE-6: the grade list on A4, standalone (no menu), printed from the browser."""
        assessment = self._assessment(pk)
        return self.render_template("print/semiannual_grades.html",
                                    title=gettext("Semi-annual assessment"),
                                    **self._page_values(assessment))

    # --- SCORE-7: a person's explanation -------------------------------------------------------
    @expose("/explain/<int:pk>")
    @has_access
    def explain(self, pk):
        entry = find(SemiannualEntry, pk)
        if entry is None or not may_see_semiannual_entry(current_actor(), entry):
            abort(404)
        explanation = explain(db.session, entry)
        # SCORE-5: nobody takes back a praise of their own entry.
        manage = (may_manage_semiannual(current_actor()) and entry.assessment.state == "draft"
                  and entry.staff_id != own_staff_id(db.session, current_actor().user_id))
        return self.render_template(
            "bianmin/semiannual_explain.html", title=gettext("Score explanation"),
            x=explanation, entry=entry, part_labels=PART_LABELS, subitem_labels=SUBITEM_LABELS,
            subitem_max={g: m for g, (_p, m) in SUBITEMS.items()}, kind_label=kind_label,
            grade_label=grade_label, bonus_label=bonus_label, half_label=half_label,
            may_manage=manage, form=DynamicForm(), ji_items=JI_ITEMS,
            category_label=lambda v: label_of(STAFF_CATEGORY_LABELS, v))

    # --- Writes -------------------------------------------------------------------------------
    @expose("/create/", methods=["GET", "POST"])
    @has_access
    def create(self):
        if not may_manage_semiannual(current_actor()):
            abort(403)
        form = AssessmentForm(request.form if request.method == "POST" else None)
        if request.method == "GET":
            today = context.today()
            form.year.data = today.year
            form.half.data = "1" if today.month <= 6 else "2"
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                assessment = create_assessment(db.session, form.year.data, int(form.half.data),
                                               current_actor().user_id)
            if saved.ok:
                flash(gettext("Assessment opened: compute it to list everyone."), "success")
                return redirect(url_for(".show", pk=assessment.id))
        return self.render_template("bianmin/semiannual_create.html",
                                    title=gettext("New semi-annual assessment"), form=form)

    @expose("/compute/<int:pk>", methods=["POST"])
    @has_access
    def compute(self, pk):
        """SCORE-5/6: the half-year's computation — a background job (issue #21): it reads a
        half-year of cases, scores, attendance and leave for every person. Its page shows the
        progress, person by person; OPS-1's guard is the job's."""
        if not may_manage_semiannual(current_actor()):
            abort(403)
        assessment = self._assessment(pk)
        self._checked_post()
        return start_job(SEMIANNUAL_JOB, {"assessment": assessment.id,
                                          "seen": seen_param(opened_at()),
                                          "back": url_for(".show", pk=assessment.id)})

    def run_compute_job(self, job, _out, progress) -> JobResult:
        """SCORE-5/6 in the worker: as the job's user (the policy asked again, audited as
        them), under the computation's lock (OPS-1, the API's too), in one transaction."""
        params = job_params(job)
        with as_allowed_user(job, url_for("SemiannualView.compute", pk=params["assessment"]),
                             may_manage_semiannual) as actor:
            assessment = find(SemiannualAssessment, params["assessment"])
            if assessment is None:
                raise JobFailed(ASSESSMENT_GONE)
            clock = context.clock()
            with locked_work(job, SEMIANNUAL, f"{assessment.year}-H{assessment.half}",
                             clock.today):
                compute(db.session, assessment.year, assessment.half, clock.today,
                        actor.user_id, clock.now, progress=progress)
            db.session.refresh(assessment)
            return JobResult(len(assessment.entries), None, gettext(
                "Assessment computed: %(count)s people.", count=len(assessment.entries)))

    @expose("/confirm/<int:pk>", methods=["POST"])
    @has_access
    def confirm(self, pk):
        if not may_confirm_semiannual(current_actor()):
            abort(403)
        assessment = self._assessment(pk)
        self._checked_post()
        with rule_checked() as saved:
            confirm(db.session, assessment, current_actor().user_id, context.clock().now)
        if saved.ok:
            flash(gettext("Assessment confirmed: the grades are final."), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/choose/<int:pk>", methods=["POST"])
    @has_access
    def choose(self, pk):
        """SCORE-6: Leadership chooses who among those tied takes the last 优秀 seat(s)."""
        if not may_confirm_semiannual(current_actor()):
            abort(403)
        assessment = self._assessment(pk)
        self._checked_post()
        try:
            staff_ids = [int(value) for value in request.form.getlist("staff_id")]
        except ValueError:
            abort(400)
        with rule_checked() as saved:  # the service refuses a choice without its reason
            choose_excellent(db.session, assessment, staff_ids, current_actor().user_id,
                             reason=request.form.get("reason"), now=context.clock().now)
        if saved.ok:
            flash(gettext("Choice recorded: the grades follow it."), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/entries/<int:pk>", methods=["GET", "POST"])
    @has_access
    def entries(self, pk):
        """SCORE-5: one form listing everyone — 德/能/accuracy/reporting/廉 points off,
        innovation, notes."""
        if not may_manage_semiannual(current_actor()):
            abort(403)
        assessment = self._assessment(pk)
        form = DynamicForm(request.form if request.method == "POST" else None)
        entries = visible_entries(assessment)
        # SCORE-5: one's own row is shown read-only and not sent (the service refuses it too).
        own = own_staff_id(db.session, current_actor().user_id)
        errors: dict[str, str] = {}
        submitted = {}
        if request.method == "POST" and form.validate():
            submitted = {entry.staff_id: {
                **{kind: request.form.get(f"{kind}_{entry.staff_id}", "") for kind in MANUAL_KINDS},
                "notes": request.form.get(f"notes_{entry.staff_id}", "")} for entry in entries
                if entry.staff_id != own}

            def show(error):
                if isinstance(error, Conflict):
                    flash(conflict_message(), "danger")
                elif getattr(error, "field", None) and "_" in error.field and error.field[-1].isdigit():
                    errors[error.field] = error.render(gettext)
                else:
                    flash(error.render(gettext), "danger")

            with transaction(db.session, on_error=show) as saved:
                save_entries(db.session, assessment, submitted, current_actor().user_id)
            if saved.ok:
                flash(gettext("Entries saved."), "success")
                return redirect(url_for(".show", pk=pk))
            entries = visible_entries(assessment)
        values = {entry.staff_id: {k: (submitted.get(entry.staff_id, {}).get(k)
                                       if entry.staff_id in submitted else v)
                                   for k, v in manual_values(entry).items()}
                  for entry in entries}
        notes = {entry.staff_id: (submitted.get(entry.staff_id, {}).get("notes")
                                  if entry.staff_id in submitted else entry.notes) or ""
                 for entry in entries}
        return self.render_template(
            "bianmin/semiannual_entries.html", title=gettext("Entries of the office"),
            assessment=assessment, entries=entries, values=values, notes=notes, errors=errors,
            kinds=[(k, FORM_LABELS[k]) for k in MANUAL_KINDS], form=form, half_label=half_label,
            category_label=lambda v: label_of(STAFF_CATEGORY_LABELS, v), own_staff_id=own,
            maxima=part_maxima(db.session), subitem_max={g: m for g, (_p, m) in SUBITEMS.items()},
            ji_items=JI_ITEMS)

    @expose("/praise/<int:pk>", methods=["POST"])
    @has_access
    def praise(self, pk):
        if not may_manage_semiannual(current_actor()):
            abort(403)
        assessment = self._assessment(pk)
        self._checked_post()
        try:
            staff_id = int(request.form.get("staff_id", ""))
        except ValueError:
            flash(gettext("Choose the person praised."), "danger")
            return redirect(url_for(".show", pk=pk))
        with rule_checked() as saved:
            add_praise(db.session, assessment, staff_id, request.form.get("kind", ""),
                       request.form.get("evidence", ""), current_actor().user_id)
        if saved.ok:
            flash(gettext("Praise recorded."), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/unpraise/<int:pk>", methods=["POST"])
    @has_access
    def unpraise(self, pk):
        if not may_manage_semiannual(current_actor()):
            abort(403)
        item = get_or_404(SemiannualItem, pk)
        self._checked_post()
        entry_id = item.entry_id
        with rule_checked() as saved:
            remove_praise(db.session, item, current_actor().user_id)
        if saved.ok:
            flash(gettext("Praise removed."), "success")
        return redirect(url_for(".explain", pk=entry_id))


__all__ = ["SemiannualView", "PART_LABELS", "KIND_LABELS", "bonus_label"]
