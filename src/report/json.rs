//! `--format json`: the stable, versioned shape of DESIGN.md.

use serde_json::{Value, json};

use super::{Report, TOOL_NAME, TOOL_VERSION};
use crate::finding::BaselineState;

/// Bumped only when a field changes meaning or disappears; new fields do not bump it.
const SCHEMA_VERSION: u32 = 1;

pub fn render(report: &Report) -> String {
    let counts = report.counts();
    let document = json!({
        "version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": TOOL_VERSION},
        "root": report.root,
        "services": report.services.iter().map(|service| {
            let mut value = json!({
                "name": service.name,
                "language": service.language,
                "dockerfile": service.dockerfile.as_deref(),
                "opentelemetry": service.uses_opentelemetry,
                "command": service.command,
                "environment": service.environment.iter().map(|var| json!({
                    "name": var.name,
                    "value": var.value,
                    "file": &*var.file,
                    "line": var.line,
                    "from": var.from.as_str(),
                })).collect::<Vec<_>>(),
                "route": super::route::hops(service.route.as_deref()),
                "collector": service.collector,
            });
            if let Some(file) = &service.variant {
                value["variant"] = json!(&**file);
            }
            value
        }).collect::<Vec<_>>(),
        "steps": report.steps.iter().map(|step| {
            let mut value = json!({
                "id": step.id,
                "title": step.title,
                "status": step.status.as_str(),
                "duration_ms": step.duration.as_millis() as u64,
                "summary": step.summary,
            });
            if !step.details.is_empty() {
                value["details"] = json!(step.details);
            }
            value
        }).collect::<Vec<_>>(),
        "findings": report.findings.iter().map(|finding| {
            let mut value = json!({
            "rule": finding.rule,
            "severity": finding.severity,
            "step": finding.step,
            "service": finding.service,
            "services": finding.services,
            "file": finding.location.as_ref().map(|l| &*l.file),
            "line": finding.location.as_ref().map(|l| l.line),
            "column": finding.location.as_ref().map(|l| l.column),
            "message": finding.message,
            "hint": finding.hint,
            "fingerprint": finding.triage.fingerprint,
            "suppressed": finding.triage.ignored_at.as_ref().map(|pragma| json!({
                "kind": "inline",
                "location": {"file": &*pragma.file, "line": pragma.line, "column": pragma.column},
            })),
            "baselined": finding.triage.baseline == Some(BaselineState::Unchanged),
            });
            // Found by judging the workloads as the fixes of these will leave them, root first.
            if !finding.hidden_by.is_empty() {
                value["hidden_by"] = finding.hidden_by.iter().map(|hider| json!({
                    "rule": hider.rule,
                    "file": hider.location.as_ref().map(|l| &*l.file),
                    "line": hider.location.as_ref().map(|l| l.line),
                    "column": hider.location.as_ref().map(|l| l.column),
                })).collect();
            }
            value
        }).collect::<Vec<_>>(),
        "summary": {
            "errors": counts.errors,
            "warnings": counts.warnings,
            "infos": counts.infos,
            "ignored": counts.ignored,
            "baselined": counts.baselined,
            "status": report.status().as_str(),
        },
    });
    let mut text =
        serde_json::to_string_pretty(&document).unwrap_or_else(|_| Value::Null.to_string());
    text.push('\n');
    text
}
