"""All views, APIs and menu entries registered in one place: the menu reads top to bottom."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.api.catalogue import ItemMaterialApi, ServiceItemApi
from app.api.org import CenterApi, StaffApi, WindowApi
from app.views.audit import AuditLogView
from app.views.catalogue import ItemMaterialView, ServiceItemView
from app.views.org import CenterView, StaffView, WindowView
from app.views.public import PublicGuideView
from app.views.settings import HolidayView, RuleSettingView

CATALOGUE = "Catalogue"
ORGANISATION = "Organisation"
SYSTEM = "System"

# (view, menu name, label, icon, category, category label, category icon)
MENU = [
    (ServiceItemView, "Service items", _l("Service items"), "fa-list", CATALOGUE, _l("Catalogue"), "fa-book"),
    (ItemMaterialView, "Item materials", _l("Item materials"), "fa-file", CATALOGUE, _l("Catalogue"), "fa-book"),
    (CenterView, "Center", _l("Center"), "fa-building", ORGANISATION, _l("Organisation"), "fa-sitemap"),
    (WindowView, "Windows", _l("Windows"), "fa-columns", ORGANISATION, _l("Organisation"), "fa-sitemap"),
    (StaffView, "Staff", _l("Staff"), "fa-users", ORGANISATION, _l("Organisation"), "fa-sitemap"),
    (RuleSettingView, "Rule settings", _l("Rule settings"), "fa-sliders", SYSTEM, _l("System"), "fa-cogs"),
    (HolidayView, "Holidays", _l("Holidays"), "fa-calendar", SYSTEM, _l("System"), "fa-cogs"),
    (AuditLogView, "Audit log", _l("Audit log"), "fa-history", SYSTEM, _l("System"), "fa-cogs"),
]
APIS = [ServiceItemApi, ItemMaterialApi, CenterApi, WindowApi, StaffApi]


def register_views(appbuilder) -> None:
    for view, name, label, icon, category, category_label, category_icon in MENU:
        appbuilder.add_view(
            view, name, label=label, icon=icon, category=category,
            category_label=category_label, category_icon=category_icon,
        )
    appbuilder.add_view_no_menu(PublicGuideView)
    for api in APIS:
        appbuilder.add_api(api)


def menu_entries(appbuilder) -> list[tuple[str, str, str]]:
    """(category, menu name, permission resource) of every menu entry, for role sync."""
    return [(category, name, view.class_permission_name) for view, name, _, _, category, _, _ in MENU]
