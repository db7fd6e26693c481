#!/usr/bin/env bash
# Checks the ways users install and run otel-doctor besides `cargo install`:
#   1. action.yml and examples/github-workflow.yml against GitHub's schemas (the copies
#      check-jsonschema ships: offline);
#   2. the action's steps, run here as the runner would (scripts/run-action.py) on fixtures;
#   3. the pre-commit hook (.pre-commit-hooks.yaml): its `files` pattern, then
#      `pre-commit try-repo` of this repository in throwaway git repositories holding fixtures.
#
# pre-commit builds a `language: rust` hook with `cargo install --path .` in release mode, in a
# fresh store for every try-repo: about 7 minutes each here from cold. By default a `cargo` shim
# makes that build `--debug --locked` in this project's target directory, where `cargo build`
# has already compiled every dependency (about 45 s each: only the crate itself). `--release-build`
# runs pre-commit's own build untouched, as users get it.
#
# Needs: cargo, python3 (check-jsonschema and pre-commit, pinned, go into a throwaway venv), git.
set -euo pipefail
cd "$(dirname "$0")/.."
repository="$PWD"

CHECK_JSONSCHEMA_VERSION=0.39.0
PRE_COMMIT_VERSION=4.7.0

release_build=false
case "${1:-}" in
    --release-build) release_build=true ;;
    "") ;;
    *)
        echo "usage: $0 [--release-build]" >&2
        exit 2
        ;;
esac

cargo build --locked --quiet
target="${CARGO_TARGET_DIR:-$repository/target}"
binary="$target/debug/otel-doctor"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "--- installing check-jsonschema $CHECK_JSONSCHEMA_VERSION and pre-commit $PRE_COMMIT_VERSION"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check \
    "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" "pre-commit==$PRE_COMMIT_VERSION"
python="$work/venv/bin/python"

echo "--- action.yml and the example workflow against GitHub's schemas"
"$work/venv/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
"$work/venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows examples/github-workflow.yml

fail() {
    echo "FAILED: $*" >&2
    exit 1
}

# Runs a command, keeping its output in $output and its exit code in $code.
capture() {
    set +e
    output="$("$@" 2>&1)"
    code=$?
    set -e
}

echo "--- the action's steps, run as the runner would"
(
    cd fixtures/seed/a-module-not-found
    unset HONEYCOMB_API_KEY
    export GITHUB_STEP_SUMMARY="$work/summary.md"
    capture "$python" "$repository/scripts/run-action.py" "$binary"
    [[ $code -eq 1 ]] || fail "action on a broken workspace: exit $code, not 1: $output"
    grep -q '^::error file=backend-flask/app.py,line=7,col=1,title=deps/otel-not-installed::' <<<"$output" ||
        fail "action: no annotation for deps/otel-not-installed: $output"
    grep -q '| backend-flask | 2 errors |' "$GITHUB_STEP_SUMMARY" || fail "action: no job summary"

    capture "$python" "$repository/scripts/run-action.py" "$binary" \
        sarif=true sarif-file="$work/report.sarif" fail-on=never
    [[ $code -eq 0 ]] || fail "action with fail-on never: exit $code: $output"
    grep -q '"ruleId": "deps/otel-not-installed"' "$work/report.sarif" || fail "action: no SARIF"

    # The key input reaches compose interpolation: the unset-key error goes away.
    capture "$python" "$repository/scripts/run-action.py" "$binary" \
        honeycomb-api-key=hcaik_0000000000000000000000000000000000000000000000000000000000
    grep -q 'honeycomb/key-unset' <<<"$output" && fail "action: the key input was not passed on"
    grep -q 'deps/otel-not-installed' <<<"$output" || fail "action with a key: $output"

    capture "$python" "$repository/scripts/run-action.py" "$binary" command=fix
    [[ $code -eq 2 ]] && grep -q '^::error title=otel-doctor::the command input must be' <<<"$output" ||
        fail "action with a bad command: exit $code: $output"
)
(
    cd fixtures/seed/e-fixed
    capture "$python" "$repository/scripts/run-action.py" "$binary" command=check offline=true
    [[ $code -eq 0 ]] || fail "action on a fixed workspace: exit $code: $output"
)
echo "ok"

echo "--- the pre-commit hook's files pattern"
"$python" - <<'PYTHON'
import re
import yaml

(hook,) = yaml.safe_load(open(".pre-commit-hooks.yaml"))
pattern = re.compile(hook["files"])
inputs = ["docker-compose.yml", "compose.yaml", "deploy/docker-compose.override.yml",
          "compose.prod.yaml", "Dockerfile", "api/Dockerfile.prod", "api.Dockerfile",
          "Containerfile", "requirements.txt", "api/requirements-dev.txt", "requirements/base.txt",
          "requirements.in", "pyproject.toml", "poetry.lock", "package.json", "go.mod", ".env",
          "api/.env.local", "prod.env", "otel-collector-config.yaml", "otelcol.yml",
          ".otel-doctor.toml", "api/app.py"]
others = ["README.md", "src/main.rs", "notes.txt", "docs/compose.md", "Makefile", ".envrc",
          "config.json"]
wrong = [f for f in inputs if not pattern.search(f)] + [f for f in others if pattern.search(f)]
if wrong:
    raise SystemExit(f"the files pattern gets these wrong: {wrong}")
print("ok")
PYTHON

echo "--- pre-commit try-repo"
export PRE_COMMIT_HOME="$work/pre-commit"
if [[ $release_build == false ]]; then
    real_cargo="$(command -v cargo)"
    mkdir -p "$work/shim"
    cat >"$work/shim/cargo" <<EOF
#!/usr/bin/env bash
if [[ "\${1:-}" == install ]]; then
    shift
    exec "$real_cargo" install --debug --locked "\$@"
fi
exec "$real_cargo" "\$@"
EOF
    chmod +x "$work/shim/cargo"
    export PATH="$work/shim:$PATH" CARGO_TARGET_DIR="$target"
fi

# A git repository holding a copy of a fixture (try-repo runs on tracked files).
project() {
    local name="$1" fixture="$2"
    mkdir -p "$work/$name"
    if [[ -n "$fixture" ]]; then
        cp -R "$fixture/." "$work/$name/"
        rm -f "$work/$name/expected.json"
    fi
    echo "# $name" >"$work/$name/README.md"
    git -C "$work/$name" init --quiet
    git -C "$work/$name" add --all
    git -C "$work/$name" -c user.name=otel-doctor -c user.email=ci@example.invalid \
        commit --quiet --message "$name"
}

try_repo() {
    # Without --ref, try-repo takes HEAD, plus uncommitted changes when there are some.
    (cd "$work/$1" && env -u HONEYCOMB_API_KEY "$work/venv/bin/pre-commit" try-repo \
        "$repository" otel-doctor --all-files)
}

project broken fixtures/seed/a-module-not-found
started=$SECONDS
capture try_repo broken
echo "(the hook's install and first run took $((SECONDS - started)) s)"
[[ $code -eq 1 ]] || fail "hook on a broken workspace: exit $code, not 1: $output"
grep -q 'otel-doctor\.*Failed' <<<"$output" && grep -q 'deps/otel-not-installed' <<<"$output" &&
    grep -q 'honeycomb/key-unset' <<<"$output" || fail "hook on a broken workspace: $output"

project fixed fixtures/seed/e-fixed
capture try_repo fixed
[[ $code -eq 0 ]] && grep -q 'otel-doctor\.*Passed' <<<"$output" ||
    fail "hook on a fixed workspace: exit $code: $output"

echo "ok"
