"""Mutual window ratings (窗口互评) and confirmed monthly results; their rule settings
(SCORE-2/3/4)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 23:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.types


revision = '0019'
down_revision = "0018"
branch_labels = None
depends_on = None


def N_(text):
    return text


# (key, rule id, type, default, unit, description) — frozen here like 0002's list.
SETTINGS = [
    ("score.peer_opens_day", "SCORE-2", "int", "25", "",
     N_("Mutual window rating of a month opens on this day of the month")),
    ("score.peer_closes_day", "SCORE-2", "int", "5", "",
     N_("Mutual window rating of a month closes on this day of the following month")),
    ("score.satisfied_min", "SCORE-4", "decimal", "95", N_("points"),
     N_("Satisfied window: lowest monthly total (besides the COMP-5 and NOTICE-1 exclusions)")),
    ("score.service_star_count", "SCORE-4", "int", "3", "",
     N_("Service stars named each quarter")),
]

rule_setting = sa.table(
    "rule_setting",
    sa.column("key", sa.String), sa.column("rule_id", sa.String), sa.column("value_type", sa.String),
    sa.column("default_value", sa.String), sa.column("value", sa.String), sa.column("unit", sa.String),
    sa.column("description", sa.Text),
)


def upgrade():
    op.create_table(
        'peer_rating',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('rater_window_id', sa.Integer(), nullable=False),
        sa.Column('rated_window_id', sa.Integer(), nullable=False),
        sa.Column('attitude', sa.Integer(), nullable=False),
        sa.Column('efficiency', sa.Integer(), nullable=False),
        sa.Column('quality', sa.Integer(), nullable=False),
        sa.Column('integrity', sa.Integer(), nullable=False),
        sa.Column('rated_by_id', sa.Integer(), nullable=True),
        sa.Column('rated_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['rated_by_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['rated_window_id'], ['window.id']),
        sa.ForeignKeyConstraint(['rater_window_id'], ['window.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('period', 'rater_window_id', 'rated_window_id'),
    )
    with op.batch_alter_table('peer_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_rating_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_rating_rated_window_id'), ['rated_window_id'],
                              unique=False)

    op.create_table(
        'monthly_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('window_id', sa.Integer(), nullable=False),
        sa.Column('total', sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column('categories', sa.Text(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('red_flag', sa.Boolean(), nullable=False),
        sa.Column('satisfied', sa.Boolean(), nullable=False),
        sa.Column('peer_mean', sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column('verified_complaints', sa.Integer(), nullable=False),
        sa.Column('overdue_days', sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['window_id'], ['window.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('period', 'window_id'),
    )
    with op.batch_alter_table('monthly_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_result_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_monthly_result_window_id'), ['window_id'],
                              unique=False)

    with op.batch_alter_table('score_event', schema=None) as batch_op:
        batch_op.create_index('ix_score_event_source_period', ['source', 'period'], unique=False)

    op.bulk_insert(rule_setting, [
        {"key": key, "rule_id": rule, "value_type": kind, "default_value": default,
         "value": default, "unit": unit, "description": description}
        for key, rule, kind, default, unit, description in SETTINGS
    ])


def downgrade():
    op.execute(rule_setting.delete().where(rule_setting.c.key.in_([row[0] for row in SETTINGS])))
    with op.batch_alter_table('score_event', schema=None) as batch_op:
        batch_op.drop_index('ix_score_event_source_period')
    with op.batch_alter_table('monthly_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthly_result_window_id'))
        batch_op.drop_index(batch_op.f('ix_monthly_result_period'))
    op.drop_table('monthly_result')
    with op.batch_alter_table('peer_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_rating_rated_window_id'))
        batch_op.drop_index(batch_op.f('ix_peer_rating_period'))
    op.drop_table('peer_rating')
