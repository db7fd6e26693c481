//! Reading the JSON report of a run.

use std::process::Output;

use serde_json::Value;

/// The report a run printed on standard output (`--format json`), which must match the
/// report's JSON Schema.
pub fn json(output: &Output) -> Value {
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    if let Err(problems) = super::report_schema::check(&report) {
        panic!("the report does not match schemas/report.schema.json: {problems}\n{report:#}");
    }
    report
}

/// The step with this id.
pub fn step<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id}: {report}"))
}

/// `rule file:line:column` of every finding, in the report's order.
pub fn locations(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap_or("-"),
                f["line"],
                f["column"]
            )
        })
        .collect()
}
