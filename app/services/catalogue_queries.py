"""事项查询 — the reads of the service catalogue and the deduction catalogue that pages need
(GUIDE-1, CASE-1, SCORE-1).

Items by their code (unique; the id last all the same, as every list here ends on it), the
guide's by window first; the deduction items in their catalogue order. The window scope of a
clerk is the caller's decision (app.policy.org.window_scope), passed in as `window_id`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from app.services.org_queries import window_order
from models.catalogue import ServiceItem
from models.org import Window
from models.scoring import DeductionItem


def item_order() -> tuple:
    return (ServiceItem.code, ServiceItem.id)


class GuideWindow(NamedTuple):
    """A window as the guide heads its items (GUIDE-1)."""

    id: int
    number: str
    name: str
    department: str | None


class GuideItem(NamedTuple):
    """An item as the guide lists it (GUIDE-1): its page's link, name, kind, limit and fee."""

    id: int
    code: str
    name: str
    kind: str
    promised_days: int
    fee_standard: Decimal | None
    window: GuideWindow

    @property
    def is_free(self) -> bool:
        return not self.fee_standard  # as ServiceItem.is_free


# GUIDE-1: what the public guide shows — the active items of the active windows.
GUIDE_SHOWS = (ServiceItem.is_active.is_(True), Window.is_active.is_(True))


def guide_items(session: Session, text: str = "") -> list[GuideItem]:
    """GUIDE-1: the active items of the active windows, by window then code, with their window,
    as the guide shows them (one statement of plain values); `text` narrows them to those whose
    name, code, window or department contains it."""
    query = (select(ServiceItem.id, ServiceItem.code, ServiceItem.name, ServiceItem.kind,
                    ServiceItem.promised_days, ServiceItem.fee_standard, Window.id, Window.number,
                    Window.name, Window.department)
             .join(Window, Window.id == ServiceItem.window_id)
             .where(*GUIDE_SHOWS)
             .order_by(*window_order(), *item_order()))
    if text:
        like = f"%{text}%"
        query = query.where(or_(ServiceItem.name.ilike(like), ServiceItem.code.ilike(like),
                                Window.name.ilike(like), Window.department.ilike(like)))
    windows: dict[int, GuideWindow] = {}
    items = []
    for *item, window_id, number, name, department in session.execute(query):
        window = windows.get(window_id)
        if window is None:
            window = windows[window_id] = GuideWindow(window_id, number, name, department)
        items.append(GuideItem(*item, window))
    return items


def guide_item(session: Session, item_id: int) -> ServiceItem | None:
    """GUIDE-1: the item `item_id` as its guide page shows it — with its window and its
    materials (in their order), all in one statement (issue #21 P1: three before) — or None
    when the guide does not show it (missing, inactive, or of an inactive window)."""
    query = (select(ServiceItem).join(ServiceItem.window)
             .where(ServiceItem.id == item_id, *GUIDE_SHOWS)
             .options(contains_eager(ServiceItem.window), joinedload(ServiceItem.materials)))
    return session.scalars(query).unique().one_or_none()


def intake_items(session: Session, window_id: int | None = None) -> list[ServiceItem]:
    """CASE-1: the active items a case may be registered for, by code — of one window (a
    clerk's), or of every window when `window_id` is None."""
    query = select(ServiceItem).where(ServiceItem.is_active.is_(True)).order_by(*item_order())
    if window_id is not None:
        query = query.where(ServiceItem.window_id == window_id)
    return list(session.scalars(query))


def deduction_items(session: Session, manual_only: bool = True) -> list[DeductionItem]:
    """SCORE-1: the active items of the deduction catalogue in its order — without those the
    app generates from facts (`automatic`) unless `manual_only` is False."""
    query = select(DeductionItem).where(DeductionItem.is_active.is_(True))
    if manual_only:
        query = query.where(DeductionItem.automatic.is_(False))
    return list(session.scalars(query.order_by(DeductionItem.sort_order, DeductionItem.id)))


__all__ = ["item_order", "guide_items", "guide_item", "intake_items", "deduction_items"]
