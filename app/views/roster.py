"""值班 views: the rota's month calendar, generating and editing it, substitutes, duty logs and
the list of duty days without a log (ROSTER-1/2, AUDIT-1).

Resource "DutyShift": every signed-in role reads the rota and holds "log" (writing a duty log:
the service lets only that day's duty person or substitute); the Office (and Admin) also
"write": keep the order, generate, edit a day, arrange substitutes, enter a log for someone
without a login (`may_manage_rota`). No generic add/edit/delete: everything goes through
app/services/roster.py, and every change is audited (DutyShift.__audited__).
"""

from __future__ import annotations


from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import NumberRange, Optional

from app import context
from app.extensions import db
from app.policy.roster import ON_BEHALF, duty_log_door, may_manage_rota, shift_actions
from app.request_context import current_actor
from app.rules.errors import RuleViolation
from app.rules.roster import DAY, WEEK, month_bounds
from app.services.roster import (DutyLog, arrange_substitute, duty_order, generate_month,
                                 missing_logs, month_calendar, reassign_shift, roster_mode,
                                 set_duty_order, write_duty_log)
from app.services.jobs import ROSTER, JobBusy, exclusive_job
from app.services.transaction import check_version
from app.services import org_queries
from app.views.base import DomainModelView, flash_job_busy, get_or_404, opened_at, rule_checked
from app.views.derived import derived_interface
from models.roster import DutyShift

MODE_LABELS = {DAY: _l("One person per working day"), WEEK: _l("One person per week")}
SHIFT_LABELS = {
    "day": _l("Date"),
    "staff": _l("Duty person"),
    "substitute": _l("Substitute"),
    "substitute_arranged_at": _l("Substitute arranged"),
    "log_status": _l("Duty log"),
    "log_opened_hall": _l("Opened the hall"),
    "log_closed_up": _l("Closed the hall (lights, air-conditioning, windows)"),
    "log_cleaning_supervised": _l("Supervised the cleaning"),
    "log_note": _l("Note"),
    "log_written_at": _l("Log written"),
    "log_staff": _l("Log of"),
    "log_on_behalf": _l("Entered by the office"),
}


def log_status(shift: DutyShift) -> str:
    """ROSTER-2: written, missing (a past day without a log) or not yet due."""
    if shift.has_log:
        return gettext("Written")
    if shift.day < context.today():
        return gettext("Missing")
    return ""


def staff_choices(blank: bool = False) -> list[tuple[str, str]]:
    rows = org_queries.active_staff(db.session)
    return ([("", "—")] if blank else []) + [(str(s.id), s.name) for s in rows]


class GenerateForm(DynamicForm):
    year = IntegerField(_l("Year"), validators=[NumberRange(2000, 2099)])
    month = IntegerField(_l("Month"), validators=[NumberRange(1, 12)])
    mode = SelectField(_l("Rota"), choices=list(MODE_LABELS.items()))


class ReassignForm(DynamicForm):
    staff = SelectField(_l("Duty person"), choices=[])
    version = HiddenField()


class SubstituteForm(DynamicForm):
    substitute = SelectField(_l("Substitute"), choices=[], validators=[Optional()])
    version = HiddenField()


class DutyLogForm(DynamicForm):
    opened_hall = BooleanField(SHIFT_LABELS["log_opened_hall"])
    closed_up = BooleanField(SHIFT_LABELS["log_closed_up"])
    cleaning_supervised = BooleanField(SHIFT_LABELS["log_cleaning_supervised"])
    note = TextAreaField(SHIFT_LABELS["log_note"])
    version = HiddenField()


def _month_arg() -> tuple[int, int]:
    """The month asked for (?month=2026-11), else this month."""
    today = context.today()
    text = request.args.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        month_bounds(year, month)
        if not 2000 <= year <= 2099:
            raise ValueError(text)
    except ValueError:  # also a RuleViolation of month_bounds
        return today.year, today.month
    return year, month


def _neighbours(year: int, month: int) -> tuple[str, str]:
    previous = (year, month - 1) if month > 1 else (year - 1, 12)
    following = (year, month + 1) if month < 12 else (year + 1, 1)
    return f"{previous[0]}-{previous[1]:02d}", f"{following[0]}-{following[1]:02d}"


