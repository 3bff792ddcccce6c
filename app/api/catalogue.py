"""Catalogue API: service items and their materials (ITEM-1..3)."""

from app.api.base import DomainApi
from app.services.checks import ITEM_RULE_CHECKS
from models.catalogue import ItemMaterial, ServiceItem
from flask_appbuilder.models.sqla.interface import SQLAInterface


class ServiceItemApi(DomainApi):
    """服务事项 API."""

    resource_name = "service_item"
    class_permission_name = "ServiceItem"
    datamodel = SQLAInterface(ServiceItem)
    base_order = ("code", "asc")
    rule_checks = ITEM_RULE_CHECKS
    list_columns = [
        "id", "code", "name", "window.id", "window.name", "kind", "promised_days",
        "statutory_days", "fee_standard", "is_active",
    ]
    show_columns = [
        "id", "code", "name", "window.id", "window.name", "kind", "legal_basis", "conditions",
        "procedure", "promised_days", "statutory_days", "fee_item", "fee_standard", "fee_basis",
        "online_available", "appointment_available", "is_active",
    ]
    add_columns = edit_columns = [
        "code", "name", "window", "kind", "legal_basis", "conditions", "procedure",
        "promised_days", "statutory_days", "fee_item", "fee_standard", "fee_basis",
        "online_available", "appointment_available", "is_active",
    ]


class ItemMaterialApi(DomainApi):
    """申报材料 API."""

    resource_name = "item_material"
    class_permission_name = "ItemMaterial"
    datamodel = SQLAInterface(ItemMaterial)
    base_order = ("item_id", "asc")  # an item's materials together, then by id
    list_columns = show_columns = ["id", "item.id", "name", "form", "copies", "mandatory", "note"]
    add_columns = edit_columns = ["item", "name", "form", "copies", "mandatory", "note", "sort_order"]
