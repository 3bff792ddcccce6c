"""考勤 — attendance: clock records in, attendance days out (ATT-1..4).

- ATT-1: the seasonal work hours are rule settings (att.*, migration 0002); clock records are
  imported from a clock export (CSV or .xlsx, `import_clock_file`) or entered and corrected by
  the office (`enter_clock_record`, `correct_clock_record`), audited (AUDIT-1).
- ATT-2/3: per staff member and working day, each half-day is late (first clock after its
  start), early (last clock before its end), absent (no clock, no approved leave, no excuse),
  on leave, excused, or fine (`compute_days`). A day without any clock record of anyone is
  "no data": nothing is derived for it, only what the leave records say (an overstay without
  reason, a revoked leave) is absence there too. A month adds ½ day for 4+ late/early and ½
  day per off-post time over 2 hours (`app.rules.attendance.absence_days`): the month view
  (`month_absences`) and LEAVE-4 (`stored_month_absences`) sum the days by one function.
- ATT-4: a 补签单 (`ClockExcuse`) excuses a half-day once approved by the deputy director.

The derivation reads a period in a fixed number of queries (clock aggregates grouped in SQL,
leave, excuses, staff), whatever the number of staff or days — never a query per staff-day.
`derive_range` stores the result as `AttendanceDay` rows (nightly, after an import, the demo);
the month views and `month_absences` compute from the records themselves, so a leave approved
a minute ago already counts. `app/services/attendance_sql.py` is the same derivation as one
SQL statement (the benchmark's reference, bench/bench_attendance.py).

Nothing here commits: the caller's `transaction()` does.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import String, and_, case, delete, func, literal, or_, select, text, type_coerce
from sqlalchemy.orm import Session

from app.policy.attendance import may_decide_excuse
from app.rules.attendance import (ABSENT, AM, EXCUSED, HALF, LEAVE, NO_DATA, PM, absence_days,
                                  half_day_status, leave_halves, noon_boundary, parse_hhmm,
                                  parse_month_day, unclocked_status, work_hours_for)
from app.rules.calendar import WorkCalendar, month_end
from app.rules.errors import N_, RuleViolation
from app.rules.input import BUSINESS_YEARS
from app.rules.leave import overstay, overstay_excused
from app.services.away import APPROVED
from app.services.calendar import load_calendar
from app.services.jobs import advisory_key
from app.services.settings import setting_value
from app.services.table_files import ImportLimits, check_file_size, read_csv, read_workbook
from models.attendance import (EXCUSE_REASONS, HALVES, AttendanceDay, ClockExcuse, ClockImport,
                               ClockRecord, OffPostRecord)
from models.leave import REVOKED, LeaveRequest
from models.org import Staff
from models.types import center_zone

MAX_IMPORT_BYTES = ImportLimits().file_bytes  # the default of config.py IMPORT_MAX_MB
MAX_LISTED_ERRORS = 200  # a broken file lists this many rows; the count says how many more
# The documented columns of a clock export (README, docs/samples/clock_records.*): English or
# Chinese headers; other columns (a name, a device) are ignored.
EMPLOYEE_COLUMNS = ("employee_no", "工号")
TIME_COLUMNS = ("clocked_at", "打卡时间")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


# --- ATT-1: the settings ---------------------------------------------------------------------
@dataclass(frozen=True)
class AttendanceSettings:
    """ATT-1/3 rule settings, read once per derivation."""

    summer_start: tuple[int, int] = (5, 1)
    winter_start: tuple[int, int] = (10, 1)
    summer: tuple = ((time(8, 0), time(11, 30)), (time(15, 0), time(18, 0)))
    winter: tuple = ((time(8, 0), time(11, 30)), (time(14, 0), time(17, 30)))
    late_threshold: int = 4
    off_post_limit_minutes: int = 120
    # ATT-1 "arrive 5 minutes early": shown with the work hours, never a lateness criterion
    # (ATT-2: late is after the half-day's start).
    arrive_early_minutes: int = 5

    def hours(self, day: date):
        return work_hours_for(day, self.summer_start, self.winter_start, self.summer, self.winter)

    def absence_days(self, late_or_early: int, off_post_minutes: list[int]) -> Decimal:
        """ATT-3: the month's extra absence days (the public rule, with these settings)."""
        return absence_days(late_or_early, off_post_minutes, late_threshold=self.late_threshold,
                            off_post_limit_minutes=self.off_post_limit_minutes)


def attendance_settings(session: Session) -> AttendanceSettings:
    def hours(season):
        return tuple((parse_hhmm(setting_value(session, f"att.{season}_{half}_start")),
                      parse_hhmm(setting_value(session, f"att.{season}_{half}_end")))
                     for half in HALVES)

    return AttendanceSettings(
        summer_start=parse_month_day(setting_value(session, "att.summer_starts")),
        winter_start=parse_month_day(setting_value(session, "att.winter_starts")),
        summer=hours("summer"), winter=hours("winter"),
        late_threshold=setting_value(session, "att.late_count_half_day_absence"),
        off_post_limit_minutes=setting_value(session, "att.leave_post_hours") * 60,
        arrive_early_minutes=setting_value(session, "att.arrive_early_minutes"),
    )


# --- ATT-1: clock records --------------------------------------------------------------------
def local_parts(instant: datetime) -> tuple[date, int]:
    """The center's day and second of the day of an instant (what a ClockRecord stores)."""
    local = instant.astimezone(center_zone())
    return local.date(), local.hour * 3600 + local.minute * 60 + local.second


