"""The texts and the JSON shape of every error answer, so that the pages (app/views/errors.py),
the request guards (app/guards.py) and the REST API (app/api/base.py) say the same thing in the
user's language (INPUT-1, issue #9) — never Werkzeug's or FAB's English.

Under /api/ every error is JSON with a translated `message`, in one of two forms by status:
- 400 and 422, a request the client corrects field by field: `{"message": {field: [text]}}`,
  `_schema` standing for the request as a whole (a body that is no JSON object, a missing
  CSRF token, a query that does not parse);
- every other status (401, 403, 404, 405, 409, 413, 429, 500): `{"message": text}`.
"""

from __future__ import annotations

import re

from flask import current_app, jsonify
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.rules.errors import N_

FIELD_STATUSES = frozenset({400, 422})
WHOLE_REQUEST = "_schema"

# status → (title, explanation) of the error page; the title is also the API's message.
# "%(mb)s" is the request size limit (MAX_CONTENT_LENGTH).
ERROR_TEXTS = {
    400: (_l("Invalid request"), _l("The request could not be read and nothing was saved. Go "
                                     "back, reload the page and try again.")),
    403: (_l("No permission"), _l("Your account has no permission for this page. If your work "
                                   "needs it, ask the administrator to change your role.")),
    404: (_l("Page not found"), _l("The page does not exist or has been moved. Check the address, "
                                    "or start again from the home page.")),
    405: (_l("Method not allowed"),
          _l("This address does not take this kind of request, and nothing was saved. Use the "
             "page's own buttons and forms.")),
    413: (_l("Request larger than %(mb)s MB"),
          _l("What you sent is larger than %(mb)s MB, the most the system accepts, and nothing "
             "was saved. Send a smaller file.")),
    429: (_l("Too many requests"), _l("Too many requests in a short time. Wait a minute and try "
                                      "again.")),
    500: (_l("Server error"),
          _l("The system could not complete the request and saved nothing. Please try again; "
             "if it happens again, tell the administrator.")),
}
OTHER_ERROR = (_l("Request refused"), _l("The system could not complete the request and saved "
                                         "nothing."))
# Flask-WTF's CSRFError is a 400 of its own: the form's token is missing or out of date.
CSRF_ERROR = (_l("The form has expired"),
              _l("The page's security token is missing or out of date, so nothing was saved. "
                 "Reload the page and send the form again."))
API_CSRF_ERROR = N_("The CSRF token is missing or invalid: send the page's token in the "
                    "X-CSRFToken header, or call with a bearer token.")

# The API's own answers where FAB's are English.
NOT_LOGGED_IN = N_("Log in first: the request carries no valid token or session.")
LOGIN_EXPIRED = N_("The login has expired: log in again.")
NO_SUCH_RECORD = N_("No such record, or it is not visible to you.")
BAD_ARGUMENTS = N_("The request's arguments are not valid: %(detail)s")
NOT_RISON = N_("The query argument q is not valid rison.")
# FAB's fixed English refusals (flask_appbuilder/api/__init__.py), for the catalogue.
FAB_MESSAGES = {
    "Arguments are not correct": N_("The request's arguments are not correct."),
    "Not a valid rison argument": NOT_RISON,
    "Not a valid rison/json argument": N_("The query argument q is neither rison nor JSON."),
    "Request is not JSON": N_("Send the body as JSON, with the header Content-Type: "
                              "application/json."),
    "Could not process entity": N_("The request could not be processed."),
}


