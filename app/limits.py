"""Issue #21 P1: Flask-Limiter passes over the routes no limit is declared for.

Flask-Limiter works out the limits of every request — the view's qualified name, the
blueprint's limits and exemptions, defaults and application limits (~280 Python calls) —
though only the login (SEC-1, both doors) and the public lookup and rating POSTs (CASE-11)
are limited. Whether a route can be limited at all is fixed once the app is built: limits are
declared on blueprints and views while `create_app()` registers them, never during a request.
So a request filter (Flask-Limiter's own `request_filter`) answers "exempt" for an endpoint
that has none of: an application or default limit, a limit on its view function, a limit on
its blueprint (or a parent), a hint of a limit met inside it; decided at the endpoint's first
request and kept. Every route with a declared limit goes Flask-Limiter's whole way, POST and
GET alike. A Flask-Limiter without these declarations' tables: nothing is exempted.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter.util import get_qualified_name


def _tables(manager):
    try:
        return (manager._application_limits, manager._default_limits,
                manager._decorated_limits, manager._blueprint_limits, manager._endpoint_hints)
    except AttributeError:
        return None


def declares_no_limit(app: Flask, limiter, endpoint: str | None) -> bool:
    """Whether no limit of `limiter` can apply to a request of `endpoint` (module docstring)."""
    tables = _tables(getattr(limiter, "limit_manager", None))
    if tables is None or not endpoint:
        return False
    application, default, decorated, blueprints, hints = tables
    if application or default or hints.get(endpoint):
        return False
    view = app.view_functions.get(endpoint)
    if view is None or get_qualified_name(view) in decorated:
        return False
    blueprint = endpoint.rpartition(".")[0]
    names = {blueprint, *blueprint.split(".")} if blueprint else set()
    return not names & set(blueprints)


def install(app: Flask, limiter) -> None:
    decided: dict[str, bool] = {}

    @limiter.request_filter
    def _no_limit_declared() -> bool:
        endpoint = request.endpoint
        exempt = decided.get(endpoint)
        if exempt is None:
            exempt = decided[endpoint] = declares_no_limit(app, limiter, endpoint)
        return exempt
