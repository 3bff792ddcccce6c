"""ORG-2: a clerk or window head reaches only their own window's records — UI and API alike."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.org import Staff


@pytest.fixture
def colleagues(db_session, window_a, window_b):
    own = Staff(name="本窗口同事", unit="window", window=window_a, phone="13912345678")
    other = Staff(name="他窗口人员", unit="window", window=window_b, phone="13812345678")
    db_session.add_all([own, other])
    db_session.commit()
    return own, other


@pytest.fixture(params=["Clerk", "WindowHead"])
def window_bound(request, log_in, window_a):
    return log_in(request.param, window=window_a)


def test_org_2_list_shows_only_own_window(window_bound, colleagues):
    html = window_bound.get("/staffview/list/").get_data(as_text=True)
    assert "本窗口同事" in html
    assert "他窗口人员" not in html


def test_org_2_other_window_record_cannot_be_opened_edited_or_deleted(window_bound, colleagues, db_session):
    other = colleagues[1]
    assert window_bound.get(f"/staffview/show/{other.id}").status_code in (302, 404)
    assert window_bound.get(f"/staffview/edit/{other.id}").status_code in (302, 403, 404)
    window_bound.client.post(f"/staffview/delete/{other.id}")
    db_session.expire_all()
    assert db_session.get(Staff, other.id) is not None


def test_org_2_api_hides_other_window_in_list_count_and_item(window_bound, colleagues):
    own, other = colleagues
    body = window_bound.client.get("/api/v1/staff/").get_json()
    names = {row["name"] for row in body["result"]}
    assert "他窗口人员" not in names and "本窗口同事" in names
    assert body["count"] == len(body["result"])  # the count leaks nothing either
    assert window_bound.client.get(f"/api/v1/staff/{other.id}").status_code == 404
    assert window_bound.client.get(f"/api/v1/staff/{own.id}").status_code == 200


def test_org_2_api_refuses_to_change_other_window_record(log_in, window_a, colleagues, db_session):
    """Even a role with write access is bound to its window: Office is not, clerks cannot write."""
    clerk = log_in("Clerk", window=window_a)
    other = colleagues[1]
    headers = clerk.api_headers()
    assert clerk.client.put(f"/api/v1/staff/{other.id}", json={"name": "x"}, headers=headers).status_code in (403, 404)
    assert clerk.client.delete(f"/api/v1/staff/{other.id}", headers=headers).status_code in (403, 404)
    db_session.expire_all()
    assert db_session.get(Staff, other.id).name == "他窗口人员"


def test_org_2_clerk_without_window_sees_nothing(log_in, colleagues):
    clerk = log_in("Clerk")
    body = clerk.client.get("/api/v1/staff/").get_json()
    assert body["count"] == 0


def test_org_2_office_sees_every_window(as_office, colleagues, db_session):
    body = as_office.client.get("/api/v1/staff/").get_json()
    names = {row["name"] for row in body["result"]}
    assert {"本窗口同事", "他窗口人员"} <= names
    total = len(db_session.scalars(select(Staff)).all())
    assert body["count"] == total
