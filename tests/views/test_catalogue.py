"""Service items through the generated form and the API (ITEM-1..3)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from models.catalogue import ServiceItem

ITEM_FORM = {
    "code": "GA-900", "name": "居民身份证换领", "kind": "promised", "promised_days": "5",
    "statutory_days": "20", "legal_basis": "《居民身份证法》", "is_active": "y",
}


def item_codes(db_session) -> list[str]:
    db_session.expire_all()
    return list(db_session.scalars(select(ServiceItem.code)))


def test_item_1_office_creates_an_item_through_the_generated_form(as_office, window_a, db_session):
    response = as_office.post_form("/serviceitemview/add", {**ITEM_FORM, "window": str(window_a.id)})
    assert response.status_code == 302
    assert item_codes(db_session) == ["GA-900"]


def test_item_3_promised_over_statutory_shows_message_next_to_field_and_saves_nothing(
    as_office, window_a, db_session
):
    form = {**ITEM_FORM, "window": str(window_a.id), "promised_days": "30", "statutory_days": "20"}
    response = as_office.post_form("/serviceitemview/add", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # The rule's message with both limits, not the field label "承诺时限" (always on the form).
    assert "承诺时限（30 个工作日）不得超过法定时限（20 个工作日）。" in html
    assert item_codes(db_session) == []


def test_item_3_fee_without_basis_is_refused_by_the_form(as_office, window_a, db_session):
    form = {**ITEM_FORM, "window": str(window_a.id), "fee_standard": "20", "fee_basis": ""}
    response = as_office.post_form("/serviceitemview/add", form)
    assert response.status_code == 200
    assert item_codes(db_session) == []


def _api_item(window_id, **changes):
    body = {"code": "GA-901", "name": "户口迁移", "window": window_id, "kind": "promised",
            "promised_days": 5, "statutory_days": 20}
    body.update(changes)
    return body


def test_item_3_api_answers_422_with_json_message_and_saves_nothing(as_office, window_a, db_session):
    response = as_office.client.post(
        "/api/v1/service_item/", json=_api_item(window_a.id, promised_days=25, statutory_days=20),
        headers=as_office.api_headers(),
    )
    assert response.status_code == 422
    assert "promised_days" in response.get_json()["message"]
    assert item_codes(db_session) == []


def test_item_1_api_creates_an_item(as_office, window_a, db_session):
    response = as_office.client.post(
        "/api/v1/service_item/", json=_api_item(window_a.id, fee_standard="20.00", fee_basis="发改价格〔2016〕"),
        headers=as_office.api_headers(),
    )
    assert response.status_code == 201, response.get_json()
    item = db_session.scalars(select(ServiceItem)).one()
    assert item.fee_standard == Decimal("20.00")
