"""Issue #9: no double transitions and no lost updates, at every door.

Two clerks sending the same action at once: exactly one succeeds, the other gets 409 (API) or
the "changed by someone else" flash (page), and the case has one transition and one notice.
Two people saving the same edit form: the second is told to reload, nothing of it saved.
The races run real threads through the real API (own app context and session per thread),
on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select, update

from app.actor import Actor
from app.rules import case_states as cs
from app.services.cases import apply_action
from models.cases import Case, CaseNotice, CaseTransition
from models.catalogue import ServiceItem
from tests.factories import access_token, clock_on

ROUNDS = 10
CONFLICT_ZH = "此记录在您打开后已被他人修改"


@pytest.fixture
def decided_case(db_session, case_of, item):  # noqa: F811
    """A case decided and waiting to be delivered (CASE-4)."""
    def make() -> Case:
        case = case_of(item)
        for action in (cs.START, cs.APPROVE):
            apply_action(db_session, case, action, Actor(username="seed"), clock_on(date(2026, 11, 3)))
        db_session.commit()
        return case
    return make


@pytest.fixture
def tokens(app, make_user, window_a):
    """Two clerks of the window, each with a JWT access token (as the API's login issues it)."""
    result = []
    for name in ("clerk_one", "clerk_two"):
        user = make_user("Clerk", username=name, window=window_a)
        result.append(access_token(app, user))
    return result


def race(app, url: str, bodies: list[dict], tokens: list[str]) -> list[int]:
    """POST `bodies[i]` with `tokens[i]` from two threads released together; the statuses."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int | None] = [None] * len(bodies)

    def send(index: int) -> None:
        client = app.test_client()  # its request pushes this thread's own app context
        barrier.wait(timeout=30)
        response = client.post(url, json=bodies[index],
                               headers={"Authorization": f"Bearer {tokens[index]}"})
        statuses[index] = response.status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def deliveries(db_session, case_id: int) -> tuple[int, int]:
    db_session.expire_all()
    notices = db_session.scalar(select(func.count(CaseNotice.id)).where(
        CaseNotice.case_id == case_id, CaseNotice.kind == "delivery"))
    transitions = db_session.scalar(select(func.count(CaseTransition.id)).where(
        CaseTransition.case_id == case_id, CaseTransition.action == cs.DELIVER))
    return notices, transitions


def test_issue_9_two_clerks_delivering_at_once_deliver_once_and_one_gets_409(
        app, db_session, decided_case, tokens):
    for _round in range(ROUNDS):
        case = decided_case()
        bodies = [{"collector": name, "version": case.version} for name in ("张三", "李四")]
        db_session.commit()  # the test's own session holds no transaction during the race
        statuses = race(app, f"/api/v1/case/{case.id}/action/deliver", bodies, tokens)
        assert sorted(statuses) == [200, 409], statuses
        assert deliveries(db_session, case.id) == (1, 1)
        assert db_session.get(Case, case.id).state == cs.DELIVERED


def test_issue_9_without_a_version_the_second_clerk_is_refused_and_nothing_doubles(
        app, db_session, decided_case, tokens):
    """Clients that send no version: the loser either raced the UPDATE (409) or read the case
    already delivered (422, CASE-4); never a second delivery."""
    for _round in range(ROUNDS):
        case = decided_case()
        db_session.commit()
        statuses = race(app, f"/api/v1/case/{case.id}/action/deliver",
                        [{"collector": "张三"}, {"collector": "李四"}], tokens)
        assert sorted(statuses)[0] == 200 and sorted(statuses)[1] in (409, 422), statuses
        assert deliveries(db_session, case.id) == (1, 1)


def test_issue_9_api_action_with_a_stale_version_is_409_and_changes_nothing(
        log_in, db_session, decided_case, window_a):
    case = decided_case()
    version = case.version
    clerk = log_in("Clerk", window=window_a)
    response = clerk.client.post(f"/api/v1/case/{case.id}/action/deliver",
                                 json={"collector": "张三", "version": version - 1},
                                 headers=clerk.api_headers())
    assert response.status_code == 409 and CONFLICT_ZH in response.get_json()["message"]
    assert deliveries(db_session, case.id) == (0, 0)
    ok = clerk.client.post(f"/api/v1/case/{case.id}/action/deliver",
                           json={"collector": "张三"}, headers={
                               **clerk.api_headers(), "If-Match": f'"{version}"'})
    assert ok.status_code == 200 and ok.get_json()["version"] > version  # one per UPDATE


def test_issue_9_api_action_names_an_unknown_parameter_with_400(log_in, db_session,
                                                                decided_case, window_a):
    case = decided_case()
    clerk = log_in("Clerk", window=window_a)
    response = clerk.client.post(f"/api/v1/case/{case.id}/action/deliver",
                                 json={"collector": "张三", "session": 1, "colour": "red"},
                                 headers=clerk.api_headers())
    assert response.status_code == 400
    message = response.get_json()["message"]["_schema"][0]  # INPUT-1: {field: [text]}
    assert "colour" in message and "session" in message
    assert deliveries(db_session, case.id) == (0, 0)


def test_issue_9_case_action_form_opened_before_another_change_is_refused_with_reload(
        log_in, db_session, decided_case, window_a):
    case = decided_case()
    clerk = log_in("Clerk", window=window_a)
    url = f"/caseview/act/{case.id}/deliver"
    page = clerk.get(url).get_data(as_text=True)
    assert f'name="version" type="hidden" value="{case.version}"' in page
    # Someone else changes the case while the form is open.
    db_session.execute(update(Case).where(Case.id == case.id)
                       .values(urgent=True, version=Case.version + 1))
    db_session.commit()
    response = clerk.client.post(url, data={"collector": "张三", "version": str(case.version - 1),
                                            "fee_amount": "20", "csrf_token": _token(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and CONFLICT_ZH in html
    assert f'href="{url}"' in html  # the reload link
    assert deliveries(db_session, case.id) == (0, 0)


def test_issue_9_generated_edit_form_of_a_changed_item_saves_nothing(
        as_office, db_session, item):  # noqa: F811
    url, opened = f"/serviceitemview/edit/{item.id}", item.version
    code, window_id = item.code, item.window_id
    page = as_office.get(url).get_data(as_text=True)
    assert f'value="{opened}"' in page and 'name="version"' in page
    with db_session.get_bind().begin() as other:  # another office clerk saved meanwhile
        other.execute(update(ServiceItem).where(ServiceItem.id == item.id)
                      .values(name="他人改过的名称", version=ServiceItem.version + 1))
    form = {"code": code, "name": "我的修改", "window": str(window_id),
            "kind": "promised", "promised_days": "5", "statutory_days": "15",
            "version": str(opened), "csrf_token": _token(page)}
    db_session.expire_all()  # the POST reads the row afresh, as a server's new session does
    response = as_office.client.post(url, data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and CONFLICT_ZH in html  # the form again, typed values kept
    assert "我的修改" in html and f'href="{url}"' in html
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).name == "他人改过的名称"
    fresh = as_office.get(url).get_data(as_text=True)  # reloaded: the current version saves
    assert f'value="{opened + 1}"' in fresh
    form.update(version=str(opened + 1), csrf_token=_token(fresh))
    assert as_office.client.post(url, data=form).status_code == 302
    db_session.expire_all()
    saved = db_session.get(ServiceItem, item.id)
    assert saved.name == "我的修改" and saved.version == opened + 2


def test_issue_9_api_put_with_a_stale_version_is_409_and_the_current_one_saves(
        as_office, db_session, item):  # noqa: F811
    url = f"/api/v1/service_item/{item.id}"
    db_session.commit()
    shown = as_office.get(url).get_json()
    assert shown["version"] == 1
    headers = as_office.api_headers()
    db_session.execute(update(ServiceItem).where(ServiceItem.id == item.id)
                       .values(name="他人改过的名称", version=ServiceItem.version + 1))
    db_session.commit()
    stale = as_office.client.put(url, json={"name": "我的修改", "version": 1}, headers=headers)
    assert stale.status_code == 409 and CONFLICT_ZH in stale.get_json()["message"]
    stale_header = as_office.client.put(url, json={"name": "我的修改"},
                                        headers={**headers, "If-Match": '"1"'})
    assert stale_header.status_code == 409
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).name == "他人改过的名称"
    ok = as_office.client.put(url, json={"name": "我的修改", "version": 2}, headers=headers)
    assert ok.status_code == 200, ok.get_json()
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).version == 3


def _token(html: str) -> str:
    from tests.factories import csrf_token

    return csrf_token(html)


def test_issue_9_the_second_clerk_submitting_the_same_delivery_form_is_told_to_reload(
        log_in, db_session, decided_case, window_a):
    case = decided_case()
    case_id, url = case.id, f"/caseview/act/{case.id}/deliver"
    first, second = log_in("Clerk", window=window_a), log_in("Clerk", window=window_a,
                                                             username="clerk_second")
    pages = [clerk.get(url).get_data(as_text=True) for clerk in (first, second)]
    version = str(case.version)
    for clerk, page in zip((first, second), pages):
        response = clerk.client.post(url, data={"collector": "张三", "version": version,
                                                "fee_amount": "20",  # prefilled (CASE-9)
                                                "csrf_token": _token(page)},
                                     follow_redirects=True)
        assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert CONFLICT_ZH in html  # the second one: the case moved on while the form was open
    assert deliveries(db_session, case_id) == (1, 1)


def test_issue_9_case_details_form_opened_before_another_change_saves_nothing(
        log_in, db_session, window_a, item, case_of):  # noqa: F811
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    url, opened = f"/caseview/details/{case.id}", case.version
    page = clerk.get(url).get_data(as_text=True)
    assert f'name="version" type="hidden" value="{opened}"' in page
    db_session.execute(update(Case).where(Case.id == case.id)
                       .values(request="另一位办事员改过", version=Case.version + 1))
    db_session.commit()
    response = clerk.client.post(url, data={
        "request": "补办居住证", "version": str(opened), "csrf_token": _token(page)},
        follow_redirects=True)
    assert CONFLICT_ZH in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Case, case.id).request == "另一位办事员改过"
