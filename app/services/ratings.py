"""好差评 by scan — the public rating page of a case, opened from the QR code of its delivery
receipt (送达凭证) with a random token (CASE-11, issue #19).

The token is made when the receipt is first printed, kept with the case (CaseRatingLink) so a
reprint carries the same code, and opens that one case's rating, once. A rating given there
is recorded by `record_satisfaction`, the very function the clerk's rating at delivery goes
through: the same three-level scale on the case, the same "once per case, whichever comes
first", the same audit trail (the case row, actor "public"), so the dashboards and SCORE-5
count it as they count the clerk's.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.actor import Clock
from app.rules.intake import may_rate, rating_of_public_level
from app.services.cases import record_satisfaction
from app.services.transaction import transaction
from models.cases import Case, CaseRatingLink

TOKEN_BYTES = 24  # 192 random bits, 32 URL-safe characters
TOKEN_MAX = 64  # the column; longer input is no token of ours


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def rating_link(session: Session, case: Case, clock: Clock) -> CaseRatingLink:
    """CASE-11: the case's rating link, made on first use (the first print of its delivery
    receipt) and committed at once. Two clerks printing at the same moment: the unique
    case_id keeps the first link, the second reads it."""
    link = _link_of_case(session, case)
    if link is not None:
        return link
    try:
        with transaction(session):
            link = CaseRatingLink(case_id=case.id, token=new_token(), created_at=clock.now)
            session.add(link)
    except IntegrityError:  # rolled back by transaction(); the other print's link stands
        link = _link_of_case(session, case)
        if link is None:
            raise
    return link


def _link_of_case(session: Session, case: Case) -> CaseRatingLink | None:
    return session.scalars(
        select(CaseRatingLink).where(CaseRatingLink.case_id == case.id)).first()


def link_of_token(session: Session, token: str) -> CaseRatingLink | None:
    """The rating link of `token`, with its case, item and window; None for any other text."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        return None
    link = session.scalars(
        select(CaseRatingLink).where(CaseRatingLink.token == token)
        .options(selectinload(CaseRatingLink.case).selectinload(Case.item),
                 selectinload(CaseRatingLink.case).selectinload(Case.window))
    ).first()
    # The index found it; compare in constant time all the same.
    return link if link is not None and secrets.compare_digest(link.token, token) else None


def may_rate_by_link(link: CaseRatingLink) -> bool:
    """CASE-11: delivered and not rated yet, by the clerk or by anyone with the paper."""
    case = link.case
    return may_rate(case.delivered_at is not None, bool(case.satisfaction))


def rate_by_link(session: Session, link: CaseRatingLink, level: str, opinion: str | None,
                 clock: Clock) -> Case:
    """CASE-11: record a five-level answer of the public page as the case's rating (mapped by
    `rating_of_public_level`), once; a case rated already, by anyone, refuses it."""
    rating = rating_of_public_level(level)
    case = record_satisfaction(link.case, rating, opinion, "public")
    link.level, link.rated_at = level, clock.now
    return case
