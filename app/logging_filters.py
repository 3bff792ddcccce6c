"""PRIV-1: personal data never reaches the logs — nor user names (issue #18).

Two layers: SQLAlchemy's engine hides the bound parameters of a failed statement
(`hide_parameters`, config.py), and this filter masks what is left in any record — ID and
phone numbers anywhere (`mask_personal_text`), and the values a database server quotes back in
its own error text (issue #18): PostgreSQL's "Failing row contains (…)" (every column of the
row: a name, an ID number, an address) and "Key (column)=(value)", and any "[parameters: …]"
of an engine that does not hide them. Names and addresses cannot be recognised in free text;
these are the places a database error puts them.
"""

from __future__ import annotations

import logging
import re

from app.rules.privacy import mask_personal_text

HIDDEN = "(…)"
_SQL_DETAILS = (
    (re.compile(r"(Failing row contains )\(.*\)"), rf"\g<1>{HIDDEN}"),
    (re.compile(r"(Key \((?:[^()]|\([^()]*\))*\))=\(.*?\)( already exists| is not present"
                r"| is still referenced|\.|$)", re.MULTILINE), rf"\g<1>={HIDDEN}\g<2>"),
    (re.compile(r"\[parameters: .*?\](?=\s*(?:\n|\(Background|$))", re.DOTALL),
     "[parameters hidden]"),
)

# Issue #19: the token of a public rating page (printed on a delivery receipt) is the key to
# that case's rating; an access log line keeps the path, not the key.
_RATING_TOKEN = (re.compile(r"(/guide/rate/)[A-Za-z0-9_\-]+"), r"\g<1>[token]")


def mask_log_text(text: str | None) -> str | None:
    """PRIV-1: `text` as it may be written to a log."""
    if not text:
        return text
    for pattern, replacement in (*_SQL_DETAILS, _RATING_TOKEN):
        text = pattern.sub(replacement, text)
    return mask_personal_text(text)


class PersonalDataFilter(logging.Filter):
    """Masks ID numbers and mobile numbers in every log record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_log_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        # The traceback too: an exception's text (a database error's bound parameters) is
        # personal data as much as the message. Formatters use a set `exc_text` as it is.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_log_text(record.stack_info)
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
