"""ATT-1: clock records in — a clock export (CSV or .xlsx) checked and imported in bulk, and the
documented sample of such an export."""

from __future__ import annotations

import csv
import gc
import hashlib
import io
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from app.rules.errors import N_, RuleViolation
from app.rules.input import BUSINESS_YEARS
from app.services.table_files import (ImportLimits, check_file_size, inspect_workbook, read_csv,
                                      read_workbook)
from models.attendance import ClockImport, ClockRecord
from models.org import Staff
from models.types import center_zone


MAX_IMPORT_BYTES = ImportLimits().file_bytes  # the default of config.py IMPORT_MAX_MB
MAX_LISTED_ERRORS = 200  # a broken file lists this many rows; the count says how many more
# Issue #21: a background job's bar is told its progress every this many rows (checked, written).
PROGRESS_ROWS = 5_000
Progress = Callable[[int, int | None], None]  # (done, total)
# The documented columns of a clock export (README, docs/samples/clock_records.*): English or
# Chinese headers; other columns (a name, a device) are ignored.
EMPLOYEE_COLUMNS = ("employee_no", "工号")
TIME_COLUMNS = ("clocked_at", "打卡时间")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


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


def precheck_clock_file(file_name: str, data: bytes, limits: ImportLimits) -> None:
    """INPUT-1 (issue #18): what is refused at once, in the request, even for a file large
    enough to go to the job worker (issue #21): its size, a workbook over the limits (read
    from its zip directory and one streaming count, nothing parsed), a CSV that is not one.
    Raises the same RuleViolation the import itself would."""
    check_file_size(data, "ATT-1", limits)
    if file_name.lower().endswith(".xlsx"):
        inspect_workbook(data, "ATT-1", limits)
    else:
        read_csv(data, "ATT-1", limits=limits)  # milliseconds: parsing is not the slow part


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
                     limits: ImportLimits | None = None, progress: Progress | None = None):
    """ATT-1: read and check a clock export; (result, the rows' keys (staff_id, day, second
    of the day) → their row number). `limits`: the app's IMPORT_MAX_* (config.py).
    `progress(done, total)`: a background job's bar (issue #21) — the rows checked are the
    first half of the import's work (`total` is twice the rows), writing them the second.

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
        raise RuleViolation("ATT-1", N_("The first row must name the columns 工号 and 打卡时间 "
                                        "(or employee_no and clocked_at)."), field="file")
    staff_of = {number: staff_id for number, staff_id in session.execute(
        select(Staff.employee_no, Staff.id).where(Staff.employee_no.is_not(None)))}.get
    width = max(staff_column, time_column) + 1
    cells = _ClockCells()
    seen: dict[tuple[int, date, int], int] = {}
    errors: list[RowError] = []
    counted = 0
    twice = 2 * len(rows)
    for row_number, row in enumerate(rows, start=1):
        if row_number == 1:
            continue
        if progress is not None and row_number % PROGRESS_ROWS == 0:
            progress(row_number, twice)
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


def _write_rows(session: Session, table, columns: tuple[str, ...], values: list[tuple],
                written: Callable[[int], None] | None = None) -> None:
    """Rows of values as the driver takes them (no SQLAlchemy type processing per value): one
    executemany, or on PostgreSQL through psycopg one `COPY … FROM STDIN`, in the session's
    transaction. Used for clock records and derived days, never for what a user types.
    `written(rows so far)` is told every PROGRESS_ROWS rows (a job's bar, issue #21)."""
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(map(quote, columns))})"
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        cursor = connection.connection.cursor()
        try:
            with cursor.copy(f"COPY {target} FROM STDIN") as copy:
                if written is None:
                    for row in values:
                        copy.write_row(row)
                else:
                    for start in range(0, len(values), PROGRESS_ROWS):
                        for row in values[start:start + PROGRESS_ROWS]:
                            copy.write_row(row)
                        written(min(start + PROGRESS_ROWS, len(values)))
        finally:
            cursor.close()
        return
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    step = 50_000 if written is None else PROGRESS_ROWS
    for start in range(0, len(values), step):
        connection.exec_driver_sql(
            f"INSERT INTO {target} VALUES ({', '.join([marker] * len(columns))})",
            values[start:start + step])
        if written is not None:
            written(min(start + step, len(values)))


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
                      limits: ImportLimits | None = None,
                      progress: Progress | None = None) -> ImportResult:
    """ATT-1: import a clock export — all of it, or nothing while any row is wrong.

    Re-importing a file (or an overlapping export) adds only the clocks not yet stored
    (unique staff_id + clocked_at). The rows go in by one executemany (COPY on PostgreSQL) of
    values made once per row; the audited `ClockImport` row is their trail (AUDIT-1). A file
    over `limits` (the app's IMPORT_MAX_*, config.py) is refused before it is parsed (INPUT-1).
    `progress(done, total)`: a background job's bar (issue #21), the rows checked then written.
    """
    with _bulk_python():
        return _import_clock_file(session, (file_name or "clock.csv")[:200], data, user_id,
                                  limits, progress)


def _import_clock_file(session: Session, file_name: str, data: bytes, user_id: int | None,
                       limits: ImportLimits | None = None, progress: Progress | None = None):
    result, keys = check_clock_file(session, file_name, data, limits, progress)
    if result.errors:
        return result
    total = 2 * (result.rows + 1)  # the rows checked, then the new ones written
    if progress is not None:
        progress(total // 2, total)
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
        written = None if progress is None else (
            lambda rows: progress(total // 2 + rows * (total // 2) // len(new), total))
        _write_rows(session, ClockRecord.__table__, CLOCK_COLUMNS,
                    [(staff_id, stored(day, second), day_value[day], second, "import", import_id, 1)
                     for staff_id, day, second in new], written)
    return result


# --- ATT-1: the documented sample of a clock export --------------------------------------------
SAMPLE_ROWS = [("1001", "张三", "2026-11-02 07:56:12"), ("1001", "张三", "2026-11-02 11:31:40"),
               ("1001", "张三", "2026-11-02 13:57:03"), ("1001", "张三", "2026-11-02 17:32:55"),
               ("1002", "李四", "2026-11-02 08:07:41"), ("1002", "李四", "2026-11-02 17:12:09")]


#: The sample's first row: the Chinese headers (issue #20: the downloadable templates use
#: them); the English keys employee_no / clocked_at are still read as aliases.
SAMPLE_HEADER = ("工号", "姓名", "打卡时间")


def sample_clock_file(kind: str) -> bytes:
    """The sample clock export (docs/samples/clock_records.csv / .xlsx): header 工号, 姓名,
    打卡时间 — one row per clock, the center's wall-clock time; the CSV in UTF-8 with a BOM,
    so that Excel opens it in Chinese (as the reference import samples)."""
    header = SAMPLE_HEADER
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "打卡记录"
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
    return out.getvalue().encode("utf-8-sig")
