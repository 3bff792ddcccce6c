"""Cases (办件, CASE-1..12), their notices (NOTICE-1/2) and refusal reports (NEG-1..3).

A case keeps its own copies of the dates the rules need (accepted_on, deadline, decided_on,
all local calendar days of the center) so that the work queue, the overdue filters and the
ledger are plain indexed queries, never a loop over cases in Python.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model

from models.catalogue import ItemMaterial, ServiceItem
from models.org import Staff, Window
from models.types import UTCDateTime, Versioned, utcnow

SATISFACTION_SOURCES = ("clerk", "public")
REVIEW_OUTCOMES = ("upheld", "corrected")

_PERSONAL = {"applicant_id_number": "id_number", "applicant_phone": "phone",
             "applicant_address": "address"}


class CaseNumberSequence(Model):
    """受理编号计数 — the last case number given out per prefix and year (CASE-1).

    Taken with one `UPDATE … SET last_value = last_value + 1 … RETURNING`, which locks the
    row on PostgreSQL and the database on SQLite: two clerks never get the same number. A
    rolled-back intake leaves a gap, which the numbering tolerates.
    """

    __tablename__ = "case_number_sequence"

    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


# The cases that may be overdue (CASE-6): the running states (app.rules.case_states
# clock_running) or decided / withdrawn after the deadline. Issue #21, migration 0038.
OVERDUE_CANDIDATES = ("state IN ('accepted', 'in_progress', 'extended') "
                      "OR decided_on > deadline OR withdrawn_on > deadline")


class Case(Versioned, Model):
    """办件 — one application handled by a window, from intake to archive (CASE-1..12)."""

    __tablename__ = "service_case"
    __audited__ = True
    __personal_fields__ = _PERSONAL
    __table_args__ = (
        # The clerk's work queue and the overdue filters: window, state, then deadline.
        Index("ix_case_window_state_deadline", "window_id", "state", "deadline"),
        Index("ix_case_state_deadline", "state", "deadline"),
        Index("ix_case_window_received", "window_id", "received_at"),
        Index("ix_case_received", "received_at"),
        Index("ix_case_decided_on", "decided_on"),
        # The overdue list (CASE-6) in deadline order: the planner walks this index and decides
        # "running past the deadline or decided after it" from the index alone, so the first
        # page stops after 25 hits instead of reading and sorting every case (bench/RESULTS.md).
        # withdrawn_on is in it too: an overdue case withdrawn stays on the list (CASE-6).
        Index("ix_case_deadline_state_decided", "deadline", "state", "decided_on", "withdrawn_on"),
        Index("ix_case_accepted_on", "accepted_on"),  # the ledger's period filter (CASE-10)
        # Issue #12: the dashboard's GROUP BY (day, window) of accepted and of decided cases
        # (on time, satisfaction, days to decide) read these index ranges alone (covering).
        Index("ix_case_accepted_window", "accepted_on", "window_id"),
        Index("ix_case_decided_window", "decided_on", "window_id", "deadline", "satisfaction",
              "accepted_on"),
        # A clerk's (one window's) overdue and due-soon lists (CASE-6) in deadline order: the
        # window's slice of the index is already in deadline order and carries what the
        # conditions test, so the first page stops after 25 hits instead of reading the
        # window's whole history by ix_case_window_received and sorting it (issue #9).
        Index("ix_case_window_deadline_state_decided", "window_id", "deadline", "state",
              "decided_on", "withdrawn_on"),
        # Issue #21 (CASE-6): a clerk's overdue list on PostgreSQL. The overdue condition is an
        # OR with column comparisons (decided_on > deadline) that PostgreSQL estimates at a
        # third of the rows, so it walked the global deadline index and dropped every other
        # window's rows (19,131 at 100,000 cases). This partial index holds only the cases that
        # may be overdue — running, or decided / withdrawn after their deadline — per window
        # in (deadline, id) order: the page reads 25 entries, the bounded count a few hundred.
        # SQLite's planner does not prove the OR against it (it keeps index 0009).
        Index("ix_case_window_overdue_candidates", "window_id", "deadline", "id",
              sqlite_where=sql_text(OVERDUE_CANDIDATES), postgresql_where=sql_text(OVERDUE_CANDIDATES)),
        # Issue #19: staff find an applicant's cases by the whole ID number or the phone
        # (exact match on the stored, normalised value).
        Index("ix_case_applicant_id_number", "applicant_id_number"),
        Index("ix_case_applicant_phone", "applicant_phone"),
        # ... and by the applicant's whole name (migration 0041), within the same audited search.
        Index("ix_case_applicant_name", "applicant_name"),
        # NEG-3 list: only the few objected refusals are in it, not a million NULLs.
        Index("ix_case_applicant_objected", "applicant_objected",
              sqlite_where=sql_text("applicant_objected = 1"),
              postgresql_where=sql_text("applicant_objected")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # 受理编号
    case_class: Mapped[str] = mapped_column(String(20))  # CASE-2
    state: Mapped[str] = mapped_column(String(30))  # CASE-4
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"), index=True)
    item: Mapped[ServiceItem] = relationship()
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"))
    window: Mapped[Window] = relationship()

    # app.rules.intake.APPLICANT_KINDS (CASE-1); models import nothing from app, so the
    # default is spelled here and tests/test_import_contracts.py checks that it is PERSON.
    applicant_kind: Mapped[str] = mapped_column(String(20), default="person")
    applicant_name: Mapped[str] = mapped_column(String(100))
    applicant_id_number: Mapped[str | None] = mapped_column(String(30))  # 身份证号 / 统一社会信用代码
    applicant_phone: Mapped[str | None] = mapped_column(String(30))
    applicant_address: Mapped[str | None] = mapped_column(String(200))
    request: Mapped[str | None] = mapped_column(Text)  # 申请事项

    first_contact_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # 首问责任人
    first_contact: Mapped[Staff | None] = relationship(foreign_keys=[first_contact_id])
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # 受理人
    clerk: Mapped[Staff | None] = relationship(foreign_keys=[clerk_id])

    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # 收件时间
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 受理时间 (CASE-3)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    promised_days: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[date | None] = mapped_column(Date)  # 办结期限 (binding, CASE-5/12)
    original_deadline: Mapped[date | None] = mapped_column(Date)

    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # 绿色通道 (CASE-8)
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 预约时间 (CASE-8)

    extended: Mapped[bool] = mapped_column(Boolean, default=False)  # CASE-5
    extension_days: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    suspended_on: Mapped[date | None] = mapped_column(Date)  # CASE-12 (current suspension)
    suspension_procedure: Mapped[str | None] = mapped_column(String(100))
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    suspended_days: Mapped[int] = mapped_column(Integer, default=0)  # all suspensions so far

    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(Text)  # 许可决定 / 不予许可 reference
    # CASE-6: the day the applicant withdrew (撤回) a case whose clock was running; its overdue
    # days stop there instead of vanishing (SCORE-M3). None for any other case.
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    # NEG-1: on a refusal, whether the applicant still objected after the explanation (then a
    # refusal report is due, NEG-3); None before a refusal, or for refusals recorded before
    # the question was asked.
    applicant_objected: Mapped[bool | None] = mapped_column(Boolean)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # 经办人
    handler: Mapped[Staff | None] = relationship(foreign_keys=[handler_id])
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 送达 (CASE-4)
    collector_name: Mapped[str | None] = mapped_column(String(100))  # 取件人 (CASE-10)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))  # CASE-9
    # CASE-9: the item's published fee was waived (免收) for this case — recorded, unlike a
    # fee_amount left empty, which says nobody recorded the fee (issue #19, migration 0041).
    fee_waived: Mapped[bool] = mapped_column(Boolean, default=False,
                                             server_default=sql_text("false"))
    return_reason: Mapped[str | None] = mapped_column(Text)  # 退回件
    competent_unit: Mapped[str | None] = mapped_column(String(200))  # 转办件
    consultation_note: Mapped[str | None] = mapped_column(Text)  # 咨询件

    satisfaction: Mapped[str | None] = mapped_column(String(30))  # CASE-11
    satisfaction_opinion: Mapped[str | None] = mapped_column(Text)
    satisfaction_source: Mapped[str | None] = mapped_column(String(10))

    materials: Mapped[list["CaseMaterial"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseMaterial.id")
    transitions: Mapped[list["CaseTransition"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseTransition.id")
    notices: Mapped[list["CaseNotice"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseNotice.id")
    sub_tasks: Mapped[list["CaseSubTask"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseSubTask.id")
    annotations: Mapped[list["CaseAnnotation"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseAnnotation.id")

    @property
    def is_joint(self) -> bool:
        return self.case_class == "joint"  # app.rules.case_states.CLASS_JOINT (checked by a test)

    def __repr__(self) -> str:
        return self.number


class CaseMaterial(Model):
    """收件清单 — one material received with a case, against the item's list (CASE-1)."""

    __tablename__ = "case_material"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    case: Mapped[Case] = relationship(back_populates="materials")
    material_id: Mapped[int | None] = mapped_column(ForeignKey("item_material.id"))
    material: Mapped[ItemMaterial | None] = relationship()
    name: Mapped[str] = mapped_column(String(200))
    copies: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return self.name


