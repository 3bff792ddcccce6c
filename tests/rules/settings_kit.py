"""The rule settings the setting checks compare with (app/rules/settings.py): the seeded
defaults and whether a value passes (tests/rules/test_setting_bounds*.py)."""

from __future__ import annotations

from decimal import Decimal

from app.rules.errors import RuleViolation
from app.rules.settings import check_setting

D = Decimal
MB = 1024 * 1024
REQUEST_LIMIT = 32 * MB  # MAX_REQUEST_MB's default (config.py)
CATEGORIES = {f"score.m{n}_max": D(points) for n, points in
              zip(range(1, 11), (10, 10, 10, 10, 10, 10, 10, 15, 5, 10))}
PARTS = {"semi.part_de_max": D(15), "semi.part_neng_max": D(15), "semi.part_qin_max": D(15),
         "semi.part_ji_max": D(40), "semi.part_lian_max": D(15)}
HOURS = {"att.summer_am_start": "08:00", "att.summer_am_end": "11:30",
         "att.summer_pm_start": "15:00", "att.summer_pm_end": "18:00",
         "att.winter_am_start": "08:00", "att.winter_am_end": "11:30",
         "att.winter_pm_start": "14:00", "att.winter_pm_end": "17:30"}
# The seeded defaults the cross checks compare with (migrations 0002, 0014; RULES.md).
DEFAULTS = {**CATEGORIES, **PARTS, **HOURS,
            "grade.excellent": D(90), "grade.competent": D(75), "grade.basic": D(60),
            "att.summer_starts": "05-01", "att.winter_starts": "10-01",
            "roster.duty_early_minutes": 10,
            "leave.office_head_max_days": D("0.5"), "leave.director_max_days": D(3),
            "leave.personal_month_bonus_days": 30, "leave.personal_half_year_bonus_days": 60,
            "leave.absence_consecutive_dismissal_days": 15,
            "leave.absence_yearly_dismissal_days": 30}


def passes(key, value, others=DEFAULTS, limit=REQUEST_LIMIT) -> bool:
    """Whether `check_setting` lets `key` take `value` next to `others`."""
    try:
        check_setting(key, value, others, max_request_bytes=limit)
    except RuleViolation:
        return False
    return True
