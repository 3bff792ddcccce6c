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
import re
from datetime import datetime

from flask import abort, current_app
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_babel.speaklater import LazyString

from app.context import local_datetime, person
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
    # Issue #20: records whose views declare no record name (or have no view).
    "AssessmentMonth": _l("Monthly assessment"),
    "MonthlyResult": _l("Monthly window score"),
    "PeerRating": _l("Mutual window rating"),
    "ClockExcuse": _l("补签单"),
    "ClockImport": _l("Clock import"),
    "ClockRecord": _l("Clock record"),
    "ComplaintWindow": _l("Window concerned by a complaint"),
    "Dereliction": _l("Dereliction"),
    "DutyOrder": _l("Duty order"),
    "DutyShift": _l("Duty day"),
    "HandoverCase": _l("Case in a handover"),
    "LeaveRequest": _l("Leave request"),
    "Meeting": _l("Meeting"),
    "MeetingAttendance": _l("Meeting attendance"),
    "OffPostRecord": _l("Off-post time"),
    "ScoreEvent": _l("Deduction or bonus"),
    "SemiannualAssessment": _l("Semi-annual assessment"),
    "SemiannualEntry": _l("Semi-annual assessment entry"),
    "SemiannualItem": _l("Semi-annual assessment item"),
}

# Issue #20: field names a record's own views do not label, by name (any record). The audit log
# never shows a column name such as `confirmed_at`.
FIELD_LABELS = {
    "version": _l("Version"), "state": _l("State"), "period": _l("Month"), "day": _l("Date"),
    "staff_id": _l("Staff"), "window_id": _l("Window"), "case_id": _l("Case"),
    "note": _l("Note"), "reason": _l("Reason"), "text": _l("Text"), "name": _l("Name"),
    "at": _l("Time"), "username": _l("User"), "year": _l("Year"), "kind": _l("Kind"),
    "number": _l("Number"), "position": _l("Position"), "half": _l("Half-day"),
    "am": _l("Morning"), "pm": _l("Afternoon"), "source": _l("Source"),
    "confirmed_at": _l("Confirmed at"), "confirmed_by_id": _l("Confirmed by"),
    "unrated_reason": _l("Why confirmed without mutual rating"),
    "reopen_reason": _l("Reopening reason"), "reopened_at": _l("Reopened at"),
    "reopened_by_id": _l("Reopened by"),
    "filed_at": _l("Filed at"), "filed_by_id": _l("Filed by"),
    "decided_at": _l("Decided at"), "decided_by_id": _l("Decided by"),
    "decision_note": _l("Decision note"),
    "recorded_at": _l("Recorded at"), "recorded_by_id": _l("Recorded by"),
    "entered_at": _l("Entered at"), "entered_by_id": _l("Entered by"),
    "created_at": _l("Created at"), "created_by_id": _l("Created by"),
    "imported_at": _l("Imported at"), "imported_by_id": _l("Imported by"),
    "rated_at": _l("Rated at"), "rated_by_id": _l("Rated by"),
    "answered_by_id": _l("Answered by"), "issued_at": _l("Issued at"), "issued_on": _l("Issued on"),
    "due_on": _l("Due on"), "late": _l("Late"), "received_at": _l("Received at"),
    "copies": _l("Copies"), "material_id": _l("Material"), "done_at": _l("Done at"),
    "closed_at": _l("Closed at"), "extended": _l("Extended"), "extension_days": _l("Extension days"),
    "suspended_on": _l("Suspended on"), "suspension_reason": _l("Suspension reason"),
    "withdrawn_on": _l("Withdrawn on"), "satisfaction_source": _l("Satisfaction from"),
    "applicant_id_number": _l("ID number"), "clocks_in": _l("Clocks in"),
    "step_confirmed_at": _l("Escalation step confirmed at"),
    "step_confirmed_by_id": _l("Escalation step confirmed by"),
    "giver_confirmed_by_id": _l("Giver confirmed by"), "giver_on_behalf": _l("Giver signed on behalf"),
    "receiver_confirmed_by_id": _l("Receiver confirmed by"),
    "receiver_on_behalf": _l("Receiver signed on behalf"),
    "substitute_arranged_by_id": _l("Substitute arranged by"),
    "log_written_by_id": _l("Duty log written by"),
    "ab_override_reason": _l("A/B rule override reason"), "ab_override_by_id": _l("A/B rule overridden by"),
    "ab_override_at": _l("A/B rule overridden at"), "reported_back_at": _l("Reported back at"),
    "report_back_reason": _l("Reason for reporting back late"), "handover_note": _l("Handover note"),
    "certificate_path": _l("Certificate file"), "certificate_name": _l("Certificate"),
    "certificate_type": _l("Certificate type"), "revoked_at": _l("Revoked at"),
    "revoked_by_id": _l("Revoked by"), "revoke_reason": _l("Revocation reason"),
    "meeting_id": _l("Meeting"), "status": _l("Attendance"), "minutes": _l("Minutes"),
    "correction_note": _l("Correction note"), "clocked_at": _l("Clocked at"),
    "second_of_day": _l("Time of day"), "import_id": _l("Import"), "file_name": _l("File name"),
    "sha256": _l("File checksum"), "rows": _l("Rows"), "added": _l("Added"),
    "complaint_id": _l("Complaint"), "handover_id": _l("Handover"), "item_name": _l("Service item"),
    "deadline": _l("Deadline"), "total": _l("Total"), "categories": _l("Category scores"),
    "rank": _l("Rank"), "red_flag": _l("Red-flag window"), "satisfied": _l("Satisfactory window"),
    "peer_mean": _l("Mutual rating"), "verified_complaints": _l("Verified complaints"),
    "overdue_days": _l("Overdue days"), "rater_window_id": _l("Rating window"),
    "rated_window_id": _l("Rated window"), "attitude": _l("Attitude"), "efficiency": _l("Efficiency"),
    "quality": _l("Quality"), "integrity": _l("Integrity"), "source_key": _l("Generated from"),
    "assessment_id": _l("Semi-annual assessment"), "staff_category": _l("Staff category"),
    "grade": _l("Grade"), "notes": _l("Notes"), "tie_chosen": _l("Chosen in a tie"),
    "entry_id": _l("Semi-annual assessment entry"), "part": _l("Part"), "points": _l("Points"),
    "evidence": _l("Evidence"), "source_id": _l("Source record"), "manual": _l("Entered by hand"),
    "bonus": _l("Bonus"), "bonus_raw": _l("Bonus before the cap"), "innovation": _l("Innovation"),
    # Issue #19: a search of an applicant's cases (app/services/case_search.py).
    "searched_by": _l("Searched by"), "hits": _l("Cases found"), "cases": _l("Cases"),
}

