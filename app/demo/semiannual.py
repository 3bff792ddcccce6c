"""The demo's semi-annual assessment (SCORE-5/6/7): the first half of the demo year computed
from the demo's attendance, leave, meetings, duty logs and cases, with some 德/能 entries,
accuracy, 信息报送 reporting, innovation and praises by the office (never for the recording
office member's own entry; the leadership is assessed by the town and has none), a tie for the
last 优秀 seat chosen by the director, then confirmed by the director — so
the grade list and its explanations have something to show on first start: civil servants and
public-institution staff (the demo's second window seats) with their own grade names, one of
them at the lowest grade, without the assessment bonus (SCORE-6). Deterministic (seeded) and
idempotent: a confirmed assessment is left as it is.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.semiannual import (add_praise, choose_excellent, compute, confirm,
                                     excellent_ties, find_assessment, own_staff_id,
                                     save_entries)
from app.services.transaction import transaction
from models.org import Staff

DE_NOTES = ("着装不规范两次", "工作时间玩手机，经提醒改正", "与同事争执，影响窗口秩序")
NENG_NOTES = ("业务考试不合格，补考通过", "新政策掌握不熟，多次咨询答复不准确")
PRAISES = (("praise_written", "县政务服务管理办公室书面表扬"),
           ("praise_media_county", "县电视台《民生直通车》报道其耐心服务"),
           ("title_county", "被评为县级“优秀政务服务工作者”"),
           ("praise_media_city", "《南通日报》报道其帮办代办事迹"))


# SCORE-6: one institution staff member's half-year below 60 — the lowest grade (不合格), so the
# grade list shows a row without the assessment bonus. Points off 德, 能, 廉 and accuracy.
LOWEST = {"manual_de": "12", "manual_neng": "12", "manual_lian": "10", "wrong_result": "8",
          "notes": "多次无故脱岗，办件差错频发；收受办事群众礼品经查属实，已诫勉谈话"}


def _lowest_grade(session: Session, assessment, staff, praised, user_id) -> None:
    """The first institution staff member without a praise gets `LOWEST` (不合格)."""
    candidates = [p for p in staff if p.category == "institution" and p not in praised]
    if candidates:
        save_entries(session, assessment, {candidates[0].id: dict(LOWEST)}, user_id)


def create_demo_semiannual(session: Session, today: date, user_id: int | None = None,
                           confirmer_id: int | None = None) -> int | None:
    """The first half of `today`'s year: computed, entered, confirmed. Returns its id."""
    year = today.year
    existing = find_assessment(session, year, 1)
    if existing is not None and existing.state == "confirmed":
        return existing.id
    with transaction(session):  # joins the caller's (the CLI's) unit of work, if any
        end = min(today, date(year, 7, 1))
        now = datetime.combine(end, time(2, 0), tzinfo=timezone.utc)
        assessment = compute(session, year, 1, end, user_id, now)
        rng = random.Random(f"semiannual-{year}-1")
        # SCORE-5: the leadership is assessed by the town (no entry), and the office member
        # recording the entries enters none for their own.
        own = own_staff_id(session, user_id)
        staff = [person for person in session.scalars(
            select(Staff).where(Staff.is_active.is_(True), Staff.assessed_elsewhere.is_(False))
            .order_by(Staff.id)) if person.id != own]
        values: dict[int, dict[str, object]] = {}
        for person in rng.sample(staff, min(4, len(staff))):
            values.setdefault(person.id, {}).update(
                {"manual_de": rng.choice(("1", "2", "3")), "notes": rng.choice(DE_NOTES)})
        for person in rng.sample(staff, min(3, len(staff))):
            values.setdefault(person.id, {}).update(
                {"manual_neng": rng.choice(("2", "3")), "wrong_result": "1",
                 "notes": rng.choice(NENG_NOTES)})
        for person in rng.sample(staff, min(2, len(staff))):
            values.setdefault(person.id, {})["innovation"] = "5"
        # SCORE-5 信息报送: two people reported late, drawn with a seed of their own so the
        # demo's other entries (and its lowest grade) are the ones they were before.
        reporting = random.Random(f"semiannual-{year}-1-reporting")
        for person in reporting.sample(staff, min(2, len(staff))):
            values.setdefault(person.id, {})["reporting"] = reporting.choice(("1", "2"))
        save_entries(session, assessment, values, user_id)
        praised = rng.sample(staff, min(len(PRAISES), len(staff)))
        for person, (kind, evidence) in zip(praised, PRAISES):
            add_praise(session, assessment, person.id, kind, f"{year}年上半年：{evidence}",
                       user_id)
        _lowest_grade(session, assessment, staff, praised, user_id)
        # SCORE-6: a tie across the last 优秀 seat is the director's choice before confirming.
        for tie in excellent_ties(session, assessment):
            chosen = sorted(tie.entries, key=lambda entry: entry.staff_id)[:tie.seats_left]
            choose_excellent(session, assessment, [entry.staff_id for entry in chosen],
                             confirmer_id, reason="综合比较服务对象评价与出勤情况", now=now)
        confirm(session, assessment, confirmer_id, now)
    return assessment.id


__all__ = ["create_demo_semiannual"]
