"""GUIDE-1: the public guide lists every active item by window, without login."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.catalogue import ItemMaterial, ServiceItem


@pytest.fixture
def items(db_session, window_a, window_b):
    active = ServiceItem(
        code="GA-001", name="居民身份证换领", window=window_a, kind="promised", promised_days=5,
        statutory_days=20, legal_basis="《居民身份证法》第十一条", procedure="1. 提交材料", is_active=True,
        fee_item="工本费", fee_standard=Decimal("20.00"), fee_basis="发改价格〔2003〕2322号",
    )
    active.materials = [ItemMaterial(name="居民户口簿", form="original", copies=1, mandatory=True)]
    inactive = ServiceItem(code="RS-009", name="已停办事项", window=window_b, kind="immediate",
                           promised_days=0, is_active=False)
    db_session.add_all([active, inactive])
    db_session.commit()
    return active, inactive


def test_guide_1_lists_active_items_by_window_with_complaint_phone(public, items, center):
    html = public.get("/guide/").get_data(as_text=True)
    assert "居民身份证换领" in html and "公安户政窗口" in html
    assert "已停办事项" not in html
    assert center.complaint_phone in html


def test_guide_1_item_page_shows_materials_limits_fees_and_basis(public, items):
    active, _ = items
    html = public.get(f"/guide/item/{active.id}").get_data(as_text=True)
    for text in ("居民户口簿", "《居民身份证法》第十一条", "20.00", "发改价格〔2003〕2322号", "1. 提交材料"):
        assert text in html


def test_guide_1_inactive_or_missing_item_is_not_found(public, items):
    _, inactive = items
    assert public.get(f"/guide/item/{inactive.id}").status_code == 404
    assert public.get("/guide/item/999999").status_code == 404


def test_guide_1_search_filters_items(public, items):
    html = public.get("/guide/?q=身份证").get_data(as_text=True)
    assert "居民身份证换领" in html
    html = public.get("/guide/?q=不存在的事项").get_data(as_text=True)
    assert "居民身份证换领" not in html


def test_guide_1_is_mobile_friendly(public, items):
    html = public.get("/guide/").get_data(as_text=True)
    assert 'name="viewport"' in html
