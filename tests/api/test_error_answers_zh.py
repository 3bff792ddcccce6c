"""Issue #20, INPUT-1: the API's error messages are Chinese by default — with no
Accept-Language or a Chinese one, every status's `message` (400 CSRF and bad body, 401, 403,
404, 405, 409, 413, 422) is a Chinese sentence, not English; English is the second language,
chosen with `_l_=en` (FAB's language switch) or `Accept-Language: en`
(tests/api/test_api_language.py). tests/api/test_error_answers.py checks the
shape and the msgids; this checks that what a caller reads is Chinese, so an empty zh msgstr
(which falls back to the English msgid) fails here.
"""

from __future__ import annotations

import re

import pytest

MB = 1024 * 1024
CJK = re.compile(r"[\u4e00-\u9fff]")
# Identifiers an API message names as they are (a header, a format, the query argument q).
IDENTIFIERS = {"JSON", "CSRF", "X-CSRFToken", "Bearer", "rison", "Content-Type", "application/json",
               "MB", "q"}
WORD = re.compile(r"[A-Za-z][A-Za-z/-]*[A-Za-z]|[A-Za-z]")
LANGUAGES = {"absent": {}, "zh": {"Accept-Language": "zh-CN,zh;q=0.9"}}


def texts_of(response) -> list[str]:
    assert response.is_json, response.get_data()[:200]
    message = response.get_json()["message"]
    if isinstance(message, dict):
        return [text for texts in message.values() for text in texts]
    return [message]


def english_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text) if word not in IDENTIFIERS]


def stale(client, headers, window):
    return client.put(f"/api/v1/window/{window.id}", headers=headers,
                      json={"name": "九号窗口", "version": window.version + 5})


# status → how to get it: (role of the bearer token or None, the request)
CASES = {
    "400 body": (400, "Admin", lambda c, h, w: c.post("/api/v1/complaint/record", headers=h,
                                                       data="{not json", content_type="application/json")),
    "400 query": (400, "Admin", lambda c, h, w: c.get("/api/v1/window/?q=(page:4.7e)", headers=h)),
    "401": (401, None, lambda c, h, w: c.get("/api/v1/window/", headers=h)),
    "403": (403, "Clerk", lambda c, h, w: c.post("/api/v1/window/", headers=h,
                                                  json={"number": "09", "name": "九号窗口"})),
    "404 row": (404, "Admin", lambda c, h, w: c.get("/api/v1/window/999999", headers=h)),
    "404 address": (404, "Admin", lambda c, h, w: c.get("/api/v1/nothing-here/", headers=h)),
    "405": (405, "Admin", lambda c, h, w: c.get("/api/v1/complaint/record", headers=h)),
    "409": (409, "Admin", stale),
    "413": (413, "Admin", lambda c, h, w: c.post("/api/v1/complaint/record", headers=h,
                                                  json={"content": "长" * MB})),
    "422": (422, "Admin", lambda c, h, w: c.post("/api/v1/window/", headers=h,
                                                  json={"name": None})),
    "422 length": (422, "Admin", lambda c, h, w: c.post("/api/v1/window/", headers=h, json={
        "number": "0" * 50, "name": "九号窗口", "department": "县民政局", "center": w.center_id})),
}


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("case", list(CASES))
def test_input_1_api_errors_speak_chinese_by_default(app, token_for, window_a, one_mb_limit,
                                                     case, language):
    status, role, send = CASES[case]
    headers = {**(token_for(role) if role else {}), **LANGUAGES[language]}
    response = send(app.test_client(), headers, window_a)
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    for text in texts_of(response):
        assert CJK.search(text), f"{case}: {text!r} is not Chinese"
        assert not english_words(text), f"{case}: {text!r} reads English {english_words(text)}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_input_1_a_cookie_write_without_its_csrf_token_is_refused_in_chinese(log_in, language):
    office = log_in("Office")
    response = office.client.post("/api/v1/complaint/record", json={"channel": "phone"},
                                  headers=LANGUAGES[language])
    assert response.status_code == 400
    [text] = texts_of(response)
    assert CJK.search(text) and not english_words(text), text


def test_input_1_english_is_the_second_language_of_the_api(app, token_for):
    """`_l_=en` (FAB's switch) answers in English: the same refusal, the other language."""
    headers = token_for("Admin")
    response = app.test_client().get("/api/v1/window/999999?_l_=en", headers=headers)
    [text] = texts_of(response)
    assert response.status_code == 404 and not CJK.search(text) and "record" in text


def test_input_1_the_checker_flags_english_and_spares_identifiers():
    assert english_words("请以 JSON 格式发送请求体，并带上请求头 Content-Type: application/json。") == []
    assert english_words("请在 X-CSRFToken 请求头中发送页面的令牌，或使用 Bearer 令牌调用。") == []
    assert english_words("No such record, or it is not visible to you.") != []
    assert english_words("Longer than maximum length 50.") != []


@pytest.mark.parametrize("english, chinese", [
    ("Longer than maximum length 10.", "最多 10 个字符。"),
    ("Shorter than minimum length 2.", "至少 2 个字符。"),
    ("Must be greater than or equal to 0 and less than or equal to 100.", "请输入 0 至 100 之间的数。"),
    ("Must be one of: a, b.", "请输入以下值之一：a, b。"),
    ("Not a valid email address.", "请输入电子邮箱地址。"),
])
def test_input_1_marshmallows_messages_with_figures_come_in_chinese(app, english, chinese):
    """FAB's generic POST/PUT validate with marshmallow, whose messages carry figures: read
    back and said in Chinese (app/error_messages.py MARSHMALLOW_PATTERNS)."""
    from app.error_messages import translated_refusal

    with app.test_request_context():
        assert translated_refusal({"number": [english]}, 422) == {"number": [chinese]}
