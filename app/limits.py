"""Issue #21 P1: Flask-Limiter passes over the routes no limit is declared for.

Flask-Limiter works out the limits of every request — the view's qualified name, the
blueprint's limits and exemptions, defaults and application limits (~280 Python calls) —
though only the login (SEC-1, both doors) and the public lookup and rating POSTs (CASE-11)
are limited. Whether a route can be limited at all is fixed once the app is built: limits are
declared on blueprints and views while `create_app()` registers them, never during a request.
So a request filter (Flask-Limiter's own `request_filter`) answers "exempt" for an endpoint
that has none of: an application or default limit, a limit on its view function, a limit on
its blueprint (or a parent), a hint of a limit met inside it; nor for a request whose method
none of its view's and blueprint's limits names (the login and the public answers limit their
POSTs only, `methods=["POST"]`: reading their forms is never limited, so a GET need not go
Flask-Limiter's way either); decided at the first request of each endpoint and method, and
kept. A Flask-Limiter without these declarations' tables: nothing is exempted.
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


def declares_no_limit(app: Flask, limiter, endpoint: str | None,
                      method: str | None = None) -> bool:
    """Whether no limit of `limiter` can apply to a request of `endpoint` (module docstring),
    of any method — or, given `method`, to a request of that method."""
    tables = _tables(getattr(limiter, "limit_manager", None))
    if tables is None or not endpoint:
        return False
    application, default, decorated, blueprints, hints = tables
    if application or default or hints.get(endpoint):
        return False
    view = app.view_functions.get(endpoint)
    if view is None:
        return False
    blueprint = endpoint.rpartition(".")[0]
    names = {blueprint, *blueprint.split(".")} if blueprint else set()
    groups = [*decorated.get(get_qualified_name(view), ()),
              *(group for name in names & set(blueprints) for group in blueprints[name])]
    if method is None:
        return not groups
    # Flask-Limiter's own test (`method_exempt`): a limit naming methods skips the others.
    method = method.lower()
    return all(getattr(group, "methods", None) and method not in group.methods
               for group in groups)


def install(app: Flask, limiter) -> None:
    decided: dict[tuple, bool] = {}

    @limiter.request_filter
    def _no_limit_declared() -> bool:
        key = (request.endpoint, request.method)
        exempt = decided.get(key)
        if exempt is None:
            exempt = decided[key] = declares_no_limit(app, limiter, *key)
        return exempt
