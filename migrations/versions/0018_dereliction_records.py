"""Dereliction records (issue #11: FAULT-1)

Revision ID: 0018
Revises: 0020
Create Date: 2026-12-02 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dereliction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sanction', sa.String(length=30), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['window_id'], ['window.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dereliction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dereliction_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dereliction_window_id'), ['window_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dereliction_day'), ['day'], unique=False)


def downgrade():
    op.drop_table('dereliction')
