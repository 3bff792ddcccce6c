"""扣分/加分 and 失职追究 views: the deduction catalogue, score events (manual and automatic),
the month's generation, dereliction records (SCORE-1, FAULT-1, AUDIT-1).

Resources: "DeductionItem" (Admin edits the catalogue, Office and Leadership read it — reference
data, FAB's generated forms with the version check); "ScoreEvent" and "Dereliction" (Office
records, corrects, deletes with a reason and runs the month's generation; Leadership reads all;
a window head reads the window's, everyone else their own — OwnScoreFilter). Score events and
derelictions are written only through the routes below (app/services/deductions.py), never by
generic forms; a confirmed month refuses every change (SCORE-3, the foundation's guard).
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError
from wtforms import DecimalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app import context
from app.extensions import db
from app.policy.scores import may_record_scores
from app.request_context import current_actor
from app.rules.points import format_points
from app.rules.scoring import CATEGORY_LABELS as SCORE_CATEGORY_LABELS
from app.security import score_filters
from app.services.deductions import (CATALOGUE_RULE_CHECKS, DerelictionInput, correct_event,
                                     generate_month, parse_month, record_dereliction,
                                     record_manual_event, remove_event)
from app.services.background import JobResult, job_params
from app.services.jobs import DEDUCTIONS
from app.services.scoring import EventInput
from app.services import catalogue_queries, org_queries
from app.views.base import DomainModelView, interface, rule_checked
from app.views.fields import DayField, select_field
from app.views.jobs import as_allowed_user, locked_work, start_month_job
from models.deductions import DERELICTION_KINDS, SANCTIONS, Dereliction
from models.scoring import SCORE_CATEGORIES, DeductionItem, ScoreEvent

CATEGORY_LABELS = {key: _l(label) for key, label in SCORE_CATEGORY_LABELS.items()}  # SCORE-2
# The catalogue holds every category but M10 (the mutual rating is not a deduction item).
ITEM_CATEGORY_LABELS = {c: CATEGORY_LABELS[c] for c in SCORE_CATEGORIES if c != "M10"}
SOURCE_LABELS = {
    "manual": _l("Recorded by the office"), "case": _l("Overdue case"),
    "notice_violation": _l("One-time notice violation"), "refusal": _l("Refusal without report"),
    "attendance": _l("Attendance"), "off_post": _l("Off-post time"),
    "meeting": _l("Meeting attendance"), "complaint": _l("Verified complaint"),
}
# FAULT-1: the ten kinds and the sanctions.
KIND_LABELS = dict(zip(DERELICTION_KINDS, (
    _l("1 Rude or impatient reception"),
    _l("2 No one-time notice, so the applicant came again"),
    _l("3 Repeated errors"),
    _l("4 Wrong application of policy causing loss"),
    _l("5 Shirking or making things hard"),
    _l("6 Delay or overdue without reason"),
    _l("7 Refusing a qualified request, or refusing without telling why"),
    _l("8 Losing an applicant's materials"),
    _l("9 Late, early or absent without handover, affecting applicants"),
    _l("10 Other"),
)))
SANCTION_LABELS = dict(zip(SANCTIONS, (_l("Reminder"), _l("Criticism"),
                                       _l("Notice of criticism"), _l("Bonus deduction"))))

ITEM_LABELS = {
    "code": _l("Code"), "category": _l("Category"), "description": _l("Description"),
    "points_min": _l("Points from"), "points_max": _l("Points to"),
    "automatic": _l("Generated automatically"), "is_active": _l("Active"),
    "sort_order": _l("Order"),
}
EVENT_LABELS = {
    "day": _l("Date"), "period": _l("Month"), "window": _l("Window"), "staff": _l("Staff"),
    "item": _l("Deduction item"), "category": _l("Category"), "points": _l("Points"),
    "evidence": _l("Evidence"), "source": _l("Source"), "automatic": _l("Automatic"),
    "confirmed": _l("Confirmed"),
    "recorded_by": _l("Recorded by"), "recorded_at": _l("Recorded at"),
}
DERELICTION_LABELS = {
    "staff": _l("Staff"), "window": _l("Window"), "kind": _l("Kind of dereliction"),
    "day": _l("Date"), "sanction": _l("Sanction"), "evidence": _l("Evidence"),
    "case": _l("Case"), "recorded_by": _l("Recorded by"), "recorded_at": _l("Recorded at"),
}


def label(labels: dict, value) -> str:
    found = labels.get(value)
    return str(found) if found is not None else ("" if value is None else str(value))


def item_label(item) -> str:
    """A catalogue item as users read it: its description translated (the msgid is English)."""
    return gettext(item.description) if item is not None else ""


def points_shown(points) -> str:
    """SCORE-1: an event's points with their sign, "+2" or "−0.5" (app.rules.points)."""
    return format_points(points, signed=True)


