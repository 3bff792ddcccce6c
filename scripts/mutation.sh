#!/usr/bin/env bash
# The mutation run of issue #16 over the pure rules (app/rules/, tests/rules/ as the tests),
# configured under [tool.mutmut] in pyproject.toml. Not run by the CI: about 25 minutes on
# 2 cores. Starts afresh (mutmut keeps results in mutants/ and would only rerun new
# mutants), then prints the totals and every mutant that was not killed; docs/mutation.md
# records the last run and explains each survivor.
#
#   bash scripts/mutation.sh                # all of app/rules/
#   MUTATION_CHILDREN=1 bash scripts/mutation.sh
#   .venv/bin/mutmut show <name>            # afterwards: the diff of one mutant
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
CHILDREN=${MUTATION_CHILDREN:-2}
LOG=${MUTATION_LOG:-mutants.log}

rm -rf mutants
start=$(date +%s)
# mutmut draws a spinner: its output goes to the log, only the result is shown here.
"$BIN/mutmut" run --max-children "$CHILDREN" >"$LOG" 2>&1 || { tail -n 40 "$LOG"; exit 1; }
echo "mutmut run: $(( $(date +%s) - start )) s with $CHILDREN children (log: $LOG)"
"$BIN/mutmut" export-cicd-stats >/dev/null
"$BIN/python" - <<'PY'
import json
s = json.load(open("mutants/mutmut-cicd-stats.json"))
left = s["survived"] + s["no_tests"] + s["suspicious"] + s["skipped"]
print(", ".join(f"{k} {v}" for k, v in s.items() if isinstance(v, int)))
print(f"not killed: {left} of {s['total']} = {100 * left / s['total']:.2f} %"
      f" (timeouts count as killed)")
PY
"$BIN/mutmut" results
