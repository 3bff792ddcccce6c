"""Leave revoked as obtained by deception (LEAVE-1, ATT-3); days without clock data (ATT-2)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 10:00:00

- leave_request: who revoked an approved leave, when and why (state "revoked");
- leave_notification.event: what the town head is told of — the leave granted ("approved",
  every notification so far) or revoked;
- attendance_day: a stored day without any clock record of anyone was derived absent; it is
  "no data" now (ATT-2): its absent halves become "no_data" and count no absence. Downgrade
  turns them back into the absence they were stored as.
"""
from alembic import op
import sqlalchemy as sa

import models.types


revision = '0024'
down_revision = "0023"
branch_labels = None
depends_on = None

attendance_day = sa.table("attendance_day", sa.column("day", sa.Date),
                          sa.column("am_status", sa.String), sa.column("pm_status", sa.String),
                          sa.column("absent_days", sa.Numeric))
clock_record = sa.table("clock_record", sa.column("day", sa.Date))


def _restatus(old: str, new: str, absent_days) -> None:
    without_clocks = ~attendance_day.c.day.in_(sa.select(clock_record.c.day).distinct())
    for column in ("am_status", "pm_status"):
        op.execute(attendance_day.update().where(without_clocks, attendance_day.c[column] == old)
                   .values({column: new}))
    op.execute(attendance_day.update().where(without_clocks).values(absent_days=absent_days))


def _absent_days():
    def half(column):
        return sa.case((attendance_day.c[column] == "absent", 0.5), else_=0)
    return half("am_status") + half("pm_status")


def upgrade():
    with op.batch_alter_table('leave_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revoke_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_leave_request_revoked_by_id_ab_user', 'ab_user',
                                    ['revoked_by_id'], ['id'])
    with op.batch_alter_table('leave_notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event', sa.String(length=10), server_default='approved',
                                      nullable=False))
    _restatus("absent", "no_data", _absent_days())


def downgrade():
    _restatus("no_data", "absent", _absent_days())
    with op.batch_alter_table('leave_notification', schema=None) as batch_op:
        batch_op.drop_column('event')
    with op.batch_alter_table('leave_request', schema=None) as batch_op:
        batch_op.drop_constraint('fk_leave_request_revoked_by_id_ab_user', type_='foreignkey')
        batch_op.drop_column('revoke_reason')
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('revoked_at')