def source_url(event: ScoreEvent) -> str | None:
    """SCORE-1: where an event's evidence lives — the case, the notice violation, the meeting,
    the person's attendance month, the complaint."""
    targets = {
        "case": ("CaseView.show", {"pk": event.source_id}),
        "refusal": ("CaseView.show", {"pk": event.source_id}),
        "notice_violation": ("NoticeViolationView.show", {"pk": event.source_id}),
        "meeting": ("MeetingView.show", {"pk": event.source_id}),
        "attendance": ("AttendanceView.person", {"staff_id": event.staff_id,
                                                 "year": event.period.year,
                                                 "month": event.period.month}),
        "off_post": ("AttendanceView.person", {"staff_id": event.staff_id,
                                               "year": event.period.year,
                                               "month": event.period.month}),
        "complaint": ("ComplaintView.show", {"pk": event.source_id}),
    }
    if event.source not in targets or event.source_id is None:
        return None
    endpoint, values = targets[event.source]
    try:
        return url_for(endpoint, **values)
    except BuildError:  # the complaints' pages are another module's
        return None


# --- The catalogue (Admin) ----------------------------------------------------------------------
class DeductionItemView(DomainModelView):
    """扣分细则 — the deduction catalogue (SCORE-2): Admin edits it, Office and Leadership read it.
    Items are retired (Active off), not deleted: score events keep pointing at them."""

    datamodel = interface(DeductionItem)
    record_name = _l("Deduction item")
    class_permission_name = "DeductionItem"
    include_route_methods = {"list", "show", "add", "edit"}
    label_columns = ITEM_LABELS
    # Issue #20: the item code (M3-overdue-day) is a key for the automatic events, not a word
    # for readers: Office and Leadership read the item's name; Admin sees the code in the form.
    list_columns = ["category", "description", "points_min", "points_max", "automatic",
                    "is_active"]
    add_columns = edit_columns = ["code", "category", "description", "points_min", "points_max",
                                  "automatic", "is_active", "sort_order"]
    show_columns = ["category", "description", "points_min", "points_max", "automatic",
                    "is_active", "sort_order"]
    search_columns = ["category", "automatic", "is_active"]
    formatters_columns = {"category": lambda value: label(CATEGORY_LABELS, value),
                          "description": lambda value: gettext(value) if value else "",
                          "points_min": format_points, "points_max": format_points}
    add_form_extra_fields = edit_form_extra_fields = {
        "category": select_field(_l("Category"), ITEM_CATEGORY_LABELS),
    }
    description_columns = {
        "description": _l("Written in English and shown translated where a translation exists."),
        "points_min": _l("Points as a magnitude; a fixed item has the same value in both."),
    }
    rule_checks = CATALOGUE_RULE_CHECKS
    base_order = ("sort_order", "asc")


# --- Score events ------------------------------------------------------------------------------
def _active_items(manual_only: bool = True):
    return catalogue_queries.deduction_items(db.session, manual_only)


def _window_choices():
    windows = org_queries.windows(db.session, active_only=False)
    return [("", "—")] + [(str(w.id), f"{w.number} {w.name}") for w in windows]


