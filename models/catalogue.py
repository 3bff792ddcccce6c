"""The service-item catalogue (ITEM-1..3): items and the materials they require."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model

from models.types import Versioned

from models.org import Window

# ITEM-1: how a material is handed in.
MATERIAL_FORMS = ("original", "copy", "original_and_copy")


class ServiceItem(Versioned, Model):
    """服务事项 — an item of the public catalogue (ITEM-1)."""

    __tablename__ = "service_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), index=True)
    window: Mapped[Window] = relationship()
    kind: Mapped[str] = mapped_column(String(20), default="promised")  # ITEM-2 PROMISED (a test checks)
    legal_basis: Mapped[str | None] = mapped_column(Text)  # 办事依据
    conditions: Mapped[str | None] = mapped_column(Text)  # 办理条件
    procedure: Mapped[str | None] = mapped_column(Text)  # 办事程序
    promised_days: Mapped[int] = mapped_column(Integer, default=0)  # 承诺时限 (working days)
    statutory_days: Mapped[int | None] = mapped_column(Integer)  # 法定时限 (working days)
    fee_item: Mapped[str | None] = mapped_column(String(200))  # 收费项目
    fee_standard: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))  # 收费标准 (元)
    fee_basis: Mapped[str | None] = mapped_column(Text)  # 收费依据
    online_available: Mapped[bool] = mapped_column(Boolean, default=False)
    appointment_available: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    materials: Mapped[list["ItemMaterial"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemMaterial.sort_order"
    )

    @property
    def is_free(self) -> bool:
        return not self.fee_standard

    @property
    def published_fees(self) -> list[Decimal]:
        """The amounts a case of this item may charge (CASE-9)."""
        return [self.fee_standard] if self.fee_standard else []

    def __repr__(self) -> str:
        return f"{self.code} {self.name}"


class ItemMaterial(Versioned, Model):
    """申报材料 — one material an item requires (ITEM-1)."""

    __tablename__ = "item_material"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"), index=True)
    item: Mapped[ServiceItem] = relationship(back_populates="materials")
    name: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(20), default="original")
    copies: Mapped[int] = mapped_column(Integer, default=1)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return self.name
