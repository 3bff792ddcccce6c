"""CASE-2 class fields and the materials that stop an acceptance or go on a one-time notice
(NOTICE-1), issue #19."""

from __future__ import annotations

import pytest

from app.rules import case_states as cs
from app.rules import intake
from app.rules.intake import MaterialRequirement

CARD = MaterialRequirement(1, "身份证", True, 1, True)
LEASE = MaterialRequirement(2, "租房合同", False, 2, True)
BOOKLET = MaterialRequirement(3, "户口簿", False, 1, False)
ITEM = [CARD, LEASE, BOOKLET]


@pytest.mark.parametrize("received, defective, blocking, listed", [
    ({1: 1, 2: 2, 3: 1}, {}, [], []),
    ({1: 1, 2: 1}, {}, [LEASE], [LEASE]),  # one copy of two
    ({1: 1, 2: 2}, {1: "已过期"}, [CARD], [CARD]),  # handed in, to correct
    ({1: 1, 2: 2, 3: 1}, {3: "复印不清"}, [], [BOOKLET]),  # an optional one never blocks
    ({}, {3: "复印不清"}, [CARD, LEASE], [CARD, LEASE, BOOKLET]),
])
def test_notice_1_blocking_and_listed_materials_in_the_items_order(received, defective,
                                                                   blocking, listed):
    assert intake.blocking_materials(ITEM, received, defective) == blocking
    assert intake.materials_to_correct(ITEM, received, defective) == listed


def test_case_2_every_class_has_its_fields_and_only_known_parts():
    assert set(intake.CLASS_FIELDS) == set(cs.INTAKE_CLASSES)
    assert intake.class_fields(cs.CLASS_RETURNED) >= {"return_reason"}
    assert "fee_amount" not in intake.class_fields(cs.CLASS_SUPPLEMENT)
    assert intake.class_fields("urgent") == frozenset()
    for case_class, required in intake.CLASS_REQUIRED_FIELDS.items():
        assert required <= intake.class_fields(case_class)
