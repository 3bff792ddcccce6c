"""MIGRATIONS: the Alembic history builds exactly the schema the models declare.

On a fresh, empty database (an SQLite file; a new PostgreSQL database when DATABASE_URL names
one) Alembic runs every migration (`flask_migrate.upgrade`, what `flask bianmin upgrade` does
before it writes roles; tests/test_cli.py runs the command itself), then Alembic's autogenerate comparison of
the database with `models.Model.metadata` (ours and FAB's ab_* tables: migration 0001 creates
those too) must find nothing: a model changed without its migration fails here.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect


def upgrade(application):
    from flask_migrate import upgrade as alembic_upgrade

    with application.app_context():
        alembic_upgrade()


def schema_differences(application) -> list:
    from app.extensions import db
    from models import Model

    with application.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Model.metadata)


def table_names(application) -> set[str]:
    from app.extensions import db

    with application.app_context():
        return set(inspect(db.engine).get_table_names())


def test_migrations_build_exactly_the_models_schema(fresh_app):
    from models import Model

    assert table_names(fresh_app) == set(), "the database was not empty"
    upgrade(fresh_app)
    assert set(Model.metadata.tables) <= table_names(fresh_app)
    assert any(name.startswith("ab_") for name in table_names(fresh_app)), "FAB's tables come from 0001"
    differences = schema_differences(fresh_app)
    assert differences == [], "models and migrations disagree — add a migration:\n" + "\n".join(
        map(repr, differences))


def test_migrations_comparison_can_see_a_missing_migration(fresh_app):
    """The check above is not vacuous: a table the models have and the database lacks shows."""
    from app.extensions import db

    upgrade(fresh_app)
    with fresh_app.app_context(), db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE audit_log")
    differences = schema_differences(fresh_app)
    assert any(diff[0] == "add_table" and diff[1].name == "audit_log" for diff in differences)


def test_migrations_upgrade_is_idempotent_and_downgrade_to_base_and_back_works(fresh_app):
    from flask_migrate import downgrade

    upgrade(fresh_app)
    upgrade(fresh_app)  # a second run finds nothing to do and fails on nothing
    with fresh_app.app_context():
        downgrade(revision="base")
    assert table_names(fresh_app) <= {"alembic_version"}, "downgrade to base left tables behind"
    upgrade(fresh_app)
    assert schema_differences(fresh_app) == []
