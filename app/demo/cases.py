"""演示办件 — generated cases for the demo center, up to a million of them (CASE-1..12, NOTICE-1).

`generate_demo_cases` writes `n` realistic cases spread over the working days of the last
years (one year per 100,000 cases, at most ten) for the items, windows and staff of the demo
center (`app.demo.create_demo_center` first). The rule functions decide everything a
rule decides: acceptance happens on working days (`WorkCalendar`), deadlines come from
`case_deadline`, `extended_deadline` and `deadline_after_suspension`, fees from the item's
published fees (`validate_case_fee`), numbers from `format_case_number`, refusal-report
review dates from `refusal_review_due` (NEG-1/2: refusals the applicant still objects to get
their 否定报备单, a few lack one — NEG-3's list); nothing is guessed.

Speed. `register_intake` / `apply_action` (the per-case services) are the door for real
cases; at a million rows their ORM objects and flushes would take hours. Here:
- cases, sub-tasks, notices and the unusual transitions (supplement, suspension, extension,
  withdrawal) are plain dicts, made in batches of 20,000 cases and written by the driver's
  own `executemany`, one INSERT per row shape (`app/demo/bulk_load.py`); ids are given
  explicitly after the current max(id), so children reference them without RETURNING, and
  values are made in the form the database stores (`instant()`);
- the rows that follow from the case row alone — the intake / start / decision / delivery /
  close transitions, the received materials (收件清单) of every accepted case and the
  delivery receipts (送达凭证) — are written after each batch by one `INSERT … SELECT` each
  over the batch's id range, so the database builds millions of rows without a Python
  loop. Their ids are computed from the case id (case slot × 10 + step for transitions) so a
  case's history, which the views order by id, stays in time order whichever side wrote a
  step; each batch keeps a block of notice ids for its 送达凭证;
- from `WORKER_FROM` cases on, the batches are made in a worker process
  (`bulk_load.items_from_worker`) while this one writes the previous batch: the same
  generator, pickled without its session, so the same seed gives the same rows either way.

Audit: the audit trail (`app/services/audit.py`) listens to ORM flushes; these Core inserts
bypass it on purpose. Generated demo data has no human author, and a million audit rows
would only hide the real ones.

Repeated runs add: cases already there are kept, the new ones get the next ids and the next
numbers of each year (`case_number_sequence` is moved past them), so a later intake at the
counter never collides. The caller decides how many to add; nothing is refused.
"""

from __future__ import annotations

import bisect
import math
import random
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, insert, literal, null, or_, select, text, update
from sqlalchemy.orm import Session, selectinload

from app.rules import case_states as cs
from app.rules import notices as nt
from app.rules.calendar import WorkCalendar
from app.rules.catalogue import (IMMEDIATE, JOINT, PROMISED, REPORTED, default_limit_for_kind,
                                 validate_case_fee)
from app.rules.deadlines import (case_deadline, correction_notice_due, deadline_after_suspension,
                                 extended_deadline, notice_due_date, refusal_review_due,
                                 suspended_working_days)
from app.rules.identity import credit_code_check_char, id_check_digit
from app.rules.intake import (BASICALLY_SATISFIED, DISSATISFIED, ORGANISATION, PERSON, SATISFIED,
                              format_case_number, validate_sub_task_deadline)
from app.security import SECTION_HEAD
from app.demo.bulk_load import (BulkInserter, items_from_worker, shape_rows,
                                    sqlite_datetime, stored_converters)
from app.services.calendar import load_calendar, refresh_work_days
from app.services.cases import CASE_NUMBER_PREFIX, INTAKE
from app.demo.org import STAFF_NAMES
from app.services.refusals import CORRECTED, UPHELD
from app.services.settings import setting_value
from models.cases import (Case, CaseMaterial, CaseNotice, CaseNumberSequence, CaseSubTask,
                          CaseTransition, NoticeMaterial, RefusalReport)
from models.catalogue import ItemMaterial, ServiceItem
from models.org import Staff, Window

DEFAULT_SEED = 20261123
BATCH_SIZE = 20_000
WORKER_FROM = 100_000  # below this, starting a worker process costs more than it saves
CASES_PER_YEAR = 100_000  # 1,000,000 cases ≈ 10 years of a busy town center
MAX_YEARS = 10
SQLITE_CACHE_KIB = 512 * 1024
SLOTS = 10  # transition id = base + case slot * SLOTS + step: a case's history stays in order

COUNTED = ("cases", "transitions", "materials", "notices", "notice_materials", "sub_tasks",
           "refusal_reports")
# Transition steps, in the order they happen to one case (CASE-4).
STEP_INTAKE, STEP_RECEIVE, STEP_ACCEPT, STEP_START = 0, 1, 2, 3
STEP_SUSPEND, STEP_RESUME, STEP_EXTEND, STEP_DECIDE = 4, 5, 6, 7  # STEP_DECIDE or withdraw
STEP_DELIVER, STEP_CLOSE = 8, 9

# The center's time zone when the caller does not pass CENTER_TIMEZONE (config.py).
DEFAULT_ZONE = "Asia/Shanghai"
# Office hours in the center's time zone (001 服务承诺: 上午8:00-11:30, 下午14:00-17:30).
MORNING, NOON, AFTERNOON, EVENING = 8 * 3600, 11 * 3600 + 1800, 14 * 3600, 17 * 3600 + 1800
OFFICE_SECONDS = (NOON - MORNING) + (EVENING - AFTERNOON)
LATEST = 18 * 3600  # a follow-up on the same day may run a little past closing

# The decision notes say which decision a case got, so the INSERT … SELECT that writes the
# decision transitions can tell them apart once the state has moved on to delivered/closed.
REFUSED_NOTE = "不予许可："
FORWARDED_NOTE = "初审通过，已上报"

# --- Realistic proportions (of all intakes; CASE-2) -------------------------------------
CLASS_MIX = ((cs.CLASS_ACCEPTED, 0.74), (cs.CLASS_CONSULTATION, 0.12),
             (cs.CLASS_SUPPLEMENT, 0.08), (cs.CLASS_RETURNED, 0.03),
             (cs.CLASS_TRANSFERRED, 0.03))
JOINT_CLASS_MIX = ((cs.CLASS_JOINT, 0.80), (cs.CLASS_CONSULTATION, 0.10),
                   (cs.CLASS_SUPPLEMENT, 0.07), (cs.CLASS_RETURNED, 0.03))
KIND_LOAD = {IMMEDIATE: 3.0, PROMISED: 2.0, REPORTED: 0.6, JOINT: 1.0}
WEEKDAY_LOAD = (1.25, 1.05, 1.0, 0.95, 0.9, 0.8, 0.8)  # Monday busiest; 调休 weekends quiet
GROWTH_PER_YEAR = 0.05
P_OVERDUE = 0.04  # decided after the deadline (or still open past it): CASE-6
P_OVERDUE_IMMEDIATE = 0.005
P_EXTEND = 0.03  # CASE-5, items with a limit of 3 working days or more
P_SUSPEND = 0.02  # CASE-12
P_WITHDRAW = 0.005
P_REFUSE = 0.03
P_OBJECTED = 0.2  # NEG-1: of the refused, still objecting after the explanation
P_REPORT_MISSING = 0.05  # NEG-3: of those, no refusal report filed (derelictions to find)
P_REVIEW_LATE = 0.08  # NEG-2
P_CORRECTED = 0.1
P_IMPORTANT = 0.1
P_URGENT = 0.02  # 绿色通道 (CASE-8)
P_APPOINTMENT = 0.12  # of the items that take appointments
P_FEE_WAIVED = 0.05
P_RATED = 0.85  # CASE-11: most applicants rate on delivery
P_SUPPLEMENT_RETURNS = 0.8  # the applicant brings the missing materials back
P_ORGANISATION = 0.08

