"""Index for a window's overdue and due-soon lists in deadline order (CASE-6, issue #9)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 19:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.create_index('ix_case_window_deadline_state_decided',
                              ['window_id', 'deadline', 'state', 'decided_on',
                               'withdrawn_on'], unique=False)


def downgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_window_deadline_state_decided')
