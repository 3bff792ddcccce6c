"""Every rule setting the migrations seed is read by some code (SCORE-2, ATT-1, SCORE-5…): an
editable setting that changes nothing is a defect.

"Read" is judged from the source of app/ and models/, parsed with `ast` so that comments and
docstrings do not count: a key is read when it is a string literal of the code, or when it
matches an f-string the code builds whose text starts with a key's namespace ("score.",
"semi.part_" …) — `f"score.{name.lower()}_max"` reads score.m1_max … score.m10_max.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "app", ROOT / "models"]
# A key's namespace: the literal start of an f-string that builds setting keys.
NAMESPACE = re.compile(r"^[a-z]+\.")


def _docstrings(tree: ast.AST) -> set[int]:
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, owners) and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}


def _pattern(node: ast.JoinedStr) -> re.Pattern | None:
    """The keys an f-string can build, as a regular expression; None unless it starts with a
    key namespace (f"{a}.{b}" would match every key and prove nothing)."""
    first = node.values[0] if node.values else None
    if not (isinstance(first, ast.Constant) and NAMESPACE.match(str(first.value))):
        return None
    return re.compile("".join(re.escape(part.value) if isinstance(part, ast.Constant)
                              else "[a-z0-9_]+" for part in node.values))


def read_in(texts) -> tuple[set[str], list[re.Pattern]]:
    """The string literals (docstrings left out) and the key f-strings of Python sources."""
    literals: set[str] = set()
    patterns: list[re.Pattern] = []
    for text in texts:
        tree = ast.parse(text)
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                pattern = _pattern(node)
                if pattern is not None:
                    patterns.append(pattern)
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings):
                literals.add(node.value)
    return literals, patterns


def unread(keys, texts) -> list[str]:
    literals, patterns = read_in(texts)
    return sorted(key for key in keys if key not in literals
                  and not any(pattern.fullmatch(key) for pattern in patterns))


# The bounds table names every key without reading any (INPUT-1): it proves nothing here.
NOT_READERS = {ROOT / "app" / "rules" / "settings.py"}


def source_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for folder in SOURCES
            for path in sorted(folder.rglob("*.py")) if path not in NOT_READERS]


def test_every_seeded_rule_setting_is_read_by_some_code(db_session):
    from models.settings import RuleSetting

    keys = db_session.scalars(select(RuleSetting.key)).all()
    assert len(keys) > 50, "the migrated database has its settings"
    assert unread(keys, source_texts()) == [], (
        "rule settings no code reads: read them, or remove them with a migration")


def test_the_check_sees_a_key_only_a_comment_or_docstring_mentions():
    code = '''
"""Reads "att.arrive_early_minutes"."""
LIMIT = setting_value(session, "case.max_extensions")  # not "score.m9_untidy"
def maximum(name):
    """Uses "semi.part_ji_max"."""
    return setting_value(session, f"score.{name.lower()}_max")
other = f"{year}.{month}"
'''
    keys = ["case.max_extensions", "score.m1_max", "score.m10_max", "att.arrive_early_minutes",
            "score.m9_untidy", "semi.part_ji_max", "score.m1_behaviour"]
    assert unread(keys, [code]) == ["att.arrive_early_minutes", "score.m1_behaviour",
                                    "score.m9_untidy", "semi.part_ji_max"]


def test_score_2_per_item_point_settings_are_gone_after_the_migrations(db_session):
    """SCORE-2: item points live in the deduction catalogue only (migration 0023)."""
    from models.settings import RuleSetting

    keys = set(db_session.scalars(select(RuleSetting.key)))
    assert not keys & {"score.m1_behaviour", "score.m3_overdue_day", "score.m5_late",
                       "score.m5_absent", "score.m8_leave_post", "score.m9_untidy"}
    assert {"score.m3_max", "semi.part_ji_max", "att.arrive_early_minutes"} <= keys


def test_input_1_every_seeded_setting_has_bounds_under_its_own_rule_id(db_session):
    """INPUT-1: a seeded setting without bounds could not be changed at all; the bound's rule
    id is the one the settings page shows for it."""
    from app.rules.settings import SETTING_BOUNDS
    from models.settings import RuleSetting

    rows = db_session.scalars(select(RuleSetting)).all()
    assert {row.key: row.rule_id for row in rows} == {
        key: bound.rule_id for key, bound in SETTING_BOUNDS.items()}


def test_input_1_the_seeded_defaults_pass_their_bounds_and_add_up(app, db_session):
    """INPUT-1, SCORE-2/5/6, ATT-1: every default of RULES.md the migrations seed is a value the
    settings page accepts, with the other defaults and the default request limit (32 MB), and
    the maxima add up to 100 (no note after saving one)."""
    from app.rules.settings import check_setting, setting_notes
    from app.services.settings import current_values
    from models.settings import RuleSetting, parse_setting

    values = current_values(db_session)
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 32 * 1024 * 1024
    for row in db_session.scalars(select(RuleSetting)):
        assert row.value == row.default_value, row.key
        default = parse_setting(row.value_type, row.default_value)
        check_setting(row.key, default, values, max_request_bytes=limit)
        assert setting_notes(row.key, values) == [], row.key
