#!/usr/bin/env bash
# Interop tests with real OpenTelemetry SDKs: a Flask app under the real
# `opentelemetry-instrument` and, when `node` is installed, a Node.js app under the real
# auto-instrumentations, sending to `otel-doctor listen` / `check --listen` (interop.py).
# Installs what it needs on a fresh machine (pinned; cached under target/interop, rebuilt when
# the pins change) and talks to nothing but 127.0.0.1 once installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

target=${CARGO_TARGET_DIR:-target}
cache="$target/interop"
mkdir -p "$cache"

echo "--- interop: building otel-doctor"
cargo build --locked --quiet
doctor="$target/debug/otel-doctor"

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

requirements=tests/interop/python/requirements.txt
venv="$cache/venv"
stamp="$venv/.pins-$(stamp_of "$requirements")"
if [ ! -f "$stamp" ]; then
  echo "--- interop: installing the pinned Python SDK into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi

node_args=()
if command -v node >/dev/null && command -v npm >/dev/null; then
  node_dir="$cache/node"
  lock=tests/interop/node/package-lock.json
  stamp="$node_dir/.pins-$(stamp_of tests/interop/node/package.json "$lock")"
  if [ ! -f "$stamp" ]; then
    echo "--- interop: installing the pinned Node.js SDK into $node_dir"
    rm -rf "$node_dir"
    mkdir -p "$node_dir"
    cp tests/interop/node/package.json "$lock" "$node_dir/"
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
  node_args=(--node-modules "$node_dir")
else
  echo "--- interop: node not found, skipping the Node.js cases"
fi

echo "--- interop: cases"
python3 tests/interop/interop.py --doctor "$doctor" --venv "$venv" "${node_args[@]}" "$@"
