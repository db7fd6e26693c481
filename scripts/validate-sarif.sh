#!/usr/bin/env bash
# Generates the SARIF report of every fixture workspace with the built binary and validates each
# with Microsoft's SARIF Multitool, with both the SARIF specification's rules and GitHub code
# scanning's (`--rule-kind "Sarif;Ghas"`). Any error or warning fails the script.
#
# Needs: cargo, python3, node + npm (the Multitool, pinned, is installed into a throwaway folder).
set -euo pipefail
cd "$(dirname "$0")/.."

MULTITOOL_VERSION=5.7.0

cargo build --locked --quiet
binary="${CARGO_TARGET_DIR:-target}/debug/otel-doctor"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "--- installing @microsoft/sarif-multitool@$MULTITOOL_VERSION"
platform="$(node -p process.platform)"
npm install --prefix "$work/npm" --no-audit --no-fund --no-save --loglevel=error \
    "@microsoft/sarif-multitool@$MULTITOOL_VERSION" \
    "@microsoft/sarif-multitool-$platform@$MULTITOOL_VERSION" >/dev/null
# The package's bin script runs the tool through a shell, which splits `Sarif;Ghas` at the `;`:
# call the platform binary directly.
multitool="$(cd "$work/npm" && node -p "require('@microsoft/sarif-multitool')")"
chmod u+x "$multitool"
# The .NET tool needs ICU unless told not to; slim CI images lack it.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

echo "--- generating SARIF for every fixture"
python3 - "$binary" "$work/sarif" <<'PYTHON'
"""Runs `lint --format sarif` on every fixture with the arguments and environment its
expected.json gives (as tests/fixtures.rs does)."""
import json
import pathlib
import subprocess
import sys

binary, out = sys.argv[1], pathlib.Path(sys.argv[2])
out.mkdir(parents=True)
count = 0
for expected in sorted(pathlib.Path("fixtures").rglob("expected.json")):
    spec = json.loads(expected.read_text())
    workspace = expected.parent
    report = out / (str(workspace).replace("/", "__") + ".sarif")
    run = subprocess.run(
        [binary, "lint", str(workspace), *spec.get("args", []),
         "--format", "sarif", "--output", str(report)],
        env=spec.get("env", {}), capture_output=True, text=True)
    if run.returncode == 2 and spec.get("exit") == 2:
        continue  # the tool refuses to run on this fixture: no report to validate
    # 1 is the fixture's findings at or above its --fail-on: the report is written all the same.
    if run.returncode not in (0, 1) or not report.is_file():
        sys.exit(f"{workspace}: exit {run.returncode}: {run.stderr.strip()}")
    count += 1
print(f"{count} SARIF reports")
PYTHON

echo "--- validating"
# One process for every report: the tool takes about a second to start. It exits 0 whatever it
# finds, so its findings are read from its output, one line each, with the file in front.
output="$("$multitool" validate --rule-kind "Sarif;Ghas" "$work"/sarif/*.sarif 2>&1)"
problems="$(grep -E ': (error|warning) [A-Z]+[0-9]+: ' <<<"$output" || true)"
if [[ -n "$problems" ]] || ! grep -q 'Analysis completed successfully' <<<"$output"; then
    echo "${problems:-$output}" | sed "s|$work/sarif/||"
    exit 1
fi
echo "every report is valid: no error, no warning"
