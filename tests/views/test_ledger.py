"""The ledger (台帐, CASE-10): its columns, filters that narrow the page and the Excel file
alike, the window scope of the export (ORG-2), and a 100,000-row export in bounded memory."""

from __future__ import annotations

import json
import re
import time
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from app.actor import Actor
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake
from bench.memory import PeakMemory
from models.cases import Case
from models.catalogue import ItemMaterial, ServiceItem
from models.org import Staff
from tests.factories import clock_on

NUMBER = re.compile(r"BC-\d{4}-\d{6,}")
HEADERS = ["受理时间", "受理编号", "服务事项", "窗口", "办结时间", "取件人", "经办人", "收费",
           "办理结果"]


# ---- building cases through the service layer ----------------------------------------------

@pytest.fixture
def handler(db_session, window_a):
    staff = Staff(name="钱经办", window=window_a, unit="window")
    db_session.add(staff)
    db_session.commit()
    return Actor(username="seed", staff_id=staff.id)


def _item(db_session, window, code, name):
    item = ServiceItem(code=code, name=name, window=window, kind="promised", promised_days=5,
                       statutory_days=15, fee_standard=Decimal("0"), fee_item="", fee_basis="")
    item.materials = [ItemMaterial(name="身份证", form="original", copies=1, mandatory=True)]
    db_session.add(item)
    db_session.commit()
    return item


@pytest.fixture
def item_a(db_session, window_a):
    return _item(db_session, window_a, "L-A", "居住证办理")


@pytest.fixture
def item_b(db_session, window_b):
    return _item(db_session, window_b, "L-B", "社保卡申领")


_clock = clock_on


@pytest.fixture
def make_case(db_session, handler):
    """A case received (and, for 受理件, accepted) on `day`, then taken through `steps`, each
    on the next day: (action, params)."""

    def make(item, day, *steps, case_class="accepted", **intake):
        intake.setdefault("received", {m.id: m.copies for m in item.materials}
                          if case_class != "supplement" else {})
        case = register_intake(
            db_session,
            Intake(item_id=item.id, case_class=case_class, applicant=Applicant(name="赵六"),
                   **intake),
            handler, _clock(day))
        for action, params in steps:
            apply_action(db_session, case, action, handler, _clock(day + timedelta(days=1), 3),
                         **params)
        db_session.commit()
        return case

    return make


APPROVE = (cs.APPROVE, {"note": "准予"})
REFUSE = (cs.REFUSE, {"note": "不符合条件", "objected": False})
START = (cs.START, {})


def deliver(collector="孙取件"):
    return (cs.DELIVER, {"collector": collector})


def list_numbers(actor, query: str = "") -> list[str]:
    response = actor.get(f"/ledger/list/?psize_LedgerView=100&{query}")
    assert response.status_code == 200, response.status_code
    return NUMBER.findall(response.get_data(as_text=True))


