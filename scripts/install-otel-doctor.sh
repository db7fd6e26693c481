#!/usr/bin/env bash
# Installs otel-doctor VERSION into DIR/bin for the GitHub Action (action.yml) and the
# prebuilt-binary pre-commit hook: the release's binary for this machine's OS and architecture,
# verified against the release's SHA-256 checksum; built with `cargo install --locked` from
# this checkout only when the release has no binary for this machine. Prints the binary's path.
#
# usage: install-otel-doctor.sh VERSION DIR
#        install-otel-doctor.sh --target      (the release target of this machine, or nothing)
#
# A checksum that does not match, or that cannot be fetched, is refused: nothing unverified is
# installed, and there is no fallback. A binary already in DIR/bin that says it is VERSION is
# kept (the Action's tool cache, the hook's clone).
#
# OTEL_DOCTOR_RELEASES: where releases are downloaded from, `<URL>/v<VERSION>/<asset>`
# (default: the GitHub releases of Cargo.toml's repository; tests point it at a local server).
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The repository, from Cargo.toml (its one home).
repository="$(sed -n 's/^repository = "\(.*\)"$/\1/p' "$source_dir/Cargo.toml" | head -n 1)"
releases="${OTEL_DOCTOR_RELEASES:-$repository/releases/download}"

fail() {
    echo "otel-doctor install: $*" >&2
    exit 1
}

# The Rust target triple of this machine's release archive (as dist names them), or nothing
# when releases have no binary for it.
target() {
    local os arch
    os="$(uname -s)"
    arch="$(uname -m)"
    case "$arch" in
        x86_64 | amd64) arch=x86_64 ;;
        arm64 | aarch64) arch=aarch64 ;;
        *) return 0 ;;
    esac
    case "$os" in
        Linux) echo "$arch-unknown-linux-gnu" ;;
        Darwin) echo "$arch-apple-darwin" ;;
        MINGW* | MSYS* | CYGWIN* | Windows_NT) [[ $arch == x86_64 ]] && echo "x86_64-pc-windows-msvc" ;;
    esac
    return 0
}

if [[ ${1:-} == --target ]]; then
    target
    exit 0
fi
[[ $# -eq 2 ]] || fail "usage: install-otel-doctor.sh VERSION DIR"
version="${1#v}"
dir="$2"
# The version goes into a URL and a path: a version number and nothing else.
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
    fail "\"$1\" is not a version (such as 0.1.0)"

target="$(target)"
name=otel-doctor
[[ $target == *windows* ]] && name=otel-doctor.exe
binary="$dir/bin/$name"

# `otel-doctor 0.1.0 (3f2a1b9c0d4e 2026-12-07)`, or `otel-doctor 0.1.0`.
installed="$("$binary" --version 2>/dev/null || true)"
if [[ $installed == "otel-doctor $version" || $installed == "otel-doctor $version "* ]]; then
    echo "$binary"
    exit 0
fi

# Fetches URL into FILE; prints the HTTP status (000 when there was no answer).
fetch() {
    curl --silent --show-error --location --retry 3 --retry-connrefused --max-time 300 \
        --output "$2" --write-out '%{http_code}' "$1" || true
}

sha256() {
    if command -v sha256sum >/dev/null; then
        sha256sum "$1" | cut -d ' ' -f 1
    else
        shasum -a 256 "$1" | cut -d ' ' -f 1
    fi
}

build_from_source() {
    echo "otel-doctor install: $1; building it with cargo install --locked" >&2
    command -v cargo >/dev/null || fail "$1, and there is no cargo to build it (install Rust, or use a machine releases have a binary for)"
    cargo install --locked --root "$dir" --path "$source_dir" >&2
    [[ -x $binary ]] || fail "cargo install did not produce $binary"
    echo "$binary"
    exit 0
}

[[ -n $target ]] || build_from_source "releases have no binary for $(uname -s) $(uname -m)"
archive="otel-doctor-$target.tar.gz"
[[ $target == *windows* ]] && archive="otel-doctor-$target.zip"
url="$releases/v$version/$archive"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status="$(fetch "$url" "$work/$archive")"
case "$status" in
    200) ;;
    404) build_from_source "no $archive in release v$version ($url)" ;;
    *) fail "cannot download $url (HTTP status $status)" ;;
esac
status="$(fetch "$url.sha256" "$work/$archive.sha256")"
[[ $status == 200 ]] || fail "cannot download the checksum $url.sha256 (HTTP status $status): refusing an unverified binary"
# `<hex>  <file name>` (or `<hex> *<file name>`): the first word.
expected="$(tr -d '\r' <"$work/$archive.sha256" | awk 'NR == 1 { print tolower($1) }')"
actual="$(sha256 "$work/$archive")"
[[ $expected =~ ^[0-9a-f]{64}$ ]] || fail "$url.sha256 holds no SHA-256 checksum: refusing an unverified binary"
[[ $actual == "$expected" ]] ||
    fail "checksum mismatch for $archive: the release says $expected, the download is $actual: refusing it"

mkdir -p "$work/unpacked"
if [[ $archive == *.zip ]] && command -v unzip >/dev/null; then
    unzip -q "$work/$archive" -d "$work/unpacked"
elif [[ $archive == *.zip ]]; then
    # Windows' own tar (bsdtar) reads zip archives.
    tar -xf "$work/$archive" -C "$work/unpacked"
else
    tar -xzf "$work/$archive" -C "$work/unpacked"
fi
# dist's archives hold the binary in a folder named after the archive (tarballs) or at the
# top (zips).
found="$(find "$work/unpacked" -maxdepth 2 -type f -name "$name" | head -n 1)"
[[ -n $found ]] || fail "$archive holds no $name"
mkdir -p "$dir/bin"
install -m 755 "$found" "$binary"
echo "$binary"
