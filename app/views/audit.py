"""The audit trail, readable by Admin and Leadership (AUDIT-1), masked per PRIV-1."""

from __future__ import annotations

import json

from flask import abort
from flask_appbuilder import expose, has_access
from flask_babel import lazy_gettext as _l

from app.rules.privacy import mask_address, mask_id_number, mask_phone
from app.security import may_see_personal_data
from app.services.audit import audited_model_classes
from app.views.base import DomainModelView, interface
from app.views.choices import AUDIT_ACTION_LABELS, label_of
from models.audit import AuditLog

MASKS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}


def masked_changes(model_name: str, changes_json: str, full: bool) -> dict:
    """The recorded changes, with the model's personal fields masked unless `full` (PRIV-1)."""
    changes = json.loads(changes_json or "{}")
    if full:
        return changes
    model = audited_model_classes().get(model_name)
    personal = getattr(model, "__personal_fields__", {})
    for field, kind in personal.items():
        if field in changes:
            changes[field] = [MASKS[kind](value) if isinstance(value, str) else value
                              for value in changes[field]]
    return changes


class AuditLogView(DomainModelView):
    """审计日志 — every create, update and delete of audited records (AUDIT-1)."""

    datamodel = interface(AuditLog)
    record_name = _l("Audit entry")
    class_permission_name = "AuditLog"
    method_permission_name = {"list": "read", "show": "read"}
    # AUDIT-1: the trail is written by the session only; nobody adds, edits or deletes it.
    include_route_methods = {"list", "show"}
    base_permissions = ["can_read"]
    label_columns = {
        "at": _l("Time"),
        "username": _l("User"),
        "action": _l("Action"),
        "model": _l("Record type"),
        "record_id": _l("Record"),
        
    }
    list_columns = ["at", "username", "action", "model", "record_id"]
    show_columns = ["at", "username", "action", "model", "record_id"]
    search_columns = ["username", "action", "model", "record_id", "at"]
    formatters_columns = {"action": lambda value: label_of(AUDIT_ACTION_LABELS, value)}
    base_order = ("at", "desc")

    show_template = "bianmin/audit_show.html"

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            widgets=self._show(pk),
            related_views=[],
            changes=sorted(masked_changes(item.model, item.changes, may_see_personal_data()).items()),
        )
