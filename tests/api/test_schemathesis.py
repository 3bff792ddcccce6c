"""INPUT-1 (issue #9): an OpenAPI-driven fuzzer finds no server error, whoever asks.

schemathesis reads `/api/v1/_openapi` and, for every operation it declares (ours and FAB's
own: security login/refresh, menu, the OpenAPI document itself), generates valid and invalid
requests; each is sent with the token of every role, on a database holding a window, items
and cases in several states, so lists, reads and actions meet real rows. The only check is
`not_a_server_error`: a 4xx is the correct answer to bad input, a 5xx never is.

Bounded for the shared CI machine (about 40 operations × 6 roles): few examples per operation,
derandomized, so a run is repeatable and a failure reproduces.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from app.actor import Actor
from app.rules import case_states as cs
from app.services.cases import apply_action
from tests.api.conftest import ROLES, WINDOW_ROLES
from tests.factories import bearer, clock_on, residence_permit_item


# Only the fuzzing phase: its example count is bounded by max_examples, where the coverage
# phase would send every boundary value of every field (minutes on this machine).
FUZZING_ONLY = schemathesis.Config.from_dict({
    "seed": 20261130,
    "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False},
               "stateful": {"enabled": False}},
})


@pytest.fixture
def api_schema(app, db_session, make_user, window_a, window_b, case_of):  # noqa: F811
    """The live OpenAPI document, on a center with rows in every list."""
    item = residence_permit_item(db_session, window_a, "F-001")
    residence_permit_item(db_session, window_b, "F-002")
    case_of(item)
    in_progress = case_of(item, day=date(2026, 11, 3))
    apply_action(db_session, in_progress, cs.START, Actor(username="seed"), clock_on(date(2026, 11, 3)))
    case_of(item, case_class="consultation")
    db_session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/_openapi", app, config=FUZZING_ONLY,
                                          headers=_role_headers(app, make_user, window_a)["Admin"])


@pytest.fixture
def role_headers(app, make_user, window_a):
    return _role_headers(app, make_user, window_a)


def _role_headers(app, make_user, window) -> dict[str, dict]:
    headers = {}
    for role in ROLES:
        user = make_user(role, window=window if role in WINDOW_ROLES else None)
        headers[role] = bearer(app, user)
    return headers


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """schemathesis 4.32 names each operation's subtest through `node._nodeid`, which pytest
    9.2 no longer has (it keeps a structured `_id`): give the node the attribute it reads."""
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@settings(max_examples=8, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@schema.parametrize()
def test_input_1_no_operation_answers_a_server_error_for_any_role(case, role_headers):
    for role, headers in role_headers.items():
        response = case.call(headers={**(case.headers or {}), **headers})
        case.validate_response(response, checks=[not_a_server_error])
