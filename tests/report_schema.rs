//! The report's JSON Schema is strict enough to catch a report that drifts from it: what
//! every other test's reports are checked against (tests/fixtures.rs, tests/online.rs) would
//! let nothing through if it described nothing.

mod support;

use std::process::Command;

use support::report_schema::check;

fn cruddur_report() -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", "fixtures/cruddur", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_real_report_conforms() {
    let report = cruddur_report();
    assert!(!report["findings"].as_array().unwrap().is_empty());
    check(&report).unwrap();
}

/// A change that takes a report away from the schema.
type Drift = fn(&mut serde_json::Value);

#[test]
fn a_report_that_drifts_from_the_schema_is_refused() {
    let report = cruddur_report();
    let drifts: [(&str, Drift); 6] = [
        ("an unknown field", |r| r["verdict"] = "ok".into()),
        ("an unknown severity", |r| {
            r["findings"][0]["severity"] = "fatal".into()
        }),
        ("a finding without its hint", |r| {
            r["findings"][0].as_object_mut().unwrap().remove("hint");
        }),
        ("a line that is not a number", |r| {
            r["findings"][0]["line"] = "7".into()
        }),
        ("an unknown step status", |r| {
            r["steps"][0]["status"] = "ok".into()
        }),
        ("an unknown field in a service", |r| {
            r["services"][0]["image"] = "python".into()
        }),
    ];
    for (drift, change) in drifts {
        let mut changed = report.clone();
        change(&mut changed);
        assert!(check(&changed).is_err(), "the schema lets {drift} through");
    }
}
