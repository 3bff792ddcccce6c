"""年度节假日安排 — reading a newly published year's holiday schedule typed in by the office
(RULES.md "Calendar", CASE-3).

The State Council publishes a year's schedule late in the year before; until the
`chinese-calendar` package knows it, the office types it in, one line per entry:

    国庆节 2027-10-01 2027-10-07     a holiday range: name, first day, last day
    中秋节 2027-09-15                a one-day holiday
    调休上班 2027-09-26              an adjusted working day (the name says 上班 / 补班)

A line whose name contains one of WORKDAY_WORDS is a working day (调休上班); every other line
is a closure. Empty lines and lines starting with '#' are skipped. The calendar paragraph
has no id of its own; the violations carry CASE-3, the rule the calendar serves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from app.rules.errors import N_, RuleViolation

RULE_ID = "CASE-3"
HOLIDAY, WORKDAY = "holiday", "workday"
# How the official notice names an adjusted working day: "9月26日（星期日）上班", "补班".
WORKDAY_WORDS = ("上班", "补班", "workday", "working day")
_WORKDAY_WORDS = re.compile("|".join(map(re.escape, WORKDAY_WORDS)), re.IGNORECASE)
# The official schedule names its ranges "至" (to); the office may type any of these.
_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_LINE = re.compile(
    rf"(?P<name>.*?\S)\s+(?P<first>{_DATE})(?:\s*(?:至|到|~|～|—|–|--)?\s*(?P<last>{_DATE}))?"
)

NAME_MAX = 100  # models.settings.Holiday.name
Entry = tuple[date, str]


def is_workday_name(name: str) -> bool:
    """Whether an entry's name marks an adjusted working day (调休上班) rather than a closure."""
    return _WORKDAY_WORDS.search(name) is not None


def _bad_line(line_no: int, year: int) -> RuleViolation:
    return RuleViolation(RULE_ID, N_("Line %(line)s: write a name, then the first day and "
                                     "optionally the last day, e.g. 国庆节 %(year)s-10-01 "
                                     "%(year)s-10-07."),
                         field="entries", line=line_no, year=year)


def _date(text: str, line_no: int) -> date:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise RuleViolation(RULE_ID, N_("Line %(line)s: %(text)s is not a valid date."),
                            field="entries", line=line_no, text=text) from None


def parse_year_schedule(text: str, year: int) -> tuple[list[Entry], list[Entry]]:
    """The closures and the adjusted working days of `year` typed in `text`, each sorted by day.

    Raises RuleViolation (field "entries") naming the first bad line: a line that is not
    "name first-day [last-day]", a date that does not exist or lies outside `year`, a range
    that ends before it starts, a day listed twice, or a day both holiday and working day.
    """
    holidays: dict[date, tuple[str, int]] = {}
    workdays: dict[date, tuple[str, int]] = {}
    for line_no, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.replace("\u3000", " ").strip()  # the full-width space of Chinese input
        if not line or line.startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise _bad_line(line_no, year)
        name = match["name"].strip()
        if re.search(_DATE, name):  # three dates, or a date before the name
            raise _bad_line(line_no, year)
        if len(name) > NAME_MAX:
            raise RuleViolation(RULE_ID, N_("Line %(line)s: the name is longer than %(max)s "
                                            "characters."),
                                field="entries", line=line_no, max=NAME_MAX)
        first = _date(match["first"], line_no)
        last = _date(match["last"], line_no) if match["last"] else first
        for day in (first, last):
            if day.year != year:
                raise RuleViolation(RULE_ID, N_("Line %(line)s: %(day)s is not in %(year)s."),
                                    field="entries", line=line_no, day=day.isoformat(), year=year)
        if last < first:
            raise RuleViolation(RULE_ID, N_("Line %(line)s: the last day %(last)s is before the "
                                            "first day %(first)s."),
                                field="entries", line=line_no, first=first.isoformat(),
                                last=last.isoformat())
        workday = is_workday_name(name)
        mine, other = (workdays, holidays) if workday else (holidays, workdays)
        day = first
        while day <= last:
            if day in other:
                # WorkCalendar refuses such a calendar: which entry wins would be a guess.
                raise RuleViolation(RULE_ID, N_("Line %(line)s: %(day)s is both a holiday and a "
                                                "working day (line %(other)s)."),
                                    field="entries", line=line_no, day=day.isoformat(),
                                    other=other[day][1])
            if day in mine:
                raise RuleViolation(RULE_ID, N_("Line %(line)s: %(day)s is already listed on line "
                                                "%(other)s."),
                                    field="entries", line=line_no, day=day.isoformat(),
                                    other=mine[day][1])
            mine[day] = (name, line_no)
            day += timedelta(days=1)
    return ([(d, holidays[d][0]) for d in sorted(holidays)],
            [(d, workdays[d][0]) for d in sorted(workdays)])


def format_year_schedule(entries: Iterable[tuple[date, str, str]]) -> str:
    """The text `parse_year_schedule` reads back to `entries` ((day, kind, name) triples):
    consecutive days of one kind and name become one range line, holidays first.

    A working day whose name does not say so (entered elsewhere as "extra working day") gets
    "调休上班" prepended so it reads back as a working day.
    """
    entries = list(entries)
    lines: list[str] = []
    for kind in (HOLIDAY, WORKDAY):
        rows = sorted((day, name) for day, k, name in entries if k == kind)
        i = 0
        while i < len(rows):
            first, name = rows[i]
            last = first
            while i + 1 < len(rows) and rows[i + 1] == (last + timedelta(days=1), name):
                i += 1
                last = rows[i][0]
            shown = name.strip() or ("调休上班" if kind == WORKDAY else "节假日")
            if kind == WORKDAY and not is_workday_name(shown):
                shown = f"调休上班 {shown}"
            elif kind == HOLIDAY and is_workday_name(shown):
                # Would read back as a working day: drop the words that say so.
                shown = _WORKDAY_WORDS.sub("", shown).strip() or "休息"
            lines.append(f"{shown} {first.isoformat()}" + (f" {last.isoformat()}" if last != first else ""))
            i += 1
    return "\n".join(lines)