# Issue #20: coded values shown in the record's own words (state "open" of a month is 未确认).
_APPROVAL_STATES = {"pending": _lp("leave", "Pending"), "approved": _lp("leave", "Approved"),
                    "rejected": _lp("leave", "Rejected"), "cancelled": _l("Cancelled")}
VALUE_LABELS = {
    # Issue #19: how an applicant was looked for (never what was typed, PRIV-1).
    ("Case", "searched_by"): {"name": _l("Name"), "id_number": _l("ID number"),
                              "phone": _l("Phone")},
    ("RefusalReport", "searched_by"): {"name": _l("Name"), "id_number": _l("ID number"),
                                       "phone": _l("Phone")},
    ("AssessmentMonth", "state"): {"open": _lp("month", "Open"), "confirmed": _l("Confirmed")},
    ("LeaveRequest", "state"): _APPROVAL_STATES,
    ("ClockExcuse", "state"): _APPROVAL_STATES,
    ("AwayRegistration", "state"): _APPROVAL_STATES,
    ("Complaint", "state"): {"open": _lp("complaint", "Open"), "answered": _lp("complaint", "Answered"),
                             "closed": _lp("complaint", "Closed")},
    ("SemiannualAssessment", "state"): {"draft": _l("Draft"), "confirmed": _l("Confirmed")},
}
ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


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
        label = label or FIELD_LABELS.get(field)
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
                          "model": model_label, "at": local_datetime,
                          "username": person}  # issue #20: people by name, 系统（自动）
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


def _user_name(user_id) -> str:
    user = current_app.appbuilder.sm.get_user_by_id(user_id)
    return person(user) if user is not None else str(user_id)


def _shown(model: str, field: str, value):
    if isinstance(value, bool):
        return yes_no(value)
    # Issue #20: an instant in the center's time, 2026-12-06 09:00, not UTC ISO text.
    if isinstance(value, str) and ISO_INSTANT.match(value):
        return local_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
    # People by name: who confirmed, decided, recorded … (a user id in the record).
    if field.endswith("_by_id") and isinstance(value, int) and not isinstance(value, bool):
        return _user_name(value)
    labels = VALUE_LABELS.get((model, field))
    if labels and isinstance(value, str) and value in labels:
        return str(labels[value])
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
