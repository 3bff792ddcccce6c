"""LEAVE-1 certificates and INPUT-1 (issue #18): a certificate's file name with a NUL byte
(or other control characters, or a Windows path) and an attachment folder that cannot be
written (read-only, not a folder, full) answered 500. Now the name is cleaned, the folder's
failure is one clear message next to the certificate field (422 in the API), and nothing is
half-written: no request pointing to a missing file, no partial file left in the folder."""

from __future__ import annotations

import io
import os
import resource
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from models.leave import LeaveRequest
from tests.factories import csrf_token, field_errors, staff_of, workday
from tests.leave_helpers import PDF, api_file, substitute_id, two_days, upload

pytestmark = pytest.mark.usefixtures("leave_today")  # the leave tests' day (#17)


def test_input_1_a_nul_byte_in_the_certificate_name_is_no_500(app, leave_people, db_session):
    leave_id = api_file(leave_people["clerk"], two_days(app, kind="sick")).get_json()["id"]
    response = upload(leave_people["clerk"], leave_id, PDF, "诊断\x00.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).certificate_name == "诊断.pdf"
    download = leave_people["clerk"].get(f"/leaverequestview/certificate_file/{leave_id}")
    assert download.status_code == 200 and download.data == PDF


def test_input_1_a_path_or_control_characters_leave_the_plain_name(app, leave_people,
                                                                          db_session):
    leave_id = api_file(leave_people["clerk"], two_days(app, kind="sick")).get_json()["id"]
    assert upload(leave_people["clerk"], leave_id, PDF,
                  "../../tmp/病假\t证明\x7f.pdf").status_code == 200
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).certificate_name == "病假证明.pdf"


def stored_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if path.is_file()) \
        if folder.is_dir() else []


def assert_nothing_half_written(db_session, leave_id: int, folder: Path, before: list[str]):
    db_session.expire_all()
    leave = db_session.get(LeaveRequest, leave_id)
    assert (leave.certificate_path, leave.certificate_name) == (None, None)
    assert stored_files(folder) == before


CANNOT_STORE = "附件"  # the message names the attachment folder (附件目录)


@pytest.mark.parametrize("where", ["a file where the folder should be",
                                   "a folder inside a file"])
def test_input_1_an_attachment_folder_that_cannot_be_written_is_a_clear_refusal(
        app, leave_people, db_session, tmp_path, monkeypatch, where):
    blocker = tmp_path / "attachments"
    blocker.write_text("not a folder")
    folder = blocker if where.startswith("a file") else blocker / "certificates"
    monkeypatch.setitem(app.config, "LEAVE_ATTACHMENT_DIR", str(folder))
    clerk = leave_people["clerk"]
    leave_id = api_file(clerk, two_days(app, kind="sick")).get_json()["id"]

    response = upload(clerk, leave_id, PDF)
    assert response.status_code == 422
    message = response.get_json()["message"]
    assert list(message) == ["certificate"] and CANNOT_STORE in message["certificate"][0]
    assert_nothing_half_written(db_session, leave_id, tmp_path, ["attachments"])

    # The page: the message on the request's page, nothing stored.
    show = f"/leaverequestview/show/{leave_id}"
    page = clerk.client.post(f"/leaverequestview/certificate/{leave_id}", data={
        "csrf_token": csrf_token(clerk.get(show).get_data(as_text=True)), "version": "1",
        "certificate": (io.BytesIO(PDF), "证明.pdf")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert page.status_code == 200 and CANNOT_STORE in page.get_data(as_text=True)
    assert_nothing_half_written(db_session, leave_id, tmp_path, ["attachments"])


def test_input_1_a_sick_leave_filed_with_its_certificate_into_a_broken_folder_is_not_filed(
        app, leave_people, db_session, tmp_path, monkeypatch):
    """The form files the request and stores the certificate in one transaction: neither."""
    blocker = tmp_path / "attachments"
    blocker.write_text("not a folder")
    monkeypatch.setitem(app.config, "LEAVE_ATTACHMENT_DIR", str(blocker))
    clerk = leave_people["clerk"]
    page = clerk.get("/leaverequestview/file/").get_data(as_text=True)
    response = clerk.client.post("/leaverequestview/file/", data={
        "csrf_token": csrf_token(page), "staff_id": str(staff_of(db_session, clerk.user).id),
        "kind": "sick", "start_day": workday(app, 3).isoformat(),
        "end_day": workday(app, 3).isoformat(), "substitute_id": str(substitute_id()),
        "handover_id": "new", "certificate": (io.BytesIO(PDF), "证明.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert CANNOT_STORE in " ".join(field_errors(response.get_data(as_text=True)))
    assert db_session.scalars(select(LeaveRequest)).all() == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_input_1_a_read_only_attachment_folder_is_a_clear_refusal(app, leave_people, db_session,
                                                                  tmp_path, monkeypatch):
    folder = tmp_path / "attachments"
    folder.mkdir()
    folder.chmod(0o500)
    monkeypatch.setitem(app.config, "LEAVE_ATTACHMENT_DIR", str(folder))
    leave_id = api_file(leave_people["clerk"], two_days(app, kind="sick")).get_json()["id"]
    try:
        response = upload(leave_people["clerk"], leave_id, PDF)
    finally:
        folder.chmod(0o700)
    assert response.status_code == 422
    assert_nothing_half_written(db_session, leave_id, folder, [])


@contextmanager
def disk_full_after(size: int):
    """Files of this process cannot grow past `size` bytes (RLIMIT_FSIZE): a write past it
    fails as on a full disk (EFBIG), after the bytes before it were written."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_input_1_a_full_attachment_folder_leaves_no_partial_file(app, leave_people, db_session,
                                                                 tmp_path, monkeypatch):
    """The first 64 KB of a 300 KB certificate reach the disk, then it is full: the partial
    file is removed and the request keeps no certificate. (Under 500 KB, so that neither the
    test client nor the form parser spools the upload to a file of its own.)"""
    folder = tmp_path / "attachments"
    folder.mkdir()
    monkeypatch.setitem(app.config, "LEAVE_ATTACHMENT_DIR", str(folder))
    clerk = leave_people["clerk"]
    leave_id = api_file(clerk, two_days(app, kind="sick")).get_json()["id"]
    headers = clerk.api_headers()
    big = PDF + b"0" * (300 * 1024)
    with disk_full_after(64 * 1024):
        response = clerk.client.post(f"/api/v1/leave/{leave_id}/certificate",
                                     data={"file": (io.BytesIO(big), "证明.pdf")},
                                     content_type="multipart/form-data", headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert CANNOT_STORE in response.get_json()["message"]["certificate"][0]
    assert_nothing_half_written(db_session, leave_id, folder, [])
    assert upload(clerk, leave_id, big).status_code == 200  # room again: stored
    assert len(stored_files(folder)) == 1
