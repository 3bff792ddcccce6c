"""The service-item catalogue (ITEM-1..3) as generated CRUD views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services.checks import ITEM_RULE_CHECKS
from app.views.base import DomainModelView, interface
from app.views.choices import ITEM_KIND_LABELS, MATERIAL_FORM_LABELS, label_of
from app.views.fields import select_field
from models.catalogue import ItemMaterial, ServiceItem

ITEM_LABELS = {
    "code": _l("Item code"),
    "name": _l("Item name"),
    "window": _l("Window"),
    "kind": _l("Item kind"),
    "legal_basis": _l("Legal basis"),
    "conditions": _l("Conditions"),
    "procedure": _l("Procedure"),
    "promised_days": _l("Promised limit (working days)"),
    "statutory_days": _l("Statutory limit (working days)"),
    "fee_item": _l("Fee item"),
    "fee_standard": _l("Fee standard (yuan)"),
    "fee_basis": _l("Fee basis"),
    "online_available": _l("Online application"),
    "appointment_available": _l("Appointment available"),
    "is_active": _l("Active"),
    "materials": _l("Required materials"),
}
MATERIAL_LABELS = {
    "item": _l("Service item"),
    "name": _l("Material"),
    "form": _l("Original or copy"),
    "copies": _l("Copies"),
    "mandatory": _l("Mandatory"),
    "note": _l("Note"),
    "sort_order": _l("Order"),
}


class ItemMaterialView(DomainModelView):
    """申报材料 — the materials of an item (ITEM-1)."""

    datamodel = interface(ItemMaterial)
    record_name = _l("Item material")
    class_permission_name = "ItemMaterial"
    label_columns = MATERIAL_LABELS
    list_columns = ["item", "name", "form", "copies", "mandatory", "note"]
    add_columns = edit_columns = ["item", "name", "form", "copies", "mandatory", "note", "sort_order"]
    show_columns = add_columns
    search_columns = ["item", "name", "mandatory"]
    formatters_columns = {"form": lambda value: label_of(MATERIAL_FORM_LABELS, value)}
    add_form_extra_fields = edit_form_extra_fields = {
        "form": select_field(_l("Original or copy"), MATERIAL_FORM_LABELS),
    }
    base_order = ("sort_order", "asc")


class ServiceItemView(DomainModelView):
    """服务事项 — the catalogue maintained by Admin and Office (ITEM-1..3)."""

    datamodel = interface(ServiceItem)
    record_name = _l("Service item")
    class_permission_name = "ServiceItem"
    label_columns = ITEM_LABELS
    list_columns = ["code", "name", "window", "kind", "promised_days", "statutory_days", "is_active"]
    add_columns = edit_columns = [
        "code", "name", "window", "kind", "legal_basis", "conditions", "procedure",
        "promised_days", "statutory_days", "fee_item", "fee_standard", "fee_basis",
        "online_available", "appointment_available", "is_active",
    ]
    show_columns = add_columns
    search_columns = ["code", "name", "window", "kind", "is_active"]
    formatters_columns = {"kind": lambda value: label_of(ITEM_KIND_LABELS, value)}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": select_field(_l("Item kind"), ITEM_KIND_LABELS),
    }
    description_columns = {
        "promised_days": _l("0 for an immediate item; must not exceed the statutory limit."),
        "fee_standard": _l("Leave empty when the item is free."),
    }
    related_views = [ItemMaterialView]
    rule_checks = ITEM_RULE_CHECKS
    base_order = ("code", "asc")