def export_rows(actor, query: str = "") -> list[tuple]:
    response = actor.get(f"/ledger/export.xlsx?{query}")
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(BytesIO(response.data), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def export_numbers(actor, query: str = "") -> list[str]:
    rows = export_rows(actor, query)
    assert list(rows[0]) == HEADERS
    return [row[1] for row in rows[1:]]


# ---- CASE-10: what the ledger shows ---------------------------------------------------------

def test_case_10_ledger_shows_acceptance_number_decision_collector_handler_and_result(
        as_office, make_case, item_a):
    case = make_case(item_a, date(2026, 11, 2), APPROVE, deliver("孙取件"))
    page = as_office.get("/ledger/list/").get_data(as_text=True)
    for header in HEADERS:
        assert header in page, header
    for value in (case.number, "2026-11-02 10:00", "2026-11-03 11:00", "孙取件", "钱经办",
                  "准予许可", "居住证办理"):
        assert value in page, value
    assert "赵六" not in page  # PRIV-1: nothing of the applicant beyond CASE-10's columns


def test_case_10_export_has_the_same_columns_in_chinese_with_local_times(as_office, make_case,
                                                                          item_a):
    case = make_case(item_a, date(2026, 11, 2), APPROVE, deliver("=HYPERLINK(\"x\")"))
    response = as_office.get("/ledger/export.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("台帐-") in disposition
    assert int(response.headers["Content-Length"]) == len(response.data)
    rows = export_rows(as_office)
    assert list(rows[0]) == HEADERS
    assert rows[1] == ("2026-11-02 10:00", case.number, "居住证办理", "01 公安户政窗口",
                       "2026-11-03 11:00", "=HYPERLINK(\"x\")", "钱经办", None, "准予许可")
    formula = load_workbook(BytesIO(response.data)).worksheets[0]["F2"]
    assert formula.data_type == "s"  # a typed name never becomes a formula


def test_case_10_export_freezes_the_bold_header_row_sizes_columns_and_filters(as_office,
                                                                            make_case, item_a):
    make_case(item_a, date(2026, 11, 2), APPROVE, deliver())
    make_case(item_a, date(2026, 11, 3), START)
    response = as_office.get("/ledger/export.xlsx")
    sheet = load_workbook(BytesIO(response.data)).worksheets[0]
    assert sheet.title == "台帐"
    assert sheet.freeze_panes == "A2"  # the header stays in view while scrolling
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.auto_filter.ref == "A1:I3"
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"]
    assert all(width > 10 for width in widths) and widths[2] > widths[0], widths


def test_case_9_the_ledger_shows_the_fee_collected_or_waived_on_the_page_and_in_the_export(
        as_office, make_case, db_session, window_a):
    """Issue #19: 免收 is a recorded waiver, shown as such; an amount as the amount."""
    charging = _item(db_session, window_a, "L-FEE", "证件补办")
    charging.fee_standard, charging.fee_item, charging.fee_basis = Decimal("20.00"), "工本费", "文件"
    db_session.commit()
    day = date(2026, 11, 2)
    paid = make_case(charging, day, APPROVE, (cs.DELIVER, {"collector": "孙", "fee_amount": "20"}))
    waived = make_case(charging, day, APPROVE, (cs.DELIVER, {"collector": "孙", "fee_amount": "0"}))
    page = as_office.get("/ledger/list/?psize_LedgerView=100").get_data(as_text=True)
    assert "20.00 元" in page and "免收" in page
    fees = {row[1]: row[7] for row in export_rows(as_office)[1:]}
    assert (fees[paid.number], fees[waived.number]) == ("20.00 元", "免收")


@pytest.mark.parametrize("typed", ["<r><t>x</t></r>", "<r>孙&取件</r>", "钱\x01经办\x1f"])
def test_case_10_export_keeps_any_typed_name_as_plain_text(as_office, make_case, item_a, typed):
    """A name shaped like the sheet's own XML cannot break or change the file; characters the
    xlsx format refuses are dropped."""
    make_case(item_a, date(2026, 11, 2), APPROVE, deliver(typed))
    rows = export_rows(as_office)
    assert rows[1][5] == typed.replace("\x01", "").replace("\x1f", "")


def test_case_10_result_of_a_delivered_or_closed_case_is_its_decision(as_office, make_case, item_a):
    day = date(2026, 11, 2)
    closed = make_case(item_a, day, APPROVE, deliver(), (cs.CLOSE, {}))
    refused = make_case(item_a, day, REFUSE, deliver())
    forwarded = make_case(item_a, day, START, (cs.FORWARD, {"note": "已报市局"}), (cs.CLOSE, {}))
    returned = make_case(item_a, day, (cs.CLOSE, {}), case_class="returned",
                         return_reason="主要材料缺失", received={})
    withdrawn = make_case(item_a, day, (cs.WITHDRAW, {}))
    running = make_case(item_a, day, START)
    results = {row[1]: row[8] for row in export_rows(as_office)[1:]}
    assert results == {closed.number: "准予许可", refused.number: "不予许可",
                       forwarded.number: "已上报", returned.number: "退回",
                       withdrawn.number: "已撤回", running.number: "办理中"}


def test_case_10_ledger_page_loads_items_windows_and_handlers_per_page_not_per_row(
        app, as_office, register):
    """Issue #9: the page's 25 rows over many windows and items sent a query per row each."""
    from sqlalchemy import event

    from app.extensions import db

    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = as_office.get("/ledger/list/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert all(case.number in page for case in register.values())
    assert "钱经办" in page and "居住证办理" in page and "社保卡申领" in page
    one_row = re.compile(r'WHERE "?(service_item|window|staff)"?\.id = ')
    assert [s for s in statements if one_row.search(s)] == []


def test_case_10_consultations_and_cases_waiting_for_materials_are_not_in_the_ledger(
        as_office, make_case, item_a):
    day = date(2026, 11, 2)
    accepted = make_case(item_a, day)
    make_case(item_a, day, case_class="consultation", consultation_note="咨询办理条件")
    make_case(item_a, day, case_class="supplement")
    assert list_numbers(as_office) == [accepted.number]
    assert export_numbers(as_office) == [accepted.number]


# ---- filters: the page and the file select the same rows ------------------------------------

@pytest.fixture
def register(make_case, item_a, item_b):
    """Six cases over two windows, three days and four results."""
    return {
        "a_1102_approved": make_case(item_a, date(2026, 11, 2), APPROVE, deliver(), (cs.CLOSE, {})),
        "a_1105_refused": make_case(item_a, date(2026, 11, 5), REFUSE),
        "a_1110_running": make_case(item_a, date(2026, 11, 10), START),
        "b_1102_running": make_case(item_b, date(2026, 11, 2)),
        "b_1105_approved": make_case(item_b, date(2026, 11, 5), APPROVE),
        "b_1110_withdrawn": make_case(item_b, date(2026, 11, 10), (cs.WITHDRAW, {})),
    }


FILTERS = [
    ("window", lambda w: f"_flt_0_window={w['a'].id}",
     {"a_1102_approved", "a_1105_refused", "a_1110_running"}),
    ("period", lambda w: "_flt_0_accepted_on=2026-11-03&_flt_1_accepted_on=2026-11-10",
     {"a_1105_refused", "a_1110_running", "b_1105_approved", "b_1110_withdrawn"}),
    ("one day", lambda w: "_flt_0_accepted_on=2026-11-05&_flt_1_accepted_on=2026-11-05",
     {"a_1105_refused", "b_1105_approved"}),
    ("result", lambda w: f"_flt_0_state={cs.DECIDED_APPROVED}",
     {"a_1102_approved", "b_1105_approved"}),
    ("in progress", lambda w: "_flt_0_state=in_progress", {"a_1110_running", "b_1102_running"}),
    ("window, period and result", lambda w: f"_flt_0_window={w['b'].id}"
     f"&_flt_1_accepted_on=2026-11-04&_flt_0_state=in_progress", {"b_1102_running"}),
    ("window and result", lambda w: f"_flt_0_window={w['b'].id}&_flt_0_state=withdrawn",
     {"b_1110_withdrawn"}),
]


@pytest.mark.parametrize("name, query, expected", FILTERS, ids=[f[0] for f in FILTERS])
def test_case_10_filters_narrow_the_list_and_the_export_equally(
        name, query, expected, as_office, register, window_a, window_b):
    query = query({"a": window_a, "b": window_b})
    want = {register[key].number for key in expected}
    on_page = list_numbers(as_office, query)
    in_file = export_numbers(as_office, query)
    assert set(on_page) == want, name
    assert in_file == on_page, name  # same rows, same order


def test_case_10_export_keeps_the_order_chosen_on_the_page(as_office, register):
    query = "_oc_LedgerView=number&_od_LedgerView=asc"
    numbers = export_numbers(as_office, query)
    assert numbers == sorted(numbers) == list_numbers(as_office, query)
    assert len(numbers) == len(register)


def test_case_10_list_page_links_the_export_with_its_filters(as_office, register, window_a):
    query = f"_flt_0_window={window_a.id}&_flt_0_state=in_progress"
    page = as_office.get(f"/ledger/list/?{query}").get_data(as_text=True)
    assert f'href="/ledger/export.xlsx?{query.replace("&", "&amp;")}"' in page


# ---- ORG-2: a clerk's ledger is their window's ----------------------------------------------

def test_org_2_clerk_lists_and_exports_only_their_windows_cases(as_clerk, register, window_b):
    own = {c.number for key, c in register.items() if key.startswith("a_")}
    assert set(list_numbers(as_clerk)) == own
    assert set(export_numbers(as_clerk)) == own
    # Asking for the other window's rows gives nothing, on the page and in the file.
    assert list_numbers(as_clerk, f"_flt_0_window={window_b.id}") == []
    assert export_numbers(as_clerk, f"_flt_0_window={window_b.id}") == []


def test_org_2_clerk_window_filter_offers_only_their_window(as_clerk, window_a, window_b):
    page = as_clerk.get("/ledger/list/").get_data(as_text=True)
    # The search form's fields reach the page as JSON (non-ASCII escaped); since issue #21 the
    # window field's choices load when it is opened, from the URL the field names.
    assert json.dumps(window_b.name)[1:-1] not in page
    url = re.search(r'data-choices-url=\\"(/searchchoices/[^"\\]+/window)\\"', page).group(1)
    labels = " ".join(label for _key, label in as_clerk.get(url).get_json())
    assert window_a.name in labels
    assert window_b.name not in labels


ROLES = ["Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk"]


@pytest.mark.parametrize("role", ROLES + [None])
def test_org_2_ledger_is_read_by_whoever_reads_cases_and_is_read_only(role, log_in, public,
                                                                      window_a, register):
    client = public if role is None else log_in(
        role, window=window_a if role in ("WindowHead", "Clerk") else None).client
    expected = 302 if role is None else 200
    assert client.get("/ledger/list/").status_code == expected
    assert client.get("/ledger/export.xlsx").status_code == expected
    case = register["a_1105_refused"]
    for url in ("/ledger/add", f"/ledger/edit/{case.id}", f"/ledger/delete/{case.id}"):
        assert client.get(url).status_code in (302, 403, 404), url
    if role in ROLES:
        show = client.get(f"/ledger/show/{case.id}")
        assert show.status_code == 302 and show.headers["Location"].endswith(
            f"/caseview/show/{case.id}")


# ---- 100,000 rows: streamed, bounded memory -------------------------------------------------

ROWS = 100_000
BATCH = 10_000
STATES = (cs.DECIDED_APPROVED, cs.IN_PROGRESS, cs.DECIDED_REFUSED, cs.WITHDRAWN)


def _bulk_cases(db_session, item, window, handler_id: int) -> None:
    """ROWS minimal cases with Core INSERTs in batches (no ORM objects, no transitions)."""
    start = datetime(2026, 1, 5, 1, tzinfo=timezone.utc)
    table = Case.__table__
    for first in range(0, ROWS, BATCH):
        rows = []
        for n in range(first, first + BATCH):
            at = start + timedelta(minutes=n)
            state = STATES[n % len(STATES)]
            decided = at + timedelta(days=2) if state.startswith("decided") else None
            rows.append({
                "number": f"BC-2026-{n + 1:06d}", "case_class": "accepted", "state": state,
                "item_id": item.id, "window_id": window.id, "applicant_kind": "person",
                "applicant_name": "批量", "received_at": at, "accepted_at": at,
                "accepted_on": at.date(), "promised_days": 5, "deadline": at.date() + timedelta(days=7),
                "urgent": False, "extended": False, "suspended_days": 0,
                "decided_at": decided, "decided_on": decided.date() if decided else None,
                "handler_id": handler_id if decided else None,
                "collector_name": f"取件人{n}" if decided else None,
            })
        db_session.execute(insert(table), rows)
    db_session.commit()


@pytest.mark.slow
def test_case_10_exports_100000_rows_in_bounded_memory(as_office, db_session, item_a, window_a,
                                                      handler, app, monkeypatch):
    # The writer's memory, measured in the request: a file this large is otherwise a
    # background job (issue #21, tests/views/test_background_jobs.py), written the same way.
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", ROWS)
    started = time.perf_counter()
    _bulk_cases(db_session, item_a, window_a, handler.staff_id)
    inserted = time.perf_counter()
    assert db_session.scalar(select(func.count(Case.id))) == ROWS
    db_session.expunge_all()

    cpu = time.process_time()
    with PeakMemory() as memory:
        response = as_office.get("/ledger/export.xlsx")
    exported, cpu = time.perf_counter(), time.process_time() - cpu
    assert response.status_code == 200

    # Reading 100,000 rows back with openpyxl takes longer than writing them: count the rows
    # in the sheet's XML, read the first with openpyxl and look at the last one's text.
    sheet = load_workbook(BytesIO(response.data), read_only=True).worksheets[0]
    first = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    with zipfile.ZipFile(BytesIO(response.data)) as package:
        xml = package.read("xl/worksheets/sheet1.xml")
    assert xml.count(b"<row ") == ROWS + 1
    last = xml[xml.rfind(b"<row "):].decode()
    assert first[1] == f"BC-2026-{ROWS:06d}" and first[8] == "已撤回"  # newest first
    assert all(text in last for text in ("BC-2026-000001", "2026-01-05 09:00", "准予许可"))
    print(f"\nledger export: insert {inserted - started:.1f} s, export {exported - inserted:.1f} s"
          f" ({cpu:.1f} s CPU),"
          f" file {len(response.data) / 1e6:.1f} MB, resident memory +{memory.growth / 1e6:.1f} MB")
    # Measured the same way, loading the 100,000 cases as ORM objects adds some 360 MB, and
    # fetching the export's column tuples all at once some 200 MB; streaming stays far below.
    assert memory.growth < 60e6, f"+{memory.growth / 1e6:.1f} MB"