class CaseTransition(Model):
    """办件流转记录 — one state change, with who and when (CASE-4)."""

    __tablename__ = "case_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    case: Mapped[Case] = relationship(back_populates="transitions")
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    username: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)


class CaseAnnotation(Model):
    """备注 — a note added to a case; the only change a closed case accepts (CASE-4)."""

    __tablename__ = "case_annotation"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    case: Mapped[Case] = relationship(back_populates="annotations")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)


class CaseNotice(Model):
    """告知文书 — a document issued for a case: acceptance, one-time notice, return, extension,
    special procedure, delivery receipt (NOTICE-1/2, CASE-5/12)."""

    __tablename__ = "case_notice"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    case: Mapped[Case] = relationship(back_populates="notices")
    kind: Mapped[str] = mapped_column(String(30))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_on: Mapped[date] = mapped_column(Date)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff: Mapped[Staff | None] = relationship()
    text: Mapped[str | None] = mapped_column(Text)  # reason, procedure, formalities still required
    # NOTICE-1 (one-time notices only): the last day it could be given, counted from the
    # materials received before it, and whether it came later (flagged; scoring reads it).
    due_on: Mapped[date | None] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_text("false"))
    materials: Mapped[list["NoticeMaterial"]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeMaterial.id")


class NoticeMaterial(Model):
    """One material a one-time notice asks for (NOTICE-1)."""

    __tablename__ = "notice_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("case_notice.id"), index=True)
    notice: Mapped[CaseNotice] = relationship(back_populates="materials")
    material_id: Mapped[int | None] = mapped_column(ForeignKey("item_material.id"))
    name: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str | None] = mapped_column(String(200))  # 缺少 / 需补正


