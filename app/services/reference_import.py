"""Excel/CSV import of reference data (issue #12): windows, staff, service items and their
materials — all of a file or nothing, with a row-level error report, like the clock import
(ATT-1, app/services/attendance.py).

IMPORT-1 (a local id, as INPUT-1: issue #12 names no rule): a file is read whole and every row
checked — each column bounded by its database column (INPUT-1), coded values from their lists,
the domain rules of the generated forms (ORG-1 window staff, PRIV-2 phone, ITEM-2/3 kinds,
limits and fees), duplicates within the file, references to windows and items. While any row
is wrong nothing is written and the rows are listed with their numbers (the header is row 1)
and reasons. A clean file then goes in within the caller's one transaction.

Re-import (natural keys): a window by its number, a staff member by employee_no (工号), an item
by its code, a material by (item code, material name). A row whose key exists updates that
record — every column the file has is applied as written, a blank optional cell meaning the
column's default (empty text, 0, yes for "active") — and an identical row is left untouched
(counted unchanged), so importing one file twice changes nothing the second time. Columns the
file lacks are left alone; records the file does not name are never deleted or deactivated.
Every created or changed row is audited by the audit mechanism (AUDIT-1; all four models are
`__audited__`). Login users are not touched by the staff import (link them in 工作人员).

Columns: English keys or the Chinese headers of the samples (docs/samples/, README).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.catalogue import (IMMEDIATE, ITEM_KINDS, JOINT, PROMISED, REPORTED,
                                 default_limit_for_kind, validate_item_fee, validate_item_limits)
from app.rules.errors import N_, RuleViolation
from app.rules.identity import normalize_phone
from app.rules.input import LIMIT_DAYS, validate_decimal, validate_text
from app.services.table_files import (ImportLimits, check_file_size, inspect_workbook, read_csv,
                                      read_workbook, refusal)
from models.catalogue import MATERIAL_FORMS, ItemMaterial, ServiceItem
from models.org import POSITIONS, STAFF_CATEGORIES, STAFF_UNITS, Center, Staff, Window

RULE = "IMPORT-1"
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000  # per sheet: a center's catalogue is hundreds of items, its staff fewer
MAX_CELLS = 2 * (MAX_ROWS + 1) * 50  # two sheets of 50 columns: ours have at most 15
MAX_LISTED_ERRORS = 200
KINDS = ("windows", "staff", "items")

# Coded values: the code itself or the Chinese label the pages show.
UNIT_ALIASES = {"window": ("窗口",), "office": ("综合办公室", "综合科"), "section": ("审批科",),
                "leadership": ("中心领导",)}
POSITION_ALIASES = {"director": ("主任",), "deputy_director": ("副主任",),
                    "office_head": ("综合科负责人",), "secretary": ("书记",), "town_head": ("镇长",),
                    "staff": ("工作人员",)}
CATEGORY_ALIASES = {"civil_servant": ("公务员",), "institution": ("事业单位人员", "事业单位"),
                    "other": ("其他",)}
ITEM_KIND_ALIASES = {IMMEDIATE: ("即办件",), PROMISED: ("承诺件",), REPORTED: ("上报件",),
                     JOINT: ("联办件",)}
FORM_ALIASES = {"original": ("原件",), "copy": ("复印件",), "original_and_copy": ("原件和复印件",)}
_YES = {"是", "yes", "y", "true", "1", "√", "有"}
_NO = {"否", "no", "n", "false", "0", "×", "无"}


class Problem(Exception):
    """One cell or row refused: an English msgid (N_) and its parameters."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


@dataclass(frozen=True)
class RowError:
    """IMPORT-1: a refused row — its sheet (for a workbook of two), row number and reason."""

    sheet: str
    row: int
    message: str
    params: dict = field(default_factory=dict)

    def render(self, translate=lambda s: s) -> str:
        params = {}
        for key, value in self.params.items():
            if isinstance(value, _Deferred):
                value = translate(value.message) % value.params if value.params \
                    else translate(value.message)
            elif key == "column":
                value = translate(value)
            params[key] = value
        text = translate(self.message)
        return text % params if params else text


