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
        return True


def install_log_filters() -> None:
    """Attach the filter to the root handlers (idempotent); records pass through it all."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())
