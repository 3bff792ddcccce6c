"""Columns a page shows that are not stored: computed per request from today, the working
calendar and the user's permissions. They live here, not as model properties, because a model
knows no request, no "today" and no permission (issue #9, STYLE.md "Layout").

FAB reads a list or show column with `datamodel._get_attr_value(item, name)`; an interface
with `DerivedColumns` answers the names it declares and leaves every other one to FAB.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import Enum as EnumType, PickleType
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import ColumnProperty, RelationshipProperty

from app import context
from app.request_context import request_calendar
from app.rules.case_states import SUSPENDED, clock_running
from app.rules.deadlines import is_late, is_overdue, overdue_working_days
from app.rules.privacy import mask_address, mask_id_number, mask_phone
from app.security import covered_staff, covers_case, may_see_personal_data
from app.services.cover import case_owner_id, is_covered_case


class DerivedColumns:
    """Mixin for a FAB datamodel interface: `derived` maps a column name to a function of
    the row; every other column is read from the row as FAB does."""

    derived: dict[str, Callable] = {}

    def _get_attr_value(self, item, col):
        if col in self.derived:
            return self.derived[col](item)
        return super()._get_attr_value(item, col)

    def get_values(self, lst, list_columns):
        """FAB's `get_values` (a dict of the list's columns per row), each column read by a
        reader chosen once per column (issue #21 P1: FAB asks `hasattr`, `getattr` twice and
        `isinstance` per cell). A derived column with a `row_key` is computed once per distinct
        key of the page's rows (e.g. overdue days per deadline and state)."""
        readers = [(col, self._reader(col)) for col in list_columns]
        for item in lst:
            loaded = item.__dict__  # a loaded column or relation: its value, as getattr reads it
            yield {col: read(item) if read is not None
                   else loaded[col] if col in loaded else getattr(item, col)
                   for col, read in readers}

    def _reader(self, col: str) -> Callable | None:
        if col in self.derived:
            function = self.derived[col]
            key_of = getattr(function, "row_key", None)
            if hasattr(function, "for_page"):
                function = function.for_page()
            if key_of is None:
                return function
            memo: dict = {}  # one list's rows: this request only

            def read(item):
                key = key_of(item)
                if key not in memo:
                    memo[key] = function(item)
                return memo[key]
            return read
        plain = _PLAIN.get((self.obj, col))
        if plain is None:
            plain = _PLAIN[(self.obj, col)] = _plain_attribute(self.obj, col)
        if plain:
            return None  # read as a plain attribute
        return lambda item: self._get_attr_value(item, col)


_PLAIN: dict[tuple, bool] = {}  # (model, column) → _plain_attribute: the mapping never changes


def _plain_attribute(model, col: str) -> bool:
    """Whether FAB's `_get_attr_value(item, col)` is `getattr(item, col)` for every row of
    `model`: a mapped column whose values are never callable nor an enum.Enum (FAB calls the
    one and shows the other's `.value`), or a to-one relationship to such a model."""
    attribute = sa_inspect(model).attrs.get(col)
    if isinstance(attribute, ColumnProperty):
        kinds = [column.type for column in attribute.columns]
        return len(kinds) == 1 and not isinstance(kinds[0], (EnumType, PickleType))
    if isinstance(attribute, RelationshipProperty) and not attribute.uselist:
        target = attribute.mapper.class_
        return not issubclass(target, enum.Enum) and not any(
            "__call__" in vars(cls) for cls in target.__mro__ if cls is not object)
    return False


def derived_interface(base: type = SQLAInterface, **columns: Callable) -> type:
    """A subclass of `base` (a FAB interface) that shows `columns` computed by their functions."""
    return type(f"Derived{base.__name__}", (DerivedColumns, base), {"derived": columns})


