"""Semi-annual assessment: the points of 勤's attendance and meeting items, staff assessed
elsewhere, Leadership's choice in a tie for the last 优秀 seat (SCORE-5, SCORE-6)

Revision ID: 0027
Revises: 0023
Create Date: 2026-12-07 10:00:00

- rule settings semi.* of 勤 (RULES.md SCORE-5 defaults: absence −1 per half day, sick +
  personal leave over 20 days in the year −2, every 5 late/early −1, each empty post −1,
  meetings late −0.5 and absent −1);
- `staff.assessed_elsewhere`, set for the leadership unit (assessed by the town);
- `semiannual_entry.tie_chosen`.
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = "0026"
branch_labels = None
depends_on = None


def N_(text):
    return text


PTS = N_("points")
# (key, rule id, type, default, unit, description) — frozen here like 0002's list.
SETTINGS = [
    ("semi.absence_half_day_points", "SCORE-5", "decimal", "1", PTS,
     N_("Semi-annual attendance: deduction per half day of absence")),
    ("semi.leave_days_limit", "SCORE-5", "int", "20", N_("days"),
     N_("Semi-annual attendance: sick and personal leave days in the year allowed before the "
        "deduction (public holidays not counted)")),
    ("semi.leave_over_points", "SCORE-5", "decimal", "2", PTS,
     N_("Semi-annual attendance: deduction when the year's sick and personal leave exceeds "
        "the limit (once a year)")),
    ("semi.late_early_count", "SCORE-5", "int", "5", "",
     N_("Semi-annual attendance: late arrivals or early leaves per deduction")),
    ("semi.late_early_points", "SCORE-5", "decimal", "1", PTS,
     N_("Semi-annual attendance: deduction for each such number of late arrivals or early "
        "leaves")),
    ("semi.empty_post_points", "SCORE-5", "decimal", "1", PTS,
     N_("Semi-annual attendance: deduction per empty post (off-post finding)")),
    ("semi.meeting_late_points", "SCORE-5", "decimal", "0.5", PTS,
     N_("Semi-annual meetings: deduction per time late")),
    ("semi.meeting_absent_points", "SCORE-5", "decimal", "1", PTS,
     N_("Semi-annual meetings: deduction per absence without reason")),
]

rule_setting = sa.table(
    "rule_setting",
    sa.column("key", sa.String), sa.column("rule_id", sa.String), sa.column("value_type", sa.String),
    sa.column("default_value", sa.String), sa.column("value", sa.String), sa.column("unit", sa.String),
    sa.column("description", sa.Text),
)
staff = sa.table("staff", sa.column("unit", sa.String),
                 sa.column("assessed_elsewhere", sa.Boolean))


def upgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessed_elsewhere', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    # SCORE-5: the center's leadership is assessed by the town, not on the center's grade list.
    op.execute(staff.update().where(staff.c.unit == "leadership")
               .values(assessed_elsewhere=True))
    with op.batch_alter_table('semiannual_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tie_chosen', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.bulk_insert(rule_setting, [
        {"key": key, "rule_id": rule, "value_type": kind, "default_value": default,
         "value": default, "unit": unit, "description": description}
        for key, rule, kind, default, unit, description in SETTINGS
    ])


def downgrade():
    op.execute(rule_setting.delete().where(rule_setting.c.key.in_([row[0] for row in SETTINGS])))
    with op.batch_alter_table('semiannual_entry', schema=None) as batch_op:
        batch_op.drop_column('tie_chosen')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('assessed_elsewhere')
