"""The unbound extensions, initialised by `create_app()`.

AppBuilder itself is built per app in `create_app()`: it keeps the views it registered, so a
module-level instance would collect duplicates when tests create several apps.
"""

from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = get_sqla_class()()
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def protect_api_from_csrf(app) -> None:
    """FAB exempts its REST API from CSRF, but our APIs also accept the browser's session
    cookie (allow_browser_login): a write that rides on that cookie must carry the CSRF
    token (X-CSRFToken header) like a form. Calls with a JWT bearer token need none: they
    carry no session, so the session user is not signed in for them. A bearer header beside
    the session cookie earns no exemption: FAB serves the cookie's user first, whatever the
    header says (a junk "Bearer x" skipped the token check before)."""
    from flask import request
    from flask_login import current_user

    @app.before_request
    def _check_api_csrf():
        if (request.method in UNSAFE_METHODS and request.path.startswith("/api/")
                and current_user.is_authenticated):
            csrf.protect()
