"""Demo handovers (工作交接, HAND-1): a few lists between the A and B of demo posts.

Made through the services as the real parties would: the clerk's handover to the window head
(DEMO_POST) confirmed by the clerk and awaiting the window head, so the window head's to-do
shows it; two handovers of posts whose staff have no login, confirmed by the general office on
their behalf. Deterministic (no randomness), idempotent (nothing when handovers exist).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor, Clock
from app.demo.org import DEMO_POST, RECEPTION_POST
from app.rules.handover import GIVER, RECEIVER
from app.services.handover import HandoverContent, confirm_handover, create_handover
from models.handover import Handover
from models.org import Post, Staff, Window

ITEMS = "窗口印章一枚、业务受理专用章一枚；档案柜钥匙两把"
DOCUMENTS = "本月业务台帐（纸质）；待补正材料清单；一次性告知单存根"
TASKS = "跟进在办件的审批进度；按时送达已办结件；每日下班前核对当日受理登记"


def _clock(day: date, hour: int, zone: ZoneInfo) -> Clock:
    moment = datetime.combine(day, time(hour, 0), zone).astimezone(timezone.utc)
    return Clock(now=moment, today=day)


def _actor(sm, username: str | None) -> Actor | None:
    user = sm.find_user(username=username) if username else None
    if user is None:
        return None
    return Actor(username=user.username, user_id=user.id,
                 roles=frozenset(role.name for role in user.roles))


def _reception_post(session: Session, number: str) -> Post | None:
    return session.scalars(select(Post).join(Window, Post.window_id == Window.id)
                           .where(Window.number == number, Post.name == RECEPTION_POST)).first()


def create_demo_handovers(session: Session, sm, today: date, zone: str = "Asia/Shanghai") -> int:
    """The demo's handovers; returns how many were made."""
    # The leave requests' own handovers (LEAVE-1, app/demo/leave.py, made before) do not count.
    if session.scalars(select(Handover).where(Handover.leave_request_id.is_(None))
                       .limit(1)).first() is not None:
        return 0
    tz = ZoneInfo(zone)
    office = _actor(sm, "office")
    made = 0
    # Posts whose A and B have no login: the office registers and confirms for both (HAND-1).
    for number, days_ago in (("03", 20), ("05", 6)):
        post = _reception_post(session, number)
        if post is None or office is None or not (post.a_staff_id and post.b_staff_id):
            continue
        day = today - timedelta(days=days_ago)
        handover = create_handover(session, post.a_staff_id, post.b_staff_id,
                                   HandoverContent(ITEMS, DOCUMENTS, TASKS), office,
                                   _clock(day, 9, tz))
        confirm_handover(session, handover, GIVER, office, _clock(day, 10, tz), True)
        confirm_handover(session, handover, RECEIVER, office, _clock(day, 10, tz), True)
        made += 1
    # The clerk (A of DEMO_POST) hands over to the window head (B): the clerk has signed, the
    # window head has still to (the handover waits in the window head's to-do list).
    _, a_user, b_user = DEMO_POST
    giver, receiver = _actor(sm, a_user), _actor(sm, b_user)
    if giver and receiver:
        a_staff = session.scalars(select(Staff).where(Staff.user_id == giver.user_id)).first()
        b_staff = session.scalars(select(Staff).where(Staff.user_id == receiver.user_id)).first()
        if a_staff and b_staff:
            giver = Actor(giver.username, giver.user_id, a_staff.id)
            handover = create_handover(session, a_staff.id, b_staff.id,
                                       HandoverContent(ITEMS, DOCUMENTS, TASKS), giver,
                                       _clock(today, 9, tz))
            confirm_handover(session, handover, GIVER, giver, _clock(today, 9, tz))
            made += 1
    session.flush()
    return made
