"""`create_app()`: the configured Flask + Flask-AppBuilder app (Flask's application factory).

Nothing runs at import time; `app.create_app` imports this module when called."""

from __future__ import annotations

import logging

from flask import Flask, redirect, url_for
from flask_appbuilder import AppBuilder
from sqlalchemy import inspect
from werkzeug.middleware.proxy_fix import ProxyFix

from app.cli import bianmin_cli
from app.context import merge_context_processors, register_context
from app.cookie_session import KeptCookieSessionInterface
from app.db_events import configure_sqlite
from app.extensions import csrf, db, migrate, protect_api_from_csrf
from app.guards import install_request_guards
from app.headers import install_security_headers
from app.i18n import install_catalogues
from app.layout import install as install_layout
from app.limits import install as install_limit_filter
from app.lazy_search import install as install_lazy_search
from app.list_widget import install as install_list_widget
from app.logging_filters import install_log_filters
from app.permission_cache import install as install_permission_cache
from app.request_context import login_of_request
from app.security import BianminSecurityManager, ensure_roles, guard_staff_changes, sync_roles
from app.services.audit import install_audit_trail
from app.services.scoring import guard_frozen_months
from app.services.semiannual import guard_confirmed_assessments
from app.services.transaction import install_sqlite_busy_timeout
from app.static_assets import install as install_static_assets
from app.urls import install as install_url_memo
from app.views import menu_entries, register_views
from app.views.errors import register_error_pages
from app.views.index import HomeView
from app.views.logins import register_login_lock_view
from config import BASE_DIR, build_config, check_production, instance_dir


def keep_sync_answers(app: Flask) -> None:
    """Issue #21 P1: Flask asks `ensure_sync` of every hook, view and context processor on
    every request (an `inspect.iscoroutinefunction` each, ~80 calls a page); the answer
    depends on the function alone, so it is kept per function (at most _SYNC_KEPT of them:
    the app's registered functions; any beyond are asked afresh)."""
    ask = app.ensure_sync
    kept: dict = {}

    def ensure_sync(func):
        try:
            return kept[func]
        except KeyError:
            answer = ask(func)
            if len(kept) < _SYNC_KEPT:
                kept[func] = answer
            return answer
        except TypeError:  # an unhashable callable
            return ask(func)

    app.ensure_sync = ensure_sync


_SYNC_KEPT = 1024


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: nothing runs at import time (Flask's flaskr pattern)."""
    app = Flask("app", instance_path=str(instance_dir()))  # the package: templates, static
    app.session_interface = KeptCookieSessionInterface()  # issue #21: a cookie verified once
    app.config.update(build_config())
    if test_config:
        app.config.update(test_config)
    # SEC-1: no per-process limits behind several workers; issue #21: a shared job queue
    for warning in check_production(app.config):
        logging.getLogger(__name__).warning("production check: %s", warning)
    if app.config.get("BIANMIN_PROXIES"):
        proxies = app.config["BIANMIN_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    install_log_filters()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    protect_api_from_csrf(app)
    install_audit_trail(login_of_request)  # AUDIT-1 names the request's user
    guard_frozen_months()  # SCORE-3: confirmed months are frozen
    guard_confirmed_assessments()  # SCORE-6: a confirmed half-year is frozen
    guard_staff_changes()  # ORG-2: logins and positions (LEAVE-2, ATT-4, HAND-1)
    install_sqlite_busy_timeout()

    with app.app_context():
        configure_sqlite(db.engine)  # foreign keys, WAL
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

    app.cli.add_command(bianmin_cli)
    register_context(app)
    install_layout(app)  # issue #21: the staff layout's parts kept per process
    install_lazy_search(app)  # issue #21: search choices on demand
    install_list_widget(app)  # issue #21: list cells and pager links drawn once
    if schema_ready:
        install_permission_cache(app)  # issue #21: permissions, menu, to-do count per user
    register_error_pages(app)  # 403/404/500 in the layout and in Chinese
    install_security_headers(app)  # SEC-3
    install_static_assets(app)  # issue #21: fingerprinted static URLs, cached for a year
    install_url_memo(app)  # issue #21: the templates' URLs built once per process
    install_request_guards(app)  # no 500 from impossible ids, file downloads, bad JWTs (#9)
    install_limit_filter(app, app.appbuilder.sm.limiter)  # issue #21: unlimited routes skip it
    merge_context_processors(app)  # issue #21 P1: one template context processor
    keep_sync_answers(app)  # issue #21 P1: Flask's ensure_sync answered once per function
    # Issue #20: browsers ask for /favicon.ico whatever the page says; the icon is static.
    app.add_url_rule("/favicon.ico", "favicon",
                     lambda: redirect(url_for("static", filename="img/favicon.ico"), 301))
    logging.getLogger(__name__).debug("app created")
    return app
