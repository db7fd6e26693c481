#!/usr/bin/env python3
"""Regenerates src/knowledge/ottl_functions.txt: the OTTL functions (editors and converters)
each release of opentelemetry-collector-contrib has, so that `collector/ottl-invalid` can say
that a statement calls a function the collector's release does not have (it refuses the
config at start: `undefined function "..."`), or a name no release has (a typo).

A function is a factory made with `ottl.NewFactory("Name", ...)` in `pkg/ottl/ottlfuncs` (the
standard editors and converters, and the ones contexts add, such as `IsRootSpan`) or in
`internal/filter/filterottl` (what the filter processor, the count and sum connectors and the
tail_sampling processor add, such as `HasAttrOnDatapoint`). A name given by a constant
(`ottl.NewFactory(spanIDFuncName, ...)`) is resolved from the package's `const`.

Where the releases come from (git and Python 3.9+; a few seconds each):

    # a clone of contrib, at each of its v0.N.0 tags from --since on:
    python3 scripts/gen-ottl-functions.py --contrib path/to/opentelemetry-collector-contrib

    # or repositories that vendor contrib's pkg/ottl (`go mod vendor`): every commit that
    # changed the vendored ottlfuncs, at the version vendor/modules.txt names
    python3 scripts/gen-ottl-functions.py --vendored grafana/tempo=path/to/tempo \
        --vendored aws-observability/aws-otel-collector=path/to/aws-otel-collector

Several sources merge (a release read twice must agree). Output format: one `>` line with
every release read, then one line per function with the releases that have it, as ranges of
those releases (`-` after the first: to the newest read):

    > 0.82.0 0.84.0 ... 0.156.0
    Hex converter 0.109.0-
    Concat converter 0.82.0-
    replace_all_patterns editor 0.82.0-

A release between two that were read is known only where both agree.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

CONTRIB_MODULE = "github.com/open-telemetry/opentelemetry-collector-contrib"
PACKAGES = ["pkg/ottl/ottlfuncs", "internal/filter/filterottl"]
FACTORY = re.compile(r'ottl\.NewFactory\(\s*("?)([A-Za-z_][A-Za-z0-9_]*)"?\s*,')
CONSTANT = re.compile(r'\b([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([A-Za-z][A-Za-z0-9_]*)"')


def git(repo, *args, check=True):
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(result.stderr.strip())
    return result.stdout if result.returncode == 0 else ""


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def names_at(repo, revision, prefix):
    """Every function name the packages define at `revision`, under `prefix` (`vendor/...`)."""
    paths = [f"{prefix}{package}" for package in PACKAGES]
    files = git(repo, "ls-tree", "-r", "--name-only", revision, "--", *paths).split()
    sources = [
        git(repo, "show", f"{revision}:{path}")
        for path in files
        if path.endswith(".go") and not path.endswith("_test.go")
    ]
    constants = {}
    for source in sources:
        constants.update(CONSTANT.findall(source))
    names = set()
    for source in sources:
        for quoted, word in FACTORY.findall(source):
            name = word if quoted else constants.get(word)
            if name is None:
                sys.exit(f"{revision}: no constant {word} for a factory name")
            names.add(name)
    return names


def contrib_releases(repo, since):
    tags = [t for t in git(repo, "tag").split() if re.fullmatch(r"v0\.\d+\.0", t)]
    for tag in sorted(tags, key=lambda t: version_key(t[1:])):
        if version_key(tag[1:]) >= version_key(since):
            yield tag[1:], names_at(repo, tag, ""), f"opentelemetry-collector-contrib {tag}"


def vendored_releases(source, since):
    name, _, path = source.rpartition("=")
    repo = Path(path)
    prefix = f"vendor/{CONTRIB_MODULE}/"
    seen = set()
    commits = git(repo, "log", "--format=%H", "--", prefix + PACKAGES[0]).split()
    for commit in commits:
        modules = git(repo, "show", f"{commit}:vendor/modules.txt", check=False)
        found = re.search(rf"^# {re.escape(CONTRIB_MODULE)}/pkg/ottl v(\d+\.\d+\.\d+)\s*$", modules, re.M)
        if not found or found.group(1) in seen or version_key(found.group(1)) < version_key(since):
            continue
        seen.add(found.group(1))
        yield found.group(1), names_at(repo, commit, prefix), f"{name or repo.name} {commit}"


def ranges(present, releases):
    """The runs of consecutive releases in `present`, as `first-last` (`first-` to the end)."""
    runs, start = [], None
    for index, release in enumerate(releases + [None]):
        if release is not None and release in present:
            start = release if start is None else start
        elif start is not None:
            last = releases[index - 1]
            runs.append(f"{start}-" if last == releases[-1] else f"{start}-{last}")
            start = None
    return ",".join(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contrib", type=Path, help="a clone of opentelemetry-collector-contrib")
    # Before v0.82 functions were not all made with ottl.NewFactory: not read.
    parser.add_argument("--since", default="0.82.0", help="the first release to read")
    parser.add_argument("--vendored", action="append", default=[], metavar="OWNER/NAME=PATH")
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "src/knowledge/ottl_functions.txt",
    )
    args = parser.parse_args()
    read = {}
    origins = {}
    sources = [vendored_releases(source, args.since) for source in args.vendored]
    if args.contrib:
        sources.append(contrib_releases(args.contrib, args.since))
    if not sources:
        parser.error("give --contrib or --vendored")
    for source in sources:
        for version, names, origin in source:
            if not names:
                sys.exit(f"{origin}: no function found (an older API?)")
            if version in read and read[version] != names:
                sys.exit(f"{version} differs between {origins[version]} and {origin}")
            read[version] = names
            origins.setdefault(version, origin)
    releases = sorted(read, key=version_key)
    every = sorted(set().union(*read.values()), key=lambda n: (n[0].islower(), n.lower()))
    lines = [
        "# Generated by scripts/gen-ottl-functions.py: do not edit, run the script.",
        "# The OTTL functions of opentelemetry-collector-contrib's pkg/ottl/ottlfuncs and",
        "# internal/filter/filterottl, per release, read from:",
        *(f"#   {version}: {origins[version]}" for version in releases),
        "> " + " ".join(releases),
    ]
    for name in every:
        kind = "editor" if name[0].islower() else "converter"
        present = {version for version in releases if name in read[version]}
        lines.append(f"{name} {kind} {ranges(present, releases)}")
    args.output.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.output}: {len(releases)} releases, {len(every)} functions", file=sys.stderr)


if __name__ == "__main__":
    main()
