"""PRIV-1: personal data never reaches the logs — nor user names (issue #18)."""

from __future__ import annotations

import logging

from app.rules.privacy import mask_personal_text


class PersonalDataFilter(logging.Filter):
    """Masks ID numbers and mobile numbers in every log record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        # The traceback too: an exception's text (a database error's bound parameters) is
        # personal data as much as the message. Formatters use a set `exc_text` as it is.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_text(record.stack_info)
        return True


USER_NAME_HIDDEN = "[user]"


class UserNameFilter(logging.Filter):
    """Issue #18: FAB logs user names as it works — "Updated user <name>" at every login,
    "Login Failed for user: <what was typed>" (sometimes a password typed in the wrong field),
    "Added user <name>". Its security loggers' messages about users keep their text; their
    arguments (the names, or an error quoting them) are replaced by USER_NAME_HIDDEN."""

    PREFIX = "flask_appbuilder.security"

    def filter(self, record: logging.LogRecord) -> bool:
        if (record.name.startswith(self.PREFIX) and record.args
                and "user" in str(record.msg).lower()):
            if isinstance(record.args, dict):
                record.args = {key: USER_NAME_HIDDEN for key in record.args}
            else:
                record.args = tuple(USER_NAME_HIDDEN for _ in record.args)
        return True


LOG_FILTERS = (UserNameFilter, PersonalDataFilter)  # in this order: names before the masking


def install_log_filters() -> None:
    """Attach the filters to the root handlers (idempotent); records pass through them all."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        for kind in LOG_FILTERS:
            if not any(isinstance(f, kind) for f in handler.filters):
                handler.addFilter(kind())