class NoticeViolation(Model):
    """一次性告知违规 — a later notice asked for a material the first did not list (NOTICE-1).

    Charged to the staff member who issued the first notice; the scoring turns it into a
    SCORE-M2 deduction.
    """

    __tablename__ = "notice_violation"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    case: Mapped[Case] = relationship()
    notice_id: Mapped[int] = mapped_column(ForeignKey("case_notice.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    staff: Mapped[Staff | None] = relationship()
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), index=True)
    window: Mapped[Window] = relationship()
    material_name: Mapped[str] = mapped_column(String(200))
    found_on: Mapped[date] = mapped_column(Date)



class CaseRatingLink(Model):
    """评价码 — the random token of a case's public rating page, printed as a QR code on its
    delivery receipt (送达凭证, CASE-11, issue #19).

    Whoever holds the paper may rate the case once; nobody can guess another case's token.
    Kept as it is (not hashed) because a reprinted receipt must carry the same QR code; it
    opens nothing but that one rating. Not audited itself: the rating it leads to is written
    on the case (audited, AUDIT-1), and the token must not spread into the audit trail.
    `level` is the answer of the five-level page; the case keeps the three-level rating.
    """

    __tablename__ = "case_rating_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), unique=True)
    case: Mapped[Case] = relationship()
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    level: Mapped[str | None] = mapped_column(String(30))  # app.rules.intake.PUBLIC_LEVELS
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

class CaseSubTask(Versioned, Model):
    """联办子任务 — one participating window's part of a joint case (CASE-7)."""

    __tablename__ = "case_sub_task"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    case: Mapped[Case] = relationship(back_populates="sub_tasks")
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), index=True)
    window: Mapped[Window] = relationship()
    part: Mapped[str] = mapped_column(String(200))
    promised_days: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)

    @property
    def state(self) -> str:
        return "done" if self.done_on else "open"


class RefusalReport(Versioned, Model):
    """否定报备单 — a refusal the applicant still objects to, reviewed by the section head
    (NEG-1..3)."""

    __tablename__ = "refusal_report"
    __audited__ = True
    __personal_fields__ = _PERSONAL
    __table_args__ = (UniqueConstraint("case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"))
    case: Mapped[Case] = relationship()
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), index=True)
    window: Mapped[Window] = relationship()
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    clerk: Mapped[Staff | None] = relationship(foreign_keys=[clerk_id])
    applicant_unit: Mapped[str | None] = mapped_column(String(200))
    applicant_name: Mapped[str] = mapped_column(String(100))
    applicant_id_number: Mapped[str | None] = mapped_column(String(30))
    applicant_address: Mapped[str | None] = mapped_column(String(200))
    applicant_phone: Mapped[str | None] = mapped_column(String(30))
    request: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    filed_on: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date] = mapped_column(Date, index=True)  # NEG-2
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reviewer: Mapped[Staff | None] = relationship(foreign_keys=[reviewer_id])
    outcome: Mapped[str | None] = mapped_column(String(20))  # upheld / corrected
    review_note: Mapped[str | None] = mapped_column(Text)
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_on: Mapped[date | None] = mapped_column(Date)  # reported to the deputy director
    inform_due: Mapped[date | None] = mapped_column(Date)  # NEG-2: 3 working days after correction
    informed_on: Mapped[date | None] = mapped_column(Date)


class WorkDay(Model):
    """工作日历 — every calendar day with its running count of working days.

    Filled from `WorkCalendar` (official schedule + administrator entries) so that SQL can
    count working days between two dates (CASE-6 overdue working days) with two lookups.
    """

    __tablename__ = "work_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    ordinal: Mapped[int] = mapped_column(Integer)  # working days from the table's start up to day


__all__ = ["Case", "CaseMaterial", "CaseTransition", "CaseAnnotation", "CaseNotice",
           "NoticeMaterial", "NoticeViolation", "CaseSubTask", "RefusalReport", "WorkDay",
           "CaseNumberSequence", "SATISFACTION_SOURCES",
           "REVIEW_OUTCOMES"]
