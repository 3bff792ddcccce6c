"""Semi-annual individual assessment: assessments, entries per person, items (SCORE-5/6/7)

Revision ID: 0020
Revises: 0017
Create Date: 2026-11-30 22:40:00

The rule settings it reads (semi.*, grade.*) were seeded by 0002.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = "0017"
branch_labels = None
depends_on = None


def _points(name, nullable=False, scale=6):
    return sa.Column(name, sa.Numeric(precision=scale, scale=1), nullable=nullable)


def upgrade():
    op.create_table('semiannual_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('half', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'half')
    )
    op.create_table('semiannual_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('staff_category', sa.String(length=20), nullable=False),
    _points('off_de'), _points('off_neng'), _points('off_qin'), _points('off_ji'),
    _points('off_lian'), _points('innovation'), _points('bonus_raw'),
    _points('de', True, 5), _points('neng', True, 5), _points('qin', True, 5),
    _points('ji', True, 5), _points('lian', True, 5), _points('bonus', True, 5),
    _points('total', True, 5),
    sa.Column('grade', sa.String(length=30), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['semiannual_assessment.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'staff_id')
    )
    with op.batch_alter_table('semiannual_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_semiannual_entry_staff_id'), ['staff_id'], unique=False)
    op.create_table('semiannual_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    _points('points'),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['semiannual_entry.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('semiannual_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_semiannual_item_entry_id'), ['entry_id'], unique=False)


def downgrade():
    op.drop_table('semiannual_item')
    op.drop_table('semiannual_entry')
    op.drop_table('semiannual_assessment')
