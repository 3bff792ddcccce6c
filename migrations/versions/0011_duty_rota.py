"""Duty rota: the group order, duty shifts with substitutes and duty logs; roster.mode (ROSTER-1/2)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.types


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
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
# ROSTER-1: one person per working day (001, "day") or per week handing over on Monday (002, "week").
SETTINGS = [
    ("roster.mode", "ROSTER-1", "text", "day", "",
     N_("Duty rota: one person per working day (day) or per week (week)")),
]


def upgrade():
    op.create_table(
        'duty_order',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('position'),
        sa.UniqueConstraint('staff_id'),
    )
    op.create_table(
        'duty_shift',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('substitute_id', sa.Integer(), nullable=True),
        sa.Column('substitute_arranged_at', models.types.UTCDateTime(), nullable=True),
        sa.Column('substitute_arranged_by_id', sa.Integer(), nullable=True),
        sa.Column('log_opened_hall', sa.Boolean(), nullable=False),
        sa.Column('log_closed_up', sa.Boolean(), nullable=False),
        sa.Column('log_cleaning_supervised', sa.Boolean(), nullable=False),
        sa.Column('log_note', sa.Text(), nullable=True),
        sa.Column('log_written_at', models.types.UTCDateTime(), nullable=True),
        sa.Column('log_written_by_id', sa.Integer(), nullable=True),
        sa.Column('log_staff_id', sa.Integer(), nullable=True),
        sa.Column('log_on_behalf', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.ForeignKeyConstraint(['substitute_id'], ['staff.id']),
        sa.ForeignKeyConstraint(['log_staff_id'], ['staff.id']),
        sa.ForeignKeyConstraint(['substitute_arranged_by_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['log_written_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('day', 'staff_id'),
    )
    with op.batch_alter_table('duty_shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_shift_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_shift_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_shift_substitute_id'), ['substitute_id'],
                              unique=False)
    op.bulk_insert(rule_setting, [
        {"key": key, "rule_id": rule, "value_type": kind, "default_value": default,
         "value": default, "unit": unit, "description": description}
        for key, rule, kind, default, unit, description in SETTINGS
    ])


def downgrade():
    op.execute(rule_setting.delete().where(rule_setting.c.key.in_([row[0] for row in SETTINGS])))
    with op.batch_alter_table('duty_shift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_shift_substitute_id'))
        batch_op.drop_index(batch_op.f('ix_duty_shift_staff_id'))
        batch_op.drop_index(batch_op.f('ix_duty_shift_day'))
    op.drop_table('duty_shift')
    op.drop_table('duty_order')
