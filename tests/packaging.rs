//! What users and packagers read besides the binary: the licence the manifest names, a
//! changelog section for the version being built, and one home for the project, written in
//! Cargo.toml (`repository`) and nowhere else with a different value.

use std::path::Path;

const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The files that tell users where the project lives.
const DOCUMENTS: [&str; 5] = [
    "README.md",
    "CHANGELOG.md",
    "action.yml",
    "examples/github-workflow.yml",
    ".pre-commit-hooks.yaml",
];

#[test]
fn the_licence_is_the_one_cargo_toml_names() {
    assert_eq!(env!("CARGO_PKG_LICENSE"), "MIT");
    let licence = read("LICENSE");
    assert!(
        licence.starts_with("MIT License\n\nCopyright (c) "),
        "{licence}"
    );
    assert!(licence.contains("Permission is hereby granted, free of charge"));
}

#[test]
fn the_changelog_has_a_section_for_the_version_being_built() {
    let version = env!("CARGO_PKG_VERSION");
    let changelog = read("CHANGELOG.md");
    let heading = changelog.lines().find(|line| {
        line.strip_prefix("## ")
            .map(|title| title.trim_start_matches('[').trim_start_matches('v'))
            .is_some_and(|title| {
                title
                    .strip_prefix(version)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ']']))
            })
    });
    assert!(
        heading.is_some(),
        "CHANGELOG.md has no `## {version}` section"
    );
}

#[test]
fn the_repository_is_written_once_and_every_document_uses_it() {
    let home = REPOSITORY
        .strip_prefix("https://github.com/")
        .unwrap_or_else(|| panic!("Cargo.toml's repository is not on GitHub: {REPOSITORY}"));
    assert_eq!(home.split('/').count(), 2, "{REPOSITORY}");
    // `github.com/OWNER/otel-doctor` and `uses: OWNER/otel-doctor@v1`, whatever the owner.
    let mentions = regex_lite::Regex::new(
        r"(?:github\.com/|uses:\s*)([A-Za-z0-9_.<>-]+/otel-doctor)(?:[/@\s#.]|$)",
    )
    .unwrap();
    for document in DOCUMENTS {
        let text = read(document);
        for placeholder in ["OWNER/", "<repository URL"] {
            assert!(
                !text.contains(placeholder),
                "{document} still has the placeholder `{placeholder}`"
            );
        }
        for mention in mentions.captures_iter(&text) {
            assert_eq!(
                &mention[1], home,
                "{document} names another home than Cargo.toml's {REPOSITORY}"
            );
        }
    }
}
