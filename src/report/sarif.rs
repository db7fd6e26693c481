//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it, with what peers leave out:
//! `rules[]` with help (the rule's documentation), `partialFingerprints` so that uploads do
//! not duplicate alerts when lines move, `suppressions` for findings ignored inline, and
//! `baselineState` with `--baseline`. `scripts/validate-sarif.sh` checks every fixture's
//! report with Microsoft's SARIF Multitool (the specification's rules and GitHub's).

use serde_json::{Value, json};

use super::{Report, TOOL_NAME, TOOL_REPOSITORY, TOOL_VERSION, repository_path};
use crate::finding::{Finding, Severity};
use crate::policy::SARIF_FINGERPRINT_KEY;
use crate::rules;
use crate::source::Location;

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = rules::all()
        .map(|rule| describe_rule(rule.meta()))
        .collect();
    // GitHub rejects a result without a location (a key given with `--api-key` and no
    // workspace has none): those findings go to the invocation's notifications instead.
    let (located, unlocated): (Vec<&Finding>, Vec<&Finding>) =
        report.findings.iter().partition(|f| f.location.is_some());
    let results: Vec<Value> = located.iter().map(|f| result(report, f)).collect();
    let notifications: Vec<Value> = unlocated.iter().map(|f| notification(f)).collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "informationUri": TOOL_REPOSITORY,
                "version": TOOL_VERSION,
                "semanticVersion": TOOL_VERSION,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
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
        "name": friendly_name(meta.id),
        "shortDescription": {"text": meta.summary()},
        "fullDescription": {"text": meta.section("Why is this bad?").replace('\n', " ")},
        "help": {"text": format!("{}\n\n{fix}", meta.summary()), "markdown": documentation},
        // Code scanning links the rule's name here. The default branch's page: rule ids never
        // change meaning, and a release tag's page would not exist for a build between tags.
        "helpUri": format!("{TOOL_REPOSITORY}/blob/main/{}", meta.doc_path()),
        "defaultConfiguration": {"level": level(meta.severity)},
        "properties": {"tags": [meta.id.split('/').next().unwrap_or_default()]},
    })
}

/// SARIF wants a rule's `name` to be a Pascal-case identifier distinct from its `id`:
/// `config/exporter-not-otlp` is `ConfigExporterNotOtlp`.
fn friendly_name(id: &str) -> String {
    id.split(['/', '-'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

fn message(finding: &Finding) -> Value {
    json!({"text": format!("{}\nfix: {}", finding.message, finding.hint)})
}

/// A finding without a location; its fingerprint is kept where `--baseline` reads it back.
fn notification(finding: &Finding) -> Value {
    json!({
        "level": level(finding.severity),
        "message": message(finding),
        "associatedRule": {"id": finding.rule},
        "properties": {SARIF_FINGERPRINT_KEY: finding.triage.fingerprint},
    })
}

fn result(report: &Report, finding: &Finding) -> Value {
    let mut result = json!({
        "ruleId": finding.rule,
        "level": level(finding.severity),
        "message": message(finding),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn friendly_names_are_pascal_case_and_unique() {
        assert_eq!(
            friendly_name("config/exporter-not-otlp"),
            "ConfigExporterNotOtlp"
        );
        assert_eq!(friendly_name("network/dns"), "NetworkDns");
        let mut names: Vec<String> = rules::all().map(|r| friendly_name(r.meta().id)).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "two rules share a SARIF name");
    }
}
