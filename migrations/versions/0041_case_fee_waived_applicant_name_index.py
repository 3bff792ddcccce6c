"""A waived fee kept apart from no fee recorded; an index to find cases by applicant name (issue #19)

CASE-9: `service_case.fee_waived` says the item's published fee was waived (免收) for the
case; until now a waiver was stored as an empty fee_amount, like a fee nobody recorded.
Cases from before keep false: whether their empty fee was waived is not known.

Issue #19 / PRIV-1: the applicant search also matches the applicant's whole name (exactly,
audited like the ID-number and phone searches), served by a plain b-tree index.

Revision ID: 0041
Revises: 0039
Create Date: 2026-12-07 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0041'
down_revision = '0039'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_waived', sa.Boolean(), nullable=False,
                                      server_default=sa.text('false')))
        batch_op.create_index('ix_case_applicant_name', ['applicant_name'], unique=False)


def downgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_applicant_name')
        batch_op.drop_column('fee_waived')
