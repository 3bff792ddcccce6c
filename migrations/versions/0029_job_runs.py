"""Job runs: each nightly job once per night, generations one at a time (OPS-1, issue #18)

Revision ID: 0029
Revises: 0023
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.types


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=True),
        sa.Column('run_date', sa.Date(), nullable=False),
        sa.Column('nightly', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('started_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('finished_at', models.types.UTCDateTime(), nullable=True),
        sa.Column('started_by', sa.String(length=100), nullable=False),
        sa.Column('host', sa.String(length=100), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=False),
        sa.Column('detail', sa.String(length=500), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default='1', nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_job_run_job_started', 'job_run', ['job', 'started_at'])
    op.create_index('uq_job_run_nightly', 'job_run', ['job', 'run_date'], unique=True,
                    postgresql_where=sa.text('nightly'), sqlite_where=sa.text('nightly = 1'))


def downgrade():
    op.drop_index('uq_job_run_nightly', table_name='job_run')
    op.drop_index('ix_job_run_job_started', table_name='job_run')
    op.drop_table('job_run')
