"""Issue #21 P1: a case list's rows read as values (app/value_rows.py) read exactly as the
ORM's Case objects do — every column, the shown relations' text, the model's properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload

from app.services.cases import (Applicant, Intake, SubTaskPlan, register_intake,
                                staff_actor)
from app.value_rows import RowShape, ValueRow
from models.cases import Case
from models.org import Staff
from tests.factories import clock_on, residence_permit_item, statements


def some_cases(db_session, window, user, other_window):
    actor = staff_actor(db_session, user)
    for number, case_class in enumerate(("accepted", "consultation", "joint", "accepted")):
        item = residence_permit_item(db_session, window, code=f"VR-{number}")
        parts = [SubTaskPlan(window_id=other_window.id, part="社保转移", promised_days=3)]
        register_intake(db_session, Intake(
            item_id=item.id, case_class=case_class,
            sub_tasks=parts if case_class == "joint" else [],
            received={m.id: m.copies for m in item.materials}, request="申领居住证",
            fee_amount=Decimal("20.00"), urgent=number % 2 == 1,
            applicant=Applicant(name="赵六", id_number="11010519491231002X",
                                phone="13912345678", address="人民路1号")),
            actor, clock_on(date(2026, 11, 2 + number)))
    db_session.commit()


def test_issue_21_value_rows_read_as_the_cases_do(app, db_session, log_in, window_a, window_b):
    clerk = log_in("Clerk", window=window_a)
    some_cases(db_session, window_a, clerk.user, window_b)
    shape = RowShape(Case, {"item": ("code", "name"), "clerk": ("name",)})
    query = (db_session.query(Case).options(
        joinedload(Case.item).load_only(*(getattr(Case.item.property.mapper.class_, c)
                                          for c in ("code", "name"))),
        joinedload(Case.clerk).load_only(Staff.name))
        .order_by(Case.id))
    with statements(app) as sent:
        rows = shape.rows(db_session, query.statement)
    assert len(sent) == 1  # the rows and both relations in one statement
    db_session.expire_all()
    cases = query.all()
    assert len(rows) == len(cases) == 4
    columns = [attribute.key for attribute in sa_inspect(Case).column_attrs]
    for row, case in zip(rows, cases):
        assert isinstance(row, ValueRow) and not isinstance(row, Case)
        assert {key: getattr(row, key) for key in columns} == \
            {key: getattr(case, key) for key in columns}
        assert str(row.item) == str(case.item) and repr(row) == repr(case)
        assert str(row.clerk) == str(case.clerk) == case.clerk.name
        assert row.is_joint == case.is_joint  # the model's property, borrowed
    assert [row.is_joint for row in rows].count(True) == 1
    assert rows[0].item is not rows[1].item  # one related row per distinct key...
    assert rows[0].clerk is rows[1].clerk  # ...shared by the rows that have it


def test_issue_21_a_list_row_without_the_relation_shows_none(app, db_session, log_in,
                                                              window_a, window_b):
    clerk = log_in("Clerk", window=window_a)
    some_cases(db_session, window_a, clerk.user, window_b)
    shape = RowShape(Case, {"handler": ("name",)})  # nobody handles a fresh intake yet
    query = db_session.query(Case).options(joinedload(Case.handler).load_only(Staff.name))
    rows = shape.rows(db_session, query.statement)
    assert rows and all(row.handler is None for row in rows)
