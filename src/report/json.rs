//! `--format json`: the stable, versioned shape of DESIGN.md, as types. The committed JSON
//! Schema (`schemas/report.schema.json`) is generated from these types and their doc comments
//! (schemars, in this file's tests), and every report the tests make is validated against it:
//! the schema is the contract for the report's fields.

use serde::Serialize;

use super::route::{HopView, hops};
use super::{Report, Status, TOOL_NAME, TOOL_VERSION};
use crate::finding::{BaselineState, Finding, Severity};
use crate::source::Location;

/// Bumped only when a field changes meaning or disappears; new fields do not bump it.
const SCHEMA_VERSION: u32 = 1;

/// What `otel-doctor check`, `lint`, `key` and `canary` report with `--format json`: the steps
/// that ran, the services, and every finding with where it is and how to fix it. Secrets are
/// masked in every value.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(title = "otel-doctor report", deny_unknown_fields))]
struct Document<'a> {
    /// The report's shape: changes only when a field changes meaning or disappears (new fields
    /// do not change it).
    version: u32,
    tool: Tool,
    /// The workspace as given on the command line (a folder or a compose file).
    root: &'a str,
    /// Every service of the project (and of its variant compose files), in order.
    services: Vec<ServiceView<'a>>,
    /// The checklist: one step for the workspace, one per service, then the network steps.
    steps: Vec<StepView<'a>>,
    /// Every finding, including those ignored inline or held by the baseline (marked).
    findings: Vec<FindingView<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(deny_unknown_fields))]
struct Tool {
    /// Always `otel-doctor`.
    name: &'static str,
    /// The version of otel-doctor that wrote the report.
    version: &'static str,
}

/// A service (a workload: what runs) and what it will really run with.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Service", deny_unknown_fields))]
struct ServiceView<'a> {
    /// Its name (the compose service's).
    name: &'a str,
    /// What starts it: `compose`, `image` (a Dockerfile nothing in the workspace runs),
    /// `docker-run`, `devcontainer`, `host` (a process on this machine) or `kubernetes`.
    launcher: &'static str,
    /// The language of its app (`python`, `node`, ...), when told.
    language: Option<&'static str>,
    /// The Dockerfile its image is built from, from the workspace root.
    dockerfile: Option<&'a str>,
    /// Whether it uses OpenTelemetry (packages, code, settings or command).
    opentelemetry: bool,
    /// The command the container starts with, as words joined by spaces.
    command: Option<&'a str>,
    /// The variables it receives, in order, after interpolation (values masked where secret):
    /// those its OpenTelemetry SDK reads, or all with `--show-env all`.
    environment: Vec<Variable<'a>>,
    /// Where its spans go, hop by hop (empty when it sends none).
    route: Vec<HopView<'a>>,
    /// The OpenTelemetry Collector it runs, with its version (`otelcol-contrib 0.114.0`).
    collector: Option<&'a str>,
    /// The variant compose file it belongs to (`docker-compose.prod.yml`); absent for the main
    /// project's services.
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
}

/// A variable a service receives, and where its winning value comes from.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(deny_unknown_fields))]
struct Variable<'a> {
    name: &'a str,
    /// After interpolation; masked when it holds a secret.
    value: &'a str,
    /// The file that sets it, from the workspace root.
    file: &'a str,
    line: u32,
    /// The layer that supplied the value: `environment` (compose), `env_file`, `dockerfile`
    /// (`ENV`), `default` (a `${VAR:-default}` default), or another launcher's own.
    from: &'static str,
}

/// One line of the checklist.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Step", deny_unknown_fields))]
struct StepView<'a> {
    /// `workspace`, `service:NAME` (`service:NAME@FILE` in a variant compose file), `key`,
    /// `canary`, ...
    id: &'a str,
    title: &'a str,
    status: Status,
    duration_ms: u64,
    /// What the step looked at or concluded, in one line (why, for a skipped step).
    summary: &'a str,
    /// Further lines (a canary's answer); absent when there are none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    details: &'a [String],
}

/// One reason traces will not arrive (or may arrive wrong), where it is, and the fix.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Finding", deny_unknown_fields))]
struct FindingView<'a> {
    /// The rule's stable id, `area/name` (`docs/rules/<id>.md` explains it).
    rule: &'static str,
    severity: Severity,
    /// The id of the step that lists it.
    step: &'a str,
    /// The first service it affects.
    service: Option<&'a str>,
    /// Every service it affects (one cause, one finding); empty for the workspace's.
    services: &'a [String],
    /// Where it is, from the workspace root (online findings: the line that supplied the key
    /// or endpoint, when there is one).
    file: Option<&'a str>,
    /// 1-based.
    line: Option<u32>,
    /// 1-based.
    column: Option<u32>,
    /// What is wrong, with the values involved.
    message: &'a str,
    /// The fix: the line to add, the command to run.
    hint: &'a str,
    /// Identifies the finding across runs whatever lines move around it (what `--baseline`
    /// matches).
    fingerprint: &'a str,
    /// The inline `otel-doctor: ignore[...]` that silences it, if one does.
    suppressed: Option<Suppression<'a>>,
    /// Held by the `--baseline`: it does not count.
    baselined: bool,
    /// The findings that hide this one, the root first: it was found by judging the workloads
    /// as their fixes will leave them. Absent for a finding of the workspace as it is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hidden_by: Vec<Hider<'a>>,
}

