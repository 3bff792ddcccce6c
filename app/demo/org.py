"""The demo center's organisation (ORG-1, ORG-2): the center, its twelve windows (one per
stationed department), staff names of the area, and one login per product role.

Names, addresses and phone numbers are illustrative demo values.
"""

from __future__ import annotations

import secrets
import string

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.security import CLERK, LEADERSHIP, OFFICE, SECTION_HEAD, WINDOW_HEAD
from models.org import Center, Post, Staff, Window

CENTER = dict(
    name="栟茶镇便民服务中心",
    address="江苏省南通市如东县栟茶镇人民路1号（镇政府东侧便民服务大楼一楼）",
    service_phone="0513-84512345",
    complaint_phone="0513-84512315",
    opening_hours="周一至周五 上午8:00-11:30 下午14:00-17:30（夏季下午15:00-18:00）",
)

# ORG-1: one window per stationed department, in the hall's order.
WINDOWS = [
    dict(number="01", name="公安户政窗口", department="如东县公安局栟茶派出所",
         description="办理居民身份证、临时居民身份证、出生登记、户口迁移等户籍业务。"),
    dict(number="02", name="人社服务窗口", department="栟茶镇人力资源和社会保障服务所",
         description="办理城乡居民养老保险参保、失业登记、就业困难人员认定、退休“一件事”等人社业务。"),
    dict(number="03", name="民政服务窗口", department="栟茶镇社会事业局（民政办）",
         description="受理最低生活保障、特困人员救助供养、临时救助、高龄津贴等社会救助和老年福利事项。"),
    dict(number="04", name="市场监管窗口", department="如东县市场监督管理局栟茶分局",
         description="办理个体工商户登记、食品经营许可，牵头企业开办“一件事”。"),
    dict(number="05", name="不动产登记窗口", department="如东县不动产登记中心栟茶分中心",
         description="办理不动产转移、抵押、宅基地使用权及房屋所有权首次登记和登记资料查询。"),
    dict(number="06", name="医保服务窗口", department="如东县医疗保障局栟茶医保工作站",
         description="办理城乡居民医保参保、医疗费用零星报销、异地就医备案、门诊慢特病认定。"),
    dict(number="07", name="税务服务窗口", department="国家税务总局如东县税务局栟茶税务分局",
         description="办理代开增值税发票、新办纳税人涉税事项、开具税收完税证明等涉税业务。"),
    dict(number="08", name="农业农村窗口", department="栟茶镇农业农村局",
         description="办理土地经营权流转备案、农村宅基地和建房（规划许可）申请、耕地地力保护补贴申报。"),
    dict(number="09", name="自然资源窗口", department="如东县自然资源和规划局栟茶自然资源所",
         description="办理乡村建设规划许可、设施农业用地备案，受理临时用地申请并初审上报。"),
    dict(number="10", name="卫生健康窗口", department="栟茶镇卫生健康办公室",
         description="办理生育登记、计划生育家庭特别扶助申请，牵头新生儿出生“一件事”。"),
    dict(number="11", name="残联服务窗口", department="栟茶镇残疾人联合会",
         description="受理残疾人证办理、残疾人两项补贴、辅助器具适配等助残服务事项。"),
    dict(number="12", name="司法服务窗口", department="如东县司法局栟茶司法所",
         description="受理法律援助申请、人民调解申请，提供公共法律服务咨询。"),
]

# Demo staff (ORG-1): per window two clerks and the window head (36), then the general office,
# the approval section and the leadership. Realistic names of the Rudong / Nantong area.
STAFF_NAMES = [
    # window clerks, two per window 01..12 (used in this order by create_staff)
    "陈晓燕", "顾建华", "张丽娟", "缪志刚", "王海燕", "朱文杰", "徐秀兰", "季春梅",
    "吴俊", "周敏", "袁立新", "曹丽", "丁红梅", "冒卫东", "孙小军", "蔡静",
    "钱海波", "沈雪梅", "黄志勇", "杨慧", "刘建国", "严晓红", "许明", "陆佳",
    # window heads (首席代表) 01..12
    "范国强", "邵玉华", "瞿永明", "葛爱琴", "储卫平", "姜红", "何振东", "施海英",
    "龚建军", "薛莉", "仇志华", "戴文彬",
    # general office (综合科)
    "马晓玲", "高峰", "倪静", "宋春燕", "邱文",
    # approval section (审批科)
    "韩志强", "汤晓梅",
    # leadership: director, deputy directors, party secretary, town head
    "林国华", "胡建新", "冯玉兰", "崔荣华", "俞海涛",
    # AB-role backups and part-time staff
    "石桂芳", "唐伟", "程丽华", "罗建明", "谢婷", "卢小芳", "贾志明", "梁红霞",
    "宗振华", "管丽萍", "蒋勇", "吕秀英", "钟伟东", "赵春花",
]

