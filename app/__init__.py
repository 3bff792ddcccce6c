"""The Bianmin platform: `create_app()` builds a configured Flask + Flask-AppBuilder app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory (app/factory.py): nothing runs at import time (Flask's flaskr pattern)."""
    # The one function-level import of this package: importing `app` (as every import of
    # app.rules, app.actor or app.policy does first) must not load Flask-AppBuilder, the
    # views and every service; the factory module is loaded only when an app is built.
    from app.factory import create_app as build

    return build(test_config)
