"""ATT-1/3: clock records and off-post times entered and corrected by the office (AUDIT-1)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.errors import N_, RuleViolation
from app.rules.input import BUSINESS_YEARS
from app.services.attendance.clock_import import _stored_instant, local_parts
from models.attendance import ClockRecord, OffPostRecord
from models.org import Staff


def _staff(session: Session, staff_id) -> Staff:
    staff = session.get(Staff, staff_id) if staff_id else None
    if staff is None:
        raise RuleViolation("ATT-1", N_("Choose a staff member."), field="staff_id")
    return staff


def _note(note) -> str:
    note = (note or "").strip()
    if not note:
        raise RuleViolation("ATT-1", N_("Say why the office enters or corrects this clock."),
                            field="note")
    if len(note) > 500:
        raise RuleViolation("ATT-1", N_("At most %(max)s characters."), field="note", max=500)
    return note


def _local_instant(local: datetime) -> datetime:
    if local is None or not BUSINESS_YEARS[0] <= local.year <= BUSINESS_YEARS[1]:
        raise RuleViolation("ATT-1", N_("Give the day and time of the clock."), field="clocked_at")
    return _stored_instant(local.replace(tzinfo=None))


def _taken(session: Session, staff_id: int, instant: datetime, other_id=None) -> None:
    query = select(ClockRecord.id).where(ClockRecord.staff_id == staff_id,
                                         ClockRecord.clocked_at == instant)
    if other_id is not None:
        query = query.where(ClockRecord.id != other_id)
    if session.scalar(query) is not None:
        raise RuleViolation("ATT-1", N_("This staff member already has a clock at that time."),
                            field="clocked_at")


def enter_clock_record(session: Session, staff_id: int, local: datetime, note: str,
                       user_id: int | None) -> ClockRecord:
    """ATT-1: the office enters a clock (a broken machine, a forgotten card), with a reason."""
    staff = _staff(session, staff_id)
    instant, note = _local_instant(local), _note(note)
    _taken(session, staff.id, instant)
    day, second = local_parts(instant)
    record = ClockRecord(staff_id=staff.id, clocked_at=instant, day=day, second_of_day=second,
                         source="office", note=note, entered_by_id=user_id)
    session.add(record)
    session.flush()
    return record


def correct_clock_record(session: Session, record: ClockRecord, local: datetime | None,
                         note: str, user_id: int | None, delete_it: bool = False) -> ClockRecord | None:
    """ATT-1: the office corrects a clock's time (or removes a wrong one), with a reason;
    the audit trail keeps the time before (AUDIT-1)."""
    note = _note(note)
    if delete_it:
        session.delete(record)
        session.flush()
        return None
    instant = _local_instant(local)
    _taken(session, record.staff_id, instant, other_id=record.id)
    record.clocked_at = instant
    record.day, record.second_of_day = local_parts(instant)
    record.source, record.note, record.entered_by_id = "office", note, user_id
    session.flush()
    return record


# --- ATT-3: off-post records ------------------------------------------------------------------
def enter_off_post(session: Session, staff_id: int, day: date | None, minutes, note,
                   user_id: int | None) -> OffPostRecord:
    """ATT-3 离岗: the office records time a staff member was found away from the post (from an
    inspection); each time over `att.leave_post_hours` counts ½ day of absence in its month."""
    staff = _staff(session, staff_id)
    _off_post_fields(day, minutes)
    record = OffPostRecord(staff_id=staff.id, day=day, minutes=minutes,
                           note=(note or "").strip()[:500] or None, entered_by_id=user_id)
    session.add(record)
    session.flush()
    return record


def _off_post_fields(day: date | None, minutes) -> None:
    if day is None or not BUSINESS_YEARS[0] <= day.year <= BUSINESS_YEARS[1]:
        raise RuleViolation("ATT-3", N_("Give the day."), field="day")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 24 * 60:
        raise RuleViolation("ATT-3", N_("Minutes off post: 1 to 1440."), field="minutes")


def _correction_reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("ATT-3", N_("Say why the office corrects or removes this off-post "
                                        "record."), field="reason")
    if len(reason) > 500:
        raise RuleViolation("ATT-3", N_("At most %(max)s characters."), field="reason", max=500)
    return reason


def correct_off_post(session: Session, record: OffPostRecord, day: date | None, minutes,
                     reason) -> OffPostRecord:
    """ATT-3 离岗: the office corrects an off-post record's day or minutes, with a reason
    (kept on the record; the audit trail keeps the values before and who, AUDIT-1). The
    caller checks the version the form was opened with (`check_version`)."""
    _off_post_fields(day, minutes)
    record.correction_note = _correction_reason(reason)
    record.day, record.minutes = day, minutes
    session.flush()
    return record


def delete_off_post(session: Session, record: OffPostRecord, reason) -> None:
    """ATT-3 离岗: the office removes a wrong off-post record, with a reason — the audit
    trail's delete entry holds the record as it was and that reason (AUDIT-1)."""
    record.correction_note = _correction_reason(reason)
    session.delete(record)
    session.flush()
