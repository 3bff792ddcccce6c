"""Item points live in the deduction catalogue only: the per-item point settings go (SCORE-2)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 09:00:00

Migration 0002 seeded one setting per SCORE-2 item (score.m1_behaviour … score.m9_untidy) and
migration 0016 seeded the same points again as the catalogue (deduction_item). Four of those
settings were read — the automatic M3, M5 and M8 deductions took their points from them — and
the other eight were read by nothing: either way, editing one home changed nothing in the
other. From 0023 on the catalogue is the only home of item points.

Upgrade: a setting an installation changed from its seeded default is carried into its
catalogue item before the row is deleted — points_min, and points_max too when the item is a
fixed value (min = max), else points_max is raised if needed so that min <= max. A setting
that was in force (read by the automatic generation) always wins: the scores were computed with
it. A setting that was read by nothing yields to a catalogue item Admin already edited (no
longer at its 0016 points): that edit is the one the manual entries have followed.
Downgrade re-creates the rows with the catalogue's current points as their values.
"""
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op


revision = '0023'
down_revision = "0022"
branch_labels = None
depends_on = None


def N_(text):
    return text


PTS = N_("points")
# (key, catalogue code, rule id, seeded default, description, in force before 0023) — the rows
# of 0002, frozen here so the downgrade restores them as they were.
MOVED = [
    ("score.m1_behaviour", "M1-behaviour", "SCORE-2", "1", N_("M1: deduction per behaviour violation"), False),
    ("score.m1_quarrel", "M1-quarrel", "SCORE-2", "3", N_("M1: deduction for a quarrel with an applicant"), False),
    ("score.m1_quarrel_serious", "M1-quarrel-serious", "SCORE-2", "2", N_("M1: further deduction for a serious quarrel"), False),
    ("score.m2_lapse", "M2-lapse", "SCORE-2", "2", N_("M2: deduction per case-management lapse"), False),
    ("score.m3_overdue_day", "M3-overdue-day", "CASE-6", "1", N_("M3: deduction per overdue working day per case"), True),
    ("score.m4_late_upload", "M4-late-upload", "SCORE-2", "1", N_("M4: deduction per case uploaded late"), False),
    ("score.m5_late", "M5-late", "SCORE-2", "1", N_("M5: deduction for being late to a meeting"), True),
    ("score.m5_absent", "M5-absent", "SCORE-2", "2", N_("M5: deduction for missing a meeting without reason"), True),
    ("score.m5_poor_cooperation", "M5-poor-cooperation", "SCORE-2", "3", N_("M5: deduction for poor cooperation on a center task"), False),
    ("score.m6_breach", "M6-integrity", "SCORE-2", "2", N_("M6: deduction per integrity breach"), False),
    ("score.m8_leave_post", "M8-off-post", "SCORE-2", "2", N_("M8: deduction per half day or more away from the post"), True),
    ("score.m9_untidy", "M9-untidy", "SCORE-2", "1", N_("M9: deduction each time the window is untidy"), False),
]

rule_setting = sa.table(
    "rule_setting",
    sa.column("key", sa.String), sa.column("rule_id", sa.String), sa.column("value_type", sa.String),
    sa.column("default_value", sa.String), sa.column("value", sa.String), sa.column("unit", sa.String),
    sa.column("description", sa.Text),
)
item = sa.table(
    "deduction_item",
    sa.column("code", sa.String), sa.column("points_min", sa.Numeric),
    sa.column("points_max", sa.Numeric), sa.column("version", sa.Integer),
)


def _decimal(text):
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and value >= 0 else None


def _text(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _carry(conn, code: str, value: Decimal, default: Decimal, in_force: bool) -> None:
    row = conn.execute(sa.select(item.c.points_min, item.c.points_max)
                       .where(item.c.code == code)).first()
    if row is None:
        return
    low, high = Decimal(str(row.points_min)), Decimal(str(row.points_max))
    if not in_force and (low, high) != (default, default):
        return  # Admin's own catalogue edit is what the manual entries followed
    new_high = value if low == high else max(high, value)
    conn.execute(item.update().where(item.c.code == code).values(
        points_min=value, points_max=new_high, version=item.c.version + 1))


def upgrade():
    conn = op.get_bind()
    for key, code, _rule, default, _description, in_force in MOVED:
        row = conn.execute(sa.select(rule_setting.c.value, rule_setting.c.default_value)
                           .where(rule_setting.c.key == key)).first()
        if row is None:
            continue
        value = _decimal(row.value or row.default_value)
        if value is not None and value != _decimal(row.default_value):
            _carry(conn, code, value, Decimal(default), in_force)
    op.execute(rule_setting.delete().where(rule_setting.c.key.in_([row[0] for row in MOVED])))


def downgrade():
    conn = op.get_bind()
    points = dict(conn.execute(sa.select(item.c.code, item.c.points_min)).all())
    op.bulk_insert(rule_setting, [
        {"key": key, "rule_id": rule, "value_type": "decimal", "default_value": default,
         "value": _text(points[code]) if code in points else default, "unit": PTS,
         "description": description}
        for key, code, rule, default, description, _in_force in MOVED
    ])
