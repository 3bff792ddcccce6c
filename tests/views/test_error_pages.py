"""Error pages are ours: in the base layout and in Chinese by default, never Werkzeug's
English pages (issue #9); the API keeps answering JSON."""

from __future__ import annotations

import io

import pytest

from tests.factories import zh_html


def test_403_for_a_clerk_is_our_chinese_page_in_the_layout(as_clerk):
    response = as_clerk.get("/auditlogview/list/")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "没有权限" in html and "请联系系统管理员调整角色" in html
    assert "Forbidden" not in html
    assert 'class="navbar' in html  # the menu stays, so the clerk can go on working


def test_404_is_our_chinese_page_for_visitors_too(public):
    response = public.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "页面不存在" in html and "Not Found" not in html
    assert "工作人员登录" in html  # a visitor is offered the login, not only the home page


def test_404_follows_the_chosen_language(as_admin):
    as_admin.get("/lang/en")
    html = as_admin.get("/no/such/page").get_data(as_text=True)
    assert "Page not found" in html and "页面不存在" not in html


def test_404_of_the_api_stays_json(as_admin):
    response = as_admin.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["message"] == "页面不存在"


def test_a_visitor_on_a_staff_page_is_sent_to_the_login_with_a_chinese_message(public):
    response = public.get("/auditlogview/list/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "/login/" in response.request.path
    assert "您没有访问该页面的权限，请使用有权限的账号登录。" in html
    assert "Access is Denied" not in html


@pytest.fixture
def failing_request(app):
    """A request whose handler failed: the 500 handler runs as Flask would call it (the test
    app propagates exceptions instead)."""
    from werkzeug.exceptions import InternalServerError

    with app.test_request_context("/caseview/list/"):
        yield InternalServerError(original_exception=RuntimeError("boom"))


def test_500_is_our_chinese_page_and_rolls_the_session_back(app, failing_request):
    from app.extensions import db
    from app.views.errors import handle_server_error
    from models.org import Center

    db.session.add(Center(name="未保存的中心"))
    body, status = handle_server_error(failing_request)
    assert status == 500
    assert "系统错误" in body and "所填内容均未保存" in body
    assert db.session.query(Center).filter_by(name="未保存的中心").count() == 0


def test_500_falls_back_to_a_plain_chinese_page_when_the_layout_fails(app, failing_request,
                                                                       monkeypatch):
    from app.views import errors

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database is down")

    monkeypatch.setattr(errors, "render_template", broken)
    body, status = errors.handle_server_error(failing_request)
    assert status == 500 and "系统错误" in body


# --- Every other HTTP error: our page, translated (INPUT-1) ---------------------------------
def assert_our_page(response, code: int, title: str):
    html = response.get_data(as_text=True)
    assert response.status_code == code and not response.is_json
    assert f'data-status="{code}"' in html and title in html, html[:500]
    assert 'class="navbar' in html  # in the layout, with the menu
    return html


def test_405_is_our_translated_page_and_keeps_allow(app, as_office):
    response = as_office.client.delete("/complaintview/list/")
    html = assert_our_page(response, 405, zh_html(app, "Method not allowed"))
    assert "Method Not Allowed" not in html
    assert "GET" in response.headers["Allow"]


def test_a_form_without_its_csrf_token_is_our_translated_page(app, as_admin, center):
    response = as_admin.client.post("/windowview/add", data={"number": "09", "name": "九号窗口"})
    html = assert_our_page(response, 400, zh_html(app, "The form has expired"))
    assert "CSRF token is missing" not in html


def test_input_1_an_upload_past_the_request_limit_is_our_translated_413_page(app, as_office,
                                                                              db_session,
                                                                              one_mb_limit):
    """MAX_CONTENT_LENGTH (config.py): the body is refused before it is read, the page says
    so in the user's language, and nothing is imported."""
    from models.org import Staff

    data = "姓名,工号\n".encode() + "张三,3001\n".encode() * 200_000
    assert len(data) > 1024 * 1024
    response = as_office.post_form("/imports/staff/", {"file": (io.BytesIO(data), "s.csv")},
                                   content_type="multipart/form-data")
    html = assert_our_page(response, 413, zh_html(app, "Request larger than %(mb)s MB", mb="1"))
    assert zh_html(app, "What you sent is larger than %(mb)s MB, the most the system accepts, and "
                   "nothing was saved. Send a smaller file.", mb="1") in html
    assert "Request Entity Too Large" not in html
    db_session.expire_all()
    assert db_session.query(Staff).filter_by(employee_no="3001").count() == 0


def test_input_1_the_413_page_follows_the_chosen_language(app, as_admin, one_mb_limit):
    as_admin.get("/lang/en")
    response = as_admin.client.post("/imports/staff/", data=b"x" * (2 * 1024 * 1024),
                                    content_type="application/octet-stream")
    assert_our_page(response, 413, "Request larger than 1 MB")
