#!/usr/bin/env python3
"""Regenerates src/knowledge/helm_collector/values.schema-<version>.json: the OpenTelemetry
Collector Helm chart's own `values.schema.json` at the chart releases the tool knows, trimmed
to the keywords otel-doctor's validator implements (src/workspace/kubernetes/values_schema.rs).
`helm install` and `helm template` refuse values that fail this schema ("values don't meet the
specifications of the schema(s)"); `helm/values-invalid` reports the same refusals offline.

Run from anywhere (needs Python 3.9+, PyYAML and git; a second):

    python3 scripts/gen-helm-collector-schema.py --repo PATH/TO/opentelemetry-helm-charts

PATH is a clone of https://github.com/open-telemetry/opentelemetry-helm-charts with its tags
(`opentelemetry-collector-<version>`). For each version in VERSIONS it reads
`charts/opentelemetry-collector/values.schema.json` and `values.yaml` at that tag and:

- keeps the keywords the validator implements (KEPT) and drops annotations (`description`,
  `title`, `default`, `examples`, `$schema`) and the names a few schema objects carry outside
  `properties` (validators ignore unknown keywords, so Helm does too);
- stops with an error on any other keyword: a new chart release that uses one needs the
  validator taught first, never a silent pass;
- leaves out of `required` the names the chart's own values.yaml sets on that path (through
  `properties` only): Helm validates the user's values merged over those defaults, so such a
  key is never missing (only a user's `null` could delete it; `mode` is the templates' check);
- records where it came from in the root's `$comment`.
"""

import argparse
import json
import os
import subprocess
import sys

import yaml

VERSIONS = ["0.170.0", "0.88.0"]
CHART = "charts/opentelemetry-collector"
SOURCE = "open-telemetry/opentelemetry-helm-charts"
KEPT = {
    "type", "enum", "required", "properties", "additionalProperties", "patternProperties",
    "items", "$ref", "$defs", "oneOf", "anyOf",
}
ANNOTATIONS = {"description", "title", "default", "examples", "$schema"}
# Keywords whose value is a map of names to schemas.
SCHEMA_MAPS = {"properties", "$defs", "patternProperties"}


def git(repo, *args):
    return subprocess.check_output(["git", "-C", repo, *args], text=True)


def trim(node, defaults, where):
    """The schema `node` with only KEPT keywords; `defaults` is the chart's values at the same
    path when the path goes through `properties` only (else None)."""
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in SCHEMA_MAPS:
            out[key] = {
                name: trim(
                    child,
                    defaults.get(name) if key == "properties" and isinstance(defaults, dict) else None,
                    f"{where}/{key}/{name}",
                )
                for name, child in value.items()
            }
        elif key in ("items", "additionalProperties"):
            out[key] = trim(value, None, f"{where}/{key}")
        elif key in ("oneOf", "anyOf"):
            out[key] = [trim(branch, None, f"{where}/{key}/{i}") for i, branch in enumerate(value)]
        elif key == "required":
            given = defaults if isinstance(defaults, dict) else {}
            kept = [name for name in value if given.get(name) is None]
            if kept:
                out[key] = kept
        elif key == "$ref":
            if not value.startswith("#/$defs/") or len(node) != 1:
                sys.exit(f"{where}: a $ref other than a lone #/$defs/ pointer: {node}")
            out[key] = value
        elif key in KEPT:
            out[key] = value
        elif key in ANNOTATIONS:
            continue
        elif isinstance(value, (dict, bool)) and key not in KNOWN_ASSERTIONS:
            # A property name written beside `properties` by mistake (`enabled: {...}`):
            # an unknown keyword, which validators ignore.
            continue
        else:
            sys.exit(f"{where}: keyword `{key}` is not implemented by the validator")
    return out


# Assertion keywords of draft-07 and later that the validator does not implement.
KNOWN_ASSERTIONS = {
    "allOf", "not", "if", "then", "else", "const", "pattern", "format", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "minItems", "maxItems", "uniqueItems", "contains", "minProperties", "maxProperties",
    "dependencies", "dependentRequired", "dependentSchemas", "propertyNames",
    "additionalItems", "unevaluatedProperties", "unevaluatedItems", "$id", "definitions",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", required=True, help="a clone of " + SOURCE)
    parser.add_argument(
        "--output",
        default=os.path.join(os.path.dirname(__file__), "..", "src", "knowledge", "helm_collector"),
    )
    args = parser.parse_args()
    for version in VERSIONS:
        tag = f"opentelemetry-collector-{version}"
        commit = git(args.repo, "rev-list", "-n1", tag).strip()
        schema = json.loads(git(args.repo, "show", f"{commit}:{CHART}/values.schema.json"))
        defaults = yaml.safe_load(git(args.repo, "show", f"{commit}:{CHART}/values.yaml"))
        trimmed = {
            "$comment": (
                f"{SOURCE} {CHART}/values.schema.json at {tag} (commit {commit}), trimmed by "
                "scripts/gen-helm-collector-schema.py to the keywords otel-doctor validates; "
                "`required` leaves out the keys the chart's values.yaml sets"
            ),
            **trim(schema, defaults, ""),
        }
        path = os.path.join(args.output, f"values.schema-{version}.json")
        with open(path, "w") as out:
            json.dump(trimmed, out, indent=1)
            out.write("\n")
        print(f"{path}: {tag} {commit}")


if __name__ == "__main__":
    main()
