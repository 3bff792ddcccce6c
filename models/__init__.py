"""SQLAlchemy declarative models, one module per domain (STYLE.md).

All models derive from Flask-AppBuilder's `Model`, so FAB's own tables (users, roles) and ours
share one metadata that Alembic compares against the migrations.
"""

from flask_appbuilder import Model

from models import (attendance, audit, cases, catalogue, handover, leave, logins,  # noqa: F401
                    meetings, org, roster, scoring, settings)  # (register the tables)
from models import assessment  # noqa: F401,E402  (SCORE-2..4: peer ratings, monthly results)

__all__ = ["Model"]
