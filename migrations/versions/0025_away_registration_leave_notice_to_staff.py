"""外出登记 (AB-2) and leave notifications to a person (LEAVE-1, issue #16 items 7 and 9)

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-07 09:00:00

- away_registration: a staff member out on an official errand or at a meeting outside on a
  day's morning and/or afternoon; while approved (by the window head of their window, ORG-2)
  they are away (AB-2) and B covers their queue.
- leave_notification.recipient_staff_id: a leave filed on someone's behalf is made known to
  that person (LEAVE-1); NULL for the town-head notifications of before.
Old leave requests keep no substitute or handover where they had none: both are required
from now on at filing, not for the rows already there.
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('away_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('am', sa.Boolean(), nullable=False),
    sa.Column('pm', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['filed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('away_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_away_registration_staff_id'), ['staff_id'],
                              unique=False)
        batch_op.create_index('ix_away_registration_day_state', ['day', 'state'], unique=False)
    with op.batch_alter_table('leave_notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_staff_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_leave_notification_recipient_staff_id'),
                              ['recipient_staff_id'], unique=False)
        batch_op.create_foreign_key('fk_leave_notification_recipient_staff_id_staff', 'staff',
                                    ['recipient_staff_id'], ['id'])


def downgrade():
    with op.batch_alter_table('leave_notification', schema=None) as batch_op:
        batch_op.drop_constraint('fk_leave_notification_recipient_staff_id_staff',
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_leave_notification_recipient_staff_id'))
        batch_op.drop_column('recipient_staff_id')
    with op.batch_alter_table('away_registration', schema=None) as batch_op:
        batch_op.drop_index('ix_away_registration_day_state')
        batch_op.drop_index(batch_op.f('ix_away_registration_staff_id'))
    op.drop_table('away_registration')