# --- People and places of the demo town (illustrative values) ---------------------------
# Surnames of the Rudong area, the common ones repeated so they come up as often as there.
SURNAMES = ("陈陈陈陈王王王张张张顾顾朱朱徐徐吴吴周周缪季袁曹丁冒孙孙蔡钱沈黄杨杨刘刘严许陆陆"
            "范邵瞿葛储姜何施龚薛仇戴马高倪宋邱韩汤林胡冯崔俞石唐程罗谢卢贾梁宗管蒋吕钟赵李")
# Given names: the demo staff's (org.STAFF_NAMES) and some more of every generation.
GIVEN = tuple(sorted({name[1:] for name in STAFF_NAMES} | set(
    "秀兰 春梅 海燕 建华 国强 玉华 子涵 梓轩 欣怡 浩然 雨萱 宇航 一诺 思远 金凤 桂英 德明 永红 月华 "
    "长青 保国 学军 兰英 凤英 建平 爱华 晓东 亚军 美玲 立群 海军 云霞 锦程 若曦 家豪".split())))
VILLAGES = ("栟茶社区", "东凌村", "方凌村", "浒澪村", "北凌村", "堤北村", "蒋庄村", "新凌村",
            "红星村", "卫海村", "镇北村", "港城村", "川港村", "凌民村", "兴隆村", "双灶村")
STREETS = ("人民路", "东凌路", "海防路", "建设路", "栟茶大道", "通港路", "新民路", "文化路")
REGIONS = ("320623",) * 8 + ("320602", "320612", "320681", "320682", "320685", "320684")
MOBILE_PREFIXES = ("130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 "
                   "159 166 173 177 180 181 182 183 185 186 187 188 189 198 199").split()
ORG_TRADES = ("商贸", "五金", "水产", "家庭农场", "建材", "服装", "餐饮", "电子", "机械", "物流",
              "农业科技", "纺织", "食品", "装饰工程", "汽车服务", "海产品养殖")
ORG_FORMS = ("有限公司", "有限公司", "商行", "经营部", "专业合作社")
ORG_NAMES = ("鑫达", "恒通", "海晟", "东凌", "栟茶", "瑞丰", "洋口", "金港", "宏远", "兴旺", "永盛",
             "华泰", "海韵", "凌海", "润禾", "佳和", "顺发", "天成", "新港", "福源")
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

COMPETENT_UNITS = ("如东县行政审批局", "南通市住房公积金管理中心如东分中心", "如东县人民法院",
                   "如东县公安局出入境管理大队", "如东县交通运输局", "国网如东县供电公司栟茶供电所",
                   "如东县退役军人事务局", "如东县教育体育局")
RETURN_REASONS = ("主件缺失：{material}，申请人无法当场补齐，书面告知退回。",
                  "申请人不符合办理条件（非本镇户籍），书面告知退回原因。",
                  "提交的{material}与申请人信息不一致，无法受理，书面告知退回。")
REFUSAL_REASONS = ("申请人家庭收入超过规定标准，不符合条件。",
                   "经现场核查，申请事项与实际情况不符。",
                   "申请材料经核实存在虚假内容。",
                   "申请事项不符合国土空间规划要求。")
EXTENSION_REASONS = ("需现场核查，申请人外出务工未能按期配合，经分管领导批准延期办结。",
                     "涉及多个部门会签，需延长办理时间，经分管领导批准延期办结。",
                     "申请材料需向原出具单位核实，经分管领导批准延期办结。")
SUSPENSIONS = (("专家评审", "事项技术性较强，需组织专家评审。"),
               ("现场勘验", "需会同村（社区）进行现场勘验。"),
               ("检验检测", "需委托第三方机构检验检测。"),
               ("听证", "申请事项涉及他人重大利益，依申请组织听证。"),
               ("公示", "按规定进行公示，公示期间不计入办理时限。"))
LEGAL_BASES = ("《中华人民共和国行政许可法》第三十八条第二款",
               "《江苏省城乡居民最低生活保障工作规程》第十二条",
               "《农村宅基地管理办法》第八条",
               "《中华人民共和国行政许可法》第三十一条")
CORRECTIONS = ("经复核，申请人提交的补充证明符合条件，撤销不予许可决定，重新办理。",
               "经复核，原决定适用依据有误，予以纠正并告知申请人。")
DEFECTS = ("复印件不清晰，需重新提供", "签字不全，需本人签字确认", "证明已过有效期，需重新开具",
           "信息填写不完整，需补正")
OPINIONS_GOOD = ("办事效率高，工作人员很耐心。", "一次就办好了，不用来回跑。", "服务热情，解释清楚。",
                 "比以前方便多了。", "窗口人员态度好，点赞！")
OPINIONS_MIXED = ("等候时间稍长。", "材料要求希望提前在网上说明清楚。", "办理时间比预想的长。")
OPINIONS_BAD = ("来回跑了两趟，材料清单没有一次说清楚。", "等了很久，窗口人手不够。",
                "办理结果不满意，解释不够耐心。")
# CASE-7: the participating windows of the demo's joint items, and their parts.
JOINT_PARTS = {
    "RS-004": (("06", "医保退休人员待遇确认", 8),),
    "SC-004": (("01", "公章刻制备案", 1), ("07", "发票申领及税控设备发放", 1),
               ("02", "单位社保参保登记", 1), ("06", "单位医保参保登记", 1)),
    "WJ-003": (("01", "出生登记（户口申报）", 3), ("06", "新生儿医保参保登记", 5),
               ("02", "社会保障卡申领", 5)),
}

# The version an ORM insert gives a Versioned row (models/types.py): bulk rows start there too,
# so a generated case is edited and acted on like one registered at the counter (issue #9).
FIRST_VERSION = 1
# The case columns the generator may write; a row holds only those it sets (_BulkWriter).
CASE_COLUMNS = (
    "id", "number", "case_class", "state", "item_id", "window_id", "applicant_kind",
    "applicant_name", "applicant_id_number", "applicant_phone", "applicant_address", "request",
    "first_contact_id", "clerk_id", "received_at", "accepted_at", "accepted_on", "promised_days",
    "deadline", "original_deadline", "urgent", "appointment_at", "extended", "extension_days",
    "extension_reason", "suspended_on", "suspension_procedure", "suspension_reason",
    "suspended_days", "decided_at", "decided_on", "decision_note", "handler_id", "delivered_at",
    "collector_name", "closed_at", "fee_amount", "fee_waived", "return_reason", "competent_unit",
    "consultation_note", "satisfaction", "satisfaction_opinion", "satisfaction_source",
    "applicant_objected", "version", "withdrawn_on")
TRANSITION_COLUMNS = ("id", "case_id", "action", "from_state", "to_state", "at", "user_id",
                      "username", "note")
NOTICE_COLUMNS = ("id", "case_id", "kind", "issued_at", "issued_on", "staff_id", "text",
                  "due_on", "late")
