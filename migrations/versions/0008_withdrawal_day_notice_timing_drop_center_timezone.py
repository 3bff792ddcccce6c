"""Withdrawal day of a running case (CASE-6), one-time notice timing (NOTICE-1), and the
center's time zone field dropped for the CENTER_TIMEZONE setting

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns and a constant default: SQLite adds them in place (no table copy).
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
        # The overdue list decides from this index alone, withdrawn cases included (CASE-6).
        batch_op.drop_index('ix_case_deadline_state_decided')
        batch_op.create_index('ix_case_deadline_state_decided',
                              ['deadline', 'state', 'decided_on', 'withdrawn_on'], unique=False)
    # Cases withdrawn before this column existed keep 0 overdue days: their withdrawal
    # instant is in case_transition, but its day in the center's zone is not known here.
    with op.batch_alter_table('case_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('late', sa.Boolean(), nullable=False,
                                      server_default=sa.text('false')))
    with op.batch_alter_table('center', schema=None) as batch_op:
        batch_op.drop_column('timezone')


def downgrade():
    with op.batch_alter_table('center', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=50), nullable=False,
                                      server_default='Asia/Shanghai'))
    with op.batch_alter_table('case_notice', schema=None) as batch_op:
        batch_op.drop_column('late')
        batch_op.drop_column('due_on')
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_deadline_state_decided')
        batch_op.create_index('ix_case_deadline_state_decided',
                              ['deadline', 'state', 'decided_on'], unique=False)
        batch_op.drop_column('withdrawn_on')
