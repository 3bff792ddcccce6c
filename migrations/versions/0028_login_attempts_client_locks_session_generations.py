"""Login attempts, locks per client address, session generations (SEC-2, issue #18)

Revision ID: 0028
Revises: 0023
Create Date: 2026-12-07 09:00:00

A lock was on an account (login_lock.user_id): anyone could lock anyone. From 0028 a lock is
on a client address, for one account name or for every name; the failures it counts are the
rows of login_attempt, which Admin reads as the login history. Locks last minutes, so the
table is made anew (a lock in force at the upgrade is dropped; the downgrade likewise).
user_session_generation holds each user's session generation (logout, a password change or
reset, a role change and deactivation end every session and token of the user).
"""
from alembic import op
import sqlalchemy as sa

import models.types


revision = '0028'
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('login_lock')
    op.create_table(
        'login_lock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('client_address', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('locked_until', models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('username', 'client_address'),
    )
    op.create_table(
        'login_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', models.types.UTCDateTime(), nullable=False),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('account', sa.String(length=100), nullable=False),
        sa.Column('client_address', sa.String(length=64), nullable=False),
        sa.Column('door', sa.String(length=10), nullable=False),
        sa.Column('result', sa.String(length=10), nullable=False),
        sa.Column('account_counted', sa.Boolean(), nullable=False),
        sa.Column('client_counted', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_login_attempt_at', 'login_attempt', ['at'])
    op.create_index('ix_login_attempt_client_at', 'login_attempt', ['client_address', 'at'])
    op.create_index('ix_login_attempt_account_client', 'login_attempt',
                    ['account', 'client_address'])
    op.create_table(
        'user_session_generation',
        sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.Column('changed_at', models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade():
    op.drop_table('user_session_generation')
    op.drop_index('ix_login_attempt_account_client', table_name='login_attempt')
    op.drop_index('ix_login_attempt_client_at', table_name='login_attempt')
    op.drop_index('ix_login_attempt_at', table_name='login_attempt')
    op.drop_table('login_attempt')
    op.drop_table('login_lock')
    op.create_table(
        'login_lock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_at', models.types.UTCDateTime(), nullable=False),
        sa.Column('locked_until', models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id'),
    )
