"""The API's body kit (INPUT-1, issue #17): marshmallow fields and validators that check a JSON
value AND say in the OpenAPI document what they check — one statement of each limit.

apispec's MarshmallowPlugin reads the validators by their attributes: `min`/`max`/`equal` of a
length (maxLength, maxItems), `min`/`max` of a range (minimum, maximum), `choices` (enum). The
checks themselves are the pure bounds of app/rules/input.py, with the columns' own lengths and
precisions (`text_of(Case.applicant_name)`), so the document, the check and the column agree.

How a refusal answers (app/error_messages.py, README "Writes go through the rules"):
- 400 — the body is not of the documented shape: a value of the wrong JSON type, a missing or
  null required value, an unknown key;
- 422 — every value is of its type but one is out of its bounds: too long, out of range, not
  among the choices, a year out of range, a text that is no instant (a day not written
  2026-10-13 is of the wrong shape: 400). The validators' messages are `OutOfBounds`, a
  text that says so; anything else (marshmallow's fixed messages) is a 400.
Either way `{"message": {field: [text]}}` in the user's language: a nested object's field
under `<object>_<field>` (`applicant_name`), a list's or a map's items under the list's name.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load
from sqlalchemy import inspect as sa_inspect

from app.error_messages import WHOLE_REQUEST
from app.rules.errors import RuleViolation
from app.rules.input import (INT32, MAX_ROW_ID, RECORD_YEARS, TEXT_MAX_LENGTH, MalformedInput,
                             validate_day, validate_decimal, validate_integer, validate_object,
                             validate_row_id, validate_text)

VERSION = "version"


class OutOfBounds(str):
    """A refusal of a value of the right type that is out of its bounds: a 422, where any
    other message of a schema (a wrong type, a missing or unknown key) is a 400."""


def _refused(violation: RuleViolation) -> ValidationError:
    return ValidationError(OutOfBounds(violation.render(gettext)))


def _within(check, value):
    """Run an INPUT-1 check of app/rules/input.py; its refusal as this value's 422."""
    try:
        check(value)
    except RuleViolation as violation:
        raise _refused(violation) from None
    return value


# --- Validators: the check and the document's words for it ------------------------------------
class MaxLength:
    """Text of at most `max` characters, without NUL bytes (maxLength)."""

    min = None
    equal = None

    def __init__(self, max_length: int):
        self.max = max_length

    def __call__(self, value):
        return _within(lambda v: validate_text(v, self.max, ""), value)


class Items:
    """A list of at most `max` (and at least `min`) items (maxItems, minItems)."""

    equal = None

    def __init__(self, max_items: int, min_items: int | None = None):
        self.min, self.max = min_items, max_items

    def __call__(self, value):
        if self.min is not None and len(value) < self.min:
            raise ValidationError(OutOfBounds(gettext("Send at least %(min)s items.",
                                                      min=self.min)))
        if len(value) > self.max:
            raise ValidationError(OutOfBounds(gettext("Send at most %(max)s items.",
                                                      max=self.max)))
        return value


class Between:
    """A whole number from `min` to `max` (minimum, maximum); `check` words the refusal
    (validate_row_id: "Choose an existing record.")."""

    def __init__(self, low: int, high: int, check=None):
        self.min, self.max = low, high
        self.check = check or (lambda v: validate_integer(v, "", (low, high)))

    def __call__(self, value):
        return _within(self.check, value)


class AmountBounds:
    """An amount NUMERIC(precision, scale) holds, not below `low` (minimum, maximum)."""

    def __init__(self, precision: int, scale: int, low=None):
        self.precision, self.scale = precision, scale
        top = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
        self.min, self.max = (-top if low is None else low), top

    def __call__(self, value):
        _within(lambda v: validate_decimal(v, self.precision, self.scale, ""), value)
        if value is not None and value < self.min:
            raise ValidationError(OutOfBounds(gettext(
                "Enter a number between %(low)s and %(high)s.", low=self.min, high=self.max)))
        return value


