"""好差评 by scan (CASE-11, PRIV-1, NOTICE-2, issue #19): the QR codes of the acceptance notice and
the delivery receipt, and the public rating page the receipt's code opens.

The delivery receipt carries a random token in its QR code; whoever holds the paper may rate
that case once, on a page that shows the case number, item and window and nothing of the
applicant. The rating goes where the clerk's rating at delivery goes (the case's three-level
satisfaction, the audit trail, the dashboards' counts); a case is rated once, whoever comes first.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from limits import parse as parse_limit
from sqlalchemy import select

from app.rules import case_states as cs
from app.rules.errors import RuleViolation
from app.services import dashboard_queries as dq
from app.services.cases import (Applicant, Intake, apply_action, record_satisfaction,
                                register_intake, staff_actor)
from app.services.ratings import rating_link
from models.audit import AuditLog
from models.cases import Case, CaseRatingLink
from tests.factories import clock_on, csrf_token, published_fee, residence_permit_item, text_of

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
NAME = "赵六"
ADDRESS = "江苏省南通市崇川区人民路1号"
PERSONAL = (NAME, ID_NUMBER, PHONE, ADDRESS, "人民路", "1101**", "139****5678", "5678")
DAY = date(2026, 11, 2)
ALREADY = "本办件已评价"
THANKS = "感谢您的评价"


@pytest.fixture
def item(db_session, window_a):
    return residence_permit_item(db_session, window_a, "P-001")


@pytest.fixture
def clerk(log_in, window_a):
    return log_in("Clerk", window=window_a)


@pytest.fixture
def case_of(db_session, item, clerk):
    """case_of(*actions, **params): a case of window A registered and moved by its clerk."""
    def make(*actions, **params):
        actor = staff_actor(db_session, clerk.user)
        case = register_intake(
            db_session,
            Intake(item_id=item.id, case_class="accepted",
                   received={m.id: m.copies for m in item.materials},
                   applicant=Applicant(name=NAME, id_number=ID_NUMBER, phone=PHONE, address=ADDRESS),
                   fee_amount=published_fee(item)),  # CASE-9: as the intake form prefills it
            actor, clock_on(DAY))
        for action in actions:
            apply_action(db_session, case, action, actor, clock_on(DAY), **params)
        db_session.commit()
        return case
    return make


DELIVER = (cs.START, cs.APPROVE, cs.DELIVER)


def printed_qr_urls(html: str) -> list[str]:
    """The addresses printed under the QR codes of a document (as text, and on the figure)."""
    texts = [unescape(u) for u in re.findall(r'<span class="qr-url">([^<]*)</span>', html)]
    attrs = [unescape(u) for u in re.findall(r'data-qr-url="([^"]*)"', html)]
    assert texts == attrs
    return texts


def rating_url(clerk, case) -> str:
    """What the clerk's print of the delivery receipt puts in its QR code."""
    response = clerk.get(f"/print/case/{case.id}/delivery")
    assert response.status_code == 200
    [url] = printed_qr_urls(text_of(response))
    return url


def path_of(url: str) -> str:
    assert url.startswith("http://localhost/"), url
    return url.removeprefix("http://localhost")


def rate(public, path: str, rating: str, opinion: str = "", with_csrf: bool = True):
    data = {"rating": rating, "opinion": opinion}
    if with_csrf:  # the session's token (the rating page has no form once rated)
        data["csrf_token"] = csrf_token(text_of(public.get("/guide/progress")))
    return public.post(path, data=data)


def rated(db_session, case):
    db_session.expire_all()
    return case.satisfaction, case.satisfaction_source, case.satisfaction_opinion


# ---- the QR codes on the printed notices ------------------------------------------------------

def test_notice_2_acceptance_notice_qr_opens_the_progress_page_with_the_case_number(clerk, case_of, public):
    case = case_of()
    html = text_of(clerk.get(f"/print/case/{case.id}/acceptance"))
    [url] = printed_qr_urls(html)
    assert url == f"http://localhost/guide/progress?number={case.number}"
    # Inline SVG made by the server: no image request, nothing from another host (OFFLINE).
    figure = re.search(r'<figure class="qr".*?</figure>', html, re.S).group(0)
    assert "<svg" in figure and 'class="qr-code"' in figure and "<img" not in figure
    assert "扫码查询本办件进度" in figure
    # The address opens the lookup with the number filled in, never the phone (PRIV-1).
    page = text_of(public.get(path_of(url)))
    assert f'value="{case.number}"' in page and PHONE not in page


