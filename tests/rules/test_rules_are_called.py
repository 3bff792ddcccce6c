"""One implementation per rule (issue #17): every public function of app/rules/ is what the
app calls — referenced from a module of app/ outside app/rules/ (services, views, API, CLI,
demo…), or from rule code that is itself so reached. A rule function only the tests call is a
twin of the check the app really runs elsewhere: wire it in, or delete it and move its tests
onto the real one.

Read from the source (AST), not by importing: `from app.rules.<module> import name`,
`from app.rules import <module>` then `<module>.name`, and names used inside reached rule code
(functions, classes with all their methods, module-level statements).
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
RULES = APP / "rules"

# Kept although the app does not call them, each with its reason. Keep this list short.
NOT_CALLED_BY_THE_APP = {
    # AB-1 by whole days, for the acceptance scenarios (issue #17 keeps it public). The leave
    # service checks per half-day with `uncovered_halves`, which this is built on.
    ("leave", "uncovered_days"),
    # ATT-2/3 for one half-day, for the acceptance scenarios. The app derives a person's month
    # in one pass (`person_month`, issue #21), which reads the same verdict table and the same
    # `is_late` / `is_early_leave`; a property test holds the two to the same answers.
    ("attendance", "half_day_status"),
}


def _rule_module(name: str | None) -> str | None:
    if name and name.startswith("app.rules."):
        return name.split(".")[2]
    return None


def _references(tree: ast.AST, own_module: str | None = None) -> set[tuple[str, str]]:
    """(rule module, name) pairs `tree` refers to; with `own_module`, its bare names too."""
    found: set[tuple[str, str]] = set()
    modules: dict[str, str] = {}  # local alias → rule module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _rule_module(node.module)
            if module:
                found.update((module, alias.name) for alias in node.names)
            elif node.module == "app.rules":
                modules.update({alias.asname or alias.name: alias.name for alias in node.names})
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module = _rule_module(alias.name)
                if module and alias.asname:
                    modules[alias.asname] = module
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            found.add((modules[node.value.id], node.attr))
        elif own_module and isinstance(node, ast.Name):
            found.add((own_module, node.id))
    return found


def _rule_definitions():
    definitions: dict[tuple[str, str], ast.AST] = {}
    module_code: list[tuple[str, ast.AST]] = []
    for path in sorted(RULES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                definitions[(path.stem, node.name)] = node
            else:
                module_code.append((path.stem, node))
        # The module's own imports name what its code uses from other rule modules.
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module_code.append((path.stem, node))
    return definitions, module_code


def _reached() -> tuple[dict, set]:
    definitions, module_code = _rule_definitions()
    reached: set[tuple[str, str]] = set()
    for path in APP.rglob("*.py"):
        if RULES in path.parents:
            continue
        reached |= _references(ast.parse(path.read_text(encoding="utf-8")))
    for module, node in module_code:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            reached |= _references(node, module)
    imports = {}
    for module, node in module_code:
        if isinstance(node, ast.ImportFrom) and _rule_module(node.module):
            for alias in node.names:
                imports[(module, alias.asname or alias.name)] = (_rule_module(node.module), alias.name)
    todo = [key for key in reached if key in definitions]
    seen = set(todo)
    while todo:
        module, name = todo.pop()
        for ref in _references(definitions[(module, name)], module):
            ref = imports.get(ref, ref)  # a name imported from another rule module
            if ref in definitions and ref not in seen:
                seen.add(ref)
                todo.append(ref)
    return definitions, reached | seen


def test_every_public_rule_function_is_called_by_the_app():
    definitions, reached = _reached()
    public = {key for key, node in definitions.items()
              if isinstance(node, ast.FunctionDef) and not key[1].startswith("_")}
    unused = sorted(f"app/rules/{module}.py: {name}" for module, name in public - reached
                    if (module, name) not in NOT_CALLED_BY_THE_APP)
    assert not unused, (
        "public rule functions no module of app/ calls (only tests?): wire each in where the "
        "app checks the same thing, or delete it and move its tests onto the app's check:\n"
        + "\n".join(unused))


def test_the_exceptions_are_still_public_rule_functions_the_app_does_not_call():
    """The list shrinks when one of them gets wired in."""
    definitions, reached = _reached()
    for key in NOT_CALLED_BY_THE_APP:
        assert isinstance(definitions.get(key), ast.FunctionDef), key
        assert key not in reached, f"{key} is called by the app now: drop it from the list"


def test_the_check_sees_a_function_only_a_test_calls():
    """The check itself: a rule module's function referenced nowhere in app/ is reported."""
    tree = ast.parse("def used():\n    return helper()\n\ndef helper():\n    return 1\n\n"
                     "def twin():\n    return 2\n")
    caller = ast.parse("from app.rules.sample import used\nused()\n")
    refs = _references(caller)
    assert refs == {("sample", "used")}
    assert ("sample", "helper") in _references(tree.body[0], "sample")
    assert ("sample", "twin") not in refs | _references(tree.body[0], "sample")
