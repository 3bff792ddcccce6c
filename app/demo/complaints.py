"""Demo complaints (投诉, COMP-1..5): a year of them, made through the services as the office
and Leadership would.

Most are simple and answered on the spot or by the promised date; some are complex (to the
director, answered within the working-day limit); some are verified, with their M7
deductions; one staff member has two verified this year, the second escalated to step 2
(notice of criticism) and confirmed by Leadership; one complaint is open and overdue, two are
open and not yet due. Deterministic (seeded), idempotent (nothing when complaints exist).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor, Clock
from app.services.complaints import (ComplaintInput, answer_complaint, confirm_escalation,
                                     decide_outcome, record_complaint)
from models.complaints import Complaint
from models.org import Staff

SEED = 20261202
CONTENTS = [
    "办理居住证时窗口人员态度冷淡，问了两遍才回答。",
    "材料一次没有告知清楚，让我来回跑了三趟。",
    "排队等候时间过长，叫号系统显示与实际不符。",
    "窗口人员在工作时间玩手机，让群众等候。",
    "电话咨询无人接听，多次拨打都占线。",
    "承诺五个工作日办结，超期仍未通知取件。",
    "工作人员说话语气生硬，不耐烦。",
    "网上预约后到现场仍需重新排队。",
    "收费标准与公示不一致，要求说明依据。",
    "联办事项两个窗口互相推诿，无人牵头。",
]
ANSWERS_ORAL = "已当面向投诉人说明情况并致歉，投诉人表示理解。"
ANSWERS_WRITTEN = "经核查，已书面答复投诉人处理结果，并督促窗口整改。"
NAMES = ["张先生", "李女士", "王先生", "赵女士", "陈先生", "刘女士", "周先生", "吴女士"]


def _clock(day: date, hour: int, zone: ZoneInfo) -> Clock:
    moment = datetime.combine(day, time(hour, 0), zone).astimezone(timezone.utc)
    return Clock(now=moment, today=day)


def _actor(sm, username: str) -> Actor:
    user = sm.find_user(username=username)
    return Actor(username=username, user_id=user.id if user else None)


def _contact(rng: random.Random) -> str:
    return f"139{rng.randrange(10**8):08d}"


def _input(rng: random.Random, staff: Staff, **values) -> ComplaintInput:
    anonymous = rng.random() < 0.2
    data = dict(channel=rng.choice(["in_person", "phone", "phone", "letter", "online"]),
                window_id=staff.window_id, staff_id=staff.id, content=rng.choice(CONTENTS),
                anonymous=anonymous, complainant_name=None if anonymous else rng.choice(NAMES),
                complainant_contact=None if anonymous else _contact(rng))
    data.update(values)
    return ComplaintInput(**data)


def _answer(session, complaint, office, day, zone) -> None:
    form = "written" if complaint.written else "oral"
    answer_complaint(session, complaint, ANSWERS_WRITTEN if form == "written" else ANSWERS_ORAL,
                     form, office, _clock(day, 16, zone))


def create_demo_complaints(session: Session, sm, today: date,
                           zone: str = "Asia/Shanghai") -> int:
    """The demo's complaints; returns how many were made."""
    if session.scalars(select(Complaint).limit(1)).first() is not None:
        return 0
    staff = session.scalars(select(Staff).where(Staff.window_id.is_not(None),
                                                Staff.is_active.is_(True))
                            .order_by(Staff.id)).all()
    if len(staff) < 3:
        return 0
    tz = ZoneInfo(zone)
    rng = random.Random(SEED)
    office, leader = _actor(sm, "office"), _actor(sm, "leader")
    made = 0
    # A year of complaints, oldest first, all answered and decided (1 in 5 verified).
    for days_ago in sorted(rng.sample(range(20, 365), 30), reverse=True):
        received = today - timedelta(days=days_ago)
        person = rng.choice([s for s in staff if s.id != staff[1].id])  # staff[1]: COMP-4 below
        complex_case = rng.random() < 0.15
        others = []
        elsewhere = [s.window_id for s in staff if s.window_id != person.window_id]
        if complex_case and elsewhere and rng.random() < 0.5:
            others = [rng.choice(elsewhere)]
        promised = None if complex_case else received + timedelta(days=rng.choice([0, 0, 1, 3]))
        complaint = record_complaint(session, _input(rng, person, complex=complex_case,
                                                     other_window_ids=others,
                                                     promised_on=promised),
                                     office, _clock(received, 10, tz))
        _answer(session, complaint, office, min(complaint.due_on, today), tz)
        verified = rng.random() < 0.2
        decide_outcome(session, complaint, "verified" if verified else "not_verified",
                       rng.choice(["2", "3", "3", "5"]) if verified else None,
                       verified and ("态度" in complaint.content or "语气" in complaint.content),
                       leader if complex_case else office,
                       _clock(min(complaint.due_on, today), 17, tz))
        made += 1
    # COMP-4: one staff member with two verified complaints this year; the second proposes
    # step 2 (通报批评), which Leadership confirms.
    person = staff[1]
    first_day = date(today.year, 1, 1)
    for offset in (max(0, (today - first_day).days * 1 // 3),
                   max(0, (today - first_day).days * 2 // 3)):
        received = first_day + timedelta(days=offset)
        complaint = record_complaint(session, _input(rng, person, channel="letter",
                                                     content="工作人员说话语气生硬，不耐烦。"),
                                     office, _clock(received, 10, tz))
        _answer(session, complaint, office, received, tz)
        decide_outcome(session, complaint, "verified", "3", True, office,
                       _clock(received, 17, tz))
        made += 1
    confirm_escalation(session, complaint, complaint.proposed_step, leader,
                       _clock(min(received + timedelta(days=1), today), 9, tz), leadership=True)
    # COMP-2: one open and overdue (promised three days ago), two open and not yet due.
    overdue_day = today - timedelta(days=10)
    record_complaint(session, _input(rng, staff[2], channel="phone",
                                     promised_on=today - timedelta(days=3)),
                     office, _clock(overdue_day, 10, tz))
    record_complaint(session, _input(rng, staff[0], channel="online", complex=True),
                     office, _clock(today, 9, tz))
    record_complaint(session, _input(rng, staff[-1], channel="in_person",
                                     promised_on=today + timedelta(days=2)),
                     office, _clock(today, 11, tz))
    session.flush()
    return made + 3
