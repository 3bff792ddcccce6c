"""The demo year's meetings (MEET-1): every weekly meeting and study session from 1 January
to today, with attendance (mostly present, some late, a few absent with or without reason)
and minutes. Deterministic (seeded by the meeting's day) and idempotent: a month is generated
by the service (nothing twice), a meeting that already has attendance is left as it is.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timezone

from sqlalchemy.orm import Session

from app.actor import Actor, Clock
from app.rules.meetings import ABSENT_EXCUSED, ABSENT_UNEXCUSED, LATE, STUDY
from app.services.meetings import (attendance_sheet, generate_month, meetings_between,
                                   record_attendance, write_minutes)
from app.services.transaction import transaction

ACTOR = Actor(username="cli:demo")
# (status, weight): about 1 in 12 late, 1 in 25 absent with reason, 1 in 80 without.
OUTCOMES = (("present", 880), (LATE, 70), (ABSENT_EXCUSED, 38), (ABSENT_UNEXCUSED, 12))
REASONS = ("病假（已批准）", "事假（已批准）", "外出公务", "参加县里业务培训", "年休假（已批准）")
WEEKLY_TOPICS = ("通报本周办件情况，布置下周工作", "学习窗口服务规范，讲评本周考勤",
                 "通报群众投诉与回访情况", "部署月度考核与红旗窗口评比")
STUDY_TOPICS = ("学习《政务服务中心运行规范》", "学习廉政建设相关规定",
                "学习一次性告知与限时办结制度", "业务知识交流：联办事项流程")


def _clock(day: date) -> Clock:
    # 17:30 in Asia/Shanghai: after the afternoon meeting.
    return Clock(datetime.combine(day, time(9, 30), tzinfo=timezone.utc), day)


def create_demo_meetings(session: Session, today: date) -> int:
    """The meetings of `today`'s year up to today, with attendance and minutes of the held
    ones; returns how many meetings got their attendance now."""
    with transaction(session):  # joins the caller's (the CLI's) unit of work, if any
        for month in range(1, today.month + 1):
            generate_month(session, date(today.year, month, 1))
        recorded = 0
        for meeting in meetings_between(session, date(today.year, 1, 1), today):
            if meeting.attendance:
                continue
            rng = random.Random(f"meeting-{meeting.day.isoformat()}-{meeting.kind}")
            statuses, weights = zip(*OUTCOMES)
            marks = {}
            for row in attendance_sheet(session, meeting):
                status = rng.choices(statuses, weights)[0]
                marks[row.staff_id] = (status, rng.choice(REASONS)
                                       if status == ABSENT_EXCUSED else None)
            record_attendance(session, meeting, marks, ACTOR, _clock(meeting.day))
            topics = STUDY_TOPICS if meeting.kind == STUDY else WEEKLY_TOPICS
            topic = rng.choice(topics)
            write_minutes(session, meeting, topic,
                          f"{meeting.day.isoformat()} {meeting.starts_at}，中心会议室。\n"
                          f"一、{topic}。\n二、各窗口负责人汇报近期工作。\n三、主任总结讲话，"
                          f"提出下一步要求。", ACTOR, _clock(meeting.day))
            recorded += 1
    return recorded


__all__ = ["create_demo_meetings"]
