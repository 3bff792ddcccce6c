"""ATT-1: the attendance settings (seasonal work hours, limits) read from the rule settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from sqlalchemy.orm import Session

from app.rules.attendance import absence_days, parse_hhmm, parse_month_day, work_hours_for
from app.services.settings import setting_value
from models.attendance import HALVES


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
