"""Whether the applicant still objected to a refusal after the explanation (NEG-1, NEG-3)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column: SQLite adds it in place (no table copy, even at a million cases).
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_objected', sa.Boolean(), nullable=True))
        # Partial: only the objected refusals are indexed (the NEG-3 list), not every case.
        batch_op.create_index('ix_case_applicant_objected', ['applicant_objected'], unique=False,
                              sqlite_where=sa.text('applicant_objected = 1'),
                              postgresql_where=sa.text('applicant_objected'))
    # Refusals recorded before the question was asked: counted as objected, so that they stay
    # on the section head's list of refusals without a report until one is filed.
    op.execute("UPDATE service_case SET applicant_objected = true WHERE id IN "
               "(SELECT case_id FROM case_transition WHERE action = 'refuse')")


def downgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_applicant_objected')
        batch_op.drop_column('applicant_objected')
