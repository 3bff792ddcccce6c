"""PRIV-1 (issue #18): SQL errors were logged with their parameters — an applicant's name,
ID number and address in the log of every failed write. The engine hides the bound parameters
(`hide_parameters`), and the log filter masks what a database server quotes back itself
(PostgreSQL's "Failing row contains (…)" and "Key (…)=(…)"). Provoked for real on the suite's
database (SQLite or PostgreSQL), logged as Flask logs a failed request and as FAB logs a
failed add."""

from __future__ import annotations

import logging

import pytest
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.logging_filters import mask_log_text
from models.cases import Case

ID = "11010519491231002X"
NAME = "钱七八"
ADDRESS = "江苏省南通市崇川区工农路88号"
SECRETS = (ID, NAME, ADDRESS, ID[:-4])


def assert_no_personal_data(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret} reached the log:\n{text}"


@pytest.fixture
def failed_write(app, db_session, window_a):
    """A real IntegrityError of the suite's database on a row holding the applicant's data:
    a case without its number (NOT NULL), which PostgreSQL answers with the whole row."""
    from tests.factories import residence_permit_item

    item = residence_permit_item(db_session, window_a, "V-009")
    statement = insert(Case).values(
        number=None, case_class="accepted", state="accepted", item_id=item.id,
        window_id=window_a.id, applicant_kind="person", applicant_name=NAME,
        applicant_id_number=ID, applicant_address=ADDRESS)
    with pytest.raises(IntegrityError) as error:
        db_session.execute(statement)
    db_session.rollback()
    return error.value


def test_priv_1_a_database_error_carries_no_bound_parameter(failed_write):
    text = str(failed_write)
    assert "INSERT INTO service_case" in text  # the statement, for whoever reads the log
    assert "[SQL parameters hidden due to hide_parameters=True]" in text
    for secret in (NAME, ADDRESS):
        assert f"'{secret}'" not in text  # no parameter list; PostgreSQL's detail: the filter


def test_priv_1_a_failed_request_logs_no_personal_data(app, failed_write, filtered):
    """Flask logs an unhandled error as "Exception on <path>" with its traceback."""
    try:
        raise failed_write
    except IntegrityError:
        app.logger.error("Exception on /caseview/intake/ [POST]", exc_info=True)
    text = filtered.getvalue()
    assert "IntegrityError" in text and "INSERT INTO service_case" in text
    assert_no_personal_data(text)


def test_priv_1_a_failed_fab_add_logs_no_personal_data(app, db_session, window_a, filtered):
    """FAB's interface logs "Add item database error" with the traceback when an add fails."""
    from tests.factories import residence_permit_item

    item = residence_permit_item(db_session, window_a, "V-010")
    interface = SQLAInterface(Case, db_session)
    with pytest.raises(IntegrityError):
        interface.add(Case(number=None, case_class="accepted", state="accepted",
                           item_id=item.id, window_id=window_a.id, applicant_kind="person",
                           applicant_name=NAME, applicant_id_number=ID, applicant_address=ADDRESS))
    db_session.rollback()
    text = filtered.getvalue()
    assert "Add item database error" in text and "service_case" in text
    assert_no_personal_data(text)


@pytest.mark.parametrize("raw", [
    # PostgreSQL's own error texts (psycopg), as an engine quotes them under the statement.
    f'null value in column "number" of relation "service_case" violates not-null constraint\n'
    f'DETAIL:  Failing row contains (7, null, accepted, {NAME}, {ID}, null, {ADDRESS}).',
    f'duplicate key value violates unique constraint "uq_x"\n'
    f'DETAIL:  Key (applicant_id_number, applicant_name)=({ID}, {NAME}) already exists.',
    f'insert or update on table "x" violates foreign key constraint "fk"\n'
    f'DETAIL:  Key (address)=({ADDRESS}) is not present in table "y".',
    # An engine without hide_parameters (another tool's, a future one).
    f"[SQL: INSERT INTO service_case (applicant_name) VALUES (?)]\n"
    f"[parameters: ('{NAME}', '{ADDRESS}', '{ID}')]\n"
    f"(Background on this error at: https://sqlalche.me/e/20/gkpj)",
])
def test_priv_1_the_filter_masks_what_a_database_quotes_back(raw):
    masked = mask_log_text(raw)
    assert_no_personal_data(masked)
    assert masked.splitlines()[0] == raw.splitlines()[0]  # the error itself stays readable


def test_priv_1_the_masks_leave_other_log_lines_alone():
    line = "Key (number) looked up: BC-2026-000123 (window 01) in 3 ms."
    assert mask_log_text(line) == line


def test_priv_1_without_the_engine_option_the_parameters_would_be_in_the_error(app,
                                                                                database_url):
    """The option, not the database, keeps them out: an engine without it names them."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection, pytest.raises(Exception) as error:
            connection.execute(text("SELECT CAST(:value AS INTEGER) / 0 FROM no_such_table"),
                               {"value": NAME})
    finally:
        engine.dispose()
    assert NAME in str(error.value)
    logging.getLogger(__name__).debug("done")
