"""Who may do what: the permission policy of app/security.py (ORG-2), as a table of roles."""

from __future__ import annotations

import pytest

from app.security import (ADMIN, CLERK, LEADERSHIP, OFFICE, PUBLIC, ROLES, SECTION_HEAD,
                          WINDOW_HEAD, may_file_refusal_report, may_read_cases,
                          may_review_refusal_report)


@pytest.mark.parametrize("role, files, reviews", [
    (CLERK, True, False),
    (WINDOW_HEAD, True, False),
    (SECTION_HEAD, False, True),
    (ADMIN, True, True),
    (OFFICE, False, False),
    (LEADERSHIP, False, False),
])
def test_neg_1_the_window_files_and_neg_2_the_section_head_reviews(role, files, reviews):
    assert may_file_refusal_report({role}) is files
    assert may_review_refusal_report({role}) is reviews


def test_neg_1_no_role_may_neither_file_nor_review():
    assert not may_file_refusal_report(set()) and not may_review_refusal_report(set())


@pytest.mark.parametrize("role", ROLES)
def test_org_2_every_staff_role_reads_cases(role):
    assert may_read_cases({role})


def test_org_2_the_public_reads_no_cases():
    assert not may_read_cases({PUBLIC}) and not may_read_cases(set())
