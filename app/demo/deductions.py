"""The demo year's deductions and bonuses (SCORE-1) and derelictions (FAULT-1): manual ones
recorded by the office with evidence across the year, the automatic generation for every month
up to today (overdue cases, notice violations, refusals without report, absences, meetings),
and a few dereliction records. Deterministic (seeded) and idempotent: a second run adds no
manual event twice (each is marked by its evidence) and the generation never duplicates.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor, Clock
from app.rules.errors import RuleViolation
from app.services.deductions import (DerelictionInput, generate_month, record_dereliction,
                                     record_manual_event)
from app.services.scoring import EventInput, confirmed_periods, item_by_code
from app.services.transaction import transaction
from models.cases import Case
from models.deductions import Dereliction
from models.org import Staff
from models.scoring import ScoreEvent

ACTOR = Actor(username="cli:demo")
# (item code, points or None for the fixed value, evidence) — what the office writes down.
MANUAL = (
    ("M1-behaviour", None, "巡查发现窗口人员上班时间玩手机游戏，已当场提醒（督查记录第{n}号）"),
    ("M1-behaviour", None, "大厅内吃早餐，督查拍照留存（督查记录第{n}号）"),
    ("M2-lapse", None, "应当受理而未受理，申请人二次来访，经核实（督查记录第{n}号）"),
    ("M4-late-upload", None, "办件未按时上传中心系统，系统日志可查（第{n}号）"),
    ("M4-notice-filing", Decimal(2), "一次性告知单未存档两份，抽查发现（抽查记录第{n}号）"),
    ("M5-poor-cooperation", None, "中心集中整治活动未按要求派员参加（通报第{n}号）"),
    ("M9-untidy", None, "窗口台面杂乱、资料未归位，卫生检查记录第{n}号"),
    ("M8-staff-changes", Decimal(3), "本月窗口人员频繁调换，未报中心备案（第{n}号）"),
    ("B-letter", None, "收到群众表扬信一封，原件存办公室（登记第{n}号）"),
    ("B-banner", None, "群众赠送锦旗一面，照片存档（登记第{n}号）"),
    ("B-praise-high", Decimal(5), "市政府办公室通报表扬（文件第{n}号）"),
)
DERELICTIONS = (
    (2, "criticism", "未一次性告知所需材料，致申请人第二次来窗口补材料（投诉回访记录）"),
    (6, "reminder", "办件无正当理由超期三个工作日，窗口负责人已提醒"),
    (1, "notice_of_criticism", "接待群众态度生硬，经调查属实，中心通报批评"),
    (9, "bonus_deduction", "迟到且未交接，致两位申请人等候半小时"),
)


def _clock(day: date) -> Clock:
    return Clock(datetime.combine(day, time(2, 0), tzinfo=timezone.utc), day)


def _window_staff(session: Session) -> list[Staff]:
    return list(session.scalars(select(Staff).where(Staff.window_id.is_not(None),
                                                    Staff.is_active.is_(True))
                                .order_by(Staff.id)))


def create_demo_deductions(session: Session, today: date) -> dict[str, int]:
    """Manual events and derelictions of `today`'s year, then the automatic generation of
    every month up to today, each month in its own transaction (SCORE-1)."""
    staff = _window_staff(session)
    counts = {"manual": 0, "automatic": 0, "derelictions": 0}
    if not staff:
        return counts
    rng = random.Random(f"deductions-{today.year}")
    with transaction(session):
        known = set(session.scalars(select(ScoreEvent.evidence).where(
            ScoreEvent.source == "manual")))
        frozen = confirmed_periods(session, [date(today.year, m, 1)
                                             for m in range(1, today.month + 1)])
        n = 0
        for month in range(1, today.month + 1):
            first = date(today.year, month, 1)
            if first in frozen:
                continue
            for _ in range(rng.randint(2, 4)):
                n += 1
                code, points, evidence = rng.choice(MANUAL)
                person = rng.choice(staff)
                day = first + timedelta(days=rng.randint(0, 27))
                text = evidence.format(n=f"{today.year}-{n:03d}")
                if day > today or text in known:
                    continue
                item = item_by_code(session, code)
                try:
                    record_manual_event(session, EventInput(item.id, day, points,
                                                            person.window_id, person.id, text),
                                        ACTOR, _clock(day))
                except RuleViolation:
                    continue
                counts["manual"] += 1
        if not session.scalar(select(Dereliction.id).limit(1)):
            for k, (kind, sanction, evidence) in enumerate(DERELICTIONS):
                day = today - timedelta(days=20 + 37 * k)
                if day.year != today.year:
                    continue
                person = staff[(k * 5) % len(staff)]
                case_number = session.scalar(select(Case.number).where(
                    Case.window_id == person.window_id).order_by(Case.id).limit(1))
                record_dereliction(session, DerelictionInput(person.id, kind, day, sanction,
                                                             evidence, case_number),
                                   ACTOR, _clock(day))
                counts["derelictions"] += 1
    for month in range(1, today.month + 1):
        with transaction(session):
            result = generate_month(session, today.year, month, today)
        counts["automatic"] += result.added
    return counts
