"""Issue #21: the month's generations, a month's derivation and large reference imports started
from a page are background jobs on the real queue (Redis in CI, each run its own key prefix;
the worker runs in this process with `run_pending`, or on threads with `execute`): the page is
answered at once with the job's page; the worker runs the same service as the page did, as
the job's user (the policy asked again, audited as them), under the same OPS-1 lock, in one
transaction; the bar shows real progress; a user sees only their own jobs; the same work asked
twice is one job, and work done or running elsewhere is refused with who and when."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select, update

import app.queue as job_queue
import app.services.background as background
from app.queue import queue, run_pending
from app.services.jobs import ATTENDANCE, DEDUCTIONS, exclusive_job
from app.views.jobs import LOGIN_GONE
from models.audit import AuditLog
from models.jobs import DONE, FAILED, QUEUED, BackgroundJob, JobRun
from tests.export_cases import ROWS
from tests.factories import csrf_token, staff_of
from tests.jobs_helpers import job_id_of, run_job

BUSY_RUNNING, BUSY_DONE = "本次未重复启动", "本次未再执行"  # zh_CN of JobBusy's two answers


@pytest.fixture(autouse=True)
def empty_queue(app):
    """Each test starts with this run's queue empty (its own key prefix, conftest.py)."""
    queue(app).storage.flush_all()
    yield


@pytest.fixture
def published(monkeypatch):
    """The percentages the worker publishes while a job runs (what the page's bar reads),
    every step written (no half-second spacing)."""
    monkeypatch.setattr(background, "PROGRESS_INTERVAL", 0)
    seen: list[int] = []
    real = job_queue.publish_progress

    def record(app, job_id, percent):
        seen.append(percent)
        real(app, job_id, percent)

    monkeypatch.setattr(job_queue, "publish_progress", record)
    return seen


def zh(app, message: str, **params) -> str:
    with app.test_request_context(), force_locale("zh_CN"):
        return gettext(message, **params)


def jobs(db_session) -> list[BackgroundJob]:
    db_session.expire_all()
    return list(db_session.scalars(select(BackgroundJob).order_by(BackgroundJob.id)))


