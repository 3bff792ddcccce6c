"""The years whose official holiday schedule the office entered (RULES.md "Calendar", CASE-3)

A local closure is no longer taken for the year's schedule: only the year-schedule page
marks a year entered. Years that already have entries keep their deadlines final (they were
counted as entered until now).

Revision ID: 0032
Revises: 0029
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'year_schedule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('year'),
    )
    # SQLite hands dates back as 'YYYY-MM-DD' text, PostgreSQL as dates: the year either way.
    days = op.get_bind().execute(sa.text("SELECT day FROM holiday")).scalars()
    years = sorted({int(str(day)[:4]) for day in days})
    if years:
        op.bulk_insert(table, [{"year": year} for year in years])


def downgrade():
    op.drop_table('year_schedule')
