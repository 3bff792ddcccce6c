"""INPUT-1: a value of the wrong JSON type in an API body is refused at its field as the
body's shape (400) — by the schema fields of app/api/schemas/common.py, the one check the API
runs (the rule twin `validate_kind`, used by no route, was removed; its cases live here)."""

import pytest
from marshmallow import fields

from app.api.schemas.common import Body, Flag, InvalidBody, Text, WholeNumber, load



def _schema(field) -> Body:
    return type("TypedBody", (Body,), {"x": field})()


KINDS = {str: Text, bool: Flag, int: WholeNumber, list: lambda: fields.List(fields.Raw())}


@pytest.mark.parametrize("value, kind", [
    (5, str), ("yes", bool), (True, int), ("1", list), (1, str), ({}, list), (1.5, int),
])
def test_input_1_a_value_of_the_wrong_json_type_is_refused_at_its_field(app, value, kind):
    with app.test_request_context(), pytest.raises(InvalidBody) as caught:
        load(_schema(KINDS[kind]()), {"x": value})
    assert caught.value.status == 400 and caught.value.field == "x"
    assert caught.value.messages["x"] and all(caught.value.messages["x"])


@pytest.mark.parametrize("value, kind", [("text", str), (True, bool), (False, bool), (3, int),
                                         ([1], list)])
def test_input_1_a_value_of_the_right_json_type_passes(app, value, kind):
    with app.test_request_context():
        assert load(_schema(KINDS[kind]()), {"x": value}) == {"x": value}


def test_input_1_null_is_no_type_error_where_a_field_allows_it(app):
    with app.test_request_context():
        assert load(_schema(Text(allow_none=True)), {"x": None}) == {"x": None}
