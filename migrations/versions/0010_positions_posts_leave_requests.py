"""Positions, posts with A/B staff, leave requests (issue #10: LEAVE-2, AB-1, LEAVE-1..3)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 21:50:00

The free-text `staff.post` becomes `post` rows: one post per window and distinct text, its
first staff member (by id) as A and its second as B. The texts are kept as the post names.
"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.String(length=20), nullable=False,
                                      server_default='staff'))

    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('a_staff_id', sa.Integer(), nullable=True),
    sa.Column('b_staff_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['a_staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['b_staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['window_id'], ['window.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('window_id', 'name')
    )
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_window_id'), ['window_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_a_staff_id'), ['a_staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_b_staff_id'), ['b_staff_id'], unique=False)

    _posts_from_texts()

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('post')

    op.create_table('leave_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('start_day', sa.Date(), nullable=False),
    sa.Column('end_day', sa.Date(), nullable=False),
    sa.Column('half_day_start', sa.Boolean(), nullable=False),
    sa.Column('half_day_end', sa.Boolean(), nullable=False),
    sa.Column('days', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=True),
    sa.Column('approver_position', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('ab_override_reason', sa.Text(), nullable=True),
    sa.Column('ab_override_by_id', sa.Integer(), nullable=True),
    sa.Column('ab_override_at', sa.DateTime(), nullable=True),
    sa.Column('reported_back_on', sa.Date(), nullable=True),
    sa.Column('reported_back_at', sa.DateTime(), nullable=True),
    sa.Column('certificate_path', sa.String(length=255), nullable=True),
    sa.Column('certificate_name', sa.String(length=200), nullable=True),
    sa.Column('certificate_type', sa.String(length=50), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['ab_override_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['filed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['substitute_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('leave_request', schema=None) as batch_op:
        batch_op.create_index('ix_leave_request_staff_state', ['staff_id', 'state'], unique=False)
        batch_op.create_index('ix_leave_request_state_days', ['state', 'start_day', 'end_day'],
                              unique=False)

    op.create_table('leave_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('leave_request_id', sa.Integer(), nullable=False),
    sa.Column('recipient_position', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['leave_request_id'], ['leave_request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('leave_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leave_notification_leave_request_id'),
                              ['leave_request_id'], unique=False)


def _posts_from_texts():
    """One post per (window, text) of the old column; its first two people become A and B."""
    conn = op.get_bind()
    staff = sa.table('staff', sa.column('id'), sa.column('window_id'), sa.column('post'))
    post = sa.table('post', sa.column('window_id'), sa.column('name'),
                    sa.column('a_staff_id'), sa.column('b_staff_id'))
    holders = defaultdict(list)
    for row in conn.execute(sa.select(staff.c.id, staff.c.window_id, staff.c.post)
                            .order_by(staff.c.id)):
        name = (row.post or "").strip()
        if name:
            holders[(row.window_id, name)].append(row.id)
    rows = [{"window_id": window_id, "name": name, "a_staff_id": ids[0],
             "b_staff_id": ids[1] if len(ids) > 1 else None}
            for (window_id, name), ids in holders.items()]
    if rows:
        op.bulk_insert(post, rows)


def downgrade():
    op.drop_table('leave_notification')
    op.drop_table('leave_request')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('post', sa.String(length=100), nullable=True))
    conn = op.get_bind()
    post = sa.table('post', sa.column('name'), sa.column('a_staff_id'), sa.column('b_staff_id'))
    staff = sa.table('staff', sa.column('id'), sa.column('post'))
    for row in conn.execute(sa.select(post.c.name, post.c.a_staff_id, post.c.b_staff_id)):
        ids = [i for i in (row.a_staff_id, row.b_staff_id) if i is not None]
        if ids:
            conn.execute(staff.update().where(staff.c.id.in_(ids)).values(post=row.name))
    op.drop_table('post')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('position')
