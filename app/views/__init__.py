"""All views, APIs and menu entries registered in one place: the menu reads top to bottom."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.api.assessment import AssessmentApi
from app.api.attendance import AttendanceApi, ClockRecordApi
from app.api.cases import CaseApi
from app.api.catalogue import ItemMaterialApi, ServiceItemApi
from app.api.complaints import ComplaintApi
from app.api.deductions import DerelictionApi, ScoreEventApi
from app.api.away import AwayApi
from app.api.handover import HandoverApi
from app.api.jobs import JobApi
from app.api.meetings import MeetingApi
from app.api.leave import LeaveApi
from app.api.org import CenterApi, PostApi, StaffApi, WindowApi
from app.api.roster import DutyShiftApi
from app.api.semiannual import SemiannualApi
from app.views.assessment import AssessmentView
from app.views.attendance import (CLOCK_IMPORT_JOB, DERIVE_JOB, AttendanceView, ClockExcuseView,
                                  ClockRecordView)
from app.views.audit import AuditLogView
from app.views.cases import (CaseQueueView, CaseSubTaskView, CaseView, ConsultationRegisterView,
                             DueSoonCaseView, NoticeViolationView, OverdueCaseView)
from app.views.printing import CasePrintView
from app.views.catalogue import ItemMaterialView, ServiceItemView
from app.views.complaints import ComplaintView
from app.views.deductions import DEDUCTIONS_JOB, DeductionItemView, DerelictionView, ScoreEventView
from app.views.dashboard import DashboardView
from app.views.handover import HandoverView
from app.views.jobs import BackgroundJobView
from app.views.leave import CoverView, LeaveOverviewView, LeaveRequestView
from app.queue import register_runner
from app.views.downloads import EXPORT_JOB as REPLAYED_EXPORT, run_replayed_export
from app.views.ledger import EXPORT_JOB, LedgerView
from app.views.meetings import MeetingView
from app.views.org import CenterView, PostView, StaffView, WindowView
from app.views.public import PublicGuideView
from app.views.public_rating import PublicRatingView
from app.views.reference_import import REFERENCE_IMPORT_JOB, ReferenceImportView
from app.views.calendar_admin import SCHEDULE_JOB, YearScheduleView
from app.views.refusals import RefusalReportView
from app.views.reports import ReportView
from app.views.self_service import MyWorkView
from app.views.semiannual import SEMIANNUAL_JOB, SemiannualView
from app.views.roster import DutyShiftView
from app.views.settings import HOLIDAY_JOB, HolidayView, RuleSettingView
from app.views.window_scores import WindowScoreView

# Issue #20: six top-level menus grouped by task, so the navbar is one row at 1366 px for
# every role (it was 13 menus on three rows): 我的工作, 办件, 人员, 考勤请假, 考核, 系统管理.
MY_WORK = "My work"
CASES = "Cases"
PEOPLE = "People"
ATTENDANCE = "Attendance and leave"
ASSESSMENTS = "Assessments"
SYSTEM = "System"
CATEGORIES = {  # category → (label, icon), in menu order
    MY_WORK: (_l("My work"), "fa-user-circle"),
    CASES: (_l("Cases"), "fa-folder-open"),
    PEOPLE: (_l("People"), "fa-users"),
    ATTENDANCE: (_l("Attendance and leave"), "fa-calendar-check-o"),
    ASSESSMENTS: (_l("Assessments"), "fa-trophy"),
    SYSTEM: (_l("System"), "fa-cogs"),
}

# (view, menu name, label, icon, category)
MENU = [
    (DashboardView, "Leadership dashboard", _l("Leadership dashboard"), "fa-tachometer", MY_WORK),
    (MyWorkView, "My to-do list", _l("My to-do list"), "fa-check-square-o", MY_WORK),
    (CaseQueueView, "Work queue", _l("Work queue"), "fa-inbox", CASES),
    (CaseView, "All cases", _l("All cases"), "fa-folder", CASES),
    (OverdueCaseView, "Overdue cases", _l("Overdue cases"), "fa-exclamation-triangle", CASES),
    (DueSoonCaseView, "Cases due soon", _l("Cases due soon"), "fa-clock-o", CASES),
    (ConsultationRegisterView, "Consultation register", _l("Consultation register"), "fa-comments", CASES),
    (NoticeViolationView, "One-time notice violations", _l("One-time notice violations"), "fa-flag", CASES),
    (CaseSubTaskView, "Joint case parts", _l("Joint case parts"), "fa-share-alt", CASES),
    (LedgerView, "Ledger", _l("Ledger"), "fa-table", CASES),
    (RefusalReportView, "Refusal reports", _l("Refusal reports"), "fa-ban", CASES),
    (AttendanceView, "Attendance month", _l("Attendance month"), "fa-calendar-check-o", ATTENDANCE),
    (ClockExcuseView, "Clock excuses", _l("补签单"), "fa-check-square-o", ATTENDANCE),
    (ServiceItemView, "Service items", _l("Service items"), "fa-list", CASES),
    (ItemMaterialView, "Item materials", _l("Item materials"), "fa-file", CASES),
    (CenterView, "Center", _l("Center"), "fa-building", PEOPLE),
    (WindowView, "Windows", _l("Windows"), "fa-columns", PEOPLE),
    (StaffView, "Staff", _l("Staff"), "fa-users", PEOPLE),
    (PostView, "Posts", _l("Posts"), "fa-id-badge", PEOPLE),
    (HandoverView, "Handovers", _l("Handovers"), "fa-exchange", PEOPLE),
    (DutyShiftView, "Duty days", _l("Duty days"), "fa-list-ol", PEOPLE),
    (ComplaintView, "Complaints", _l("Complaints"), "fa-bullhorn", ASSESSMENTS),  # COMP-1..5
    (MeetingView, "Meetings", _l("Meetings"), "fa-users", PEOPLE),
    (WindowScoreView, "Window scores", _l("Window scores"), "fa-trophy", ASSESSMENTS),  # SCORE-2/3, issue #12
    (SemiannualView, "Semi-annual assessments", _l("Semi-annual assessments"), "fa-star-half-o", ASSESSMENTS),  # SCORE-5/6
    # SCORE-1, FAULT-1: deductions and bonuses, the catalogue, derelictions
    (ScoreEventView, "Deductions and bonuses", _l("Deductions and bonuses"), "fa-balance-scale", ASSESSMENTS),
    (DeductionItemView, "Deduction catalogue", _l("Deduction catalogue"), "fa-list-ol", ASSESSMENTS),
    (DerelictionView, "Derelictions", _l("Derelictions"), "fa-gavel", ASSESSMENTS),
    # SCORE-2/3/4/7 (月度考核)
    (AssessmentView, "Monthly assessment", _l("Monthly assessment"), "fa-line-chart", ASSESSMENTS),
    (RuleSettingView, "Rule settings", _l("Rule settings"), "fa-sliders", SYSTEM),
    (HolidayView, "Holidays", _l("Holidays"), "fa-calendar", SYSTEM),
    (AuditLogView, "Audit log", _l("Audit log"), "fa-history", SYSTEM),
]
# Menu links to pages that are not a view's list: (name, label, href, icon, category,
# permission resource, action the role needs to see it)
LINKS = [
    # Issue #21: large exports run as background jobs; their progress and files
    ("My background jobs", _l("My background jobs"), "/jobs/", "fa-tasks", MY_WORK, "BackgroundJob", "read"),
    ("New case", _l("New case"), "/caseview/intake/", "fa-plus", CASES, "Case", "write"),
    ("Refusals without report", _l("Refusals without report"), "/refusalreportview/missing/", "fa-exclamation-circle", CASES, "RefusalReport", "read"),
    ("New handover", _l("New handover"), "/handoverview/create/", "fa-handshake-o", PEOPLE, "Handover", "write"),
    ("Duty rota", _l("Duty rota"), "/dutyshiftview/calendar/", "fa-calendar", PEOPLE, "DutyShift", "read"),
    ("Duty days without log", _l("Duty days without log"), "/dutyshiftview/missing/", "fa-exclamation-circle", PEOPLE, "DutyShift", "write"),
    ("Import clock records", _l("Import clock records"), "/clockrecords/import/", "fa-upload", ATTENDANCE, "ClockRecord", "write"),
    ("Record off-post time", _l("Record off-post time"), "/clockrecords/offpost/", "fa-user-times", ATTENDANCE, "ClockRecord", "write"),
    ("Year schedule", _l("Year schedule"), "/yearschedule/", "fa-calendar-plus-o", SYSTEM, "Holiday", "write"),
    ("Meeting schedule", _l("Meeting schedule"), "/meetingview/month/", "fa-calendar-check-o", PEOPLE, "Meeting", "read"),
    # LEAVE-1..4 (请假): one's own leave under 我的工作, everyone's under 考勤请假
    ("My leave", _l("My leave"), "/leaverequestview/mine/", "fa-plane", MY_WORK, "LeaveRequest", "read"),
    ("Request leave", _l("Request leave"), "/leaverequestview/file/", "fa-plus", MY_WORK, "LeaveRequest", "write"),
    ("Waiting for my approval", _l("Waiting for my approval"), "/leaverequestview/queue/", "fa-check-square-o", MY_WORK, "LeaveRequest", "read"),
    ("Away today", _l("Away today"), "/leaverequestview/away/", "fa-user-times", ATTENDANCE, "LeaveRequest", "read"),
    # AB-2 / ORG-2: 外出登记 and the window head's approval of their window's cover
    ("Errands and AB cover", _l("Errands and AB cover"), "/cover/", "fa-exchange", ATTENDANCE, "AwayRegistration", "read"),
    ("Leave notifications", _l("Leave notifications"), "/leaverequestview/notifications/", "fa-bell", MY_WORK, "LeaveRequest", "read"),
    ("All leave requests", _l("All leave requests"), "/leaveoverview/all/", "fa-list", ATTENDANCE, "LeaveOverview", "read"),
    ("Leave flags", _l("Leave flags"), "/leaveoverview/flags/", "fa-flag-o", ATTENDANCE, "LeaveOverview", "read"),
    # COMP-1..2 (投诉)
    ("Record a complaint", _l("Record a complaint"), "/complaintview/record/", "fa-plus", ASSESSMENTS, "Complaint", "record"),
    ("Overdue complaints", _l("Overdue complaints"), "/complaintview/overdue/", "fa-exclamation-triangle", ASSESSMENTS, "Complaint", "read"),
    # IMPORT-1 (issue #12): Excel/CSV import of reference data
    ("Import windows", _l("Import windows"), "/imports/windows/", "fa-upload", SYSTEM, "ReferenceImport", "write"),
    ("Import staff", _l("Import staff"), "/imports/staff/", "fa-upload", SYSTEM, "ReferenceImport", "write"),
    ("Import service items", _l("Import service items"), "/imports/items/", "fa-upload", SYSTEM, "ReferenceImport", "write"),
    ("New semi-annual assessment", _l("New semi-annual assessment"), "/semiannualview/create/", "fa-plus", ASSESSMENTS, "Semiannual", "write"),  # SCORE-5
    ("Record a deduction or bonus", _l("Record a deduction or bonus"), "/scoreeventview/record/", "fa-plus", ASSESSMENTS, "ScoreEvent", "write"),
    ("Record a dereliction", _l("Record a dereliction"), "/derelictionview/record/", "fa-plus", ASSESSMENTS, "Dereliction", "write"),
    # SCORE-2 M10, SCORE-4 (窗口互评, 服务明星, 岗位之星)
    ("Mutual window rating", _l("Mutual window rating"), "/assessment/rate/", "fa-star-half-o", ASSESSMENTS, "MonthlyAssessment", "rate"),
    ("Service stars and post stars", _l("Service stars and post stars"), "/assessment/stars/", "fa-star", ASSESSMENTS, "MonthlyAssessment", "read"),
    # Issue #12: 月度考核通报 on A4 and as PDF
    ("Monthly assessment notice", _l("Monthly assessment notice"), "/reports/month/", "fa-print", ASSESSMENTS, "Report", "read"),
]
SEPARATOR = "-"
# The order inside each menu, by menu name; SEPARATOR draws a divider (only between two
# entries the role sees: templates/bianmin/_navbar_menu.html).
LAYOUT = {
    MY_WORK: ["Leadership dashboard", "My to-do list", SEPARATOR, "Request leave", "My leave",
              "Waiting for my approval", "Leave notifications", SEPARATOR,
              "My background jobs"],
    CASES: ["New case", "Work queue", "Overdue cases", "Cases due soon", "All cases", SEPARATOR,
            "Consultation register", "Joint case parts", "One-time notice violations",
            "Refusal reports", "Refusals without report", "Ledger", SEPARATOR,
            "Service items", "Item materials"],
    PEOPLE: ["Staff", "Windows", "Posts", "Center", SEPARATOR, "Handovers", "New handover",
             SEPARATOR, "Duty rota", "Duty days", "Duty days without log", SEPARATOR,
             "Meeting schedule", "Meetings"],
    ATTENDANCE: ["Attendance month", "Clock excuses", "Import clock records",
                 "Record off-post time", SEPARATOR, "Away today", "Errands and AB cover",
                 "All leave requests", "Leave flags"],
    ASSESSMENTS: ["Monthly assessment", "Window scores", "Monthly assessment notice",
                  "Mutual window rating", "Service stars and post stars", SEPARATOR,
                  "Deductions and bonuses", "Record a deduction or bonus", "Derelictions",
                  "Record a dereliction", "Deduction catalogue", SEPARATOR,
                  "Semi-annual assessments", "New semi-annual assessment", SEPARATOR,
                  "Complaints", "Record a complaint", "Overdue complaints"],
    SYSTEM: ["Rule settings", "Holidays", "Year schedule", SEPARATOR, "Import windows",
             "Import staff", "Import service items", SEPARATOR, "Audit log"],
}
APIS = [CaseApi, ServiceItemApi, ItemMaterialApi, CenterApi, WindowApi, StaffApi, PostApi,
        HandoverApi, AwayApi,
        DutyShiftApi, MeetingApi, ClockRecordApi, AttendanceApi, LeaveApi,
        ComplaintApi, SemiannualApi,  # COMP, SCORE-5/6
        ScoreEventApi, DerelictionApi,  # SCORE-1, FAULT-1
        AssessmentApi,  # SCORE-2/3/4
        JobApi]  # issue #21: one's background jobs


def register_views(appbuilder) -> None:
    views = {name: (view, label, icon, category) for view, name, label, icon, category in MENU}
    links = {name: (label, href, icon, category) for name, label, href, icon, category, _r, _a in LINKS}
    placed = [name for names in LAYOUT.values() for name in names if name != SEPARATOR]
    assert sorted(placed) == sorted([*views, *links]), "LAYOUT must place every menu entry once"
    for category, names in LAYOUT.items():
        category_label, category_icon = CATEGORIES[category]
        for name in names:
            if name == SEPARATOR:
                appbuilder.add_separator(category)
            elif name in views:
                view, label, icon, view_category = views[name]
                assert view_category == category, name
                appbuilder.add_view(view, name, label=label, icon=icon, category=category,
                                    category_label=category_label, category_icon=category_icon)
            else:
                label, href, icon, link_category = links[name]
                assert link_category == category, name
                appbuilder.add_link(name, label=label, href=href, icon=icon, category=category,
                                    category_label=category_label, category_icon=category_icon)
    # FAB's own 用户权限 menu (Security, Admin only) was registered first: put it last.
    items = appbuilder.menu.menu
    items[:] = sorted(items, key=lambda item: item.name == "Security")
    appbuilder.add_view_no_menu(CasePrintView)
    appbuilder.add_view_no_menu(PublicGuideView)
    appbuilder.add_view_no_menu(PublicRatingView)  # CASE-11 by scan (issue #19)
    appbuilder.add_view_no_menu(YearScheduleView)
    appbuilder.add_view_no_menu(ClockRecordView)
    appbuilder.add_view_no_menu(LeaveRequestView)
    appbuilder.add_view_no_menu(LeaveOverviewView)
    appbuilder.add_view_no_menu(CoverView)
    appbuilder.add_view_no_menu(ReferenceImportView)
    appbuilder.add_view_no_menu(ReportView)
    appbuilder.add_view_no_menu(BackgroundJobView)
    register_job_runners(appbuilder)
    for api in APIS:
        appbuilder.add_api(api)


def register_job_runners(appbuilder) -> None:
    """Issue #21: how each kind of background job runs (the worker builds the same app)."""
    register_runner(current_app, REPLAYED_EXPORT, run_replayed_export)
    for view in appbuilder.baseviews:
        if isinstance(view, LedgerView):
            register_runner(current_app, EXPORT_JOB, view.run_export_job)
        elif isinstance(view, ClockRecordView):
            register_runner(current_app, CLOCK_IMPORT_JOB, view.run_import_job)
            register_runner(current_app, DERIVE_JOB, view.run_derive_job)
        elif isinstance(view, ReferenceImportView):
            register_runner(current_app, REFERENCE_IMPORT_JOB, view.run_import_job)
        elif isinstance(view, ScoreEventView):
            register_runner(current_app, DEDUCTIONS_JOB, view.run_generation_job)
        elif isinstance(view, SemiannualView):
            register_runner(current_app, SEMIANNUAL_JOB, view.run_compute_job)
        elif isinstance(view, YearScheduleView):
            register_runner(current_app, SCHEDULE_JOB, view.run_schedule_job)
        elif isinstance(view, HolidayView):
            register_runner(current_app, HOLIDAY_JOB, view.run_entry_job)


def menu_entries(appbuilder) -> list[tuple[str, str, str]]:
    """(category, menu name, permission resource, action) of every menu entry, for role sync."""
    views = [(category, name, view.class_permission_name, "read")
             for view, name, _, _, category in MENU]
    links = [(category, name, resource, action)
             for name, _, _, _, category, resource, action in LINKS]
    return views + links