# One demo user per role, and one per approving position (LEAVE-2, ATT-4):
# (role, username, unit, window number or None, title, position)
DEMO_USERS = [
    ("Admin", "admin", "office", None, "系统管理员", "staff"),
    (LEADERSHIP, "leader", "leadership", None, "中心主任", "director"),
    (LEADERSHIP, "deputy", "leadership", None, "分管副主任", "deputy_director"),
    (LEADERSHIP, "secretary", "leadership", None, "党委书记", "secretary"),
    (LEADERSHIP, "townhead", "leadership", None, "镇长", "town_head"),
    (OFFICE, "office", "office", None, "综合科负责人", "office_head"),
    (SECTION_HEAD, "section", "section", None, "审批科科长", "staff"),
    (WINDOW_HEAD, "winhead", "window", "01", "首席代表", "staff"),
    (CLERK, "clerk", "window", "01", "窗口工作人员", "staff"),
]
# AB-1: every window's reception post (受理岗) has its two clerks as A and B; window 01's
# general post has the demo clerk as A and the demo window head as B (AB-2 cover in the demo).
RECEPTION_POST = "受理岗"
# SCORE-6: the window seat held by public-institution staff (事业单位人员) in the demo.
INSTITUTION_SEAT = 2
DEMO_POST = ("综合岗", "clerk", "winhead")


def demo_password() -> str:
    """A random password that passes the password policy (16 characters, two capitals, three
    small letters, two digits, a sign: app/rules/passwords.py)."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"Bmx{core}#2{secrets.choice(string.digits)}Ab"


def create_center(session: Session) -> Center:
    """The one center (ORG-1), created when missing."""
    center = session.scalars(select(Center).limit(1)).first()
    if center is None:
        center = Center(**CENTER)
        session.add(center)
    return center


def create_windows(session: Session, center: Center) -> dict[str, Window]:
    """The missing demo windows (ORG-1); returns every window by number."""
    existing = {w.number: w for w in session.scalars(select(Window))}
    for spec in WINDOWS:
        if spec["number"] not in existing:
            window = Window(center=center, is_active=True, **spec)
            session.add(window)
            existing[spec["number"]] = window
    return existing


def create_staff(session: Session, windows: dict[str, Window]) -> None:
    """Two clerks per window; names from the demo list (no logins: the demo users have those).
    The first seat is a civil servant (公务员), the second public-institution staff (事业单位人员,
    `INSTITUTION_SEAT`), as in a town center's hall, so the semi-annual grade list shows both
    grade scales (SCORE-6)."""
    if session.scalars(select(Staff).limit(1)).first() is not None:
        return
    names = iter(STAFF_NAMES)
    for number in sorted(windows):
        for seat in (1, 2):
            session.add(Staff(name=next(names), unit="window", window=windows[number],
                              employee_no=f"W{number}-{seat:02d}",
                              category="institution" if seat == INSTITUTION_SEAT
                              else "civil_servant"))


def create_logins(session: Session, sm, windows: dict[str, Window], password: str | None):
    """One login per role (ORG-2), each with its staff record; returns (role, user, password)."""
    logins = []
    for role_name, username, unit, window_no, post, position in DEMO_USERS:
        secret = password or demo_password()
        role = sm.find_role(role_name)
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(username, "演示", post, f"{username}@bianmin.local", [role], secret)
            if not user:
                raise ValueError(f"could not create demo user {username}")
        else:
            sm.reset_password(user.id, secret)
        staff = session.scalars(select(Staff).where(Staff.user_id == user.id)).first()
        if staff is None:
            session.add(Staff(name=f"{post}（演示）", user_id=user.id, unit=unit,
                              position=position, clocks_in=unit != "leadership",
                              assessed_elsewhere=unit == "leadership",  # by the town (SCORE-5)
                              window=windows.get(window_no) if window_no else None))
        else:
            staff.position = position
        logins.append((role_name, username, secret))
    return logins


def create_posts(session: Session, windows: dict[str, Window], sm) -> None:
    """The demo's posts with their A and B (AB-1), when there are none yet."""
    if session.scalars(select(Post).limit(1)).first() is not None:
        return
    for number, window in sorted(windows.items()):
        clerks = session.scalars(select(Staff).where(Staff.window_id == window.id,
                                                     Staff.user_id.is_(None))
                                 .order_by(Staff.employee_no)).all()
        if len(clerks) >= 2:
            session.add(Post(window=window, name=RECEPTION_POST, a_staff=clerks[0],
                             b_staff=clerks[1]))
    name, a_user, b_user = DEMO_POST
    a_staff, b_staff = (_staff_of(session, sm, username) for username in (a_user, b_user))
    if a_staff and b_staff:
        session.add(Post(window=a_staff.window, name=name, a_staff=a_staff, b_staff=b_staff))


def _staff_of(session: Session, sm, username: str) -> Staff | None:
    user = sm.find_user(username=username)
    return user and session.scalars(select(Staff).where(Staff.user_id == user.id)).first()
