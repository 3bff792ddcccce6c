"""Issue #21, SCORE-5/6: `POST /api/v1/semiannual/compute` queues the same background job as the
page's compute button (app/views/semiannual.py) and answers 202 with the job's id and the URL
to poll; `GET /api/v1/jobs/<id>` answers the job's state, progress and result to its owner
only (another user's job is 404). The worker runs in this process (`run_pending`)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.queue import queue, run_pending
from app.services.jobs import SEMIANNUAL, exclusive_job
from models.jobs import DONE, FAILED, QUEUED, BackgroundJob, JobRun
from models.semiannual import SemiannualAssessment, SemiannualEntry
from tests.factories import bearer

HALF = {"year": 2026, "half": 1}


@pytest.fixture(autouse=True)
def empty_queue(app):
    queue(app).storage.flush_all()
    yield


@pytest.fixture
def office(app, make_user):
    for _person in range(3):
        make_user("Clerk")
    user = make_user("Office")
    return user, bearer(app, user)


def compute(client, headers, body=HALF):
    return client.post("/api/v1/semiannual/compute", headers=headers, json=body)


def entries(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count(SemiannualEntry.id)))


def test_score_5_the_api_queues_the_computation_and_answers_202_with_where_to_poll(
        app, office, db_session):
    user, headers = office
    client = app.test_client()
    response = compute(client, headers)
    assert response.status_code == 202, response.get_data(as_text=True)
    answer = response.get_json()
    job_id = answer["job_id"]
    assert answer["state"] == QUEUED and answer["new"] is True
    assert answer["status_url"] == f"/api/v1/jobs/{job_id}" == response.headers["Location"]
    assert answer["page_url"] == f"/jobs/{job_id}"
    assert entries(db_session) == 0  # not in the request
    job = db_session.get(BackgroundJob, job_id)
    assert (job.kind, job.user_id) == ("semiannual", user.id)  # the page's job, its caller's
    waiting = client.get(answer["status_url"], headers=headers).get_json()
    assert (waiting["state"], waiting["progress"], waiting["summary"]) == (QUEUED, 0, None)
    assert run_pending(app) == 1
    done = client.get(answer["status_url"], headers=headers)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    status = done.get_json()
    people = entries(db_session)
    assert people >= 4 and (status["state"], status["progress"], status["rows"]) == (
        DONE, 100, people)
    assert str(people) in status["summary"] and status["error"] is None
    (run,) = db_session.scalars(select(JobRun).where(JobRun.job == SEMIANNUAL)).all()
    assert (run.started_by, run.subject) == (user.username, "2026-H1")  # OPS-1, as its user


def test_issue_21_a_job_is_its_owners_only(app, office, make_user):
    _user, headers = office
    client = app.test_client()
    job_id = compute(client, headers).get_json()["job_id"]
    for role in ("Office", "Leadership", "Admin", "Clerk"):
        other = bearer(app, make_user(role))
        assert client.get(f"/api/v1/jobs/{job_id}", headers=other).status_code == 404, role
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 401
    assert client.get("/api/v1/jobs/999999", headers=headers).status_code == 404


def test_score_5_asked_twice_while_queued_is_one_job(app, office, db_session):
    _user, headers = office
    client = app.test_client()
    first = compute(client, headers).get_json()
    second = compute(client, headers).get_json()
    assert second["job_id"] == first["job_id"] and second["new"] is False
    assert db_session.scalar(select(func.count(BackgroundJob.id))) == 1


def test_score_5_only_the_office_computes_and_a_bad_half_year_queues_nothing(
        app, make_user, db_session):
    client = app.test_client()
    for role in ("Clerk", "WindowHead", "Leadership"):
        assert compute(client, bearer(app, make_user(role))).status_code == 403, role
    office = bearer(app, make_user("Office"))
    bad = compute(client, office, {"year": 2026, "half": 3})
    assert bad.status_code in (400, 422) and bad.get_json()["message"]
    assert db_session.scalar(select(func.count(BackgroundJob.id))) == 0


def test_score_6_a_confirmed_half_year_is_refused_at_once_not_queued(app, office, db_session):
    _user, headers = office
    db_session.add(SemiannualAssessment(year=2026, half=1, state="confirmed"))
    db_session.commit()
    refused = compute(app.test_client(), headers)
    assert refused.status_code == 422 and "确认" in str(refused.get_json()["message"])
    assert db_session.scalar(select(func.count(BackgroundJob.id))) == 0


def test_ops_1_a_computation_running_elsewhere_fails_the_job_with_who(app, office, db_session,
                                                                     other_instance):
    _user, headers = office
    client = app.test_client()
    status_url = compute(client, headers).get_json()["status_url"]
    with exclusive_job(other_instance, SEMIANNUAL, started_by="cli:semiannual",
                       subject="2026-H1"):
        run_pending(app)
    status = client.get(status_url, headers=headers).get_json()
    assert status["state"] == FAILED and "本次未重复启动" in status["error"], status
    assert entries(db_session) == 0
