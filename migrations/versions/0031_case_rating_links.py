"""Case rating links: the random token of a case's public rating page (CASE-11, issue #19)

Revision ID: 0031
Revises: 0029
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.types


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_rating_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('created_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('level', sa.String(length=30), nullable=True),
        sa.Column('rated_at', models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['service_case.id'],
                                name='fk_case_rating_link_case_id_service_case'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', name='uq_case_rating_link_case_id'),
        sa.UniqueConstraint('token', name='uq_case_rating_link_token'),
    )


def downgrade():
    op.drop_table('case_rating_link')
