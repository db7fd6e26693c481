//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it, with what peers leave out:
//! `rules[]` with help (the rule's documentation), `partialFingerprints` so that uploads do
//! not duplicate alerts when lines move, `suppressions` for findings ignored inline, and
//! `baselineState` with `--baseline`.

use serde_json::{Value, json};

use super::{Report, TOOL_NAME, TOOL_VERSION, repository_path};
use crate::finding::{Finding, Severity};
use crate::policy::SARIF_FINGERPRINT_KEY;
use crate::rules;
use crate::source::Location;

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = rules::all()
        .map(|rule| describe_rule(rule.meta()))
        .collect();
    let results: Vec<Value> = report.findings.iter().map(|f| result(report, f)).collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": TOOL_VERSION,
                "semanticVersion": TOOL_VERSION,
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn describe_rule(meta: &rules::RuleMeta) -> Value {
    let documentation = meta.documentation();
    let fix = meta.section("Example");
    json!({
        "id": meta.id,
        "name": meta.id,
        "shortDescription": {"text": meta.summary()},
        "fullDescription": {"text": meta.section("Why is this bad?").replace('\n', " ")},
        "help": {"text": format!("{}\n\n{fix}", meta.summary()), "markdown": documentation},
        "defaultConfiguration": {"level": level(meta.severity)},
        "properties": {"tags": [meta.id.split('/').next().unwrap_or_default()]},
    })
}

fn result(report: &Report, finding: &Finding) -> Value {
    let mut result = json!({
        "ruleId": finding.rule,
        "level": level(finding.severity),
        "message": {"text": format!("{}\nfix: {}", finding.message, finding.hint)},
        "partialFingerprints": {SARIF_FINGERPRINT_KEY: finding.triage.fingerprint},
    });
    if let Some(location) = &finding.location {
        result["locations"] = json!([physical_location(report, location)]);
    }
    if let Some(pragma) = &finding.triage.ignored_at {
        result["suppressions"] = json!([{
            "kind": "inSource",
            "location": physical_location(report, pragma),
        }]);
    }
    if let Some(state) = finding.triage.baseline {
        result["baselineState"] = json!(state.as_str());
    }
    result
}

fn physical_location(report: &Report, location: &Location) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": repository_path(report, &location.file)},
            "region": {"startLine": location.line, "startColumn": location.column},
        }
    })
}
