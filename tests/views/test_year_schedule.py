"""年度节假日安排 through the page: the office enters a newly published year's schedule in one
form; the calendar, the work_day table and the warning banner follow (RULES.md "Calendar",
CASE-3, ORG-2, AUDIT-1). A year with running cases to count again is saved by a background job
(issue #21) on the real queue, run here by `run_pending`."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.queue import queue
from app.services.calendar import load_calendar
from app.services.jobs import WORK_DAYS
from app.services.schedule import RECOMPUTE_DEADLINE
from models.audit import AuditLog
from models.cases import CaseTransition, WorkDay
from models.jobs import DONE, BackgroundJob, JobRun
from models.settings import Holiday
from tests.jobs_helpers import job_id_of, run_job

URL = "/yearschedule/"
# Illustrative: the official 2027 schedule is not published yet (chinesecalendar 1.11.0 knows
# years up to 2026), which is exactly the case the page is for.
SCHEDULE_2027 = """元旦 2027-01-01 2027-01-03
春节 2027-02-06 2027-02-13
调休上班 2027-02-14
国庆节 2027-10-01 2027-10-07
国庆节调休上班 2027-09-26
"""


@pytest.fixture(autouse=True)
def empty_queue(app):
    """Each test starts with this run's queue empty (its own key prefix, conftest.py)."""
    queue(app).storage.flush_all()


def jobs(db_session) -> list[BackgroundJob]:
    db_session.expire_all()
    return list(db_session.scalars(select(BackgroundJob)))


@pytest.fixture
def today(center_now):
    """Late 2026: the 2027 schedule is within the banner's look-ahead."""
    center_now(date(2026, 12, 1))


def holidays(db_session) -> list[tuple[str, str, str]]:
    db_session.expire_all()
    return [(h.day.isoformat(), h.kind, h.name)
            for h in db_session.scalars(select(Holiday).order_by(Holiday.day))]


def banners(html: str) -> list[str]:
    return re.findall(r'calendar-warning"[^>]*>(.*?)</div>', html, flags=re.S)


def test_calendar_office_enters_the_2027_schedule_and_the_work_calendar_follows(
        as_office, db_session, today):
    response = as_office.post_form(URL, {"year": "2027", "entries": SCHEDULE_2027})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert len(holidays(db_session)) == 3 + 8 + 1 + 7 + 1
    calendar = load_calendar(db_session)
    assert not calendar.is_working_day(date(2027, 10, 4))  # a Monday inside National Day
    assert not calendar.is_working_day(date(2027, 2, 8))  # a Monday inside Spring Festival
    assert calendar.is_working_day(date(2027, 9, 26))  # an adjusted working Sunday
    assert calendar.is_working_day(date(2027, 10, 8))
    # CASE-3 across the holiday, Thu 09-30 not counted: Fri 10-08 (1), Mon 10-11 (2).
    assert calendar.add_working_days(date(2027, 9, 30), 2) == date(2027, 10, 11)
    # The work_day table (SQL overdue counts, CASE-6) follows in the same transaction.
    work_days = {d.day: d.working for d in db_session.scalars(
        select(WorkDay).where(WorkDay.day.in_([date(2027, 10, 4), date(2027, 9, 26)])))}
    assert work_days == {date(2027, 10, 4): False, date(2027, 9, 26): True}
    page = as_office.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-day="2027-09-26" data-kind="workday"' in page
    assert "国庆节 2027-10-01 2027-10-07" in page  # the form shows the year as text again


def test_calendar_banner_for_the_missing_year_disappears_once_it_is_entered(as_office, db_session, today):
    before = banners(as_office.get(URL).get_data(as_text=True))
    assert any("2027" in b for b in before)
    as_office.post_form(URL, {"year": "2027", "entries": SCHEDULE_2027})
    after = banners(as_office.get("/").get_data(as_text=True))
    assert not any("2027" in b for b in after)


