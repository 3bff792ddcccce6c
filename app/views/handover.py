"""工作交接 views: register a handover, change it until the first signature, confirm it (HAND-1).

Resource "Handover": every staff role writes its own (the giver registers, each party confirms),
Office registers for anyone and confirms for staff without login, Leadership reads. The list is
row-filtered (app/security.OwnHandoverFilter): one's own handovers, all of them for Office and
Leadership. Everything goes through app/services/handover.py; no generic add/edit/delete.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext, lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Optional

from app.context import clock, local_datetime
from app.extensions import db
from app.policy.handover import confirms_for_staff_without_login, may_create_handover_for
from app.request_context import current_actor, current_staff
from app.rules.handover import GIVER, RECEIVER
from app.rules.input import validate_text
from app.security import handover_filters
from app.services.handover import (CaseListChanges, HandoverContent, confirm_handover,
                                   confirmable_sides, create_handover, is_valid, refill_cases,
                                   update_handover)
from app.services import leave_queries, org_queries
from app.services.transaction import check_version
from app.views.base import DomainModelView, VersionField, rule_checked
from models.handover import Handover
from models.leave import LeaveRequest
from models.org import Staff

HANDOVER_LABELS = {
    "giver": _l("Giver"), "receiver": _l("Receiver"), "leave_request": _l("Leave request"),
    "items": _l("Items handed over"), "documents": _l("Documents"), "tasks": _l("Tasks"),
    "created_by": _l("Registered by"), "created_at": _l("Registered"),
    "giver_confirmed_at": _l("Giver confirmed"), "receiver_confirmed_at": _l("Receiver confirmed"),
    "valid": _l("Valid"),
}
SIDE_LABELS = {GIVER: _l("Giver"), RECEIVER: _l("Receiver")}


def _staff_choices(rows) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(s.id), f"{s.name}" + (f" ({s.window})" if s.window else ""))
                          for s in rows]


def _content_fields() -> dict:
    return {"items": TextAreaField(_l("Items handed over")),
            "documents": TextAreaField(_l("Documents")),
            "tasks": TextAreaField(_l("Tasks"))}


def create_form_class(givers: list[Staff], receivers: list[Staff], leaves: list[LeaveRequest]):
    fields = {
        "giver_id": SelectField(_l("Giver"), choices=_staff_choices(givers), validators=[Optional()]),
        "receiver_id": SelectField(_l("Receiver"), choices=_staff_choices(receivers),
                                   validators=[Optional()]),
        "leave_request_id": SelectField(
            _l("Leave request"), validators=[Optional()],
            choices=[("", "—")] + [(str(leave.id), f"{leave.staff.name} {leave.start_day.isoformat()}"
                                    f" – {leave.end_day.isoformat()}") for leave in leaves]),
        **_content_fields(),
    }
    return type("HandoverForm", (DynamicForm,), fields)


def change_form_class(handover: Handover):
    fields = {"version": VersionField(default=handover.version), **_content_fields()}
    return type("HandoverChangeForm", (DynamicForm,), fields)


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _bounded(value, field: str) -> str | None:
    return validate_text(value or "", None, field)  # INPUT-1


def content_from(form) -> HandoverContent:
    return HandoverContent(items=_bounded(form.items.data, "items"),
                           documents=_bounded(form.documents.data, "documents"),
                           tasks=_bounded(form.tasks.data, "tasks"))


def default_receiver(giver: Staff | None) -> int | None:
    """AB-2: the B of the giver's post is who usually takes over; A of several posts: the
    B of the first post (by id — without an order PostgreSQL may answer another each time)."""
    if giver is None:
        return None
    return org_queries.first_backup_of(db.session, giver.id)


class HandoverView(DomainModelView):
    """工作交接 — handovers one gives or receives (all of them for Office and Leadership)."""

    datamodel = SQLAInterface(Handover)
    record_name = _l("Handover")
    class_permission_name = "Handover"
    method_permission_name = {"list": "read", "show": "read", "create": "write",
                              "change": "write", "confirm": "write", "refill": "write"}
    include_route_methods = {"list", "show", "create", "change", "confirm", "refill"}
    base_permissions = ["can_read", "can_write"]
    base_filters = handover_filters()
    list_title = _l("Handovers")
    show_title = _l("Handover")
    label_columns = HANDOVER_LABELS
    list_columns = ["giver", "receiver", "created_at", "giver_confirmed_at",
                    "receiver_confirmed_at"]
    search_columns = ["giver", "receiver", "created_at"]
    order_columns = ["created_at"]
    base_order = ("created_at", "desc")
    formatters_columns = {"created_at": local_datetime, "giver_confirmed_at": local_datetime,
                          "receiver_confirmed_at": local_datetime}

    def _get_scoped(self, pk) -> Handover:
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        return item

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        handover = self._get_scoped(pk)
        actor = current_actor()
        sides = confirmable_sides(handover, actor, confirms_for_staff_without_login(current_actor()))
        return self.render_template(
            "bianmin/handover_show.html", title=self.show_title, handover=handover,
            valid=is_valid(handover), sides=sides, side_labels=SIDE_LABELS,
            editable=handover.giver_confirmed_at is None and handover.receiver_confirmed_at is None
            and may_create_handover_for(current_actor(), handover.giver_id))

    @expose("/create/", methods=["GET", "POST"])
    @has_access
    def create(self):
        me = current_staff()
        office = may_create_handover_for(current_actor(), None)
        if not office and me is None:
            abort(403)
        everyone = org_queries.active_staff(db.session)
        givers = everyone if office else [me]
        leaves = leave_queries.live_requests(db.session, None if office else me.id, limit=200)
        form_class = create_form_class(givers, everyone, leaves)
        if request.method == "POST":
            form = form_class(request.form)
        else:
            giver = me if me is not None else None
            form = form_class(data={"giver_id": str(giver.id) if giver else "",
                                    "receiver_id": str(default_receiver(giver) or "")})
        if request.method == "POST" and form.validate():
            giver_id = _int(form.giver_id.data)
            if not may_create_handover_for(current_actor(), giver_id):
                abort(403)
            with rule_checked(form) as saved:
                handover = create_handover(db.session, giver_id, _int(form.receiver_id.data),
                                           content_from(form), current_actor(), clock(),
                                           leave_request_id=_int(form.leave_request_id.data))
            if saved.ok:
                flash(gettext("Handover registered with %(count)d unfinished cases. Both parties "
                              "confirm it now.", count=len(handover.cases)), "success")
                return redirect(url_for(".show", pk=handover.id))
        return self.render_template("bianmin/handover_form.html", form=form, handover=None,
                                    title=gettext("New handover"))

    @expose("/change/<int:pk>", methods=["GET", "POST"])
    @has_access
    def change(self, pk):
        handover = self._get_scoped(pk)
        if not may_create_handover_for(current_actor(), handover.giver_id):
            abort(403)
        form_class = change_form_class(handover)
        if request.method == "POST":
            form = form_class(request.form)
        else:
            form = form_class(data={"items": handover.items or "",
                                    "documents": handover.documents or "",
                                    "tasks": handover.tasks or ""})
        if request.method == "POST" and form.validate():
            changes = CaseListChanges(
                notes={row.id: request.form.get(f"note_{row.id}") for row in handover.cases
                       if f"note_{row.id}" in request.form},
                removed={row.id for row in handover.cases if request.form.get(f"remove_{row.id}")})
            with rule_checked(form) as saved:
                check_version(handover, form.version.data)
                changes.notes = {k: _bounded(v, "note") for k, v in changes.notes.items()}
                update_handover(db.session, handover, content_from(form), changes)
            if saved.ok:
                flash(gettext("Handover saved."), "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template("bianmin/handover_form.html", form=form, handover=handover,
                                    title=gettext("Change handover"))

    @expose("/refill/<int:pk>", methods=["POST"])
    @has_access
    def refill(self, pk):
        handover = self._get_scoped(pk)
        if not may_create_handover_for(current_actor(), handover.giver_id):
            abort(403)
        if DynamicForm(request.form).validate():
            with rule_checked() as saved:
                refill_cases(db.session, handover)
            if saved.ok:
                flash(gettext("Case list filled in again from the cases."), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/confirm/<int:pk>/<side>", methods=["POST"])
    @has_access
    def confirm(self, pk, side):
        handover = self._get_scoped(pk)
        if side not in (GIVER, RECEIVER):
            abort(404)
        if DynamicForm(request.form).validate():
            with rule_checked() as saved:
                check_version(handover, request.form.get("version"))
                confirm_handover(db.session, handover, side, current_actor(), clock(),
                                 confirms_for_staff_without_login(current_actor()))
            if saved.ok:
                flash(gettext("Handover confirmed."), "success")
        return redirect(url_for(".show", pk=pk))
