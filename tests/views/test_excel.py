"""Excel in and out (issue #12): each export opens in openpyxl with its Chinese header row, a
frozen pane, column widths, dates as dates and the rows its page shows (the row scope of
app/security.py included); each import page imports a good file, lists bad rows by number and
saves nothing, is idempotent, refuses wrong and oversize files, and is Office/Admin only."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.services.exports import SCORE_COLUMNS
from app.services.reference_import import MAX_IMPORT_BYTES, sample_file
from models.audit import AuditLog
from models.catalogue import ItemMaterial, ServiceItem
from models.leave import LeaveRequest
from models.org import Staff, Window
from models.scoring import ScoreEvent
from tests.factories import zh

MONTH = (2025, 3)  # a past month: every working day of it is over


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.get_data())).worksheets[0]


def header(sheet) -> list:
    return [cell.value for cell in sheet[1]]


def column(sheet, index: int) -> list:
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


def assert_sheet_shape(sheet, first_headers: list[str]):
    assert header(sheet)[:len(first_headers)] == first_headers
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["A"].customWidth and sheet.column_dimensions["C"].width > 10


# --- Exports -------------------------------------------------------------------------------------
def test_att_3_attendance_export_has_the_month_of_everyone_for_the_office(as_office, as_clerk,
                                                                           db_session):
    url = f"/attendance/export.xlsx?year={MONTH[0]}&month={MONTH[1]}"
    sheet = workbook(as_office.get(url))
    assert_sheet_shape(sheet, ["工作人员", "工号", "窗口", "迟到"])
    names = set(column(sheet, 0))
    clerk = db_session.scalar(select(Staff).where(Staff.user_id == as_clerk.user.id))
    assert clerk.name in names and len(names) >= 2
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == clerk.name)
    assert row[2].startswith("01 ")  # the clerk's window
    # nobody's clock imported for the month: no data, not absence (ATT-2) — the file says so
    assert header(sheet)[9] == "无打卡数据天数"
    assert (row[5], row[8], row[9]) == (0, 0, 21)  # March 2025: 21 working days
    page = as_office.get(f"/attendance/?year={MONTH[0]}&month={MONTH[1]}").get_data(as_text=True)
    assert 'id="attendance-export"' in page


def test_att_3_a_clerks_attendance_export_holds_only_themself(as_clerk, as_office, db_session):
    """Row filter: whatever window the clerk asks for, the file holds their own row only."""
    url = f"/attendance/export.xlsx?year={MONTH[0]}&month={MONTH[1]}&window_id=999"
    sheet = workbook(as_clerk.get(url))
    clerk = db_session.scalar(select(Staff).where(Staff.user_id == as_clerk.user.id))
    assert column(sheet, 0) == [clerk.name]
    page = as_clerk.get(f"/attendance/person/{clerk.id}?year={MONTH[0]}&month={MONTH[1]}")
    assert 'id="attendance-export"' in page.get_data(as_text=True)


@pytest.fixture
def leave_rows(db_session, window_a):
    worker = Staff(name="王请假", employee_no="2001", unit="window", window=window_a)
    other = Staff(name="赵事假", employee_no="2002", unit="office")
    db_session.add_all([worker, other])
    db_session.flush()
    db_session.add_all([
        LeaveRequest(staff_id=worker.id, kind="sick", start_day=date(2025, 3, 3),
                     end_day=date(2025, 3, 4), days=Decimal(2), reason="住院手术秘密",
                     approver_position="director", state="approved",
                     filed_at=datetime(2025, 3, 1, 1, 30, tzinfo=timezone.utc)),
        LeaveRequest(staff_id=other.id, kind="personal", start_day=date(2025, 4, 7),
                     end_day=date(2025, 4, 7), days=Decimal("0.5"), approver_position="director",
                     state="pending", emergency=True),
    ])
    db_session.commit()
    return worker, other


def test_leave_register_export_is_filtered_like_the_page(as_office, leave_rows):
    worker, _other = leave_rows
    sheet = workbook(as_office.get("/leaveoverview/export.xlsx"))
    assert_sheet_shape(sheet, ["工作人员", "工号", "窗口", "类别", "开始日期"])
    assert column(sheet, 0) == ["赵事假", "王请假"]  # newest first, as the page
    row = list(sheet.iter_rows(min_row=3, values_only=True))[0]
    assert row[4] == datetime(2025, 3, 3) and sheet["E3"].number_format == "yyyy-mm-dd"
    assert row[6] == 2 and row[11] == datetime(2025, 3, 1, 9, 30)  # filed, center time
    assert "住院手术秘密" not in str(list(sheet.values))  # the reason is not on the list
    narrowed = workbook(as_office.get("/leaveoverview/export.xlsx?state=approved&month=2025-03"))
    assert column(narrowed, 0) == ["王请假"]
    page = as_office.get("/leaveoverview/all/?state=approved").get_data(as_text=True)
    assert 'id="leave-export"' in page and "state=approved" in page


def test_leave_register_export_is_refused_to_clerks(as_clerk, leave_rows):
    assert as_clerk.get("/leaveoverview/export.xlsx").status_code in (302, 403)


def test_score_2_window_scores_export_ranks_windows_with_categories(app, as_leadership, db_session,
                                                                   window_a, window_b):
    period = date(2025, 3, 1)
    db_session.add_all([
        ScoreEvent(window_id=window_a.id, category="M3", day=date(2025, 3, 5), period=period,
                   points=Decimal("-4")),
        ScoreEvent(window_id=window_a.id, category="B", day=date(2025, 3, 6), period=period,
                   points=Decimal("2")),
        ScoreEvent(window_id=window_b.id, category="M9", day=date(2025, 3, 7), period=period,
                   points=Decimal("-7")),
    ])
    db_session.commit()
    sheet = workbook(as_leadership.get("/windowscores/export.xlsx?month=2025-03"))
    assert_sheet_shape(sheet, [zh(app, label) for label, _width in SCORE_COLUMNS])
    assert header(sheet)[1:3] == ["窗口编号", "窗口名称"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [(1, "01"), (2, "02")]
    m3, m9, bonus, total = 3 + 2, 3 + 8, 3 + 10, 3 + 11  # rank, number, name, M1…M10, B, total
    assert rows[0][m3] == 6 and rows[0][bonus] == 2 and rows[0][total] == 98  # 100 − 4 + 2
    assert rows[1][m9] == 0 and rows[1][total] == 95  # SCORE-2: M9 floors at zero
    assert rows[0][total + 1] == "是"  # SCORE-3: red flag (2 windows ≤ 5)
    assert rows[0][total + 2]  # M10 not rated yet: said so
    page = as_leadership.get("/windowscores/?month=2025-03").get_data(as_text=True)
    assert 'id="scores-export"' in page and "98" in page


@pytest.mark.parametrize("url", ["/windowscores/", "/windowscores/export.xlsx"])
def test_score_2_window_scores_are_not_for_clerks(as_clerk, url):
    assert as_clerk.get(url).status_code in (302, 403)


# --- Imports -------------------------------------------------------------------------------------
def upload(actor, kind, data, name):
    return actor.post_form(f"/imports/{kind}/", {"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
def test_import_1_samples_import_and_reimport_changes_nothing(as_office, db_session, center, ext):
    for kind in ("windows", "staff", "items"):
        page = as_office.get(f"/imports/{kind}/").get_data(as_text=True)
        assert "/imports/sample/" in page and 'id="sample-xlsx"' in page
        data = as_office.get(f"/imports/sample/{kind}.{ext}").get_data()
        html = upload(as_office, kind, data, f"{kind}.{ext}").get_data(as_text=True)
        assert 'id="import-errors"' not in html, html
    assert count(db_session, Window) == 2 and count(db_session, ServiceItem) == 2
    assert db_session.scalar(select(Staff).where(Staff.employee_no == "1001")).window.number == "01"
    materials = 3 if ext == "xlsx" else 0  # materials ride on the workbook's second sheet
    assert count(db_session, ItemMaterial) == materials
    trail = count(db_session, AuditLog)
    assert trail >= 6 + materials  # AUDIT-1: every created row
    for kind in ("windows", "staff", "items"):
        data = as_office.get(f"/imports/sample/{kind}.{ext}").get_data()
        html = upload(as_office, kind, data, f"{kind}.{ext}").get_data(as_text=True)
        assert 'id="import-errors"' not in html
    assert count(db_session, AuditLog) == trail  # idempotent: nothing changed, nothing audited


def test_import_1_bad_rows_are_listed_by_number_and_nothing_is_saved(as_office, db_session,
                                                                      window_a):
    data = ("姓名,工号,所属单位,窗口编号,职务,联系电话\n"
            "好人,3001,窗口,01,工作人员,\n"
            ",3002,窗口,01,,\n"
            "坏窗口,3003,窗口,77,,\n"
            "坏电话,3004,综合办公室,,,12345\n"
            "重复,3001,综合办公室,,,\n"
            "坏职务,3005,综合办公室,,皇帝,\n").encode()
    before = count(db_session, Staff)
    html = upload(as_office, "staff", data, "staff.csv").get_data(as_text=True)
    assert 'id="import-errors"' in html
    for row in (3, 4, 5, 6, 7):
        assert f"<td>{row}</td>" in html
    assert "<td>2</td>" not in html
    assert "12345" not in html  # PRIV-1: the phone is not echoed
    assert count(db_session, Staff) == before


def test_import_1_reimport_updates_by_natural_key(as_office, db_session, window_a):
    upload(as_office, "windows", "窗口编号,窗口名称,进驻部门\n01,新名字,县公安局\n03,三号,县民政局\n"
           .encode(), "w.csv")
    db_session.expire_all()
    assert db_session.get(Window, window_a.id).name == "新名字"
    assert count(db_session, Window) == 2


@pytest.mark.parametrize("name,data,message", [
    ("staff.xls", b"\xd0\xcf\x11\xe0old excel", "xlsx"),
    ("staff.pdf", b"%PDF-1.4", "xlsx"),
    ("staff.xlsx", b"not a zip at all", ".xlsx"),
])
def test_import_1_wrong_file_types_are_refused_with_a_clear_message(as_office, db_session, name,
                                                                     data, message):
    before = count(db_session, Staff)
    html = upload(as_office, "staff", data, name).get_data(as_text=True)
    assert "field-error" in html and message in html
    assert count(db_session, Staff) == before


def test_import_1_oversize_file_is_refused(as_office, db_session):
    data = b"name,employee_no\n" + b"x" * (MAX_IMPORT_BYTES + 10)
    html = upload(as_office, "staff", data, "big.csv").get_data(as_text=True)
    assert "field-error" in html and "5 MB" in html


@pytest.mark.parametrize("role", ["Leadership", "SectionHead", "WindowHead", "Clerk"])
def test_import_1_only_office_and_admin_import(log_in, db_session, center, role):
    actor = log_in(role)
    token = actor.api_headers()["X-CSRFToken"]
    data = sample_file("windows", "csv")
    for url in ("/imports/windows/", "/imports/sample/windows.csv"):
        assert actor.get(url).status_code in (302, 403)
    response = actor.client.post("/imports/windows/", content_type="multipart/form-data",
                                 data={"file": (io.BytesIO(data), "w.csv"), "csrf_token": token})
    assert response.status_code in (302, 403)
    assert count(db_session, Window) == 0


def test_import_1_post_without_csrf_token_saves_nothing(as_office, db_session, center):
    data = sample_file("windows", "csv")
    response = as_office.client.post("/imports/windows/", content_type="multipart/form-data",
                                     data={"file": (io.BytesIO(data), "w.csv")})
    assert response.status_code in (200, 400)
    assert count(db_session, Window) == 0


def test_import_1_admin_imports(as_admin, db_session, center):
    html = upload(as_admin, "windows", sample_file("windows", "xlsx"), "w.xlsx").get_data(as_text=True)
    assert 'id="import-errors"' not in html and count(db_session, Window) == 2


def test_import_1_import_pages_open_no_generic_write_route(app):
    """Write doors: the import and score views register only their own routes."""
    routes = {rule.endpoint for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in ("ReferenceImportView", "WindowScoreView")}
    assert routes == {"ReferenceImportView.windows", "ReferenceImportView.staff",
                      "ReferenceImportView.items", "ReferenceImportView.sample",
                      "WindowScoreView.month", "WindowScoreView.export"}
