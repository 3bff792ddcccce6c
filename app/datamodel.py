"""Data interfaces shared by the pages and the API: lists that count only a few pages ahead.

Lives outside app/views so that app/api imports no views (STYLE: arrows point one way).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.utils.base import get_column_root_relation, is_column_dotted
from sqlalchemy import (BigInteger, Column, Date, DateTime, Enum, Float, Integer, Numeric, String,
                        Text)
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import RelationshipProperty, joinedload
from sqlalchemy.types import TypeDecorator
from werkzeug.exceptions import BadRequest

from app.rules.errors import RuleViolation
from app.rules.input import (INT32, INT64, MAX_ROW_ID, validate_day, validate_decimal,
                             validate_integer, validate_text)
from app.services.core_reads import core_execute
from app.value_rows import RowShape


class FilterValueRefused(BadRequest):
    """INPUT-1: a list filter (a page's `_flt_…` argument, the API's rison `filters`) whose
    value its column cannot hold — an id past INTEGER, text that is no date, a NUL byte. FAB
    passes filter values to SQL as given: SQLite compared them as text and answered an empty
    list, PostgreSQL failed (issue #17: a 400, whichever database)."""


def _whole(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.lstrip("-").isdigit() and len(text) <= 20 else None


def filter_value_fits(model, column_name: str, value) -> bool:
    """Whether a list filter's `value` is one the column `column_name` of `model` can hold (a
    relationship: a row id); an empty value filters nothing and fits."""
    if isinstance(value, (list, tuple)):
        return all(filter_value_fits(model, column_name, item) for item in value)
    if value is None or value == "":
        return True
    attribute = sa_inspect(model).attrs.get(column_name)
    if attribute is None:
        return True
    if isinstance(attribute, RelationshipProperty):
        row_id = _whole(value)
        return row_id is not None and 1 <= row_id <= MAX_ROW_ID
    if len(attribute.columns) != 1:
        return True
    column = attribute.columns[0]
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance if hasattr(kind, "impl_instance") else kind.impl
    if isinstance(kind, (Date, DateTime)):
        try:
            typed = value if isinstance(value, date) else datetime.fromisoformat(str(value).strip())
        except ValueError:
            return False
        check = column_check(column)
    elif isinstance(kind, Integer):
        typed, check = _whole(value), column_check(column)
        if typed is None:
            return False
    elif isinstance(kind, (String, Text)):  # "contains" may be given any part: no length
        typed, check = str(value), partial(_text, max_length=None)
    else:
        return True
    try:
        check(typed, "filter")
    except RuleViolation:
        return False
    return True


class BoundedFilters(Filters):
    """FAB's filters, refusing a value its column cannot hold (FilterValueRefused)."""

    def _refuse_unless_fits(self, column_name: str, value) -> None:
        if not filter_value_fits(self.datamodel.obj, column_name, value):
            raise FilterValueRefused()

    def add_filter_index(self, column_name, filter_instance_index, value):
        self._refuse_unless_fits(column_name, value)
        return super().add_filter_index(column_name, filter_instance_index, value)

    def get_joined_filters(self, filters) -> Filters:
        """FAB's joined filters (the active ones and the view's base filters, asked for by every
        list page), without FAB's converting every column of the model again for them
        (issue #21 P1): the table of each column's filters is the view's own, never changed."""
        joined = self._sibling()
        joined.filters = self.filters + filters.filters
        joined.values = self.values + filters.values
        return joined

    def copy(self) -> Filters:
        copied = self._sibling()
        copied.filters, copied.values = list(self.filters), list(self.values)
        return copied

    def _sibling(self) -> "BoundedFilters":
        """Empty filters of the same model sharing this one's table of filters per column, as
        FAB's `Filters(converter, datamodel)` would build it again (no search columns)."""
        sibling = object.__new__(type(self))
        sibling.search_columns, sibling._search_filters = [], {}
        sibling.filter_converter, sibling.datamodel = self.filter_converter, self.datamodel
        sibling._all_filters = self._all_filters
        sibling.clear_filters()
        return sibling

    def rest_add_filters(self, data):
        for entry in data if isinstance(data, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("col"), str):
                self._refuse_unless_fits(entry["col"], entry.get("value"))
        return super().rest_add_filters(data)


class OrderedChoicesInterface(SQLAInterface):
    """FAB lists a relationship's choices (a form's or a search's select box, the API's
    `related`) from a query without ORDER BY: on PostgreSQL their order changed from one
    request to the next. Here they come by id, and a whole list (a select box) by the label
    it shows ("01 户政窗口", a name, a code), namesakes in id order."""

    choices = False  # set on the interface FAB asks for a relationship's rows

    def get_filters(self, search_columns=None, search_filters=None):
        """Filters that refuse a value their column cannot hold (INPUT-1)."""
        return BoundedFilters(self.filter_converter_class, self,
                              search_columns=search_columns or [],
                              search_filters=search_filters)

    def get_inner_filters(self, filters):
        """FAB's inner filters of a list query (the model's own columns and many-to-one or
        one-to-one relations), without converting every column of the model again on every
        list page (issue #21 P1): they share the view's table of filters per column."""
        if not isinstance(filters, BoundedFilters) or filters.datamodel is not self:
            return super().get_inner_filters(filters)
        inner = filters._sibling()
        inner.add_filter_list([(flt.column_name, type(flt), value)
                               for flt, value in zip(filters.filters, filters.values)
                               if self._filters_inner(flt.column_name)])
        return inner

    def _filters_inner(self, column_name: str) -> bool:
        if not is_column_dotted(column_name):
            return True
        root = get_column_root_relation(column_name)
        return self.is_relation_many_to_one(root) or self.is_relation_one_to_one(root)

    def get_related_interface(self, col_name):
        related = super().get_related_interface(col_name)
        related.choices = True
        return related

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        if not self.choices or order_column:
            return super().query(filters, order_column, order_direction, page, page_size,
                                 select_columns, outer_default_load)
        count, rows = super().query(filters, self.get_pk_name(), "asc", page, page_size,
                                    select_columns, outer_default_load)
        return count, (sorted(rows, key=str) if page_size is None else rows)


class AtLeast(int):
    """A row count that stopped at its cap: the pager computes with the number, the page
    shows "1,000+" (FAB's list header prints the count as it is)."""

    def __str__(self) -> str:
        return f"{int(self):,}+"


class BoundedCountInterface(SQLAInterface):
    """Counts matching rows exactly up to `exact_up_to` (or a few pages past the current
    one, when that is more), never further.

    At a million cases a full COUNT(*) per page view is the slowest part of a list; the pager
    needs to know only that more pages exist. A count past the cap is an `AtLeast` ("1,000+").
    """

    pages_ahead = 10
    # Issue #19: a list says its exact count up to a thousand rows ("275+" read as a guess);
    # counting the keys of at most 1,001 rows stays under a millisecond at a million cases
    # (bench/RESULTS.md: bounded count LIMIT 1000), a full COUNT(*) does not.
    exact_up_to = 1000

    def __init__(self, obj, session=None, fixed_order=None, preload=(), value_rows=False):
        super().__init__(obj, session)
        self.fixed_order = fixed_order  # a callable giving ORDER BY terms when none is chosen
        # Many-to-one relationships the list shows, each as {name: the columns shown}, joined
        # into the page's one statement (issue #21): no statement per distinct row nor one
        # for them all, and only the columns its text is made of (an item's long texts stay
        # unread; bench/RESULTS.md: 0.3-0.6 ms a list page on SQLite).
        self.preload = dict(preload)
        # A page's rows as values (app/value_rows.py), not ORM objects: for lists that only
        # read them, and whose every shown relation is in `preload` (issue #21 P1).
        self.row_shape = RowShape(obj, self.preload) if value_rows else None

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        query = self.session.query(self.obj)
        size = page_size or 25
        cap = max(((page or 0) + 1 + self.pages_ahead) * size, self.exact_up_to)
        filtered = self._apply_inner_all(query, filters, select_columns=select_columns,
                                         aliases_mapping={})
        # Only the key: the filter's columns may then come from one covering index (a clerk's
        # overdue count reads ix_case_window_deadline_state_decided, not the rows; issue #9).
        keys = filtered.with_entities(*sa_inspect(self.obj).primary_key).limit(cap + 1)
        count = core_execute(self.session, select(func.count()).select_from(
            keys.subquery())).scalar()
        if count > cap:  # more than the cap: the pager still reaches every page up to it
            count = AtLeast(cap)
        preload = [self._preload(name, columns) for name, columns in self.preload.items()]
        if self.fixed_order and not order_column:
            rows = (filtered.options(*preload).order_by(*self.fixed_order()).limit(size)
                    .offset((page or 0) * size))
        else:
            rows = self.apply_all(query.options(*preload), filters, order_column,
                                  order_direction, page, page_size, select_columns,
                                  outer_default_load)
        if self.row_shape is not None and not select_columns:
            return count, self.row_shape.rows(self.session, rows.statement)
        return count, self._models(rows.all())

    def _preload(self, name: str, columns: tuple):
        relation = getattr(self.obj, name)
        target = relation.property.mapper.class_
        return joinedload(relation).load_only(*(getattr(target, column) for column in columns))

    def filtered_query(self, filters=None, order_column="", order_direction=""):
        """Every row the list's `filters` select, in the list's order, unpaged: the query of
        an export with exactly the page's filters (FAB's `apply_all` over the model)."""
        return self.apply_all(self.session.query(self.obj), filters, order_column,
                              order_direction)

    def _models(self, rows: list) -> list:
        """The model objects of `rows`: with a column list (the API's select_columns) the
        query yields rows carrying the model under its class name, as FAB's own
        `SQLAInterface.query()` unwraps them; without one, the models themselves."""
        name = self.obj.__name__
        if rows and hasattr(rows[0], name):
            return [getattr(row, name) for row in rows]
        return rows


# --- Bounds from the columns (INPUT-1) ---------------------------------------------------------
def column_check(column: Column):
    """The INPUT-1 bounds check of one column as `check(value, field)`, or None when its type
    needs none (booleans, relationships' keys are checked where they are resolved)."""
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance if hasattr(kind, "impl_instance") else kind.impl
    if isinstance(kind, (String, Text)) and not isinstance(kind, Enum):
        return partial(_text, max_length=getattr(kind, "length", None))
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return partial(_decimal, precision=kind.precision, scale=kind.scale)
    if isinstance(kind, BigInteger):
        return partial(_integer, bounds=INT64)
    if isinstance(kind, Integer):
        return partial(_integer, bounds=INT32)
    if isinstance(kind, (Date, DateTime)):
        return validate_day
    return None


def column_checks(model) -> dict:
    """INPUT-1: attribute name → bounds check, for every plain column of `model`."""
    checks = {}
    for attr in sa_inspect(model).column_attrs:
        if len(attr.columns) != 1 or attr.columns[0].primary_key:
            continue
        check = column_check(attr.columns[0])
        if check is not None:
            checks[attr.key] = check
    return checks


def _text(value, field, max_length=None):
    return validate_text(value, max_length, field)


def _decimal(value, field, precision=None, scale=None):
    return validate_decimal(value, precision, scale, field)


def _integer(value, field, bounds=INT32):
    return validate_integer(value, field, bounds)
