"""Staff who clock in (ATT-2): leadership is not derived as absent for months without clocks;
the reason of an off-post record's correction (ATT-3)

Revision ID: 0021
Revises: 0019
Create Date: 2026-11-30 22:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = "0019"
branch_labels = None
depends_on = None

# Who does not clock in: the leadership unit and the leadership positions (ORG-1, LEAVE-2).
LEADERSHIP_POSITIONS = ("director", "deputy_director", "secretary", "town_head")

staff = sa.table("staff", sa.column("unit", sa.String), sa.column("position", sa.String),
                 sa.column("clocks_in", sa.Boolean))


def upgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clocks_in', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
    op.execute(staff.update().where(sa.or_(staff.c.unit == "leadership",
                                           staff.c.position.in_(LEADERSHIP_POSITIONS)))
               .values(clocks_in=False))
    with op.batch_alter_table('off_post_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correction_note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('off_post_record', schema=None) as batch_op:
        batch_op.drop_column('correction_note')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('clocks_in')
