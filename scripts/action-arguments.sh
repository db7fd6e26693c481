# shellcheck shell=bash
# Sourced by scripts/action-run.sh: sets `arguments` to the otel-doctor command line the
# Action's inputs ask for, and exports HONEYCOMB_API_KEY when an input gives one. The inputs
# arrive as environment variables, never spliced into script text, so no input can inject shell.

input_error() {
    echo "::error title=otel-doctor::$*"
    exit 2
}

case "$INPUT_COMMAND" in
    lint | check) ;;
    *) input_error "the command input must be lint or check, not \"$INPUT_COMMAND\"" ;;
esac
arguments=("$INPUT_COMMAND" "$INPUT_PATH")
if [[ -n ${INPUT_CONFIG:-} ]]; then
    arguments+=(--config "$INPUT_CONFIG")
fi
if [[ -n ${INPUT_BASELINE:-} ]]; then
    arguments+=(--baseline "$INPUT_BASELINE")
fi
if [[ -n ${INPUT_FAIL_ON:-} ]]; then
    arguments+=(--fail-on "$INPUT_FAIL_ON")
fi
# Split as a shell splits words, quotes included, without expanding anything: xargs reads
# quotes and backslashes the same way, and runs nothing but printf.
if [[ -n ${INPUT_ARGS:-} ]]; then
    words="$(mktemp)"
    if ! printf '%s' "$INPUT_ARGS" | xargs printf '%s\0' >"$words" 2>/dev/null; then
        input_error "the args input has an unmatched quote: $INPUT_ARGS"
    fi
    while IFS= read -r -d '' word; do
        arguments+=("$word")
    done <"$words"
    rm -f "$words"
fi

if [[ -n ${INPUT_HONEYCOMB_API_KEY:-} ]]; then
    # A secret is masked already; a key pasted as plain text is masked from here on.
    echo "::add-mask::$INPUT_HONEYCOMB_API_KEY"
    export HONEYCOMB_API_KEY="$INPUT_HONEYCOMB_API_KEY"
fi
