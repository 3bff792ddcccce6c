"""No import circle and no import hidden in a function (issue #17).

Read from the source (the AST), not from what Python happens to load: every `import` of the
project's own modules (`app`, `models`, `config`) is an edge, at whatever depth it sits — the
module body, a function, an `if TYPE_CHECKING:` block. The graph of `app/` and `models/` has no
cycle; and an import of the project's own modules inside a function is allowed only in
`app/__init__.py` and `app/cli.py`, at most five there, each with a comment saying why.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("app", "models", "config")
FUNCTION_IMPORTS_ALLOWED_IN = {"app", "app.cli"}
FUNCTION_IMPORTS_MAX = 5
LEAVES = ("app.actor", "app.roles")  # import nothing from the app


def module_files() -> dict[str, Path]:
    modules = {}
    for package in ("app", "models"):
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    modules["config"] = ROOT / "config.py"
    return modules


MODULES = module_files()


def _owner(name: str) -> str | None:
    """The module of ours that `name` (a module, or a name inside one) lives in."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


class _Imports(ast.NodeVisitor):
    """Every import of the project's own modules: (target module, line, inside a function)."""

    def __init__(self, module: str, is_package: bool):
        self.package = module if is_package else module.rpartition(".")[0]
        self.depth = 0
        self.found: list[tuple[str, int, bool]] = []

    def visit_FunctionDef(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def _add(self, name: str, node) -> None:
        if name.split(".")[0] in PROJECT:
            owner = _owner(name)
            if owner:
                self.found.append((owner, node.lineno, self.depth > 0))

    def visit_Import(self, node):
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node):
        if node.level:
            base = self.package.split(".")
            base = base[:len(base) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        for alias in node.names:
            # `from app import context` imports the module app.context, not the package
            full = f"{module}.{alias.name}"
            self._add(full if full in MODULES else module, node)


def imports_of(module: str) -> list[tuple[str, int, bool]]:
    path = MODULES[module]
    visitor = _Imports(module, path.name == "__init__.py")
    visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return [(target, line, inside) for target, line, inside in visitor.found if target != module]


def import_graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for module in MODULES:
        for target, _line, _inside in imports_of(module):
            graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), plus self-loops."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(MODULES):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_of_app_and_models_has_no_cycle():
    """Imports at any depth count: a circle hidden by a function-level import is still one."""
    assert cycles(import_graph()) == []


def test_no_function_level_import_of_the_projects_own_modules():
    offenders = [f"{MODULES[module].relative_to(ROOT)}:{line} imports {target}"
                 for module in sorted(MODULES) if module not in FUNCTION_IMPORTS_ALLOWED_IN
                 for target, line, inside in imports_of(module) if inside]
    assert offenders == []


def test_the_few_function_level_imports_of_the_factory_and_the_cli_say_why():
    lines_of = {m: MODULES[m].read_text(encoding="utf-8").splitlines()
                for m in FUNCTION_IMPORTS_ALLOWED_IN}
    inside = [(module, line) for module in sorted(FUNCTION_IMPORTS_ALLOWED_IN)
              for _target, line, within in imports_of(module) if within]
    assert len(inside) <= FUNCTION_IMPORTS_MAX
    for module, line in inside:
        above = lines_of[module][max(0, line - 4):line - 1]
        assert any(text.strip().startswith("#") for text in above), (
            f"{module}:{line}: say in a comment why this import sits in a function")


@pytest.mark.parametrize("leaf", LEAVES)
def test_the_actor_clock_and_role_names_are_leaves(leaf):
    """Actor, Clock and the role names import nothing from the app: every layer may name them."""
    assert imports_of(leaf) == []


def test_the_checker_sees_a_cycle_and_a_hidden_import():
    """The checks can fail: a made-up graph with a circle is reported, and an import inside a
    function is found."""
    graph = {"app.security": {"app.context"}, "app.context": {"app.security"}}
    assert cycles(graph) == [["app.context", "app.security"]]
    visitor = _Imports("app.views.x", False)
    visitor.visit(ast.parse("def f():\n    from app.services import cases\n"))
    assert visitor.found == [("app.services.cases", 2, True)]


# ---- test modules import no test module ------------------------------------------------------
# A fixture imported from another test module is collected twice and couples the two files; a
# helper there ties one test file to the inside of another. Fixtures shared by test modules
# live in a conftest.py, helpers in tests/factories.py or a helper module (not named test_*).
def _is_test_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "tests" and parts[-1].startswith("test_")


def imports_of_test_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, test module) of each import of a test module (`tests.test_*`, `tests.<dir>.test_*`)
    in `source`, the text of `module`, at any depth: `import`, `from … import`, relative."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if _is_test_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[:-node.level]
                base = ".".join(package + ([node.module] if node.module else []))
            if _is_test_module(base):
                found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names
                      if _is_test_module(f"{base}.{alias.name}")]
    return found


def test_no_test_module_imports_another_test_module():
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "vendor" in relative.parts:
            continue
        module = ".".join(relative.with_suffix("").parts)
        offenders += [f"{relative}:{line} imports {target}" for line, target
                      in imports_of_test_modules(path.read_text(encoding="utf-8"), module)]
    assert offenders == [], ("move what they share into a conftest.py (fixtures) or "
                             "tests/factories.py or a helper module (functions):\n"
                             + "\n".join(offenders))


@pytest.mark.parametrize("source, found", [
    ("from tests.test_migrations import fresh_app\n", [(1, "tests.test_migrations")]),
    ("def f():\n    from tests.views.test_leave import people\n", [(2, "tests.views.test_leave")]),
    ("from tests import test_offline\n", [(1, "tests.test_offline")]),
    ("import tests.e2e.test_print as p\n", [(1, "tests.e2e.test_print")]),
    ("from .test_ledger import PeakMemory\n", [(1, "tests.views.test_ledger")]),
    ("from tests.factories import staff_of\nfrom tests.e2e.conftest import LAPTOP\n"
     "from tests.rules.shown import breaks\n", []),
])
def test_the_test_module_checker_sees_every_form_of_import(source, found):
    assert imports_of_test_modules(source, "tests.views.test_x") == found
