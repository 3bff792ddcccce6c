"""FAB glue, split by job (issue #17): who may do what lives in app/policy/, who the request's
user is in app/request_context.py; this package only ties them to Flask-AppBuilder.

- `roles`: the roles table — each role's permission set as data, synced to FAB's tables;
- `filters`: the row filters and the request's scopes (ORG-2, AB-2, PRIV-1);
- `manager`: FAB's security manager, its user, role and password pages, the login lockout (SEC-2)
  and the audit of account changes (issue #18);
- `staff_guard`: ORG-2's guard on a staff row's login link and position.

`app.security.BianminSecurityManager` and the names below stay importable from here (the app
factory, the views' permission maps and the tests use them).
"""

from __future__ import annotations

from app.roles import ADMIN, CLERK, LEADERSHIP, OFFICE, PUBLIC, ROLES, SECTION_HEAD, WINDOW_HEAD
from app.security.filters import (AwayRowFilter, LeaveRowFilter, OwnHandoverFilter, OwnScoreFilter,
                                  OwnWindowFilter, SemiannualEntryFilter, assessment_scope,
                                  attendance_scope, away_filters, away_scope,
                                  case_scope_condition,
                                  covered_staff, covers_case, current_cover_actor,
                                  current_leave_actor, handover_filters, leave_filters,
                                  may_reach_case, may_see_personal_data, score_filters,
                                  semiannual_entry_filters, semiannual_scope, window_scope,
                                  window_scoped_filters)
from app.security.manager import (AuthDBView, BianminSecurityManager, PasswordRefused,
                                  SecurityApi, check_password_policy, staff_names,
                                  translated_names)
from app.security.roles import (API_METHOD_PERMISSIONS, ROLE_PERMISSIONS,
                                VIEW_METHOD_PERMISSIONS, ensure_roles, sync_roles)
from app.security.staff_guard import guard_staff_changes

__all__ = [
    "ADMIN", "CLERK", "LEADERSHIP", "OFFICE", "PUBLIC", "ROLES", "SECTION_HEAD", "WINDOW_HEAD",
    "AwayRowFilter", "LeaveRowFilter", "OwnHandoverFilter", "OwnScoreFilter", "OwnWindowFilter",
    "SemiannualEntryFilter", "assessment_scope", "attendance_scope", "away_filters", "away_scope",
    "case_scope_condition", "covered_staff", "covers_case", "current_cover_actor",
    "current_leave_actor", "handover_filters", "leave_filters", "may_reach_case",
    "may_see_personal_data", "score_filters", "semiannual_entry_filters", "semiannual_scope",
    "window_scope", "window_scoped_filters",
    "AuthDBView", "BianminSecurityManager", "PasswordRefused", "SecurityApi",
    "check_password_policy", "staff_names", "translated_names",
    "API_METHOD_PERMISSIONS", "ROLE_PERMISSIONS", "VIEW_METHOD_PERMISSIONS", "ensure_roles",
    "sync_roles", "guard_staff_changes",
]