def runs(db_session, job: str) -> list[JobRun]:
    db_session.expire_all()
    return list(db_session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


def generate(actor, month: str, form_url: str = "/scoreeventview/list/"):
    return actor.post_form("/scoreeventview/generate", {"month": month}, form_url=form_url)


# --- SCORE-1: the month's automatic deductions -------------------------------------------------
@pytest.fixture
def overdue_case(db_session, window_a):
    """A case of window A past its deadline (2026-10-05) and still open: one SCORE-1 event."""
    from app.services.calendar import refresh_work_days
    from models.cases import Case
    from models.org import Staff
    from tests.factories import residence_permit_item

    refresh_work_days(db_session, date(2026, 11, 30))  # CASE-6 counts working days in SQL
    clerk = Staff(name="张三", window=window_a, unit="window")
    item = residence_permit_item(db_session, window_a, "J-001")
    db_session.add(clerk)
    db_session.commit()
    case = Case(number="BC-2026-000777", case_class="accepted", state="accepted",
                item_id=item.id, window_id=window_a.id, applicant_name="赵六",
                deadline=date(2026, 10, 5), handler_id=clerk.id)
    db_session.add(case)
    db_session.commit()
    return case


def test_issue_21_score_1_the_month_generation_is_a_job_run_as_its_user_with_progress(
        app, as_office, log_in, db_session, overdue_case, published):
    from models.scoring import ScoreEvent

    response = generate(as_office, "2026-10")
    job_id = job_id_of(response)
    page = as_office.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'id="job-progress"' in page and 'id="job-back" href="/scoreeventview/list/"' in page
    assert as_office.get(f"/jobs/{job_id}/status").get_json()["state"] == QUEUED
    assert db_session.scalars(select(ScoreEvent)).all() == [] and runs(db_session, DEDUCTIONS) == []
    # Another Office user neither sees it nor reaches it (a 404, as if it did not exist).
    other = log_in("Office")
    assert other.get(f"/jobs/{job_id}/status").status_code == 404
    assert f'href="/jobs/{job_id}"' not in other.get("/jobs/").get_data(as_text=True)

    assert run_pending(app) == 1
    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    assert (status["state"], status["progress"]) == (DONE, 100), status
    assert status["summary"] == zh(
        app, "%(month)s: %(added)s automatic deductions added, %(updated)s updated, "
             "%(removed)s removed, %(kept)s unchanged.", month="2026-10", added=1, updated=0,
        removed=0, kept=0)
    # Real steps: the five kinds of facts read, each a step of the bar — not 0 then 100.
    assert published == sorted(published) and len([p for p in published if 0 < p < 100]) >= 4
    db_session.expire_all()
    (event,) = db_session.scalars(select(ScoreEvent).where(ScoreEvent.source == "case"))
    assert event.source_id == overdue_case.id
    # OPS-1's record names who started it; AUDIT-1 names them for the event written.
    (run,) = runs(db_session, DEDUCTIONS)
    assert (run.started_by, run.subject, run.outcome) == (as_office.user.username, "2026-10",
                                                          "done")
    (audit,) = db_session.scalars(select(AuditLog).where(AuditLog.model == "ScoreEvent",
                                                         AuditLog.action == "create"))
    assert audit.username == as_office.user.username


def test_issue_21_score_1_the_same_generation_asked_twice_while_queued_is_one_job(
        app, as_office, db_session):
    html = as_office.get("/scoreeventview/list/").get_data(as_text=True)
    form = {"month": "2026-10", "csrf_token": csrf_token(html),
            "opened_at": html.split('name="opened_at" value="')[1].split('"')[0]}
    first = job_id_of(as_office.client.post("/scoreeventview/generate", data=form))
    again = as_office.client.post("/scoreeventview/generate", data=form)
    assert job_id_of(again) == first
    notice = zh(app, "The same work is already under way: here is its progress.")
    assert notice in as_office.get(f"/jobs/{first}").get_data(as_text=True)
    assert len(jobs(db_session)) == 1 and run_pending(app) == 1


def test_issue_21_ops_1_a_generation_done_since_the_page_was_opened_is_not_run_again(
        app, log_in, db_session):
    """Two Office users open the list; the first one's job runs; the second one's job is
    refused with the "already done by … at …" answer naming the first (their name)."""
    first, second = log_in("Office"), log_in("Office")
    forms = []
    for actor in (first, second):
        html = actor.get("/scoreeventview/list/").get_data(as_text=True)
        forms.append({"month": "2026-10", "csrf_token": csrf_token(html),
                      "opened_at": html.split('name="opened_at" value="')[1].split('"')[0]})
    done = run_job(app, first, first.client.post("/scoreeventview/generate", data=forms[0]))
    assert done["state"] == DONE
    told = run_job(app, second, second.client.post("/scoreeventview/generate", data=forms[1]))
    assert told["state"] == FAILED and BUSY_DONE in told["error"], told
    assert staff_of(db_session, first.user).name in told["error"]
    assert [r.outcome for r in runs(db_session, DEDUCTIONS)] == ["done"]


def test_issue_21_ops_1_a_generation_running_elsewhere_refuses_the_job_with_who_and_since_when(
        app, as_office, db_session, other_instance):
    job_id = job_id_of(generate(as_office, "2026-10"))
    with exclusive_job(other_instance, DEDUCTIONS, started_by="cli:deductions",
                       subject="2026-10"):
        run_pending(app)
    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    assert status["state"] == FAILED and BUSY_RUNNING in status["error"], status
    assert "服务器" in status["error"]  # "a command on server …": who holds it
    assert [r.started_by for r in runs(db_session, DEDUCTIONS)] == ["cli:deductions"]


def test_issue_21_score_1_only_the_office_starts_the_generation_and_a_bad_month_starts_none(
        as_clerk, as_office, db_session):
    token = as_clerk.api_headers()["X-CSRFToken"]
    refused = as_clerk.client.post("/scoreeventview/generate",
                                   data={"month": "2026-10", "csrf_token": token})
    assert refused.status_code in (302, 403) and "/jobs/" not in refused.headers.get("Location", "")
    bad = generate(as_office, "2026-13")
    assert bad.status_code == 302 and "/jobs/" not in bad.headers["Location"]
    assert jobs(db_session) == []


def test_issue_21_a_job_whose_login_was_disabled_meanwhile_fails_in_words(
        app, as_office, db_session):
    from flask_appbuilder.security.sqla.models import User

    job_id = job_id_of(generate(as_office, "2026-10"))
    db_session.execute(update(User).where(User.id == as_office.user.id).values(active=False))
    db_session.commit()
    run_pending(app)
    (job,) = jobs(db_session)
    assert job.id == job_id and (job.state, job.error) == (FAILED, zh(app, LOGIN_GONE))
    assert runs(db_session, DEDUCTIONS) == []


def test_issue_21_a_job_whose_user_lost_the_right_meanwhile_is_refused_by_the_policy(
        app, as_office, db_session):
    """The policy is asked again in the worker: an Office user made a Clerk after clicking
    generates nothing."""
    from app.views.jobs import NOT_ALLOWED
    from models.scoring import ScoreEvent

    job_id = job_id_of(generate(as_office, "2026-10"))
    sm = app.appbuilder.sm
    user = sm.get_user_by_id(as_office.user.id)
    user.roles = [sm.find_role("Clerk")]
    sm.update_user(user)
    run_pending(app)
    (job,) = jobs(db_session)  # (the role change signed them out: the row, read directly)
    assert (job.id, job.state, job.error) == (job_id, FAILED, zh(app, NOT_ALLOWED))
    assert runs(db_session, DEDUCTIONS) == [] and db_session.scalars(select(ScoreEvent)).all() == []


# --- SCORE-5/6: the half-year's computation ---------------------------------------------------
def test_issue_21_score_5_the_half_year_is_computed_by_a_job_person_by_person(
        app, as_office, log_in, make_user, db_session, published):
    from app.services.semiannual import create_assessment
    from app.services.transaction import transaction
    from models.semiannual import SemiannualEntry

    for _person in range(6):
        make_user("Clerk")
    with transaction(db_session):
        assessment = create_assessment(db_session, 2026, 1, None)
    show = f"/semiannualview/show/{assessment.id}"
    response = as_office.post_form(f"/semiannualview/compute/{assessment.id}", {}, form_url=show)
    job_id = job_id_of(response)
    assert db_session.scalars(select(SemiannualEntry)).all() == []  # not in the request
    assert log_in("Leadership").get(f"/jobs/{job_id}").status_code == 404
    status = run_job(app, as_office, response)
    people = db_session.scalar(select(func.count(SemiannualEntry.id)).where(
        SemiannualEntry.assessment_id == assessment.id))
    assert people >= 7  # the six clerks and the office user
    assert (status["state"], status["back"]) == (DONE, show)
    assert status["summary"] == zh(app, "Assessment computed: %(count)s people.", count=people)
    # A step per person: the bar moves through the staff, not 0 then 100.
    assert published == sorted(published) and len(set(published) - {0, 100}) >= 5
    (run,) = runs(db_session, "semiannual")
    assert (run.started_by, run.subject) == (as_office.user.username, "2026-H1")


def test_issue_21_score_5_a_clerk_cannot_start_the_computation(as_clerk, db_session):
    from app.services.semiannual import create_assessment
    from app.services.transaction import transaction

    with transaction(db_session):
        assessment = create_assessment(db_session, 2026, 1, None)
    token = as_clerk.api_headers()["X-CSRFToken"]
    response = as_clerk.client.post(f"/semiannualview/compute/{assessment.id}",
                                    data={"csrf_token": token})
    assert response.status_code in (302, 403) and "/jobs/" not in response.headers.get(
        "Location", "")
    assert jobs(db_session) == []


# --- ATT-2/3/4: a month's attendance derived again -------------------------------------------
def test_issue_21_att_2_the_office_derives_a_month_again_as_a_job(app, as_office, db_session,
                                                                  window_a, published):
    from models.attendance import AttendanceDay, ClockRecord
    from models.org import Staff

    person = Staff(name="王五", window=window_a, unit="window", employee_no="5001")
    db_session.add(person)
    db_session.flush()
    db_session.add(ClockRecord(staff_id=person.id, day=date(2026, 10, 12),
                               clocked_at=datetime(2026, 10, 12, 0, 55, tzinfo=timezone.utc),
                               second_of_day=8 * 3600 + 55 * 60))
    db_session.commit()
    page = as_office.get("/clockrecords/import/").get_data(as_text=True)
    assert 'id="attendance-derive-form"' in page
    response = as_office.post_form("/clockrecords/derive", {"month": "2026-10"},
                                   form_url="/clockrecords/import/")
    job_id = job_id_of(response)
    assert db_session.scalars(select(AttendanceDay)).all() == []
    status = run_job(app, as_office, response)
    assert status["state"] == DONE, status
    db_session.expire_all()
    days = db_session.scalar(select(func.count(AttendanceDay.id)).where(
        AttendanceDay.staff_id == person.id))
    assert days > 0  # the person's working days of October, stored
    assert status["summary"] == zh(app, "%(month)s: %(days)s attendance days derived.",
                                   month="2026-10", days=days_of(db_session))
    assert status["back"] == "/attendance/?year=2026&month=10"
    assert any(0 < p < 100 for p in published)
    (run,) = runs(db_session, ATTENDANCE)
    assert (run.started_by, run.subject, run.outcome) == (as_office.user.username, "2026-10",
                                                          "done")
    assert as_office.get(f"/jobs/{job_id}").status_code == 200


def days_of(db_session) -> int:
    from models.attendance import AttendanceDay

    return db_session.scalar(select(func.count(AttendanceDay.id)))


def test_issue_21_att_2_only_the_office_derives_and_the_nightly_lock_is_the_jobs(
        app, as_office, as_clerk, db_session, other_instance):
    token = as_clerk.api_headers()["X-CSRFToken"]
    assert as_clerk.client.post("/clockrecords/derive", data={
        "month": "2026-10", "csrf_token": token}).status_code in (302, 403)
    assert jobs(db_session) == []
    job_id = job_id_of(as_office.post_form("/clockrecords/derive", {"month": "2026-10"},
                                           form_url="/clockrecords/import/"))
    with exclusive_job(other_instance, ATTENDANCE, started_by="cli:nightly"):
        run_pending(app)
    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    assert status["state"] == FAILED and BUSY_RUNNING in status["error"]
    assert zh(app, "the nightly job") in status["error"]


# --- IMPORT-1: a large reference file ---------------------------------------------------------
def staff_csv(count: int, start: int = 7000) -> bytes:
    rows = ["姓名,工号"] + [f"职员{n},{n}" for n in range(start, start + count)]
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture
def import_jobs(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_KB", 0)  # every file is a job
    return app


def upload(actor, kind: str, data: bytes, name: str):
    return actor.post_form(f"/imports/{kind}/", {"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")


def test_issue_21_import_1_a_large_staff_file_is_imported_by_the_worker_row_by_row(
        import_jobs, as_office, db_session, center, published):
    from models.org import Staff

    response = upload(as_office, "staff", staff_csv(30), "staff.csv")
    job_id = job_id_of(response)
    assert db_session.scalar(select(func.count(Staff.id)).where(Staff.employee_no >= "7000")) == 0
    status = run_job(import_jobs, as_office, response)
    assert status["state"] == DONE, status
    assert status["summary"] == zh(import_jobs, "%(added)s added, %(updated)s updated, "
                                                "%(unchanged)s unchanged.",
                                   added=30, updated=0, unchanged=0)
    assert status["back"] == "/imports/staff/"
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Staff.id)).where(Staff.employee_no >= "7000")) == 30
    # Row by row: many steps of the bar, not 0 then 100.
    assert published == sorted(published) and len(set(published) - {0, 100}) >= 10
    # AUDIT-1: the rows are the job's user's.
    imported = [str(i) for i in db_session.scalars(select(Staff.id).where(
        Staff.employee_no >= "7000"))]
    names = set(db_session.scalars(select(AuditLog.username).where(
        AuditLog.model == "Staff", AuditLog.action == "create",
        AuditLog.record_id.in_(imported))))
    assert names == {as_office.user.username}
    # The stashed upload went with the job; another user cannot see the job.
    from pathlib import Path

    uploads = Path(import_jobs.config["JOBS_RESULT_DIR"]) / "uploads"
    assert not [path for path in uploads.iterdir() if path.name.startswith("staff-")]
    assert job_id


