"""Confirming a month with windows nobody rated keeps its reason (SCORE-2 M10); the M8 item
costs its points once per day away (SCORE-2 M8)

Revision ID: 0026
Revises: 0023
Create Date: 2026-12-07 09:00:00

`assessment_month.unrated_reason`: why Leadership confirmed the month although some windows
had no mutual rating (their M10 is then the mean of the rated windows' M10); audited with the
month's row. The catalogue item M8-off-post is now generated once for each day on which a
person left the post half a day or more (not once per half-day): its description says so,
unless Admin has rewritten it.
"""
import sqlalchemy as sa
from alembic import op


revision = '0026'
down_revision = "0025"
branch_labels = None
depends_on = None



def N_(text):
    """Marks a msgid for extraction: the description is shown translated (as in 0016)."""
    return text


M8 = "M8-off-post"
OLD = "Away from the post half a day or more (each time)"
NEW = N_("Away from the post half a day or more (each day)")

item = sa.table("deduction_item", sa.column("code", sa.String),
                sa.column("description", sa.String), sa.column("version", sa.Integer))


def _describe(old: str, new: str) -> None:
    op.execute(item.update().where(item.c.code == M8, item.c.description == old)
               .values(description=new, version=item.c.version + 1))


def upgrade():
    with op.batch_alter_table('assessment_month', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unrated_reason', sa.Text(), nullable=True))
    _describe(OLD, NEW)


def downgrade():
    _describe(NEW, OLD)
    with op.batch_alter_table('assessment_month', schema=None) as batch_op:
        batch_op.drop_column('unrated_reason')
