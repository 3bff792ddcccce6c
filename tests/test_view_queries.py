"""Issue #17: views hold no query. A page's lists, choices and counts come from the services'
query modules (app/services/*_queries.py), so the window list, the active staff and a window's
queue are written once, in one order; a view parses, calls and renders. Its one read of its
own is a row by its primary key, through the one helper of app/views/base.py."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parent.parent / "app" / "views"
QUERY_CALLS = {"select", "execute", "scalars", "scalar", "query"}
# The views' one lookup by primary key: app/views/base.py `find` (and `get_or_404` over it).
KEY_LOOKUP = ("base.py", "find")


def query_sites(root: Path = VIEWS) -> dict[str, list[tuple[int, str]]]:
    """Every call under `root` that builds or runs a query — `select(...)` however imported,
    `.execute/.scalars/.scalar/.query(...)` on anything, and `<...session>.get(...)` outside the
    one key-lookup helper — by file: (line, call)."""
    sites: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        helper_lines = set()
        for node in ast.walk(tree):
            if (isinstance(node, ast.FunctionDef)
                    and (path.name, node.name) == KEY_LOOKUP):
                helper_lines = set(range(node.lineno, node.end_lineno + 1))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                if any(alias.name == "select" for alias in node.names):  # `select as pick`
                    sites.setdefault(path.name, []).append((node.lineno, "import select"))
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else None)
            by_key = (name == "get" and isinstance(func, ast.Attribute)
                      and ast.unparse(func.value).endswith("session")
                      and node.lineno not in helper_lines)
            if name in QUERY_CALLS or by_key:
                sites.setdefault(path.name, []).append((node.lineno, ast.unparse(func)))
    return sites


def test_issue_17_views_hold_no_select_execute_scalars_or_query():
    assert query_sites() == {}, "queries in app/views: move them to app/services/*_queries.py"


def test_issue_17_the_views_look_a_row_up_by_key_in_one_helper():
    source = (VIEWS / "base.py").read_text(encoding="utf-8")
    assert source.count("db.session.get(") == 1


def test_issue_17_the_scan_finds_a_query_however_it_is_written(tmp_path):
    (tmp_path / "sneaky.py").write_text(
        "import sqlalchemy as sa\n"
        "from sqlalchemy import select as pick\n"
        "def page(db, Staff):\n"
        "    rows = db.session.scalars(sa.select(Staff)).all()\n"
        "    one = db.session.get(Staff, 1)\n"
        "    old = db.session.query(Staff).filter(Staff.id == 1)\n"
        "    return db.session.execute(\n        pick(Staff)\n    ), rows, one, old\n",
        encoding="utf-8")
    (tmp_path / "base.py").write_text(
        "def find(db, model, pk):\n    return db.session.get(model, pk)\n"
        "def other(db, model, pk):\n    return db.session.get(model, pk)\n", encoding="utf-8")
    found = {name: sorted(line for line, _call in calls)
             for name, calls in query_sites(tmp_path).items()}
    assert found == {"sneaky.py": [2, 4, 4, 5, 6, 7], "base.py": [4]}
