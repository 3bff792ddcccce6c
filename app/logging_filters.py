"""PRIV-1: personal data never reaches the logs."""

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


def install_log_filters() -> None:
    """Attach the filter to the root handlers (idempotent); records pass through it all."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())
