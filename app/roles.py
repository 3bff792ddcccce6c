"""The six roles of the platform (RULES.md "Roles", ORG-2): plain names, a leaf module.

The policies (app/policy/), the request context and the FAB glue (app/security/) all name them;
the roles table with each role's permissions is FAB glue and lives in app/security/.
"""

from __future__ import annotations

ADMIN, LEADERSHIP, OFFICE, SECTION_HEAD, WINDOW_HEAD, CLERK = (
    "Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk",
)
ROLES = (ADMIN, LEADERSHIP, OFFICE, SECTION_HEAD, WINDOW_HEAD, CLERK)
PUBLIC = "Public"  # FAB's role for visitors; the public pages need no permission
