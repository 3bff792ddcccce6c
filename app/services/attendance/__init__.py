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
a minute ago already counts. `bench/attendance_sql.py` is the same derivation as one
SQL statement (the benchmark's reference, bench/bench_attendance.py).

Nothing here commits: the caller's `transaction()` does.

Split by job (issue #17), a move: `settings` (ATT-1 hours and limits), `clock_import` (a clock
export in), `records` (the office's entries and corrections), `excuses` (ATT-4), `derivation`
(ATT-2/3/4 half-days) and `reports` (the month per person and window). The names below stay
importable from `app.services.attendance`.
"""

from __future__ import annotations

from app.services.attendance.clock_import import (CLOCK_COLUMNS, EMPLOYEE_COLUMNS, ImportResult,
                                                  MAX_IMPORT_BYTES, MAX_LISTED_ERRORS, RowError,
                                                  SAMPLE_ROWS, TIME_COLUMNS, check_clock_file,
                                                  import_clock_file, local_parts, parse_clock_time,
                                                  precheck_clock_file,
                                                  sample_clock_file)
from app.services.attendance.derivation import (DAY_COLUMNS, DayResult, HalfDay, compute_days,
                                                derive_month, derive_range, month_bounds,
                                                working_days)
from app.services.attendance.excuses import decide_excuse, file_excuse, pending_excuses
from app.services.attendance.records import (correct_clock_record, correct_off_post,
                                             delete_off_post, enter_clock_record, enter_off_post)
from app.services.attendance.reports import (DayLine, MonthAbsence, PersonMonth,
                                             attendance_month_of, clock_label,
                                             days_without_clock_data, month_absences,
                                             month_overview,
                                             stored_month_absences, window_month)
from app.services.attendance.settings import AttendanceSettings, attendance_settings

__all__ = [
    "AttendanceSettings", "CLOCK_COLUMNS", "DAY_COLUMNS", "DayLine", "DayResult",
    "EMPLOYEE_COLUMNS", "HalfDay", "ImportResult", "MAX_IMPORT_BYTES", "MAX_LISTED_ERRORS",
    "MonthAbsence", "PersonMonth", "RowError", "SAMPLE_ROWS", "TIME_COLUMNS",
    "attendance_month_of", "attendance_settings", "check_clock_file", "clock_label",
    "compute_days", "correct_clock_record", "correct_off_post", "days_without_clock_data",
    "precheck_clock_file",
    "decide_excuse", "delete_off_post", "derive_month", "derive_range", "enter_clock_record",
    "enter_off_post", "file_excuse", "import_clock_file", "local_parts", "month_absences",
    "month_bounds", "parse_clock_time", "pending_excuses", "sample_clock_file",
    "month_overview", "stored_month_absences", "window_month", "working_days",
]
