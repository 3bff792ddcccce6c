"""CASE-4 (with CASE-2, CASE-3, CASE-5, CASE-12): the case state machine."""

import pytest
from hypothesis import given, strategies as st

from app.rules import case_states as cs
from app.rules.errors import RuleViolation

# The whole table, written out independently of the module: (state, action) → target.
# Every pair not listed must be refused with CASE-4.
EXPECTED = {
    ("consulted", "request_supplement"): "supplement_requested",
    ("consulted", "accept"): "accepted",
    ("consulted", "close"): "closed",
    ("consulted", "return_case"): "returned",
    ("consulted", "transfer"): "transferred",
    ("supplement_requested", "receive_materials"): "materials_received",
    ("supplement_requested", "return_case"): "returned",
    ("supplement_requested", "transfer"): "transferred",
    ("supplement_requested", "withdraw"): "withdrawn",
    ("materials_received", "request_supplement"): "supplement_requested",
    ("materials_received", "accept"): "accepted",
    ("materials_received", "return_case"): "returned",
    ("materials_received", "transfer"): "transferred",
    ("materials_received", "withdraw"): "withdrawn",
    ("accepted", "start"): "in_progress",
    ("accepted", "approve"): "decided_approved",
    ("accepted", "refuse"): "decided_refused",
    ("accepted", "withdraw"): "withdrawn",
    ("in_progress", "extend"): "extended",
    ("in_progress", "suspend"): "suspended",
    ("in_progress", "approve"): "decided_approved",
    ("in_progress", "refuse"): "decided_refused",
    ("in_progress", "forward"): "decided_forwarded",
    ("in_progress", "withdraw"): "withdrawn",
    ("extended", "suspend"): "suspended",
    ("extended", "approve"): "decided_approved",
    ("extended", "refuse"): "decided_refused",
    ("extended", "forward"): "decided_forwarded",
    ("extended", "withdraw"): "withdrawn",
    ("suspended", "resume"): "in_progress",
    ("suspended", "withdraw"): "withdrawn",
    ("decided_approved", "deliver"): "delivered",
    ("decided_refused", "deliver"): "delivered",
    ("decided_forwarded", "deliver"): "delivered",
    ("decided_forwarded", "close"): "closed",
    ("delivered", "close"): "closed",
    ("returned", "close"): "closed",
    ("transferred", "close"): "closed",
    ("withdrawn", "close"): "closed",
}

ALL_PAIRS = [(s, a) for s in cs.STATES for a in cs.ACTIONS]


def test_case_4_every_state_and_action_has_a_label():
    assert set(cs.STATE_LABELS) == set(cs.STATES) and len(cs.STATES) == 15
    assert set(cs.ACTION_LABELS) == set(cs.ACTIONS) == set(cs.TRANSITIONS)
    assert set(cs.INTAKE_CLASS_LABELS) == set(cs.INTAKE_CLASSES)


@pytest.mark.parametrize("state,action", ALL_PAIRS)
def test_case_4_transition_table(state, action):
    if (state, action) in EXPECTED:
        assert cs.next_state(state, action) == EXPECTED[state, action]
    else:
        with pytest.raises(RuleViolation) as err:
            cs.next_state(state, action)
        assert err.value.rule_id == "CASE-4"
        assert err.value.params == {"state": state, "action": action}


@pytest.mark.parametrize("state", cs.STATES)
def test_case_4_allowed_actions_match_the_table_in_button_order(state):
    expected = [a for a in cs.ACTIONS if (state, a) in EXPECTED]
    assert cs.allowed_actions(state) == expected


def test_case_4_cannot_deliver_before_decision():
    for state in ("accepted", "in_progress", "extended", "suspended"):
        with pytest.raises(RuleViolation, match="CASE-4"):
            cs.next_state(state, "deliver")


def test_case_4_approval_closes_only_after_delivery():
    with pytest.raises(RuleViolation, match="CASE-4"):
        cs.next_state("decided_approved", "close")
    assert cs.next_state(cs.next_state("decided_approved", "deliver"), "close") == "closed"


def test_case_4_forwarded_case_is_done_locally():
    # 004 办件细则 一(三): 完成初审后上报, 事项即为办结.
    assert not cs.is_open("decided_forwarded") and not cs.clock_running("decided_forwarded")
    assert cs.next_state("decided_forwarded", "close") == "closed"
    with pytest.raises(RuleViolation):
        cs.next_state("accepted", "forward")  # the initial review has not started