def _post_a_bad_line_6(as_office) -> None:
    """Post the 2027 schedule with a sixth line that ends before it starts: the page answers
    again with the line's message next to the field."""
    bad = SCHEDULE_2027 + "国庆节 2027-10-07 2027-10-01\n"
    response = as_office.post_form(URL, {"year": "2027", "entries": bad})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if 'name="entries"' in r)
    assert "field-error" in row and "6" in row and "2027-10-01" in row

def test_calendar_a_bad_line_shows_its_message_and_saves_nothing(as_office, db_session, today):
    db_session.add(Holiday(day=date(2027, 5, 3), kind="holiday", name="劳动节"))
    db_session.commit()
    _post_a_bad_line_6(as_office)
    assert holidays(db_session) == [("2027-05-03", "holiday", "劳动节")]


def test_calendar_a_date_outside_the_year_is_refused(as_office, db_session, today):
    response = as_office.post_form(URL, {"year": "2027", "entries": "元旦 2026-12-31 2027-01-01"})
    assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)
    assert holidays(db_session) == []


def test_calendar_saving_replaces_that_years_entries_only_and_is_audited(as_office, db_session, today):
    db_session.add_all([Holiday(day=date(2026, 12, 31), kind="holiday", name="停电闭厅"),
                        Holiday(day=date(2027, 5, 3), kind="holiday", name="劳动节"),
                        Holiday(day=date(2027, 10, 1), kind="holiday", name="国庆")])
    db_session.commit()
    seen = db_session.scalar(select(func.max(AuditLog.id)))
    as_office.post_form(URL, {"year": "2027", "entries": "国庆节 2027-10-01 2027-10-02"})
    assert holidays(db_session) == [("2026-12-31", "holiday", "停电闭厅"),
                                    ("2027-10-01", "holiday", "国庆节"),
                                    ("2027-10-02", "holiday", "国庆节")]
    audited = db_session.scalars(select(AuditLog.action).where(
        AuditLog.model == "Holiday", AuditLog.id > seen)).all()
    assert sorted(audited) == ["create", "delete", "update"]  # 10-02 added, 05-03 gone, 10-01 renamed


def test_calendar_the_form_starts_from_the_years_current_entries(as_office, db_session, today):
    db_session.add_all([Holiday(day=date(2027, 10, d), kind="holiday", name="国庆节") for d in range(1, 8)]
                       + [Holiday(day=date(2027, 9, 26), kind="workday", name="调休上班")])
    db_session.commit()
    page = as_office.get(URL + "?year=2027").get_data(as_text=True)
    assert "国庆节 2027-10-01 2027-10-07\n调休上班 2027-09-26" in page
    # Saved back unchanged, nothing changes (and nothing is audited).
    seen = db_session.scalar(select(func.max(AuditLog.id)))
    as_office.post_form(URL, {"year": "2027", "entries": "国庆节 2027-10-01 2027-10-07\n调休上班 2027-09-26"})
    assert db_session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.model == "Holiday", AuditLog.id > seen)) == 0
    assert len(holidays(db_session)) == 8


@pytest.mark.parametrize("role, status", [
    ("Admin", 200), ("Office", 200), ("Leadership", 403), ("SectionHead", 403),
    ("WindowHead", 403), ("Clerk", 403), (None, 302),
])
def test_org_2_only_office_and_admin_enter_a_year_schedule(role, status, log_in, public, window_a,
                                                          db_session, today):
    client = public if role is None else log_in(
        role, window=window_a if role in ("WindowHead", "Clerk") else None).client
    assert client.get(URL).status_code == status
    if role is not None:
        home = client.get("/").get_data(as_text=True)
        assert ('href="/yearschedule/"' in home) == (status == 200)


def test_org_2_a_clerk_cannot_post_a_schedule(log_in, window_a, db_session, today):
    _running_case(db_session, window_a, date(2027, 9, 28))  # what would make it a job
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(URL, {"year": "2027", "entries": SCHEDULE_2027},
                               form_url="/resetmypassword/form")
    assert response.status_code == 403 and holidays(db_session) == []
    assert jobs(db_session) == []