# marshmallow's fixed field messages (FAB's generic POST/PUT and its login schema), for the
# catalogue; those with figures in them ("Longer than maximum length 50.") are read back by
# MARSHMALLOW_PATTERNS below.
MARSHMALLOW_MESSAGES = {
    "Missing data for required field.": N_("This field is required."),
    "Field may not be null.": N_("This field may not be empty."),
    "Unknown field.": N_("Unknown field."),
    "Not a valid string.": N_("Enter text."),
    "Not a valid integer.": N_("Enter a whole number."),
    "Not a valid number.": N_("Enter a number."),
    "Not a valid boolean.": N_("Enter true or false."),
    "Not a valid date.": N_("Enter a date such as 2026-10-13."),
    "Not a valid datetime.": N_("Enter a date and time such as 2026-10-13T09:30:00."),
    "Not a valid list.": N_("Send a list."),
    "Invalid input type.": N_("The value has the wrong type."),
    "Invalid value.": N_("The value is not valid."),
}
# marshmallow's messages with figures in them (its validators' defaults, marshmallow 4), read
# back into their figures and said in the user's language (issue #20: no English in a zh
# answer). Only the figures are carried over; a message of another shape stays as it is.
_NUMBER = r"(?P<%s>-?[\d.]+(?:[eE][+-]?\d+)?)"
MARSHMALLOW_PATTERNS = tuple((re.compile(pattern), msgid) for pattern, msgid in (
    (r"Longer than maximum length %s\.$" % (_NUMBER % "max"),
     N_("At most %(max)s characters.")),
    (r"Shorter than minimum length %s\.$" % (_NUMBER % "min"),
     N_("At least %(min)s characters.")),
    (r"Length must be between %s and %s\.$" % (_NUMBER % "min", _NUMBER % "max"),
     N_("From %(min)s to %(max)s characters or items.")),
    (r"Length must be %s\.$" % (_NUMBER % "equal"), N_("Exactly %(equal)s characters or items.")),
    (r"Must be greater than or equal to %s and less than or equal to %s\.$"
     % (_NUMBER % "min", _NUMBER % "max"), N_("Enter a number from %(min)s to %(max)s.")),
    (r"Must be greater than or equal to %s\.$" % (_NUMBER % "min"),
     N_("Enter a number of at least %(min)s.")),
    (r"Must be less than or equal to %s\.$" % (_NUMBER % "max"),
     N_("Enter a number of at most %(max)s.")),
    (r"Must be greater than %s\.$" % (_NUMBER % "min"), N_("Enter a number above %(min)s.")),
    (r"Must be less than %s\.$" % (_NUMBER % "max"), N_("Enter a number below %(max)s.")),
    (r"Must be one of: (?P<choices>.*)\.$", N_("Enter one of: %(choices)s.")),
))
MARSHMALLOW_MESSAGES.update({
    "Not a valid email address.": N_("Enter an e-mail address."),
    "Not a valid URL.": N_("Enter a web address."),
    "Not a valid UUID.": N_("The value is not valid."),
    "Not a valid time.": N_("Enter a time such as 09:30."),
    "Not a valid mapping type.": N_("Send a JSON object."),
    "Not a valid utf-8 string.": N_("Enter text."),
    "String does not match expected pattern.": N_("The value is not valid."),
    "Special numeric values (nan or infinity) are not permitted.": N_("Enter a number."),
})


def _translated_pattern(message: str) -> str | None:
    for pattern, msgid in MARSHMALLOW_PATTERNS:
        match = pattern.match(message)
        if match:
            return gettext(msgid, **match.groupdict())
    return None


# FAB's API login (its SecurityApi) answers a wrong name or password with a bare 401.
# The same for a name that exists and one that does not (issue #18); a lock answers 429 (SEC-2).
WRONG_LOGIN = N_("Wrong username or password, or the account is inactive.")


def _translated_field_messages(messages):
    """A marshmallow error dict with its fixed English texts in the user's language, nested
    dicts (a list's items, a related object) and lists kept in shape."""
    if isinstance(messages, dict):
        return {key: _translated_field_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [_translated_field_messages(value) for value in messages]
    if isinstance(messages, str) and messages in MARSHMALLOW_MESSAGES:
        return gettext(MARSHMALLOW_MESSAGES[messages])
    if isinstance(messages, str):
        return _translated_pattern(messages) or messages
    return messages


def megabytes(limit: int | None) -> str:
    """A byte limit as the messages show it: "32", or "0.5"."""
    mb = (limit or 0) / (1024 * 1024)
    return str(int(mb)) if mb.is_integer() else f"{mb:.1f}"


def error_texts(code: int, csrf: bool = False) -> tuple[str, str]:
    """The translated (title, explanation) of an HTTP error."""
    title, explanation = CSRF_ERROR if csrf else ERROR_TEXTS.get(code, OTHER_ERROR)
    params = {"mb": megabytes(current_app.config.get("MAX_CONTENT_LENGTH"))}
    return str(title) % params, str(explanation) % params


def api_message(status: int, text: str, field: str | None = None):
    """`message` of an API error answer in the documented shape (module docstring)."""
    if status in FIELD_STATUSES:
        return {field or WHOLE_REQUEST: [text]}
    return text


def api_error(status: int, text: str, field: str | None = None, headers=None):
    """A JSON error answer: `text` is already translated."""
    response = jsonify(message=api_message(status, text, field))
    response.status_code = status
    for name, value in headers or ():
        response.headers[name] = value
    return response


def translated_refusal(message, status: int) -> dict:
    """FAB hands its 400/422 a text (or nothing) where ours hand {field: [text]}: the text in
    the documented shape and the user's language — FAB's fixed ones translated, others quoted
    after a translated lead."""
    if isinstance(message, dict):
        return _translated_field_messages(message)
    if not message:
        message = "Arguments are not correct" if status == 400 else "Could not process entity"
    if message in FAB_MESSAGES:
        return {WHOLE_REQUEST: [gettext(FAB_MESSAGES[message])]}
    return {WHOLE_REQUEST: [gettext(BAD_ARGUMENTS, detail=message)]}
