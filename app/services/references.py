"""Who still uses a row: the refusal to delete reference data that cases or staff point at.

With foreign keys enforced (app/db_events.py) the database refuses such a delete anyway; this
check comes first so the user reads what uses the row ("该窗口仍被 123 个办件、4 名工作人员
使用") instead of an integrity error, on SQLite and PostgreSQL alike. It is generic: it
follows the foreign keys pointing at the row's table, and through the children the ORM
deletes along with the row (an item's materials) to what points at them.
"""

from __future__ import annotations

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.interfaces import ONETOMANY

from app.rules.errors import N_, RuleViolation

# What a referencing row is called, counted; a table missing here reads as "other records".
USED_BY_LABELS = {
    "service_case": N_("%(count)s cases"),
    "staff": N_("%(count)s staff members"),
    "window": N_("%(count)s windows"),
    "service_item": N_("%(count)s service items"),
    "item_material": N_("%(count)s item materials"),
    "case_material": N_("%(count)s materials received with cases"),
    "case_notice": N_("%(count)s notices"),
    "notice_material": N_("%(count)s materials listed in notices"),
    "notice_violation": N_("%(count)s one-time notice violations"),
    "case_sub_task": N_("%(count)s joint case parts"),
    "case_transition": N_("%(count)s case history entries"),
    "case_annotation": N_("%(count)s case notes"),
    "refusal_report": N_("%(count)s refusal reports"),
    "duty_shift": N_("%(count)s duty days"),
    "duty_order": N_("%(count)s places in the duty order"),
}
OTHER_RECORDS = N_("%(count)s other records")
RECORD_LABELS = {
    "center": N_("center"), "window": N_("window"), "staff": N_("staff member"),
    "service_item": N_("service item"), "item_material": N_("item material"),
}
RECORD = N_("record")
SEPARATOR = N_(", ")  # between the uses; zh_CN joins them with 、


class StillReferenced(RuleViolation):
    """ORG-1: a row other records still point at is not deleted (nothing is)."""

    def __init__(self, table: str, references: dict[str, int]):
        self.table, self.references = table, references
        super().__init__("ORG-1", N_("This %(record)s is still used by %(uses)s; it cannot "
                                     "be deleted."))

    def render(self, translate=lambda s: s) -> str:
        order = list(USED_BY_LABELS)  # cases first, the way an officer thinks of them
        tables = sorted(self.references, key=lambda t: order.index(t) if t in order else len(order))
        uses = translate(SEPARATOR).join(
            translate(USED_BY_LABELS.get(table, OTHER_RECORDS)) % {"count": self.references[table]}
            for table in tables)
        record = translate(RECORD_LABELS.get(self.table, RECORD))
        return translate(self.message) % {"record": record, "uses": uses}


def _cascaded_children(mapper: Mapper) -> dict:
    """Tables whose rows the ORM deletes together with a row of `mapper`, by table."""
    return {rel.mapper.local_table: rel.mapper for rel in mapper.relationships
            if rel.direction is ONETOMANY and rel.cascade.delete}


def _count_references(session: Session, mapper: Mapper, ids, found: dict[str, int]) -> None:
    table = mapper.local_table
    children = _cascaded_children(mapper)
    for other in table.metadata.tables.values():
        columns = [fk.parent for fk in other.foreign_keys
                   if fk.references(table) and fk.ondelete is None]
        if not columns:
            continue
        pointing = or_(*(column.in_(ids) for column in columns))
        if other in children:  # deleted along: what points at those children counts
            child = children[other]
            child_ids = select(*child.primary_key).where(pointing).scalar_subquery()
            _count_references(session, child, child_ids, found)
            continue
        count = session.scalar(select(func.count()).select_from(other).where(pointing))
        if count:
            found[other.name] = found.get(other.name, 0) + count


def references_to(session: Session, obj) -> dict[str, int]:
    """Rows of other tables that point at `obj` (or at the children deleted with it), by table."""
    mapper = inspect(obj).mapper
    found: dict[str, int] = {}
    with session.no_autoflush:
        _count_references(session, mapper, [mapper.primary_key_from_instance(obj)[0]], found)
    return found


def check_deletable(session: Session, obj) -> None:
    """ORG-1: raise StillReferenced naming what still uses `obj`; nothing is deleted."""
    references = references_to(session, obj)
    if references:
        raise StillReferenced(inspect(obj).mapper.local_table.name, references)