def test_case_11_delivery_receipt_qr_opens_the_cases_rating_page_and_stays_the_same(clerk, case_of, db_session):
    case = case_of(*DELIVER, collector=NAME)
    url = rating_url(clerk, case)
    token = db_session.scalars(select(CaseRatingLink.token)
                               .where(CaseRatingLink.case_id == case.id)).one()
    assert url == f"http://localhost/guide/rate/{token}"
    assert len(token) >= 32 and case.number not in token  # random, not derived from the case
    html = text_of(clerk.get(f"/print/case/{case.id}/delivery"))
    assert "扫码评价本次服务" in html and "<svg" in html
    assert rating_url(clerk, case) == url, "a reprint carries the same code"
    other = case_of(*DELIVER, collector=NAME)
    assert rating_url(clerk, other) != url


def test_notice_2_the_printed_address_follows_public_base_url(app, clerk, case_of, monkeypatch):
    """PUBLIC_BASE_URL: the address phones on the intranet reach, whatever the clerk's browser used."""
    case = case_of()
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://10.1.2.3:8080")
    [url] = printed_qr_urls(text_of(clerk.get(f"/print/case/{case.id}/acceptance")))
    assert url == f"http://10.1.2.3:8080/guide/progress?number={case.number}"


# ---- the rating page: the token is the key ---------------------------------------------------

def test_case_11_rating_page_shows_the_case_item_and_window_and_nothing_personal(public, clerk, case_of):
    case = case_of(*DELIVER, collector=NAME)
    response = public.get(path_of(rating_url(clerk, case)))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = text_of(response)
    for shown in (case.number, "居住证办理", "01 · 公安户政窗口", "非常满意", "满意", "基本满意",
                  "不满意", "非常不满意", 'name="opinion"', 'name="csrf_token"', 'name="viewport"'):
        assert shown in html, shown
    for personal in PERSONAL:
        assert personal not in html, personal


@pytest.mark.parametrize("token", ["x" * 32, "", "a" * 65, "..%2f..%2fetc", "' OR 1=1 --"])
def test_case_11_a_token_that_is_not_ours_is_404_and_rates_nothing(public, clerk, case_of, db_session, token):
    case = case_of(*DELIVER, collector=NAME)
    real = path_of(rating_url(clerk, case))
    response = public.get(f"/guide/rate/{token}")
    assert response.status_code == 404
    assert case.number not in text_of(response)
    # A POST with a page's valid CSRF token and a forged token is refused the same way.
    forged = public.post(f"/guide/rate/{token or 'x'}", data={
        "rating": "very_satisfied", "csrf_token": csrf_token(text_of(public.get(real)))})
    assert forged.status_code == 404
    assert rated(db_session, case) == (None, None, None)


def test_case_11_a_rating_without_the_csrf_token_is_refused(public, clerk, case_of, db_session):
    case = case_of(*DELIVER, collector=NAME)
    response = rate(public, path_of(rating_url(clerk, case)), "satisfied", with_csrf=False)
    assert response.status_code == 400
    assert rated(db_session, case) == (None, None, None)


def test_case_11_rated_once_by_scan_the_second_attempt_is_politely_refused(public, clerk, case_of, db_session):
    case = case_of(*DELIVER, collector=NAME)
    path = path_of(rating_url(clerk, case))
    response = rate(public, path, "very_dissatisfied", "  等候时间太长 ")
    assert response.status_code == 200
    assert THANKS in text_of(response) and 'name="rating"' not in text_of(response)
    # 非常不满意 is stored as CASE-11's 不满意, by the public, with the opinion.
    assert rated(db_session, case) == ("dissatisfied", "public", "等候时间太长")
    link = db_session.scalars(select(CaseRatingLink).where(CaseRatingLink.case_id == case.id)).one()
    assert link.level == "very_dissatisfied" and link.rated_at is not None

    again = rate(public, path, "very_satisfied", "改主意了")
    assert again.status_code == 200
    assert ALREADY in text_of(again) and 'name="rating"' not in text_of(again)
    assert rated(db_session, case) == ("dissatisfied", "public", "等候时间太长")
    page = text_of(public.get(path))
    assert ALREADY in page and 'name="rating"' not in page


def test_case_11_a_case_the_clerk_rated_at_delivery_cannot_be_rated_by_scan(public, clerk, case_of, db_session):
    case = case_of(*DELIVER, collector=NAME, rating="basically_satisfied")
    path = path_of(rating_url(clerk, case))
    assert "本办件已评价，感谢您的支持" in text_of(clerk.get(f"/print/case/{case.id}/delivery"))
    page = text_of(public.get(path))
    assert ALREADY in page and 'name="rating"' not in page
    assert ALREADY in text_of(rate(public, path, "very_dissatisfied"))
    assert rated(db_session, case) == ("basically_satisfied", "clerk", None)


