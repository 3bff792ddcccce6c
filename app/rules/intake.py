"""受理登记 — pure checks at intake and around a case: materials, classes, notices, numbers,
joint cases, satisfaction and refusal reports (CASE-1/2/7/11, NOTICE-1, NEG-1/3)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from app.rules import case_states as cs
from app.rules.deadlines import is_late, notice_due_date
from app.rules.errors import N_, RuleViolation


# --- Applicants (CASE-1) -----------------------------------------------------------------
PERSON = "person"  # 自然人: identified by the resident ID number
ORGANISATION = "organisation"  # 法人或其他组织: identified by the unified social credit code
APPLICANT_KINDS = (PERSON, ORGANISATION)


# --- Materials (CASE-1 收件清单 against ITEM-1 申报材料) ------------------------------------
@dataclass(frozen=True)
class MaterialRequirement:
    """申报材料 — one line of an item's material list (ITEM-1)."""

    id: int
    name: str
    original: bool  # 原件 (True) or 复印件 (False)
    copies: int
    mandatory: bool

    def __post_init__(self):
        if self.copies < 1:
            raise ValueError(f"material {self.id}: copies must be at least 1")


def missing_materials(required: Iterable[MaterialRequirement],
                      received: dict[int, int]) -> list[MaterialRequirement]:
    """CASE-1: the mandatory materials of which fewer copies were received than required,
    in the item's order. `received` maps material id → copies received."""
    return [m for m in required if m.mandatory and received.get(m.id, 0) < m.copies]


def blocking_materials(required: Iterable[MaterialRequirement], received: dict[int, int],
                       defective: Collection[int]) -> list[MaterialRequirement]:
    """CASE-2/NOTICE-1: the mandatory materials that stop an acceptance — fewer copies than
    required, or handed in with something to correct (补正) — in the item's order."""
    return [m for m in required
            if m.mandatory and (received.get(m.id, 0) < m.copies or m.id in defective)]


def materials_to_correct(required: Iterable[MaterialRequirement], received: dict[int, int],
                         defective: Collection[int]) -> list[MaterialRequirement]:
    """NOTICE-1: everything a one-time notice lists — every missing mandatory material and
    every defective one (mandatory or not), once each, in the item's order."""
    return [m for m in required
            if (m.mandatory and received.get(m.id, 0) < m.copies) or m.id in defective]


# --- Intake classes (CASE-2, 001 限时办结 三) ---------------------------------------------
def validate_intake(case_class: str, missing: Collection, *, return_reason: str | None = None,
                    competent_unit: str | None = None) -> None:
    """CASE-2: the class chosen at intake fits the facts.

    `missing` lists what the applicant still has to bring: for 受理件/联办件 the result of
    `missing_materials`; for 补充件 also the defective materials that need correcting (补正).
    """
    if case_class not in cs.INTAKE_CLASSES:
        raise RuleViolation("CASE-2", N_("Unknown case class %(case_class)s."),
                            field="case_class", case_class=case_class)
    if case_class in (cs.CLASS_ACCEPTED, cs.CLASS_JOINT) and missing:
        raise RuleViolation("CASE-2", N_("A case cannot be accepted while mandatory materials "
                                         "are missing (%(count)s)."),
                            field="materials", count=len(missing))
    if case_class == cs.CLASS_SUPPLEMENT and not missing:
        # A 补充件 issues a one-time notice (NOTICE-1): it must name what is missing.
        raise RuleViolation("CASE-2", N_("A supplement case must list at least one missing "
                                         "or defective material."), field="materials")
    if case_class == cs.CLASS_RETURNED and not _filled(return_reason):
        # 001 限时办结 三.3: 以书面形式告知申请人退回的原因.
        raise RuleViolation("CASE-2", N_("A returned case needs the reason for the return."),
                            field="return_reason")
    if case_class == cs.CLASS_TRANSFERRED and not _filled(competent_unit):
        raise RuleViolation("CASE-2", N_("A transferred case needs the competent unit the "
                                         "applicant is guided to."), field="competent_unit")