def test_issue_21_import_1_a_large_file_with_wrong_rows_fails_naming_them_and_saves_nothing(
        import_jobs, as_office, db_session, center):
    from models.org import Staff

    data = staff_csv(5) + "没有工号,\n".encode()
    status = run_job(import_jobs, as_office, upload(as_office, "staff", data, "staff.csv"))
    assert status["state"] == FAILED, status
    assert status["error"].startswith(zh(
        import_jobs, "Nothing was imported: %(count)s rows are wrong. Correct them and import "
        "the file again.", count=1))
    assert "7" in status["error"]  # the row's number is named
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Staff.id)).where(Staff.employee_no >= "7000")) == 0


def test_issue_21_import_1_a_file_the_import_would_refuse_is_refused_at_once_not_queued(
        import_jobs, as_office, db_session, center):
    for data, name in ((b"\x00\x01 not a workbook", "staff.xls"),
                       (b"PK\x03\x04 a broken zip", "staff.xlsx")):
        page = upload(as_office, "staff", data, name)
        assert page.status_code == 200, name
        assert "alert-danger" in page.get_data(as_text=True), name
    assert jobs(db_session) == []


def test_issue_21_import_1_a_small_file_is_still_imported_in_the_request(
        app, as_office, db_session, center):
    from models.org import Staff

    page = upload(as_office, "staff", staff_csv(2), "staff.csv")
    assert page.status_code == 200 and jobs(db_session) == []
    assert db_session.scalar(select(func.count(Staff.id)).where(Staff.employee_no >= "7000")) == 2