class Years:
    """A date (or an instant) within `years`, inclusive; said in the field's description."""

    def __init__(self, years: tuple[int, int]):
        self.years = years

    def __call__(self, value):
        return _within(lambda v: validate_day(v, "", self.years), value)


class OneOf:
    """One of `choices` (enum)."""

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __call__(self, value):
        if value not in self.choices:
            raise ValidationError(OutOfBounds(gettext(
                "Choose one of: %(choices)s.", choices=", ".join(map(str, self.choices)))))
        return value


# --- Fields ------------------------------------------------------------------------------------
def _described(kwargs: dict, description: str | None) -> dict:
    if description:
        kwargs.setdefault("metadata", {}).setdefault("description", description)
    return kwargs


class Text(fields.String):
    """JSON text of at most `max_length` characters (TEXT_MAX_LENGTH by default), no NUL."""

    def __init__(self, max_length: int | None = None, *, choices=None,
                 description: str | None = None, **kwargs):
        super().__init__(**_described(kwargs, description))
        self.validators.insert(0, MaxLength(max_length or TEXT_MAX_LENGTH))
        if choices is not None:
            self.validators.append(OneOf(choices))


def column_length(column) -> int:
    """The length of a text column (`Case.applicant_name`), TEXT_MAX_LENGTH when it has none."""
    attribute = sa_inspect(column).property if hasattr(column, "property") else column
    return getattr(attribute.columns[0].type, "length", None) or TEXT_MAX_LENGTH


def text_of(column, **kwargs) -> Text:
    """Text bounded by the column it is stored in (INPUT-1)."""
    return Text(column_length(column), **kwargs)


class WholeNumber(fields.Integer):
    """A JSON whole number (not 1.0, "1" nor true) from `low` to `high` (32-bit by default)."""

    def __init__(self, low: int = INT32[0], high: int = INT32[1], *, check=None,
                 choices=None, description: str | None = None, **kwargs):
        super().__init__(strict=True, **_described(kwargs, description))
        if choices is not None:
            self.validators.append(OneOf(choices))
        else:
            self.validators.insert(0, Between(low, high, check))


class RowId(WholeNumber):
    """A reference to a row: a positive whole number its INTEGER id column holds (a missing
    row is the route's or the service's answer)."""

    def __init__(self, **kwargs):
        super().__init__(1, MAX_ROW_ID, check=lambda v: validate_row_id(v, ""), **kwargs)


class Flag(fields.Boolean):
    """A JSON boolean: "yes", 1 or "true" are no answer. Null reads as false, unless
    `null_keeps` (null: leave the value as it is)."""

    def __init__(self, *, null_keeps: bool = False, description: str | None = None, **kwargs):
        self.null_keeps = null_keeps
        super().__init__(allow_none=True, **_described(kwargs, description))

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value

    def deserialize(self, value, attr=None, data=None, **kwargs):
        result = super().deserialize(value, attr, data, **kwargs)
        return False if result is None and not self.null_keeps else result


class Day(fields.Date):
    """A day as JSON text "2026-10-13" (none of ISO's other forms) within `years`."""

    def __init__(self, years: tuple[int, int] = RECORD_YEARS, *, description: str | None = None,
                 **kwargs):
        first, last = years
        text = f"{description}; " if description else ""
        super().__init__(**_described(kwargs, f"{text}a day of the years {first}–{last}"))
        self.validators.append(Years(years))

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        if not isinstance(value, str):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        try:
            day = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            day = None
        if day is None:  # written otherwise than the documented 2026-10-13: its shape, 400
            raise ValidationError(gettext("Give a date like 2026-10-13."))
        return day


class Moment(fields.DateTime):
    """An instant as ISO 8601 text within `years`; one naming no zone is the wall clock of
    `zone()` (the center's)."""

    def __init__(self, years: tuple[int, int], zone, *, description: str | None = None,
                 **kwargs):
        first, last = years
        text = f"{description}; " if description else ""
        super().__init__(**_described(
            kwargs, f"{text}ISO 8601, in the center's time zone unless it names one; the "
                    f"years {first}–{last}"))
        self.zone = zone
        self.validators.append(Years(years))

    def _deserialize(self, value, attr, data, **kwargs) -> datetime | None:
        if value == "":
            return None
        if not isinstance(value, str):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(OutOfBounds(gettext(
                "Enter a date and time such as 2026-11-02T09:30."))) from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.zone())


