"""工作交接: every refused confirmation or party says why, in Chinese, next to its field (HAND-1)."""

import pytest

from app.rules.handover import check_confirmation, check_editable, check_parties
from tests.rules.shown import breaks


@pytest.mark.parametrize("side, side_user, actor, office, confirmed, says", [
    ("witness", 7, 7, False, False, "移交人"),  # neither giver nor receiver
    ("giver", 7, 7, False, True, "已确认"),  # this side already confirmed
    ("receiver", 7, 8, True, False, "本人"),  # not even the office confirms for a user
    ("receiver", None, 8, False, False, "综合科"),  # no login: only the office confirms
])
def test_hand_1_refused_confirmations_say_why_at_the_side(side, side_user, actor, office,
                                                          confirmed, says):
    with breaks("HAND-1", field="side", says=says):
        check_confirmation(side, side_user, actor, office, confirmed)


@pytest.mark.parametrize("giver, receiver, field", [(None, 8, "giver_id"), (7, None, "receiver_id"),
                                                    (7, 7, "receiver_id")])
def test_hand_1_parties_are_two_different_people_each_chosen(giver, receiver, field):
    with breaks("HAND-1", field=field):
        check_parties(giver, receiver)


@pytest.mark.parametrize("giver, receiver", [(True, False), (False, True)])
def test_hand_1_one_confirmation_freezes_the_handover(giver, receiver):
    with breaks("HAND-1", field=None):
        check_editable(giver, receiver)
    check_editable(False, False)