def test_issue_21_import_1_a_clerk_cannot_import(log_in, window_a, db_session, import_jobs):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.client.post("/imports/staff/", data={
        "file": (io.BytesIO(staff_csv(3)), "staff.csv"),
        "csrf_token": clerk.api_headers()["X-CSRFToken"]}, content_type="multipart/form-data")
    assert response.status_code in (302, 403) and "/jobs/" not in response.headers.get(
        "Location", "")
    assert jobs(db_session) == []


# --- Real progress of the exports replayed by the worker and of a large clock file -------------
def test_issue_21_a_replayed_export_reports_its_rows_as_they_are_written(
        app, monkeypatch, other_export, published):
    """The leave register, the complaint register, the attendance month, the window scores:
    the bar moves with the rows written (of those the view counted), not 0 then 100."""
    import app.services.xlsx as xlsx

    case, actor, query = other_export
    monkeypatch.setattr(xlsx, "ROWS_PER_WRITE", 1)  # a step per row (500 in production)
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 0)
    status = run_job(app, actor, actor.get(f"{case.url}?{query}"))
    assert (status["state"], status["rows"]) == (DONE, ROWS), (case.rule, status)
    steps = [p for p in published if 0 < p < 100]
    # The last row written is 99 % until the file is in place (then the job is done: 100 %).
    assert steps == [min(99, row * 100 // ROWS) for row in range(1, ROWS + 1)], case.rule


CLOCKS = (b"employee_no,clocked_at\n1001,2026-11-02 08:07\n1001,2026-11-02 11:35\n"
          b"1001,2026-11-02 13:55\n1001,2026-11-02 17:40\n")


def test_issue_21_att_1_a_large_clock_file_reports_its_rows_checked_then_written(
        app, as_office, db_session, monkeypatch, published):
    import app.services.attendance.clock_import as clock_import
    from models.org import Staff

    db_session.add(Staff(name="张三", employee_no="1001", unit="office"))
    db_session.commit()
    monkeypatch.setattr(clock_import, "PROGRESS_ROWS", 1)  # a step per row (5,000 in production)
    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_KB", 0)
    response = as_office.post_form("/clockrecords/import/",
                                   {"file": (io.BytesIO(CLOCKS), "clock.csv")},
                                   content_type="multipart/form-data")
    status = run_job(app, as_office, response)
    assert (status["state"], status["rows"]) == (DONE, 4), status
    steps = [p for p in published if 0 < p < 100]
    assert steps == sorted(steps) and len(steps) >= 6, published  # rows checked, then written
    assert any(p < 50 for p in steps) and any(p > 50 for p in steps), published
