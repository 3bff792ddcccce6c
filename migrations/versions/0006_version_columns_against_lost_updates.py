"""Version columns against lost updates and double case transitions (issue #9)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 19:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The audited models two people may edit at once (models/types.Versioned).
TABLES = ('center', 'window', 'staff', 'rule_setting', 'holiday', 'service_item',
          'item_material', 'service_case', 'case_sub_task', 'refusal_report')


def upgrade():
    # NOT NULL with a server default: existing rows read version 1, and SQLite adds the
    # column in place (no table copy, even at a million cases).
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                          nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
