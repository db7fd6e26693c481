//! The pre-commit hooks (.pre-commit-hooks.yaml): one that runs the release binary (nothing to
//! compile) and one that runs the otel-doctor on PATH, and a `files` pattern that matches every
//! file the tool reads. `scripts/check-packaging.sh` runs both with `pre-commit try-repo`.

mod support;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use support::fixture_list::expected_files;

#[derive(Debug, Deserialize)]
struct Hook {
    id: String,
    entry: String,
    language: String,
    pass_filenames: bool,
    files: String,
}

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn hooks() -> BTreeMap<String, Hook> {
    let text = std::fs::read_to_string(repository().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: Vec<Hook> = serde_saphyr::from_str(&text).unwrap();
    hooks.into_iter().map(|h| (h.id.clone(), h)).collect()
}

/// The hooks' `files`, as pre-commit applies it (Python's `re.search` on the path from the
/// repository root; the pattern uses nothing Python and Rust read differently).
fn files_pattern() -> regex_lite::Regex {
    let hooks = hooks();
    let patterns: Vec<&str> = hooks.values().map(|h| h.files.as_str()).collect();
    assert!(
        patterns.windows(2).all(|w| w[0] == w[1]),
        "the hooks watch different files"
    );
    regex_lite::Regex::new(patterns[0]).unwrap()
}

#[test]
fn one_hook_needs_no_compiler_and_one_runs_the_installed_binary() {
    let hooks = hooks();
    let prebuilt = &hooks["otel-doctor"];
    // `script`: pre-commit runs it from its clone of this repository; no language toolchain.
    assert_eq!(prebuilt.language, "script");
    let script = prebuilt.entry.split(' ').next().unwrap();
    assert!(repository().join(script).is_file(), "no {script}");
    let system = &hooks["otel-doctor-system"];
    assert_eq!(system.language, "system");
    for hook in hooks.values() {
        assert!(hook.entry.ends_with(" lint"), "{}: {}", hook.id, hook.entry);
        // The whole workspace is one input: compose interpolates .env, a Dockerfile installs a
        // manifest. Passing the changed files would lint them out of their project.
        assert!(!hook.pass_filenames, "{}", hook.id);
    }
    assert_eq!(hooks.len(), 2, "{:?}", hooks.keys());
}

/// `a/b/../c` as `a/c`: pre-commit sees paths from the repository root, without dots.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn the_files_pattern_matches_every_file_the_tool_reads_in_the_fixtures() {
    let pattern = files_pattern();
    let mut expected = Vec::new();
    expected_files(&repository().join("fixtures"), &mut expected);
    let workspaces: Vec<&Path> = expected.iter().filter_map(|f| f.parent()).collect();
    let mut missed = std::collections::BTreeSet::new();
    let mut read = 0;
    for workspace in &workspaces {
        let options = otel_doctor::workspace::Options {
            path: workspace.to_path_buf(),
            ..Default::default()
        };
        let Ok(loaded) = otel_doctor::workspace::load(&options) else {
            continue;
        };
        for file in &loaded.files {
            let path = normal(&workspace.join(&**file));
            let Ok(relative) = path.strip_prefix(repository()) else {
                continue;
            };
            read += 1;
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !pattern.is_match(&relative) {
                missed.insert(relative);
            }
        }
    }
    assert!(read > 500, "only {read} files read in the fixtures");
    assert!(
        missed.is_empty(),
        "the hooks' `files` misses files the tool reads: {missed:#?}"
    );
}

#[test]
fn the_files_pattern_knows_every_kind_and_skips_the_rest() {
    let pattern = files_pattern();
    let read = [
        "docker-compose.yml",
        "compose.yaml",
        "deploy/docker-compose.override.yml",
        "docker-compose-local.yml",
        "compose.prod.yaml",
        ".env",
        "api/.env.local",
        "prod.env",
        "Dockerfile",
        "api/Dockerfile.prod",
        "api.Dockerfile",
        "Containerfile",
        "web/.dockerignore",
        "requirements.txt",
        "api/requirements-dev.txt",
        "requirements/base.txt",
        "requirements.in",
        "pyproject.toml",
        "Pipfile",
        "poetry.lock",
        "uv.lock",
        "package.json",
        "web/package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "go.mod",
        "Gemfile",
        "Gemfile.lock",
        "pom.xml",
        "build.gradle.kts",
        "composer.json",
        "api/Api.csproj",
        "Cargo.toml",
        "api/app.py",
        "web/src/tracing.ts",
        "web/instrumentation.mjs",
        "web/server.cjs",
        "web/App.tsx",
        "app/config.ru",
        "app/lib/telemetry.rb",
        "cmd/main.go",
        "src/main/java/App.java",
        "Program.cs",
        "entrypoint.sh",
        "scripts/start.bash",
        "Makefile",
        "makefile",
        "GNUmakefile",
        "build/docker.mk",
        "Justfile",
        ".justfile",
        "Taskfile.yml",
        "Procfile",
        "Procfile.dev",
        "otel-collector-config.yaml",
        "otelcol.yml",
        "collector/config.yaml",
        "deploy/common.yml",
        ".devcontainer/devcontainer.json",
        ".devcontainer/api/devcontainer.json",
        ".devcontainer.json",
        ".otel-doctor.toml",
    ];
    let others = [
        "README.md",
        "notes.txt",
        "docs/compose.md",
        ".envrc",
        "LICENSE",
        "logo.png",
        "config.json",
        "yaml.md",
    ];
    let wrong: Vec<&str> = read
        .iter()
        .filter(|f| !pattern.is_match(f))
        .chain(others.iter().filter(|f| pattern.is_match(f)))
        .copied()
        .collect();
    assert!(
        wrong.is_empty(),
        "the files pattern gets these wrong: {wrong:?}"
    );
}
