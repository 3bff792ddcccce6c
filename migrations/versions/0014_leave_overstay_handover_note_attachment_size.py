"""Leave: overstayed days and the report-back reason (LEAVE-3), a handover note (LEAVE-1),
the certificate size limit setting (LEAVE-1)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = "0013"
branch_labels = None
depends_on = None


def N_(text):
    return text


rule_setting = sa.table(
    "rule_setting",
    sa.column("key", sa.String), sa.column("rule_id", sa.String), sa.column("value_type", sa.String),
    sa.column("default_value", sa.String), sa.column("value", sa.String), sa.column("unit", sa.String),
    sa.column("description", sa.Text),
)
SETTINGS = [
    ("leave.max_attachment_mb", "LEAVE-1", "int", "10", "MB",
     N_("Largest certificate file a leave request may carry")),
]


def upgrade():
    with op.batch_alter_table('leave_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overstay_days', sa.Numeric(precision=5, scale=1),
                                      nullable=True))
        batch_op.add_column(sa.Column('report_back_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('handover_note', sa.Text(), nullable=True))
    op.bulk_insert(rule_setting, [
        {"key": key, "rule_id": rule, "value_type": kind, "default_value": default,
         "value": default, "unit": unit, "description": description}
        for key, rule, kind, default, unit, description in SETTINGS
    ])


def downgrade():
    op.execute(rule_setting.delete().where(rule_setting.c.key.in_([row[0] for row in SETTINGS])))
    with op.batch_alter_table('leave_request', schema=None) as batch_op:
        batch_op.drop_column('handover_note')
        batch_op.drop_column('report_back_reason')
        batch_op.drop_column('overstay_days')
