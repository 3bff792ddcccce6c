"""HAND-1: confirming a handover, as pure rules."""

from __future__ import annotations

import pytest

from app.rules.errors import RuleViolation
from app.rules.handover import (GIVER, RECEIVER, check_confirmation, check_editable,
                                check_parties, is_valid)


def test_hand_1_valid_only_when_both_confirmed():
    assert is_valid(True, True)
    assert not is_valid(True, False) and not is_valid(False, True) and not is_valid(False, False)


@pytest.mark.parametrize("side", [GIVER, RECEIVER])
def test_hand_1_a_party_confirms_as_their_own_user(side):
    assert check_confirmation(side, 7, 7, actor_is_office=False, already_confirmed=False) is False


@pytest.mark.parametrize("office", [False, True])
def test_hand_1_nobody_confirms_for_a_party_with_a_login_not_even_the_office(office):
    with pytest.raises(RuleViolation) as raised:
        check_confirmation(GIVER, 7, 8, actor_is_office=office, already_confirmed=False)
    assert raised.value.rule_id == "HAND-1"


def test_hand_1_office_confirms_for_a_staff_member_without_login_recorded_on_behalf():
    assert check_confirmation(RECEIVER, None, 8, actor_is_office=True, already_confirmed=False)
    with pytest.raises(RuleViolation):
        check_confirmation(RECEIVER, None, 8, actor_is_office=False, already_confirmed=False)


def test_hand_1_a_side_is_confirmed_once():
    with pytest.raises(RuleViolation):
        check_confirmation(GIVER, 7, 7, actor_is_office=False, already_confirmed=True)


def test_hand_1_confirmed_content_is_frozen_and_parties_differ():
    check_editable(False, False)
    for flags in ((True, False), (False, True), (True, True)):
        with pytest.raises(RuleViolation):
            check_editable(*flags)
    with pytest.raises(RuleViolation):
        check_parties(3, 3)
    check_parties(3, 4)
