"""Issue #20: in a PDF table a name wraps before its parenthetical, never inside it."""

from __future__ import annotations

import pytest

from app.services.pdf import parenthesis_on_own_line


@pytest.mark.parametrize("name, fits, shown", [
    ("窗口负责人（演示）", 7, "窗口负责人\n（演示）"),
    ("王小明（借调）", 7, "王小明（借调）"),  # fits: left alone
    ("欧阳晓明", 2, "欧阳晓明"),  # no parenthesis
    ("（演示）人员名称很长", 3, "（演示）人员名称很长"),  # nothing before it to keep apart
])
def test_issue_20_pdf_name_breaks_before_its_parenthesis(name, fits, shown):
    assert parenthesis_on_own_line(name, fits) == shown