class DutyShiftView(DomainModelView):
    """值班 — the duty days: a month calendar for everyone, managed by the Office (ROSTER-1/2)."""

    datamodel = derived_interface(log_status=log_status)(DutyShift)
    class_permission_name = "DutyShift"
    method_permission_name = {"list": "read", "show": "read", "calendar": "read",
                              "missing": "read", "generate": "write", "order": "write",
                              "reassign": "write", "substitute": "write", "log": "log"}
    base_permissions = ["can_read", "can_write", "can_log"]
    include_route_methods = {"list", "show", "calendar", "missing", "generate", "order",
                             "reassign", "substitute", "log"}
    list_title = _l("Duty days")
    show_title = _l("Duty day")
    label_columns = SHIFT_LABELS
    list_columns = ["day", "staff", "substitute", "log_status", "log_written_at"]
    show_columns = ["day", "staff", "substitute", "substitute_arranged_at", "log_status",
                    "log_opened_hall", "log_closed_up", "log_cleaning_supervised", "log_note",
                    "log_written_at", "log_staff", "log_on_behalf"]
    search_columns = ["day", "staff", "substitute", "log_written_at"]
    order_columns = ["day", "log_written_at"]
    base_order = ("day", "desc")

    def _shift(self, pk) -> DutyShift:
        return get_or_404(DutyShift, pk)

    # --- ROSTER-1: the month calendar ----------------------------------------------------
    @expose("/calendar/")
    @has_access
    def calendar(self):
        year, month = _month_arg()
        previous, following = _neighbours(year, month)
        actor, today = current_actor(), context.today()
        manager = may_manage_rota(actor)
        mode = roster_mode_or_day()
        form = GenerateForm(data={"year": year, "month": month, "mode": mode}) if manager else None
        return self.render_template(
            "bianmin/duty_calendar.html", title=gettext("Duty rota %(month)s",
                                                        month=f"{year}-{month:02d}"),
            weeks=month_calendar(db.session, year, month), month=month, year=year,
            previous=previous, following=following, today=today, form=form,
            manager=manager, order=duty_order(db.session) if manager else [], log_status=log_status,
            # ROSTER-1/2: each day's buttons are the policy's answer (app/policy/roster.py)
            actions=lambda shift: shift_actions(shift, actor, today))

    @expose("/generate", methods=["POST"])
    @has_access
    def generate(self):
        if not may_manage_rota(current_actor()):
            abort(403)
        form = GenerateForm(request.form)
        if not form.validate():
            flash(gettext("Choose a month."), "danger")
            return redirect(url_for(".calendar"))
        year, month = form.year.data, form.month.data
        try:  # OPS-1: one generation of the rota at a time
            with exclusive_job(db.session, ROSTER, started_by=current_actor().username,
                               subject=f"{year}-{month:02d}", seen=opened_at(),
                               run_date=context.today()) as run, \
                    run.watch(rule_checked()) as saved:
                shifts = generate_month(db.session, year, month, mode=form.mode.data)
        except JobBusy as busy:
            flash_job_busy(busy)
            return redirect(url_for(".calendar", month=f"{year}-{month:02d}"))
        if saved.ok:
            flash(gettext("Rota generated: %(count)s duty days.", count=len(shifts)), "success")
        return redirect(url_for(".calendar", month=f"{year}-{month:02d}"))

    @expose("/order", methods=["GET", "POST"])
    @has_access
    def order(self):
        """ROSTER-1: the group order: a number per person (blank: not on the rota)."""
        if not may_manage_rota(current_actor()):
            abort(403)
        people = org_queries.active_staff(db.session)
        current = {staff.id: i for i, staff in enumerate(duty_order(db.session), start=1)}
        errors = []
        if request.method == "POST" and DynamicForm(request.form).validate():
            chosen = []
            for staff in people:
                text = request.form.get(f"pos_{staff.id}", "").strip()
                if not text:
                    continue
                if not text.isdigit() or not 1 <= int(text) <= 999:
                    errors.append(gettext("%(name)s: enter a number from 1 to 999.", name=staff.name))
                    continue
                chosen.append((int(text), staff.name, staff.id))
            if not errors:
                with rule_checked() as saved:
                    set_duty_order(db.session, [sid for _, _, sid in sorted(chosen)])
                if saved.ok:
                    flash(gettext("Duty order saved."), "success")
                    return redirect(url_for(".calendar"))
            current = {int(k[4:]): request.form[k] for k in request.form if k.startswith("pos_")}
        return self.render_template("bianmin/duty_order.html", title=gettext("Duty order"),
                                    people=people, current=current, errors=errors,
                                    form=DynamicForm())

    # --- ROSTER-1: edit a day; ROSTER-2: arrange a substitute ------------------------------
    @expose("/reassign/<int:pk>", methods=["GET", "POST"])
    @has_access
    def reassign(self, pk):
        if not may_manage_rota(current_actor()):
            abort(403)
        shift = self._shift(pk)
        form = ReassignForm(request.form if request.method == "POST" else None,
                            data=None if request.method == "POST" else
                            {"staff": str(shift.staff_id), "version": shift.version})
        form.staff.choices = staff_choices()
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                check_version(shift, form.version.data)
                reassign_shift(db.session, shift, int(form.staff.data), context.today())
            if saved.ok:
                flash(gettext("Duty day changed."), "success")
                return redirect(url_for(".calendar", month=shift.day.strftime("%Y-%m")))
        return self.render_template("bianmin/duty_form.html", form=form, shift=shift,
                                    title=gettext("Change duty person"))

    @expose("/substitute/<int:pk>", methods=["GET", "POST"])
    @has_access
    def substitute(self, pk):
        if not may_manage_rota(current_actor()):
            abort(403)
        shift = self._shift(pk)
        form = SubstituteForm(request.form if request.method == "POST" else None,
                              data=None if request.method == "POST" else
                              {"substitute": str(shift.substitute_id or ""),
                               "version": shift.version})
        form.substitute.choices = staff_choices(blank=True)
        if request.method == "POST" and form.validate():
            chosen = int(form.substitute.data) if form.substitute.data else None
            with rule_checked(form) as saved:
                check_version(shift, form.version.data)
                arrange_substitute(db.session, shift, chosen, current_actor(), context.clock())
            if saved.ok:
                flash(gettext("Substitute arranged.") if chosen else
                      gettext("Substitute cancelled."), "success")
                return redirect(url_for(".calendar", month=shift.day.strftime("%Y-%m")))
        return self.render_template("bianmin/duty_form.html", form=form, shift=shift,
                                    title=gettext("Arrange substitute"),
                                    help=gettext("A substitute is arranged in advance: before "
                                                 "the duty day, or on the day before the hall "
                                                 "opens."))

    # --- ROSTER-2: the duty log ----------------------------------------------------------
    @expose("/log/<int:pk>", methods=["GET", "POST"])
    @has_access
    def log(self, pk):
        shift = self._shift(pk)
        actor = current_actor()
        door = duty_log_door(shift, actor)  # ROSTER-2: the calendar's button and the service agree
        if door is None:
            abort(403)
        on_behalf = door == ON_BEHALF
        if request.method == "POST":
            form = DutyLogForm(request.form)
        else:
            form = DutyLogForm(data={"opened_hall": shift.log_opened_hall,
                                     "closed_up": shift.log_closed_up,
                                     "cleaning_supervised": shift.log_cleaning_supervised,
                                     "note": shift.log_note, "version": shift.version})
        if request.method == "POST" and form.validate():
            with rule_checked(form) as saved:
                check_version(shift, form.version.data)
                write_duty_log(db.session, shift,
                               DutyLog(form.opened_hall.data, form.closed_up.data,
                                       form.cleaning_supervised.data, form.note.data),
                               actor, context.clock(), on_behalf=on_behalf)
            if saved.ok:
                flash(gettext("Duty log saved."), "success")
                return redirect(url_for(".calendar", month=shift.day.strftime("%Y-%m")))
        return self.render_template(
            "bianmin/duty_form.html", form=form, shift=shift, title=gettext("Write duty log"),
            help=gettext("Entered by the office for a staff member without a login.")
            if on_behalf else None)

    # --- ROSTER-2: past duty days without a log -------------------------------------------
    @expose("/missing/")
    @has_access
    def missing(self):
        year, month = _month_arg() if request.args.get("month") else (None, None)
        start, end = month_bounds(year, month) if year else (None, None)
        actor = current_actor()
        return self.render_template(
            "bianmin/duty_missing.html", title=gettext("Duty days without log"),
            shifts=missing_logs(db.session, context.today(), start, end),
            month=f"{year}-{month:02d}" if year else "", manager=may_manage_rota(actor),
            # ROSTER-2: "enter for them" exactly when the service takes it on behalf
            on_behalf=lambda shift: duty_log_door(shift, actor) == ON_BEHALF)


def roster_mode_or_day() -> str:
    """The rota setting for the generate form (an unreadable setting offers "day")."""
    try:
        return roster_mode(db.session)
    except RuleViolation:  # the generate route reports the broken setting itself
        return DAY


__all__ = ["DutyShiftView", "log_status", "MODE_LABELS"]
