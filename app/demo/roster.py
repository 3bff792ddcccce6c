"""The demo center's duty rota (ROSTER-1/2): a group order, the rota of every month of the year
up to this one, duty logs for the past days (a few missing, so the Office's list shows them)
and a couple of substitutes arranged the day before. Everything goes through the services.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor, Clock
from app.rules.roster import month_bounds
from app.services.roster import (DutyLog, arrange_substitute, duty_order, generate_month,
                                 set_duty_order, shifts_between, write_duty_log)
from models.org import Staff
from models.roster import DutyShift
from models.types import center_zone

GROUP_SIZE = 12
MISSING_SHARE = 0.04  # about one duty day in 25 without a log
NOTES = ["", "", "", "空调遥控器电池已更换。", "大厅东侧窗户插销松动，已报修。", "下午停电半小时，已恢复。",
         "保洁人员请假，由值班人员督促临时保洁完成。"]


def _clock(day, hour: int, minute: int = 0) -> Clock:
    return Clock(datetime.combine(day, time(hour, minute), tzinfo=center_zone()), day)


def generate_demo_rota(session: Session, today, seed: int = 20261201) -> int:
    """The demo rota from January of `today`'s year to its month; returns the duty days made.
    Run again, it keeps an existing order and months that already have logs."""
    rng = random.Random(seed)
    if not duty_order(session):
        people = list(session.scalars(select(Staff).where(Staff.is_active.is_(True),
                                                          Staff.unit != "leadership")
                                      .order_by(Staff.id)))
        chosen = sorted(rng.sample(people, min(GROUP_SIZE, len(people))), key=lambda s: s.id)
        if not chosen:
            return 0
        set_duty_order(session, [s.id for s in chosen])
    made_ids: set[int] = set()
    for month in range(1, today.month + 1):
        first, last = month_bounds(today.year, month)
        logged = session.scalar(select(DutyShift.id).where(
            DutyShift.day.between(first, last), DutyShift.log_written_at.is_not(None)))
        if logged is not None:
            continue
        made_ids.update(shift.id for shift in generate_month(session, today.year, month))
    shifts = shifts_between(session, today.replace(month=1, day=1), today + timedelta(days=40))
    past = [s for s in shifts if s.day < today and s.id in made_ids]
    others = {s.staff_id for s in shifts}
    substitutes = set(rng.sample(range(len(past)), min(2, len(past))))
    for i, shift in enumerate(past):
        if i in substitutes:
            busy = {s.staff_id for s in shifts if s.day == shift.day}
            free = sorted(others - busy)
            if free:
                office = Actor(username="cli:demo")
                arrange_substitute(session, shift, rng.choice(free), office,
                                   _clock(shift.day - timedelta(days=1), 16))
        if rng.random() < MISSING_SHARE:
            continue
        person = shift.on_duty
        actor = Actor(username="cli:demo", user_id=person.user_id, staff_id=person.id)
        write_duty_log(session, shift,
                       DutyLog(opened_hall=True, closed_up=rng.random() > 0.02,
                               cleaning_supervised=rng.random() > 0.05, note=rng.choice(NOTES)),
                       actor, _clock(shift.day, 17, rng.randint(30, 59)))
    session.flush()
    return len(made_ids)
