"""axe-core in the browser tests (issue #19): the vendored axe.min.js (npm `axe-core`, MPL-2.0,
tests/e2e/vendor/axe-core/) is injected into the page under test — it is never served by the
app — and its critical and serious violations fail the test. No rule is skipped."""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("critical", "serious")


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, impacts=FAILING_IMPACTS) -> list[dict]:
    """The page's axe-core violations of the given impacts (all of axe's rules, as shipped)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: the page's CSP (script-src nonce) does not
        # apply, and the app serves no copy of axe.
        page.evaluate(_axe_source())
    results = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""")
    return [v for v in results if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """One readable block per violation, for the assertion message."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}: {(node['summary'] or '').splitlines()[-1] if node['summary'] else ''}")
    return "\n".join(lines)


def assert_no_serious_violations(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core on {what}:\n{describe(violations)}"
