"""考勤 pages and API: who sees which month, the import's error table, 补签单 (ATT-1..4)."""

from __future__ import annotations

import io
from datetime import date
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from models.attendance import ClockExcuse, ClockRecord
from models.org import Staff

CLEAN = (b"employee_no,clocked_at\n1001,2026-11-02 08:07\n1001,2026-11-02 11:35\n"
         b"1001,2026-11-02 13:55\n1001,2026-11-02 17:40\n")
BROKEN = b"employee_no,clocked_at\n1001,2026-11-02 08:07\n4242,2026-11-02 08:00\n1001,2026-11-02 8 o'clock\n"


@pytest.fixture
def worker(db_session):
    staff = Staff(name="张三", employee_no="1001", unit="office")
    db_session.add(staff)
    db_session.commit()
    return staff


def records(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(ClockRecord))


def upload(actor, data, name="clock.csv"):
    return actor.post_form("/clockrecords/import/", {"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")


def test_att_1_import_page_lists_row_errors_and_imports_nothing(as_office, db_session, worker):
    html = upload(as_office, BROKEN).get_data(as_text=True)
    assert 'id="import-errors"' in html and "<td>3</td>" in html and "<td>4</td>" in html
    assert "4242" in html and records(db_session) == 0
    page = as_office.get("/clockrecords/import/").get_data(as_text=True)
    assert "/clockrecords/sample/csv" in page and "/clockrecords/sample/xlsx" in page
    assert upload(as_office, CLEAN).status_code == 200 and records(db_session) == 4
    upload(as_office, CLEAN)
    assert records(db_session) == 4


def test_att_1_samples_download(as_office):
    # Issue #20: the template speaks Chinese; the import reads it (and the English keys).
    data = as_office.get("/clockrecords/sample/csv").get_data()
    assert data.decode("utf-8-sig").startswith("工号,姓名,打卡时间\n")
    xlsx = as_office.get("/clockrecords/sample/xlsx").get_data()
    assert xlsx[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["工号", "姓名", "打卡时间"]


def test_att_1_clerks_do_not_import(as_clerk, worker, db_session):
    token = as_clerk.api_headers()["X-CSRFToken"]
    response = as_clerk.client.post("/clockrecords/import/", content_type="multipart/form-data",
                                    data={"file": (io.BytesIO(CLEAN), "c.csv"), "csrf_token": token})
    assert response.status_code in (302, 403)
    assert records(db_session) == 0


def test_att_1_api_import_answers_the_row_errors_with_422(as_office, db_session, worker):
    headers = as_office.api_headers()
    response = as_office.client.post("/api/v1/clock_record/import", headers=headers,
                                     data={"file": (io.BytesIO(BROKEN), "c.csv")},
                                     content_type="multipart/form-data")
    assert response.status_code == 422
    assert [e["row"] for e in response.get_json()["errors"]] == [3, 4]
    assert records(db_session) == 0
    response = as_office.client.post("/api/v1/clock_record/import", headers=headers,
                                     data={"file": (io.BytesIO(CLEAN), "c.csv")},
                                     content_type="multipart/form-data")
    assert response.status_code == 200 and response.get_json()["added"] == 4


def test_att_2_clerk_sees_only_their_own_month(as_clerk, as_office, db_session, worker):
    own = db_session.scalar(select(Staff).where(Staff.user_id == as_clerk.user.id))
    response = as_clerk.get("/attendance/?year=2026&month=11")
    assert response.status_code == 302 and f"/attendance/person/{own.id}" in response.location
    assert as_clerk.get(f"/attendance/person/{worker.id}?year=2026&month=11").status_code == 404
    assert as_clerk.get(f"/attendance/person/{own.id}?year=2026&month=11").status_code == 200
    api = as_clerk.client.get("/api/v1/attendance/month?year=2026&month=11").get_json()
    assert [row["staff_id"] for row in api["result"]] == [own.id]
    html = as_office.get("/attendance/?year=2026&month=10").get_data(as_text=True)
    assert f'data-staff="{worker.id}"' in html


def test_att_2_person_month_says_late_with_the_time(as_office, db_session, worker):
    upload(as_office, CLEAN)
    html = as_office.get(f"/attendance/person/{worker.id}?year=2026&month=11").get_data(as_text=True)
    assert "08:07" in html and 'class="half am late"' in html


def decide(actor, excuse, approve="1"):
    token = actor.api_headers()["X-CSRFToken"]
    return actor.client.post(f"/clockexcuses/decide/{excuse.id}",
                             data={"approve": approve, "csrf_token": token})


def test_att_4_excuse_is_approved_by_the_deputy_director_only(log_in, db_session, worker, window_a):
    clerk = log_in("Clerk", window=window_a)
    own = db_session.scalar(select(Staff).where(Staff.user_id == clerk.user.id))
    response = clerk.post_form("/clockexcuses/file/", {"staff_id": own.id, "day": "2026-11-02",
                                                       "half": "am", "reason": "meeting",
                                                       "note": "县政府会议"})
    assert response.status_code == 302
    excuse = db_session.scalar(select(ClockExcuse))
    leader = log_in("Leadership")
    assert decide(leader, excuse).status_code == 403
    deputy = log_in("Leadership")
    db_session.execute(Staff.__table__.update().where(Staff.user_id == deputy.user.id)
                       .values(position="deputy_director"))
    db_session.commit()
    assert decide(deputy, excuse).status_code == 302
    db_session.expire_all()
    assert db_session.get(ClockExcuse, excuse.id).state == "approved"


def test_att_1_office_enters_and_corrects_a_clock_with_a_reason(as_office, db_session, worker):
    response = as_office.post_form("/clockrecords/enter/", {
        "staff_id": worker.id, "clocked_at": "2026-11-03T08:00", "note": ""})
    assert response.status_code == 200 and records(db_session) == 0  # the reason is required
    as_office.post_form("/clockrecords/enter/", {"staff_id": worker.id,
                                                 "clocked_at": "2026-11-03T08:00",
                                                 "note": "打卡机故障"})
    record = db_session.scalar(select(ClockRecord))
    as_office.post_form(f"/clockrecords/correct/{record.id}", {"clocked_at": "2026-11-03T07:58",
                                                              "note": "更正"})
    db_session.expire_all()
    assert db_session.get(ClockRecord, record.id).second_of_day == 7 * 3600 + 58 * 60


def test_att_3_office_corrects_an_off_post_record_from_the_page_it_opened(as_office, db_session, worker):
    """ATT-3: the correction needs a reason and the version the page was opened with; a second
    save from the same stale page is told to reload; removing it leaves the month clean."""
    from datetime import date

    from models.attendance import OffPostRecord

    record = OffPostRecord(staff_id=worker.id, day=date(2026, 11, 3), minutes=150)
    db_session.add(record)
    db_session.commit()
    url = f"/clockrecords/offpost/{record.id}"
    page = as_office.get(url).get_data(as_text=True)
    assert 'name="version"' in page and 'value="1"' in page
    response = as_office.post_form(url, {"day": "2026-11-03", "minutes": "90", "reason": "",
                                         "version": "1"})
    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.get(OffPostRecord, record.id).minutes == 150  # no reason, nothing saved
    response = as_office.post_form(url, {"day": "2026-11-03", "minutes": "90",
                                         "reason": "误记", "version": "1"})
    assert response.status_code == 302
    stale = as_office.post_form(url, {"day": "2026-11-03", "minutes": "60", "reason": "再改",
                                      "version": "1"}, follow_redirects=True)
    assert "reload-link" in stale.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(OffPostRecord, record.id).minutes == 90
    month = as_office.get(f"/attendance/person/{worker.id}?year=2026&month=11").get_data(as_text=True)
    assert url in month
    as_office.post_form(url, {"reason": "重复录入", "remove": "y", "version": "2"})
    db_session.expire_all()
    assert db_session.get(OffPostRecord, record.id) is None


def test_att_3_clerks_do_not_correct_off_post_records(as_clerk, db_session, worker):
    from datetime import date

    from models.attendance import OffPostRecord

    record = OffPostRecord(staff_id=worker.id, day=date(2026, 11, 3), minutes=150)
    db_session.add(record)
    db_session.commit()
    response = as_clerk.get(f"/clockrecords/offpost/{record.id}")
    assert response.status_code in (302, 403)


def _setting(db_session, key, value):
    from models.settings import RuleSetting

    db_session.scalars(select(RuleSetting).where(RuleSetting.key == key)).one().value = value
    db_session.commit()


def _paragraph(html: str, element_id: str) -> str:
    match = re.search(rf'<p id="{element_id}"[^>]*>(.*?)</p>', html, re.S)
    assert match, f"no #{element_id} on the page"
    return match.group(1)


def test_att_1_staff_see_the_work_hours_and_how_early_to_arrive(as_clerk, db_session):
    """ATT-1: the seasonal hours and att.arrive_early_minutes, on the staff member's own month."""
    own = db_session.scalar(select(Staff).where(Staff.user_id == as_clerk.user.id))
    url = f"/attendance/person/{own.id}?year=2026&month=11"

    def line():
        return _paragraph(as_clerk.get(url).get_data(as_text=True), "work-hours")

    default = line()
    assert re.search("08:00–11:30.{1,16}15:00–18:00.*05-01|05-01.*08:00–11:30.{1,16}15:00–18:00",
                     default)
    assert "10-01" in default and re.search("08:00–11:30.{1,16}14:00–17:30", default)
    _setting(db_session, "att.arrive_early_minutes", "12")
    twelve = line()
    assert twelve != default and twelve.replace("12", "5") == default
    _setting(db_session, "att.arrive_early_minutes", "0")  # nothing to ask: no sentence
    none = line()
    assert twelve.startswith(none.rstrip()) and len(none) < len(twelve) and "12" not in none
    _setting(db_session, "att.winter_pm_start", "14:30")
    assert re.search("08:00–11:30.{1,16}14:30–17:30", line())


def test_att_3_office_month_page_states_the_absence_rule_with_the_settings(as_office, db_session):
    html = as_office.get("/attendance/?year=2026&month=10").get_data(as_text=True)
    assert "08:00–11:30" in _paragraph(html, "work-hours")
    _setting(db_session, "att.late_count_half_day_absence", "7")
    _setting(db_session, "att.leave_post_hours", "9")
    rule = _paragraph(as_office.get("/attendance/?year=2026&month=10").get_data(as_text=True),
                      "absence-rule")
    assert "7" in rule and "9" in rule and "4" not in rule


def test_att_2_issue_21_month_page_reads_staff_and_clock_days_once(
        app, as_office, db_session, worker, center_now):
    """ATT-2/3, issue #21 P1: the month page's people and its days with clock data are read
    once for the month table, the charts and the no-data notice (14 statements before: the
    active staff and the clock days were read twice) — with the same rows and runs as
    `window_month` and `days_without_clock_data` give apart."""
    from app.extensions import db
    from app.services.attendance import (days_without_clock_data, month_overview,
                                         window_month)
    from tests.factories import statements

    center_now(date(2026, 12, 7))
    upload(as_office, CLEAN)  # clocks of 2026-11-02 only: the month's other days have none
    today = date(2026, 12, 7)
    assert month_overview(db_session, 2026, 11, today) == (
        window_month(db_session, 2026, 11, today), days_without_clock_data(db_session, 2026, 11, today))
    as_office.get("/attendance/?year=2026&month=11")
    db.session.remove()
    with statements(app) as sent:
        html = as_office.get("/attendance/?year=2026&month=11").get_data(as_text=True)
    # the frame 2, the calendar, clock days, staff, settings, clocks, leave, excuses, the
    # leave of the days without clock data, off post, windows: 12 (15 before)
    assert len(sent) <= 12, sent
    assert sum("DISTINCT clock_record.day" in s and "staff_id" not in s for s in sent) == 1
    assert sum("FROM staff" in s for s in sent) == 1
    assert 'id="attendance-no-data"' in html and "2026-11-03 – " in html
    assert (f'<tr data-staff="{worker.id}"><td><a href="/attendance/person/{worker.id}'
            f'?year=2026&amp;month=11">张三</a></td>\n      <td></td>') in html


def test_att_3_issue_21_month_table_rows_escape_as_the_template_did(app):
    """The month table's rows drawn in one call are the template loop's, byte for byte:
    names escaped, the window named, off-post times listed (ATT-3)."""
    from decimal import Decimal
    from types import SimpleNamespace

    from app.views.attendance import month_table_rows

    loop = app.jinja_env.from_string(
        '  {% for staff, m in rows %}\n'
        '  <tr data-staff="{{ staff.id }}"><td><a href="{{ person_url(staff.id) }}">'
        '{{ staff.name }}</a></td>\n'
        '      <td>{{ staff.window or "" }}</td><td>{{ m.late }}</td><td>{{ m.early }}</td>'
        '<td>{{ m.absent_half_days }}</td>\n'
        '      <td>{% for day, minutes in m.off_post %}{{ day.isoformat() }} {{ minutes }}′ '
        '{% endfor %}</td>\n'
        '      <td class="absence-days">{{ m.absence_days }}</td></tr>\n'
        '  {% endfor %}\n</table>')
    rows = [
        (SimpleNamespace(id=7, name="<李&四>", window_id=3, window="03 窗口<a>"),
         SimpleNamespace(late=2, early=0, absent_half_days=1, absence_days=Decimal("1.5"),
                         off_post=[(date(2026, 11, 2), 150), (date(2026, 11, 9), 30)])),
        (SimpleNamespace(id=12, name="王五", window_id=None, window=None),
         SimpleNamespace(late=0, early=0, absent_half_days=0, absence_days=Decimal("0"),
                         off_post=[])),
    ]

    def person_url(staff_id):
        return f"/attendance/person/{staff_id}?year=2026&month=11"

    with app.test_request_context("/"):
        expected = loop.render(rows=rows, person_url=person_url)
        drawn = app.jinja_env.from_string("  {{ table_rows }}\n</table>").render(
            table_rows=month_table_rows(rows, person_url, {3: "03 窗口<a>"}))
    assert drawn == expected
    assert "&lt;李&amp;四&gt;" in drawn and "2026-11-09 30′ " in drawn
