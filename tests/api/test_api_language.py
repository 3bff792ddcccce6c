"""The API speaks the client's language (app/i18n.py `api_language`): with no `_l_` in the
query and no language chosen in the session, the best of zh_CN and en that Accept-Language
asks for, zh_CN when it asks for neither or says nothing. Pages ignore the header: they stay
Chinese first, with the user's choice in the session.
"""

from __future__ import annotations

import re

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")
NO_RECORD_EN = "No such record, or it is not visible to you."


def missing_window(client, headers, query=""):
    """A 404 whose `message` is one translated text."""
    response = client.get(f"/api/v1/window/999999{query}", headers=headers)
    assert response.status_code == 404 and response.is_json, response.get_data()[:200]
    return response.get_json()["message"]


@pytest.mark.parametrize("language", ["en", "en-US,en;q=0.9", "de,en;q=0.3"])
def test_input_1_an_english_accept_language_gets_english_errors(app, token_for, language):
    headers = {**token_for("Admin"), "Accept-Language": language}
    assert missing_window(app.test_client(), headers) == NO_RECORD_EN


def test_input_1_a_broken_rule_is_said_in_the_english_asked_for(app, token_for):
    headers = {**token_for("Admin"), "Accept-Language": "en"}
    response = app.test_client().post("/api/v1/window/", headers=headers, json={"name": None})
    assert response.status_code == 422
    texts = [text for texts in response.get_json()["message"].values() for text in texts]
    assert texts and not any(CJK.search(text) for text in texts), texts


@pytest.mark.parametrize("language", [None, "zh-CN,zh;q=0.9", "zh", "zh-TW", "fr", "*",
                                      "en;q=0.5,zh-CN;q=0.9"])
def test_input_1_chinese_or_no_or_an_unknown_accept_language_gets_chinese(app, token_for,
                                                                           language):
    headers = {**token_for("Admin"), **({"Accept-Language": language} if language else {})}
    message = missing_window(app.test_client(), headers)
    assert CJK.search(message) and message != NO_RECORD_EN, message


def test_input_1_the_l_query_argument_beats_the_header(app, token_for):
    headers = {**token_for("Admin"), "Accept-Language": "en"}
    client = app.test_client()
    assert CJK.search(missing_window(client, headers, "?_l_=zh_CN"))
    no_header = token_for("Admin")
    assert missing_window(client, no_header, "?_l_=en") == NO_RECORD_EN


def test_input_1_the_language_chosen_in_the_session_beats_the_header(log_in):
    """A browser's API calls follow its language switch, not its Accept-Language."""
    office = log_in("Office")
    office.client.get("/lang/zh_CN")
    assert CJK.search(missing_window(office.client, {"Accept-Language": "en"}))
    office.client.get("/lang/en")
    assert missing_window(office.client, {"Accept-Language": "zh-CN"}) == NO_RECORD_EN


def test_i18n_pages_stay_chinese_whatever_the_browser_asks_for(public):
    html = public.get("/guide/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "办事指南" in html and 'lang="zh-CN"' in html and "Service guide" not in html
    missing = public.get("/no-such-page/", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and CJK.search(missing.get_data(as_text=True))
