"""Attendance: clock records and imports, off-post records, 补签单, derived days (ATT-1..4)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 21:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.types


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'clock_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.Column('imported_at', models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['imported_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_clock_import_sha256', 'clock_import', ['sha256'], unique=False)
    op.create_table(
        'clock_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('clocked_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('second_of_day', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.ForeignKeyConstraint(['import_id'], ['clock_import.id']),
        sa.ForeignKeyConstraint(['entered_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('staff_id', 'clocked_at'),
    )
    op.create_index('ix_clock_record_day_staff', 'clock_record', ['day', 'staff_id'], unique=False)
    op.create_table(
        'off_post_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('entered_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.ForeignKeyConstraint(['entered_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_off_post_record_day_staff', 'off_post_record', ['day', 'staff_id'],
                    unique=False)
    op.create_table(
        'clock_excuse',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('half', sa.String(length=2), nullable=False),
        sa.Column('reason', sa.String(length=10), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('filed_by_id', sa.Integer(), nullable=True),
        sa.Column('filed_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', models.types.UTCDateTime(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.ForeignKeyConstraint(['filed_by_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('staff_id', 'day', 'half'),
    )
    op.create_index('ix_clock_excuse_day', 'clock_excuse', ['day'], unique=False)
    op.create_table(
        'attendance_day',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('am_status', sa.String(length=12), nullable=False),
        sa.Column('am_in', sa.Integer(), nullable=True),
        sa.Column('am_out', sa.Integer(), nullable=True),
        sa.Column('pm_status', sa.String(length=12), nullable=False),
        sa.Column('pm_in', sa.Integer(), nullable=True),
        sa.Column('pm_out', sa.Integer(), nullable=True),
        sa.Column('late_early', sa.Integer(), nullable=False),
        sa.Column('absent_days', sa.Numeric(precision=3, scale=1), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('staff_id', 'day'),
    )
    op.create_index('ix_attendance_day_day', 'attendance_day', ['day'], unique=False)


def downgrade():
    op.drop_index('ix_attendance_day_day', table_name='attendance_day')
    op.drop_table('attendance_day')
    op.drop_index('ix_clock_excuse_day', table_name='clock_excuse')
    op.drop_table('clock_excuse')
    op.drop_index('ix_off_post_record_day_staff', table_name='off_post_record')
    op.drop_table('off_post_record')
    op.drop_index('ix_clock_record_day_staff', table_name='clock_record')
    op.drop_table('clock_record')
    op.drop_index('ix_clock_import_sha256', table_name='clock_import')
    op.drop_table('clock_import')
