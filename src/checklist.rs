//! The checklist: one step for the workspace, one per service, built from the resolved project
//! and its findings, and the links between a refused canary and the lint finding that explains
//! it.

use std::time::Duration;

use crate::finding::{Finding, Severity, WORKSPACE_STEP, service_step};
use crate::report::{EnvironmentEntry, Report, ServiceSummary, Status, Step};
use crate::resolve::{Project, Sdk, Service};
use crate::rules;

/// The report of a lint: the workspace step, one step per service, and the findings.
pub fn report(
    root: String,
    project: &Project,
    services: &[&Service],
    findings: Vec<Finding>,
    load_time: Duration,
) -> Report {
    let mut steps = vec![workspace_step(project, &findings, load_time)];
    for service in services {
        let index = project.services.iter().position(|s| s.name == service.name);
        let duration = index
            .and_then(|i| project.timings.get(i))
            .copied()
            .unwrap_or_default();
        steps.push(service_step_of(service, &findings, duration));
    }
    Report {
        root,
        services: services.iter().map(|s| summary(s)).collect(),
        steps,
        findings,
        verbose: false,
        quiet: false,
    }
}

fn workspace_step(project: &Project, findings: &[Finding], duration: Duration) -> Step {
    let step_findings: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.step == WORKSPACE_STEP)
        .collect();
    let sources = project.files.iter().filter(|f| f.ends_with(".py")).count();
    let mut listed: Vec<&str> = project
        .files
        .iter()
        .filter(|f| !f.ends_with(".py"))
        .map(|f| &**f)
        .collect();
    listed.dedup();
    let summary = if project.compose_files.is_empty() && project.services.is_empty() {
        "no compose file (compose.yaml, docker-compose.yml, ...) or Dockerfile found".to_string()
    } else {
        shorten_list(&listed, sources)
    };
    let status = match Status::from_findings(step_findings.iter().copied()) {
        Status::Pass if project.services.is_empty() => Status::Warn,
        status => status,
    };
    Step {
        id: WORKSPACE_STEP.into(),
        title: "workspace".into(),
        status,
        duration,
        summary,
        details: Vec::new(),
    }
}

/// The files read, as many as fit on the checklist line, then how many more.
fn shorten_list(files: &[&str], python_files: usize) -> String {
    const ROOM: usize = 76;
    let mut shown = String::new();
    let mut count = 0;
    for file in files {
        if !shown.is_empty() && shown.len() + file.len() + 2 > ROOM {
            break;
        }
        if !shown.is_empty() {
            shown.push_str(", ");
        }
        shown.push_str(file);
        count += 1;
    }
    let more = files.len() - count + python_files;
    if more > 0 {
        shown.push_str(&format!(" +{more} more"));
    }
    shown
}

fn service_step_of(service: &Service, findings: &[Finding], duration: Duration) -> Step {
    let id = service_step(&service.name);
    let own: Vec<&Finding> = findings
        .iter()
        .filter(|f| (f.step == id || f.affects(&service.name)) && f.is_active())
        .collect();
    let (status, summary) = if own.is_empty() && !service.uses_opentelemetry() {
        (
            Status::Skip,
            "no OpenTelemetry configured (skipped)".to_string(),
        )
    } else if own.is_empty() {
        (Status::Pass, route_summary(service))
    } else {
        let count = |severity| own.iter().filter(|f| f.severity == severity).count();
        let parts: Vec<String> = [
            (Severity::Error, "error"),
            (Severity::Warning, "warning"),
            (Severity::Info, "note"),
        ]
        .iter()
        .filter_map(|&(severity, word)| {
            let n = count(severity);
            (n > 0).then(|| format!("{n} {word}{}", if n == 1 { "" } else { "s" }))
        })
        .collect();
        (Status::from_findings(own.iter().copied()), parts.join(", "))
    };
    Step {
        id,
        title: service.name.clone(),
        status,
        duration,
        summary,
        details: Vec::new(),
    }
}

/// Where a service that passes sends, and with what.
fn route_summary(service: &Service) -> String {
    let plan = service.export_plan();
    match plan.sdk {
        Sdk::Classic => {
            let classic = service.code.classic_sdk.as_ref();
            let host = classic
                .and_then(|c| c.option("api_host"))
                .and_then(|h| h.text())
                .unwrap_or("https://api.honeycomb.io");
            let library = classic.map_or("classic SDK", |c| c.library);
            format!("sends events with Honeycomb's {library} to {host}")
        }
        Sdk::HoneycombDistro => format!(
            "exports to {} ({}) with Honeycomb's distro",
            plan.url, plan.protocol
        ),
        Sdk::OpenTelemetry => format!("exports to {} ({})", plan.url, plan.protocol),
    }
}

fn summary(service: &Service) -> ServiceSummary {
    ServiceSummary {
        name: service.name.clone(),
        language: service.language.map(|l| l.name()),
        dockerfile: service.dockerfile.clone(),
        uses_opentelemetry: service.uses_opentelemetry(),
        command: service.command.as_ref().map(|c| c.text()),
        environment: service
            .env
            .iter()
            .map(|var| EnvironmentEntry {
                name: var.name.clone(),
                value: var.value.clone(),
                file: var.location.file.clone(),
                line: var.location.line,
                from: var.origin,
            })
            .collect(),
    }
}

/// A refused canary usually has its cause among the lint findings of the same service (an
/// unset key, a malformed header): say which, under the step, as the report's sample does.
/// When that cause is in the report, the refusal is its consequence, not a second error: the
/// canary step keeps its answer and its failure, and the finding is folded into the cause.
/// Returns the network findings that stand on their own.
pub fn name_causes(
    steps: &mut [Step],
    network: Vec<Finding>,
    lint: &[Finding],
    lint_reported: bool,
) -> Vec<Finding> {
    const CAUSES: [&str; 6] = [
        "honeycomb/key-unset",
        "honeycomb/key-invalid",
        "honeycomb/key-header-missing",
        "honeycomb/classic-key-dataset",
        "config/headers-malformed",
        "config/endpoint-path",
    ];
    let mut kept = Vec::with_capacity(network.len());
    for finding in network {
        let causes: Vec<&'static str> = if finding.rule == rules::canary::Rejected::META.id {
            lint.iter()
                .filter(|l| {
                    CAUSES.contains(&l.rule)
                        && finding.services.iter().any(|service| l.affects(service))
                })
                .map(|l| l.rule)
                .collect()
        } else {
            Vec::new()
        };
        if let Some(step) = steps.iter_mut().find(|s| s.id == finding.step) {
            for cause in &causes {
                step.details.push(format!("the cause is {cause}"));
            }
        }
        if causes.is_empty() || !lint_reported {
            kept.push(finding);
        }
    }
    kept
}