def test_case_11_after_a_scan_no_second_rating_is_recorded_by_anyone(public, clerk, case_of, db_session):
    case = case_of(*DELIVER, collector=NAME)
    rate(public, path_of(rating_url(clerk, case)), "satisfied")
    with pytest.raises(RuleViolation) as refused:
        record_satisfaction(case, "dissatisfied", None, "clerk", allow_state=True)
    assert refused.value.rule_id == "CASE-11"
    db_session.rollback()
    assert rated(db_session, case) == ("satisfied", "public", None)


@pytest.mark.parametrize("level, opinion, message", [
    ("", "", "请从五项中选择一项"),
    ("excellent", "", "请从五项中选择一项"),
    ("satisfied", "太" * 501, "评价意见最多 500 字"),
])
def test_case_11_a_bad_answer_shows_the_form_again_and_saves_nothing(public, clerk, case_of, db_session,
                                                                    level, opinion, message):
    case = case_of(*DELIVER, collector=NAME)
    response = rate(public, path_of(rating_url(clerk, case)), level, opinion)
    assert response.status_code == 200
    html = text_of(response)
    assert message in html and 'name="rating"' in html
    assert rated(db_session, case) == (None, None, None)


def test_case_11_a_rating_by_scan_is_in_the_audit_trail_as_the_public(public, clerk, case_of, db_session):
    case = case_of(*DELIVER, collector=NAME)
    rate(public, path_of(rating_url(clerk, case)), "very_satisfied")
    db_session.expire_all()
    entry = db_session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert entry.username == "public"
    assert "satisfaction" in str(entry.changes) and "satisfied" in str(entry.changes)


# ---- where the clerk's rating goes, the scan's goes too --------------------------------------

def test_case_11_a_scan_rating_counts_where_the_clerks_does(public, clerk, case_of, db_session):
    by_clerk = case_of(*DELIVER, collector=NAME, rating="satisfied")
    by_scan = case_of(*DELIVER, collector=NAME)
    rate(public, path_of(rating_url(clerk, by_scan)), "very_dissatisfied", "材料反复提交")

    # The case page shows it as it shows the clerk's.
    page = text_of(clerk.get(f"/caseview/show/{by_scan.id}"))
    assert "不满意" in page and "材料反复提交" in page
    # The dashboards' satisfaction counts (issue #12): rated, rated well, rated dissatisfied.
    rows = dq.decided_by_month_window(db_session, DAY, DAY, by_scan.window_id)
    assert [(int(r[4]), int(r[5]), int(r[6])) for r in rows] == [(2, 1, 1)]
    # SCORE-5 reads the case's rating: the scan's 不满意 is one like the clerk's would be.
    assert db_session.scalars(select(Case.number).where(Case.satisfaction == "dissatisfied")).all() == [by_scan.number]
    assert by_clerk.satisfaction == "satisfied"


def test_case_11_a_case_not_delivered_cannot_be_rated_even_with_a_token(public, case_of, db_session):
    case = case_of(cs.START, cs.APPROVE)
    link = rating_link(db_session, case, clock_on(DAY))  # as if printed early: still no rating
    path = f"/guide/rate/{link.token}"
    assert "办理结果送达后方可评价" in text_of(public.get(path))
    rate(public, path, "satisfied")
    assert rated(db_session, case) == (None, None, None)


# ---- rate limit: one budget with the lookup ---------------------------------------------------

def test_case_11_rating_posts_draw_on_the_public_lookup_budget(limited_app, clerk, case_of, db_session):
    case = case_of(*DELIVER, collector=NAME)
    path = path_of(rating_url(clerk, case))
    limit = parse_limit(limited_app.config["PUBLIC_LOOKUP_RATE_LIMIT"])
    client = limited_app.test_client()
    token = csrf_token(text_of(client.get("/guide/progress")))
    for _attempt in range(limit.amount):
        client.post("/guide/progress", data={"number": case.number, "phone": "13800009999",
                                             "csrf_token": token})
    refused = client.post(path, data={"rating": "satisfied", "csrf_token": token})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "尝试过于频繁" in text_of(refused)
    assert rated(db_session, case) == (None, None, None)
    assert client.get(path).status_code == 200  # reading is never limited
