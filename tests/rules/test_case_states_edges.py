"""办件状态: every refused transition says why in Chinese, with the state and the action the
translation may name (CASE-2, CASE-4, CASE-5)."""

import pytest

from app.rules.case_states import allowed_actions, initial_state_for_class, next_state
from tests.rules.shown import breaks


@pytest.mark.parametrize("state, action, kwargs, rule_id, says", [
    ("lost", "accept", {}, "CASE-4", "lost"),  # an unknown state
    ("accepted", "teleport", {}, "CASE-4", "teleport"),  # an unknown action
    ("closed", "accept", {}, "CASE-4", ()),  # not allowed in that state
    ("in_progress", "extend", {"extended": True}, "CASE-5", ()),  # a second extension
])
def test_case_4_a_refused_transition_says_why(state, action, kwargs, rule_id, says):
    with breaks(rule_id, says=says):
        next_state(state, action, **kwargs)


def test_case_4_an_unknown_state_has_no_actions_and_says_so():
    with breaks("CASE-4", says="lost"):
        allowed_actions("lost")


def test_case_2_an_unknown_intake_class_is_named_at_the_class():
    with breaks("CASE-2", field="case_class", says="urgent"):
        initial_state_for_class("urgent")
