"""CASE-1: case numbers stay unique when clerks register at the same moment."""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from app.services.cases import allocate_case_number

CLERKS, EACH = 6, 15


def test_case_1_concurrent_intakes_never_share_a_number(app, db_session):
    from app.extensions import db

    engine = db.engine
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(CLERKS)

    def clerk():
        try:
            start.wait()
            for _ in range(EACH):
                with Session(engine) as session:  # one transaction per intake, as in a request
                    numbers.append(allocate_case_number(session, 2031))
                    session.commit()
        except BaseException as error:  # reported below: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=clerk) for _ in range(CLERKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(numbers) == CLERKS * EACH
    assert len(set(numbers)) == len(numbers), "two intakes got the same number"
    assert max(numbers) == f"BC-2031-{CLERKS * EACH:06d}"  # gap-free when nothing rolls back


def test_case_1_a_rolled_back_intake_gives_its_number_back(db_session):
    first = allocate_case_number(db_session, 2032)
    db_session.rollback()
    again = allocate_case_number(db_session, 2032)
    db_session.commit()
    assert first == again == "BC-2032-000001"  # the rollback returned the number
    assert allocate_case_number(db_session, 2032) == "BC-2032-000002"
