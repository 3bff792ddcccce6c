"""Write docs/rules.md: every rule id the code and the tests mention (CASE-3, SCORE-M3, NEG-2 …),
where it is implemented and which tests name it — so a reader who knows a rule id finds its
code and its tests in one place (STYLE.md).

    .venv/bin/python scripts/rule_index.py           # rewrite docs/rules.md
    .venv/bin/python scripts/rule_index.py --check   # exit 1 when docs/rules.md is stale

The ids come from what the repository mentions (docstrings, comments, messages, templates,
test names like `test_case_3_...`); nothing is read from outside the repository. Places are
files and the functions or classes around each mention, not line numbers, and everything is
sorted: the page changes only when a rule moves, not when a line above it does.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = Path("docs/rules.md")

# The rule families of the specification. A closed list keeps look-alikes out of the index:
# item codes (GA-001), case numbers (BC-2026-000123), encodings (UTF-8).
FAMILIES = ("AB", "ATT", "AUDIT", "CASE", "COMP", "FAULT", "GUIDE", "HAND", "ITEM", "LEAVE",
            "MEET", "NEG", "NOTICE", "ORG", "PRIV", "ROSTER", "SCORE")
_FAMILY = "|".join(FAMILIES)
# CASE-3, SCORE-M3, FAULT-1.7 (a point of FAULT-1), and the lists CASE-1/3/4 and CASE-1..12.
_MENTION = re.compile(
    rf"\b({_FAMILY})-(M?)([1-9][0-9]?)(?:\.[0-9]+)?((?:(?:/|\.\.)M?[1-9][0-9]?)*)(?![0-9-])")
_TEST_NAME = re.compile(rf"^test_({_FAMILY.lower()})_(m?)([1-9][0-9]?)(?:_|$)")

CODE = ("app/**/*.py", "app/templates/**/*.html", "models/**/*.py", "config.py", "run.py",
        "migrations/**/*.py")
TESTS = ("tests/**/*.py",)
# Files whose ids are examples, not claims (this script and its own test).
EXCLUDED = {"scripts/rule_index.py", "tests/test_rule_index.py"}


def rule_ids(text: str) -> list[tuple[int, str]]:
    """(line number, id) of every rule id in `text`; lists and ranges give one id each."""
    found = []
    for match in _MENTION.finditer(text):
        family, letter, number, tail = match.groups()
        line = text.count("\n", 0, match.start()) + 1
        numbers, last = [int(number)], int(number)
        for separator, value in re.findall(r"(/|\.\.)M?([1-9][0-9]?)", tail or ""):
            value = int(value)
            numbers += range(last + 1, value + 1) if separator == ".." else [value]
            last = value
        found += [(line, f"{family}-{letter}{n}") for n in numbers]
    return found


def sort_key(rule: str) -> tuple:
    family, _, rest = rule.partition("-")
    return family, rest.startswith("M"), int(rest.lstrip("M"))


def _scopes(source: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function and class of a module."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    scopes = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                scopes.append((first, child.end_lineno, name))
                visit(child, name + ".")

    visit(tree, "")
    return scopes


def _place(scopes, line: int) -> str:
    """The innermost function or class around `line`, or "" at module level."""
    inside = [(last - first, name) for first, last, name in scopes if first <= line <= last]
    return min(inside)[1] if inside else ""


def _files(root: Path, patterns) -> list[Path]:
    paths = {p for pattern in patterns for p in root.glob(pattern) if p.is_file()}
    return sorted(p for p in paths if p.relative_to(root).as_posix() not in EXCLUDED)


def collect(root: Path, patterns, tests: bool) -> dict[str, dict[str, set[str]]]:
    """rule id → file → names of the functions/classes (or tests) that mention it."""
    index: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in _files(root, patterns):
        source = path.read_text(encoding="utf-8")
        relative = path.relative_to(root).as_posix()
        scopes = _scopes(source) if path.suffix == ".py" else []
        for line, rule in rule_ids(source):
            place = _place(scopes, line)
            index[rule][relative].add(place)
        for first, _last, name in scopes if tests else []:
            match = _TEST_NAME.match(name.split(".")[-1])
            if match:  # test_case_3_… names CASE-3 by its name alone
                family, letter, number = match.groups()
                index[f"{family.upper()}-{letter.upper()}{number}"][relative].add(name)
    return index


def _where(title: str, files: dict[str, set[str]]) -> list[str]:
    """One line per file (so a change to the index is a change of a few lines)."""
    if not files:
        return [f"{title}: none", ""]
    lines = [f"{title}:", ""]
    for path in sorted(files):
        names = sorted(n for n in files[path] if n)
        lines.append(f"- `{path}`" + (": " + ", ".join(f"`{n}`" for n in names) if names else ""))
    return lines + [""]


def build_index(root: Path = ROOT) -> str:
    """The text of docs/rules.md for the repository at `root`."""
    code, tests = collect(root, CODE, tests=False), collect(root, TESTS, tests=True)
    rules = sorted(set(code) | set(tests), key=sort_key)
    untested = [r for r in rules if r in code and r not in tests]
    lines = [
        "# Rule index",
        "",
        "Generated by `scripts/rule_index.py` from the rule ids the code and the tests mention;",
        "do not edit by hand. After changing code or tests that name a rule, run",
        "`.venv/bin/python scripts/rule_index.py` (tests/test_rule_index.py checks it is current).",
        "Places are files with the functions or classes that name the rule (none: at module level).",
        "",
        f"{len(rules)} rules mentioned; named in the code but by no test: "
        + (", ".join(untested) if untested else "none") + ".",
        "",
    ]
    for rule in rules:
        lines += [f"## {rule}", ""]
        lines += _where("Code", code.get(rule, {})) + _where("Tests", tests.get(rule, {}))
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    target = ROOT / OUTPUT
    text = build_index(ROOT)
    if "--check" in argv:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run .venv/bin/python scripts/rule_index.py", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
