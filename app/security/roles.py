"""The roles table (ORG-2): each role's permission set, as data, and its sync to FAB's tables.

Roles are data here, not clicks in the UI: `sync_roles()` makes the database roles exactly
what ROLE_PERMISSIONS says, every time the app starts and on `flask bianmin upgrade`.
Views and APIs of one domain share a `class_permission_name` (the resource) and map their
methods to read / write / delete, so a role grants a resource once for both doors.
"""

from __future__ import annotations

from app.roles import ADMIN, CLERK, LEADERSHIP, OFFICE, PUBLIC, ROLES, SECTION_HEAD, WINDOW_HEAD


# Method → permission maps shared by every domain view and API.
VIEW_METHOD_PERMISSIONS = {
    "list": "read", "show": "read", "download": "read", "api_read": "read", "api_get": "read",
    "api": "read", "api_column_add": "write", "api_column_edit": "write", "api_readvalues": "read",
    "add": "write", "edit": "write", "api_create": "write", "api_update": "write",
    "delete": "delete", "api_delete": "delete",
}
API_METHOD_PERMISSIONS = {
    "get_list": "read", "get": "read", "info": "read",
    "post": "write", "put": "write", "delete": "delete",
}

READ = ("read",)
WRITE = ("read", "write")
ALL = ("read", "write", "delete")
# ROSTER-2: "log" writes a duty log (the service lets only that day's duty person or substitute).
DUTY_READ_LOG = ("read", "log")
DUTY_MANAGE = ("read", "write", "log")
# COMP-1: "record" registers a complaint (the office); "write" answers and decides it.
COMPLAINT_OFFICE = ("read", "write", "record")
# SCORE-6: Leadership reads every semi-annual entry and confirms the grades.
SEMIANNUAL_CONFIRM = ("read", "confirm")

