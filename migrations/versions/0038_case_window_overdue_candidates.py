"""A clerk's overdue list on PostgreSQL: a partial index of the cases that may be overdue,
per window in deadline order (CASE-6, issue #21)

Revision ID: 0038
Revises: 0032
Create Date: 2026-12-07 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0038'
down_revision = '0032'
branch_labels = None
depends_on = None

# Frozen here as models/cases.py OVERDUE_CANDIDATES said on 2026-12-07 (the running states of
# CASE-3/6: accepted, in progress, extended).
CANDIDATES = ("state IN ('accepted', 'in_progress', 'extended') "
              "OR decided_on > deadline OR withdrawn_on > deadline")


def upgrade():
    op.create_index('ix_case_window_overdue_candidates', 'service_case',
                    ['window_id', 'deadline', 'id'], unique=False,
                    sqlite_where=sa.text(CANDIDATES), postgresql_where=sa.text(CANDIDATES))


def downgrade():
    op.drop_index('ix_case_window_overdue_candidates', table_name='service_case')