def _staff_choices(with_window: bool = True):
    rows = org_queries.active_staff(db.session, by_window=True)
    return [("", "—")] + [(str(s.id), f"{s.name} ({s.window.number})" if s.window and with_window
                           else s.name) for s in rows]


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class ScoreEventForm(DynamicForm):
    """SCORE-1: what the office records; the rules run in the service, their messages stand
    next to these fields (item_id, day, points, window_id, staff_id, evidence)."""

    item_id = SelectField(_l("Deduction item"), choices=[], validators=[Optional()])
    day = DayField(_l("Date"), validators=[Optional()])
    points = DecimalField(_l("Points"), places=1, validators=[Optional()],
                          description=_l("Leave empty for the item's fixed value."))
    window_id = SelectField(_l("Window"), choices=[], validators=[Optional()])
    staff_id = SelectField(_l("Staff (optional)"), choices=[], validators=[Optional()])
    evidence = TextAreaField(_l("Evidence"), render_kw={"rows": 4})


class CorrectEventForm(DynamicForm):
    points = DecimalField(_l("Points"), places=1, validators=[Optional()])
    evidence = TextAreaField(_l("Evidence"), render_kw={"rows": 4})
    version = HiddenField()


class RemoveEventForm(DynamicForm):
    reason = StringField(_l("Reason for deleting"))
    version = HiddenField()


DEDUCTIONS_JOB = "deductions"  # the background job's kind (issue #21)


