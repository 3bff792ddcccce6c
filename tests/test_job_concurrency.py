"""OPS-1 (issue #18): jobs run once per night and generations one at a time — with real
processes and real threads, on SQLite and on PostgreSQL (DATABASE_URL).

- Two `flask --app run bianmin nightly` processes started together for the same night: each job
  is done by exactly one of them (the other says it skipped it), recorded once; a third run
  later that night skips everything.
- Simultaneous generations from pages (rota, meetings): exactly one runs, the others get the
  "already running / already done by … at …" flash, no duplicate rows, no 500. Deductions and
  the semi-annual computation are background jobs (issue #21): one job per page, run at once
  on worker threads — one generates, the others end failed with the same message. The API's computation: one 200, the others 409 with the message.
- Simultaneous attendance derivations: one runs, the others are refused (JobBusy).

The threads are released together by a barrier; nothing here waits for time to pass.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.jobs import ATTENDANCE, JobBusy, exclusive_job, local_time
from app.services.transaction import transaction
from models.jobs import JobRun
from tests.factories import access_token, csrf_token

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 10
THREADS = 3
NIGHTLY_JOBS = ("work-days", "attendance", "deductions")
BUSY_MARKS = ("本次未重复启动", "本次未再执行")  # zh_CN of JobBusy's two answers


def job_runs(db_session, **where) -> list[JobRun]:
    db_session.expire_all()
    return list(db_session.scalars(select(JobRun).filter_by(**where).order_by(JobRun.id)))


# --- Two nightly processes -------------------------------------------------------------------------
def flask_command(*args: str) -> list[str]:
    flask = Path(sys.executable).with_name("flask")
    head = [str(flask)] if flask.exists() else [sys.executable, "-m", "flask"]
    return [*head, "--app", "run", "bianmin", *args]


def start_nightly(night: str) -> subprocess.Popen:
    """`flask --app run bianmin nightly` in a process of its own, on the test database (the
    `app` fixture put DATABASE_URL and BIANMIN_INSTANCE in the environment)."""
    return subprocess.Popen(flask_command("nightly", "--date", night), cwd=ROOT,
                            env={**os.environ, "FLASK_DEBUG": "0"}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen) -> tuple[int, list[str], str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out.strip().splitlines(), err


def test_ops_1_two_nightly_processes_started_together_run_each_job_once(app, db_session):
    db_session.commit()  # no transaction of the test's own open while the processes write
    for night in ("2026-10-12", "2026-10-13"):
        processes = [start_nightly(night) for _ in range(2)]
        results = [finish(process) for process in processes]
        for code, lines, err in results:
            assert code == 0, (lines, err[-2000:])
            assert len(lines) == len(NIGHTLY_JOBS), lines
        for name in NIGHTLY_JOBS:
            said = [line for _code, lines, _err in results for line in lines
                    if line.startswith(f"{name}: ")]
            assert sorted(s.split(",")[0] for s in said) == [
                f"{name}: done for {night}", f"{name}: skipped"], said
        rows = job_runs(db_session, nightly=True, run_date=date.fromisoformat(night))
        assert sorted((r.job, r.outcome, r.attempts) for r in rows) == sorted(
            (name, "done", 1) for name in NIGHTLY_JOBS)
    # Later that night, a third runner: everything is done already.
    code, lines, err = finish(start_nightly("2026-10-13"))
    assert code == 0, err[-2000:]
    assert [line.split(",")[0] for line in lines] == [f"{name}: skipped" for name in NIGHTLY_JOBS]
    assert all("already done for 2026-10-13" in line for line in lines)
    assert len(job_runs(db_session)) == 2 * len(NIGHTLY_JOBS)


# --- Pages: simultaneous generations ---------------------------------------------------------------
@pytest.fixture
def office_clients(log_in):
    """Three Office users, each signed in with a client of their own."""
    return [log_in("Office") for _ in range(THREADS)]


def opened_at_of(html: str) -> str:
    match = re.search(r'name="opened_at" value="([^"]+)"', html)
    assert match, "the generate form carries no opened_at"
    return match.group(1)


def page_race(actors, form_url: str, post_url: str, data: dict) -> list[tuple[int, str]]:
    """Each actor opens `form_url`, then all post its generate form at once (a barrier); each
    one's status and the page it is sent back to (with the flash)."""
    forms = []
    for actor in actors:
        html = actor.get(form_url).get_data(as_text=True)
        forms.append({**data, "csrf_token": csrf_token(html), "opened_at": opened_at_of(html)})
    barrier = threading.Barrier(len(actors))
    results: list = [None] * len(actors)

    def send(index: int) -> None:
        client = actors[index].client
        barrier.wait(timeout=60)
        try:
            response = client.post(post_url, data=forms[index])
        except Exception as error:  # noqa: BLE001 — TESTING lets a 500's error through: the assertion shows it
            results[index] = (500, repr(error))
            return
        page = client.get(response.location) if response.status_code == 302 else response
        results[index] = (response.status_code, page.get_data(as_text=True))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(actors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert all(result is not None for result in results), "a request did not finish"
    return results


def assert_one_ran(results, db_session, job: str, subject: str) -> None:
    assert [status for status, _html in results] == [302] * len(results), [
        html[:300] for status, html in results if status != 302]
    refused = [html for _status, html in results if any(mark in html for mark in BUSY_MARKS)]
    assert len(refused) == len(results) - 1, "exactly one generation runs"
    runs = job_runs(db_session, job=job, subject=subject)
    assert [(r.outcome, r.attempts) for r in runs] == [("done", 1)], runs


def job_race(app, actors, form_url: str, post_url: str, data: dict) -> list:
    """Issue #21: a generation started from a page is a background job. Each actor opens
    `form_url` and all post at once (`page_race`): each is sent to the page of a job of their
    own. Then the worker runs those jobs on as many threads at once (a barrier), as several
    workers would: each job's final row."""
    from app.extensions import db
    from models.jobs import BackgroundJob

    with app.app_context():
        before = db.session.scalar(select(func.max(BackgroundJob.id))) or 0
    results = page_race(actors, form_url, post_url, data)
    assert [status for status, _html in results] == [302] * len(results), results
    assert all('id="job-progress"' in html for _status, html in results)
    with app.app_context():
        job_ids = list(db.session.scalars(select(BackgroundJob.id).where(
            BackgroundJob.id > before).order_by(BackgroundJob.id)))
    assert len(job_ids) == len(actors), "one job per user"
    return jobs_run_at_once(app, job_ids)


def jobs_run_at_once(app, job_ids: list[int]) -> list:
    """The worker runs `job_ids` on as many threads at once (a barrier), as several workers
    would: each job's final row."""
    from app.extensions import db
    from app.queue import execute, run_pending
    from models.jobs import BackgroundJob

    barrier = threading.Barrier(len(job_ids))

    def work(job_id: int) -> None:
        with app.app_context():
            barrier.wait(timeout=60)
            execute(app, job_id)

    threads = [threading.Thread(target=work, args=(job_id,)) for job_id in job_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    run_pending(app)  # their queued tasks: each job was run already, so each is skipped
    with app.app_context():
        db.session.expire_all()
        jobs = list(db.session.scalars(select(BackgroundJob).where(
            BackgroundJob.id.in_(job_ids))))
        db.session.remove()
    return jobs


def assert_one_job_ran(jobs, db_session, job: str, subject: str) -> None:
    assert sorted(j.state for j in jobs) == ["done"] + ["failed"] * (len(jobs) - 1), [
        (j.state, j.error) for j in jobs]
    for refused in (j for j in jobs if j.state == "failed"):
        assert any(mark in refused.error for mark in BUSY_MARKS), refused.error
    runs = job_runs(db_session, job=job, subject=subject)
    assert [(r.outcome, r.attempts) for r in runs] == [("done", 1)], runs


@pytest.fixture
def overdue_case_in(db_session, window_a):
    """`overdue_case_in(year, month)`: a case past its deadline (the 5th) and still open."""
    from app.services.calendar import refresh_work_days
    from models.cases import Case
    from models.org import Staff
    from tests.factories import residence_permit_item

    refresh_work_days(db_session, date(2026, 11, 30))  # CASE-6 counts working days in SQL
    clerk = Staff(name="张三", window=window_a, unit="window")
    item = residence_permit_item(db_session, window_a, "J-001")
    db_session.add(clerk)
    db_session.commit()

    def make(year: int, month: int) -> Case:
        case = Case(number=f"BC-{year}-{month:06d}", case_class="accepted", state="accepted",
                    item_id=item.id, window_id=window_a.id, applicant_name="赵六",
                    deadline=date(year, month, 5), handler_id=clerk.id)
        db_session.add(case)
        db_session.commit()
        return case

    return make


def test_ops_1_simultaneous_deduction_generations_run_once_the_others_are_told(
        app, db_session, office_clients, overdue_case_in):
    """Issue #21: each page's generation is a job; the jobs run at once on worker threads:
    one generates, the others end with the "already running / done by … at …" message."""
    from models.scoring import ScoreEvent

    for month in range(1, ROUNDS + 1):  # 2025-01 … 2025-10, months long past
        case = overdue_case_in(2025, month)
        subject = f"2025-{month:02d}"
        jobs = job_race(app, office_clients, "/scoreeventview/list/", "/scoreeventview/generate",
                        {"month": subject})
        assert_one_job_ran(jobs, db_session, "deductions", subject)
        events = db_session.scalars(select(ScoreEvent.source_key).where(
            ScoreEvent.source == "case", ScoreEvent.source_id == case.id)).all()
        assert len(events) == 1, events  # the overdue case's one event, not two


def test_ops_1_simultaneous_rota_generations_run_once_the_others_are_told(
        db_session, office_clients, make_user):
    from app.services.roster import set_duty_order
    from models.org import Staff
    from models.roster import DutyShift

    users = [make_user("Clerk") for _ in range(3)]
    with transaction(db_session):
        set_duty_order(db_session, [db_session.scalars(select(Staff.id).where(
            Staff.user_id == user.id)).one() for user in users])
    for month in range(1, ROUNDS + 1):
        subject = f"2026-{month:02d}"
        results = page_race(office_clients, f"/dutyshiftview/calendar/?month={subject}",
                            "/dutyshiftview/generate",
                            {"year": "2026", "month": str(month), "mode": "day"})
        assert_one_ran(results, db_session, "roster", subject)
        first, last = date(2026, month, 1), date(2026, month, 28)
        shifts = db_session.execute(select(DutyShift.day, DutyShift.staff_id).where(
            DutyShift.day.between(first, last))).all()
        assert shifts and len(shifts) == len(set(shifts)), "no duty day twice"


def test_ops_1_simultaneous_meeting_generations_run_once_the_others_are_told(
        db_session, office_clients):
    from models.meetings import Meeting

    for month in range(1, ROUNDS + 1):
        subject = f"2026-{month:02d}"
        results = page_race(office_clients, f"/meetingview/month/?month={subject}",
                            "/meetingview/generate", {"month": subject})
        assert_one_ran(results, db_session, "meetings", subject)
        meetings = db_session.execute(select(Meeting.kind, Meeting.day).where(
            Meeting.day.between(date(2026, month, 1), date(2026, month, 28)))).all()
        assert meetings and len(meetings) == len(set(meetings)), "no meeting twice"


def half_years():
    return [(2021 + index // 2, 1 + index % 2) for index in range(ROUNDS)]


def test_ops_1_simultaneous_semiannual_computations_run_once_the_others_are_told(
        app, db_session, office_clients):
    from app.services.semiannual import create_assessment
    from models.semiannual import SemiannualEntry

    for year, half in half_years():
        with transaction(db_session):
            assessment = create_assessment(db_session, year, half, None)
        jobs = job_race(app, office_clients, f"/semiannualview/show/{assessment.id}",
                        f"/semiannualview/compute/{assessment.id}", {})
        assert_one_job_ran(jobs, db_session, "semiannual", f"{year}-H{half}")
        staff = db_session.scalars(select(SemiannualEntry.staff_id).where(
            SemiannualEntry.assessment_id == assessment.id)).all()
        assert staff and len(staff) == len(set(staff)), "no one entered twice"


def test_ops_1_a_busy_flash_names_who_runs_it_and_since_when(db_session, office_clients,
                                                              other_instance):
    """The refused user is told by whom (their name, not a login) and since when."""
    from app.services.jobs import MEETINGS

    first = office_clients[0]
    html = first.get("/meetingview/month/?month=2026-10").get_data(as_text=True)
    holder = office_clients[1].user.username
    with exclusive_job(other_instance, MEETINGS, started_by=holder, subject="2026-10"):
        response = first.client.post("/meetingview/generate", data={
            "month": "2026-10", "csrf_token": csrf_token(html), "opened_at": opened_at_of(html)},
            follow_redirects=True)
    page = response.get_data(as_text=True)
    [run] = job_runs(db_session, job=MEETINGS)
    told = page.split("正在进行中：由")[1].split("。")[0]
    staff_name = f"Office{holder[-3:]}"  # make_user's Staff name: the person, not the login
    assert told.startswith(f"{staff_name}于 {local_time(run.started_at)} 启动"), told
    assert run.started_by == holder and db_session.scalar(select(func.count(JobRun.id))) == 1


# --- API: simultaneous computations ----------------------------------------------------------------
@pytest.fixture
def office_tokens(app, office_clients):
    tokens = []
    for actor in office_clients:
        tokens.append(access_token(app, actor.user))
    return tokens


def test_ops_1_simultaneous_api_computations_run_once_the_others_are_told(
        app, db_session, office_tokens):
    """Issue #21: the API's compute is the page's background job. Simultaneous requests of
    several users are each answered 202 with a job of their own; run at once by several
    workers, one computes, the others fail saying it is running or done (by whom, since
    when), and nobody is entered twice."""
    from app.services.semiannual import create_assessment
    from models.semiannual import SemiannualEntry

    for year, half in half_years():
        with transaction(db_session):
            assessment = create_assessment(db_session, year, half, None)
        barrier = threading.Barrier(THREADS)
        answers: list = [None] * THREADS

        def send(index: int) -> None:
            client = app.test_client()
            barrier.wait(timeout=60)
            response = client.post("/api/v1/semiannual/compute", json={"year": year, "half": half},
                                   headers={"Authorization": f"Bearer {office_tokens[index]}"})
            answers[index] = (response.status_code, response.get_json())

        threads = [threading.Thread(target=send, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert [status for status, _body in answers] == [202] * THREADS, answers
        job_ids = sorted({body["job_id"] for _status, body in answers})
        assert len(job_ids) == THREADS, "one job per user"
        jobs = jobs_run_at_once(app, job_ids)
        assert_one_job_ran(jobs, db_session, "semiannual", f"{year}-H{half}")
        staff = db_session.scalars(select(SemiannualEntry.staff_id).where(
            SemiannualEntry.assessment_id == assessment.id)).all()
        assert staff and len(staff) == len(set(staff)), "no one entered twice"


# --- Attendance derivation -------------------------------------------------------------------------
def test_ops_1_simultaneous_attendance_derivations_run_once_the_others_are_refused(
        app, db_session, window_a):
    """ATT-2: the month's stored days derived by one of the simultaneous requests; the others
    get JobBusy (running, or done since they looked), never a duplicate day or an error."""
    from app.extensions import db
    from app.services.attendance import derive_month
    from models.attendance import AttendanceDay, ClockRecord
    from models.org import Staff

    people = [Staff(name=f"职员{i}", window=window_a, unit="window") for i in range(3)]
    db_session.add_all(people)
    db_session.flush()
    for person in people:
        for day in (1, 2, 5, 6, 7):  # a few clocked working days of each month
            for month in range(1, ROUNDS + 1):
                for hour in (1, 9):  # 09:00 and 17:00 in the center
                    db_session.add(ClockRecord(
                        staff_id=person.id, day=date(2026, month, day),
                        second_of_day=(hour + 8) * 3600,
                        clocked_at=datetime(2026, month, day, hour, tzinfo=timezone.utc),
                        source="manual"))
    db_session.commit()
    for month in range(1, ROUNDS + 1):
        seen = datetime.now(timezone.utc)
        barrier = threading.Barrier(THREADS)
        outcomes: list = [None] * THREADS

        def derive(index: int) -> None:
            with app.app_context():
                session = db.session
                try:
                    barrier.wait(timeout=60)
                    with exclusive_job(session, ATTENDANCE, started_by=f"worker{index}",
                                       subject=f"2026-{month:02d}", seen=seen) as run, \
                            run.watch(transaction(session)):
                        derive_month(session, 2026, month, date(2026, 11, 30))
                    outcomes[index] = "derived"
                except JobBusy as busy:
                    outcomes[index] = "done" if busy.done else "running"
                except Exception as error:  # noqa: BLE001 — the assertion shows it
                    outcomes[index] = repr(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=derive, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert outcomes.count("derived") == 1, outcomes
        assert all(outcome in ("derived", "done", "running") for outcome in outcomes), outcomes
        db_session.expire_all()
        days = db_session.execute(select(AttendanceDay.staff_id, AttendanceDay.day).where(
            AttendanceDay.day.between(date(2026, month, 1), date(2026, month, 28)))).all()
        assert days and len(days) == len(set(days))
        assert len(job_runs(db_session, job=ATTENDANCE, subject=f"2026-{month:02d}")) == 1


def test_ops_1_a_leave_derivation_during_the_months_derivation_is_no_error(app, db_session,
                                                                          window_a):
    """ATT-2 / issue #18: one person's days derived again (a leave approved or revoked) while the
    whole month is derived (the nightly job, a command): both finish, no unique violation, and
    the stored days are those of one derivation — one row per person and day."""
    from app.extensions import db
    from app.services.attendance import derive_month, derive_range
    from models.attendance import AttendanceDay, ClockRecord
    from models.org import Staff

    people = [Staff(name=f"职员{i}", window=window_a, unit="window") for i in range(3)]
    db_session.add_all(people)
    db_session.flush()
    for person in people:
        for day in range(2, 7):  # 2–6 November, a week of clocked working days
            for hour in (1, 9):
                db_session.add(ClockRecord(
                    staff_id=person.id, day=date(2026, 11, day), second_of_day=(hour + 8) * 3600,
                    clocked_at=datetime(2026, 11, day, hour, tzinfo=timezone.utc),
                    source="manual"))
    db_session.commit()
    today = date(2026, 11, 30)
    for _ in range(ROUNDS):
        barrier = threading.Barrier(2)
        outcomes: list = [None, None]

        def derive(index: int) -> None:
            with app.app_context():
                session = db.session
                try:
                    barrier.wait(timeout=60)
                    with transaction(session):
                        if index == 0:
                            derive_month(session, 2026, 11, today)
                        else:
                            derive_range(session, date(2026, 11, 2), date(2026, 11, 6), today,
                                         staff_ids=[people[0].id])
                    outcomes[index] = "derived"
                except Exception as error:  # noqa: BLE001 — the assertion shows it
                    outcomes[index] = repr(error)
                finally:
                    session.remove()

        threads = [threading.Thread(target=derive, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert outcomes == ["derived", "derived"]
        db_session.expire_all()
        rows = db_session.scalar(select(func.count()).select_from(AttendanceDay).where(
            AttendanceDay.staff_id == people[0].id, AttendanceDay.day.between(
                date(2026, 11, 2), date(2026, 11, 6))))
        assert rows == 5
