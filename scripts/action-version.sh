#!/usr/bin/env bash
# The otel-doctor version the Action runs (action.yml): the `version` input; else the Action's
# own tag when it is a version (`uses: otel-doctor/otel-doctor@v0.1.0`); else, at a branch, a
# commit or a major tag (`@v1`), the version the Action's checkout declares in Cargo.toml.
#
# INPUT_VERSION: the input; ACTION_REF: `github.action_ref`; GITHUB_ACTION_PATH: the checkout.
set -euo pipefail
version_number='^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$'
if [[ -n ${INPUT_VERSION:-} ]]; then
    echo "${INPUT_VERSION#v}"
elif [[ ${ACTION_REF:-} =~ $version_number ]]; then
    echo "${ACTION_REF#v}"
else
    sed -n 's/^version = "\(.*\)"$/\1/p' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n 1
fi
