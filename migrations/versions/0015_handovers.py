"""Handovers with their list of unfinished cases (issue #10: HAND-1)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('leave_request_id', sa.Integer(), nullable=True),
    sa.Column('items', sa.Text(), nullable=True),
    sa.Column('documents', sa.Text(), nullable=True),
    sa.Column('tasks', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('giver_confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('giver_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('giver_on_behalf', sa.Boolean(), nullable=False),
    sa.Column('receiver_confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('receiver_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('receiver_on_behalf', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['giver_confirmed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['giver_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['leave_request_id'], ['leave_request.id'], ),
    sa.ForeignKeyConstraint(['receiver_confirmed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['receiver_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_giver_id'), ['giver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_receiver_id'), ['receiver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_leave_request_id'), ['leave_request_id'],
                              unique=False)

    op.create_table('handover_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('item_name', sa.String(length=200), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], ),
    sa.ForeignKeyConstraint(['handover_id'], ['handover.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handover_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_case_handover_id'), ['handover_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_handover_case_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('handover_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_case_case_id'))
        batch_op.drop_index(batch_op.f('ix_handover_case_handover_id'))
    op.drop_table('handover_case')
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_leave_request_id'))
        batch_op.drop_index(batch_op.f('ix_handover_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_handover_giver_id'))
    op.drop_table('handover')