# ORG-2: what each product role may do, per resource. Admin gets everything from FAB.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    LEADERSHIP: {
        "MonthlyAssessment": ("read", "confirm"),  # SCORE-3: confirms/reopens the month
        "NoticeViolation": READ, "Case": READ, "CaseSubTask": READ,
        "Center": READ, "Window": READ, "Staff": READ, "Post": READ, "ServiceItem": READ,
        "ItemMaterial": READ, "RuleSetting": READ, "Holiday": READ, "AuditLog": READ,
        "RefusalReport": READ,
        "Handover": READ,  # HAND-1: reads every handover
        "DutyShift": DUTY_READ_LOG,  # ROSTER-1/2: reads the rota, writes own duty logs
        "Meeting": READ,  # MEET-1: schedule, minutes, everyone's attendance
        "Attendance": READ, "ClockExcuse": WRITE,  # ATT: every staff member's month
        "LeaveRequest": WRITE, "LeaveOverview": READ,  # LEAVE-1..4
        "AwayRegistration": WRITE,  # AB-2: approves window heads' errands, sees every cover
        "Complaint": WRITE,  # COMP-2..4: decides complex complaints, confirms escalations
        "WindowScore": READ,  # SCORE-2/3: the month's window scores and their export
        "Semiannual": SEMIANNUAL_CONFIRM,  # SCORE-6: confirms the half-year's grades
        "Dashboard": READ,  # issue #12: the Leadership dashboard
    },
    OFFICE: {
        "MonthlyAssessment": ("read", "rate"),  # SCORE-2 M10: enters a window's ratings
        "NoticeViolation": READ, "Case": READ, "CaseSubTask": READ,
        "Center": READ, "Window": WRITE, "Staff": ALL, "Post": ALL, "ServiceItem": ALL,
        "ItemMaterial": ALL,
        "RuleSetting": READ, "Holiday": ALL,
        "RefusalReport": READ,
        "Handover": WRITE,  # HAND-1: creates for staff, confirms for those without login
        "DutyShift": DUTY_MANAGE,  # ROSTER-1/2: generates, edits, arranges substitutes
        "Meeting": WRITE,  # MEET-1: generates the month, records attendance and minutes
        "Attendance": READ, "ClockRecord": ("write",), "ClockExcuse": WRITE,  # ATT-1: imports, enters
        "LeaveRequest": WRITE, "LeaveOverview": READ,  # LEAVE-1..4
        "AwayRegistration": READ,  # AB-2: every window's errands and cover
        "Complaint": COMPLAINT_OFFICE,  # COMP-1..3: records, answers, decides
        "WindowScore": READ,  # SCORE-2/3: the month's window scores and their export
        "ReferenceImport": ("write",),  # IMPORT-1: imports windows, staff, service items
        "Semiannual": WRITE,  # SCORE-5: computes, enters 德/能, praises
        "Dashboard": READ,  # issue #12: the Leadership dashboard
    },
    SECTION_HEAD: {
        "MonthlyAssessment": READ,  # SCORE-2..4
        "NoticeViolation": READ, "Case": READ, "CaseSubTask": READ,
        "Center": READ, "Window": READ, "Staff": READ, "Post": READ, "ServiceItem": READ,
        "ItemMaterial": READ, "RuleSetting": READ, "Holiday": READ,
        "RefusalReport": WRITE,  # NEG-2: reviews
        "Handover": WRITE,  # HAND-1: own handovers
        "DutyShift": DUTY_READ_LOG,  # ROSTER-1/2: reads the rota, writes own duty logs
        "Meeting": READ,  # MEET-1: schedule, minutes, own attendance
        "Attendance": READ, "ClockExcuse": WRITE,  # ATT: own month, own 补签单
        "LeaveRequest": WRITE,  # LEAVE-1: own requests (approvers: LEAVE-2 by position)
        "AwayRegistration": WRITE,  # AB-2: registers own errands (Leadership approves)
        "Semiannual": READ,  # SCORE-5: own entry
    },
    WINDOW_HEAD: {
        "MonthlyAssessment": ("read", "rate"),  # SCORE-2 M10: rates the other windows
        "NoticeViolation": READ, "Case": WRITE, "CaseSubTask": WRITE,
        "Center": READ, "Window": READ, "Staff": READ, "Post": READ, "ServiceItem": READ,
        "ItemMaterial": READ,
        "RefusalReport": WRITE,  # NEG-1: files
        "Handover": WRITE,  # HAND-1: own handovers
        "DutyShift": DUTY_READ_LOG,  # ROSTER-1/2: reads the rota, writes own duty logs
        "Meeting": READ,  # MEET-1: schedule, minutes, own attendance
        "Attendance": READ, "ClockExcuse": WRITE,  # ATT: own month, own 补签单
        "LeaveRequest": WRITE,
        "AwayRegistration": WRITE,  # AB-2 / ORG-2: records and approves own window's cover
        "Semiannual": READ,  # SCORE-5: own entry (window head: the window's)
    },
    CLERK: {
        "MonthlyAssessment": READ,  # SCORE-2..4: own window's total, own events
        "Case": WRITE, "CaseSubTask": WRITE,
        "Center": READ, "Window": READ, "Staff": READ, "Post": READ, "ServiceItem": READ,
        "ItemMaterial": READ,
        "RefusalReport": WRITE,  # NEG-1: files
        "Handover": WRITE,  # HAND-1: own handovers
        "DutyShift": DUTY_READ_LOG,  # ROSTER-1/2: reads the rota, writes own duty logs
        "Meeting": READ,  # MEET-1: schedule, minutes, own attendance
        "Attendance": READ, "ClockExcuse": WRITE,  # ATT: own month, own 补签单
        "LeaveRequest": WRITE,
        "AwayRegistration": WRITE,  # AB-2: registers own errands (the window head approves)
        "Semiannual": READ,  # SCORE-5: own entry (window head: the window's)
    },
}

