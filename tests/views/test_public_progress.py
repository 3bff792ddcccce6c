"""The public progress lookup and the applicant's rating, without login (CASE-4, CASE-11, PRIV-1).

Case number + applicant phone → state, accepted date, deadline and the next step; nothing else
personal. A wrong pair answers exactly like a missing case; every POST is rate limited.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from limits import parse as parse_limit

from app.actor import Actor, Clock
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake
import app.views.public as public_views
from app.views.public import rating_token
from tests.factories import (clock_on, csrf_token, published_fee, residence_permit_item,
                             statements, text_of)

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
NAME = "赵六"
ADDRESS = "江苏省南通市崇川区人民路1号"
DAY = date(2026, 11, 2)
PROGRESS = "/guide/progress"
RATE = "/guide/progress/rate"
NOT_FOUND = "没有找到与该办件编号和电话号码相符的办件"


def clock(day: date = DAY) -> Clock:
    return clock_on(day)


@pytest.fixture
def item(db_session, window_a):
    return residence_permit_item(db_session, window_a, "P-001")


@pytest.fixture
def case_of(db_session, item):
    """case_of(*actions, case_class=…, phone=…): a case registered at the counter, then moved
    through `actions` (CASE-4) by the service layer, committed."""
    def make(*actions, case_class="accepted", phone=PHONE, received=None, intake=None, **params):
        if received is None:
            received = {m.id: m.copies for m in item.materials}
        intake = {"fee_amount": published_fee(item), **(intake or {})}  # CASE-9: prefilled
        case = register_intake(
            db_session,
            Intake(item_id=item.id, case_class=case_class, received=received, **intake,
                   applicant=Applicant(name=NAME, id_number=ID_NUMBER, phone=phone, address=ADDRESS)),
            Actor(username="seed"), clock())
        for action in actions:
            apply_action(db_session, case, action, Actor(username="seed"), clock(), **params)
        db_session.commit()
        return case
    return make


DELIVER = (cs.START, cs.APPROVE, cs.DELIVER)


def post(client, url: str, data: dict, form_url: str = PROGRESS):
    """POST like the browser: with the CSRF token of the lookup page."""
    token = csrf_token(client.get(form_url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def look_up(client, number: str, phone: str = PHONE):
    return post(client, PROGRESS, {"number": number, "phone": phone})


def visible(html: str) -> str:
    """The page without its hidden inputs (what a person reads on the screen)."""
    return re.sub(r'<input type="hidden"[^>]*>', "", html)


def rating_token_in(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "no rating form with its token"
    return match.group(1)


def satisfaction(db_session, case):
    db_session.expire_all()
    return case.satisfaction, case.satisfaction_source, case.satisfaction_opinion


# ---- the page ---------------------------------------------------------------------------------

def test_case_11_lookup_is_public_mobile_friendly_and_linked_from_the_guide(public):
    guide = text_of(public.get("/guide/"))
    assert f'href="{PROGRESS}"' in guide
    response = public.get(PROGRESS)
    assert response.status_code == 200
    html = text_of(response)
    assert "办件进度查询" in html and 'name="viewport"' in html
    assert 'name="number"' in html and 'name="phone"' in html and 'name="csrf_token"' in html


def test_priv_1_a_link_may_fill_in_the_number_but_never_the_phone(public):
    html = text_of(public.get(f"{PROGRESS}?number=bc-2026-000001&phone={PHONE}"))
    assert 'value="BC-2026-000001"' in html
    assert PHONE not in html


def test_lookup_without_csrf_token_is_refused(public, case_of):
    case = case_of()
    response = public.post(PROGRESS, data={"number": case.number, "phone": PHONE})
    assert response.status_code == 400
    assert "居住证办理" not in text_of(response)


# ---- found: state, dates, next step; nothing personal ---------------------------------------

def test_priv_1_right_pair_shows_state_dates_and_next_step_but_nothing_personal(public, case_of):
    case = case_of()
    # Typed as people type them: lower case and blanks in the number, a formatted phone.
    response = look_up(public, f"  {case.number.lower()} ", "+86 139-1234-5678")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = text_of(response)
    for shown in (case.number, "居住证办理", "公安户政窗口", "已受理", "2026-11-02",
                  case.deadline.isoformat(), "正在办理"):
        assert shown in html, shown
    # PRIV-1: not the name, ID number or address — and the phone is not even echoed.
    for personal in (NAME, ID_NUMBER, ADDRESS, PHONE, "1234-5678", "139****5678", "5678"):
        assert personal not in html, personal
    assert NOT_FOUND not in html


@pytest.mark.parametrize("case_class, actions, state_label, next_step", [
    ("accepted", (cs.START,), "办理中", "正在办理"),
    ("accepted", (cs.START, cs.APPROVE), "准予许可", "请到 01 · 公安户政窗口 领取办理结果"),
    ("accepted", (cs.START, cs.REFUSE), "不予许可", "领取书面决定"),
    ("accepted", (cs.START, cs.APPROVE, cs.DELIVER, cs.CLOSE), "办结归档", "已办结归档"),
    ("transferred", (), "转办", "该事项由其他单位办理：县档案馆"),
    ("returned", (), "退回", "退回原因见书面退回通知"),
])
def test_case_4_next_step_follows_the_state(public, case_of, case_class, actions, state_label, next_step):
    case = case_of(*actions, case_class=case_class, note="不符合条件", objected=False, collector="赵六",
                   intake={"competent_unit": "县档案馆", "return_reason": "缺少主件"})
    html = text_of(look_up(public, case.number))
    assert state_label in html and next_step in html


def test_case_4_supplement_case_lists_the_materials_of_the_one_time_notice(public, case_of, item):
    case = case_of(case_class="supplement", received={item.materials[0].id: 1})
    html = text_of(look_up(public, case.number))
    assert "待补正" in html
    assert "请携带以下材料到 01 · 公安户政窗口" in html and "租房合同" in html
    assert "尚未受理" in html  # no acceptance date before the materials are complete (CASE-3)


def facts(html: str) -> list[tuple[str, str]]:
    """The found case's facts as the page lists them: (label, value as read), in order."""
    block = re.search(r'<dl class="progress-facts">(.*?)</dl>', html, re.S).group(1)
    return [(label, re.sub(r"<[^>]+>", "", value).strip())
            for label, value in re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", block, re.S)]


def test_priv_1_case_4_the_found_page_shows_exactly_these_facts(public, case_of):
    """The page's fields, pinned: number, item, window, state, accepted date, deadline — and of
    the applicant nothing, neither in full nor masked (PRIV-1), not even in a hidden field."""
    case = case_of(*DELIVER, collector="赵六")
    html = text_of(look_up(public, case.number))
    assert facts(html) == [
        ("办件编号", case.number), ("服务事项", "居住证办理"), ("窗口", "01 · 公安户政窗口"),
        ("状态", "已送达"), ("受理日期", "2026-11-02"), ("办结期限", case.deadline.isoformat()),
    ]
    assert re.findall(r'<input type="hidden" name="(\w+)"', html) == ["csrf_token", "number", "token"]
    masked = (ID_NUMBER[:4], ID_NUMBER[-4:], PHONE[:3] + "****", PHONE[-4:], ADDRESS[:3], "****")
    for personal in (NAME, ID_NUMBER, PHONE, ADDRESS, *masked):
        assert personal not in html, personal


def test_issue_21_the_lookup_sends_at_most_its_ceiling_of_statements(public, case_of, item):
    """The form: the frame's one read (center and calendar). A lookup, found or not: that and
    the case with its item and window, one statement; a case waiting for materials: one more
    for the one-time notice's list. None of them reads the applicant's name, ID number or
    address (PRIV-1)."""
    found = case_of().number
    supplement = case_of(case_class="supplement", received={item.materials[0].id: 1}).number
    app = public.application
    token = csrf_token(text_of(public.get(PROGRESS)))

    def sent_by(request) -> list[str]:
        with statements(app) as sent:
            assert request().status_code == 200
        return sent

    ceilings = [
        (lambda: public.get(PROGRESS), 1),
        (lambda: public.post(PROGRESS, data={"number": found, "phone": PHONE,
                                             "csrf_token": token}), 2),
        (lambda: public.post(PROGRESS, data={"number": found, "phone": "13800009999",
                                             "csrf_token": token}), 2),
        (lambda: public.post(PROGRESS, data={"number": supplement, "phone": PHONE,
                                             "csrf_token": token}), 3),
    ]
    for request, ceiling in ceilings:
        sent = sent_by(request)
        assert len(sent) <= ceiling, sent
        for statement in sent:
            for column in ("applicant_name", "applicant_id_number", "applicant_address"):
                assert column not in statement, statement


# ---- not found: one answer for a wrong pair and a missing case -------------------------------

def _comparable(response, number: str) -> tuple:
    """Status, the headers a client sees and the body, with the per-request CSRF token and
    the typed case number (echoed in the form) blanked."""
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', text_of(response))
    html = html.replace(number, "NUMBER")
    headers = {k: v for k, v in response.headers.items() if k not in ("Set-Cookie", "Date")}
    # The CSP nonce is new on every response, whatever it answers.
    if "Content-Security-Policy" in headers:
        headers["Content-Security-Policy"] = re.sub(r"'nonce-[^']*'", "'nonce-'",
                                                    headers["Content-Security-Policy"])
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return response.status_code, headers, html


def test_priv_1_wrong_phone_and_unknown_number_give_identical_responses(public, case_of):
    case = case_of()
    other = case_of(phone="13800001111")  # a phone that exists, on another case
    unknown = "BC-2026-999999"
    wrong_phone = look_up(public, case.number, "13800009999")
    phone_of_other_case = look_up(public, case.number, "13800001111")
    missing_case = look_up(public, unknown, PHONE)

    assert wrong_phone.status_code == 200
    assert NOT_FOUND in text_of(wrong_phone)
    assert "居住证办理" not in text_of(wrong_phone) and other.number not in text_of(wrong_phone)
    assert _comparable(wrong_phone, case.number) == _comparable(missing_case, unknown)
    assert _comparable(phone_of_other_case, case.number) == _comparable(missing_case, unknown)


@pytest.mark.parametrize("number, phone, message", [
    ("", PHONE, "请输入办件编号"),
    ("BC-26-000123", PHONE, "请按受理通知书上的编号输入"),  # the year in full (CASE-1)
    ("BC-2026-0", PHONE, "请按受理通知书上的编号输入"),  # no case 0
    ("BC/2026/000001", PHONE, "请按受理通知书上的编号输入"),
    ("'; DROP TABLE service_case; --", PHONE, "请按受理通知书上的编号输入"),
    ("BC-2026-000001", "", "请填写电话号码"),
    ("BC-2026-000001", "12345", "请填写内地手机号码"),
    ("x" * 5000, "9" * 5000, "请按受理通知书上的编号输入"),
])
def test_bad_input_shows_the_form_with_a_message_not_an_error(public, case_of, number, phone, message):
    case_of()
    response = look_up(public, number, phone)
    assert response.status_code == 200
    html = text_of(response)
    assert message in html
    assert 'name="phone"' in html and NOT_FOUND not in html and "居住证办理" not in html


# ---- CASE-11: the applicant rates a delivered case, once ---------------------------------------

def test_case_11_delivered_case_is_rated_once_from_the_public_page(public, case_of, db_session):
    case = case_of(*DELIVER, collector="赵六")
    found = text_of(look_up(public, case.number, "139 1234 5678"))
    assert "已送达" in found and "评价我们的服务" in found
    assert PHONE not in found, "PRIV-1: the page holds no phone, not even in a hidden field"
    token = rating_token_in(found)

    response = post(public, RATE, {"number": case.number, "token": token,
                                   "rating": "basically_satisfied", "opinion": "  等候时间稍长 "})
    assert response.status_code == 200
    assert "感谢您的评价" in text_of(response) and 'name="rating"' not in text_of(response)
    assert satisfaction(db_session, case) == ("basically_satisfied", "public", "等候时间稍长")

    # Once: a second rating changes nothing, and the page only says thanks.
    again = post(public, RATE, {"number": case.number, "token": token, "rating": "dissatisfied"})
    assert again.status_code == 200 and "感谢您的评价" in text_of(again)
    assert satisfaction(db_session, case) == ("basically_satisfied", "public", "等候时间稍长")
    later = text_of(look_up(public, case.number))
    assert "感谢您的评价" in later and 'name="rating"' not in later


@pytest.mark.parametrize("level, stored", [
    ("very_satisfied", "satisfied"), ("very_dissatisfied", "dissatisfied"),
])
def test_case_11_the_lookup_offers_the_five_answers_of_the_scan_page(public, case_of, db_session,
                                                                     level, stored):
    """CASE-11: one scale wherever the public rates — the lookup's form offers 非常满意 …
    非常不满意 like the QR page, and stores the answer folded to the three kept levels."""
    case = case_of(*DELIVER, collector="赵六")
    found = text_of(look_up(public, case.number))
    for label in ("非常满意", "基本满意", "非常不满意"):
        assert label in found
    post(public, RATE, {"number": case.number, "token": rating_token_in(found), "rating": level})
    assert satisfaction(db_session, case) == (stored, "public", None)


def test_case_11_case_rated_by_the_clerk_at_delivery_shows_thanks_and_no_form(public, case_of, db_session):
    case = case_of(*DELIVER, collector="赵六", rating="satisfied")
    html = text_of(look_up(public, case.number))
    assert "感谢您的评价" in html and 'name="rating"' not in html
    assert satisfaction(db_session, case) == ("satisfied", "clerk", None)


def test_case_11_rating_before_delivery_is_impossible(public, case_of, db_session):
    case = case_of(cs.START, cs.APPROVE)
    html = text_of(look_up(public, case.number))
    assert 'name="rating"' not in html and "评价我们的服务" not in html

    with public.application.test_request_context():
        token = rating_token(case)  # even a token the server signed cannot rate it yet
    forged = post(public, RATE, {"number": case.number, "token": token, "rating": "satisfied"})
    assert forged.status_code == 200
    assert "办理结果送达后方可评价" in text_of(forged)
    assert satisfaction(db_session, case) == (None, None, None)


EXPIRED = "评价表已失效"


def test_case_11_rating_needs_a_token_the_lookup_signed_for_that_case(public, case_of, db_session,
                                                                     monkeypatch):
    case = case_of(*DELIVER, collector="赵六")
    other = case_of(*DELIVER, collector="赵六")
    token = rating_token_in(text_of(look_up(public, case.number)))
    for data in ({"number": case.number, "token": token[:-2] + "xx"},  # forged
                 {"number": case.number, "phone": PHONE},  # the old way: no token
                 {"number": other.number, "token": token}):  # another case's number
        response = post(public, RATE, {**data, "rating": "satisfied"})
        assert response.status_code == 200 and EXPIRED in text_of(response)
    monkeypatch.setattr(public_views, "RATING_TOKEN_MAX_AGE", -1)  # every token is too old
    response = post(public, RATE, {"number": case.number, "token": token, "rating": "satisfied"})
    assert EXPIRED in text_of(response) and 'name="phone"' in text_of(response)
    assert satisfaction(db_session, case) == (None, None, None)
    assert satisfaction(db_session, other) == (None, None, None)


@pytest.mark.parametrize("rating, opinion, message", [
    ("", "", "请从五项中选择一项"),
    ("excellent", "", "请从五项中选择一项"),
    ("dissatisfied", "太" * 501, "评价意见最多 500 字"),
])
def test_case_11_bad_rating_shows_the_message_and_saves_nothing(public, case_of, db_session,
                                                                rating, opinion, message):
    case = case_of(*DELIVER, collector="赵六")
    token = rating_token_in(text_of(look_up(public, case.number)))
    response = post(public, RATE, {"number": case.number, "token": token, "rating": rating,
                                   "opinion": opinion})
    assert response.status_code == 200
    html = text_of(response)
    assert message in html and 'name="rating"' in html  # the form again, to correct
    assert satisfaction(db_session, case) == (None, None, None)


def test_case_11_public_rating_is_in_the_audit_trail_as_the_public(public, case_of, db_session):
    from sqlalchemy import select

    from models.audit import AuditLog

    case = case_of(*DELIVER, collector="赵六")
    token = rating_token_in(text_of(look_up(public, case.number)))
    post(public, RATE, {"number": case.number, "token": token, "rating": "satisfied"})
    db_session.expire_all()
    actors = db_session.scalars(select(AuditLog.username).order_by(AuditLog.id.desc())).first()
    assert actors == "public"


# ---- rate limit -----------------------------------------------------------------------------

def test_lookups_over_the_public_lookup_rate_limit_get_a_friendly_429(limited_app, case_of):
    case = case_of(*DELIVER, collector="赵六")
    limit = parse_limit(limited_app.config["PUBLIC_LOOKUP_RATE_LIMIT"])
    client = limited_app.test_client()
    token = csrf_token(text_of(client.get(PROGRESS)))
    guess = {"number": case.number, "phone": "13800009999", "csrf_token": token}

    for attempt in range(limit.amount):
        response = client.post(PROGRESS, data=guess)
        assert response.status_code == 200, f"refused already at attempt {attempt + 1}"

    refused = client.post(PROGRESS, data={**guess, "phone": PHONE})  # even the right pair
    assert refused.status_code == 429
    html = text_of(refused)
    assert "查询过于频繁" in html and "居住证办理" not in html
    assert 'name="number"' in html  # the public frame and the form, not a bare error page
    assert int(refused.headers["Retry-After"]) >= 1
    # The rating door answers for the same pair, so it draws on the same budget.
    rating = client.post(RATE, data={**guess, "phone": PHONE, "rating": "satisfied"})
    assert rating.status_code == 429
    # Reading pages is never limited.
    assert client.get(PROGRESS).status_code == 200
    assert client.get("/guide/").status_code == 200


# ---- issue #19: a number as people type it, and the form kept after a failed attempt ---------

def _without_zeros(number: str, lower: bool = True) -> str:
    prefix, year, seq = number.split("-")
    typed = f"{prefix}-{year}-{int(seq)}"
    return typed.lower() if lower else typed


@pytest.mark.parametrize("typed", [
    lambda n: _without_zeros(n),  # bc-2026-1 for BC-2026-000001
    lambda n: "  " + _without_zeros(n).replace("-", " ") + " ",  # blanks for hyphens
    lambda n: n.replace("-", "－").lower(),  # a Chinese input method's full-width hyphen
    lambda n: n.replace("-", ""),  # BC2026000001
])
def test_case_1_lookup_finds_the_case_however_its_number_is_typed(public, case_of, typed):
    case = case_of()
    html = text_of(look_up(public, typed(case.number)))
    assert NOT_FOUND not in html and "居住证办理" in html and case.number in html


def test_case_1_a_failed_lookup_keeps_the_number_in_its_canonical_form(public, case_of):
    case = case_of()
    html = text_of(look_up(public, _without_zeros(case.number), "13800009999"))
    assert NOT_FOUND in html
    assert f'value="{case.number}"' in html  # BC-2026-000001 again, to correct the phone only


def test_case_1_a_number_that_cannot_be_read_is_kept_as_typed_to_be_corrected(public, case_of):
    case_of()
    html = text_of(look_up(public, "bc/2026/18578"))
    assert "请按受理通知书上的编号输入" in html
    assert 'value="BC/2026/18578"' in html


def test_case_1_a_link_with_a_number_without_leading_zeros_fills_in_the_canonical_number(public):
    html = text_of(public.get(f"{PROGRESS}?number=bc-2026-18578"))
    assert 'value="BC-2026-018578"' in html
