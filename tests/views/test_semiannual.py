"""半年考核 pages and API: Office opens, computes and enters; Leadership confirms (then frozen);
clerks see their own entry, window heads their window's, Office and Leadership all
(SCORE-5/6/7, ORG-2)."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.services.semiannual import compute, save_entries
from app.services.transaction import transaction
from models.org import Staff
from models.semiannual import SemiannualAssessment, SemiannualEntry
from tests.pdf_text import pdf_lines
from tests.factories import give_lowest_grade
from tests.jobs_helpers import run_job

TODAY = date(2026, 7, 10)
NOW = datetime(2026, 7, 10, 2, tzinfo=timezone.utc)


def entry_of(db_session, staff) -> SemiannualEntry:
    db_session.expire_all()
    return db_session.scalars(select(SemiannualEntry).where(
        SemiannualEntry.staff_id == staff.id)).one()


@pytest.fixture
def people(semiannual_people):
    """(actors, staff) of tests/views/conftest.py `semiannual_people`."""
    return semiannual_people


@pytest.fixture
def assessment(semiannual_assessment):
    return semiannual_assessment


def test_score_5_office_opens_computes_and_enters_per_person(app, db_session, people):
    actors, staff = people
    office = actors["office"]
    response = office.post_form("/semiannualview/create/", {"year": "2026", "half": "1"})
    assert response.status_code == 302
    row = db_session.scalars(select(SemiannualAssessment)).one()
    assert (row.year, row.half, row.state) == (2026, 1, "draft")
    status = run_job(app, office, office.post_form(f"/semiannualview/compute/{row.id}", {},
                                                   form_url=f"/semiannualview/show/{row.id}"))
    assert status["state"] == "done", status  # issue #21: computed by the job worker
    clerk = staff["clerk"]
    response = office.post_form(f"/semiannualview/entries/{row.id}",
                                {f"manual_de_{clerk.id}": "2", f"innovation_{clerk.id}": "5",
                                 f"wrong_result_{clerk.id}": "1.5", f"notes_{clerk.id}": "迟交材料"})
    assert response.status_code == 302
    entry = entry_of(db_session, clerk)
    # 绩: its four items 35 − 1.5 accuracy + 5 innovation (SCORE-5).
    assert (entry.de, entry.ji, entry.total, entry.notes) == (D(13), D("38.5"), D("96.5"),
                                                              "迟交材料")
    response = office.post_form(f"/semiannualview/praise/{row.id}",
                                {"staff_id": str(clerk.id), "kind": "title_county",
                                 "evidence": "县先进个人 2026-04"},
                                form_url=f"/semiannualview/show/{row.id}")
    assert response.status_code == 302
    assert (entry_of(db_session, clerk).bonus, entry_of(db_session, clerk).total) == (D(2),
                                                                                   D("98.5"))


def test_score_5_an_entry_out_of_range_shows_under_its_field_and_saves_nothing(db_session, people,
                                                                                assessment):
    actors, staff = people
    clerk = staff["clerk"]
    response = actors["office"].post_form(f"/semiannualview/entries/{assessment.id}",
                                          {f"manual_neng_{clerk.id}": "99"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "field-error" in html
    assert entry_of(db_session, clerk).neng == D(15)


def test_score_5_office_enters_reporting_on_the_page_and_its_help_names_it(db_session, people,
                                                                          assessment):
    """SCORE-5 绩 信息报送: the entry form has a reporting column, its help names the
    sub-item and its 5 points, and a value beyond them shows under its field, nothing saved."""
    actors, staff = people
    clerk, office = staff["clerk"], actors["office"]
    url = f"/semiannualview/entries/{assessment.id}"
    html = office.get(url).get_data(as_text=True)
    assert f'name="reporting_{clerk.id}"' in html
    assert "信息报送扣分" in html or "Reporting off" in html  # the column (until translated)
    limits = re.search(r'<p id="semiannual-limits"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert re.search(r"信息报送[（(，, ]*5\b", limits)  # English, or 信息报送（5 分）
    response = office.post_form(url, {f"reporting_{clerk.id}": "5.5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf'name="reporting_{clerk.id}" value="5.5"[^>]*>\s*<div class="alert '
                     r'alert-danger field-error">', html)
    assert entry_of(db_session, clerk).ji == D(35)
    response = office.post_form(url, {f"reporting_{clerk.id}": "2"})
    assert response.status_code == 302
    entry = entry_of(db_session, clerk)
    assert (entry.ji, entry.total) == (D(33), D(93))
    html = office.get(url).get_data(as_text=True)
    assert f'name="reporting_{clerk.id}" value="2.0"' in html  # the form shows what was entered


def test_score_7_explanation_shows_reporting_with_its_sub_item_cap(db_session, people,
                                                                   assessment):
    actors, staff = people
    clerk = staff["clerk"]
    with transaction(db_session):
        save_entries(db_session, assessment, {clerk.id: {"reporting": "3"}}, None)
    entry = entry_of(db_session, clerk)
    html = actors["office"].get(f"/semiannualview/explain/{entry.id}").get_data(as_text=True)
    ji = html[html.index('id="part-ji"'):html.index('id="part-lian"')]
    assert "<td>信息报送</td><td>−3</td>" in ji
    step = re.search(r'<li data-group="reporting">(.*?)</li>', ji, re.S).group(1)
    assert "信息报送" in step and " 5 " in step and step.rstrip().endswith("→ −3")
    # Scores with one decimal, points as given (app/rules/points.py).
    assert "<strong>32.0</strong>" in ji and 'id="explain-total">92.0<' in html
    assert re.search(r"\b35\b[^<]*− 3", ji)  # 绩 counts from its four items, 35 (SCORE-5)


def test_score_7_every_score_links_to_its_explanation(db_session, people, assessment):
    actors, staff = people
    entry = entry_of(db_session, staff["clerk"])
    html = actors["office"].get(f"/semiannualview/show/{assessment.id}").get_data(as_text=True)
    assert f"/semiannualview/explain/{entry.id}#part-ji" in html
    assert f'/semiannualview/explain/{entry.id}#part-ji">35.0</a>' in html  # one decimal
    page = actors["office"].get(f"/semiannualview/explain/{entry.id}")
    assert page.status_code == 200 and 'id="part-lian"' in page.get_data(as_text=True)
    printed = actors["office"].get(f"/semiannualview/print/{assessment.id}")
    assert printed.status_code == 200 and "semiannual-print" in printed.get_data(as_text=True)
    assert "<td>35.0</td>" in printed.get_data(as_text=True)


def test_score_5_pages_state_the_part_maxima_and_bonus_cap_of_the_settings(db_session, people,
                                                                           assessment):
    import re

    from models.settings import RuleSetting

    for key, value in (("semi.part_ji_max", "47"), ("semi.part_de_max", "13"),
                       ("semi.bonus_cap", "8")):
        db_session.scalars(select(RuleSetting).where(RuleSetting.key == key)).one().value = value
    db_session.commit()
    office = people[0]["office"]

    def paragraph(url, element_id):
        html = office.get(url).get_data(as_text=True)
        return re.search(rf'<p id="{element_id}"[^>]*>(.*?)</p>', html, re.S).group(1)

    shown = paragraph(f"/semiannualview/show/{assessment.id}", "semiannual-maxima")
    assert "47" in shown and "13" in shown and "8" in shown and "40" not in shown
    limits = paragraph(f"/semiannualview/entries/{assessment.id}", "semiannual-limits")
    assert "13" in limits and "15" in limits


def test_org_2_clerk_sees_only_own_entry_window_head_the_windows(db_session, people, assessment):
    actors, staff = people
    clerk_entry = entry_of(db_session, staff["clerk"])
    other_entry = entry_of(db_session, staff["other"])
    html = actors["clerk"].get(f"/semiannualview/show/{assessment.id}").get_data(as_text=True)
    assert staff["clerk"].name in html and staff["other"].name not in html
    assert actors["clerk"].get(f"/semiannualview/explain/{other_entry.id}").status_code == 404
    assert actors["clerk"].get(f"/semiannualview/explain/{clerk_entry.id}").status_code == 200
    api = actors["clerk"].get("/api/v1/semiannual/").get_json()
    assert [row["staff"]["id"] for row in api["result"]] == [staff["clerk"].id]
    assert actors["clerk"].get(f"/api/v1/semiannual/{other_entry.id}").status_code == 404
    head = {row["staff"]["id"] for row in actors["head"].get("/api/v1/semiannual/").get_json()["result"]}
    assert head == {staff["clerk"].id, staff["head"].id}
    everyone = actors["leadership"].get("/api/v1/semiannual/?q=(page_size:100)").get_json()
    assert len(everyone["result"]) == 5
    # SCORE-6: institution staff get their own grade names.
    assert other_entry.grade == "qualified"


def test_score_6_lowest_grade_gets_no_assessment_bonus_on_page_print_pdf_and_api(
        db_session, people, assessment):
    """SCORE-6: 不称职 (civil servant) and 不合格 (institution staff) get no assessment bonus;
    every other grade may — said in the grade list, its print and PDF, the explanation and the
    API."""
    actors, staff = people
    give_lowest_grade(db_session, assessment, staff["clerk"], staff["other"])
    assert entry_of(db_session, staff["clerk"]).grade == "incompetent"
    assert entry_of(db_session, staff["other"]).grade == "unqualified"
    expected = {person.id: person.name not in (staff["clerk"].name, staff["other"].name)
                for person in staff.values()}
    office = actors["office"]
    html = office.get(f"/semiannualview/show/{assessment.id}").get_data(as_text=True)
    cells = dict(re.findall(r'<tr data-staff="(\d+)".*?<td class="assessment-bonus">(.*?)</td>',
                            html, re.S))
    assert {int(k): v for k, v in cells.items()} == {
        k: "是" if v else "否" for k, v in expected.items()}
    printed = office.get(f"/semiannualview/print/{assessment.id}").get_data(as_text=True)
    assert printed.count("<td>否</td>") == 2 and printed.count("<td>是</td>") == 3
    pdf = " ".join(pdf_lines(office.get(f"/reports/semiannual/{assessment.id}/grades.pdf")
                             .get_data()))
    assert pdf.count("否") == 2 and pdf.count("是") == 3
    explained = office.get(f"/semiannualview/explain/{entry_of(db_session, staff['clerk']).id}")
    assert 'id="explain-assessment-bonus">否<' in explained.get_data(as_text=True)
    rows = office.get("/api/v1/semiannual/?q=(page_size:100)").get_json()["result"]
    assert {row["staff"]["id"]: row["assessment_bonus_eligible"] for row in rows} == expected
    one = office.get(f"/api/v1/semiannual/{entry_of(db_session, staff['other']).id}").get_json()
    assert one["result"]["grade"] == "unqualified"
    assert one["result"]["assessment_bonus_eligible"] is False


def test_score_6_only_leadership_confirms_and_then_the_assessment_is_frozen(db_session, people,
                                                                            assessment, log_in):
    actors, staff = people
    url = f"/semiannualview/confirm/{assessment.id}"
    show = f"/semiannualview/show/{assessment.id}"
    assert actors["office"].post_form(url, {}, form_url=show).status_code in (302, 403)
    db_session.expire_all()
    assert db_session.get(SemiannualAssessment, assessment.id).state == "draft"
    # Results are Leadership's, as a month's (SCORE-3): the administrator does not confirm.
    assert log_in("Admin").post_form(url, {}, form_url=show).status_code in (302, 403)
    db_session.expire_all()
    assert db_session.get(SemiannualAssessment, assessment.id).state == "draft"
    assert actors["leadership"].post_form(url, {}, form_url=show).status_code == 302
    db_session.expire_all()
    assert db_session.get(SemiannualAssessment, assessment.id).state == "confirmed"
    state = re.search(r'<p id="semiannual-state">(.*?)</p>',
                      actors["office"].get(show).get_data(as_text=True), re.S).group(1)
    assert staff["leadership"].name in state  # who confirmed, by name
    assert actors["leadership"].user.username not in state
    clerk = staff["clerk"]
    actors["office"].post_form(f"/semiannualview/entries/{assessment.id}",
                               {f"manual_de_{clerk.id}": "5"},
                               form_url="/semiannualview/create/")
    assert entry_of(db_session, clerk).de == D(15)
    headers = actors["office"].api_headers()
    response = actors["office"].client.post("/api/v1/semiannual/compute",
                                            json={"year": 2026, "half": 1}, headers=headers)
    assert response.status_code == 422


def test_score_6_api_compute_and_confirm(app, db_session, people):
    """The API's compute is the page's background job (issue #21, tests/api/test_jobs_api.py):
    202, then the worker computes."""
    from app.queue import run_pending

    actors, _staff = people
    office, leadership = actors["office"], actors["leadership"]
    response = office.client.post("/api/v1/semiannual/compute", json={"year": 2026, "half": 1},
                                  headers=office.api_headers())
    assert response.status_code == 202
    run_pending(app)
    status = office.client.get(response.get_json()["status_url"]).get_json()
    assert status["state"] == "done" and status["rows"] == 5
    assert office.client.post("/api/v1/semiannual/confirm", json={"year": 2026, "half": 1},
                              headers=office.api_headers()).status_code == 403
    assert office.client.post("/api/v1/semiannual/compute", json={"year": 2026, "half": 3},
                              headers=office.api_headers()).status_code in (400, 422)
    response = leadership.client.post("/api/v1/semiannual/confirm",
                                      json={"year": 2026, "half": 1, "version": 1},
                                      headers=leadership.api_headers())
    assert response.status_code == 409  # computed since: the version moved on
    version = db_session.scalars(select(SemiannualAssessment)).one().version
    response = leadership.client.post("/api/v1/semiannual/confirm",
                                      json={"year": 2026, "half": 1, "version": version},
                                      headers=leadership.api_headers())
    assert response.status_code == 200 and response.get_json()["state"] == "confirmed"


def test_score_5_api_enters_reporting_like_the_page(db_session, people, assessment):
    """SCORE-5: POST /api/v1/semiannual/entries takes the entry page's fields, reporting among
    them, through the same service: 0 to 5 in steps of 0.1, refused under its field beyond."""
    actors, staff = people
    office, clerk = actors["office"], staff["clerk"]
    url = "/api/v1/semiannual/entries"

    def post(actor, body):
        return actor.client.post(url, json=body, headers=actor.api_headers())

    body = {"year": 2026, "half": 1, "entries": [
        {"staff_id": clerk.id, "reporting": 2.5, "manual_de": 1, "notes": "简报迟报两次"}]}
    response = post(office, body)
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["changed"], response.get_json()["state"]) == (1, "draft")
    entry = entry_of(db_session, clerk)
    assert (entry.de, entry.ji, entry.total, entry.notes) == (D(14), D("32.5"), D("91.5"),
                                                              "简报迟报两次")
    for points, status in ((5.5, 422), (0.25, 422), (-1, 422), ("2", 422), (True, 422)):
        response = post(office, {"year": 2026, "half": 1,
                                 "entries": [{"staff_id": clerk.id, "reporting": points}]})
        assert response.status_code == status, (points, response.get_json())
        assert f"reporting_{clerk.id}" in response.get_json()["message"]
    assert entry_of(db_session, clerk).ji == D("32.5")  # nothing saved
    for bad in ({"year": 2026, "half": 1, "entries": [{"staff_id": clerk.id, "bogus": 1}]},
                {"year": 2026, "half": 1, "entries": {"staff_id": clerk.id}},
                {"year": 2026, "half": 1, "entries": [{"staff_id": clerk.id},
                                                      {"staff_id": clerk.id}]}):
        assert post(office, bad).status_code == 400
    assert post(office, {"year": 2025, "half": 1, "entries": []}).status_code == 404
    assert post(office, {**body, "version": assessment.version - 1}).status_code == 409
    assert post(actors["clerk"], body).status_code == 403
    assert post(actors["leadership"], body).status_code == 403
    response = post(office, {"year": 2026, "half": 1, "entries": [
        {"staff_id": clerk.id, "reporting": 0}]})
    assert response.status_code == 200 and entry_of(db_session, clerk).ji == D(35)


# ORG-2 as a table: role × page → what the role gets (200 the page, 403 refused).
PAGES = ["list", "show", "print", "create", "entries"]
EXPECTED = {
    "Admin": (200, 200, 200, 200, 200),
    "Leadership": (200, 200, 200, 403, 403),
    "Office": (200, 200, 200, 200, 200),
    "SectionHead": (200, 200, 200, 403, 403),
    "WindowHead": (200, 200, 200, 403, 403),
    "Clerk": (200, 200, 200, 403, 403),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_org_2_semiannual_pages_by_role(role, log_in, window_a, db_session, public):
    with transaction(db_session):
        row = compute(db_session, 2026, 1, TODAY, now=NOW)
    actor = log_in(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    urls = ["/semiannualview/list/", f"/semiannualview/show/{row.id}",
            f"/semiannualview/print/{row.id}", "/semiannualview/create/",
            f"/semiannualview/entries/{row.id}"]
    got = tuple(actor.get(url).status_code for url in urls)
    assert got == EXPECTED[role], dict(zip(PAGES, got))
    assert public.get(urls[0]).status_code == 302  # to the login page


def test_score_6_grade_list_says_how_the_excellent_share_came_out(db_session, people, assessment):
    """SCORE-6/7: under the grade list, per scale, the people graded, the 优秀 seats of the
    share and how many got it — so a full score graded 称职 is explained on the page."""
    actors, _staff = people
    html = actors["office"].get(f"/semiannualview/show/{assessment.id}").get_data(as_text=True)
    quota = re.search(r'<ul id="semiannual-quota"[^>]*>(.*?)</ul>', html, re.S).group(1)
    lines = re.findall(r"<li>(.*?)</li>", quota, re.S)
    # 4 civil servants → 0 seats (20 %, floored): all four over 90 are left out; 1 institution.
    numbers = [re.findall(r"\d+", line) for line in lines]
    # people, seats, share %, awarded, left out, threshold
    assert numbers == [["4", "0", "20", "0", "4", "90"], ["1", "0", "20", "0", "1", "90"]]


# --- SCORE-5: nobody enters anything for their own entry (issue #18) ---------------------------
def test_score_5_the_office_cannot_enter_innovation_for_its_own_entry(db_session, people,
                                                                      assessment, log_in):
    """SCORE-5 / issue #18 item 3: on the one form the office member's own row is read-only
    (a forged field of it changes nothing), the API and a praise of oneself are refused with
    SCORE-5; a colleague's row is entered as before."""
    actors, staff = people
    office, me, clerk = actors["office"], staff["office"], staff["clerk"]
    url = f"/semiannualview/entries/{assessment.id}"
    html = office.get(url).get_data(as_text=True)
    assert f'name="innovation_{me.id}"' not in html and f'name="innovation_{clerk.id}"' in html
    assert re.search(rf'<tr data-staff="{me.id}" class="own-entry">', html)
    response = office.post_form(url, {f"innovation_{me.id}": "5", f"innovation_{clerk.id}": "5"})
    assert response.status_code == 302
    assert (entry_of(db_session, me).total, entry_of(db_session, clerk).total) == (D(95), D(100))
    response = office.client.post("/api/v1/semiannual/entries", json={
        "year": 2026, "half": 1, "entries": [{"staff_id": me.id, "innovation": 5}]},
        headers=office.api_headers())
    assert response.status_code == 422
    assert response.get_json()["message"]["staff"]  # the SCORE-5 refusal, under "staff"
    assert entry_of(db_session, me).total == D(95)  # not 100 (the 97)
    show = f"/semiannualview/show/{assessment.id}"
    assert f'<option value="{me.id}">' not in office.get(show).get_data(as_text=True)
    page = office.post_form(f"/semiannualview/praise/{assessment.id}",
                            {"staff_id": str(me.id), "kind": "praise_written", "evidence": "自荐"},
                            form_url=show, follow_redirects=True)
    assert "alert-danger" in page.get_data(as_text=True)
    assert entry_of(db_session, me).bonus == D(0)
    # A colleague of the office enters it.
    colleague = log_in("Office")
    response = colleague.post_form(url, {f"innovation_{me.id}": "5"})
    assert response.status_code == 302 and entry_of(db_session, me).total == D(100)


# --- SCORE-6: a tie across the last 优秀 seat --------------------------------------------------
@pytest.fixture
def tie(db_session, people, assessment, window_a):
    """A fifth civil servant (five: one 优秀 seat); the clerk and the window head both at 100."""
    _actors, staff = people
    db_session.add(Staff(name="周五", window=window_a, category="civil_servant"))
    db_session.commit()
    with transaction(db_session):
        compute(db_session, 2026, 1, TODAY, now=NOW)
        save_entries(db_session, assessment, {staff["clerk"].id: {"innovation": "5"},
                                              staff["head"].id: {"innovation": "5"}}, None)
    return assessment


def test_score_6_the_grade_list_shows_the_tie_and_leadership_chooses_before_confirming(
        db_session, people, tie):
    """SCORE-6: the tie and the seats left on the grade list (and its print and PDF); confirm
    refused while it stands, with the reason; Leadership chooses on the page; then confirms."""
    actors, staff = people
    leadership, office = actors["leadership"], actors["office"]
    show = f"/semiannualview/show/{tie.id}"
    html = leadership.get(show).get_data(as_text=True)
    box = re.search(r'<div class="alert alert-warning semiannual-tie" data-scale="civil_servant" '
                    r'data-seats-left="1">(.*?)</div>', html, re.S).group(1)
    assert staff["clerk"].name in box and staff["head"].name in box and "100.0" in box
    assert f'name="staff_id" value="{staff["clerk"].id}"' in box  # Leadership's choice
    assert 'name="staff_id"' not in office.get(show).get_data(as_text=True).split(
        "semiannual-tie")[1].split("</div>")[0]  # the office sees the tie, does not choose
    # ORG-2: the tie names people and their totals — not shown to a clerk (own entry only).
    clerk_page = actors["clerk"].get(show).get_data(as_text=True)
    assert "semiannual-tie" not in clerk_page and staff["head"].name not in clerk_page
    assert actors["clerk"].get("/api/v1/semiannual/ties?year=2026&half=1").status_code == 403
    printed = office.get(f"/semiannualview/print/{tie.id}").get_data(as_text=True)
    assert re.search(r'<p class="tie">[^<]*' + re.escape(staff["head"].name), printed)
    pdf = " ".join(pdf_lines(office.get(f"/reports/semiannual/{tie.id}/grades.pdf").get_data()))
    assert "由中心领导从中选定后再确认" in pdf  # the tie line (zh_CN) under the list
    page = leadership.post_form(f"/semiannualview/confirm/{tie.id}", {}, form_url=show,
                                follow_redirects=True)
    assert "alert-danger" in page.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(SemiannualAssessment, tie.id).state == "draft"
    assert office.post_form(f"/semiannualview/choose/{tie.id}",
                            {"staff_id": str(staff["head"].id)}, form_url=show).status_code in (302, 403)
    assert entry_of(db_session, staff["head"]).grade == "competent"
    # Issue #20: a choice without its reason is refused; the grade list says who chose and why.
    leadership.post_form(f"/semiannualview/choose/{tie.id}",
                         {"staff_id": str(staff["head"].id)}, form_url=show)
    assert entry_of(db_session, staff["head"]).grade == "competent"
    response = leadership.post_form(f"/semiannualview/choose/{tie.id}",
                                    {"staff_id": str(staff["head"].id),
                                     "reason": "全年无投诉，牵头完成创新项目"}, form_url=show)
    assert response.status_code == 302
    assert entry_of(db_session, staff["head"]).grade == "excellent"
    assert entry_of(db_session, staff["clerk"]).grade == "competent"
    html = leadership.get(show).get_data(as_text=True)
    assert 'class="alert alert-info semiannual-tie"' in html
    box = html.split('class="alert alert-info semiannual-tie"', 1)[1].split("</p>", 1)[0]
    assert "全年无投诉，牵头完成创新项目" in box and "选定" in box
    assert leadership.post_form(f"/semiannualview/confirm/{tie.id}", {},
                                form_url=show).status_code == 302
    db_session.expire_all()
    assert db_session.get(SemiannualAssessment, tie.id).state == "confirmed"


def test_score_6_api_reports_the_tie_and_takes_leadership_s_choice_with_its_reason(db_session, people, tie):
    actors, staff = people
    leadership, office = actors["leadership"], actors["office"]
    answer = office.get("/api/v1/semiannual/ties?year=2026&half=1").get_json()
    [reported] = answer["ties"]
    assert (reported["scale"], reported["seats_left"], reported["resolved"]) == (
        "civil_servant", 1, False)
    assert sorted(reported["staff_ids"]) == sorted([staff["clerk"].id, staff["head"].id])
    body = {"year": 2026, "half": 1}
    response = leadership.client.post("/api/v1/semiannual/confirm", json=body,
                                      headers=leadership.api_headers())
    assert response.status_code == 422
    assert "100.0" in response.get_json()["message"]["chosen"][0]  # the tie, by its total

    def choose(actor, ids, **more):
        return actor.client.post("/api/v1/semiannual/choose",
                                 json={**body, "staff_ids": ids, "reason": "全年无投诉", **more},
                                 headers=actor.api_headers())

    assert choose(office, [staff["clerk"].id]).status_code == 403
    assert choose(leadership, [staff["clerk"].id, staff["head"].id]).status_code == 422
    assert choose(leadership, "x").status_code == 400
    # SCORE-6: the API records why, as the page does — a choice without its reason is refused.
    for blank in ({"reason": None}, {"reason": "  "}):
        response = choose(leadership, [staff["clerk"].id], **blank)
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["message"]["reason"] == ["请填写选定的理由。"]
    response = leadership.client.post("/api/v1/semiannual/choose",
                                      json={**body, "staff_ids": [staff["clerk"].id]},
                                      headers=leadership.api_headers())
    assert response.status_code == 422 and "reason" in response.get_json()["message"]
    assert entry_of(db_session, staff["clerk"]).grade != "excellent"
    assert choose(leadership, [staff["clerk"].id], reason="理" * 1001).status_code == 422  # INPUT-1
    response = choose(leadership, [staff["clerk"].id], reason=" 牵头完成创新项目 ")
    assert response.status_code == 200, response.get_json()
    [answered] = response.get_json()["ties"]
    assert answered["chosen"] == [staff["clerk"].id]
    assert answered["reason"] == "牵头完成创新项目"
    assert answered["chosen_by_id"] == leadership.user.id and answered["chosen_at"]
    assert entry_of(db_session, staff["clerk"]).grade == "excellent"
    chosen = entry_of(db_session, staff["clerk"])
    assert (chosen.tie_choice_reason, chosen.tie_chosen_by_id) == ("牵头完成创新项目",
                                                                   leadership.user.id)
    response = leadership.client.post("/api/v1/semiannual/confirm", json=body,
                                      headers=leadership.api_headers())
    assert response.status_code == 200 and response.get_json()["state"] == "confirmed"


# --- SCORE-5: assessed elsewhere, marked by the administrator --------------------------------------
def test_score_5_only_the_administrator_marks_staff_assessed_elsewhere(app, db_session, people,
                                                                       log_in, assessment):
    actors, staff = people
    leader = staff["leadership"]
    form = {"name": leader.name, "employee_no": "", "unit": "leadership", "window": "",
            "position": "director", "category": "civil_servant", "phone": "",
            "user": str(leader.user_id), "is_active": "y", "clocks_in": "",
            "assessed_elsewhere": "y"}
    url = f"/staffview/edit/{leader.id}"

    def post(actor):
        db_session.expire_all()
        return actor.post_form(url, {**form, "version": str(db_session.get(Staff, leader.id).version)},
                               follow_redirects=True)

    page = post(actors["office"])
    assert "alert-danger" in page.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Staff, leader.id).assessed_elsewhere is False
    post(log_in("Admin"))
    db_session.expire_all()
    assert db_session.get(Staff, leader.id).assessed_elsewhere is True
    show = f"/semiannualview/show/{assessment.id}"
    run_job(app, actors["office"], actors["office"].post_form(
        f"/semiannualview/compute/{assessment.id}", {}, form_url=show))
    html = actors["office"].get(show).get_data(as_text=True)
    assert f'<tr data-staff="{leader.id}"' not in html
    assert leader.name in re.search(r'<p id="semiannual-elsewhere"[^>]*>(.*?)</p>', html,
                                    re.S).group(1)