def _running_case(db_session, window, accepted_on: date):
    from app.actor import Actor
    from app.services.cases import Applicant, Intake, register_intake
    from tests.factories import clock_on, residence_permit_item

    item = residence_permit_item(db_session, window)
    case = register_intake(db_session, Intake(item_id=item.id, case_class="accepted",
                                              applicant=Applicant(name="王五"),
                                              received={m.id: 1 for m in item.materials}),
                           Actor(username="clerk01"), clock_on(accepted_on))
    db_session.commit()
    return case


def test_case_3_issue_21_entering_the_schedule_moves_running_deadlines_in_a_job(
        app, as_office, db_session, window_a, today):
    case = _running_case(db_session, window_a, date(2027, 9, 28))
    # The statutory fallback until the schedule is known: 09-29, 09-30, (Fri 10-01 National
    # Day), 10-04, 10-05, 10-06.
    assert case.deadline == date(2027, 10, 6)
    response = as_office.post_form(URL, {"year": "2027", "entries": SCHEDULE_2027})
    job_id = job_id_of(response)  # the page answers at once with the job's page
    page = as_office.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'id="job-back" href="/yearschedule/?year=2027"' in page
    assert "保存年度节假日安排并重算在办期限" in page  # the job's kind, in zh_CN
    db_session.expire_all()
    assert holidays(db_session) == [] and case.deadline == date(2027, 10, 6)  # nothing yet

    status = run_job(app, as_office, response)
    assert status["state"] == DONE, status
    assert "已按新的节假日安排重新计算 1 件在办办件的办结期限。" in status["summary"]
    db_session.expire_all()
    # Tue 09-28 not counted: 09-29, 09-30, Fri 10-08 (National Day 10-01…10-07), Mon 10-11, Tue 10-12.
    assert case.deadline == date(2027, 10, 12)
    assert len(holidays(db_session)) == 3 + 8 + 1 + 7 + 1
    # OPS-1's record and the history line name the office user who saved (AUDIT-1).
    (run,) = db_session.scalars(select(JobRun).where(JobRun.job == WORK_DAYS))
    assert (run.started_by, run.subject, run.outcome) == (as_office.user.username, "2027", "done")
    (line,) = db_session.scalars(select(CaseTransition).where(
        CaseTransition.case_id == case.id, CaseTransition.action == RECOMPUTE_DEADLINE))
    assert line.username == as_office.user.username
    page = as_office.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    # The case's history (CASE-4) shows the change, named in zh_CN.
    assert "按节假日安排重新计算办结期限" in page and "2027-10-06 → 2027-10-12" in page


def test_case_3_issue_21_a_bad_line_with_running_cases_is_shown_at_once_and_queues_nothing(
        as_office, db_session, window_a, today):
    _running_case(db_session, window_a, date(2027, 9, 28))
    _post_a_bad_line_6(as_office)
    assert jobs(db_session) == [] and holidays(db_session) == []


def test_case_3_issue_21_a_schedule_job_whose_user_lost_the_right_meanwhile_saves_nothing(
        app, as_office, db_session, window_a, today):
    """The policy is asked again in the worker: an Office user made a Clerk after saving."""
    from app.queue import run_pending
    from app.views.jobs import NOT_ALLOWED
    from flask_babel import force_locale, gettext

    case = _running_case(db_session, window_a, date(2027, 9, 28))
    job_id = job_id_of(as_office.post_form(URL, {"year": "2027", "entries": SCHEDULE_2027}))
    sm = app.appbuilder.sm
    user = sm.get_user_by_id(as_office.user.id)
    user.roles = [sm.find_role("Clerk")]
    sm.update_user(user)
    run_pending(app)
    (job,) = jobs(db_session)
    with app.test_request_context(), force_locale("zh_CN"):
        refused = gettext(NOT_ALLOWED)
    assert (job.id, job.error) == (job_id, refused)
    assert holidays(db_session) == [] and case.deadline == date(2027, 10, 6)


