"""The Bianmin platform: `create_app()` builds a configured Flask + Flask-AppBuilder app."""

from __future__ import annotations

import logging

from flask import Flask
from flask_appbuilder import AppBuilder
from sqlalchemy import inspect

from config import BASE_DIR, build_config, instance_dir


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: nothing runs at import time (Flask's flaskr pattern)."""
    from app.extensions import csrf, db, migrate, protect_api_from_csrf
    from app.i18n import install_catalogues
    from app.logging_filters import install_log_filters
    from app.security import BianminSecurityManager, ensure_roles, sync_roles
    from app.services.audit import install_audit_trail
    from app.views import menu_entries, register_views
    from app.views.index import HomeView

    app = Flask(__name__, instance_path=str(instance_dir()))
    app.config.update(build_config())
    if test_config:
        app.config.update(test_config)
    install_log_filters()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    protect_api_from_csrf(app)
    install_audit_trail()

    with app.app_context():
        # Before `flask db upgrade` has run there are no permission tables to write to.
        schema_ready = inspect(db.engine).has_table("ab_permission_view")
        appbuilder = AppBuilder(
            security_manager_class=BianminSecurityManager,
            base_template="bianmin/baselayout.html",
            update_perms=schema_ready,
            indexview=HomeView,
        )
        appbuilder.init_app(app, db.session)
        install_catalogues(app)  # our zh_CN over FAB's zh (app/i18n.py)
        if schema_ready:
            ensure_roles(appbuilder.sm)
        register_views(appbuilder)
        if schema_ready:
            sync_roles(appbuilder.sm, menu_entries(appbuilder))
        db.session.remove()

    from app.cli import bianmin_cli
    from app.context import register_context
    from app.guards import install_request_guards

    app.cli.add_command(bianmin_cli)
    register_context(app)
    install_request_guards(app)  # no 500 from impossible ids, file downloads, bad JWTs (#9)
    logging.getLogger(__name__).debug("app created")
    return app