# SCORE-1, FAULT-1 (issue #11, deductions): the catalogue is Admin's reference data, Office
# records deductions, bonuses and derelictions, Leadership reads them all; every other role
# reads its own (clerk) or its window's (window head) — OwnScoreFilter below.
SCORE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    LEADERSHIP: {"DeductionItem": READ, "ScoreEvent": READ, "Dereliction": READ},
    OFFICE: {"DeductionItem": READ, "ScoreEvent": WRITE, "Dereliction": WRITE},
    SECTION_HEAD: {"ScoreEvent": READ, "Dereliction": READ},
    WINDOW_HEAD: {"ScoreEvent": READ, "Dereliction": READ},
    CLERK: {"ScoreEvent": READ, "Dereliction": READ},
}
for _role, _grants in SCORE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role].update(_grants)

# Issue #12: the printable reports (月度考核通报, the grade list as PDF) are Leadership's and
# the office's; every other role is refused (403).
REPORT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    LEADERSHIP: {"Report": READ},
    OFFICE: {"Report": READ},
}
for _role, _grants in REPORT_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role].update(_grants)
# Every signed-in role may read its own profile, change its password and read the API spec.
SELF_SERVICE_PERMISSIONS = (
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    ("can_get", "MenuApi"),
    ("can_get", "OpenApi"),
    ("can_show", "SwaggerView"),
)

# Every staff member's own corner (issue #10: my to-do list, my leave...), whatever their role.
# Issue #21: their own background jobs (large exports) and the jobs' files.
SELF_SERVICE_RESOURCES: dict[str, tuple[str, ...]] = {"MyWork": READ, "BackgroundJob": READ}


def ensure_roles(sm) -> None:
    """Create the declared roles that are missing (FAB adds new permissions to Admin)."""
    for role_name in (*ROLES, PUBLIC):
        if sm.find_role(role_name) is None:
            sm.add_role(role_name)


def sync_roles(sm, menu_entries) -> None:
    """Make the database roles exactly ROLE_PERMISSIONS (ORG-2); idempotent.

    `menu_entries` are (category, menu name, permission resource, action) of the registered
    views and links: a role that may do `action` on the resource sees the entry and category.
    """
    ensure_roles(sm)
    remove_stale_permissions(sm)
    for role_name in ROLES:
        role = sm.find_role(role_name)
        if role_name == ADMIN:
            role.permissions = _all_pvms(sm)
            continue
        granted = {**SELF_SERVICE_RESOURCES, **ROLE_PERMISSIONS.get(role_name, {})}
        wanted = set(SELF_SERVICE_PERMISSIONS)
        for resource, actions in granted.items():
            wanted.update((f"can_{action}", resource) for action in actions)
        for category, name, resource, action in menu_entries:
            if action in granted.get(resource, ()):
                wanted.add(("menu_access", name))
                if category:
                    wanted.add(("menu_access", category))
        pvms = [sm.add_permission_view_menu(perm, view) for perm, view in sorted(wanted)]
        role.permissions = [pvm for pvm in pvms if pvm is not None]
    # Exempt from transaction() (issue #9): runs at start-up and in `bianmin upgrade` on FAB's
    # security session, between FAB's own permission writes, which commit by themselves.
    sm.session.commit()


def remove_stale_permissions(sm) -> None:
    """Delete the permissions on a registered view's resource that no registered view
    declares any more (a method removed, a resource narrowed), first from every role.
    FAB did this per view while registering, which cannot work for shared resources
    (`BianminSecurityManager.add_permissions_view`); here it is done once, knowing them all.
    `menu_access` belongs to the menu, not to the views, and is left to FAB."""
    declared: dict[str, set[str]] = {}
    for view in sm.appbuilder.baseviews:
        declared.setdefault(view.class_permission_name, set()).update(view.base_permissions)
    roles = sm.get_all_roles()
    for pvm in sm.session.query(sm.permissionview_model).all():
        if pvm.permission is None or pvm.view_menu is None:
            continue
        permission, resource = pvm.permission.name, pvm.view_menu.name
        if resource not in declared or permission == "menu_access" or permission in declared[resource]:
            continue
        for role in roles:
            if pvm in role.permissions:
                role.permissions.remove(pvm)
        sm.session.delete(pvm)
    sm.session.flush()


def _all_pvms(sm) -> list:
    return sm.session.query(sm.permissionview_model).all()
