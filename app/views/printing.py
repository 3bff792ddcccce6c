"""NOTICE-2: printable documents of a case — clean A4 HTML in Chinese, from the case's data.

Each document is one A4 page (templates/print/, static/css/print.css), standalone: no menu,
nothing loaded from another host, a 打印 button that the printout leaves out. A document
exists only when the case has what it prints — an acceptance notice once the case was
accepted, a one-time notice once one was issued, a refusal report once one was filed —
otherwise 404, like a case of another window (ORG-2). Applicant data is masked per PRIV-1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext

from app.context import center_zone, clock
from app.extensions import db
from app.request_context import request_calendar
from app.rules import case_states as cs
from app.rules import notices as nt
from app.rules.catalogue import IMMEDIATE
from app.rules.deadlines import notice_due_date
from app.rules.intake import ORGANISATION, RATING_LABELS
from app.services.cases import deadlines_around_notice
from app.services.ratings import may_rate_by_link, rating_link
from app.services.refusals import report_of
from app.services.settings import setting_value
from app.views.choices import ITEM_KIND_LABELS, MATERIAL_FORM_LABELS, label_of
from app.views.cases import case_in_scope, printable_documents
from app.views.derived import address_shown, id_number_shown, phone_shown
from app.views.qr_codes import public_url, qr_svg
from app.views.refusals import OUTCOME_LABELS, personal_data_shown
from models.cases import Case, CaseNotice, RefusalReport

DOCUMENT_KINDS = nt.DOCUMENT_KINDS
# Documents printed from a CaseNotice row of the same kind (the service issues them).
NOTICE_DOCUMENTS = nt.ISSUED_NOTICES
DECISIONS = {cs.APPROVE: cs.DECIDED_APPROVED, cs.REFUSE: cs.DECIDED_REFUSED,
             cs.FORWARD: cs.DECIDED_FORWARDED}


@dataclass(frozen=True)
class ChecklistRow:
    """One line of the 收件清单: a material of the item's list (or an extra one received)."""

    name: str
    form: str
    required: int | None
    mandatory: bool | None
    received: int


@dataclass(frozen=True)
class Applicant:
    """What a document shows of the applicant (PRIV-1 already applied)."""

    name: str
    unit: str
    id_number: str
    phone: str
    address: str


def form_label(material) -> str:
    """原件 / 复印件 of a material of the item's list ("" for one outside the list)."""
    return label_of(MATERIAL_FORM_LABELS, material.form) if material is not None else ""


def checklist(case: Case) -> list[ChecklistRow]:
    """收件清单 (CASE-1): the item's materials with the copies received, then any other
    material the window took in."""
    received: dict[int | None, int] = {}
    for m in case.materials:
        received[m.material_id] = received.get(m.material_id, 0) + (m.copies or 0)
    listed = {m.id for m in case.item.materials}
    rows = [ChecklistRow(m.name, form_label(m), m.copies, m.mandatory,
                         received.get(m.id, 0)) for m in case.item.materials]
    rows += [ChecklistRow(m.name, "", None, None, m.copies) for m in case.materials
             if m.material_id not in listed]
    return rows


def case_applicant(case: Case) -> Applicant:
    unit = case.applicant_name if case.applicant_kind == ORGANISATION else ""
    return Applicant(case.applicant_name, unit, id_number_shown(case), phone_shown(case),
                     address_shown(case))


def report_applicant(report: RefusalReport) -> Applicant:
    """PRIV-1 for the refusal report's own copy of the applicant's data."""
    shown = personal_data_shown(report)
    return Applicant(report.applicant_name, report.applicant_unit or "",
                     shown["applicant_id_number"], shown["applicant_phone"],
                     shown["applicant_address"])


def one_time_notice_due(case: Case, notice: CaseNotice) -> tuple[int, date]:
    """NOTICE-1: the last day a one-time notice not given on the spot may be given, counted
    from the latest materials received before it (the application, or a supplement)."""
    received = [m.received_at for m in case.materials if m.received_at <= notice.issued_at]
    received_on = max(received + [case.received_at]).astimezone(center_zone()).date()
    days = setting_value(db.session, "notice.max_days")
    return days, notice_due_date(received_on, days, request_calendar())


def procedure_of(case: Case, notice: CaseNotice) -> tuple[str, str]:
    """CASE-12: the special procedure and its reason — the case's own fields for its latest
    suspension, else parsed back from the notice text the service wrote ("procedure: reason")."""
    latest = [n for n in case.notices if n.kind == nt.SPECIAL_PROCEDURE][-1]
    if notice is latest and case.suspension_procedure:
        return case.suspension_procedure, case.suspension_reason or ""
    procedure, _sep, reason = (notice.text or "").partition(": ")
    return (procedure, reason) if reason else ("", notice.text or "")