@dataclass
class ImportReport:
    """What an import did; `errors` non-empty means nothing of the file was written."""

    kind: str
    file_name: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    # A background job's bar (issue #21): told (rows saved, rows of the file) as rows are saved.
    progress: Callable[[int, int | None], None] | None = field(default=None, repr=False,
                                                                compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def saved_one(self) -> None:
        if self.progress is not None:
            self.progress(self.added + self.updated + self.unchanged, self.rows or None)


# --- Cells ----------------------------------------------------------------------------------
def _text_of(value) -> str:
    """A cell as text: Excel's whole numbers (1001.0) as 1001; surrounding spaces dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def text(max_length: int | None) -> Callable:
    def parse(value):
        value = _text_of(value)
        try:
            validate_text(value, max_length, "cell")
        except RuleViolation as violation:
            raise Problem(violation.message, **violation.params) from None
        return value or None
    return parse


def integer(low: int, high: int) -> Callable:
    def parse(value):
        raw = _text_of(value)
        if not raw:
            return None
        try:
            number = int(raw)
        except ValueError:
            raise Problem(N_("Enter a whole number.")) from None
        if not low <= number <= high:
            raise Problem(N_("Enter a number between %(low)s and %(high)s."), low=low, high=high)
        return number
    return parse


def amount(precision: int, scale: int) -> Callable:
    def parse(value):
        raw = _text_of(value)
        if not raw:
            return None
        try:
            return validate_decimal(raw, precision, scale, "cell")
        except RuleViolation as violation:
            raise Problem(violation.message, **violation.params) from None
    return parse


def flag(value):
    raw = _text_of(value).lower()
    if not raw:
        return None
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise Problem(N_("Write 是 or 否 (yes or no)."))


def choice(aliases: dict[str, tuple[str, ...]]) -> Callable:
    lookup = {code.lower(): code for code in aliases}
    lookup.update({alias.lower(): code for code, names in aliases.items() for alias in names})

    def parse(value):
        raw = _text_of(value)
        if not raw:
            return None
        if raw.lower() not in lookup:
            raise Problem(N_("Unknown value %(value)s; allowed: %(allowed)s."), value=raw[:40],
                          allowed=" / ".join(names[0] for names in aliases.values()))
        return lookup[raw.lower()]
    return parse


@dataclass(frozen=True)
class Column:
    key: str  # the model's attribute, also accepted as the header
    header: str  # the Chinese header of the samples
    label: str  # English msgid, shown in error messages
    parse: Callable
    required: bool = False
    default: object = None


WINDOW_COLUMNS = (
    Column("number", "窗口编号", N_("Window number"), text(10), required=True),
    Column("name", "窗口名称", N_("Window name"), text(100), required=True),
    Column("department", "进驻部门", N_("Stationed department"), text(100), required=True),
    Column("description", "窗口说明", N_("Description"), text(None)),
    Column("is_active", "启用", N_("Active"), flag, default=True),
)
STAFF_COLUMNS = (
    Column("name", "姓名", N_("Name"), text(50), required=True),
    Column("employee_no", "工号", N_("Employee number"), text(30), required=True),
    Column("unit", "所属单位", N_("Unit"), choice(UNIT_ALIASES)),
    Column("window", "窗口编号", N_("Window number"), text(10)),
    Column("position", "职务", N_("Position"), choice(POSITION_ALIASES), default="staff"),
    Column("category", "人员类别", N_("Staff category"), choice(CATEGORY_ALIASES),
           default="civil_servant"),
    Column("phone", "联系电话", N_("Phone"), text(30)),
    Column("is_active", "在岗", N_("Active"), flag, default=True),
)
ITEM_COLUMNS = (
    Column("code", "事项编码", N_("Item code"), text(40), required=True),
    Column("name", "事项名称", N_("Item name"), text(200), required=True),
    Column("window", "承办窗口", N_("Window number"), text(10), required=True),
    Column("kind", "事项类型", N_("Item kind"), choice(ITEM_KIND_ALIASES), default=PROMISED),
    Column("promised_days", "承诺时限", N_("Promised limit (working days)"), integer(*LIMIT_DAYS),
           default=0),
    Column("statutory_days", "法定时限", N_("Statutory limit (working days)"),
           integer(*LIMIT_DAYS)),
    Column("legal_basis", "办事依据", N_("Legal basis"), text(None)),
    Column("conditions", "办理条件", N_("Conditions"), text(None)),
    Column("procedure", "办事程序", N_("Procedure"), text(None)),
    Column("fee_item", "收费项目", N_("Fee item"), text(200)),
    Column("fee_standard", "收费标准", N_("Fee standard (yuan)"), amount(10, 2)),
    Column("fee_basis", "收费依据", N_("Fee basis"), text(None)),
    Column("online_available", "网上办理", N_("Online application"), flag, default=False),
    Column("appointment_available", "可预约", N_("Appointment available"), flag, default=False),
    Column("is_active", "启用", N_("Active"), flag, default=True),
)
MATERIAL_COLUMNS = (
    Column("item_code", "事项编码", N_("Item code"), text(40), required=True),
    Column("name", "材料名称", N_("Material"), text(200), required=True),
    Column("form", "提交形式", N_("Original or copy"), choice(FORM_ALIASES), default="original"),
    Column("copies", "份数", N_("Copies"), integer(1, 99), default=1),
    Column("mandatory", "必需", N_("Mandatory"), flag, default=True),
    Column("note", "备注", N_("Note"), text(200)),
    Column("sort_order", "排序", N_("Order"), integer(0, 9999)),
)
MATERIAL_SHEETS = ("materials", "申报材料")
COLUMNS = {"windows": WINDOW_COLUMNS, "staff": STAFF_COLUMNS, "items": ITEM_COLUMNS}
assert set(UNIT_ALIASES) == set(STAFF_UNITS) and set(POSITION_ALIASES) == set(POSITIONS)
assert set(CATEGORY_ALIASES) == set(STAFF_CATEGORIES) and set(ITEM_KIND_ALIASES) == set(ITEM_KINDS)
assert set(FORM_ALIASES) == set(MATERIAL_FORMS)


# --- Reading the file -----------------------------------------------------------------------
def _refuse(message: str, **params):
    return refusal(RULE, message, **params)


def read_file(file_name: str, data: bytes,
              limits: ImportLimits | None = None) -> list[tuple[str, list[list]]]:
    """IMPORT-1: the file's sheets as (name, rows): a workbook's first two sheets, or one CSV
    sheet. Anything but .xlsx or .csv, an oversize file or one the shared reader refuses
    (app/services/table_files.py: encodings, broken or oversized sheets and cells, checked
    before parsing — INPUT-1) is refused whole. `limits`: the app's IMPORT_MAX_* (config.py),
    narrowed to this import's own smaller bounds."""
    name = (file_name or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        raise _refuse(N_("Import an Excel workbook (.xlsx) or a CSV file (.csv); "
                         "other files (.xls, .ods, …) cannot be read — save as .xlsx first."))
    limits = (limits or ImportLimits()).narrowed(file_bytes=MAX_IMPORT_BYTES, rows=MAX_ROWS,
                                                 cells=MAX_CELLS)
    if name.endswith(".xlsx"):
        return read_workbook(data, RULE, sheets=2, limits=limits)
    return [("csv", read_csv(data, RULE, limits=limits))]


def _blank(row) -> bool:
    return not any(_text_of(cell) for cell in row)


def _parse_sheet(rows: list[list], columns: tuple[Column, ...], sheet: str,
                 errors: list[RowError]) -> list[tuple[int, dict]]:
    """(row number, values) of a sheet's rows; the values of the file's columns only. Cell
    errors are added to `errors`; a row with any is left out of the result."""
    while rows and _blank(rows[-1]):
        rows.pop()
    if not rows:
        raise _refuse(N_("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise _refuse(N_("A sheet has more than %(max)s rows."), max=MAX_ROWS)
    header = [_text_of(cell).lower().lstrip("*").strip() for cell in rows[0]]
    positions = {}
    for column in columns:
        for index, name in enumerate(header):
            if name in (column.key.lower(), column.header):
                positions[column.key] = index
                break
    missing = [f"{c.key} ({c.header})" for c in columns if c.required and c.key not in positions]
    if missing:
        raise _refuse(N_("The first row must name the columns %(columns)s."),
                      columns=", ".join(missing))
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        if _blank(row):
            continue
        values, ok = {}, True
        for column in columns:
            if column.key not in positions:
                continue
            index = positions[column.key]
            cell = row[index] if index < len(row) else None
            try:
                value = column.parse(cell)
            except Problem as problem:
                errors.append(RowError(sheet, number, N_("%(column)s: %(problem)s"),
                                       {"column": column.label,
                                        "problem": _Deferred(problem.message, problem.params)}))
                ok = False
                continue
            if value is None and column.required:
                errors.append(RowError(sheet, number, N_("%(column)s is required."),
                                       {"column": column.label}))
                ok = False
            values[column.key] = column.default if value is None else value
        if ok:
            parsed.append((number, values))
    return parsed


@dataclass(frozen=True)
class _Deferred:
    """A nested message translated when the error is rendered."""

    message: str
    params: dict

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


def _row_error(errors, sheet, number, message, **params) -> None:
    errors.append(RowError(sheet, number, message, params))


# --- Checking and writing -------------------------------------------------------------------
def _window_lookup(session: Session) -> Callable[[str], Window | None]:
    """A window by its number as typed: "01", or 1 for "01" (Excel drops leading zeros)."""
    windows = list(session.scalars(select(Window)))
    exact = {w.number: w for w in windows}
    numeric = {int(w.number): w for w in windows if _digits(w.number)}

    def find(number: str | None) -> Window | None:
        if not number:
            return None
        return exact.get(number) or (numeric.get(int(number)) if _digits(number) else None)
    return find


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also takes "²", which int() refuses."""
    return text.isascii() and text.isdigit()


def _apply(record, values: dict) -> bool:
    """Set the values that differ; True when something changed."""
    changed = False
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    return changed


def _duplicate(seen: dict, key, sheet, number, errors) -> bool:
    if key in seen:
        _row_error(errors, sheet, number, N_("Same key as row %(row)s."), row=seen[key])
        return True
    seen[key] = number
    return False


def _windows(session, sheets, report, errors):
    sheet, rows = sheets[0]
    parsed = _parse_sheet(rows, WINDOW_COLUMNS, sheet, errors)
    report.rows = _count_rows(rows)
    center = session.scalars(select(Center).order_by(Center.id)).first()
    if center is None:
        raise _refuse(N_("Create the center first (组织机构 → 便民服务中心)."))
    seen: dict = {}
    clean = [(n, v) for n, v in parsed if not _duplicate(seen, v["number"], sheet, n, errors)]
    if errors:
        return
    existing = {w.number: w for w in session.scalars(select(Window).where(
        Window.center_id == center.id))}
    for _number, values in clean:
        _save(session, report, existing.get(values["number"]),
              lambda values=values: Window(center_id=center.id, **values), values)


def _staff(session, sheets, report, errors):
    sheet, rows = sheets[0]
    parsed = _parse_sheet(rows, STAFF_COLUMNS, sheet, errors)
    report.rows = _count_rows(rows)
    find_window = _window_lookup(session)
    seen: dict = {}
    clean = []
    for number, values in parsed:
        if _duplicate(seen, values["employee_no"], sheet, number, errors):
            continue
        ok = True
        typed = values.pop("window", None)
        window = find_window(typed)
        if values.get("unit") is None:
            values["unit"] = "window" if typed else "office"
        if values["unit"] == "window" and window is None:
            # ORG-1: window staff belong to one window (an unknown number is no window)
            _row_error(errors, sheet, number, N_("Window staff must belong to a window: "
                                                 "give an existing window number."))
            ok = False
        values["window_id"] = window.id if window and values["unit"] == "window" else None
        if values.get("phone"):
            try:
                values["phone"] = normalize_phone(values["phone"])
            except RuleViolation:  # PRIV-2; the number itself is not repeated (PRIV-1)
                _row_error(errors, sheet, number, N_("Phone: not a mainland phone number."))
                ok = False
        if ok:
            clean.append((number, values))
    if errors:
        return
    existing = {s.employee_no: s for s in session.scalars(select(Staff).where(
        Staff.employee_no.in_([v["employee_no"] for _n, v in clean])))}
    for _number, values in clean:
        _save(session, report, existing.get(values["employee_no"]),
              lambda values=values: Staff(**values), values)


def _items(session, sheets, report, errors):
    sheet, rows = sheets[0]
    parsed = _parse_sheet(rows, ITEM_COLUMNS, sheet, errors)
    report.rows = _count_rows(rows)
    find_window = _window_lookup(session)
    seen: dict = {}
    clean = []
    for number, values in parsed:
        if _duplicate(seen, values["code"], sheet, number, errors):
            continue
        window = find_window(values.pop("window"))
        try:
            if window is None:
                raise Problem(N_("Unknown window number."))
            values["window_id"] = window.id
            kind = values.get("kind", PROMISED)
            default_limit_for_kind(kind, values.get("promised_days", 0))  # ITEM-2
            validate_item_limits(values.get("promised_days"), values.get("statutory_days"))
            validate_item_fee(values.get("fee_standard"), values.get("fee_basis"))  # ITEM-3
        except (Problem, RuleViolation) as problem:
            _row_error(errors, sheet, number, problem.message, **problem.params)
            continue
        clean.append((number, values))
    materials = _material_rows(sheets, errors)
    if materials or len(sheets) > 1 and sheets[1][0].strip().lower() in MATERIAL_SHEETS:
        report.rows += _count_rows(sheets[1][1])  # the materials' rows count too
    codes = set(seen)
    if materials:
        known = codes | set(session.scalars(select(ServiceItem.code).where(
            ServiceItem.code.in_({v["item_code"] for _s, _n, v in materials}))))
        for material_sheet, number, values in materials:
            if values["item_code"] not in known:
                _row_error(errors, material_sheet, number,
                           N_("Unknown item code %(code)s."), code=values["item_code"][:40])
    if errors:
        return
    existing = {i.code: i for i in session.scalars(select(ServiceItem).where(
        ServiceItem.code.in_(list(codes))))}
    by_code = {}
    for _number, values in clean:
        by_code[values["code"]] = _save(session, report, existing.get(values["code"]),
                                        lambda values=values: ServiceItem(**values), values)
    if materials:
        _save_materials(session, report, materials, by_code)


def _material_rows(sheets, errors) -> list[tuple[str, int, dict]]:
    """The materials sheet of an item workbook (the second sheet, named materials or 申报材料)."""
    if len(sheets) < 2 or sheets[1][0].strip().lower() not in MATERIAL_SHEETS:
        return []
    sheet, rows = sheets[1]
    if _blank(rows[0] if rows else []):
        return []
    parsed = _parse_sheet(rows, MATERIAL_COLUMNS, sheet, errors)
    seen: dict = {}
    return [(sheet, n, v) for n, v in parsed
            if not _duplicate(seen, (v["item_code"], v["name"]), sheet, n, errors)]


def _save_materials(session, report, materials, by_code) -> None:
    missing = {v["item_code"] for _s, _n, v in materials} - set(by_code)
    for item in session.scalars(select(ServiceItem).where(ServiceItem.code.in_(missing))):
        by_code[item.code] = item
    items = list(by_code.values())
    existing = {(m.item_id, m.name): m for m in session.scalars(
        select(ItemMaterial).where(ItemMaterial.item_id.in_([i.id for i in items])))}
    order: dict[str, int] = {}
    for _sheet, _number, values in materials:
        item = by_code[values.pop("item_code")]
        order[item.code] = order.get(item.code, 0) + 1
        if values.get("sort_order") is None:
            values["sort_order"] = order[item.code]
        values["item_id"] = item.id
        _save(session, report, existing.get((item.id, values["name"])),
              lambda values=values: ItemMaterial(**values), values)


def _save(session, report, record, build, values):
    """Add a new record or update an existing one; counts what happened; flushes, so that
    later rows (materials) see the ids."""
    if record is None:
        record = build()
        session.add(record)
        session.flush()
        report.added += 1
    elif _apply(record, values):
        session.flush()
        report.updated += 1
    else:
        report.unchanged += 1
    report.saved_one()
    return record


def _count_rows(rows) -> int:
    return sum(1 for row in rows[1:] if not _blank(row))


IMPORTERS = {"windows": _windows, "staff": _staff, "items": _items}


def precheck_reference_file(file_name: str, data: bytes,
                            limits: ImportLimits | None = None) -> None:
    """INPUT-1 (issue #18): what is refused at once, in the request, even for a file large
    enough to go to the job worker (issue #21): its type, its size, a workbook over the limits
    (read from its zip directory and one streaming count, nothing parsed), a CSV that is not
    one. Raises the same RuleViolation the import itself would."""
    name = (file_name or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        read_file(file_name, data, limits)  # the import's own refusal of the file's type
    limits = (limits or ImportLimits()).narrowed(file_bytes=MAX_IMPORT_BYTES, rows=MAX_ROWS,
                                                 cells=MAX_CELLS)
    check_file_size(data, RULE, limits)
    if name.endswith(".xlsx"):
        inspect_workbook(data, RULE, limits)
    else:
        read_csv(data, RULE, limits=limits)  # milliseconds: saving rows is the slow part


def import_reference_file(session: Session, kind: str, file_name: str, data: bytes, *,
                          limits: ImportLimits | None = None,
                          progress: Callable[[int, int | None], None] | None = None
                          ) -> ImportReport:
    """IMPORT-1: import windows, staff or service items (with their materials) from an .xlsx
    or .csv file: all of it, or nothing while any row is wrong (the report lists them).
    Raises RuleViolation (field "file") when the file itself cannot be read. `progress(done,
    total)`: a background job's bar (issue #21), row by row as they are saved."""
    if kind not in IMPORTERS:
        raise ValueError(kind)
    report = ImportReport(kind=kind, file_name=(file_name or "")[:200], progress=progress)
    sheets = read_file(file_name, data, limits)
    errors: list[RowError] = []
    with session.no_autoflush:
        IMPORTERS[kind](session, sheets, report, errors)
    if errors:
        report.added = report.updated = report.unchanged = 0
        report.error_count = len(errors)
        report.errors = sorted(errors, key=lambda e: (e.sheet != sheets[0][0], e.row))[
            :MAX_LISTED_ERRORS]
    return report


# --- The documented samples (docs/samples/, README) ------------------------------------------
SAMPLES = {
    "windows": [("01", "公安户政窗口", "县公安局", "户籍、身份证", "是"),
                ("02", "人社窗口", "县人社局", "社保、就业", "是")],
    "staff": [("张三", "1001", "窗口", "01", "工作人员", "公务员", "13812345678", "是"),
              ("李四", "1002", "综合办公室", "", "综合科负责人", "事业单位人员", "", "是")],
    "items": [("GA-001", "居民身份证申领", "01", "承诺件", 20, 60, "", "", "", "", "", "", "否", "是",
               "是"),
              ("RS-001", "社保卡补办", "02", "即办件", 0, "", "", "", "", "工本费", "20.00",
               "苏价费〔2016〕1号", "是", "否", "是")],
    "materials": [("GA-001", "户口簿", "原件", 1, "是", "", 1),
                  ("GA-001", "近期免冠照片", "原件", 2, "是", "", 2),
                  ("RS-001", "身份证", "原件和复印件", 1, "是", "", 1)],
}
SAMPLE_HEADERS = {"windows": WINDOW_COLUMNS, "staff": STAFF_COLUMNS, "items": ITEM_COLUMNS,
                  "materials": MATERIAL_COLUMNS}
SAMPLE_SHEETS = {"windows": "windows", "staff": "staff", "items": "items"}


def sample_file(kind: str, file_type: str) -> bytes:
    """The sample import file of `kind` as .xlsx (items: a second sheet 申报材料) or .csv."""
    headers = [column.header for column in SAMPLE_HEADERS[kind]]
    if file_type == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(SAMPLES[kind])
        return out.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SAMPLE_SHEETS[kind]
    sheet.append(headers)
    for row in SAMPLES[kind]:
        sheet.append(list(row))
    if kind == "items":
        materials = book.create_sheet("申报材料")
        materials.append([column.header for column in MATERIAL_COLUMNS])
        for row in SAMPLES["materials"]:
            materials.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["import_reference_file", "precheck_reference_file", "sample_file", "read_file", "ImportReport", "RowError",
           "MAX_IMPORT_BYTES", "KINDS", "COLUMNS", "MATERIAL_COLUMNS"]
