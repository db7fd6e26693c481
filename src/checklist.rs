//! The checklist: one step for the workspace, one per service, built from the resolved project
//! and its findings, and the links between a refused canary and the lint finding that explains
//! it.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::finding::{
    Finding, FindingIndex, Severity, WORKSPACE_STEP, service_step, step_variant,
    variant_service_step,
};
use crate::knowledge::otel;
use crate::redact;
use crate::report::{EnvironmentEntry, Report, ServiceSummary, Status, Step, route};
use crate::resolve::collector::{Collector, CollectorConfig};
use crate::resolve::{Project, Sdk, Workload};
use crate::rules;
use crate::workspace::Language;
use crate::workspace::VariantKind;

/// The report of a lint: the workspace step, one step per service (those of the main project,
/// then those of each variant compose file, then those compose does not start), and the
/// findings. `in_scope` says which services `--service` keeps.
pub fn report(
    root: String,
    project: &Project,
    variants: &[Project],
    in_scope: &dyn Fn(&str) -> bool,
    findings: Vec<Finding>,
    load_time: Duration,
) -> Report {
    let index = FindingIndex::new(&findings);
    let services: Vec<(&Project, Duration, &Workload)> = std::iter::once(project)
        .chain(variants)
        .flat_map(|p| {
            shown_services(p, &index)
                .map(move |(at, s)| (p, p.timings.get(at).copied().unwrap_or_default(), s))
        })
        .filter(|(_, _, s)| in_scope(&s.name))
        .collect();
    let mut steps = vec![workspace_step(project, variants, &index, load_time)];
    for (owner, duration, service) in &services {
        steps.push(service_step_of(owner, service, &index, *duration));
    }
    steps.extend(inactive_steps(project, variants, in_scope));
    // The services of a monorepo repeat the same variables: each value is masked once.
    let mut masked = HashMap::new();
    let services = services
        .iter()
        .map(|(p, _, s)| summary(p, s, &mut masked))
        .collect();
    Report {
        root,
        services,
        steps,
        findings,
        verbose: false,
        quiet: false,
        width: crate::terminal::DEFAULT_WIDTH,
        source_lines: HashMap::new(),
    }
}

/// The services of a project that get a step. A variant that goes on top of the main file
/// (`-f docker-compose.yml -f docker-compose.python.yml`) also holds the main file's
/// services: only those it defines or changes, or that have findings of their own, are shown.
/// Each comes with its position in the project (for its timing).
fn shown_services<'a>(
    project: &'a Project,
    index: &'a FindingIndex,
) -> impl Iterator<Item = (usize, &'a Workload)> {
    project
        .services
        .iter()
        .enumerate()
        .filter(move |(_, service)| {
            let Some(variant) = project
                .variant
                .as_ref()
                .filter(|v| v.kind == VariantKind::Fragment)
            else {
                return true;
            };
            let step = service.step_id();
            service.location.file == variant.file
                || service.env.iter().any(|v| v.location.file == variant.file)
                || index.of_step(&step).next().is_some()
        })
}

/// Services compose does not start: skipped, with the profile that would start them.
fn inactive_steps(
    project: &Project,
    variants: &[Project],
    in_scope: &dyn Fn(&str) -> bool,
) -> Vec<Step> {
    let main = project.inactive.iter().map(|s| (s, None));
    let of_variants = variants.iter().flat_map(|variant| {
        let file = variant.variant.as_ref().map(|v| &v.file);
        variant
            .inactive
            .iter()
            .filter(move |s| Some(&s.location.file) == file)
            .map(move |s| (s, file))
    });
    main.chain(of_variants)
        .filter(|(service, _)| in_scope(&service.name))
        .map(|(service, file)| {
            let profiles: Vec<String> = service.profiles.iter().map(|p| format!("`{p}`")).collect();
            let (id, title) = match file {
                Some(file) => (
                    variant_service_step(&service.name, file),
                    format!("{} ({file})", service.name),
                ),
                None => (service_step(&service.name), service.name.clone()),
            };
            Step {
                id,
                title,
                status: Status::Skip,
                duration: Duration::ZERO,
                summary: format!(
                    "not started: profile {} not enabled (COMPOSE_PROFILES)",
                    profiles.join(" or ")
                ),
                details: Vec::new(),
            }
        })
        .collect()
}

fn workspace_step(
    project: &Project,
    variants: &[Project],
    index: &FindingIndex,
    duration: Duration,
) -> Step {
    let mut seen: HashSet<&str> = HashSet::new();
    let read: Vec<&str> = std::iter::once(project)
        .chain(variants)
        .flat_map(|p| &p.files)
        .map(|file| &**file)
        .filter(|file| seen.insert(file))
        .collect();
    let sources = read.iter().filter(|f| is_source(f)).count();
    let listed: Vec<&str> = read.into_iter().filter(|f| !is_source(f)).collect();
    let no_services = project.services.is_empty() && variants.iter().all(|v| v.services.is_empty());
    let summary = if project.compose_files.is_empty() && variants.is_empty() && no_services {
        "no compose file (compose.yaml, docker-compose.yml, ...) or Dockerfile found".to_string()
    } else {
        shorten_list(&listed, sources)
    };
    let status = match Status::from_findings(index.of_step(WORKSPACE_STEP)) {
        Status::Pass if no_services => Status::Warn,
        status => status,
    };
    let mut details = project.notes.clone();
    for variant in variants.iter().filter_map(|v| v.variant.as_ref()) {
        details.push(match variant.kind {
            VariantKind::Standalone => format!(
                "{}: checked as a project of its own ({})",
                variant.file,
                variant.command()
            ),
            VariantKind::Fragment => format!(
                "{}: checked on top of {} ({})",
                variant.file,
                variant.main_files.first().map_or("the main file", |f| &**f),
                variant.command()
            ),
        });
    }
    Step {
        id: WORKSPACE_STEP.into(),
        title: "workspace".into(),
        status,
        duration,
        summary,
        details,
    }
}

