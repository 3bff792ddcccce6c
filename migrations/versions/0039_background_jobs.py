"""Background jobs: long exports and clock imports run by the job queue with their progress (issue #21)

Revision ID: 0039
Revises: 0032
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.types


# revision identifiers, used by Alembic.
revision = '0039'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'background_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('params', sa.Text(), nullable=False),
        sa.Column('locale', sa.String(length=20), nullable=False),
        sa.Column('active_key', sa.String(length=64), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), server_default='0', nullable=False),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('result_file', sa.String(length=200), nullable=True),
        sa.Column('result_name', sa.String(length=200), nullable=True),
        sa.Column('result_rows', sa.Integer(), nullable=True),
        sa.Column('summary', sa.String(length=500), nullable=True),
        sa.Column('error', sa.String(length=1000), nullable=True),
        sa.Column('created_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('started_at', models.types.UTCDateTime(), nullable=True),
        sa.Column('finished_at', models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('uq_background_job_active_key', 'background_job', ['active_key'],
                    unique=True)
    op.create_index('ix_background_job_user_created', 'background_job',
                    ['user_id', 'created_at'])


def downgrade():
    op.drop_index('ix_background_job_user_created', table_name='background_job')
    op.drop_index('uq_background_job_active_key', table_name='background_job')
    op.drop_table('background_job')