def test_case_4_closed_case_is_not_editable():
    assert not cs.is_editable("closed")
    assert cs.allowed_actions("closed") == []
    assert all(cs.is_editable(s) for s in cs.STATES if s != "closed")


def test_case_4_unknown_state_or_action_is_refused():
    with pytest.raises(RuleViolation, match="CASE-4"):
        cs.next_state("lost", "close")
    with pytest.raises(RuleViolation, match="CASE-4"):
        cs.next_state("accepted", "teleport")
    with pytest.raises(RuleViolation, match="CASE-4"):
        cs.allowed_actions("lost")


@pytest.mark.parametrize("state,open_,decided,final", [
    ("consulted", True, False, False),
    ("supplement_requested", True, False, False),
    ("materials_received", True, False, False),
    ("accepted", True, False, False),
    ("in_progress", True, False, False),
    ("extended", True, False, False),
    ("suspended", True, False, False),
    ("decided_approved", False, True, False),
    ("decided_refused", False, True, False),
    ("decided_forwarded", False, True, False),
    ("delivered", False, True, False),
    ("closed", False, False, True),
    ("returned", False, False, False),
    ("transferred", False, False, False),
    ("withdrawn", False, False, False),
])
def test_case_4_state_predicates(state, open_, decided, final):
    """`decided` is the column of the deleted twin `is_decided`: the app reads a decision from
    the stored decision day (CASE-6, CASE-10), the state only says whether it still waits."""
    assert (cs.is_open(state), not cs.is_editable(state)) == (open_, final)
    assert not (decided and (open_ or final))


def test_case_5_extension_at_most_once():
    assert cs.next_state("in_progress", "extend") == "extended"
    with pytest.raises(RuleViolation) as err:
        cs.next_state("in_progress", "extend", extended=True)
    assert err.value.rule_id == "CASE-5"
    assert "extend" not in cs.allowed_actions("in_progress", extended=True)
    assert "extend" not in cs.allowed_actions("extended")


@pytest.mark.parametrize("before,extended", [("in_progress", False), ("extended", True)])
def test_case_12_resume_returns_to_the_state_before_suspension(before, extended):
    suspended = cs.next_state(before, "suspend", extended=extended)
    assert suspended == "suspended"
    assert cs.next_state(suspended, "resume", extended=extended) == before


@pytest.mark.parametrize("state,running", [
    ("materials_received", False),  # waiting for materials is before acceptance (CASE-3)
    ("accepted", True), ("in_progress", True), ("extended", True),
    ("suspended", False), ("decided_approved", False), ("closed", False),
])
def test_case_12_clock_stops_while_suspended(state, running):
    assert cs.clock_running(state) is running


@pytest.mark.parametrize("case_class,state", [
    ("consultation", "consulted"),
    ("supplement", "supplement_requested"),
    ("returned", "returned"),
    ("accepted", "accepted"),
    ("transferred", "transferred"),
    ("joint", "accepted"),
])
def test_case_2_initial_state_for_each_intake_class(case_class, state):
    assert cs.initial_state_for_class(case_class) == state


def test_case_2_unknown_intake_class_is_refused():
    with pytest.raises(RuleViolation) as err:
        cs.initial_state_for_class("urgent")
    assert (err.value.rule_id, err.value.field) == ("CASE-2", "case_class")


@given(start=st.sampled_from(cs.STATES),  # every initial state of CASE-2 is among them
       choices=st.lists(st.integers(min_value=0, max_value=100), max_size=40),
       extended=st.booleans())
def test_case_4_random_walks_stay_inside_the_machine(start, choices, extended):
    state, extensions = start, 0
    extended = extended or start == "extended"
    already_extended = extended
    for choice in choices:
        actions = cs.allowed_actions(state, extended=extended)
        if not actions:
            break
        action = actions[choice % len(actions)]
        previous, state = state, cs.next_state(state, action, extended=extended)
        extensions += action == "extend"
        extended = extended or action == "extend"
        assert state in cs.STATES
        if action == "resume":
            assert state == ("extended" if extended else "in_progress")
        # Delivery needs a decision first, on every path.
        if state == "delivered":
            assert previous in (cs.DECIDED_APPROVED, cs.DECIDED_REFUSED, cs.DECIDED_FORWARDED)
    assert extensions <= (0 if already_extended else 1)  # CASE-5: at most once
    if state == "closed":
        assert cs.allowed_actions(state) == [] and not cs.is_editable(state)
        for action in cs.ACTIONS:
            with pytest.raises(RuleViolation):
                cs.next_state(state, action, extended=extended)
