"""Who chose among those tied for the last 优秀 seat, when and why (SCORE-6, issue #20)

Revision ID: 0037
Revises: 0032
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('semiannual_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tie_chosen_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tie_chosen_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('tie_choice_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_semiannual_entry_tie_chosen_by_id_ab_user',
                                    'ab_user', ['tie_chosen_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('semiannual_entry', schema=None) as batch_op:
        batch_op.drop_constraint('fk_semiannual_entry_tie_chosen_by_id_ab_user',
                                 type_='foreignkey')
        batch_op.drop_column('tie_choice_reason')
        batch_op.drop_column('tie_chosen_at')
        batch_op.drop_column('tie_chosen_by_id')
