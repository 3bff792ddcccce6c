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
from app.api.handover import HandoverApi
from app.api.meetings import MeetingApi
from app.api.leave import LeaveApi
from app.api.org import CenterApi, PostApi, StaffApi, WindowApi
from app.api.roster import DutyShiftApi
from app.api.semiannual import SemiannualApi
from app.views.assessment import AssessmentView
from app.views.attendance import (CLOCK_IMPORT_JOB, AttendanceView, ClockExcuseView,
                                  ClockRecordView)
from app.views.audit import AuditLogView
from app.views.cases import (CaseQueueView, CaseSubTaskView, CaseView, ConsultationRegisterView,
                             DueSoonCaseView, NoticeViolationView, OverdueCaseView)
from app.views.printing import CasePrintView
from app.views.catalogue import ItemMaterialView, ServiceItemView
from app.views.complaints import ComplaintView
from app.views.deductions import DeductionItemView, DerelictionView, ScoreEventView
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
from app.views.reference_import import ReferenceImportView
from app.views.calendar_admin import YearScheduleView
from app.views.refusals import RefusalReportView
from app.views.reports import ReportView
from app.views.self_service import MyWorkView
from app.views.semiannual import SemiannualView
from app.views.roster import DutyShiftView
from app.views.settings import HolidayView, RuleSettingView
from app.views.window_scores import WindowScoreView

MY_WORK = "My work"
CASES = "Cases"
CATALOGUE = "Catalogue"
ORGANISATION = "Organisation"
SYSTEM = "System"
DUTY = "Duty"
MEETINGS = "Meetings and study"
ATTENDANCE = "Attendance"
LEAVE = "Leave"
COMPLAINTS = "Complaints"
ASSESSMENTS = "Assessments"