# What the generator writes of each table row by row, parents first (bulk_load), and the
# key of its count.
_WRITTEN = (
    (Case.__table__, CASE_COLUMNS, "cases"),
    (CaseSubTask.__table__, ("id", "case_id", "window_id", "part", "promised_days", "deadline",
                             "done_at", "done_on", "done_by", "note", "version"), "sub_tasks"),
    (CaseNotice.__table__, NOTICE_COLUMNS, "notices"),
    (NoticeMaterial.__table__, ("id", "notice_id", "material_id", "name", "problem"),
     "notice_materials"),
    (CaseTransition.__table__, TRANSITION_COLUMNS, "transitions"),
    (RefusalReport.__table__, ("id", "case_id", "window_id", "clerk_id", "applicant_unit",
                               "applicant_name", "applicant_id_number", "applicant_address",
                               "applicant_phone", "request", "reason", "legal_basis", "filed_on",
                               "review_due", "reviewed_on", "reviewer_id", "outcome",
                               "review_note", "important", "escalated_on", "inform_due",
                               "informed_on", "version"), "refusal_reports"),
)


@dataclass
class _Batch:
    """The rows of about `BATCH_SIZE` cases, shaped for writing (bulk_load.shape_rows)."""

    first_case: int
    last_case: int
    delivery_notice_base: int  # ids kept for the batch's 送达凭证 (derived_rows)
    shaped: dict[str, list]  # table name → (keys, value tuples) groups, parents first
    sequences: dict[int, int]  # the case-number counters after this batch (CASE-1)


@dataclass
class _Item:
    """What the generator needs of a service item, as plain values."""

    id: int
    code: str
    name: str
    kind: str
    limit: int  # working days (ITEM-2: 即办件 0)
    window_id: int
    fee: Decimal | None
    appointments: bool
    materials: list[tuple[int, str, bool]]  # (id, name, mandatory) in the item's order
    request: str = ""
    consultation: str = ""
    parts: list[tuple[int, str, int]] = field(default_factory=list)  # CASE-7 (window, part, days)

    @property
    def mandatory(self) -> list[tuple[int, str, bool]]:
        return [m for m in self.materials if m[2]]


