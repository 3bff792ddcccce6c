"""Score events, the deduction catalogue (seeded with SCORE-2), assessment months (issue #11)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 22:10:00

The catalogue rows are frozen here like the settings of 0002: descriptions are English msgids
(marked N_) shown translated; an administrator may edit them afterwards.
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = "0015"
branch_labels = None
depends_on = None


def N_(text):
    return text


# (code, category, description, points min, points max, automatic) — SCORE-2, FAULT-1.7
CATALOGUE = [
    ("M1-behaviour", "M1", N_("Behaviour violation: chatting away from the post, games, smoking, eating in the hall, uncivil language"), "1", "1", False),
    ("M1-quarrel", "M1", N_("Quarrel with an applicant"), "3", "3", False),
    ("M1-quarrel-serious", "M1", N_("Serious quarrel with an applicant (further deduction)"), "2", "2", False),
    ("M2-lapse", "M2", N_("Case-management lapse: should have accepted, supplement not explained, answered without reasons, joint case not coordinated, irregular procedure or late forwarding"), "2", "2", False),
    ("M2-notice-violation", "M2", N_("One-time notice violation: a later notice asked for a material the first did not list"), "2", "2", True),
    ("M2-refusal-unreported", "M2", N_("Refusal without a refusal report (FAULT-1.7)"), "2", "2", True),
    ("M3-overdue-day", "M3", N_("Overdue working day of a case (per day and case)"), "1", "1", True),
    ("M4-late-upload", "M4", N_("Case uploaded late to the center system (per case)"), "1", "1", False),
    ("M4-notice-filing", "M4", N_("Notices not filled in or not filed"), "1", "5", False),
    ("M5-late", "M5", N_("Late to a meeting or activity"), "1", "1", True),
    ("M5-absent", "M5", N_("Absent from a meeting or activity without reason"), "2", "2", True),
    ("M5-poor-cooperation", "M5", N_("Poor cooperation on a center task"), "3", "3", False),
    ("M6-integrity", "M6", N_("Integrity breach (吃、拿、卡、要)"), "2", "2", False),
    ("M7-complaint", "M7", N_("Verified complaint, by gravity"), "2", "5", True),
    ("M7-complaint-serious", "M7", N_("Complaint bringing a notice of criticism or a bad influence"), "10", "10", True),
    ("M8-staff-changes", "M8", N_("Frequent staff changes"), "2", "5", False),
    ("M8-off-post", "M8", N_("Away from the post half a day or more (each time)"), "2", "2", True),
    ("M9-untidy", "M9", N_("Window untidy (each time)"), "1", "1", False),
    ("B-praise-high", "B", N_("Praise from the city party committee or government or above"), "5", "10", False),
    ("B-letter", "B", N_("Letter of praise"), "1", "1", False),
    ("B-banner", "B", N_("Banner (锦旗)"), "2", "2", False),
]


def upgrade():
    op.create_table('deduction_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=4), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('points_min', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('points_max', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('deduction_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deduction_item_category'), ['category'], unique=False)

    op.create_table('assessment_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.Column('reopened_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period')
    )

    op.create_table('score_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=4), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('points', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('source_key', sa.String(length=80), nullable=True),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['deduction_item.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['window_id'], ['window.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_key')
    )
    with op.batch_alter_table('score_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_event_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_score_event_period_window_category',
                              ['period', 'window_id', 'category'], unique=False)
        batch_op.create_index('ix_score_event_staff_period', ['staff_id', 'period'], unique=False)

    item = sa.table('deduction_item', sa.column('code'), sa.column('category'),
                    sa.column('description'), sa.column('points_min', sa.Numeric),
                    sa.column('points_max', sa.Numeric), sa.column('automatic', sa.Boolean),
                    sa.column('is_active', sa.Boolean), sa.column('sort_order'))
    op.bulk_insert(item, [
        {"code": code, "category": category, "description": description, "points_min": low,
         "points_max": high, "automatic": automatic, "is_active": True, "sort_order": order}
        for order, (code, category, description, low, high, automatic)
        in enumerate(CATALOGUE, start=1)])


def downgrade():
    op.drop_table('score_event')
    op.drop_table('assessment_month')
    op.drop_table('deduction_item')
