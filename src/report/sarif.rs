//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it, with what peers leave out:
//! `rules[]` with help (the rule's documentation), and `partialFingerprints` so that uploads do
//! not duplicate alerts when lines move.

use serde_json::{Value, json};

use super::{Report, TOOL_NAME, TOOL_VERSION, repository_path};
use crate::finding::{Finding, Severity};
use crate::rules;

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
        "partialFingerprints": {"otelDoctorFinding/v1": fingerprint(finding)},
    });
    if let Some(location) = &finding.location {
        result["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": repository_path(report, &location.file)},
                "region": {"startLine": location.line, "startColumn": location.column},
            }
        }]);
    }
    result
}

/// Stable across runs and line moves: the rule, the file, the service and the message without
/// its digits (line numbers and counts inside messages shift).
fn fingerprint(finding: &Finding) -> String {
    let file = finding.location.as_ref().map_or("", |l| &*l.file);
    let message: String = finding
        .message
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    let identity = [
        finding.rule,
        file,
        finding.service.as_deref().unwrap_or_default(),
        &message,
    ];
    // FNV-1a: tiny, dependency-free and stable across Rust versions (unlike DefaultHasher).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in identity {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
