"""SQLAlchemy declarative models, one module per domain (STYLE.md).

All models derive from Flask-AppBuilder's `Model`, so FAB's own tables (users, roles) and ours
share one metadata that Alembic compares against the migrations.
"""

from flask_appbuilder import Model

from models import (assessment, attendance, audit, cases, catalogue, complaints,  # noqa: F401
                    deductions, handover, jobs, leave, logins, meetings, org, roster,
                    scoring, semiannual, settings)  # (register the tables)

__all__ = ["Model"]