def test_case_3_issue_21_a_single_holiday_entry_moves_running_deadlines_in_a_job(
        app, as_office, db_session, window_a, today):
    case = _running_case(db_session, window_a, date(2027, 3, 1))  # Mon: due Mon 03-08
    seen = db_session.scalar(select(func.max(AuditLog.id)))
    response = as_office.post_form("/holidayview/add", {"day": "2027-03-03", "kind": "holiday",
                                                         "name": "本地停办"})
    job_id = job_id_of(response)  # the page answers at once with the job's page
    page = as_office.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'id="job-back" href="/holidayview/list/"' in page
    assert "保存节假日条目并重算在办期限" in page  # the job's kind, in zh_CN
    assert "由后台任务保存" in page  # the flash says so, not "added"
    assert holidays(db_session) == [] and case.deadline == date(2027, 3, 8)  # nothing yet

    status = run_job(app, as_office, response)
    assert status["state"] == DONE, status
    assert status["summary"] == ("节假日条目 2027-03-03 已保存。 "
                                 "已按新的节假日安排重新计算 1 件在办办件的办结期限。")
    db_session.expire_all()
    assert holidays(db_session) == [("2027-03-03", "holiday", "本地停办")]
    assert case.deadline == date(2027, 3, 9)  # as the page did in the request before
    # AUDIT-1 and OPS-1 name the office user, as when the page saved it itself.
    (audit,) = db_session.scalars(select(AuditLog).where(AuditLog.model == "Holiday",
                                                          AuditLog.id > seen))
    assert (audit.action, audit.username) == ("create", as_office.user.username)
    (run,) = db_session.scalars(select(JobRun).where(JobRun.job == WORK_DAYS))
    assert (run.started_by, run.subject, run.outcome) == (as_office.user.username, "2027", "done")


def test_case_3_issue_21_editing_and_deleting_a_holiday_entry_move_running_deadlines_back(
        app, as_office, db_session, window_a, today):
    entry = Holiday(day=date(2027, 3, 3), kind="holiday", name="本地停办")
    db_session.add(entry)
    db_session.commit()
    entry_id = entry.id
    case = _running_case(db_session, window_a, date(2027, 3, 1))
    assert case.deadline == date(2027, 3, 9)  # Wed 03-03 closed
    seen = db_session.scalar(select(func.max(AuditLog.id)))
    moved = as_office.post_form(f"/holidayview/edit/{entry.id}",
                                {"day": "2027-03-10", "kind": "holiday", "name": "本地停办"})
    db_session.expire_all()
    assert entry.day == date(2027, 3, 3)  # the request saved nothing
    assert run_job(app, as_office, moved)["state"] == DONE
    db_session.expire_all()
    assert entry.day == date(2027, 3, 10)
    assert case.deadline == date(2027, 3, 8)  # the closure now lies after the deadline
    (audit,) = db_session.scalars(select(AuditLog).where(AuditLog.model == "Holiday",
                                                          AuditLog.id > seen))
    assert audit.action == "update" and audit.username == as_office.user.username
    assert "2027-03-03" in audit.changes and "2027-03-10" in audit.changes  # before, after
    back = as_office.post_form(f"/holidayview/edit/{entry.id}",
                               {"day": "2027-03-03", "kind": "holiday", "name": "本地停办"})
    assert run_job(app, as_office, back)["state"] == DONE
    db_session.expire_all()
    assert case.deadline == date(2027, 3, 9)
    deleted = as_office.post_form(f"/holidayview/delete/{entry.id}", {},
                                  form_url="/holidayview/list/")
    assert db_session.get(Holiday, entry.id) is not None
    status = run_job(app, as_office, deleted)
    assert status["state"] == DONE and status["summary"].startswith("节假日条目已删除。")
    db_session.expire_all()
    assert db_session.get(Holiday, entry_id) is None and case.deadline == date(2027, 3, 8)


