"""Meetings, study days and their attendance; the meeting rule settings (MEET-1)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.types


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = "0011"
branch_labels = None
depends_on = None


def N_(text):
    return text


# (key, rule id, type, default, unit, description) — frozen here like 0002's list.
SETTINGS = [
    ("meet.weekday", "MEET-1", "int", "5", "",
     N_("Weekday of the weekly work meeting (1 = Monday … 7 = Sunday)")),
    ("meet.time", "MEET-1", "time", "15:00", "", N_("Weekly meeting and study sessions start at")),
    ("meet.study_days", "MEET-1", "text", "10,20,30", "",
     N_("Study days of the month (comma-separated)")),
]

rule_setting = sa.table(
    "rule_setting",
    sa.column("key", sa.String), sa.column("rule_id", sa.String), sa.column("value_type", sa.String),
    sa.column("default_value", sa.String), sa.column("value", sa.String), sa.column("unit", sa.String),
    sa.column("description", sa.Text),
)


def upgrade():
    op.create_table(
        'meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('starts_at', sa.String(length=5), nullable=False),
        sa.Column('topic', sa.String(length=200), nullable=True),
        sa.Column('minutes', sa.Text(), nullable=True),
        sa.Column('minutes_by_id', sa.Integer(), nullable=True),
        sa.Column('minutes_at', models.types.UTCDateTime(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['minutes_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'day'),
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_day'), ['day'], unique=False)

    op.create_table(
        'meeting_attendance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id', 'staff_id'),
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendance_meeting_id'), ['meeting_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendance_staff_id'), ['staff_id'],
                              unique=False)

    op.bulk_insert(rule_setting, [
        {"key": key, "rule_id": rule, "value_type": kind, "default_value": default,
         "value": default, "unit": unit, "description": description}
        for key, rule, kind, default, unit, description in SETTINGS
    ])


def downgrade():
    op.execute(rule_setting.delete().where(rule_setting.c.key.in_([row[0] for row in SETTINGS])))
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_staff_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_meeting_id'))
    op.drop_table('meeting_attendance')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_day'))
    op.drop_table('meeting')