def decision_label(case: Case) -> str:
    """The decision a delivery receipt hands over: approved, refused or forwarded."""
    for t in reversed(case.transitions):
        if t.action in DECISIONS:
            return gettext(cs.STATE_LABELS[DECISIONS[t.action]])
    return ""


def issued_on(case: Case, notice: CaseNotice | None, report: RefusalReport | None) -> date:
    """The date a document bears: its notice's, the report's, else acceptance or receipt."""
    if report is not None:
        return report.filed_on
    if notice is not None:
        return notice.issued_on
    return case.accepted_on or case.received_at.astimezone(center_zone()).date()


def chosen_notice(case: Case, kind: str) -> CaseNotice | None:
    """The notice of `kind` to print: the one named by `?notice=<id>`, else the latest."""
    notices = [n for n in case.notices if n.kind == kind]
    wanted = request.args.get("notice", type=int)
    if wanted is not None:
        return next((n for n in notices if n.id == wanted), None)
    return notices[-1] if notices else None


@dataclass(frozen=True)
class PrintedQR:
    """A QR code printed on a notice (issue #19), with its address in words beneath it."""

    svg: str
    url: str
    caption: str


def progress_qr(case: Case) -> PrintedQR:
    """受理通知书: the public progress page with the case number filled in (the applicant
    still types the phone: a link never carries it, PRIV-1)."""
    url = public_url("PublicGuideView.progress", number=case.number)
    caption = gettext("Scan to follow the progress of this case")
    return PrintedQR(qr_svg(url, caption), url, caption)


def rating_qr(case: Case) -> PrintedQR:
    """送达凭证: the case's own rating page, by its random token (CASE-11), made on the first
    print and the same on every reprint."""
    link = rating_link(db.session, case, clock())
    url = public_url("PublicRatingView.rate", token=link.token)
    caption = (gettext("Scan to rate our service (once per case)") if may_rate_by_link(link)
               else gettext("This case has been rated. Thank you."))
    return PrintedQR(qr_svg(url, caption), url, caption)


def document_context(kind: str, case: Case, notice: CaseNotice | None,
                     report: RefusalReport | None) -> dict:
    """What the template of `kind` prints besides the case: the shared parts (applicant with
    PRIV-1 applied, issuing staff, date) and the parts only that document needs."""
    context = {
        "doc_kind": kind, "case": case, "notice": notice, "report": report,
        "applicant": report_applicant(report) if report else case_applicant(case),
        "staff": (report.clerk if report else None) or (notice.staff if notice else None)
        or case.clerk,
        "issued_on": issued_on(case, notice, report),
        "item_kind": label_of(ITEM_KIND_LABELS, case.item.kind),
        "form_label": form_label,
    }
    if kind in (nt.RECEIPT, nt.RETURN):
        context["checklist"] = checklist(case)
    if kind in (nt.EXTENSION, nt.SPECIAL_PROCEDURE):
        context["deadlines"] = deadlines_around_notice(case, notice, request_calendar(),
                                                       center_zone())
    if kind == nt.SPECIAL_PROCEDURE:
        context["procedure"] = procedure_of(case, notice)
    if kind == nt.ONE_TIME:
        context["notice_due"] = one_time_notice_due(case, notice)
        context["on_the_spot"] = case.item.kind == IMMEDIATE  # ITEM-2 即办件
    if kind == nt.ACCEPTANCE:
        context["qr"] = progress_qr(case)
    if kind == nt.DELIVERY:
        context["decision"] = decision_label(case)
        context["ratings"] = [(value, gettext(label)) for value, label in RATING_LABELS.items()]
        context["qr"] = rating_qr(case)
    if kind == nt.REFUSAL_REPORT:
        context["neg_days"] = {key: setting_value(db.session, f"neg.{key}")
                               for key in ("review_days", "correction_notify_days")}
        context["outcomes"] = [(value, str(label)) for value, label in OUTCOME_LABELS.items()]
    return context


class CasePrintView(BaseView):
    """打印 — the case's notices and receipts, one A4 page each."""

    route_base = "/print"
    class_permission_name = "Case"
    method_permission_name = {"document": "read"}
    base_permissions = ["can_read"]
    default_view = "document"

    @expose("/case/<int:pk>/<kind>")
    @has_access
    def document(self, pk, kind):
        if kind not in DOCUMENT_KINDS:
            abort(404)
        case = case_in_scope(pk)
        # NOTICE-2: only what the case page offers (app.rules.notices decides for both).
        if kind not in (offered for offered, _label in printable_documents(case)):
            abort(404)
        notice = chosen_notice(case, kind) if kind in NOTICE_DOCUMENTS else None
        if kind in NOTICE_DOCUMENTS and notice is None:
            abort(404)
        report = report_of(db.session, case.id) if kind == nt.REFUSAL_REPORT else None
        return self.render_template(f"print/{kind}.html",
                                    **document_context(kind, case, notice, report))