/// A finding that hides another, and where it is.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(deny_unknown_fields))]
struct Hider<'a> {
    rule: &'static str,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(deny_unknown_fields))]
struct Suppression<'a> {
    /// Always `inline`.
    kind: &'static str,
    location: Position<'a>,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(deny_unknown_fields))]
struct Position<'a> {
    file: &'a str,
    line: u32,
    column: u32,
}

/// The findings that count, by severity, and those that do not, by why.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(deny_unknown_fields))]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
    /// Silenced by an inline ignore.
    ignored: usize,
    /// Held by the baseline (and not ignored inline).
    baselined: usize,
    /// The worst status of the findings that count.
    status: Status,
}

pub fn render(report: &Report) -> String {
    let counts = report.counts();
    let document = Document {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: TOOL_VERSION,
        },
        root: &report.root,
        services: report
            .services
            .iter()
            .map(|service| ServiceView {
                name: &service.name,
                launcher: service.launcher.id(),
                language: service.language,
                dockerfile: service.dockerfile.as_deref(),
                opentelemetry: service.uses_opentelemetry,
                command: service.command.as_deref(),
                environment: service
                    .environment
                    .iter()
                    .map(|var| Variable {
                        name: &var.name,
                        value: &var.value,
                        file: &var.file,
                        line: var.line,
                        from: var.from.as_str(),
                    })
                    .collect(),
                route: hops(service.route.as_deref()),
                collector: service.collector.as_deref(),
                variant: service.variant.as_deref(),
            })
            .collect(),
        steps: report
            .steps
            .iter()
            .map(|step| StepView {
                id: &step.id,
                title: &step.title,
                status: step.status,
                duration_ms: step.duration.as_millis() as u64,
                summary: &step.summary,
                details: &step.details,
            })
            .collect(),
        findings: report.findings.iter().map(finding).collect(),
        summary: Summary {
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
            ignored: counts.ignored,
            baselined: counts.baselined,
            status: report.status(),
        },
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|_| "null".into());
    text.push('\n');
    text
}

fn finding(finding: &Finding) -> FindingView<'_> {
    let location = finding.location.as_ref();
    FindingView {
        rule: finding.rule,
        severity: finding.severity,
        step: &finding.step,
        service: finding.service.as_deref(),
        services: &finding.services,
        file: location.map(|l| &*l.file),
        line: location.map(|l| l.line),
        column: location.map(|l| l.column),
        message: &finding.message,
        hint: &finding.hint,
        fingerprint: &finding.triage.fingerprint,
        suppressed: finding
            .triage
            .ignored_at
            .as_ref()
            .map(|pragma: &Location| Suppression {
                kind: "inline",
                location: Position {
                    file: &pragma.file,
                    line: pragma.line,
                    column: pragma.column,
                },
            }),
        baselined: finding.triage.baseline == Some(BaselineState::Unchanged),
        hidden_by: finding
            .hidden_by
            .iter()
            .map(|hider| {
                let location = hider.location.as_ref();
                Hider {
                    rule: hider.rule,
                    file: location.map(|l| &*l.file),
                    line: location.map(|l| l.line),
                    column: location.map(|l| l.column),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the schema is committed, from the repository root.
    const SCHEMA: &str = "schemas/report.schema.json";

    /// The committed schema is the one these types make: run with UPDATE_SNAPSHOTS=1 to
    /// rewrite it after changing the report, then review the diff.
    #[test]
    fn the_committed_schema_is_the_reports_shape() {
        let generator = schemars::generate::SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator();
        let mut schema = generator.into_root_schema_for::<Document<'static>>();
        // Where editors and validators can fetch it: the file on the default branch.
        let raw = super::super::TOOL_REPOSITORY.replacen(
            "https://github.com/",
            "https://raw.githubusercontent.com/",
            1,
        );
        schema.insert("$id".into(), format!("{raw}/main/{SCHEMA}").into());
        let mut schema = schema.to_value();
        unwrap_descriptions(&mut schema);
        let mut text = serde_json::to_string_pretty(&schema).unwrap();
        text.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{SCHEMA} is not the report's shape: run with UPDATE_SNAPSHOTS=1 to rewrite it, \
             then review the diff"
        );
    }

    /// Doc comments are wrapped at 100 columns; a description is a paragraph.
    fn unwrap_descriptions(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    match value {
                        serde_json::Value::String(text) if key == "description" => {
                            *text = text.replace('\n', " ");
                        }
                        other => unwrap_descriptions(other),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
            _ => {}
        }
    }
}
