"""Complaints and the further windows they concern (issue #11: COMP-1..5)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 10:00:00

The answer limit of complex complaints (comp.complex_answer_days) is seeded by 0002.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('complainant_name', sa.String(length=100), nullable=True),
    sa.Column('complainant_contact', sa.String(length=100), nullable=True),
    sa.Column('major', sa.Boolean(), nullable=False),
    sa.Column('written_record', sa.Boolean(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('complexity', sa.String(length=10), nullable=False),
    sa.Column('promised_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answer_form', sa.String(length=10), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=15), nullable=True),
    sa.Column('gravity', sa.String(length=10), nullable=True),
    sa.Column('about_attitude', sa.Boolean(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_step', sa.Integer(), nullable=True),
    sa.Column('confirmed_step', sa.Integer(), nullable=True),
    sa.Column('step_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('step_confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['step_confirmed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['window_id'], ['window.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_window_id'), ['window_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_complaint_state_due', ['state', 'due_on'], unique=False)
        batch_op.create_index('ix_complaint_staff_outcome',
                              ['staff_id', 'outcome', 'received_on'], unique=False)

    op.create_table('complaint_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['window_id'], ['window.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('complaint_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_window_complaint_id'), ['complaint_id'],
                              unique=False)


def downgrade():
    op.drop_table('complaint_window')
    op.drop_table('complaint')
