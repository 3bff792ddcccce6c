"""Fixtures of the page tests (tests/views) that more than one of their modules use."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake
from models.catalogue import ItemMaterial, ServiceItem

from tests.export_cases import EXPORTS
from tests.factories import clock_on, staff_of
from tests.refusal_kit import ID_NUMBER, SEED

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


# 否定报备 (NEG-1..3): tests/views/test_refusals.py and test_refusal_applicant_search.py.
@pytest.fixture
def item_of(db_session):
    def make(window, code="R-001"):
        item = ServiceItem(code=code, name="食品经营许可", window=window, kind="promised",
                           promised_days=5, statutory_days=20, fee_standard=Decimal("0"))
        item.materials = [ItemMaterial(name="申请书", form="original", copies=1, mandatory=True)]
        db_session.add(item)
        db_session.commit()
        return item
    return make


@pytest.fixture
def decided_case(db_session):
    """A case accepted on `day` and decided by `action` (refuse by default) the same day."""
    def make(item, action=cs.REFUSE, day=date(2026, 9, 28), objected=True):
        case = register_intake(
            db_session,
            Intake(item_id=item.id, case_class="accepted", request="申请食品经营许可",
                   applicant=Applicant(name="钱七", id_number=ID_NUMBER, phone="13912345678",
                                       address="江苏省南通市崇川区人民路1号"),
                   received={m.id: m.copies for m in item.materials}),
            SEED, clock_on(day))
        params = {"objected": objected} if action == cs.REFUSE else {}
        apply_action(db_session, case, action, SEED, clock_on(day), note="经营场所不符合要求",
                     **params)
        db_session.commit()
        return case
    return make