def _max_id(session: Session, table) -> int:
    return session.scalar(select(func.coalesce(func.max(table.c.id), 0)))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Generator:
    """One run: the demo center's data loaded once, counters, and the rows of the current batch."""

    def __init__(self, session: Session, today: date, seed: int, batch_size: int,
                 zone: str = DEFAULT_ZONE, now: datetime | None = None):
        self.session, self.today, self.batch_size = session, today, batch_size
        # Today's office hours run past the present: what would happen later today is
        # dated now instead, so no demo record lies in the future (naive UTC, as stored).
        self.latest = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
        self.rnd = _Random(seed)
        self.cal: WorkCalendar = load_calendar(session)
        self.zone = ZoneInfo(zone)  # the CENTER_TIMEZONE setting
        self.max_extension_days = setting_value(session, "case.max_extension_days")
        self.notice_max_days = setting_value(session, "notice.max_days")
        self.max_extensions = setting_value(session, "case.max_extensions")
        self.review_days = setting_value(session, "neg.review_days")
        self.notify_days = setting_value(session, "neg.correction_notify_days")
        self.escalation_days = setting_value(session, "neg.escalation_days")
        self._load_items()
        self._load_staff()
        # ids continue after what is there (repeated runs add cases)
        self.case_base = _max_id(session, Case.__table__) + 1
        self.next_case = self.case_base
        self.transition_base = _max_id(session, CaseTransition.__table__) + 1
        self.next_notice = _max_id(session, CaseNotice.__table__) + 1
        self.next_notice_material = _max_id(session, NoticeMaterial.__table__) + 1
        self.next_sub_task = _max_id(session, CaseSubTask.__table__) + 1
        self.next_refusal_report = _max_id(session, RefusalReport.__table__) + 1
        self.material_base = _max_id(session, CaseMaterial.__table__) + 1
        self.sequences = dict(session.execute(
            select(CaseNumberSequence.year, CaseNumberSequence.last_value)
            .where(CaseNumberSequence.prefix == CASE_NUMBER_PREFIX)).all())
        self.first_sequences = dict(self.sequences)
        self.sequences_written = self.first_sequences
        dialect = session.get_bind().dialect
        # SQLite stores DATETIME as this text (SQLAlchemy's own format); the others take the
        # naive UTC datetime itself (UTCDateTime: naive UTC on every database).
        self._stored_instant = sqlite_datetime if dialect.name == "sqlite" else None
        self._converters = {table.name: stored_converters(table, columns, dialect.name)
                            for table, columns, _key in _WRITTEN}
        self._inserters = {table.name: BulkInserter(table, columns, dialect)
                           for table, columns, _key in _WRITTEN}
        self._midnights: dict[date, datetime] = {}
        self._deadlines: dict[tuple[date, int], date] = {}
        self.timer = _Timer()  # where the time goes (bench/bench_cases.py)
        self.counts = dict.fromkeys(COUNTED, 0)
        self._clear()

    # --- the demo center -----------------------------------------------------------------
    def _load_items(self) -> None:
        items = self.session.scalars(
            select(ServiceItem).options(selectinload(ServiceItem.materials))
            .where(ServiceItem.is_active.is_(True)).order_by(ServiceItem.id)).all()
        if not items:
            raise ValueError("no active service items: create the demo center first "
                             "(flask bianmin demo)")
        windows = dict(self.session.execute(select(Window.number, Window.id)).all())
        self.items: list[_Item] = []
        for row in items:
            fees = row.published_fees
            kind, window_id = row.kind, row.window_id
            item = _Item(row.id, row.code, row.name, kind,
                         default_limit_for_kind(kind, row.promised_days), window_id,
                         validate_case_fee(fees[0], fees) if fees else None,  # CASE-9
                         bool(row.appointment_available),
                         [(m.id, m.name, bool(m.mandatory)) for m in row.materials],
                         request=f"申请办理{row.name}",
                         consultation=f"咨询{row.name}的办理条件、所需材料和办理时限，已一次性告知。")
            if kind == JOINT:
                item.parts = [(windows[number], part, min(days, item.limit))
                              for number, part, days in JOINT_PARTS.get(row.code, ())
                              if number in windows and windows[number] != window_id]
                if not item.parts:  # an item of another center: one other window helps
                    other = next((w for w in sorted(windows.values()) if w != window_id), None)
                    if other is not None:
                        item.parts = [(other, "协同办理", item.limit)]
            self.items.append(item)
        loads = [KIND_LOAD.get(i.kind, 1.0) * (0.5 + self.rnd.random()) for i in self.items]
        self.item_cum = list(_accumulate(loads))
        self.material_rank = {m[0]: n for i in self.items for n, m in enumerate(i.materials)}
        self.material_slots = max((len(i.materials) for i in self.items), default=0) or 1

    def _load_staff(self) -> None:
        """Who acts: the window's staff; transitions name their login, or their name if they
        have none (the demo's window clerks have no logins)."""
        users = Staff.__table__.metadata.tables["ab_user"]  # FAB's login table
        rows = self.session.execute(
            select(Staff.id, Staff.name, Staff.window_id, Staff.user_id, users.c.username)
            .outerjoin(users, users.c.id == Staff.user_id)
            .where(Staff.is_active.is_(True)).order_by(Staff.id)).all()
        self.window_staff: dict[int, list[int]] = {}
        self.usernames: dict[int, str] = {}
        self.user_ids: dict[int, int] = {}
        for staff_id, name, window_id, user_id, username in rows:
            self.usernames[staff_id] = username or name
            if user_id:
                self.user_ids[staff_id] = user_id
            if window_id:
                self.window_staff.setdefault(window_id, []).append(staff_id)
        self.all_staff = [s for ids in self.window_staff.values() for s in ids]
        tables = Staff.__table__.metadata.tables
        user_roles, roles = tables["ab_user_role"], tables["ab_role"]
        self.reviewers = self.session.scalars(  # NEG-2: the section heads (审批科)
            select(Staff.id).join(user_roles, user_roles.c.user_id == Staff.user_id)
            .join(roles, roles.c.id == user_roles.c.role_id)
            .where(roles.c.name == SECTION_HEAD, Staff.is_active.is_(True))
            .order_by(Staff.id)).all()
        missing = {i.window_id for i in self.items} - set(self.window_staff)
        if missing:
            raise ValueError("windows without staff: create the demo center first "
                             "(flask bianmin demo)")

    def make_population(self, size: int, first_day: date) -> None:
        """The town's applicants: people come back, so cases draw from a population
        (GB 11643 ID numbers with their check digit, mobile phones, addresses)."""
        rnd = self.rnd
        born_from = date(1940, 1, 1).toordinal()
        born_to = _years_before(first_day, 18).toordinal()
        people = []
        for _ in range(size):
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
            born = date.fromordinal(rnd.randint(born_from, born_to))
            body = f"{rnd.choice(REGIONS)}{born:%Y%m%d}{rnd.randrange(1000):03d}"
            if rnd.random() < 0.06:
                phone = f"0513-8{rnd.randrange(10**7):07d}"
            else:
                phone = f"{rnd.choice(MOBILE_PREFIXES)}{rnd.randrange(10**8):08d}"
            if rnd.random() < 0.2:
                address = f"如东县栟茶镇{rnd.choice(STREETS)}{rnd.randint(1, 399)}号"
            else:
                address = (f"如东县栟茶镇{rnd.choice(VILLAGES)}{rnd.randint(1, 28)}组"
                           f"{rnd.randint(1, 80)}号")
            people.append((PERSON, name, body + id_check_digit(body), phone, address))
        organisations = []
        for _ in range(max(20, size // 20)):
            body = "92320623" + "".join(rnd.choice(CREDIT_CHARS) for _ in range(9))
            name = (f"如东县栟茶镇{rnd.choice(ORG_NAMES)}{rnd.choice(ORG_TRADES)}"
                    f"{rnd.choice(ORG_FORMS)}")
            organisations.append((ORGANISATION, name, body + credit_code_check_char(body),
                                  f"{rnd.choice(MOBILE_PREFIXES)}{rnd.randrange(10**8):08d}",
                                  f"如东县栟茶镇{rnd.choice(STREETS)}{rnd.randint(1, 399)}号"))
        self.people, self.organisations = people, organisations

    # --- time ----------------------------------------------------------------------------
    def instant(self, day: date, second: int) -> datetime | str:
        """`second` after local midnight of `day`, in the form the database stores an instant
        (naive UTC; on SQLite, its text). Instants are only ever written, never compared."""
        midnight = self._midnights.get(day)
        if midnight is None:
            midnight = self._midnights[day] = datetime(
                day.year, day.month, day.day, tzinfo=self.zone).astimezone(
                timezone.utc).replace(tzinfo=None)
        value = min(midnight + _SECONDS[second], self.latest)
        return self._stored_instant(value) if self._stored_instant else value

    def office_second(self) -> int:
        r = int(self.rnd.random() * OFFICE_SECONDS)
        return MORNING + r if r < NOON - MORNING else AFTERNOON + r - (NOON - MORNING)

    def later(self, day: date, after_day: date, after_second: int) -> int:
        """An office time on `day`, after `after_second` if that was the same day."""
        if day != after_day:
            return self.office_second()
        return min(after_second + self.rnd.randint(300, 5400), LATEST)

    def deadline(self, day: date, days: int) -> date:
        """CASE-3, by the rule function (cached: a few thousand distinct (day, limit) pairs)."""
        key = (day, days)
        due = self._deadlines.get(key)
        if due is None:
            due = self._deadlines[key] = case_deadline(day, days, self.cal)
        return due

    def working_day_after(self, day: date, days: int) -> date:
        return self.cal.add_working_days(day, days)

    # --- rows ----------------------------------------------------------------------------
    def _clear(self) -> None:
        self.cases: list[dict] = []
        self.transitions: list[dict] = []
        self.notices: list[dict] = []
        self.notice_materials: list[dict] = []
        self.sub_tasks: list[dict] = []
        self.refusal_reports: list[dict] = []

    def __getstate__(self) -> dict:
        """What a worker process gets (bulk_load.items_from_worker): all but the database."""
        state = dict(self.__dict__)
        for name in ("session", "_inserters", "timer"):
            state.pop(name)
        return state

    def batches(self, days: list[date], daily: list[int]):
        """The batches of the cases arriving `daily[i]` on `days[i]`, in arrival order."""
        for day, k in zip(days, daily):
            for second in sorted(self.office_second() for _ in range(k)):
                self.add_case(day, second)
            if len(self.cases) >= self.batch_size:
                yield self.take_batch()
        if self.cases:
            yield self.take_batch()

    def take_batch(self) -> _Batch:
        first, last = self.cases[0]["id"], self.cases[-1]["id"]
        delivery_base = self.next_notice
        self.next_notice += last - first + 1
        rows = {"cases": self.cases, "sub_tasks": self.sub_tasks, "notices": self.notices,
                "notice_materials": self.notice_materials, "transitions": self.transitions,
                "refusal_reports": self.refusal_reports}
        batch = _Batch(first, last, delivery_base, {}, dict(self.sequences))
        for table, _columns, key in _WRITTEN:
            batch.shaped[table.name] = shape_rows(rows[key], self._converters[table.name])
        self._clear()
        return batch

    def write(self, batch: _Batch) -> None:
        """Write a batch (no ORM objects, no audit: see the module doc), then the rows the
        database derives from its cases."""
        started = _clock()
        connection = self.session.connection()
        for table, _columns, key in _WRITTEN:
            self.counts[key] += self._inserters[table.name].write(connection,
                                                                  batch.shaped[table.name])
        self.sequences_written = batch.sequences
        self.timer.add("insert", started)
        started = _clock()
        self.derived_rows(batch.first_case, batch.last_case, batch.delivery_notice_base)
        self.timer.add("derived", started)

    def transition(self, case_id: int, step: int, action: str, source: str | None, target: str,
                   at: datetime, staff_id: int | None, note: str | None = None) -> None:
        row = {"id": self.transition_base + (case_id - self.case_base) * SLOTS + step,
               "case_id": case_id, "action": action, "from_state": source, "to_state": target,
               "at": at, "username": self.usernames.get(staff_id, "system")}
        user_id = self.user_ids.get(staff_id)
        if user_id is not None:
            row["user_id"] = user_id
        if note is not None:
            row["note"] = note
        self.transitions.append(row)

    def notice(self, case_id: int, kind: str, at: datetime, day: date, staff_id: int | None,
               text_: str | None) -> int:
        notice_id = self.next_notice
        self.next_notice += 1
        # NOTICE-1: the demo gives every one-time notice on the spot, so none is late.
        row = {"id": notice_id, "case_id": case_id, "kind": kind, "issued_at": at,
               "issued_on": day, "staff_id": staff_id, "late": False}
        if kind == "one_time":
            row["due_on"] = notice_due_date(day, self.notice_max_days, self.cal)
        if text_ is not None:
            row["text"] = text_
        self.notices.append(row)
        return notice_id

    def pick_staff(self, window_id: int) -> int:
        staff = self.window_staff[window_id]
        return staff[int(self.rnd.random() * len(staff))]

    # --- one case ------------------------------------------------------------------------
    def add_case(self, day: date, second: int) -> None:
        rnd = self.rnd
        item = self.items[bisect.bisect(self.item_cum, rnd.random() * self.item_cum[-1])]
        case_class = _pick(JOINT_CLASS_MIX if item.parts else CLASS_MIX, rnd.random())
        if case_class in (cs.CLASS_SUPPLEMENT, cs.CLASS_RETURNED) and not item.materials:
            case_class = cs.CLASS_CONSULTATION  # nothing could be missing
        case_id = self.next_case
        self.next_case += 1
        year = day.year
        sequence = self.sequences[year] = self.sequences.get(year, 0) + 1
        if rnd.random() < P_ORGANISATION:
            applicant = self.organisations[int(rnd.random() * len(self.organisations))]
        else:
            applicant = self.people[int(rnd.random() * len(self.people))]
        clerk = self.pick_staff(item.window_id)
        received = self.instant(day, second)
        row = dict(id=case_id, number=format_case_number(year, sequence, CASE_NUMBER_PREFIX),
                   case_class=case_class, item_id=item.id, window_id=item.window_id,
                   applicant_kind=applicant[0], applicant_name=applicant[1],
                   applicant_id_number=applicant[2], applicant_phone=applicant[3],
                   applicant_address=applicant[4], request=item.request,
                   first_contact_id=clerk if rnd.random() < 0.9 else
                   self.all_staff[int(rnd.random() * len(self.all_staff))],
                   clerk_id=clerk, received_at=received,
                   state=cs.initial_state_for_class(case_class),
                   urgent=False, extended=False, suspended_days=0, version=FIRST_VERSION,
                   fee_waived=False)
        if item.appointments and rnd.random() < P_APPOINTMENT:
            row["appointment_at"] = self.instant(day, second - second % 1800)  # the booked slot
        self.cases.append(row)
        if case_class in (cs.CLASS_ACCEPTED, cs.CLASS_JOINT):
            self.accepted_life(row, item, day, second)
        elif case_class == cs.CLASS_SUPPLEMENT:
            self.supplement_life(row, item, day, second, clerk)
        else:
            self.side_exit(row, item, day, second, clerk)

    def side_exit(self, row, item, day, second, clerk) -> None:
        """咨询件 / 退回件 / 转办件 (CASE-2): logged, told in writing where needed, archived."""
        rnd = self.rnd
        case_class = row["case_class"]
        if case_class == cs.CLASS_CONSULTATION:
            row["consultation_note"] = item.consultation
            del row["request"]  # a question, not an application
        elif case_class == cs.CLASS_TRANSFERRED:
            row["competent_unit"] = rnd.choice(COMPETENT_UNITS)
        else:
            material = (item.mandatory or item.materials)[0][1]
            row["return_reason"] = rnd.choice(RETURN_REASONS).format(material=material)
            self.notice(row["id"], nt.RETURN, row["received_at"], day, clerk, row["return_reason"])
        close_day = day if rnd.random() < 0.7 else self.working_day_after(day, rnd.randint(1, 3))
        if close_day < self.today or (close_day == self.today and rnd.random() < 0.5):
            row["closed_at"] = self.instant(close_day, self.later(close_day, day, second))
            row["state"] = cs.CLOSED

    def supplement_life(self, row, item, day, second, clerk) -> None:
        """补充件: one one-time notice listing everything still required (NOTICE-1); most
        applicants come back with it and the case is accepted then (the clock starts at
        acceptance, CASE-3/12), the others withdraw."""
        rnd = self.rnd
        case_id = row["id"]
        mandatory = item.mandatory
        asked = rnd.sample(mandatory, min(len(mandatory), rnd.randint(1, 2))) if mandatory else []
        defective = {} if asked and rnd.random() < 0.6 else \
            {rnd.choice(item.materials)[0]: rnd.choice(DEFECTS)}
        listed = asked + [m for m in item.materials if m[0] in defective and m not in asked]
        notice_id = self.notice(case_id, nt.ONE_TIME, row["received_at"], day, clerk, None)
        for material_id, name, _mandatory in listed:
            listed_row = {"id": self.next_notice_material, "notice_id": notice_id,
                          "material_id": material_id, "name": name}
            if material_id in defective:
                listed_row["problem"] = defective[material_id]
            self.notice_materials.append(listed_row)
            self.next_notice_material += 1
        if rnd.random() < P_SUPPLEMENT_RETURNS:
            back = self.working_day_after(day, rnd.randint(1, 10))
            if back > self.today:
                return
            back_second = self.office_second()
            back_at = self.instant(back, back_second)
            self.transition(case_id, STEP_RECEIVE, cs.RECEIVE_MATERIALS, cs.SUPPLEMENT_REQUESTED,
                            cs.MATERIALS_RECEIVED, back_at, clerk)
            if back == self.today and rnd.random() < 0.3:
                row["state"] = cs.MATERIALS_RECEIVED  # checked again before acceptance
                return
            self.transition(case_id, STEP_ACCEPT, cs.ACCEPT, cs.MATERIALS_RECEIVED, cs.ACCEPTED,
                            back_at, clerk)
            row["state"] = cs.ACCEPTED
            self.accepted_life(row, item, back, back_second)
        else:
            gone = self.working_day_after(day, rnd.randint(10, 30))
            if gone > self.today:
                return
            second_gone = self.office_second()
            self.transition(case_id, STEP_DECIDE, cs.WITHDRAW, cs.SUPPLEMENT_REQUESTED,
                            cs.WITHDRAWN, self.instant(gone, second_gone), clerk,
                            "申请人逾期未补齐材料，撤回申请。")
            row["state"] = cs.WITHDRAWN
            close = self.working_day_after(gone, rnd.randint(0, 2))
            if close <= self.today:
                row["state"] = cs.CLOSED
                row["closed_at"] = self.instant(close, self.later(close, gone, second_gone))

    def accepted_life(self, row, item, day, second) -> None:
        """受理件/联办件 from acceptance to archive (CASE-3..7, 9, 11, 12), stopped at today:
        what would happen after today has not happened yet, so recent cases are open."""
        rnd, today = self.rnd, self.today
        case_id, limit = row["id"], item.limit
        deadline = self.deadline(day, limit)  # CASE-3
        row.update(accepted_at=self.instant(day, second), accepted_on=day, promised_days=limit,
                   deadline=deadline, original_deadline=deadline, state=cs.ACCEPTED,
                   urgent=rnd.random() < P_URGENT)
        if item.fee is not None:
            # CASE-9 (issue #19): an item that charges has its fee recorded at intake — the
            # published fee, nothing else — or a waiver (免收), never nothing.
            if rnd.random() >= P_FEE_WAIVED:
                row["fee_amount"] = item.fee
            else:
                row["fee_waived"] = True
        handler = row["clerk_id"] if rnd.random() < 0.7 else self.pick_staff(item.window_id)
        now_day, now_second = day, second  # the last thing that happened to the case
        # CASE-7: only a case accepted as joint has parts (the app plans them at its intake); a
        # joint item's 补正 case accepted later is handled by the lead window alone.
        joint = item.parts and row["case_class"] == cs.CLASS_JOINT
        parts = self.plan_parts(row, item, day) if joint else []
        if limit:
            if day == today and rnd.random() < 0.5:
                return self.open_parts(parts, day, second)  # accepted, not started yet
            row.update(state=cs.IN_PROGRESS, handler_id=handler)
        overdue = rnd.random() < (P_OVERDUE if limit else P_OVERDUE_IMMEDIATE)
        # CASE-12: a special procedure stops the clock; the deadline moves on resumption.
        if limit >= 3 and rnd.random() < P_SUSPEND:
            start = self.working_day_after(day, rnd.randint(1, limit // 2))
            if start > today:
                return self.open_parts(parts, day, second)
            procedure, reason = rnd.choice(SUSPENSIONS)
            start_second = self.office_second()
            start_at = self.instant(start, start_second)
            row.update(suspension_procedure=procedure, suspension_reason=reason)
            self.transition(case_id, STEP_SUSPEND, cs.SUSPEND, cs.IN_PROGRESS, cs.SUSPENDED,
                            start_at, handler, reason)
            self.notice(case_id, nt.SPECIAL_PROCEDURE, start_at, start, handler,
                        f"{procedure}: {reason}")
            end = self.working_day_after(start, rnd.randint(3, 15))
            if end > today:
                row.update(state=cs.SUSPENDED, suspended_on=start)
                return self.open_parts(parts, day, second)
            deadline = deadline_after_suspension(deadline, start, end, self.cal)
            row.update(deadline=deadline,
                       suspended_days=suspended_working_days(start, end, self.cal))
            now_day, now_second = end, self.office_second()
            self.transition(case_id, STEP_RESUME, cs.RESUME, cs.SUSPENDED, cs.IN_PROGRESS,
                            self.instant(now_day, now_second), handler)
        # CASE-5: an extension, once, for a stated reason, granted on the deadline day.
        if (limit >= 3 and self.max_extensions >= 1 and self.max_extension_days >= 1
                and rnd.random() < P_EXTEND):
            if deadline > today:
                return self.open_parts(parts, day, second)
            days = rnd.randint(1, self.max_extension_days)
            reason = rnd.choice(EXTENSION_REASONS)
            granted_second = self.later(deadline, now_day, now_second)
            granted_at = self.instant(deadline, granted_second)
            new_deadline = extended_deadline(deadline, days, self.max_extension_days, 0, reason,
                                             self.cal, max_extensions=self.max_extensions)
            self.transition(case_id, STEP_EXTEND, cs.EXTEND, cs.IN_PROGRESS, cs.EXTENDED,
                            granted_at, handler, reason)
            self.notice(case_id, nt.EXTENSION, granted_at, deadline, handler, reason)
            row.update(state=cs.EXTENDED, extended=True, extension_days=days,
                       extension_reason=reason)
            now_day, now_second, deadline = deadline, granted_second, new_deadline
            row["deadline"] = deadline
        # The decision day: within the (moved) limit, or late (CASE-6).
        if overdue:  # mostly a few days late, some weeks (those still open show in the queues)
            late = rnd.randint(1, 2) if not limit else \
                rnd.randint(1, 6) if rnd.random() < 0.8 else rnd.randint(7, 30)
            decided = self.working_day_after(deadline, late)
        elif limit == 0:
            decided = day
        else:
            left = self.cal.working_days_between(now_day, deadline)
            decided = self.working_day_after(now_day, 1 + int(left * rnd.random() * rnd.random()))
        if rnd.random() < P_WITHDRAW and decided > now_day:
            gone = self.working_day_after(now_day, 1)
            if gone <= today:
                gone_second = self.office_second()
                self.transition(case_id, STEP_DECIDE, cs.WITHDRAW, row["state"], cs.WITHDRAWN,
                                self.instant(gone, gone_second), handler, "申请人主动撤回申请。")
                if cs.clock_running(row["state"]):  # CASE-6: overdue days stop, not vanish
                    row["withdrawn_on"] = gone
                row["state"] = cs.WITHDRAWN
                if gone < today:
                    row.update(state=cs.CLOSED, closed_at=self.instant(
                        gone, self.later(gone, gone, gone_second)))
                self.open_parts(parts, day, second, until=gone)
                return None
        if decided > today:
            return self.open_parts(parts, day, second)
        decided_second = self.later(decided, now_day, now_second)
        self.finish_parts(parts, day, second, decided, decided_second)
        refused = rnd.random() < P_REFUSE
        if refused:
            reason = rnd.choice(REFUSAL_REASONS)
            row["decision_note"] = REFUSED_NOTE + reason
            state = cs.DECIDED_REFUSED
            row["applicant_objected"] = objected = rnd.random() < P_OBJECTED  # NEG-1
            if objected and rnd.random() >= P_REPORT_MISSING:
                self.refusal_report(row, reason, decided, handler)
        elif item.kind == REPORTED:
            row["decision_note"] = FORWARDED_NOTE + "县主管部门审批。"
            state = cs.DECIDED_FORWARDED
        else:
            state = cs.DECIDED_APPROVED
        row.update(state=state, decided_on=decided, handler_id=handler,
                   decided_at=self.instant(decided, decided_second))
        if state == cs.DECIDED_FORWARDED:  # done locally once forwarded (004 一(三))
            close = self.working_day_after(decided, rnd.randint(0, 3))
            if close <= today:
                row.update(state=cs.CLOSED, closed_at=self.instant(
                    close, self.later(close, decided, decided_second)))
            return None
        # 送达 (CASE-4/10) with the applicant's rating (CASE-11), then the archive.
        delivered = decided if (limit == 0 or rnd.random() < 0.6) else \
            self.working_day_after(decided, rnd.randint(1, 5))
        if delivered > today:
            return None
        delivered_second = self.later(delivered, decided, decided_second)
        collector = row["applicant_name"] if rnd.random() < 0.85 else \
            rnd.choice(SURNAMES) + rnd.choice(GIVEN)
        row.update(state=cs.DELIVERED, delivered_at=self.instant(delivered, delivered_second),
                   collector_name=collector)
        if rnd.random() < P_RATED:
            r = rnd.random()
            if refused:
                rating = SATISFIED if r < 0.6 else BASICALLY_SATISFIED if r < 0.85 else DISSATISFIED
            else:
                rating = SATISFIED if r < 0.93 else BASICALLY_SATISFIED if r < 0.985 else \
                    DISSATISFIED
            opinion = None
            if rating == DISSATISFIED:
                opinion = rnd.choice(OPINIONS_BAD)
            elif rating == BASICALLY_SATISFIED and rnd.random() < 0.5:
                opinion = rnd.choice(OPINIONS_MIXED)
            elif rnd.random() < 0.1:
                opinion = rnd.choice(OPINIONS_GOOD)
            row.update(satisfaction=rating,
                       satisfaction_source="clerk" if rnd.random() < 0.7 else "public")
            if opinion:
                row["satisfaction_opinion"] = opinion
        close = delivered if rnd.random() < 0.5 else \
            self.working_day_after(delivered, rnd.randint(1, 3))
        if close <= today:
            row.update(state=cs.CLOSED, closed_at=self.instant(
                close, self.later(close, delivered, delivered_second)))
        return None

    # --- refusal reports (NEG-1..3) -------------------------------------------------------
    def refusal_report(self, row, reason: str, decided: date, clerk: int) -> None:
        """否定报备单 of a refusal the applicant still objects to (NEG-1), filed on the day or
        the next, reviewed by a section head within `neg.review_days` (some late) and, when
        corrected, the applicant informed within `neg.correction_notify_days` (NEG-2)."""
        rnd, today = self.rnd, self.today
        filed = decided if rnd.random() < 0.7 else self.working_day_after(decided, 1)
        if filed > today:
            return  # to be filed: on the section head's list until then (NEG-3)
        organisation = row["applicant_kind"] == ORGANISATION
        report = {"id": self.next_refusal_report, "case_id": row["id"],
                  "window_id": row["window_id"], "clerk_id": clerk,
                  "applicant_name": row["applicant_name"],
                  "applicant_id_number": row["applicant_id_number"],
                  "applicant_address": row["applicant_address"],
                  "applicant_phone": row["applicant_phone"], "request": row["request"],
                  "reason": reason, "legal_basis": rnd.choice(LEGAL_BASES), "filed_on": filed,
                  "review_due": refusal_review_due(filed, self.review_days, self.cal),
                  "important": False, "version": FIRST_VERSION}
        if organisation:
            report["applicant_unit"] = row["applicant_name"]
        self.next_refusal_report += 1
        self.refusal_reports.append(report)
        late = rnd.random() < P_REVIEW_LATE
        reviewed = self.working_day_after(
            filed, self.review_days + rnd.randint(1, 3) if late else
            rnd.randint(1, max(1, self.review_days)))
        if reviewed > today or not self.reviewers:
            return
        corrected = rnd.random() < P_CORRECTED
        report.update(reviewed_on=reviewed, reviewer_id=rnd.choice(self.reviewers),
                      outcome=CORRECTED if corrected else UPHELD)
        if corrected:
            report["review_note"] = rnd.choice(CORRECTIONS)
            report["inform_due"] = correction_notice_due(reviewed, self.notify_days, self.cal)
            informed = self.working_day_after(reviewed, rnd.randint(1, max(1, self.notify_days)))
            if informed <= today:
                report["informed_on"] = informed
        if rnd.random() < P_IMPORTANT:
            report["important"] = True
            escalated = self.working_day_after(reviewed,
                                               rnd.randint(0, max(0, self.escalation_days)))
            if escalated <= today:
                report["escalated_on"] = escalated

    # --- joint cases (CASE-7) ------------------------------------------------------------
    def plan_parts(self, row, item, day) -> list[dict]:
        parts = []
        for window_id, part, days in item.parts:
            due = self.deadline(day, days)
            validate_sub_task_deadline(due, row["original_deadline"])
            parts.append({"id": self.next_sub_task, "case_id": row["id"], "window_id": window_id,
                          "part": part, "promised_days": days, "deadline": due,
                          "version": FIRST_VERSION})
            self.next_sub_task += 1
        self.sub_tasks.extend(parts)
        return parts

    def finish_parts(self, parts, day, second, decided, decided_second) -> None:
        """Every part is done by the decision (the case is decided only then)."""
        for part in parts:
            done = min(self.working_day_after(day, self.rnd.randint(0, part["promised_days"])),
                       decided)
            self._done(part, done, day, second, decided, decided_second)

    def open_parts(self, parts, day, second, until: date | None = None) -> None:
        """An open joint case: the parts whose planned day has come are done."""
        last = until or self.today
        for part in parts:
            done = self.working_day_after(day, self.rnd.randint(0, part["promised_days"] + 2))
            if done < last or (done == last and until is None and self.rnd.random() < 0.5):
                self._done(part, done, day, second, None, None)
        return None

    def _done(self, part, done, day, second, decided, decided_second) -> None:
        low = second if done == day else MORNING
        high = decided_second if done == decided else EVENING
        done_second = self.rnd.randint(low, high) if low < high else low
        staff = self.pick_staff(part["window_id"])
        part.update(done_at=self.instant(done, done_second), done_on=done,
                    done_by=self.usernames[staff])

    # --- derived rows (INSERT … SELECT over the new id range) ---------------------------
    def derived_rows(self, first: int, last: int, delivery_base: int) -> None:
        """The rows that follow from each case row alone (cases `first`…`last`), written by
        the database itself."""
        c = Case.__table__.c
        in_range = c.id.between(first, last)
        who = _mapping(self.usernames, "system")
        user = _mapping(self.user_ids, None)
        slot = c.id - self.case_base  # the same ids as transition() gives

        def step_id(step: int):
            return literal(self.transition_base) + slot * SLOTS + step

        decision_action = case((c.decision_note.like(REFUSED_NOTE + "%"), cs.REFUSE),
                               (c.decision_note.like(FORWARDED_NOTE + "%"), cs.FORWARD),
                               else_=cs.APPROVE)
        decision_state = case((c.decision_note.like(REFUSED_NOTE + "%"), cs.DECIDED_REFUSED),
                              (c.decision_note.like(FORWARDED_NOTE + "%"), cs.DECIDED_FORWARDED),
                              else_=cs.DECIDED_APPROVED)
        before_decision = case((c.promised_days == 0, cs.ACCEPTED),
                               (c.extended.is_(True), cs.EXTENDED), else_=cs.IN_PROGRESS)
        initial = case({k: cs.initial_state_for_class(k) for k in cs.INTAKE_CLASSES},
                       value=c.case_class)
        before_close = case(
            (c.delivered_at.is_not(None), cs.DELIVERED),
            (c.decided_at.is_not(None), cs.DECIDED_FORWARDED),
            else_=case({cs.CLASS_CONSULTATION: cs.CONSULTED, cs.CLASS_RETURNED: cs.RETURNED,
                        cs.CLASS_TRANSFERRED: cs.TRANSFERRED}, value=c.case_class,
                       else_=cs.WITHDRAWN))
        closer = func.coalesce(c.handler_id, c.clerk_id)
        steps = (
            (STEP_INTAKE, literal(INTAKE), null(), initial, c.received_at, c.clerk_id, null(),
             c.id.is_not(None)),
            (STEP_START, literal(cs.START), literal(cs.ACCEPTED), literal(cs.IN_PROGRESS),
             c.accepted_at, c.handler_id, null(),
             and_(c.accepted_at.is_not(None), c.promised_days > 0, c.state != cs.ACCEPTED)),
            (STEP_DECIDE, decision_action, before_decision, decision_state, c.decided_at,
             c.handler_id, c.decision_note, c.decided_at.is_not(None)),
            (STEP_DELIVER, literal(cs.DELIVER), decision_state, literal(cs.DELIVERED),
             c.delivered_at, c.handler_id, null(), c.delivered_at.is_not(None)),
            (STEP_CLOSE, literal(cs.CLOSE), before_close, literal(cs.CLOSED), c.closed_at,
             closer, null(), c.closed_at.is_not(None)),
        )
        for step, action, source, target, at, staff, note, condition in steps:
            query = select(step_id(step), c.id, action, source, target, at, user(staff),
                           who(staff), note).where(in_range, condition)
            self.counts["transitions"] += self._insert_select(CaseTransition, TRANSITION_COLUMNS, query)
        # 收件清单 (CASE-1): every mandatory material of the item, some of the optional ones.
        m = ItemMaterial.__table__.c
        rank = _mapping(self.material_rank, 0)
        query = (select(literal(self.material_base) + slot * self.material_slots
                        + rank(m.id), c.id, m.id, m.name, m.copies, c.accepted_at)
                 .select_from(Case.__table__.join(ItemMaterial.__table__,
                                                  m.item_id == c.item_id))
                 .where(in_range, c.accepted_at.is_not(None),
                        or_(m.mandatory.is_(True), (c.id + m.id) % 3 == 0)))
        self.counts["materials"] += self._insert_select(
            CaseMaterial, ["id", "case_id", "material_id", "name", "copies", "received_at"], query)
        # 送达凭证 (NOTICE-2) of every delivered case, after the case's other notices.
        query = (select(literal(delivery_base) + (c.id - first), c.id, literal(nt.DELIVERY),
                        c.delivered_at, self.local_day(c.delivered_at), c.handler_id,
                        c.collector_name, literal(False))
                 .where(in_range, c.delivered_at.is_not(None)))
        self.counts["notices"] += self._insert_select(
            CaseNotice, ["id", "case_id", "kind", "issued_at", "issued_on", "staff_id", "text",
                         "late"], query)

    def _insert_select(self, model, columns, query) -> int:
        """INSERT … SELECT; the rows written (PostgreSQL reports them only when asked)."""
        statement = (insert(model.__table__).from_select(columns, query)
                     .execution_options(preserve_rowcount=True))
        return self.session.execute(statement).rowcount

    def local_day(self, column):
        """The center's calendar day of a stored (naive UTC) instant, in SQL.

        Uses the zone's offset of today: every generated instant lies in office hours, hours
        away from local midnight, so a daylight-saving hour could never change its day.
        """
        seconds = int(self.zone.utcoffset(datetime(self.today.year, 1, 1)).total_seconds())
        dialect = self.session.get_bind().dialect.name
        if dialect == "sqlite":
            return func.date(column, f"{seconds:+d} seconds")
        return func.date(column + text(f"interval '{seconds} seconds'"))

    # --- afterwards ----------------------------------------------------------------------
    def save_sequences(self) -> None:
        """CASE-1: the counter of each year moves past the generated numbers."""
        table = CaseNumberSequence.__table__
        for year, value in sorted(self.sequences_written.items()):
            if year in self.first_sequences:
                if value != self.first_sequences[year]:
                    self.session.execute(update(table).where(
                        table.c.prefix == CASE_NUMBER_PREFIX, table.c.year == year,
                        table.c.last_value < value).values(last_value=value))
            else:
                self.session.execute(insert(table).values(prefix=CASE_NUMBER_PREFIX, year=year,
                                                          last_value=value))

    def reset_id_sequences(self) -> None:
        """PostgreSQL: explicit ids do not move the serial sequences; move them, or the next
        intake at the counter would be given an id already taken."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for table in (Case.__table__, CaseTransition.__table__, CaseMaterial.__table__,
                      CaseNotice.__table__, NoticeMaterial.__table__, CaseSubTask.__table__,
                      RefusalReport.__table__):
            self.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"GREATEST((SELECT max(id) FROM {table.name}), 1))"))


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


class _Timer:
    """Wall and CPU seconds per phase (CPU tells the work from the waiting on a busy host)."""

    def __init__(self):
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def add(self, phase: str, started: tuple[float, float]) -> None:
        wall, cpu = (now - then for now, then in zip(_clock(), started))
        self.wall[phase] = self.wall.get(phase, 0) + wall
        self.cpu[phase] = self.cpu.get(phase, 0) + cpu

    def rounded(self, which: dict) -> dict:
        return {phase: round(seconds, 2) for phase, seconds in which.items()}


class _Random(random.Random):
    """The same seeded stream, with `randint` and `choice` taken straight from `random()`:
    the generator calls them millions of times and the library versions are several times
    slower (they guard against huge ranges the generator never uses)."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


_SECONDS = [timedelta(seconds=s) for s in range(LATEST + 1)]  # instant(): no timedelta per call


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def _pick(mix, r: float) -> str:
    for value, share in mix:
        r -= share
        if r < 0:
            return value
    return mix[0][0]


def _mapping(values: dict, default):
    """`CASE col WHEN key THEN value … END` for a small Python dict (staff → username)."""
    def expression(column):
        if not values:
            return literal(default) if default is not None else null()
        return case(values, value=column, else_=literal(default) if default is not None
                    else null())
    return expression


def _big_page_cache(session: Session):
    """SQLite: a large page cache while millions of rows go in, so the indexes' pages stay in
    memory instead of spilling to the file mid-transaction (about a fifth of the insert time
    at a million cases). Returns the function that restores the connection's setting."""
    if session.get_bind().dialect.name != "sqlite":
        return lambda: None
    old = session.execute(text("PRAGMA cache_size")).scalar()
    session.execute(text(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}"))
    return lambda: session.execute(text(f"PRAGMA cache_size = {int(old)}"))


def daily_counts(days: list[date], n: int) -> list[int]:
    """How many of `n` cases arrive on each working day: Mondays and the first day after a
    holiday are busier, and the center gets a little busier every year. Exact total."""
    weights = []
    for i, day in enumerate(days):
        weight = WEEKDAY_LOAD[day.weekday()]
        if i and (day - days[i - 1]).days > 3:
            weight *= 1.4  # the first working day after a long holiday
        weights.append(weight * (1 + GROWTH_PER_YEAR * (day - days[0]).days / 365.25))
    total = sum(weights)
    exact = [n * w / total for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(days)), key=lambda i: counts[i] - exact[i])[:n - sum(counts)]:
        counts[i] += 1
    return counts


def _batches(generator: _Generator, days: list[date], daily: list[int]):
    """The worker process's part (bulk_load.items_from_worker): a module-level function."""
    yield from generator.batches(days, daily)


def generate_demo_cases(session: Session, n: int, *, today: date, seed: int = DEFAULT_SEED,
                        batch_size: int = BATCH_SIZE, worker: bool | None = None,
                        zone: str = DEFAULT_ZONE, now: datetime | None = None) -> dict:
    """Add `n` generated cases ending `today` to the demo center, and commit.

    Spread over max(1, n / 100,000) years (at most 10). The rows are made in a worker
    process when `worker` is true, or by default from `WORKER_FROM` cases on; the same seed
    gives the same rows either way. Returns the rows written per table, the first day, the
    number of years and the seconds per phase. No instant is later than `now` (default:
    the present). See the module docstring for the method.
    """
    if n < 0:
        raise ValueError("the number of cases cannot be negative")
    if n == 0:
        return dict.fromkeys(COUNTED, 0)
    years = min(MAX_YEARS, max(1, math.ceil(n / CASES_PER_YEAR)))
    first_day = _years_before(today, years) + timedelta(days=1)
    generator = _Generator(session, today, seed, batch_size, zone, now)
    timer, counts = generator.timer, generator.counts
    # The work_day table must cover every generated deadline (overdue working days, CASE-6).
    work_days = refresh_work_days(session, today, first_day.year)
    restore_cache = _big_page_cache(session)
    days = [first_day + timedelta(days=i) for i in range((today - first_day).days + 1)]
    days = [d for d in days if generator.cal.is_working_day(d)]  # acceptance on working days
    generator.make_population(min(100_000, max(500, n // 8)), first_day)
    daily = daily_counts(days, n)
    if n >= WORKER_FROM if worker is None else worker:
        batches, making = items_from_worker(_batches, generator, days, daily), "wait for worker"
    else:
        batches, making = generator.batches(days, daily), "generate"
    with closing(batches):  # on a failure here, the worker process is stopped
        while True:
            started = _clock()
            batch = next(batches, None)
            timer.add(making, started)
            if batch is None:
                break
            generator.write(batch)
    started = _clock()
    generator.save_sequences()
    generator.reset_id_sequences()
    timer.add("derived", started)
    restore_cache()
    started = _clock()
    # Exempt from transaction() (issue #9): the demo bulk loader writes past the ORM by
    # design (Core executemany / COPY on the session's connection) and times its own commit.
    session.commit()
    timer.add("commit", started)
    return {**counts, "work_days": work_days, "first_day": first_day, "years": years,
            "seconds": timer.rounded(timer.wall), "cpu_seconds": timer.rounded(timer.cpu)}


__all__ = ["generate_demo_cases", "daily_counts", "DEFAULT_SEED", "BATCH_SIZE"]
