"""NOTICE-2: which documents a case can print, decided once for the case page and the print view."""

from __future__ import annotations

import pytest

from app.rules import notices as nt


@pytest.mark.parametrize("accepted, materials, issued, report, expected", [
    (False, False, set(), False, []),
    (False, True, {nt.RETURN}, False, [nt.RECEIPT, nt.RETURN]),
    (False, True, {nt.ONE_TIME}, False, [nt.RECEIPT, nt.ONE_TIME]),
    (True, True, {nt.DELIVERY, nt.EXTENSION}, False,
     [nt.ACCEPTANCE, nt.RECEIPT, nt.EXTENSION, nt.DELIVERY]),
    (True, False, {nt.SPECIAL_PROCEDURE}, True,
     [nt.ACCEPTANCE, nt.RECEIPT, nt.SPECIAL_PROCEDURE, nt.REFUSAL_REPORT]),
])
def test_notice_2_printable_documents_follow_the_life_of_the_case(accepted, materials, issued,
                                                                  report, expected):
    assert nt.printable_documents(accepted, materials, issued, report) == expected


def test_notice_2_every_document_kind_is_named_once():
    assert len(set(nt.DOCUMENT_KINDS)) == len(nt.DOCUMENT_KINDS) == 8
    assert set(nt.ISSUED_NOTICES) < set(nt.NOTICE_KINDS)
    assert nt.REFUSAL_REPORT not in nt.NOTICE_KINDS  # a report's document, not a notice row
