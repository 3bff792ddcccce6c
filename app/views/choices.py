"""Translated labels of the coded values stored in the models."""

from flask_babel import lazy_gettext as _l

from app.rules.catalogue import IMMEDIATE, JOINT, PROMISED, REPORTED

ITEM_KIND_LABELS = {
    IMMEDIATE: _l("Immediate item"),  # 即办件
    PROMISED: _l("Promised item"),  # 承诺件
    REPORTED: _l("Reported item"),  # 上报件
    JOINT: _l("Joint item"),  # 联办件
}
MATERIAL_FORM_LABELS = {
    "original": _l("Original"),
    "copy": _l("Copy"),
    "original_and_copy": _l("Original and copy"),
}
STAFF_UNIT_LABELS = {
    "window": _l("Window"),
    "office": _l("General office"),
    "section": _l("Approval section"),
    "leadership": _l("Center leadership"),
}
STAFF_CATEGORY_LABELS = {
    "civil_servant": _l("Civil servant"),
    "institution": _l("Public institution staff"),
    "other": _l("Other"),
}
POSITION_LABELS = {  # 职务 (LEAVE-2, ATT-4)
    "director": _l("Director"),  # 主任
    "deputy_director": _l("Deputy director"),  # 副主任
    "office_head": _l("Head of the general office"),  # 综合科负责人
    "secretary": _l("Party secretary"),  # 书记
    "town_head": _l("Town head"),  # 镇长
    "staff": _l("Staff"),  # 工作人员
}
HOLIDAY_KIND_LABELS = {
    "holiday": _l("Closed (holiday)"),
    "workday": _l("Extra working day"),
}
SETTING_TYPE_LABELS = {
    "int": _l("Whole number"),
    "decimal": _l("Decimal number"),
    "time": _l("Time of day"),
    "date": _l("Date"),
    "text": _l("Text"),
}
AUDIT_ACTION_LABELS = {
    "create": _l("Created"),
    "update": _l("Updated"),
    "delete": _l("Deleted"),
    "search": _l("Searched"),  # issue #19: a search of an applicant's cases
}


def label_of(labels: dict, value) -> str:
    """The translated label of a coded value, or the value itself if it is unknown."""
    label = labels.get(value)
    return str(label) if label is not None else ("" if value is None else str(value))


def choices(labels: dict) -> list[tuple[str, object]]:
    return list(labels.items())
