"""PRIV-1: ID numbers and mobile numbers never reach a log, whoever logs them and however.

The filter sits on the root logger's handlers (`install_log_filters`, called by `create_app`),
so a record from any logger that propagates — the app's, SQLAlchemy's, werkzeug's — is
masked before it is written, tracebacks included.
"""

from __future__ import annotations

import io
import logging

ID = "320102199001011234"
ID_X = "32010219900101123X"
MOBILE = "13912345678"
MASKED_ID = "3201**********1234"
MASKED_MOBILE = "139****5678"


def assert_masked(text: str) -> None:
    for secret in (ID, ID_X, MOBILE):
        assert secret not in text, f"{secret} reached the log:\n{text}"


def test_priv_1_create_app_installs_the_filter_and_the_app_logger_is_masked(app, database_url, log_output):
    from app import create_app
    from app.extensions import db

    application = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": database_url})
    try:
        application.logger.warning("intake for ID %s, mobile %s", ID, MOBILE)
        application.logger.error(f"callback to {MOBILE} failed for {ID_X}")
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    text = log_output.getvalue()
    assert_masked(text)
    assert f"intake for ID {MASKED_ID}, mobile {MASKED_MOBILE}" in text
    assert f"callback to {MASKED_MOBILE} failed for 3201**********123X" in text


def test_priv_1_other_loggers_are_masked_too(filtered):
    logging.getLogger("sqlalchemy.engine.Engine").warning("[parameters: ('%s', '%s')]", ID, MOBILE)
    logging.getLogger("werkzeug").warning("GET /guide/?q=%s HTTP/1.1 200", MOBILE)
    assert_masked(filtered.getvalue())
    assert MASKED_MOBILE in filtered.getvalue()


def test_priv_1_tracebacks_are_masked(app, filtered):
    """Flask logs an unhandled error with its traceback; a database error's text carries the
    bound parameters, so the exception line is personal data too."""
    try:
        raise ValueError(f"duplicate applicant {ID} / {MOBILE}")
    except ValueError:
        app.logger.exception("Exception on /caseview/add [POST]")
    text = filtered.getvalue()
    assert "Traceback" in text and "ValueError: duplicate applicant" in text
    assert_masked(text)


def test_priv_1_filter_is_installed_once_per_handler(log_output):
    from app.logging_filters import PersonalDataFilter, install_log_filters

    install_log_filters()
    install_log_filters()
    for handler in logging.getLogger().handlers:
        assert sum(isinstance(f, PersonalDataFilter) for f in handler.filters) == 1


def test_priv_1_without_the_filter_the_number_would_be_written():
    """The handler of these tests writes what it gets: the masking above is the filter's."""
    stream = io.StringIO()
    logger = logging.getLogger("bianmin.test.unfiltered")
    logger.propagate = False  # away from the root handlers, whose filter masks the record itself
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        logger.warning("raw %s", ID)
    finally:
        logger.removeHandler(handler)
    assert ID in stream.getvalue()


def test_fab_security_logs_name_no_user(filtered, caplog):
    """Issue #18 item 9: FAB logs "Updated user <name>" at every login and "Login Failed for
    user: <what was typed>" — the filters installed by create_app keep the lines, not the names."""
    caplog.set_level(logging.INFO)
    manager = logging.getLogger("flask_appbuilder.security.sqla.manager")
    manager.info("Updated user %s", "lisi_office")
    logging.getLogger("flask_appbuilder.security.manager").info(
        "Login Failed for user: %s", "Secret#Typed123")
    manager.info("Added Permission %s to role %s", "can_read on Case", "Clerk")  # no user: kept
    text = filtered.getvalue()
    assert "lisi_office" not in text and "Secret#Typed123" not in text
    assert "Updated user [user]" in text and "Login Failed for user: [user]" in text
    assert "Added Permission can_read on Case to role Clerk" in text
