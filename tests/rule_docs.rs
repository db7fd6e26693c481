//! The rule pages under docs/rules are what the rules' doc comments say (they are written from
//! them: run with UPDATE_SNAPSHOTS=1 to rewrite them, then review the diff), and every SARIF
//! rule's `helpUri` is its page in the repository.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under docs/rules, from the repository's root.
fn committed_pages() -> Vec<String> {
    walk(&repository().join("docs/rules"))
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(repository()).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn rule_pages_are_up_to_date() {
    let pages = otel_doctor::manual::rule_docs();
    assert_eq!(pages.len(), otel_doctor::rules::all().count() + 1);
    let expected: Vec<&str> = pages.iter().map(|(path, _)| path.as_str()).collect();
    let stray: Vec<String> = committed_pages()
        .into_iter()
        .filter(|path| !expected.contains(&path.as_str()))
        .collect();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        for path in &stray {
            std::fs::remove_file(repository().join(path)).unwrap();
        }
        for (path, text) in &pages {
            let full = repository().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        return;
    }
    assert!(
        stray.is_empty(),
        "pages of no rule (run with UPDATE_SNAPSHOTS=1 to remove them): {stray:?}"
    );
    let stale: Vec<&str> = pages
        .iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(repository().join(path))
                .ok()
                .as_ref()
                != Some(text)
        })
        .map(|(path, _)| path.as_str())
        .collect();
    assert!(
        stale.is_empty(),
        "stale or missing (run with UPDATE_SNAPSHOTS=1 to rewrite, then review): {stale:?}"
    );
}

#[test]
fn a_rule_page_is_its_documentation_with_its_level_and_a_link_back() {
    let pages = otel_doctor::manual::rule_docs();
    let (_, page) = pages
        .iter()
        .find(|(path, _)| path == "docs/rules/config/endpoint-localhost.md")
        .unwrap();
    let explained = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["explain", "config/endpoint-localhost"])
        .output()
        .unwrap();
    let explained = String::from_utf8(explained.stdout).unwrap();
    // `explain` prints the id and the severity, then the documentation the page holds.
    let documentation = explained.split_once("\n\n").unwrap().1.trim_end();
    assert!(page.contains(documentation), "{page}");
    assert!(page.contains("# `config/endpoint-localhost`\n"));
    assert!(page.contains("Severity: **error**"));
    assert!(page.contains("\"config/endpoint-localhost\" = \"off\""));
    let (_, index) = &pages[0];
    assert!(
        index.contains("| [`config/endpoint-localhost`](config/endpoint-localhost.md) | error |"),
        "{index}"
    );
}

#[test]
fn every_sarif_rule_links_its_page_in_the_repository() {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", "fixtures/cruddur", "--format", "sarif"])
        .current_dir(repository())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let home = format!("{}/blob/main/", env!("CARGO_PKG_REPOSITORY"));
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let uri = rule["helpUri"].as_str().unwrap_or_default();
        let page = uri
            .strip_prefix(&home)
            .unwrap_or_else(|| panic!("{id}: helpUri {uri:?} is not under {home}"));
        assert_eq!(page, format!("docs/rules/{id}.md"));
        assert!(repository().join(page).is_file(), "{id}: no {page}");
    }
}
