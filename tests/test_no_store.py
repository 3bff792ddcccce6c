"""PRIV-1 (issue #18): pages with ID numbers and phones were sent without `Cache-Control`,
so a shared computer's browser (or a proxy) could keep them. Every signed-in page and API
answer — and every other answer but the static files — is `Cache-Control: no-store`."""

from __future__ import annotations

import pytest

from tests.factories import ID_NUMBER


def get_routes(app, prefix: str = "") -> list[str]:
    """Every GET route without arguments (the lists, forms, dashboards, API lists), static
    files aside."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if not rule.arguments and "GET" in rule.methods
                  and not rule.endpoint.endswith("static") and rule.rule.startswith(prefix))


def assert_no_store(response, what: str) -> None:
    assert "no-store" in response.headers.get("Cache-Control", ""), (what, response.status_code)


@pytest.mark.parametrize("role", ["Admin", "Office", "Leadership", "Clerk", None])
def test_priv_1_every_page_and_api_answer_is_no_store(app, log_in, window_a, role):
    """Whatever the answer (200, a redirect to the login, 403, 404), it is not stored."""
    client = log_in(role, window=window_a if role == "Clerk" else None).client if role \
        else app.test_client()
    routes = get_routes(app)
    assert len(routes) > 100 and "/api/v1/case/" in routes
    for route in routes:
        assert_no_store(client.get(route), f"{role} {route}")
    assert_no_store(client.get("/no/such/page"), "404")


def test_priv_1_a_case_page_with_the_id_number_is_no_store(app, as_office, case_of, item):
    case = case_of(item)
    page = as_office.get(f"/caseview/show/{case.id}")
    assert page.status_code == 200 and ID_NUMBER in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    answer = as_office.get(f"/api/v1/case/{case.id}")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"


def test_priv_1_static_files_stay_cacheable(app, public):
    response = public.get("/static/appbuilder/css/ab.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
