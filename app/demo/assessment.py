"""The demo's monthly assessments (SCORE-2/3): every window rates every other window for each
past month of the year (窗口互评, mostly 80–100), and every past month is computed from the
demo's score events and confirmed by the director (login "leader"); the current month stays
open. Deterministic (seeded by month and window pair) and idempotent: a month already rated
or confirmed is left as it is. Runs last in `flask bianmin demo`, after every generator of
score events.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.assessment import PEER_CRITERIA
from app.rules.calendar import next_month
from app.services import assessment as svc
from app.services.transaction import transaction
from models.assessment import PeerRating
from models.org import Window

LEADER = "leader"


def _past_months(today: date) -> list[date]:
    return [date(today.year, month, 1) for month in range(1, today.month)]


def create_demo_assessments(session: Session, sm, today: date) -> int:
    """Ratings and confirmations of the past months of `today`'s year; returns how many
    months were confirmed now."""
    leader = sm.find_user(username=LEADER)
    windows = session.scalars(select(Window.id).where(Window.is_active.is_(True))
                              .order_by(Window.id)).all()
    confirmed = 0
    with transaction(session):  # joins the CLI's unit of work
        for period in _past_months(today):
            rated = session.scalars(select(PeerRating.id).where(PeerRating.period == period)
                                    .limit(1)).first()
            day = period.replace(day=28)
            at = datetime.combine(day, time(2), tzinfo=timezone.utc)
            if rated is None:
                for rater in windows:
                    rng = random.Random(f"peer-{period.isoformat()}-{rater}")
                    sheet = {rated_id: {name: rng.choice((80, 85, 90, 90, 95, 95, 100, 75))
                                        for name in PEER_CRITERIA}
                             for rated_id in windows if rated_id != rater}
                    svc.record_peer_ratings(session, period, rater, sheet,
                                            leader.id if leader else None, day, at)
            month = svc.assessment_month(session, period)
            if month is None or month.state != "confirmed":
                confirm_day = next_month(period).replace(day=6)
                svc.confirm_month(session, period, leader.id if leader else None,
                                  datetime.combine(confirm_day, time(1), tzinfo=timezone.utc),
                                  today)
                confirmed += 1
    return confirmed


__all__ = ["create_demo_assessments"]
