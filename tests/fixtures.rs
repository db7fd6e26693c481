//! Every folder under `fixtures/` that holds an `expected.json` is a workspace, and that file
//! lists the exact findings `otel-doctor lint` must report for it: rule, file, line, column,
//! and ` (ignored)` for a finding an inline `otel-doctor: ignore[...]` silences. Adding a case
//! is adding a folder.
//!
//! Rule fixtures live in `fixtures/rules/<area>/<name>/`: folders named `fires*` must report
//! the rule, folders named `near-miss*` are close cases that must not. Every offline rule has
//! at least one of each.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// Why the fixture exists (for the reader; not checked).
    #[allow(dead_code)]
    about: String,
    #[serde(default)]
    args: Vec<String>,
    /// The shell environment of the run (nothing else is inherited).
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    exit: Option<i32>,
    /// `rule file:line:column` (then ` (ignored)` when silenced inline, ` (hidden by RULE)` when
    /// found behind another finding, RULE the root of the chain), in any order.
    findings: Vec<String>,
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn expected_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() && !path.is_symlink() {
            let expected = path.join("expected.json");
            if expected.is_file() {
                out.push(expected);
            }
            expected_files(&path, out);
        }
    }
}

fn load(expected: &Path) -> Expected {
    let text = std::fs::read_to_string(expected).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", expected.display()))
}

/// Runs the real binary on a fixture and returns the findings as `rule file:line:column`, or
/// why there is no report.
fn run(workspace: &Path, expected: &Expected) -> Result<(Vec<String>, Option<i32>), String> {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .arg("lint")
        .arg(workspace)
        .args(&expected.args)
        .args(["--format", "json"])
        .env_clear()
        .envs(&expected.env)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).map_err(|e| {
        format!(
            "not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let mut findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = match f["file"].as_str() {
                Some(file) => format!("{file}:{}:{}", f["line"], f["column"]),
                None => "-".to_string(),
            };
            let ignored = if f["suppressed"].is_null() {
                ""
            } else {
                " (ignored)"
            };
            // A cause the first findings hide names the root one that hides it.
            let hidden = f["hidden_by"][0]["rule"]
                .as_str()
                .map(|rule| format!(" (hidden by {rule})"))
                .unwrap_or_default();
            format!("{} {at}{ignored}{hidden}", f["rule"].as_str().unwrap())
        })
        .collect();
    findings.sort();
    Ok((findings, output.status.code()))
}

#[test]
fn every_fixture_reports_exactly_its_expected_findings() {
    let mut files = Vec::new();
    expected_files(&fixtures_dir(), &mut files);
    assert!(!files.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    for file in &files {
        let workspace = file.parent().unwrap();
        let expected = load(file);
        let name = workspace.strip_prefix(fixtures_dir()).unwrap().display();
        let (actual, exit) = match run(workspace, &expected) {
            Ok(result) => result,
            Err(error) => {
                failures.push(format!("{name}: {error}"));
                continue;
            }
        };
        let mut wanted = expected.findings.clone();
        wanted.sort();
        if actual != wanted {
            let missing: Vec<_> = wanted.iter().filter(|w| !actual.contains(w)).collect();
            let extra: Vec<_> = actual.iter().filter(|a| !wanted.contains(a)).collect();
            failures.push(format!(
                "{name}:\n  missing: {missing:?}\n  unexpected: {extra:?}"
            ));
        }
        let wanted_exit = expected.exit.unwrap_or(i32::from(
            wanted.iter().any(|f| severity_of(f) == Some("error")),
        ));
        if exit != Some(wanted_exit) {
            failures.push(format!("{name}: exit {exit:?}, expected {wanted_exit}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// The default severity of a finding that counts (a fixture whose `.otel-doctor.toml` changes
/// levels states its `exit`).
fn severity_of(finding: &str) -> Option<&'static str> {
    if finding.ends_with(" (ignored)") {
        return None;
    }
    let id = finding.split(' ').next()?;
    otel_doctor::rules::find(id).map(|r| r.meta().severity.as_str())
}

#[test]
fn every_offline_rule_has_a_firing_fixture_and_a_near_miss() {
    let mut missing = Vec::new();
    for rule in otel_doctor::rules::all().filter(|r| !r.meta().online) {
        let id = rule.meta().id;
        let dir = fixtures_dir().join("rules").join(id);
        let mut files = Vec::new();
        expected_files(&dir, &mut files);
        let cases: Vec<(String, Expected)> = files
            .iter()
            .map(|f| {
                let case = f
                    .parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (case, load(f))
            })
            .collect();
        let fires = cases.iter().any(|(case, e)| {
            case.starts_with("fires") && e.findings.iter().any(|f| f.starts_with(&format!("{id} ")))
        });
        let near_misses: Vec<&Expected> = cases
            .iter()
            .filter(|(case, _)| case.starts_with("near-miss"))
            .map(|(_, e)| e)
            .collect();
        if !fires {
            missing.push(format!(
                "{id}: no fixtures/rules/{id}/fires*/ that reports it"
            ));
        }
        if near_misses.is_empty() {
            missing.push(format!("{id}: no fixtures/rules/{id}/near-miss*/"));
        }
        for near_miss in near_misses {
            if near_miss
                .findings
                .iter()
                .any(|f| f.starts_with(&format!("{id} ")))
            {
                missing.push(format!("{id}: a near-miss expects the rule itself"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
