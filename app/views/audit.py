"""The audit trail, readable by Admin and Leadership (AUDIT-1), masked per PRIV-1.

PRIV-1 (issue #18): an entry shows personal data in full to exactly those who see it in full on
the audited record's own page — a case's entries (the case and its parts: materials, notes,
notices, refusal report, sub-tasks) as the case page decides for that case (its window, Office,
Leadership, B covering A), any other entry as the record's page does (Office, Leadership).
Whoever sees it masked there sees it masked here, in the declared personal fields and in every
other text of the entry (a note quoting an ID or a phone number) alike.
"""

from __future__ import annotations

import json

from flask import abort, current_app
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.context import local_datetime
from app.rules.privacy import mask_address, mask_id_number, mask_personal_text, mask_phone
from app.security import may_see_personal_data
from app.services.audit import audited_model_classes
from app.views.base import DomainModelView, find, interface, yes_no
from app.views.choices import AUDIT_ACTION_LABELS, label_of
from models.audit import AuditLog
from models.cases import Case

MASKS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}

# Audited models that no view names (they are parts of a case's page).
UNVIEWED_MODEL_LABELS = {
    "CaseMaterial": _l("Materials handed in"),
    "CaseAnnotation": _l("Note"),
    "CaseNotice": _l("Notice"),
    "RefusalReport": _l("Refusal report"),
    "AwayRegistration": _l("Errand registration"),  # AB-2 外出登记 (the cover page lists them)
    "YearSchedule": _l("Year schedule entered"),  # Calendar: the year-schedule page marks it
}


def view_labels() -> tuple[dict, dict]:
    """(model → record name, model → {column → label}) as the registered views show them,
    so the audit log names a record and its fields as the record's own pages do (AUDIT-1).
    Only labels the views declare (lazy, translated) count: FAB's generated ones such as
    "Window Id" are English. Built once per app (the views are registered at start; the
    labels stay lazy, so each request still reads them in its own language)."""
    cached = current_app.extensions.get("bianmin_view_labels")
    if cached is not None:
        return cached
    record_names: dict = {}
    columns: dict = {}
    for view in current_app.appbuilder.baseviews:
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if model is None:
            continue
        if getattr(view, "record_name", None) is not None:
            record_names.setdefault(model.__name__, view.record_name)
        labels = columns.setdefault(model.__name__, {})
        for column, label in view.label_columns.items():
            if isinstance(label, LazyString):
                labels.setdefault(column, label)
    current_app.extensions["bianmin_view_labels"] = record_names, columns
    return record_names, columns


def model_label(model_name: str) -> str:
    record_names, _columns = view_labels()
    return str(record_names.get(model_name) or UNVIEWED_MODEL_LABELS.get(model_name) or model_name)


def field_labels(model_name: str, fields) -> dict[str, str]:
    """Each field's label; a foreign key (`window_id`) takes its relation's (`window`)."""
    _record_names, columns = view_labels()
    labels = columns.get(model_name, {})
    named = {}
    for field in fields:
        label = labels.get(field) or (labels.get(field[:-3]) if field.endswith("_id") else None)
        named[field] = str(label or (_l("Record number") if field == "id" else field))
    return named


def masked_changes(model_name: str, changes_json: str, full: bool) -> dict:
    """The recorded changes, with the model's personal fields masked unless `full` (PRIV-1),
    and ID and phone numbers masked in its other texts too."""
    changes = json.loads(changes_json or "{}")
    if full:
        return changes
    model = audited_model_classes().get(model_name)
    personal = getattr(model, "__personal_fields__", {})
    for field, values in changes.items():
        mask = MASKS[personal[field]] if field in personal else mask_personal_text
        changes[field] = [mask(value) if isinstance(value, str) else value for value in values]
    return changes


def audited_case(entry: AuditLog) -> Case | None:
    """The case an entry belongs to: the case itself, or the case of one of its parts (the
    entry's `case_id`, kept in its changes even when the part is deleted)."""
    model = audited_model_classes().get(entry.model)
    if model is Case:
        case_id = entry.record_id
    elif model is not None and "case_id" in model.__table__.columns:
        values = json.loads(entry.changes or "{}").get("case_id") or [None, None]
        case_id = values[1] if values[1] is not None else values[0]
    else:
        return None
    if isinstance(case_id, str) and case_id.isascii() and case_id.isdigit():
        case_id = int(case_id)
    return find(Case, case_id) if isinstance(case_id, int) else None


def sees_entry_in_full(entry: AuditLog) -> bool:
    """PRIV-1: as the audited record's own page decides for this user (module docstring)."""
    case = audited_case(entry)
    return may_see_personal_data(case=case) if case is not None else may_see_personal_data()


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
    formatters_columns = {"action": lambda value: label_of(AUDIT_ACTION_LABELS, value),
                          "model": model_label, "at": local_datetime}
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
            changes=labelled_changes(item),
        )


# Issue #18: a user's roles (and groups) are kept by their stored English names, read translated.
NAME_LISTS = {("User", "roles"), ("User", "groups")}


def _shown(model: str, field: str, value):
    if isinstance(value, bool):
        return yes_no(value)
    if (model, field) in NAME_LISTS and isinstance(value, str) and value:
        return gettext(", ").join(gettext(name) for name in value.split(", "))
    return value


def labelled_changes(item) -> list[tuple[str, list]]:
    """(field label, [before, after]) of an entry, in field-name order, masked per PRIV-1;
    true and false read 是 and 否, as in the lists; role names translated."""
    changes = masked_changes(item.model, item.changes, sees_entry_in_full(item))
    labels = field_labels(item.model, changes)
    return [(labels[field], [_shown(item.model, field, v) for v in values])
            for field, values in sorted(changes.items())]
