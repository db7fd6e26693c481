# Sourced by the steps of action.yml: sets `arguments` to the otel-doctor command line the
# action's inputs ask for, and exports HONEYCOMB_API_KEY when an input gives one. The inputs
# arrive as environment variables, never spliced into script text, so no input can inject shell.

case "$INPUT_COMMAND" in
    lint | check) ;;
    *)
        echo "::error title=otel-doctor::the command input must be lint or check, not \"$INPUT_COMMAND\""
        exit 2
        ;;
esac
arguments=("$INPUT_COMMAND" "$INPUT_PATH")

case "$INPUT_OFFLINE" in
    # lint never touches the network, and has no --offline.
    true) if [[ "$INPUT_COMMAND" == check ]]; then arguments+=(--offline); fi ;;
    false | "") ;;
    *)
        echo "::error title=otel-doctor::the offline input must be true or false, not \"$INPUT_OFFLINE\""
        exit 2
        ;;
esac

if [[ -n "${INPUT_HONEYCOMB_API_KEY:-}" ]]; then
    # A secret is masked already; a key pasted as plain text is masked from here on.
    echo "::add-mask::$INPUT_HONEYCOMB_API_KEY"
    export HONEYCOMB_API_KEY="$INPUT_HONEYCOMB_API_KEY"
fi