def test_case_3_issue_21_a_holiday_entry_changed_meanwhile_is_not_saved_by_its_job(
        app, as_office, db_session, window_a, today):
    """Issue #9 in the job: the row's version the form was read with must still be its."""
    entry = Holiday(day=date(2027, 3, 3), kind="holiday", name="本地停办")
    db_session.add(entry)
    db_session.commit()
    case = _running_case(db_session, window_a, date(2027, 3, 1))
    response = as_office.post_form(f"/holidayview/edit/{entry.id}",
                                   {"day": "2027-03-10", "kind": "holiday", "name": "本地停办"})
    entry.name = "停电闭厅"  # someone else, before the worker takes the job
    db_session.commit()
    status = run_job(app, as_office, response)
    assert status["state"] == "failed" and "他人修改" in status["error"], status
    db_session.expire_all()
    assert (entry.day, entry.name) == (date(2027, 3, 3), "停电闭厅")
    assert case.deadline == date(2027, 3, 9)


def test_case_3_issue_21_a_wrong_holiday_entry_is_shown_at_once_and_queues_nothing(
        as_office, db_session, window_a, today):
    db_session.add(Holiday(day=date(2027, 3, 3), kind="holiday", name="本地停办"))
    db_session.commit()
    case = _running_case(db_session, window_a, date(2027, 3, 1))
    for data, field, message in (
            ({"day": "2027-03-03", "kind": "holiday", "name": "另一条"}, "day",  # a day taken
             "2027-03-03 已有一条节假日条目，请编辑那一条。"),
            ({"day": "2027-03-04", "kind": "holiday", "name": ""}, "name", "该字段是必填字段。")):
        response = as_office.post_form("/holidayview/add", data)
        assert response.status_code == 200, data
        html = response.get_data(as_text=True)
        row = next(r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S)
                   if f'name="{field}"' in r)
        assert "alert-danger" in row and message in row, row
    assert jobs(db_session) == [] and len(holidays(db_session)) == 1
    assert case.deadline == date(2027, 3, 9)


@pytest.mark.parametrize("door", ["add", "edit", "delete"])
def test_org_2_issue_21_a_clerk_cannot_change_a_holiday_entry_nor_queue_its_job(
        door, log_in, db_session, window_a, today):
    entry = Holiday(day=date(2027, 3, 3), kind="holiday", name="本地停办")
    db_session.add(entry)
    db_session.commit()
    _running_case(db_session, window_a, date(2027, 3, 1))  # what would make it a job
    clerk = log_in("Clerk", window=window_a)
    url = {"add": "/holidayview/add", "edit": f"/holidayview/edit/{entry.id}",
           "delete": f"/holidayview/delete/{entry.id}"}[door]
    response = clerk.post_form(url, {"day": "2027-03-10", "kind": "holiday", "name": "x"},
                               form_url="/resetmypassword/form")
    assert response.status_code == 403
    assert jobs(db_session) == [] and holidays(db_session) == [("2027-03-03", "holiday", "本地停办")]


def test_case_3_issue_21_an_entry_of_a_year_without_running_cases_is_saved_at_once(
        as_office, db_session, window_a, today):
    _running_case(db_session, window_a, date(2027, 3, 1))  # running through 2027 only
    response = as_office.post_form("/holidayview/add", {"day": "2028-03-03", "kind": "holiday",
                                                         "name": "本地停办"})
    assert response.status_code == 302 and "/jobs/" not in response.headers["Location"]
    assert jobs(db_session) == [] and holidays(db_session) == [("2028-03-03", "holiday", "本地停办")]
    assert db_session.scalar(select(WorkDay.working).where(WorkDay.day == date(2028, 3, 3))) \
        is False


# --- OPS-1: an entry saved at once takes the work_day lock, as the schedule page does --------------
def _alerts(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(
        r'<div class="alert alert-\w+">\s*<button[^>]*>&times;</button>(.*?)</div>', html, flags=re.S)]