class Amount(fields.Decimal):
    """An amount as a JSON number (or its text, "20.50"), as NUMERIC(precision, scale) holds
    it; not below `low` when given."""

    def __init__(self, precision: int, scale: int, *, low=None, description: str | None = None,
                 **kwargs):
        super().__init__(**_described(kwargs, description))
        self.validators.insert(0, AmountBounds(precision, scale, low))

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.make_error("invalid")
        try:
            return validate_decimal(value, None, None, "")
        except RuleViolation as violation:
            raise _refused(violation) from None

    def _serialize(self, value, attr, obj, **kwargs):
        # Only the document writes an amount (its bounds): as the JSON number it is.
        return None if value is None else float(value)


def amount_of(column, **kwargs) -> Amount:
    """An amount bounded by the NUMERIC column it is stored in."""
    kind = sa_inspect(column).property.columns[0].type
    return Amount(kind.precision, kind.scale, **kwargs)


class Points(fields.Float):
    """A JSON number of points (1, 0.5; not "1" nor true: 422, as the page refuses what is no
    number); its range and step are the rule's to check (the service's, as on the page)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError(OutOfBounds(gettext("Enter a number of points.")))
        return value


class MaterialKey(fields.String):
    """A material's id as a JSON object's key: "12"."""

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        if not (isinstance(value, str) and value.isascii() and value.isdigit()
                and len(value) <= 19):
            raise ValidationError(gettext("Unknown keys: %(keys)s.", keys=str(value)[:40]))
        return _within(lambda v: validate_row_id(v, ""), int(value))


def by_material(values: fields.Field, description: str) -> fields.Dict:
    """A JSON object from material ids ("12") to `values`."""
    return fields.Dict(keys=MaterialKey(), values=values, metadata={"description": description})


class QueryWhole(WholeNumber):
    """A whole number in the query string ("2026"; not "２０２６", "2_026" nor "1e3")."""

    _DIGITS = re.compile(r"-?[0-9]{1,19}")

    def _deserialize(self, value, attr, data, **kwargs):
        if not (isinstance(value, str) and self._DIGITS.fullmatch(value.strip())):
            raise self.make_error("invalid")
        return int(value)


class QueryDay(Day):
    """A day in the query string, 2026-10-13."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "":
            return None
        return super()._deserialize(value, attr, data, **kwargs)


# --- Schemas -----------------------------------------------------------------------------------
class Body(Schema):
    """A request body: a JSON object whose keys are the schema's fields, each typed and
    bounded; an unknown key refuses the whole body (400, the keys named under `_schema`, or
    under the nested object's name)."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _known_keys_only(self, data, **_kwargs):
        if isinstance(data, dict):
            try:
                validate_object(data, frozenset(self.load_fields), WHOLE_REQUEST)
            except RuleViolation as violation:
                raise ValidationError(violation.render(gettext), WHOLE_REQUEST) from None
        return data


class Query(Schema):
    """A query string's parameters (others are ignored, as a cache-buster may be)."""

    class Meta:
        unknown = EXCLUDE


class VersionedBody(Body):
    """A body that may carry the version of the row the client read (issue #9): a write
    that names an older one answers 409, nothing saved. An `If-Match` header says the same."""

    version = WholeNumber(0, INT32[1], allow_none=True, description=(
        "the version of the record the client read (409 if someone changed it since); "
        "or the If-Match header"))


class Answer(Schema):
    """A response body (documented; the route writes these keys)."""


class FieldRefusal(Schema):
    """Bad input (400) or a broken rule (422), field by field; nothing was saved."""

    message = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                          required=True, metadata={"description": (
                              "field → its refusals, in the user's language; `_schema` for the "
                              "request as a whole, `<object>_<field>` inside an object")})


