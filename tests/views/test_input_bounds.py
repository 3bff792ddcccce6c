"""INPUT-1 on the generated reference-data forms: every field is bounded by its column."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.catalogue import ServiceItem
from models.org import Window

WINDOW_FORM = {"number": "09", "name": "九号窗口", "department": "县民政局", "is_active": "y"}
ITEM_FORM = {"code": "GA-900", "name": "居民身份证换领", "kind": "promised", "promised_days": "5",
             "statutory_days": "20", "legal_basis": "《居民身份证法》", "is_active": "y"}


def count(session, column) -> int:
    session.expire_all()
    return session.scalar(select(func.count(column)))


@pytest.mark.parametrize("field,value,message", [
    ("name", "窗" * 10_000, "最多可输入 100 个字（已输入 10000 个）"),
    ("number", "1" * 11, "最多可输入 10 个字"),
    ("department", "民\x00政", "空字符"),
    ("description", "x" * 10_001, "最多可输入 10000 个字"),
])
def test_input_1_window_form_is_bounded_by_the_columns(as_admin, db_session, center, field,
                                                      value, message):
    form = {**WINDOW_FORM, "center": str(center.id), field: value}
    response = as_admin.post_form("/windowview/add", form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(db_session, Window.id) == 0


@pytest.mark.parametrize("field,value,message", [
    ("fee_standard", "1e30", "请输入小于 100,000,000 的金额"),
    ("promised_days", "99999999999", "请输入 -2147483648 至 2147483647 之间的数字"),
])
def test_input_1_service_item_form_bounds_numbers_by_their_columns(as_office, window_a, db_session,
                                                                  field, value, message):
    form = {**ITEM_FORM, "window": str(window_a.id), "fee_item": "工本费", "fee_basis": "文件",
            field: value}
    response = as_office.post_form("/serviceitemview/add", form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(db_session, ServiceItem.id) == 0
