"""The Bianmin platform: `create_app()` builds a configured Flask + Flask-AppBuilder app."""

from __future__ import annotations

import logging

from flask import Flask
from flask_appbuilder import AppBuilder
from sqlalchemy import inspect

from config import BASE_DIR, build_config, check_production, instance_dir


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: nothing runs at import time (Flask's flaskr pattern)."""
    from app.db_events import enforce_foreign_keys
    from app.extensions import csrf, db, migrate, protect_api_from_csrf
    from app.i18n import install_catalogues
    from app.logging_filters import install_log_filters
    from app.security import (BianminSecurityManager, ensure_roles, guard_staff_changes,
                              sync_roles)
    from app.services.audit import install_audit_trail
    from app.services.scoring import guard_frozen_months
    from app.services.semiannual import guard_confirmed_assessments
    from app.services.transaction import install_sqlite_busy_timeout
    from app.views import menu_entries, register_views
    from app.views.errors import register_error_pages
    from app.views.index import HomeView
    from app.views.logins import register_login_lock_view

    app = Flask(__name__, instance_path=str(instance_dir()))
    app.config.update(build_config())
    if test_config:
        app.config.update(test_config)
    # SEC-1: no per-process limits behind several workers; issue #21: a shared job queue
    for warning in check_production(app.config):
        logging.getLogger(__name__).warning("production check: %s", warning)
    if app.config.get("BIANMIN_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = app.config["BIANMIN_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    install_log_filters()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    protect_api_from_csrf(app)
    install_audit_trail()
    guard_frozen_months()  # SCORE-3: confirmed months are frozen
    guard_confirmed_assessments()  # SCORE-6: a confirmed half-year is frozen
    guard_staff_changes()  # ORG-2: logins and positions (LEAVE-2, ATT-4, HAND-1)
    install_sqlite_busy_timeout()

    with app.app_context():
        enforce_foreign_keys(db.engine)
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
        register_login_lock_view(appbuilder)  # SEC-2, in FAB's Security menu
        if schema_ready:
            sync_roles(appbuilder.sm, menu_entries(appbuilder))
        db.session.remove()

    from app.cli import bianmin_cli
    from app.context import register_context
    from app.guards import install_request_guards

    app.cli.add_command(bianmin_cli)
    register_context(app)
    register_error_pages(app)  # 403/404/500 in the layout and in Chinese
    from app.headers import install_security_headers

    install_security_headers(app)  # SEC-3
    install_request_guards(app)  # no 500 from impossible ids, file downloads, bad JWTs (#9)
    logging.getLogger(__name__).debug("app created")
    return app
