"""Issue #9: one transaction boundary. Nothing in app/ commits except `transaction()` and the
two places exempt by design (role sync at start-up, the demo bulk loader), so no door (view,
API, CLI, FAB hook) can commit half a unit of work or forget to roll one back."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
ALLOWED = {
    "app/services/transaction.py": "the one commit of transaction()",
    "app/security/roles.py": "role sync at start-up, between FAB's own permission commits",
    "app/demo/cases.py": "the demo bulk loader, past the ORM by design",
}


def commit_sites(root: Path = APP) -> dict[str, list[int]]:
    """Every call of a `.commit(...)` attribute under `root`, by file: its line numbers."""
    sites: dict[str, list[int]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "commit"):
                name = path.relative_to(root.parent).as_posix()
                sites.setdefault(name, []).append(node.lineno)
    return sites


def test_issue_9_nothing_commits_outside_the_transaction_module_and_the_two_exempt_places():
    outside = {name: lines for name, lines in commit_sites().items() if name not in ALLOWED}
    assert outside == {}, f"commit() outside transaction(): {outside}"


def test_issue_9_the_transaction_module_commits_once_and_each_exempt_place_once():
    sites = commit_sites()
    assert {name: len(lines) for name, lines in sites.items()} == {name: 1 for name in ALLOWED}


def test_issue_9_the_scan_finds_a_commit_however_it_is_written(tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "sneaky.py").write_text(
        "def save(s):\n    return [s.commit() for _ in range(1)]\n\n"
        "def later(db):\n    db.session.commit(\n    )\n", encoding="utf-8")
    assert {name: sorted(lines) for name, lines in commit_sites(package).items()} == {
        "app/sneaky.py": [2, 5]}