def overdue_days(case, today=None, calendar=None) -> int:
    """CASE-6: overdue working days as of today (0 when on time or not yet accepted); `today`
    and `calendar` are the request's unless given."""
    if case.deadline is None or (case.decided_on is None and case.withdrawn_on is None
                                 and not clock_running(case.state)):
        return 0
    return overdue_working_days(case.deadline, case.decided_on,
                                context.today() if today is None else today,
                                request_calendar() if calendar is None else calendar,
                                withdrawn_on=case.withdrawn_on)


# What the value depends on besides the request (a list computes it once per key: #21 P1),
# and the function a list page uses, the request's day and calendar read once.
overdue_days.row_key = attrgetter("deadline", "decided_on", "withdrawn_on", "state")
overdue_days.for_page = lambda: partial(overdue_days, today=context.today(),
                                        calendar=request_calendar())


_MASKS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}


def personal_value_shown(value: str | None, kind: str, window_id: int | None, case=None) -> str:
    """PRIV-1: an ID number, phone or address in full for the record's window, the office and
    leadership (app.security decides), and B covering the case (AB-2); masked for everyone else."""
    if not value or may_see_personal_data(window_id, case=case):
        return value or ""
    return _MASKS[kind](value)


def id_number_shown(case) -> str:
    return personal_value_shown(case.applicant_id_number, "id_number", case.window_id, case)


def phone_shown(case) -> str:
    return personal_value_shown(case.applicant_phone, "phone", case.window_id, case)


def address_shown(case) -> str:
    return personal_value_shown(case.applicant_address, "address", case.window_id, case)


def covered_for(case) -> str:
    """AB-2: "代A角 <A's name>" on a case the user reaches as B covering A, blank otherwise
    (the names come with the request's one cover query: no query per row)."""
    from flask_babel import gettext

    if not covers_case(case):
        return ""
    return gettext("Covering for %(name)s", name=covered_staff()[case_owner_id(case)])


covered_for.row_key = attrgetter("handler_id", "clerk_id", "state")  # whose, and still open


def _covered_for_page():
    """`covered_for` for a list page: the request's cover asked once, not once per row
    (issue #21 P1: ~30 calls a row to find the request's kept cover again)."""
    from flask_babel import gettext

    covered = covered_staff()

    def covered_for_row(case) -> str:
        if not is_covered_case(case, covered):
            return ""
        return gettext("Covering for %(name)s", name=covered[case_owner_id(case)])
    return covered_for_row


covered_for.for_page = _covered_for_page


@dataclass(frozen=True)
class DeadlineStatus:
    """How a case stands against its deadline today (the case page's header, issue #19):
    `kind` is "left" (`days` working days still to go; 0 = due today), "overdue" (`days`
    overdue working days, CASE-6; 0 when only rest days have passed since), or "stopped"
    (suspended for a special procedure, CASE-12)."""

    kind: str
    days: int = 0


def deadline_status(case) -> DeadlineStatus | None:
    """CASE-3/6/12: the case's standing against its deadline as of today; None without a
    deadline, or once decided (or withdrawn) on time."""
    if case.deadline is None:
        return None
    late = overdue_days(case)
    stopped = case.decided_on if case.decided_on is not None else case.withdrawn_on
    if late or is_overdue(case.deadline, stopped, context.today()) and (
            stopped is not None or clock_running(case.state)):
        return DeadlineStatus("overdue", late)
    if stopped is not None:
        return None
    if case.state == SUSPENDED:
        return DeadlineStatus("stopped")
    if not clock_running(case.state):
        return None
    return DeadlineStatus("left", request_calendar().working_days_between(context.today(),
                                                                          case.deadline))


CASE_COLUMNS = dict(overdue_days=overdue_days, id_number_shown=id_number_shown,
                    phone_shown=phone_shown, address_shown=address_shown,
                    covered_for=covered_for, fee_shown=context.case_fee)


def review_late(report) -> bool:
    """NEG-2: reviewed after the due day (or, today, still not reviewed past it)."""
    return is_late(report.reviewed_on or context.today(), report.review_due)