# CASE-2: what the intake form asks for each class, beyond the applicant, the request, the
# green channel and the appointment (every class has those). A value typed into a field the
# chosen class does not ask for is not kept (the page hides those fields; without script
# they are shown and ignored). `materials` is the checklist, `sub_tasks` the 联办 rows.
CLASS_FIELDS = {
    cs.CLASS_CONSULTATION: frozenset({"consultation_note"}),
    cs.CLASS_SUPPLEMENT: frozenset({"materials"}),
    cs.CLASS_RETURNED: frozenset({"materials", "return_reason"}),
    cs.CLASS_ACCEPTED: frozenset({"materials", "fee_amount"}),
    cs.CLASS_TRANSFERRED: frozenset({"competent_unit"}),
    cs.CLASS_JOINT: frozenset({"materials", "fee_amount", "sub_tasks"}),
}
# CASE-2/CASE-7: the class fields `validate_intake` (or the joint-case check) refuses empty.
CLASS_REQUIRED_FIELDS = {
    cs.CLASS_RETURNED: frozenset({"return_reason"}),
    cs.CLASS_TRANSFERRED: frozenset({"competent_unit"}),
    cs.CLASS_JOINT: frozenset({"sub_tasks"}),
}


def class_fields(case_class: str) -> frozenset[str]:
    """CASE-2: the fields the intake of `case_class` asks for (none for an unknown class)."""
    return CLASS_FIELDS.get(case_class, frozenset())


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


# --- One-time notice (NOTICE-1) -----------------------------------------------------------
def one_time_notice_violations(earlier_notices: list[set[int]], new_notice: set[int]) -> set[int]:
    """NOTICE-1: material ids a new notice asks for that the FIRST notice of the case did not.

    `earlier_notices` is in issue order; with none, `new_notice` is the first and is fine.
    Asking again for a listed material (still missing or still defective) is fine; anything
    else is a 一次性告知 failure (SCORE-M2, FAULT-1.2), even if it only turned up later.
    """
    if not earlier_notices:
        return set()
    return set(new_notice) - set(earlier_notices[0])


@dataclass(frozen=True)
class NoticeTiming:
    """NOTICE-1: when a one-time notice was due, and whether it was given after that."""

    due_on: date
    late: bool


def one_time_notice_timing(received_on: date, issued_on: date, notice_max_days: int,
                           calendar) -> NoticeTiming:
    """NOTICE-1: a notice not given on the spot is due within `notice_max_days` working days
    (rule setting `notice.max_days`, default 5) after the materials were received, the
    receiving day not counted (CASE-3); issued after the end of that day it is late."""
    due_on = notice_due_date(received_on, notice_max_days, calendar)
    return NoticeTiming(due_on=due_on, late=is_late(issued_on, due_on))


# --- Case numbers (CASE-1 受理编号) --------------------------------------------------------
_CASE_NUMBER = re.compile(r"([A-Z][A-Z0-9]*)-(\d{4})-(\d{6,})")
_CASE_NUMBER_PREFIX = re.compile(r"[A-Z][A-Z0-9]*")


def format_case_number(year: int, seq: int, prefix: str = "BC") -> str:
    """CASE-1: a readable, unique number: `BC-2026-000123` (6 digits, more past 999999)."""
    if not _CASE_NUMBER_PREFIX.fullmatch(prefix):
        raise ValueError(f"bad case number prefix {prefix!r}")
    if not 1000 <= year <= 9999 or seq < 1:
        raise ValueError(f"bad case number year/sequence {year}/{seq}")
    return f"{prefix}-{year:04d}-{seq:06d}"


