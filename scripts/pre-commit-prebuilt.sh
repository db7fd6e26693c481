#!/usr/bin/env bash
# The `otel-doctor` pre-commit hook (.pre-commit-hooks.yaml): runs the release binary of the
# version this hook's checkout declares in Cargo.toml (the `rev` a project pins), installed once
# beside the checkout by scripts/install-otel-doctor.sh: downloaded and checked against the
# release's checksum, nothing to compile (cargo builds it only where releases have no binary).
set -euo pipefail
checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$checkout/Cargo.toml" | head -n 1)"
binary="$("$checkout/scripts/install-otel-doctor.sh" "$version" "$checkout/.otel-doctor")"
exec "$binary" "$@"
