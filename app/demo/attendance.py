"""演示考勤 — a year of clock records for every demo staff member up to yesterday, with
realistic lateness, a few early leaves, missed half-days, off-post inspections and 补签单,
then the derivation (ATT-1..4). Deterministic (seeded), bulk-inserted: seconds, not minutes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.services.attendance import attendance_settings, derive_range, working_days
from app.services.calendar import load_calendar
from models.attendance import ClockExcuse, ClockRecord, OffPostRecord
from models.org import Staff
from models.types import center_zone

SEED = 10


def _second(t) -> int:
    return t.hour * 3600 + t.minute * 60


def demo_clock_rows(staff_ids, days, settings, rng: random.Random):
    """(rows of ClockRecord, [(staff_id, day, half)] of missed half-days) — four clocks a day:
    mostly minutes early and minutes late leaving; 3% late, 2% early, 1% of half-days missed."""
    zone, rows, missed = center_zone(), [], []
    for staff_id in staff_ids:
        punctual = rng.random()  # some people are late more often than others
        for day in days:
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            for half, (start, end) in zip(("am", "pm"), settings.hours(day)):
                if rng.random() < 0.01:
                    missed.append((staff_id, day, half))
                    continue
                late_chance = 0.01 + 0.05 * (1 - punctual)
                first = _second(start) - rng.randint(60, 1500) if rng.random() >= late_chance \
                    else _second(start) + rng.randint(60, 1500)
                last = _second(end) + rng.randint(0, 1200) if rng.random() >= 0.02 \
                    else _second(end) - rng.randint(300, 2400)
                for second in (first, last):
                    instant = (midnight + timedelta(seconds=second)).astimezone(timezone.utc)
                    rows.append({"staff_id": staff_id, "clocked_at": instant, "day": day,
                                 "second_of_day": second, "source": "import", "version": 1})
    return rows, missed


def generate_demo_attendance(session: Session, today: date, seed: int = SEED) -> int:
    """ATT-1..4 demo: a year of clocks (to yesterday) for every active staff member without
    any yet, some off-post times and approved 补签单, then the year derived. Returns clocks."""
    rng = random.Random(seed)
    have = set(session.scalars(select(ClockRecord.staff_id).distinct()))
    staff_ids = [i for i in session.scalars(select(Staff.id).where(  # ATT-2: who clocks in
        Staff.is_active.is_(True), Staff.clocks_in.is_(True)).order_by(Staff.id)) if i not in have]
    if not staff_ids:
        return 0
    start = today - timedelta(days=365)
    settings = attendance_settings(session)
    days = working_days(start, today - timedelta(days=1), load_calendar(session))
    rows, missed = demo_clock_rows(staff_ids, days, settings, rng)
    for first in range(0, len(rows), 20_000):
        session.execute(insert(ClockRecord), rows[first:first + 20_000])
    # A few missed half-days were meetings, excused by the deputy director (ATT-4).
    excuses = [{"staff_id": s, "day": d, "half": h, "reason": rng.choice(("meeting", "errand")),
                "state": "approved", "version": 1,
                "filed_at": datetime.now(timezone.utc), "decided_at": datetime.now(timezone.utc)}
               for s, d, h in missed if rng.random() < 0.3]
    if excuses:
        session.execute(insert(ClockExcuse), excuses)
    off_post = [{"staff_id": rng.choice(staff_ids), "day": rng.choice(days),
                 "minutes": rng.choice((30, 45, 90, 130, 150)), "note": "巡查发现离岗",
                 "version": 1, "entered_at": datetime.now(timezone.utc)}
                for _ in range(max(1, len(staff_ids) // 3))]
    session.execute(insert(OffPostRecord), off_post)
    derive_range(session, start, today - timedelta(days=1), today)
    return len(rows)
