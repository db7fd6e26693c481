#!/usr/bin/env bash
# The Action's gate (action.yml): one run of otel-doctor with the inputs' arguments writes the
# human report to the log, the annotations (printed after it), the job summary (with the
# `github` output, otel-doctor appends it to $GITHUB_STEP_SUMMARY), the JSON report and, with
# the `sarif` input, the SARIF report. Sets the step's outputs, and exits with otel-doctor's
# exit code.
#
# OTEL_DOCTOR: the binary; INPUT_*: the Action's inputs.
set -euo pipefail
# shellcheck source=scripts/action-arguments.sh
source "$(dirname "${BASH_SOURCE[0]}")/action-arguments.sh"

case "${INPUT_SARIF:-false}" in
    true | false) ;;
    *) input_error "the sarif input must be true or false, not \"$INPUT_SARIF\"" ;;
esac

reports="${RUNNER_TEMP:?}/otel-doctor"
mkdir -p "$reports"
json="$reports/otel-doctor.json"
annotations="$reports/annotations.txt"
sarif=""
# A self-hosted runner keeps its temporary folder: no report of an earlier run is taken for
# this one's.
rm -f "$json" "$annotations" "$reports/otel-doctor.sarif"
outputs=(--output "json=$json" --output "github=$annotations")
if [[ ${INPUT_SARIF:-false} == true ]]; then
    sarif="$reports/otel-doctor.sarif"
    outputs+=(--output "sarif=$sarif")
fi

set +e
"$OTEL_DOCTOR" "${arguments[@]}" "${outputs[@]}" --color always
code=$?
set -e
if [[ -f $annotations ]]; then
    cat "$annotations"
fi

# A count of the JSON report's summary (jq where the runner has it, else python3).
count() {
    if command -v jq >/dev/null; then
        jq -r ".summary.$1" "$json"
    else
        python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"][sys.argv[2]])' "$json" "$1"
    fi
}

{
    echo "exit-code=$code"
    if [[ -f $json ]]; then
        echo "json=$json"
        echo "errors=$(count errors)"
        echo "warnings=$(count warnings)"
    fi
    if [[ -n $sarif && -f $sarif ]]; then
        echo "sarif=$sarif"
    fi
} >>"$GITHUB_OUTPUT"
exit "$code"