def _stored_instant(local: datetime) -> datetime:
    """A wall-clock time of the center as an aware UTC instant, whole seconds."""
    return local.replace(microsecond=0, tzinfo=center_zone()).astimezone(timezone.utc)


def parse_clock_time(value) -> datetime | None:
    """A clock export's time cell (text or an Excel date-time) as a naive wall-clock time, or
    None when it cannot be read or lies outside the business years (INPUT-1)."""
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value or "").strip()
        parsed = _fast_time(text)
        for pattern in TIME_FORMATS if parsed is None else ():
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        if parsed is None:
            return None
    if parsed.tzinfo is not None or not BUSINESS_YEARS[0] <= parsed.year <= BUSINESS_YEARS[1]:
        return None
    return parsed


def _fast_time(text: str) -> datetime | None:
    """The export's usual "2026-11-02 08:03:15" without strptime (a year of clocks is
    300,000 of them); anything else goes to the formats."""
    if len(text) == 19 and text[4] == "-" and text[7] == "-" and text[10] == " " \
            and text[13] == ":" and text[16] == ":":
        try:
            return datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                            int(text[14:16]), int(text[17:19]))
        except ValueError:
            return None
    return None


class _LocalClock:
    """(center's day, second of the day) to the stored instant — naive UTC, on SQLite already
    SQLAlchemy's DATETIME text — with the zone's offset looked up once per local hour of a day
    rather than per clock (a year of clocks is 300,000 of them)."""

    def __init__(self, sqlite: bool):
        self.zone, self.sqlite, self.hours = center_zone(), sqlite, {}

    def stored(self, day: date, second: int):
        hour = self.hours.get((day, second // 3600))
        if hour is None:
            local = datetime(day.year, day.month, day.day, second // 3600)
            utc = local - local.replace(tzinfo=self.zone).utcoffset()
            # A whole-hour offset keeps minutes and seconds: the text is a prefix away.
            prefix = utc.isoformat(" ")[:14] if utc.minute == 0 else None  # "2026-11-02 00:"
            hour = self.hours[(day, second // 3600)] = (utc, prefix)
        utc, prefix = hour
        if self.sqlite and prefix is not None:
            return prefix + _MINUTE_SECOND[second % 3600]
        instant = utc + timedelta(seconds=second % 3600)
        return instant.isoformat(" ", "microseconds") if self.sqlite else instant


_MINUTE_SECOND = [f"{s // 60:02d}:{s % 60:02d}.000000" for s in range(3600)]
_MISSING = object()


class _ClockCells:
    """A time cell to (day, second of the day), or None when unreadable (`parse_clock_time`).

    The export's usual "2026-11-02 08:03:15" is split into its day and its time, each read
    once per distinct text (a year holds ~250 days and at most 86,400 times); anything else
    (other formats, Excel date-times) goes through `parse_clock_time`."""

    def __init__(self):
        self.days: dict[str, date | None] = {}
        self.times: dict[str, int | None] = {}

    def parts(self, value) -> tuple[date, int] | None:
        if type(value) is str and len(value) == 19 and value[10] == " ":
            day = self.days.get(value[:10], _MISSING)
            if day is _MISSING:
                day = self.days[value[:10]] = _iso_day(value[:10])
            second = self.times.get(value[11:], _MISSING)
            if second is _MISSING:
                second = self.times[value[11:]] = _iso_second(value[11:])
            if day is not None and second is not None:
                return day, second
        local = parse_clock_time(value)
        if local is None:
            return None
        return local.date(), local.hour * 3600 + local.minute * 60 + local.second


def _iso_day(text: str) -> date | None:
    """'2026-11-02' as a day of the business years, else None (left to `parse_clock_time`)."""
    if not (text.isascii() and text[4] == "-" and text[7] == "-"
            and (text[:4] + text[5:7] + text[8:]).isdigit()):
        return None
    try:
        day = date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return None
    return day if BUSINESS_YEARS[0] <= day.year <= BUSINESS_YEARS[1] else None


def _iso_second(text: str) -> int | None:
    """'08:03:15' as seconds since midnight, else None (left to `parse_clock_time`)."""
    if not (text.isascii() and text[2] == ":" and text[5] == ":"
            and (text[:2] + text[3:5] + text[6:]).isdigit()):
        return None
    hour, minute, second = int(text[:2]), int(text[3:5]), int(text[6:])
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour * 3600 + minute * 60 + second


@dataclass(frozen=True)
class RowError:
    """One refused row of an import: its row number in the file (the header is row 1)."""

    row: int
    message: str  # an English msgid (N_), formatted with params after translation
    params: dict = field(default_factory=dict)

    def render(self, translate=lambda s: s) -> str:
        text = translate(self.message)
        return text % self.params if self.params else text


@dataclass
class ImportResult:
    """What an import did: `errors` non-empty means nothing of the file was written."""

    file_name: str
    rows: int = 0
    added: int = 0
    skipped: int = 0  # already in the database (a re-import)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    months: set[tuple[int, int]] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors


def _read_rows(file_name: str, data: bytes, limits: ImportLimits) -> list[list]:
    """The file's rows (header first) as lists of cell values: the first sheet of an .xlsx,
    anything else as CSV in UTF-8 (with or without BOM) or GB18030 (Excel's Chinese CSV) —
    read by the imports' shared reader, which refuses a broken or oversized file whole, and
    one over `limits` before parsing it (INPUT-1, issue #18)."""
    if file_name.lower().endswith(".xlsx"):
        return read_workbook(data, "ATT-1", limits=limits)[0][1]
    return read_csv(data, "ATT-1", limits=limits)


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for index, cell in enumerate(header):
        if str(cell or "").strip().lower() in names:
            return index
    return None


def _staff_number(cell) -> str:
    number = str(cell or "").strip()
    if isinstance(cell, float) and cell.is_integer():
        number = str(int(cell))  # Excel's numbers: 1001.0 is 工号 1001
    return number


def check_clock_file(session: Session, file_name: str, data: bytes,
                     limits: ImportLimits | None = None):
    """ATT-1: read and check a clock export; (result, the rows' keys (staff_id, day, second
    of the day) → their row number). `limits`: the app's IMPORT_MAX_* (config.py).

    Every row is checked: unknown staff number, unreadable time, duplicate of an earlier row of
    the same file. Rows already in the database are not errors (a re-import): they are skipped.
    One pass over the rows with dictionaries (staff numbers, days, times): no query per row.
    """
    result = ImportResult(file_name=file_name)
    limits = limits or ImportLimits()
    check_file_size(data, "ATT-1", limits)
    rows = _read_rows(file_name, data, limits)
    while rows and not any(str(cell or "").strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise RuleViolation("ATT-1", N_("The file is empty."), field="file")
    header = [str(cell or "") for cell in rows[0]]
    staff_column, time_column = _column(header, EMPLOYEE_COLUMNS), _column(header, TIME_COLUMNS)
    if staff_column is None or time_column is None:
        raise RuleViolation("ATT-1", N_("The first row must name the columns employee_no (工号) "
                                        "and clocked_at (打卡时间)."), field="file")
    staff_of = {number: staff_id for number, staff_id in session.execute(
        select(Staff.employee_no, Staff.id).where(Staff.employee_no.is_not(None)))}.get
    width = max(staff_column, time_column) + 1
    cells = _ClockCells()
    seen: dict[tuple[int, date, int], int] = {}
    errors: list[RowError] = []
    counted = 0
    for row_number, row in enumerate(rows, start=1):
        if row_number == 1:
            continue
        if len(row) < width:
            row = list(row) + [None] * (width - len(row))
        number_cell, time_cell = row[staff_column], row[time_column]
        number = number_cell.strip() if type(number_cell) is str else _staff_number(number_cell)
        if not number and not any(str(cell or "").strip() for cell in row):
            continue
        counted += 1
        staff_id = staff_of(number)
        parts = cells.parts(time_cell)
        if staff_id is None:
            errors.append(RowError(row_number, N_("Unknown staff number %(number)s."),
                                   {"number": number[:30] or "—"}))
        if parts is None:
            errors.append(RowError(row_number, N_("Unreadable time %(value)s (write 2026-11-02 08:03)."),
                                   {"value": str(time_cell or "—")[:40]}))
            continue
        if staff_id is None:
            continue
        first = seen.setdefault((staff_id, parts[0], parts[1]), row_number)
        if first != row_number:
            errors.append(RowError(row_number, N_("Same staff number and time as row %(row)s."),
                                   {"row": first}))
    result.rows = counted
    result.error_count = len(errors)
    result.errors = errors[:MAX_LISTED_ERRORS]
    return result, seen


def _sqlite(session: Session) -> bool:
    return session.connection().dialect.name == "sqlite"


def _existing_keys(session: Session, keys) -> set[tuple[int, date, int]]:
    """(staff_id, day, second of day) of the keys already stored: at most two queries over
    their days, none when nothing is stored then (a first import). The day comes back as
    stored (SQLite's text, mapped to the file's days) — no value parsed per row."""
    if not keys:
        return set()
    days = {day for _staff, day, _second in keys}
    within = ClockRecord.day.between(min(days), max(days))
    if session.scalar(select(ClockRecord.id).where(within).limit(1)) is None:
        return set()
    connection = session.connection()  # Core rows: no ORM loading per row
    if connection.dialect.name != "sqlite":
        return set(map(tuple, connection.execute(select(
            ClockRecord.staff_id, ClockRecord.day, ClockRecord.second_of_day).where(within))))
    day_of = {day.isoformat(): day for day in days}
    rows = connection.execute(select(ClockRecord.staff_id, type_coerce(ClockRecord.day, String),
                                     ClockRecord.second_of_day).where(within))
    return {(staff_id, day_of.get(day), second) for staff_id, day, second in rows}


def _write_rows(session: Session, table, columns: tuple[str, ...], values: list[tuple]) -> None:
    """Rows of values as the driver takes them (no SQLAlchemy type processing per value): one
    executemany, or on PostgreSQL through psycopg one `COPY … FROM STDIN`, in the session's
    transaction. Used for clock records and derived days, never for what a user types."""
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(map(quote, columns))})"
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        cursor = connection.connection.cursor()
        try:
            with cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(values), 50_000):
        connection.exec_driver_sql(
            f"INSERT INTO {target} VALUES ({', '.join([marker] * len(columns))})",
            values[start:start + 50_000])


@contextmanager
def _bulk_python():
    """No cyclic garbage collection while a few hundred thousand acyclic rows (lists, tuples)
    are made: each collection would walk them all again — a second of a year's import. The
    collector runs as usual afterwards; reference counting frees everything meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


CLOCK_COLUMNS = ("staff_id", "clocked_at", "day", "second_of_day", "source", "import_id", "version")


def import_clock_file(session: Session, file_name: str, data: bytes, user_id: int | None, *,
                      limits: ImportLimits | None = None) -> ImportResult:
    """ATT-1: import a clock export — all of it, or nothing while any row is wrong.

    Re-importing a file (or an overlapping export) adds only the clocks not yet stored
    (unique staff_id + clocked_at). The rows go in by one executemany (COPY on PostgreSQL) of
    values made once per row; the audited `ClockImport` row is their trail (AUDIT-1). A file
    over `limits` (the app's IMPORT_MAX_*, config.py) is refused before it is parsed (INPUT-1).
    """
    with _bulk_python():
        return _import_clock_file(session, (file_name or "clock.csv")[:200], data, user_id,
                                  limits)


def _import_clock_file(session: Session, file_name: str, data: bytes, user_id: int | None,
                       limits: ImportLimits | None = None):
    result, keys = check_clock_file(session, file_name, data, limits)
    if result.errors:
        return result
    existing = _existing_keys(session, keys)
    new = [key for key in keys if key not in existing] if existing else list(keys)
    result.skipped, result.added = len(keys) - len(new), len(new)
    batch = ClockImport(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(),
                        rows=result.rows, added=len(new), imported_by_id=user_id)
    session.add(batch)
    session.flush()
    days = {day for _staff, day, _second in new}
    result.months = {(day.year, day.month) for day in days}
    if new:
        sqlite = _sqlite(session)
        stored = _LocalClock(sqlite).stored
        day_value = {day: day.isoformat() if sqlite else day for day in days}
        import_id = batch.id
        _write_rows(session, ClockRecord.__table__, CLOCK_COLUMNS,
                    [(staff_id, stored(day, second), day_value[day], second, "import", import_id, 1)
                     for staff_id, day, second in new])
    return result


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


# --- ATT-4: 补签单 ------------------------------------------------------------------------------
def file_excuse(session: Session, staff_id: int, day: date | None, half: str, reason: str,
                note, user_id: int | None, today: date) -> ClockExcuse:
    """ATT-4: a 补签单 for a half-day missed because of a meeting or an official errand."""
    staff = _staff(session, staff_id)
    if day is None or day > today or day.year < BUSINESS_YEARS[0]:
        raise RuleViolation("ATT-4", N_("Give a day up to today."), field="day")
    if half not in HALVES:
        raise RuleViolation("ATT-4", N_("Choose morning or afternoon."), field="half")
    if reason not in EXCUSE_REASONS:
        raise RuleViolation("ATT-4", N_("Only a meeting or an official errand excuses a missed "
                                        "clock-in."), field="reason")
    if session.scalar(select(ClockExcuse.id).where(ClockExcuse.staff_id == staff.id,
                                                   ClockExcuse.day == day,
                                                   ClockExcuse.half == half)) is not None:
        raise RuleViolation("ATT-4", N_("This half-day already has a 补签单."), field="day")
    excuse = ClockExcuse(staff_id=staff.id, day=day, half=half, reason=reason,
                         note=(note or "").strip()[:500] or None, state="pending",
                         filed_by_id=user_id)
    session.add(excuse)
    session.flush()
    return excuse


def decide_excuse(session: Session, excuse: ClockExcuse, approve: bool, approver: Staff | None,
                  user_id: int | None, now: datetime) -> ClockExcuse:
    """ATT-4: the deputy director approves or rejects a pending 补签单."""
    if not may_decide_excuse(approver):
        raise RuleViolation("ATT-4", N_("Only the deputy director approves a 补签单."))
    if not may_decide_excuse(approver, excuse):
        raise RuleViolation("ATT-4", N_("No one approves their own 补签单."))
    if excuse.state != "pending":
        raise RuleViolation("ATT-4", N_("This 补签单 is already decided."))
    excuse.state = "approved" if approve else "rejected"
    excuse.decided_by_id, excuse.decided_at = user_id, now
    session.flush()
    return excuse


# --- ATT-2/3/4: the derivation ------------------------------------------------------------------
@dataclass(frozen=True)
class HalfDay:
    status: str
    first: int | None = None  # second of the day of the first clock
    last: int | None = None


@dataclass(frozen=True)
class DayResult:
    """One staff member's working day: morning, afternoon, late/early count, absent days."""

    staff_id: int
    day: date
    am: HalfDay
    pm: HalfDay
    late_early: int
    absent_days: Decimal


def working_days(start: date, end: date, calendar: WorkCalendar) -> list[date]:
    days, day = [], start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _half_expression(days: list[date], settings: AttendanceSettings):
    """SQL: "am" or "pm" for a clock, split at the noon boundary of its day's season."""
    ranges: list[list] = []  # [first day, last day, boundary] of days with one boundary
    for day in days:
        boundary = noon_boundary(settings.hours(day))
        if ranges and ranges[-1][2] == boundary:
            ranges[-1][1] = day
        else:
            ranges.append([day, day, boundary])
    if len(ranges) == 1:
        boundary = literal(ranges[0][2])
    else:
        boundary = case(*[(ClockRecord.day.between(first, last), literal(value))
                          for first, last, value in ranges[:-1]], else_=literal(ranges[-1][2]))
    return case((ClockRecord.second_of_day < boundary, literal(AM)), else_=literal(PM))


def _clock_aggregates(session, days, staff_ids, settings):
    """(staff_id, day, half) → (first, last) of the period, grouped in SQL: one query."""
    half = _half_expression(days, settings).label("half")
    query = (select(ClockRecord.staff_id, ClockRecord.day, half,
                    func.min(ClockRecord.second_of_day), func.max(ClockRecord.second_of_day))
             .where(ClockRecord.day.between(days[0], days[-1]))
             .group_by(ClockRecord.staff_id, ClockRecord.day, half))
    if staff_ids is not None:
        query = query.where(ClockRecord.staff_id.in_(staff_ids))
    connection = session.connection()  # Core rows; on SQLite the day's text mapped once per day
    if connection.dialect.name != "sqlite":
        return {(staff_id, day, h): (first, last)
                for staff_id, day, h, first, last in connection.execute(query)}
    day_of = {day.isoformat(): day for day in days}
    query = query.with_only_columns(ClockRecord.staff_id, type_coerce(ClockRecord.day, String),
                                    *query.selected_columns[2:])
    return {(staff_id, day_of[day], h): (first, last)
            for staff_id, day, h, first, last in connection.execute(query) if day in day_of}


def _leave_halves(session, start, end, staff_ids) -> dict[tuple[int, date], set[str]]:
    """ATT-3: approved leave of the period, as (staff_id, day) → half-days covered: those of
    the leave actually taken (LEAVE-3 `taken_period`, app/services/away.py), so the days from
    an early 销假 on are work days again, and an overstay the general office excused is leave."""
    query = select(LeaveRequest.staff_id, LeaveRequest.start_day, LeaveRequest.end_day,
                   LeaveRequest.half_day_start, LeaveRequest.half_day_end,
                   LeaveRequest.reported_back_on, LeaveRequest.report_back_reason,
                   LeaveRequest.overstay_days).where(
        LeaveRequest.state == APPROVED, LeaveRequest.start_day <= end,
        or_(LeaveRequest.end_day >= start, LeaveRequest.reported_back_on > start))
    if staff_ids is not None:
        query = query.where(LeaveRequest.staff_id.in_(staff_ids))
    covered: dict[tuple[int, date], set[str]] = defaultdict(set)
    for staff_id, first, last, half_start, half_end, back, reason, over in session.execute(query):
        excused = overstay_excused(reason, over)
        day = max(first, start)
        while day <= min(max(last, back or last), end):
            covered[(staff_id, day)] |= leave_halves(day, first, last, half_start, half_end, back,
                                                     excused)
            day += timedelta(days=1)
    return covered


def _days_with_clock_data(session, start, end) -> set[date]:
    """ATT-2: the days of `start`..`end` with a clock record of anyone (whoever is asked for):
    the others are "no data". One query on the (day, staff_id) index."""
    return set(session.scalars(select(ClockRecord.day).distinct().where(
        ClockRecord.day.between(start, end))))


def _known_absences(session, start, end, staff_ids, calendar) -> dict[tuple[int, date], set[str]]:
    """ATT-3: the half-days the leave records themselves make absence, clocks or not: an
    overstay without reason (the 销假 came after the end, `overstay`: the afternoon of a noon
    end day, then whole working days) and the days taken of a leave revoked as obtained by
    deception (`leave_halves` of its taken period). Asked for the days without clock data only:
    elsewhere the clocks decide, as for every day not on leave. SQL twin:
    app.services.attendance_sql (`known_absent`)."""
    query = select(LeaveRequest.staff_id, LeaveRequest.state, LeaveRequest.start_day,
                   LeaveRequest.end_day, LeaveRequest.half_day_start, LeaveRequest.half_day_end,
                   LeaveRequest.reported_back_on, LeaveRequest.report_back_reason,
                   LeaveRequest.overstay_days).where(
        LeaveRequest.start_day <= end,
        or_(LeaveRequest.end_day >= start, LeaveRequest.reported_back_on > start),
        or_(LeaveRequest.state == REVOKED,
            and_(LeaveRequest.overstay_days > 0, LeaveRequest.reported_back_on.is_not(None))))
    if staff_ids is not None:
        query = query.where(LeaveRequest.staff_id.in_(staff_ids))
    known: dict[tuple[int, date], set[str]] = defaultdict(set)
    for staff_id, state, first, last, half_start, half_end, back, reason, over in \
            session.execute(query):
        if over and back is not None:
            for day, part in overstay(last, half_end, back, calendar).items():
                if start <= day <= end:
                    known[(staff_id, day)] |= {PM} if part == HALF else {AM, PM}
        if state == REVOKED:
            excused = overstay_excused(reason, over)
            day = max(first, start)
            while day <= min(max(last, back or last), end):
                known[(staff_id, day)] |= leave_halves(day, first, last, half_start, half_end,
                                                       back, excused)
                day += timedelta(days=1)
    return known


def _excused(session, start, end, staff_ids) -> set[tuple[int, date, str]]:
    """ATT-4: the half-days excused by an approved 补签单."""
    query = select(ClockExcuse.staff_id, ClockExcuse.day, ClockExcuse.half).where(
        ClockExcuse.state == "approved", ClockExcuse.day.between(start, end))
    if staff_ids is not None:
        query = query.where(ClockExcuse.staff_id.in_(staff_ids))
    return {tuple(row) for row in session.execute(query)}


def _staff_ids(session, staff_ids) -> list[int]:
    query = select(Staff.id).where(Staff.is_active.is_(True)).order_by(Staff.id)
    if staff_ids is not None:
        query = query.where(Staff.id.in_(staff_ids))
    return list(session.scalars(query))


def compute_days(session: Session, start: date, end: date, today: date, staff_ids=None,
                 settings: AttendanceSettings | None = None,
                 calendar: WorkCalendar | None = None) -> list[DayResult]:
    """ATT-2/3/4: every active staff member's working days from `start` to `end`, days before
    `today` only (today is not over). Non-working days (holidays, weekends not worked: the
    calendar) have no result, nor has staff who does not clock in (`Staff.clocks_in` off) in a
    month without clock records. A working day without any clock record of anyone (ATT-2) has
    its halves "no data" (`NO_DATA`) unless on leave, excused or absent by the leave records
    themselves (`_known_absences`): no late, no absence. Six queries (one more with such
    staff, one more when some days have no data), whatever the period or the number of staff."""
    with _bulk_python():
        return _compute_days(session, start, end, today, staff_ids, settings, calendar)


def _compute_days(session, start, end, today, staff_ids, settings, calendar) -> list[DayResult]:
    settings = settings or attendance_settings(session)
    calendar = calendar or load_calendar(session)
    days = working_days(start, min(end, today - timedelta(days=1)), calendar)
    query = select(Staff.id, Staff.clocks_in).where(Staff.is_active.is_(True)).order_by(Staff.id)
    if staff_ids is not None:
        query = query.where(Staff.id.in_(staff_ids))
    people = list(session.execute(query))
    if not days or not people:
        return []
    scope = None if staff_ids is None else [staff_id for staff_id, _clocks_in in people]
    clocks = _clock_aggregates(session, days, scope, settings)
    leave = _leave_halves(session, days[0], days[-1], scope)
    excused = _excused(session, days[0], days[-1], scope)
    # ATT-2: the days without any clock record of anyone are no data.
    with_data = _days_with_clock_data(session, days[0], days[-1])
    known = (_known_absences(session, days[0], days[-1], scope, calendar)
             if len(with_data) < len(days) else {})
    # ATT-2: who does not clock in (Staff.clocks_in off: the leadership) has days only in the
    # months with clock records of theirs; never an absence for a month without any.
    not_clocking = [staff_id for staff_id, clocks_in in people if not clocks_in]
    clocked_months = set()
    if not_clocking:  # whole months: a period may hold only part of one
        first, last = days[0].replace(day=1), month_bounds(days[-1].year, days[-1].month)[1]
        clocked_months = {(staff_id, day.year, day.month) for staff_id, day in session.execute(
            select(ClockRecord.staff_id, ClockRecord.day).distinct().where(
                ClockRecord.staff_id.in_(not_clocking), ClockRecord.day.between(first, last)))}
    results = []
    day_hours = [(day, list(zip(HALVES, settings.hours(day)))) for day in days]
    for staff_id, clocks_in in people:
        for day, hours in day_hours:
            if not clocks_in and (staff_id, day.year, day.month) not in clocked_months:
                continue
            on_leave = leave.get((staff_id, day), ())
            halves, late_early, absent = [], 0, 0
            for half, (start_time, end_time) in hours:
                first, last = clocks.get((staff_id, day, half), (None, None))
                if half in on_leave:
                    halves.append(HalfDay(LEAVE, first, last))
                    continue
                if (staff_id, day, half) in excused:
                    halves.append(HalfDay(EXCUSED, first, last))
                    continue
                if day not in with_data:  # ATT-2: no clock of anyone that day
                    status = unclocked_status(half in known.get((staff_id, day), ()))
                    absent += status == ABSENT
                    halves.append(HalfDay(status))
                    continue
                status, count = half_day_status(first, last, start_time, end_time)
                late_early += count
                absent += status == ABSENT
                halves.append(HalfDay(status, first, last))
            results.append(DayResult(staff_id, day, halves[0], halves[1], late_early,
                                     HALF * absent))
    return results


def month_bounds(year: int, month: int) -> tuple[date, date]:
    if not (BUSINESS_YEARS[0] <= year <= BUSINESS_YEARS[1] and 1 <= month <= 12):
        raise RuleViolation("ATT-2", N_("Give a month between %(first)s and %(last)s."),
                            field="month", first=BUSINESS_YEARS[0], last=BUSINESS_YEARS[1])
    first = date(year, month, 1)
    last = month_end(first)
    return first, last


DAY_COLUMNS = ("staff_id", "day", "am_status", "am_in", "am_out", "pm_status", "pm_in", "pm_out",
               "late_early", "absent_days")


def derive_range(session: Session, start: date, end: date, today: date, staff_ids=None) -> int:
    """ATT-2/3/4: recompute and store the AttendanceDay rows of the period (of `staff_ids`
    only, if given) in one pass (one delete, one executemany of plain values, COPY on
    PostgreSQL). Returns the rows written. Only active staff are derived, so only their rows
    are replaced: the stored days of someone who has left stay as they were last derived (their
    LEAVE-4 flags and half-year still read them)."""
    _one_writer_at_a_time(session)
    results = compute_days(session, start, end, today, staff_ids)
    active = select(Staff.id).where(Staff.is_active.is_(True))
    stale = delete(AttendanceDay).where(AttendanceDay.day.between(start, end),
                                        AttendanceDay.staff_id.in_(active))
    if staff_ids is not None:
        stale = stale.where(AttendanceDay.staff_id.in_(staff_ids))
    session.execute(stale)
    sqlite = _sqlite(session)
    day_value = {r.day: r.day.isoformat() if sqlite else r.day for r in results}
    amount = {r.absent_days: float(r.absent_days) if sqlite else r.absent_days for r in results}
    _write_rows(session, AttendanceDay.__table__, DAY_COLUMNS, [
        (r.staff_id, day_value[r.day], r.am.status, r.am.first, r.am.last, r.pm.status,
         r.pm.first, r.pm.last, r.late_early, amount[r.absent_days]) for r in results])
    return len(results)


# Not the nightly job's own key: the job holds that one on a connection of its own while its
# transaction derives, and would wait for itself.
_ROWS_LOCK = advisory_key("attendance-day-rows")


def _one_writer_at_a_time(session: Session) -> None:
    """Issue #18: two derivations of the same days at once — a leave approved or revoked while
    the nightly job derives the month — would each delete the rows and insert them again, the
    second insert a unique violation (a 500). On PostgreSQL they take turns on a transaction
    lock; SQLite lets one writer at a time anyway (the second waits, then reads the first's)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ROWS_LOCK})


def derive_month(session: Session, year: int, month: int, today: date) -> int:
    """ATT-2/3/4: recompute one month's AttendanceDay rows."""
    return derive_range(session, *month_bounds(year, month), today)


# --- The month: per person, per window, for scoring and leave ---------------------------------
@dataclass
class MonthAbsence:
    """One staff member's month (ATT-3): what M8 scoring and LEAVE-4 read."""

    staff_id: int
    late: int = 0
    early: int = 0
    absent_half_days: int = 0  # working half-days with no clock, leave or excuse
    off_post: list[tuple[date, int]] = field(default_factory=list)  # (day, minutes)
    rule_days: Decimal = Decimal(0)  # ATT-3: 4+ late/early, off post over the limit
    absence_days: Decimal = Decimal(0)  # total 旷工 days, in ½ steps
    no_data_days: list[date] = field(default_factory=list)  # ATT-2: no clock data, not derived

    @property
    def late_early(self) -> int:
        return self.late + self.early


def _month_summaries(session, results, off_post_rows, settings, staff_ids) -> dict[int, MonthAbsence]:
    """ATT-3 / LEAVE-4: one month's days (computed now, or as stored) summed per person — the
    one computation of a month's absence days: ½ per absent half-day plus the month's ATT-3
    half days (4+ late/early, each off-post time over the limit). The month view, the export,
    the deductions and the yearly flags (`stored_month_absences`) all read it."""
    months = {staff_id: MonthAbsence(staff_id) for staff_id in staff_ids}
    for result in results:
        month = months[result.staff_id]
        for half in (result.am, result.pm):
            month.late += half.status in ("late", "late_early")
            month.early += half.status in ("early", "late_early")
            month.absent_half_days += half.status == ABSENT
        if NO_DATA in (result.am.status, result.pm.status):
            month.no_data_days.append(result.day)
    for staff_id, day, minutes in off_post_rows:
        if staff_id in months:
            months[staff_id].off_post.append((day, minutes))
    for month in months.values():
        month.rule_days = settings.absence_days(month.late_early, [m for _d, m in month.off_post])
        month.absence_days = HALF * month.absent_half_days + month.rule_days
    return months


def stored_month_absences(session: Session, start: date, end: date,
                          settings: AttendanceSettings | None = None
                          ) -> dict[int, dict[tuple[int, int], MonthAbsence]]:
    """ATT-3 for LEAVE-4: per staff id and (year, month), the months of `start`..`end` as the
    stored attendance days (`derive_range`, nightly and at every leave decision) and the
    off-post records hold them, summed by `_month_summaries` like the month view — so a
    year's absence is the sum of the months the view shows. Staff who has left is included
    (their stored days are kept). Two queries."""
    settings = settings or attendance_settings(session)
    rows = session.execute(
        select(AttendanceDay.staff_id, AttendanceDay.day, AttendanceDay.am_status,
               AttendanceDay.pm_status, AttendanceDay.late_early, AttendanceDay.absent_days)
        .where(AttendanceDay.day.between(start, end))
        .order_by(AttendanceDay.day, AttendanceDay.staff_id))
    results: dict[tuple[int, int], list[DayResult]] = defaultdict(list)
    for staff_id, day, am, pm, late_early, absent in rows:
        results[(day.year, day.month)].append(
            DayResult(staff_id, day, HalfDay(am), HalfDay(pm), late_early, absent))
    off_post: dict[tuple[int, int], list] = defaultdict(list)
    for row in _off_post_rows(session, start, end):
        off_post[(row[1].year, row[1].month)].append(row)
    found: dict[int, dict[tuple[int, int], MonthAbsence]] = defaultdict(dict)
    for key in sorted(set(results) | set(off_post)):
        ids = {r.staff_id for r in results[key]} | {row[0] for row in off_post[key]}
        for staff_id, month in _month_summaries(session, results[key], off_post[key], settings,
                                                ids).items():
            found[staff_id][key] = month
    return dict(found)


def _off_post_rows(session, start, end, staff_ids=None):
    query = (select(OffPostRecord.staff_id, OffPostRecord.day, OffPostRecord.minutes)
             .where(OffPostRecord.day.between(start, end))
             .order_by(OffPostRecord.day, OffPostRecord.id))
    if staff_ids is not None:
        query = query.where(OffPostRecord.staff_id.in_(staff_ids))
    return list(session.execute(query))


def month_absences(session: Session, year: int, month: int, today: date,
                   staff_ids=None) -> dict[int, MonthAbsence]:
    """ATT-3 for the scoring (M8) and leave (LEAVE-4) rules: every active staff member's
    absence days of the month (½ steps), late/early counts and off-post times — computed from
    the records, leave and 补签单 as they are now, in a fixed number of queries."""
    start, end = month_bounds(year, month)
    settings = attendance_settings(session)
    results = compute_days(session, start, end, today, staff_ids, settings)
    ids = _staff_ids(session, staff_ids)
    return _month_summaries(session, results, _off_post_rows(session, start, end, staff_ids),
                            settings, ids)


def days_without_clock_data(session: Session, year: int, month: int,
                            today: date) -> list[tuple[date, date]]:
    """ATT-2 无打卡数据: the working days of the month before `today` without any clock record of
    anyone — nothing is derived for them — as runs of consecutive working days (first, last),
    for the month pages and the export to show the gap."""
    start, end = month_bounds(year, month)
    days = working_days(start, min(end, today - timedelta(days=1)),
                        load_calendar(session))
    if not days:
        return []
    with_data = _days_with_clock_data(session, days[0], days[-1])
    runs: list[tuple[date, date]] = []
    previous = False
    for day in days:
        if day in with_data:
            previous = False
            continue
        if previous:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
        previous = True
    return runs


@dataclass
class DayLine:
    """A calendar day of a person's month view: its half-days and why."""

    day: date
    working: bool
    result: DayResult | None
    off_post: list[int] = field(default_factory=list)


@dataclass
class PersonMonth:
    staff: Staff
    year: int
    month: int
    summary: MonthAbsence
    lines: list[DayLine]
    settings: AttendanceSettings
    excuses: list[ClockExcuse]
    records: dict[date, list[ClockRecord]]
    off_post_records: dict[date, list[OffPostRecord]] = field(default_factory=dict)


def attendance_month_of(session: Session, staff_id: int, year: int, month: int,
                        today: date) -> PersonMonth:
    """ATT-2/3/4: one staff member's month — every day with each half-day's status and the
    clocks behind it, the late/early count, off-post times and the absence days total (the
    self-service area shows this to the staff member)."""
    staff = _staff(session, staff_id)
    start, end = month_bounds(year, month)
    today = today
    settings, calendar = attendance_settings(session), load_calendar(session)
    results = compute_days(session, start, end, today, [staff.id], settings, calendar)
    off_post = _off_post_rows(session, start, end, [staff.id])
    summary = _month_summaries(session, results, off_post, settings, [staff.id]).get(
        staff.id, MonthAbsence(staff.id))
    by_day = {r.day: r for r in results}
    off_by_day: dict[date, list[int]] = defaultdict(list)
    for _staff_id, day, minutes in off_post:
        off_by_day[day].append(minutes)
    lines, day = [], start
    while day <= end:
        lines.append(DayLine(day, calendar.is_working_day(day), by_day.get(day), off_by_day[day]))
        day += timedelta(days=1)
    excuses = list(session.scalars(select(ClockExcuse).where(
        ClockExcuse.staff_id == staff.id, ClockExcuse.day.between(start, end)
    ).order_by(ClockExcuse.day, ClockExcuse.half)))
    records: dict[date, list[ClockRecord]] = defaultdict(list)
    for record in session.scalars(select(ClockRecord).where(
            ClockRecord.staff_id == staff.id, ClockRecord.day.between(start, end)
    ).order_by(ClockRecord.clocked_at)):
        records[record.day].append(record)
    off_post_records: dict[date, list[OffPostRecord]] = defaultdict(list)
    for record in session.scalars(select(OffPostRecord).where(
            OffPostRecord.staff_id == staff.id, OffPostRecord.day.between(start, end)
    ).order_by(OffPostRecord.day, OffPostRecord.id)):
        off_post_records[record.day].append(record)
    return PersonMonth(staff, year, month, summary, lines, settings, excuses, records,
                       off_post_records)


def window_month(session: Session, year: int, month: int, today: date,
                 window_id: int | None = None, staff_ids=None) -> list[tuple[Staff, MonthAbsence]]:
    """The month of every active staff member (of one window, if given), by window and name
    (then id: two people of one name keep their places)."""
    query = select(Staff).where(Staff.is_active.is_(True)).order_by(Staff.window_id, Staff.name,
                                                                     Staff.id)
    if window_id is not None:
        query = query.where(Staff.window_id == window_id)
    if staff_ids is not None:
        query = query.where(Staff.id.in_(staff_ids))
    people = list(session.scalars(query))
    if not people:
        return []
    ids = [person.id for person in people]
    months = month_absences(session, year, month, today, staff_ids=ids)
    return [(person, months[person.id]) for person in people]


def clock_label(second: int | None) -> str:
    """A second of the day as the clock shows it: 08:07."""
    if second is None:
        return ""
    return f"{second // 3600:02d}:{second % 3600 // 60:02d}"


def pending_excuses(session: Session, staff_ids=None) -> list[ClockExcuse]:
    query = select(ClockExcuse).where(ClockExcuse.state == "pending").order_by(ClockExcuse.day,
                                                                              ClockExcuse.id)
    if staff_ids is not None:
        query = query.where(ClockExcuse.staff_id.in_(staff_ids))
    return list(session.scalars(query))



# --- ATT-1: the documented sample of a clock export --------------------------------------------
SAMPLE_ROWS = [("1001", "张三", "2026-11-02 07:56:12"), ("1001", "张三", "2026-11-02 11:31:40"),
               ("1001", "张三", "2026-11-02 13:57:03"), ("1001", "张三", "2026-11-02 17:32:55"),
               ("1002", "李四", "2026-11-02 08:07:41"), ("1002", "李四", "2026-11-02 17:12:09")]


def sample_clock_file(kind: str) -> bytes:
    """The sample clock export (docs/samples/clock_records.csv / .xlsx): header employee_no,
    name, clocked_at — one row per clock, the center's wall-clock time."""
    header = ("employee_no", "name", "clocked_at")
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "clock_records"
        sheet.append(header)
        for number, name, at in SAMPLE_ROWS:
            sheet.append([number, name, datetime.fromisoformat(at)])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(SAMPLE_ROWS)
    return out.getvalue().encode()