class ScoreEventView(DomainModelView):
    """扣分/加分 — every deduction and bonus: Office and Leadership all, a window head the
    window's, a clerk their own (SCORE-1, ORG-2)."""

    datamodel = interface(ScoreEvent)
    base_filters = score_filters()
    class_permission_name = "ScoreEvent"
    method_permission_name = {"list": "read", "show": "read", "record": "write",
                              "correct": "write", "remove": "write", "generate": "write"}
    base_permissions = ["can_read", "can_write"]
    # Written only through the routes below (the service's rules): no generic doors.
    include_route_methods = {"list", "show", "record", "correct", "remove", "generate"}
    list_title = _l("Deductions and bonuses")
    show_title = _l("Deduction or bonus")
    label_columns = EVENT_LABELS
    # SCORE-1: `confirmed` is set for the month's events when Leadership confirms it.
    list_columns = ["day", "window", "staff", "category", "item", "points", "automatic", "source",
                    "confirmed"]
    search_columns = ["period", "day", "window", "staff", "category", "automatic", "source",
                      "confirmed"]
    order_columns = ["day", "points"]
    base_order = ("day", "desc")
    list_template = "bianmin/score_event_list.html"
    formatters_columns = {"item": item_label, "points": points_shown,
                          "category": lambda value: label(CATEGORY_LABELS, value),
                          "source": lambda value: label(SOURCE_LABELS, value)}

    def _scoped(self, pk) -> ScoreEvent:
        event = self.datamodel.get(pk, self._base_filters)
        if event is None:
            abort(404)
        return event

    def render_template(self, template, **kwargs):
        kwargs.setdefault("may_record", may_record_scores(current_actor()))
        kwargs.setdefault("generate_form", DynamicForm())
        kwargs.setdefault("current_month", context.today().strftime("%Y-%m"))
        return super().render_template(template, **kwargs)

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        event = self._scoped(pk)
        may_change = may_record_scores(current_actor()) and not event.automatic
        return self.render_template(
            "bianmin/score_event_show.html", title=self.show_title, event=event,
            item_label=item_label,
            category=label(CATEGORY_LABELS, event.category),
            source=label(SOURCE_LABELS, event.source), source_url=source_url(event),
            may_change=may_change,
            correct_form=CorrectEventForm(data={"points": abs(event.points),
                                                "evidence": event.evidence,
                                                "version": event.version}),
            remove_form=RemoveEventForm(data={"version": event.version}))

    @expose("/record/", methods=["GET", "POST"])
    @has_access
    def record(self):
        if not may_record_scores(current_actor()):
            abort(403)
        form = ScoreEventForm(request.form if request.method == "POST" else None)
        groups: dict[str, list] = {}
        for item in _active_items():
            points = (format_points(item.points_min) if item.points_min == item.points_max
                      else f"{format_points(item.points_min)}–{format_points(item.points_max)}")
            groups.setdefault(label(CATEGORY_LABELS, item.category), []).append(
                (str(item.id), f"{item_label(item)} ({points})"))
        form.item_id.choices = [("", "—")] + [pair for pairs in groups.values() for pair in pairs]
        form.window_id.choices = _window_choices()
        form.staff_id.choices = _staff_choices()
        if request.method == "GET" and form.day.data is None:
            form.day.data = context.today()
        if request.method == "POST" and form.validate():
            values = EventInput(item_id=_int_or_none(form.item_id.data), day=form.day.data,
                                points=form.points.data,
                                window_id=_int_or_none(form.window_id.data),
                                staff_id=_int_or_none(form.staff_id.data),
                                evidence=form.evidence.data)
            with rule_checked(form) as saved:
                event = record_manual_event(db.session, values, current_actor(), context.clock())
            if saved.ok:
                flash(gettext("Recorded: %(points)s points.", points=points_shown(event.points)),
                      "success")
                return redirect(url_for(".show", pk=event.id))
        return self.render_template("bianmin/score_event_form.html", form=form,
                                    title=gettext("Record a deduction or bonus"))

    @expose("/correct/<int:pk>", methods=["POST"])
    @has_access
    def correct(self, pk):
        if not may_record_scores(current_actor()):
            abort(403)
        event = self._scoped(pk)
        form = CorrectEventForm(request.form)
        if form.validate():
            with rule_checked(form) as saved:
                correct_event(db.session, event, form.points.data, form.evidence.data,
                              current_actor(), seen_version=form.version.data)
            if saved.ok:
                flash(gettext("Corrected."), "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template(
            "bianmin/score_event_show.html", title=self.show_title, event=event,
            item_label=item_label,
            category=label(CATEGORY_LABELS, event.category),
            source=label(SOURCE_LABELS, event.source), source_url=source_url(event),
            may_change=True, correct_form=form,
            remove_form=RemoveEventForm(data={"version": event.version}))

    @expose("/remove/<int:pk>", methods=["POST"])
    @has_access
    def remove(self, pk):
        if not may_record_scores(current_actor()):
            abort(403)
        event = self._scoped(pk)
        form = RemoveEventForm(request.form)
        if form.validate():
            with rule_checked(form) as saved:
                remove_event(db.session, event, form.reason.data, current_actor(),
                             seen_version=form.version.data)
            if saved.ok:
                flash(gettext("Deleted."), "success")
                return redirect(url_for(".list"))
        return self.render_template(
            "bianmin/score_event_show.html", title=self.show_title, event=event,
            item_label=item_label,
            category=label(CATEGORY_LABELS, event.category),
            source=label(SOURCE_LABELS, event.source), source_url=source_url(event),
            may_change=True, remove_form=form,
            correct_form=CorrectEventForm(data={"points": abs(event.points),
                                                "evidence": event.evidence,
                                                "version": event.version}))

    @expose("/generate", methods=["POST"])
    @has_access
    def generate(self):
        """SCORE-1: run the month's automatic generation (the same service as the CLI) — as a
        background job (issue #21): it reads every case, notice, refusal, clock and meeting of
        the month, seconds at a county's scale; the job's page shows its progress and what it
        did. OPS-1's guard (one at a time, "done since you opened the page") is the job's."""
        return start_month_job(DEDUCTIONS_JOB, may_record_scores, url_for(".list"),
                               lambda _year, _month: url_for(".list"))

    def run_generation_job(self, job, _out, progress) -> JobResult:
        """SCORE-1 in the worker: as the job's user (the policy asked again, audited as them),
        under the generation's lock (OPS-1), in one transaction."""
        year, month = parse_month(job_params(job).get("month"))
        with as_allowed_user(job, url_for("ScoreEventView.generate"), may_record_scores):
            with locked_work(job, DEDUCTIONS, f"{year}-{month:02d}", context.today()):
                result = generate_month(db.session, year, month, context.today(),
                                        progress=progress)
            if result.skipped:
                summary = gettext("%(month)s is confirmed and frozen: reopen the month with a "
                                  "reason before changing its scores.",
                                  month=result.period.strftime("%Y-%m"))
            else:
                summary = gettext("%(month)s: %(added)s automatic deductions added, %(updated)s "
                                  "updated, %(removed)s removed, %(kept)s unchanged.",
                                  month=result.period.strftime("%Y-%m"), added=result.added,
                                  updated=result.updated, removed=result.removed,
                                  kept=result.kept)
            return JobResult(result.added + result.updated + result.removed, None, summary)