def parse_case_number(text: str) -> tuple[str, int, int]:
    """CASE-1: (prefix, year, seq) of a case number; surrounding blanks and lower case are
    forgiven (the public lookup types it in), anything non-canonical is a ValueError."""
    normal = text.strip().upper() if isinstance(text, str) else ""
    match = _CASE_NUMBER.fullmatch(normal)
    if not match:
        raise ValueError(f"bad case number {text!r}")
    prefix, year, seq = match[1], int(match[2]), int(match[3])
    # One case, one spelling: reject zero-padded forms like BC-2026-0000123.
    if seq < 1 or format_case_number(year, seq, prefix) != normal:
        raise ValueError(f"bad case number {text!r}")
    return prefix, year, seq


# What people type for a separator between the parts of a number: blanks, hyphens and
# dashes of any width (a Chinese input method gives －, —, ―), underscores, dots.
_NUMBER_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212\u30fc\uff0d\uff3f]+")
_TYPED_NUMBERS = (
    re.compile(r"([A-Z][A-Z0-9]*)-(\d{4})-(\d{1,12})"),  # BC-2026-18578
    re.compile(r"([A-Z]+)-?(\d{4})(\d{1,12})"),  # BC2026018578, BC-2026018578: year 4 digits
    re.compile(r"([A-Z]+)(\d{4})-(\d{1,12})"),  # BC2026-18578
)


def normalize_case_number(text: str) -> str:
    """CASE-1: the canonical case number a person meant (the public lookup, issue #19).

    Forgiven: lower case, full-width characters (NFKC), blanks around and inside, any dash
    or blank as the separator, a separator left out after a letters-only prefix or after
    the year (BC2026018578: the year has four digits), and a sequence typed without its
    leading zeros (`bc-2026-18578` is BC-2026-018578) or with one too many. Anything else
    is a ValueError. `parse_case_number` stays strict: one case, one spelling where numbers
    are stored; this only maps what was typed onto that spelling.
    """
    if not isinstance(text, str):
        raise ValueError(f"bad case number {text!r}")
    typed = unicodedata.normalize("NFKC", text).strip().upper()
    joined = _NUMBER_SEPARATORS.sub("-", typed).strip("-")
    match = next((m for m in (p.fullmatch(joined) for p in _TYPED_NUMBERS) if m), None)
    if match is None:
        raise ValueError(f"bad case number {text!r}")
    prefix, year, seq = match[1], int(match[2]), int(match[3])
    return format_case_number(year, seq, prefix)  # ValueError for year 0000 or sequence 0


# --- Joint cases (CASE-7, 000 联合办理) -----------------------------------------------------
def joint_parts_done(parts_done: Iterable[bool]) -> bool:
    """CASE-7: a joint case may be decided (approved, refused, forwarded) only when every
    participating window has finished its part. `parts_done` says, part by part, whether it
    is done. A joint case without parts (intake refuses one) is held back by none."""
    return all(parts_done)


def validate_sub_task_deadline(sub_deadline: date, lead_deadline: date) -> None:
    """CASE-7: a participating window's limit ends no later than the lead window's deadline."""
    if sub_deadline > lead_deadline:
        raise RuleViolation("CASE-7", N_("A sub-task's deadline %(sub_deadline)s is later than "
                                         "the lead window's deadline %(lead_deadline)s."),
                            field="deadline", sub_deadline=sub_deadline.isoformat(),
                            lead_deadline=lead_deadline.isoformat())


# --- Satisfaction (CASE-11) ----------------------------------------------------------------
SATISFIED = "satisfied"  # 满意
BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
DISSATISFIED = "dissatisfied"  # 不满意
RATINGS = (SATISFIED, BASICALLY_SATISFIED, DISSATISFIED)
RATING_LABELS = {
    SATISFIED: N_("Satisfied"),  # 满意
    BASICALLY_SATISFIED: N_("Basically satisfied"),  # 基本满意
    DISSATISFIED: N_("Dissatisfied"),  # 不满意
}


