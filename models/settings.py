"""Rule settings and holiday entries: the values an administrator may change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from flask_appbuilder import Model

from models.types import Versioned

# How a setting's text value is read back.
SETTING_TYPES = ("int", "decimal", "time", "date", "text")
# Holiday entries (calendar paragraph of RULES.md): a closure, or an extra working day.
HOLIDAY_KINDS = ("holiday", "workday")


class RuleSetting(Versioned, Model):
    """规则设置 — one configurable value of RULES.md, with its rule id and default."""

    __tablename__ = "rule_setting"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    rule_id: Mapped[str] = mapped_column(String(20), index=True)
    value_type: Mapped[str] = mapped_column(String(10), default="int")
    default_value: Mapped[str] = mapped_column(String(50))
    value: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)

    def typed_value(self):
        """The value as the rule functions take it (int, Decimal, 'HH:MM' text...)."""
        return parse_setting(self.value_type, self.value)

    def __repr__(self) -> str:
        return self.key


def parse_setting(value_type: str, text: str):
    """Read a setting's text as its type; raises ValueError on text of the wrong shape."""
    text = (text or "").strip()
    if value_type in ("int", "decimal"):
        number = int(text) if value_type == "int" else Decimal(text)
        if not number >= 0:  # limits, thresholds and points are never negative
            raise ValueError(text)
        return number
    if value_type == "date":
        return date.fromisoformat(text)
    if value_type == "time":
        hours, minutes = text.split(":")
        if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60) or len(minutes) != 2:
            raise ValueError(text)
        return f"{int(hours):02d}:{minutes}"
    return text


class Holiday(Versioned, Model):
    """节假日调整 — an administrator's closure day or extra working day (calendar, CASE-3)."""

    __tablename__ = "holiday"
    __audited__ = True
    __table_args__ = (UniqueConstraint("day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10), default="holiday")
    name: Mapped[str] = mapped_column(String(100))

    def __repr__(self) -> str:
        return f"{self.day.isoformat()} {self.name}"


class YearSchedule(Model):
    """年度节假日安排已录入 — the office entered `year`'s official schedule (RULES.md "Calendar").

    Until then a year the holiday package does not know counts the statutory holidays only and
    its deadlines are provisional. A single local closure (a Holiday row) is not the year's
    schedule: only the year-schedule page records one of these."""

    __tablename__ = "year_schedule"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)

    def __repr__(self) -> str:
        return str(self.year)

