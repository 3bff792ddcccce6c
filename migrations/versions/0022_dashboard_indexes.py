"""Covering indexes for the Leadership dashboard's aggregates (issue #12)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 22:30:00

The dashboard groups cases by (acceptance day, window) and (decision day, window) and score
events by (month, window, category): with these indexes each aggregate reads only the index
range of its period, never the table (bench/bench_dashboard.py, bench/RESULTS.md).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.create_index('ix_case_accepted_window', ['accepted_on', 'window_id'], unique=False)
        batch_op.create_index('ix_case_decided_window',
                              ['decided_on', 'window_id', 'deadline', 'satisfaction',
                               'accepted_on'], unique=False)
    with op.batch_alter_table('score_event', schema=None) as batch_op:
        batch_op.create_index('ix_score_event_period_window_category_points',
                              ['period', 'window_id', 'category', 'points'], unique=False)


def downgrade():
    with op.batch_alter_table('score_event', schema=None) as batch_op:
        batch_op.drop_index('ix_score_event_period_window_category_points')
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_decided_window')
        batch_op.drop_index('ix_case_accepted_window')