# --- Derelictions (FAULT-1) --------------------------------------------------------------------
class DerelictionForm(DynamicForm):
    staff_id = SelectField(_l("Staff"), choices=[], validators=[Optional()])
    kind = SelectField(_l("Kind of dereliction"), choices=[], validators=[Optional()])
    day = DayField(_l("Date"), validators=[Optional()])
    sanction = SelectField(_l("Sanction"), choices=[], validators=[Optional()])
    case_number = StringField(_l("Case number (optional)"))
    evidence = TextAreaField(_l("Evidence"), render_kw={"rows": 4})


class DerelictionView(DomainModelView):
    """失职追究 — dereliction records (FAULT-1): Office records; Leadership reads all; a window
    head the window's, a clerk their own."""

    datamodel = interface(Dereliction)
    base_filters = score_filters()
    class_permission_name = "Dereliction"
    method_permission_name = {"list": "read", "show": "read", "record": "write"}
    base_permissions = ["can_read", "can_write"]
    include_route_methods = {"list", "show", "record"}
    list_title = _l("Derelictions")
    show_title = _l("Dereliction")
    label_columns = DERELICTION_LABELS
    list_columns = ["day", "staff", "window", "kind", "sanction", "case"]
    show_columns = ["day", "staff", "window", "kind", "sanction", "evidence", "case",
                    "recorded_by", "recorded_at"]
    search_columns = ["day", "staff", "window", "kind", "sanction"]
    order_columns = ["day"]
    base_order = ("day", "desc")
    formatters_columns = {"kind": lambda value: label(KIND_LABELS, value),
                          "sanction": lambda value: label(SANCTION_LABELS, value)}

    @expose("/record/", methods=["GET", "POST"])
    @has_access
    def record(self):
        if not may_record_scores(current_actor()):
            abort(403)
        form = DerelictionForm(request.form if request.method == "POST" else None)
        form.staff_id.choices = _staff_choices()
        form.kind.choices = [("", "—")] + [(str(k), str(v)) for k, v in KIND_LABELS.items()]
        form.sanction.choices = [("", "—")] + [(k, str(v)) for k, v in SANCTION_LABELS.items()]
        if request.method == "GET" and form.day.data is None:
            form.day.data = context.today()
        if request.method == "POST" and form.validate():
            values = DerelictionInput(staff_id=_int_or_none(form.staff_id.data),
                                      kind=_int_or_none(form.kind.data), day=form.day.data,
                                      sanction=form.sanction.data or None,
                                      evidence=form.evidence.data,
                                      case_number=form.case_number.data)
            with rule_checked(form) as saved:
                row = record_dereliction(db.session, values, current_actor(), context.clock())
            if saved.ok:
                flash(gettext("Dereliction recorded."), "success")
                return redirect(url_for(".show", pk=row.id))
        return self.render_template("bianmin/dereliction_form.html", form=form,
                                    title=gettext("Record a dereliction"))

