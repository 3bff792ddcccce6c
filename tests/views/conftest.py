"""Fixtures of the page tests (tests/views) that more than one of their modules use."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from tests.export_cases import EXPORTS
from tests.factories import staff_of

SEMIANNUAL_TODAY = date(2026, 7, 10)  # tests/views/test_semiannual.py TODAY
SEMIANNUAL_NOW = datetime(2026, 7, 10, 2, tzinfo=timezone.utc)


@pytest.fixture
def semiannual_people(log_in, window_a, window_b, db_session):
    """(actors, staff): a clerk and a window head of window A, a clerk of window B (institution
    staff), Office, Leadership."""
    actors = {"clerk": log_in("Clerk", window=window_a),
              "head": log_in("WindowHead", window=window_a),
              "other": log_in("Clerk", window=window_b),
              "office": log_in("Office"), "leadership": log_in("Leadership")}
    staff = {name: staff_of(db_session, actor.user) for name, actor in actors.items()}
    staff["other"].category = "institution"
    db_session.commit()
    return actors, staff


@pytest.fixture
def semiannual_assessment(db_session, semiannual_people):
    """The first half of 2026, computed on SEMIANNUAL_TODAY (SCORE-5)."""
    from app.services.semiannual import compute
    from app.services.transaction import transaction

    with transaction(db_session):
        row = compute(db_session, 2026, 1, SEMIANNUAL_TODAY, now=SEMIANNUAL_NOW)
    return row


# ---- the exports other than the ledger's, as background jobs (tests/export_cases.py) ---------
@pytest.fixture(params=EXPORTS[1:], ids=[export.rule for export in EXPORTS[1:]])
def other_export(request, db_session, window_a, window_b):
    """(export, the actor that exports, the page's query) of each export but the ledger's."""
    case = request.param
    query = case.rows(db_session, window_a, window_b)
    return case, request.getfixturevalue(case.actor), query