def validate_satisfaction(rating: str, opinion: str | None = None) -> tuple[str, str | None]:
    """CASE-11: one of the three ratings, with an optional free-text opinion (any rating may
    carry one; it matters most with 不满意). Returns (rating, opinion stripped or None)."""
    if rating not in RATINGS:
        raise RuleViolation("CASE-11", N_("The rating must be satisfied, basically satisfied "
                                          "or dissatisfied."), field="rating", rating=rating)
    if opinion is not None and not isinstance(opinion, str):
        raise RuleViolation("CASE-11", N_("The opinion must be text."), field="opinion")
    return rating, (opinion.strip() or None) if opinion else None


def may_rate(delivered: bool, rated: bool) -> bool:
    """CASE-11: a case is rated once, by the applicant, after its result has been delivered."""
    return delivered and not rated


# The five answers of the public rating page (好差评, issue #19), most satisfied first. The
# stored scale stays CASE-11's three levels, so the dashboards, the satisfaction rate and
# SCORE-5 count a scan exactly as a clerk-entered rating; the answer itself is kept beside
# the case's rating (the rating link), not in it.
VERY_SATISFIED = "very_satisfied"  # 非常满意
VERY_DISSATISFIED = "very_dissatisfied"  # 非常不满意
PUBLIC_LEVELS = (VERY_SATISFIED, SATISFIED, BASICALLY_SATISFIED, DISSATISFIED, VERY_DISSATISFIED)
PUBLIC_LEVEL_LABELS = {
    VERY_SATISFIED: N_("Very satisfied"),  # 非常满意
    SATISFIED: N_("Satisfied"),  # 满意
    BASICALLY_SATISFIED: N_("Basically satisfied"),  # 基本满意
    DISSATISFIED: N_("Dissatisfied"),  # 不满意
    VERY_DISSATISFIED: N_("Very dissatisfied"),  # 非常不满意
}
_RATING_OF_LEVEL = {
    VERY_SATISFIED: SATISFIED, SATISFIED: SATISFIED,
    BASICALLY_SATISFIED: BASICALLY_SATISFIED,
    DISSATISFIED: DISSATISFIED, VERY_DISSATISFIED: DISSATISFIED,
}


def rating_of_public_level(level: str) -> str:
    """CASE-11: the stored rating (满意/基本满意/不满意) of an answer of the five-level public
    page: 非常满意 and 满意 → 满意, 基本满意 → 基本满意, 不满意 and 非常不满意 → 不满意.
    No answer folds towards the better side: a 非常不满意 counts in full against the window."""
    if level not in _RATING_OF_LEVEL:
        raise RuleViolation("CASE-11", N_("Choose one of the five answers."), field="rating",
                            rating=level)
    return _RATING_OF_LEVEL[level]


# --- Refusal reports (NEG-1, NEG-3; 001 否定报备制度) -----------------------------------------
REFUSAL_REPORT_REQUIRED = {
    "applicant_name": N_("The refusal report needs the applicant's name."),  # 申请人姓名
    "request": N_("The refusal report needs the request."),  # 申请内容
    "reason": N_("The refusal report needs the reason for the refusal."),  # 否定理由
    "legal_basis": N_("The refusal report needs the legal basis."),  # 依据
}


def validate_refusal_report(fields: dict) -> None:
    """NEG-1: a refusal report names the applicant, the request, the reason and its legal basis,
    and a way to reach the applicant (phone or address: NEG-2 informs them of a correction).

    Clerk and window come from the logged-in user; the unit (单位) is optional (persons have none).
    """
    for field, message in REFUSAL_REPORT_REQUIRED.items():
        if not _filled(fields.get(field)):
            raise RuleViolation("NEG-1", message, field=field)
    if not (_filled(fields.get("applicant_phone")) or _filled(fields.get("applicant_address"))):
        raise RuleViolation("NEG-1", N_("The refusal report needs the applicant's phone or "
                                        "address."), field="applicant_phone")

