"""The import directions of STYLE.md "Layout" hold (issue #9): the contracts in `.importlinter`,
checked by import-linter on the real import graph of `app` and `models`.

One test per contract, so a failure names the arrow that broke and lists the offending imports.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def contract_ids() -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    prefix = "importlinter:contract:"
    return [section[len(prefix):] for section in parser.sections() if section.startswith(prefix)]


def test_the_contracts_cover_every_arrow_of_the_layout():
    assert set(contract_ids()) == {"rules-are-pure", "models-know-no-app", "api-imports-no-views",
                                   "services-import-no-doors", "policy-is-pure",
                                   "demo-only-from-cli"}


@pytest.mark.parametrize("contract", contract_ids())
def test_import_contract_is_kept(contract):
    result = subprocess.run(
        [str(LINT_IMPORTS), "--config", str(CONFIG), "--contract", contract, "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"import contract {contract} is broken:\n{result.stdout}{result.stderr}"


def test_a_forbidden_import_is_reported(tmp_path):
    """The check can fail: a contract that the code breaks on purpose is reported as broken."""
    config = tmp_path / "broken.ini"
    config.write_text(
        "[importlinter]\nroot_packages =\n    app\n    models\n\n"
        "[importlinter:contract:views-import-no-services]\nname = views import no services\n"
        "type = forbidden\nsource_modules =\n    app.views\nforbidden_modules =\n    app.services\n",
        encoding="utf-8",
    )
    result = subprocess.run([str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "BROKEN" in result.stdout


def test_the_defaults_spelled_in_the_models_are_the_rules_constants():
    """Models import nothing from app, so the few kinds a model column defaults to are spelled
    there; they must be the constants of app/rules (one meaning, one value)."""
    from app.rules import case_states as cs
    from app.rules.catalogue import PROMISED
    from app.rules.intake import PERSON
    from models.cases import Case
    from models.catalogue import ServiceItem

    assert Case.__table__.c.applicant_kind.default.arg == PERSON
    assert ServiceItem.__table__.c.kind.default.arg == PROMISED
    assert Case(case_class=cs.CLASS_JOINT).is_joint and not Case(case_class=cs.CLASS_ACCEPTED).is_joint
