"""I18N: Chinese by default, English one click away (the menu's language switch), and dates
written YYYY-MM-DD in the center's time zone in either language."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

MENU_ZH = ["办件", "服务事项", "人员", "窗口", "系统管理", "节假日", "考勤请假"]
MENU_EN = ["Cases", "Service items", "People", "Windows", "System", "Holidays", "Attendance and leave"]


def menu_html(client) -> str:
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'<div class="navbar.*?</div>\s*</div>', html, re.S)
    assert match, "no navigation bar on the home page"
    return match.group(0)


def menu_text(client) -> str:
    return re.sub(r"<[^>]+>", " ", menu_html(client))


def test_i18n_default_locale_is_zh_cn(app, as_admin):
    assert app.config["BABEL_DEFAULT_LOCALE"] == "zh_CN"
    assert next(iter(app.config["LANGUAGES"])) == "zh_CN"
    menu = menu_text(as_admin.client)
    for label in MENU_ZH:
        assert label in menu, f"menu lacks {label}"
    for label in MENU_EN:
        assert label not in menu, f"English {label} in the Chinese menu"


def test_i18n_menu_offers_the_language_switch(as_admin):
    html = as_admin.get("/").get_data(as_text=True)
    assert 'href="/lang/en"' in html
    assert "English" in html


def test_i18n_switch_to_english_and_back(as_admin):
    client = as_admin.client
    assert client.get("/lang/en").status_code == 302
    menu = menu_text(client)
    for label in MENU_EN:
        assert label in menu, f"English menu lacks {label}"
    for label in MENU_ZH:
        assert label not in menu, f"Chinese {label} in the English menu"
    assert 'href="/lang/zh_CN"' in client.get("/").get_data(as_text=True)

    assert client.get("/lang/zh_CN").status_code == 302
    menu = menu_text(client)
    for label in MENU_ZH:
        assert label in menu


def test_i18n_public_pages_switch_language_too(public):
    html = public.get("/guide/").get_data(as_text=True)
    assert "办事指南" in html and 'lang="zh-CN"' in html
    assert "/lang/en" in html, "the public guide has no language switch"
    public.get("/lang/en")
    html = public.get("/guide/").get_data(as_text=True)
    assert "Service guide" in html and 'lang="en"' in html


def test_i18n_unknown_language_falls_back_to_chinese(public):
    public.get("/lang/xx")
    assert "办事指南" in public.get("/guide/").get_data(as_text=True)


# ---- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (date(2026, 10, 1), "2026-10-01"),
    # 17:30 UTC is already the next day in Shanghai (UTC+8): the center's date counts.
    (datetime(2026, 10, 12, 17, 30, tzinfo=timezone.utc), "2026-10-13"),
    (datetime(2026, 10, 12, 15, 59, tzinfo=timezone.utc), "2026-10-12"),
    (None, ""),
])
def test_i18n_local_date_is_iso_in_the_center_zone(app, value, expected):
    from app.context import local_date

    with app.app_context():
        assert local_date(value) == expected


@pytest.mark.parametrize("value, expected", [
    (datetime(2026, 10, 12, 17, 5, tzinfo=timezone.utc), "2026-10-13 01:05"),
    (datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc), "2026-01-02 11:04"),
    (None, ""),
])
def test_i18n_local_datetime_is_year_month_day_hour_minute(app, value, expected):
    from app.context import local_datetime

    with app.app_context():
        assert local_datetime(value) == expected


def test_i18n_filters_are_registered_for_templates(app):
    assert "local_date" in app.jinja_env.filters and "local_datetime" in app.jinja_env.filters
    with app.test_request_context():
        rendered = app.jinja_env.from_string("{{ d | local_date }} {{ t | local_datetime }}").render(
            d=date(2026, 5, 1), t=datetime(2026, 5, 1, 0, 30, tzinfo=timezone.utc))
    assert rendered == "2026-05-01 2026-05-01 08:30"


def test_score_7_points_filters_are_registered_for_templates(app):
    """Points and scores read one way on every page (app/rules/points.py)."""
    from decimal import Decimal

    with app.test_request_context():
        rendered = app.jinja_env.from_string(
            "{{ t|score }} {{ p|points }} {{ p|signed_points }} {{ b|signed_points }} "
            "[{{ none|score }}]").render(t=Decimal("97.50"), p=Decimal("-2.0"), b=Decimal("5"))
    assert rendered == "97.5 −2 −2 +5 []"


@pytest.fixture
def holiday(db_session):
    from models.settings import Holiday

    row = Holiday(day=date(2026, 10, 1), name="国庆节")
    db_session.add(row)
    db_session.commit()
    return row


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_i18n_dates_in_lists_are_yyyy_mm_dd_in_both_languages(as_admin, holiday, language):
    as_admin.get(f"/lang/{language}")
    html = as_admin.get("/holidayview/list/").get_data(as_text=True)
    assert "2026-10-01" in html
    for other in ("Oct 1, 2026", "10/01/2026", "01/10/2026", "2026年10月1日"):
        assert other not in html


def test_i18n_case_classes_states_and_columns_never_share_a_chinese_label(app):
    """受理件 (a class) is not 已受理 (a state) nor 受理时间 (a column): one English word
    for two of them would get one translation."""
    from flask_babel import force_locale, gettext

    from app.rules import case_states as cs
    from app.views.cases import CASE_LABELS

    with app.test_request_context(), force_locale("zh_CN"):
        classes = {gettext(label) for label in cs.INTAKE_CLASS_LABELS.values()}
        states = {gettext(label) for label in cs.STATE_LABELS.values()}
        columns = {str(label) for label in CASE_LABELS.values()}
    assert "受理件" in classes and "已受理" in states and "受理时间" in columns
    assert len(classes) == len(cs.INTAKE_CLASS_LABELS)
    assert not classes & states and not classes & columns and not states & columns


# ---- what users saw untranslated (issue #9) ---------------------------------------------------

def test_i18n_user_list_shows_role_names_and_active_translated(as_admin, make_user, window_a):
    make_user("Clerk", window=window_a)
    html = as_admin.get("/users/list/").get_data(as_text=True)
    assert "窗口工作人员" in html and "系统管理员" in html
    assert "[Clerk]" not in html and "[Admin]" not in html
    assert ">True<" not in html.replace("\t", "").replace("\n", "")
    assert "True" not in re.sub(r"<[^>]+>", " ", html)


def test_i18n_role_list_translates_role_names_but_the_database_keeps_them(app, as_admin):
    html = as_admin.get("/roles/list/").get_data(as_text=True)
    names = re.findall(r'<td class="col-name role-name">\s*([^<]*?)\s*</td>', html)
    assert {"系统管理员", "窗口工作人员"} <= set(names) and "Clerk" not in names
    # The permission sets are on each role's page only (the search form may still offer them).
    cells = re.sub(r"(?s)<script.*?</script>", "", html)
    assert "can read on" not in cells
    with app.app_context():
        assert app.appbuilder.sm.find_role("Clerk") is not None  # display only


def test_i18n_role_page_shows_the_translated_name(app, as_admin):
    with app.app_context():
        role_id = app.appbuilder.sm.find_role("WindowHead").id
    html = as_admin.get(f"/roles/show/{role_id}").get_data(as_text=True)
    assert "窗口负责人" in html and "WindowHead" not in html


def test_i18n_user_form_offers_translated_roles_and_still_saves_the_choice(app, as_admin, make_user,
                                                                           db_session):
    user = make_user("Clerk")
    with app.app_context():
        office = app.appbuilder.sm.find_role("Office")
        office_id = office.id
    form_url = f"/users/edit/{user.id}"
    html = as_admin.get(form_url).get_data(as_text=True)
    options = dict(re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', html))
    assert options[str(office_id)] == "综合办公室" and "Office" not in options.values()
    assert "LDAP" not in html and "OID" not in html  # FAB's hints name backends we do not use
    response = as_admin.post_form(form_url, {
        "first_name": user.first_name, "last_name": user.last_name, "username": user.username,
        "email": user.email, "active": "y", "roles": [str(office_id)]})
    assert response.status_code == 302
    db_session.expire_all()
    assert [role.name for role in db_session.get(type(user), user.id).roles] == ["Office"]


def test_i18n_clerk_keeps_their_profile_under_the_translated_user_view(as_clerk):
    assert as_clerk.get("/users/userinfo/").status_code == 200


def test_i18n_language_menu_names_the_other_language_without_fab_dash(as_admin):
    html = as_admin.get("/").get_data(as_text=True)
    assert "英文（English）" in html and "- English" not in html
    assert 'href="/lang/en"' in html and 'href="/lang/zh_CN"' not in html  # zh_CN is current
    as_admin.get("/lang/en")
    html = as_admin.get("/").get_data(as_text=True)
    assert "Simplified Chinese" in html and 'href="/lang/zh_CN"' in html


def test_i18n_delete_confirmation_buttons_are_translated(as_admin, holiday):
    html = as_admin.get("/holidayview/list/").get_data(as_text=True)
    assert ">取消</button>" in html and ">Cancel</button>" not in html
    assert ">确定</a>" in html


def test_i18n_rule_setting_unit_hours_is_translated(as_admin):
    html = as_admin.get("/rulesettingview/list/?psize_RuleSettingView=100").get_data(as_text=True)
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", html)
    assert "小时" in cells and "hours" not in cells


@pytest.fixture
def audited_case(db_session, window_a):
    from app.actor import Actor
    from app.services.cases import Applicant, Intake, register_intake
    from tests.factories import clock_on, residence_permit_item

    item = residence_permit_item(db_session, window_a, "V-009")
    case = register_intake(
        db_session, Intake(item_id=item.id, case_class="accepted",
                           applicant=Applicant(name="赵六", id_number="11010519491231002X",
                                               phone="13912345678"),
                           received={m.id: m.copies for m in item.materials}),
        Actor(username="seed"), clock_on(date(2026, 11, 2)))
    db_session.commit()
    return case


def test_i18n_audit_list_names_records_by_their_translated_labels(as_admin, audited_case):
    """AUDIT-1: 办件, 窗口, 工作人员 — not the model classes Case, Window, Staff."""
    html = as_admin.get("/auditlogview/list/?psize_AuditLogView=100").get_data(as_text=True)
    cells = set(re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", html))
    assert {"办件", "窗口", "工作人员"} <= cells
    assert not {"Case", "Window", "Staff"} & cells
    assert not [cell for cell in cells if cell.endswith("+00:00")]  # no raw UTC instants
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", cell) for cell in cells)


def test_i18n_audit_entry_shows_field_labels_and_yes_no(app, as_admin, window_a, db_session):
    from models.audit import AuditLog

    entry = (db_session.query(AuditLog).filter_by(model="Window", record_id=str(window_a.id))
             .order_by(AuditLog.id).first())  # the creation: it carries every field
    assert entry is not None
    html = as_admin.get(f"/auditlogview/show/{entry.id}").get_data(as_text=True)
    table = html[html.index("audit-changes"):]
    fields = re.findall(r"<tr><td>([^<]*)</td>", table)
    assert {"窗口编号", "窗口名称", "派驻单位", "服务中心", "启用", "记录编号"} <= set(fields)
    assert not {"number", "department", "center_id", "is_active", "id"} & set(fields)
    assert "<td>是</td>" in table and "True" not in table
