"""Small builders the case tests share: a clock on a given day, the residence-permit item."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from app.services.cases import Clock
from models.catalogue import ItemMaterial, ServiceItem

RESIDENCE_MATERIALS = (("身份证", "original", True), ("租房合同", "copy", True))


def clock_on(day: date, hour_utc: int = 2) -> Clock:
    """An action on `day` at `hour_utc` o'clock UTC (2 is 10:00 in the center, Asia/Shanghai)."""
    return Clock(datetime(day.year, day.month, day.day, hour_utc, tzinfo=timezone.utc), day)


def residence_permit_item(session, window, code: str | None = None, materials=RESIDENCE_MATERIALS):
    """居住证办理: 5 working days promised, 15 statutory, a 20-yuan fee, one required
    original and one required copy (unless `materials` says otherwise)."""
    item = ServiceItem(code=code or f"P-{window.number}-{len(materials)}", name="居住证办理",
                       window=window, kind="promised", promised_days=5, statutory_days=15,
                       fee_standard=Decimal("20.00"), fee_item="工本费", fee_basis="收费文件")
    item.materials = [ItemMaterial(name=name, form=form, copies=1, mandatory=mandatory, sort_order=i)
                      for i, (name, form, mandatory) in enumerate(materials)]
    session.add(item)
    session.commit()
    return item