# (view, menu name, label, icon, category, category label, category icon)
MENU = [
    (DashboardView, "Leadership dashboard", _l("Leadership dashboard"), "fa-tachometer", "Dashboards", _l("Dashboards"), "fa-bar-chart"),
    (MyWorkView, "My to-do list", _l("My to-do list"), "fa-check-square-o", MY_WORK, _l("My work"), "fa-user-circle"),
    (CaseQueueView, "Work queue", _l("Work queue"), "fa-inbox", CASES, _l("Cases"), "fa-folder-open"),
    (CaseView, "All cases", _l("All cases"), "fa-folder", CASES, _l("Cases"), "fa-folder-open"),
    (OverdueCaseView, "Overdue cases", _l("Overdue cases"), "fa-exclamation-triangle", CASES, _l("Cases"), "fa-folder-open"),
    (DueSoonCaseView, "Cases due soon", _l("Cases due soon"), "fa-clock-o", CASES, _l("Cases"), "fa-folder-open"),
    (ConsultationRegisterView, "Consultation register", _l("Consultation register"), "fa-comments", CASES, _l("Cases"), "fa-folder-open"),
    (NoticeViolationView, "One-time notice violations", _l("One-time notice violations"), "fa-flag", CASES, _l("Cases"), "fa-folder-open"),
    (CaseSubTaskView, "Joint case parts", _l("Joint case parts"), "fa-share-alt", CASES, _l("Cases"), "fa-folder-open"),
    (LedgerView, "Ledger", _l("Ledger"), "fa-table", CASES, _l("Cases"), "fa-folder-open"),
    (RefusalReportView, "Refusal reports", _l("Refusal reports"), "fa-ban", CASES, _l("Cases"), "fa-folder-open"),
    (AttendanceView, "Attendance month", _l("Attendance month"), "fa-calendar-check-o", ATTENDANCE, _l("Attendance"), "fa-clock-o"),
    (ClockExcuseView, "Clock excuses", _l("补签单"), "fa-check-square-o", ATTENDANCE, _l("Attendance"), "fa-clock-o"),
    (ServiceItemView, "Service items", _l("Service items"), "fa-list", CATALOGUE, _l("Catalogue"), "fa-book"),
    (ItemMaterialView, "Item materials", _l("Item materials"), "fa-file", CATALOGUE, _l("Catalogue"), "fa-book"),
    (CenterView, "Center", _l("Center"), "fa-building", ORGANISATION, _l("Organisation"), "fa-sitemap"),
    (WindowView, "Windows", _l("Windows"), "fa-columns", ORGANISATION, _l("Organisation"), "fa-sitemap"),
    (StaffView, "Staff", _l("Staff"), "fa-users", ORGANISATION, _l("Organisation"), "fa-sitemap"),
    (PostView, "Posts", _l("Posts"), "fa-id-badge", ORGANISATION, _l("Organisation"), "fa-sitemap"),
    (HandoverView, "Handovers", _l("Handovers"), "fa-exchange", ORGANISATION, _l("Organisation"), "fa-sitemap"),
    (DutyShiftView, "Duty days", _l("Duty days"), "fa-list-ol", DUTY, _l("Duty"), "fa-calendar-check-o"),
    (ComplaintView, "Complaints", _l("Complaints"), "fa-bullhorn", COMPLAINTS, _l("Complaints"), "fa-bullhorn"),  # COMP-1..5
    (MeetingView, "Meetings", _l("Meetings"), "fa-users", MEETINGS, _l("Meetings and study"), "fa-graduation-cap"),
    (WindowScoreView, "Window scores", _l("Window scores"), "fa-trophy", ASSESSMENTS, _l("Assessments"), "fa-trophy"),  # SCORE-2/3, issue #12
    (SemiannualView, "Semi-annual assessments", _l("Semi-annual assessments"), "fa-star-half-o", ASSESSMENTS, _l("Assessments"), "fa-trophy"),  # SCORE-5/6
    # SCORE-1, FAULT-1: deductions and bonuses, the catalogue, derelictions
    (ScoreEventView, "Deductions and bonuses", _l("Deductions and bonuses"), "fa-balance-scale", ASSESSMENTS, _l("Assessments"), "fa-trophy"),
    (DeductionItemView, "Deduction catalogue", _l("Deduction catalogue"), "fa-list-ol", ASSESSMENTS, _l("Assessments"), "fa-trophy"),
    (DerelictionView, "Derelictions", _l("Derelictions"), "fa-gavel", ASSESSMENTS, _l("Assessments"), "fa-trophy"),
    # SCORE-2/3/4/7 (月度考核)
    (AssessmentView, "Monthly assessment", _l("Monthly assessment"), "fa-trophy", ASSESSMENTS, _l("Assessments"), "fa-line-chart"),
    (RuleSettingView, "Rule settings", _l("Rule settings"), "fa-sliders", SYSTEM, _l("System"), "fa-cogs"),
    (HolidayView, "Holidays", _l("Holidays"), "fa-calendar", SYSTEM, _l("System"), "fa-cogs"),
    (AuditLogView, "Audit log", _l("Audit log"), "fa-history", SYSTEM, _l("System"), "fa-cogs"),
]
# Menu links to pages that are not a view's list: (name, label, href, icon, category,
# category label, permission resource, action the role needs to see it)
LINKS = [
    # Issue #21: large exports run as background jobs; their progress and files
    ("My background jobs", _l("My background jobs"), "/jobs/", "fa-tasks", MY_WORK, _l("My work"), "BackgroundJob", "read"),
    ("New case", _l("New case"), "/caseview/intake/", "fa-plus", CASES, _l("Cases"), "Case", "write"),
    ("Refusals without report", _l("Refusals without report"), "/refusalreportview/missing/", "fa-exclamation-circle", CASES, _l("Cases"), "RefusalReport", "read"),
    ("New handover", _l("New handover"), "/handoverview/create/", "fa-handshake-o", ORGANISATION, _l("Organisation"), "Handover", "write"),
    ("Duty rota", _l("Duty rota"), "/dutyshiftview/calendar/", "fa-calendar", DUTY, _l("Duty"), "DutyShift", "read"),
    ("Duty days without log", _l("Duty days without log"), "/dutyshiftview/missing/", "fa-exclamation-circle", DUTY, _l("Duty"), "DutyShift", "write"),
    ("Import clock records", _l("Import clock records"), "/clockrecords/import/", "fa-upload", ATTENDANCE, _l("Attendance"), "ClockRecord", "write"),
    ("Record off-post time", _l("Record off-post time"), "/clockrecords/offpost/", "fa-user-times", ATTENDANCE, _l("Attendance"), "ClockRecord", "write"),
    ("Year schedule", _l("Year schedule"), "/yearschedule/", "fa-calendar-plus-o", SYSTEM, _l("System"), "Holiday", "write"),
    ("Meeting schedule", _l("Meeting schedule"), "/meetingview/month/", "fa-calendar-check-o", MEETINGS, _l("Meetings and study"), "Meeting", "read"),
    # LEAVE-1..4 (请假)
    ("My leave", _l("My leave"), "/leaverequestview/mine/", "fa-plane", LEAVE, _l("Leave"), "LeaveRequest", "read"),
    ("Request leave", _l("Request leave"), "/leaverequestview/file/", "fa-plus", LEAVE, _l("Leave"), "LeaveRequest", "write"),
    ("Waiting for my approval", _l("Waiting for my approval"), "/leaverequestview/queue/", "fa-check-square-o", LEAVE, _l("Leave"), "LeaveRequest", "read"),
    ("Away today", _l("Away today"), "/leaverequestview/away/", "fa-user-times", LEAVE, _l("Leave"), "LeaveRequest", "read"),
    # AB-2 / ORG-2: 外出登记 and the window head's approval of their window's cover
    ("Errands and AB cover", _l("Errands and AB cover"), "/cover/", "fa-exchange", LEAVE, _l("Leave"), "AwayRegistration", "read"),
    ("Leave notifications", _l("Leave notifications"), "/leaverequestview/notifications/", "fa-bell", LEAVE, _l("Leave"), "LeaveRequest", "read"),
    ("All leave requests", _l("All leave requests"), "/leaveoverview/all/", "fa-list", LEAVE, _l("Leave"), "LeaveOverview", "read"),
    ("Leave flags", _l("Leave flags"), "/leaveoverview/flags/", "fa-flag-o", LEAVE, _l("Leave"), "LeaveOverview", "read"),
    # COMP-1..2 (投诉)
    ("Record a complaint", _l("Record a complaint"), "/complaintview/record/", "fa-plus", COMPLAINTS, _l("Complaints"), "Complaint", "record"),
    ("Overdue complaints", _l("Overdue complaints"), "/complaintview/overdue/", "fa-exclamation-triangle", COMPLAINTS, _l("Complaints"), "Complaint", "read"),
    # IMPORT-1 (issue #12): Excel/CSV import of reference data
    ("Import windows", _l("Import windows"), "/imports/windows/", "fa-upload", ORGANISATION, _l("Organisation"), "ReferenceImport", "write"),
    ("Import staff", _l("Import staff"), "/imports/staff/", "fa-upload", ORGANISATION, _l("Organisation"), "ReferenceImport", "write"),
    ("Import service items", _l("Import service items"), "/imports/items/", "fa-upload", CATALOGUE, _l("Catalogue"), "ReferenceImport", "write"),
    ("New semi-annual assessment", _l("New semi-annual assessment"), "/semiannualview/create/", "fa-plus", ASSESSMENTS, _l("Assessments"), "Semiannual", "write"),  # SCORE-5
    ("Record a deduction or bonus", _l("Record a deduction or bonus"), "/scoreeventview/record/", "fa-plus", ASSESSMENTS, _l("Assessments"), "ScoreEvent", "write"),
    ("Record a dereliction", _l("Record a dereliction"), "/derelictionview/record/", "fa-plus", ASSESSMENTS, _l("Assessments"), "Dereliction", "write"),
    # SCORE-2 M10, SCORE-4 (窗口互评, 服务明星, 岗位之星)
    ("Mutual window rating", _l("Mutual window rating"), "/assessment/rate/", "fa-star-half-o", ASSESSMENTS, _l("Assessments"), "MonthlyAssessment", "rate"),
    ("Service stars and post stars", _l("Service stars and post stars"), "/assessment/stars/", "fa-star", ASSESSMENTS, _l("Assessments"), "MonthlyAssessment", "read"),
    # Issue #12: 月度考核通报 on A4 and as PDF
    ("Monthly assessment notice", _l("Monthly assessment notice"), "/reports/month/", "fa-print", ASSESSMENTS, _l("Assessments"), "Report", "read"),
]
APIS = [CaseApi, ServiceItemApi, ItemMaterialApi, CenterApi, WindowApi, StaffApi, PostApi,
        HandoverApi,
        DutyShiftApi, MeetingApi, ClockRecordApi, AttendanceApi, LeaveApi,
        ComplaintApi, SemiannualApi,  # COMP, SCORE-5/6
        ScoreEventApi, DerelictionApi,  # SCORE-1, FAULT-1
        AssessmentApi]  # SCORE-2/3/4


def register_views(appbuilder) -> None:
    for view, name, label, icon, category, category_label, category_icon in MENU:
        appbuilder.add_view(
            view, name, label=label, icon=icon, category=category,
            category_label=category_label, category_icon=category_icon,
        )
    for name, label, href, icon, category, category_label, _resource, _action in LINKS:
        appbuilder.add_link(name, label=label, href=href, icon=icon, category=category,
                            category_label=category_label)
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


def menu_entries(appbuilder) -> list[tuple[str, str, str]]:
    """(category, menu name, permission resource, action) of every menu entry, for role sync."""
    views = [(category, name, view.class_permission_name, "read")
             for view, name, _, _, category, _, _ in MENU]
    links = [(category, name, resource, action)
             for name, _, _, _, category, _, resource, action in LINKS]
    return views + links