class TextRefusal(Schema):
    """Any other refusal (401, 403, 404, 409, 413, 429, 500): a text in the user's language."""

    message = fields.String(required=True)


# The error answers as OpenAPI response components, by status (app/error_messages.py).
ERROR_ANSWERS = {
    400: ("The request is not of the documented shape (a wrong type, a missing or unknown "
          "key, a body that is no JSON object); nothing was saved", FieldRefusal),
    401: ("Not logged in: no valid token or session", TextRefusal),
    403: ("The user's role may not do this", TextRefusal),
    404: ("No such record, or it is not visible to the user", TextRefusal),
    409: ("Someone changed the record since the client read it, or another record still "
          "uses it; nothing was saved", TextRefusal),
    422: ("A value out of its bounds, or a rule of the center refuses the request; nothing "
          "was saved", FieldRefusal),
    500: ("Server error; nothing was saved", TextRefusal),
}


class PkPath(Schema):
    """The record the route acts on."""

    pk = RowId(required=True)


class MonthPath(Schema):
    """A month in the path: YYYY-MM."""

    month = fields.String(required=True, metadata={
        "pattern": r"^\d{4}-\d{2}$", "description": "the month, YYYY-MM (2026-10)"})


# --- Errors in the documented shape -------------------------------------------------------------
def _texts(messages) -> list[str]:
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _texts(value)]
    if isinstance(messages, list):
        return [text for value in messages for text in _texts(value)]
    return [messages]


def field_messages(schema, messages, prefix: str | None = None,
                   data=None) -> dict[str, list[str]]:
    """A marshmallow error dict as `{field: [text]}`: a nested object's fields under
    `<object>_<field>`, its whole-object refusals under `<object>`, a list's or a map's
    refusals (by index or key) under the list's name — or, for a list of objects whose schema
    names its fields as a page does (`error_field`, SCORE-5's `reporting_<staff id>`), so."""
    result: dict[str, list[str]] = {}

    def add(name, texts):
        result.setdefault(name, []).extend(texts)

    for key, value in messages.items():
        field = schema.fields.get(key) if isinstance(key, str) else None
        if key == WHOLE_REQUEST or field is None:
            name = prefix or WHOLE_REQUEST
        else:
            name = f"{prefix}_{key}" if prefix else key
        if isinstance(value, dict) and isinstance(field, fields.Nested) and not field.many:
            for sub, texts in field_messages(field.schema, value, name).items():
                add(sub, texts)
        elif (isinstance(value, dict) and isinstance(field, fields.List)
              and hasattr(getattr(field.inner, "schema", None), "error_field")):
            items = data.get(key) if isinstance(data, dict) else None
            for index, item_messages in value.items():
                item = items[index] if isinstance(items, list) and isinstance(index, int) \
                    and index < len(items) else None
                for sub, texts in (item_messages.items() if isinstance(item_messages, dict)
                                   else [(WHOLE_REQUEST, item_messages)]):
                    add(field.inner.schema.error_field(item, sub) or name, _texts(texts))
        else:
            add(name, _texts(value))
    return result


class InvalidBody(MalformedInput):
    """A body its schema refuses: `messages` `{field: [text]}`, `status` 422 when every
    refusal is of a value out of its bounds, else 400."""

    def __init__(self, messages: dict[str, list[str]]):
        texts = _texts(messages)
        super().__init__(texts[0] if texts else "", field=next(iter(messages), None))
        self.messages = messages
        self.status = 422 if texts and all(isinstance(t, OutOfBounds) for t in texts) else 400

    def render(self, translate=None) -> str:
        """Already in the user's words (the schema's messages are translated as they are
        raised, marshmallow's own when answered)."""
        return self.message


def load(schema: Schema, data):
    """`data` as `schema` reads it, or InvalidBody."""
    try:
        return schema.load(data)
    except ValidationError as error:
        raise InvalidBody(field_messages(schema, error.normalized_messages(),
                                         data=data)) from None
