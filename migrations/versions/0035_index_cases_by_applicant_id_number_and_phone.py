"""Indexes to find an applicant's cases by ID number or phone (issue #19, PRIV-1)

The staff search by applicant matches the stored, normalised value exactly (the ID number
whole, never a prefix), so a plain b-tree index on each column serves it on PostgreSQL and
SQLite alike.

Revision ID: 0035
Revises: 0032
Create Date: 2026-12-07 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.create_index('ix_case_applicant_id_number', ['applicant_id_number'], unique=False)
        batch_op.create_index('ix_case_applicant_phone', ['applicant_phone'], unique=False)


def downgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_applicant_phone')
        batch_op.drop_index('ix_case_applicant_id_number')
