//! The report: the steps that ran, what each found, and one renderer per output format.

mod github;
mod human;
mod json;
mod junit;
pub mod route;
mod sarif;
pub mod verdict;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::cli::Format;
use crate::finding::{Finding, Severity};
use crate::resolve::{EnvOrigin, Launcher, Route};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
    /// It ran, but this machine could not reach the network: nothing was learned of the app.
    Unverified,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Unverified => "unverified",
        }
    }

    /// The status of a step from the findings it produced that count (not ignored inline,
    /// not in the baseline).
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Status {
        let active = findings.into_iter().filter(|f| f.is_active());
        match active.map(|f| f.severity).max() {
            Some(Severity::Error) => Status::Fail,
            Some(Severity::Warning) => Status::Warn,
            _ => Status::Pass,
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub duration: Duration,
    /// What the step looked at or concluded, in one line (the skip reason for skipped steps).
    pub summary: String,
    /// Further lines under the step (a canary's answer).
    pub details: Vec<String>,
}

/// A variable a service receives, for `services[].environment`.
#[derive(Debug, Clone)]
pub struct EnvironmentEntry {
    pub name: String,
    /// With secrets masked.
    pub value: String,
    pub file: Arc<str>,
    pub line: u32,
    pub from: EnvOrigin,
    /// Read by the service's OpenTelemetry SDK, or interpolated into a value it reads: what
    /// reports list unless `--show-env all`.
    pub read_by_sdk: bool,
}

#[derive(Debug, Clone)]
pub struct ServiceSummary {
    pub name: String,
    /// The id of its step.
    pub step: String,
    /// The variant compose file it belongs to (`docker-compose.prod.yml`), if not the main.
    pub variant: Option<Arc<str>>,
    pub language: Option<&'static str>,
    pub dockerfile: Option<Arc<str>>,
    /// What starts it: the header counts workloads by launcher.
    pub launcher: Launcher,
    pub uses_opentelemetry: bool,
    pub environment: Vec<EnvironmentEntry>,
    /// The command the container starts with, as words joined by spaces.
    pub command: Option<String>,
    /// Where its spans go, hop by hop.
    pub route: Option<Arc<Route>>,
    /// The collector it runs (`otelcol-contrib 0.114.0`), if it runs one.
    pub collector: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub root: String,
    pub services: Vec<ServiceSummary>,
    pub steps: Vec<Step>,
    pub findings: Vec<Finding>,
    /// The human report shows each service's OpenTelemetry settings and command.
    pub verbose: bool,
    pub quiet: bool,
    /// The human report's width, in columns.
    pub width: usize,
    /// The text of the lines findings point at, by file and line: the human report shows each
    /// under its finding.
    pub source_lines: HashMap<(Arc<str>, u32), String>,
}

/// The findings that count, by severity, and those that do not, by why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Silenced by an `otel-doctor: ignore[...]` pragma.
    pub ignored: usize,
    /// Held by the `--baseline` (and not ignored inline).
    pub baselined: usize,
}

impl Report {
    pub fn counts(&self) -> Counts {
        let count = |severity| {
            self.findings
                .iter()
                .filter(|f| f.is_active() && f.severity == severity)
                .count()
        };
        let ignored = self
            .findings
            .iter()
            .filter(|f| f.triage.ignored_at.is_some())
            .count();
        let inactive = self.findings.iter().filter(|f| !f.is_active()).count();
        Counts {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            ignored,
            baselined: inactive - ignored,
        }
    }

    /// The overall status, as the JSON summary states it: from the findings that count, and
    /// `unverified` when nothing failed but some step could not be completed.
    pub fn status(&self) -> Status {
        match Status::from_findings(&self.findings) {
            Status::Pass if self.steps.iter().any(|s| s.status == Status::Unverified) => {
                Status::Unverified
            }
            status => status,
        }
    }
}

pub const TOOL_NAME: &str = "otel-doctor";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where users learn about the tool (SARIF's `informationUri`): Cargo.toml's `repository`.
pub const TOOL_REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Renders the report in a format. The human format carries ANSI styles; the writer keeps or
/// strips them.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Human => human::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Github => github::render(report),
    }
}

pub use github::step_summary;
/// The human report in the pieces a run prints as soon as each is known: the header and the
/// offline steps, then each network step, then the verdict. Together, `render`'s text.
pub use human::{head as human_head, step_text as human_step, verdict_text as human_verdict};

/// Why a finding does not count, for the formats that show it anyway.
fn inactive_reason(finding: &Finding) -> Option<String> {
    if let Some(pragma) = &finding.triage.ignored_at {
        return Some(format!("ignored inline at {pragma}"));
    }
    (!finding.is_active()).then(|| "in the baseline".to_string())
}

/// "2 findings ignored inline, 1 in the baseline", or nothing.
fn inactive_summary(counts: &Counts) -> Option<String> {
    let mut parts = Vec::new();
    let findings = |n: usize| format!("{n} finding{}", if n == 1 { "" } else { "s" });
    if counts.ignored > 0 {
        parts.push(format!("{} ignored inline", findings(counts.ignored)));
    }
    if counts.baselined > 0 {
        let what = if parts.is_empty() {
            findings(counts.baselined)
        } else {
            counts.baselined.to_string()
        };
        parts.push(format!("{what} in the baseline"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A finding's file as the repository sees it: code scanning and annotations want paths from
/// the repository root, and findings are relative to the workspace folder that was linted.
fn repository_path(report: &Report, file: &str) -> String {
    let root = report.root.trim_end_matches('/');
    if root.is_empty() || root == "." || root.starts_with('/') || file.starts_with('/') {
        return file.to_string();
    }
    let joined = std::path::Path::new(root).join(file);
    crate::workspace::display_path(std::path::Path::new(""), &joined).to_string()
}