@pytest.mark.parametrize("door", ["add", "edit", "delete"])
def test_ops_1_a_holiday_entry_is_not_saved_while_the_work_days_are_rebuilt(
        door, as_office, db_session, other_instance, today):
    """OPS-1: the in-request save of an entry (a year without running cases) rebuilds the
    work_day table like the year schedule page and the nightly job: while they hold the lock,
    nothing is saved and the user is told what the schedule page tells (by whom, since when)."""
    from app.services.jobs import NIGHTLY, exclusive_job, local_time

    entry = Holiday(day=date(2028, 3, 3), kind="holiday", name="本地停办")
    db_session.add(entry)
    db_session.commit()
    entry_id = entry.id
    url, data = {
        "add": ("/holidayview/add", {"day": "2028-03-06", "kind": "holiday", "name": "停电闭厅"}),
        "edit": (f"/holidayview/edit/{entry_id}",
                 {"day": "2028-03-06", "kind": "holiday", "name": "本地停办"}),
        "delete": (f"/holidayview/delete/{entry_id}", {})}[door]
    with exclusive_job(other_instance, WORK_DAYS, started_by=NIGHTLY, subject=None,
                       run_date=date(2026, 12, 1)):
        (run,) = db_session.scalars(select(JobRun).where(JobRun.job == WORK_DAYS))
        response = as_office.post_form(url, data, form_url="/holidayview/list/",
                                       follow_redirects=True)
        schedule = as_office.post_form(URL, {"year": "2028", "entries": "本地停办 2028-03-06"},
                                       follow_redirects=True)
    assert response.status_code == 200
    told = f"正在进行中：由夜间任务于 {local_time(run.started_at)} 启动，本次未重复启动；完成后请刷新页面查看结果。"
    assert told in _alerts(response.get_data(as_text=True))
    assert told in _alerts(schedule.get_data(as_text=True))  # the schedule page says the same
    assert holidays(db_session) == [("2028-03-03", "holiday", "本地停办")]  # nothing saved
    assert db_session.scalar(select(WorkDay.working).where(WorkDay.day == date(2028, 3, 6))) \
        is not False  # the work_day table untouched
    assert db_session.scalar(select(func.count(JobRun.id))) == 1  # the nightly run's only


def test_ops_1_a_holiday_entry_saved_at_once_holds_the_work_day_lock_and_records_its_run(
        as_office, db_session, window_a, today):
    """OPS-1: the save took the lock (its run is recorded under the user, for the entry's
    year) and let it go once committed: the nightly run may take it right after."""
    from app.services.jobs import job_lock

    response = as_office.post_form("/holidayview/add", {"day": "2028-03-03", "kind": "holiday",
                                                         "name": "本地停办"})
    assert response.status_code == 302 and "/jobs/" not in response.headers["Location"]
    assert holidays(db_session) == [("2028-03-03", "holiday", "本地停办")]
    (run,) = db_session.scalars(select(JobRun).where(JobRun.job == WORK_DAYS))
    assert (run.started_by, run.subject, run.outcome) == (as_office.user.username, "2028", "done")
    with job_lock(db_session.get_bind(), WORK_DAYS) as taken:
        assert taken  # let go


def test_ops_1_a_holiday_entry_that_fails_to_save_records_its_run_failed_and_unlocks(
        as_office, db_session, monkeypatch, today):
    """OPS-1: an entry whose write fails (here: someone else locking the work_day rows, a
    Conflict) is not saved; its run is recorded as failed and the lock let go."""
    from app.services.jobs import job_lock
    from app.services.transaction import Conflict
    import app.views.settings as settings

    def locked(*_args):
        raise Conflict("work_day rows locked")

    monkeypatch.setattr(settings, "refresh_work_days", locked)
    response = as_office.post_form("/holidayview/add", {"day": "2028-03-03", "kind": "holiday",
                                                         "name": "本地停办"})
    assert response.status_code == 302
    assert holidays(db_session) == []
    (run,) = db_session.scalars(select(JobRun).where(JobRun.job == WORK_DAYS))
    assert (run.started_by, run.subject, run.outcome) == (as_office.user.username, "2028", "failed")
    with job_lock(db_session.get_bind(), WORK_DAYS) as taken:
        assert taken