/// Source code, which the workspace line counts rather than lists.
fn is_source(file: &str) -> bool {
    const EXTENSIONS: [&str; 11] = [
        ".py", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx", ".rb", ".ru",
    ];
    EXTENSIONS.iter().any(|e| file.ends_with(e))
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

fn service_step_of(
    project: &Project,
    service: &Workload,
    index: &FindingIndex,
    duration: Duration,
) -> Step {
    let id = service.step_id();
    // A variant's service has the name of the main project's: a finding listed under another
    // step affects this one only within the same project.
    let own: Vec<&Finding> = index
        .of_step(&id)
        .chain(
            index
                .affecting(&service.name, step_variant(&id))
                .filter(|f| f.step != id),
        )
        .filter(|f| f.is_active())
        .collect();
    let collector = project.collector(&service.name);
    let route = service.route.as_deref();
    let mut details = Vec::new();
    let (status, summary) = if own.is_empty()
        && !service.uses_opentelemetry()
        && service.browser_tracing_only().is_none()
        && collector.is_none()
    {
        (
            Status::Skip,
            "no OpenTelemetry configured (skipped)".to_string(),
        )
    } else if own.is_empty() && service.language == Some(Language::Proxy) {
        (
            Status::Skip,
            "a proxy: it traces through its own configuration (not checked)".to_string(),
        )
    } else if own.is_empty() {
        // The findings that break a route affect the services on it, so with none the
        // route is the summary (a broken hop whose finding is ignored still shows where).
        match (collector, route) {
            (Some(collector), _) => (Status::Pass, collector_summary(collector)),
            (None, Some(route)) => (Status::Pass, route::text(route)),
            (None, None) => (Status::Pass, route_summary(service)),
        }
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
        details.extend(route.map(route::text));
        (Status::from_findings(own.iter().copied()), parts.join(", "))
    };
    let title = match &service.variant {
        Some(file) => format!("{} ({file})", service.name),
        None => service.name.clone(),
    };
    Step {
        id,
        title,
        status,
        duration,
        summary,
        details,
    }
}

/// Where a service that passes sends, and with what.
fn route_summary(service: &Workload) -> String {
    if let Some(file) = service.config_file() {
        return format!("exports as {} configures", file.value);
    }
    let browser = service.node.as_ref().and_then(|n| n.browser.as_ref());
    if let Some(browser) = browser.filter(|_| service.code.otel_imports.is_empty()) {
        let url = browser.exporter.as_ref().and_then(|e| e.text());
        return format!(
            "browsers export to {}",
            url.unwrap_or("the web exporter's default URL")
        );
    }
    if service
        .image
        .as_deref()
        .is_some_and(crate::knowledge::otel::is_collector_image)
    {
        return "an OpenTelemetry Collector: its own configuration decides where spans go"
            .to_string();
    }
    if service.language == Some(crate::workspace::Language::Proxy) {
        return "a web server or proxy: its own configuration decides whether it traces"
            .to_string();
    }
    let plan = service.export_plan();
    let protocol = if plan.protocol_is_known() {
        format!(" ({})", plan.protocol)
    } else {
        String::new()
    };
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
        Sdk::HoneycombDistro => {
            format!("exports to {}{protocol} with Honeycomb's distro", plan.url)
        }
        Sdk::OpenTelemetry => format!("exports to {}{protocol}", plan.url),
    }
}

/// `otelcol-contrib 0.114.0 · otel-collector.yaml`.
fn collector_summary(collector: &Collector) -> String {
    let config = match &collector.config {
        CollectorConfig::BuiltIn => "the image's built-in config".to_string(),
        CollectorConfig::Unknown(reason) => format!("config not known: {reason}"),
        _ => {
            let files: Vec<&str> = collector
                .sources
                .iter()
                .map(|s| s.file.as_deref().unwrap_or(&s.argument))
                .collect();
            files.join(", ")
        }
    };
    format!("collector {} · {config}", collector.describe())
}

/// `masked`: each variable's value as reports show it, by name and value.
fn summary<'a>(
    project: &Project,
    service: &'a Workload,
    masked: &mut HashMap<(&'a str, &'a str), String>,
) -> ServiceSummary {
    let language = service.language.map(|l| l.name());
    let sdk_reads = |name: &str| otel::read_by_sdk(name, language);
    let interpolated: Vec<&str> = service
        .env
        .iter()
        .filter(|var| sdk_reads(&var.name))
        .flat_map(|var| var.uses.iter().map(|u| u.name.as_str()))
        .collect();
    ServiceSummary {
        name: service.name.clone(),
        step: service.step_id(),
        variant: service.variant.clone(),
        language,
        dockerfile: service.dockerfile.clone(),
        launcher: service.launcher,
        uses_opentelemetry: service.uses_opentelemetry()
            || service.browser_tracing_only().is_some(),
        command: service.command.as_ref().map(|c| c.text()),
        route: service.route.clone(),
        collector: project.collector(&service.name).map(Collector::describe),
        environment: service
            .env
            .iter()
            .map(|var| EnvironmentEntry {
                name: var.name.clone(),
                value: masked
                    .entry((&var.name, &var.value))
                    .or_insert_with(|| redact::mask_value(&var.name, &var.value))
                    .clone(),
                file: var.location.file.clone(),
                line: var.location.line,
                from: var.origin,
                read_by_sdk: sdk_reads(&var.name) || interpolated.contains(&var.name.as_str()),
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
