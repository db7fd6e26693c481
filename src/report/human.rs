//! The doctor-style checklist: one line per step, each finding at file:line:column with its
//! message and fix, and a one-line verdict. Styled with ANSI codes that the output stream keeps
//! or strips (not a terminal, `NO_COLOR`, `--no-color`).

use std::collections::HashMap;
use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::verdict::Verdict;
use super::{
    Report, ServiceSummary, Status, Step, TOOL_NAME, TOOL_VERSION, inactive_reason,
    inactive_summary,
};
use crate::finding::{Finding, FindingIndex, Severity, name_services, step_variant};

const WIDTH: usize = 100;
const TITLE_WIDTH: usize = 14;

const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

/// What the steps look up, indexed once: a monorepo has thousands of steps.
struct Lookup<'a> {
    findings: FindingIndex<'a>,
    services: HashMap<&'a str, &'a ServiceSummary>,
}

pub fn render(report: &Report) -> String {
    let mut services = HashMap::new();
    for service in &report.services {
        services.entry(service.step.as_str()).or_insert(service);
    }
    let lookup = Lookup {
        findings: FindingIndex::new(&report.findings),
        services,
    };
    let mut out = String::new();
    if !report.quiet {
        header(report, &mut out);
    }
    let mut skipped_services: Vec<&Step> = Vec::new();
    for step in &report.steps {
        if step.id.starts_with("service:") && step.status == Status::Skip {
            skipped_services.push(step);
            continue;
        }
        flush_skipped(&mut skipped_services, report, &mut out);
        step_lines(report, &lookup, step, &mut out);
    }
    flush_skipped(&mut skipped_services, report, &mut out);
    verdict(report, &mut out);
    out
}

fn header(report: &Report, out: &mut String) {
    let instrumented = report
        .services
        .iter()
        .filter(|s| s.uses_opentelemetry)
        .count();
    let services = report.services.len();
    let _ = writeln!(
        out,
        "{BOLD}{TOOL_NAME} {TOOL_VERSION}{BOLD:#} · workspace {} · {services} service{} ({instrumented} instrumented)\n",
        report.root,
        plural(services),
    );
}

fn step_lines(report: &Report, lookup: &Lookup, step: &Step, out: &mut String) {
    // Findings that do not count are only a tally under the verdict, unless `--verbose`.
    let findings: Vec<&Finding> = lookup
        .findings
        .of_step(&step.id)
        .filter(|f| report.verbose || f.is_active())
        .collect();
    if !report.quiet {
        let duration = match step.status {
            Status::Skip => String::new(),
            _ => format!("{} ms", step.duration.as_millis()),
        };
        let left = format!(
            "{} {:TITLE_WIDTH$} {}",
            marker(step.status),
            step.title,
            step.summary
        );
        let padding = WIDTH
            .saturating_sub(visible_len(&left) + duration.len())
            .max(2);
        let _ = writeln!(out, "{left}{}{DIM}{duration}{DIM:#}", " ".repeat(padding));
        for detail in &step.details {
            let _ = writeln!(out, "{}{detail}", " ".repeat(TITLE_WIDTH + 5));
        }
        if let Some(service) = lookup
            .services
            .get(step.id.as_str())
            .filter(|_| report.verbose)
        {
            settings_lines(service, out);
        }
    }
    for finding in findings {
        finding_lines(finding, out);
    }
    if let Some(service) = step.id.strip_prefix("service:") {
        // A variant's service (`service:backend@docker-compose.prod.yml`) shares only with the
        // services of its own project.
        let service = service.split_once('@').map_or(service, |(name, _)| name);
        for shared in lookup
            .findings
            .affecting(service, step_variant(&step.id))
            .filter(|f| f.step != step.id)
        {
            let (symbol, style) = severity_style(shared.severity);
            // A finding of this very service listed under another step (the canary's) says
            // where; never "shared with" the service itself.
            let where_reported = match shared.service.as_deref() {
                Some(owner) if owner != service => format!("shared with {owner}, reported there"),
                _ => format!("reported under {}", shared.step),
            };
            let _ = writeln!(
                out,
                "    {style}{symbol} {}{style:#}  {DIM}{where_reported}{DIM:#}",
                shared.rule
            );
        }
    }
}

fn finding_lines(finding: &Finding, out: &mut String) {
    let (symbol, style) = severity_style(finding.severity);
    let location = finding
        .location
        .as_ref()
        .map(|l| format!("  {DIM}{l}{DIM:#}"))
        .unwrap_or_default();
    let inactive = inactive_reason(finding)
        .map(|reason| format!("  {DIM}({reason}){DIM:#}"))
        .unwrap_or_default();
    let hidden = finding
        .hidden_by
        .first()
        .map(|root| format!("  {DIM}(hidden by {}){DIM:#}", root.rule))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "    {style}{symbol} {}{style:#}{location}{hidden}{inactive}",
        finding.rule
    );
    for line in wrap(&finding.message, WIDTH - 6) {
        let _ = writeln!(out, "      {line}");
    }
    if finding.services.len() > 1 {
        let _ = writeln!(
            out,
            "      {DIM}affects {} services: {}{DIM:#}",
            finding.services.len(),
            name_services(&finding.services)
        );
    }
    let mut hint_lines = finding.hint.lines();
    if let Some(first) = hint_lines.next() {
        let _ = writeln!(out, "      {BOLD}fix:{BOLD:#} {first}");
        for line in hint_lines {
            let _ = writeln!(out, "           {line}");
        }
    }
}

/// `--verbose`: what the service runs with, as `docker compose config` would show it (the
/// variables `--show-env` selects, secrets masked).
fn settings_lines(service: &ServiceSummary, out: &mut String) {
    let indent = " ".repeat(TITLE_WIDTH + 5);
    if let Some(command) = &service.command {
        let _ = writeln!(out, "{indent}{DIM}command{DIM:#} {command}");
    }
    for var in &service.environment {
        let _ = writeln!(
            out,
            "{indent}{}={}  {DIM}({}:{}, {}){DIM:#}",
            var.name,
            var.value,
            var.file,
            var.line,
            var.from.as_str()
        );
    }
}

/// Skipped services share one line per reason (no OpenTelemetry, an inactive profile).
fn flush_skipped(skipped: &mut Vec<&Step>, report: &Report, out: &mut String) {
    if report.quiet {
        skipped.clear();
    }
    while let Some(first) = skipped.first() {
        let reason = first.summary.clone();
        let (same, rest): (Vec<&Step>, Vec<&Step>) =
            skipped.iter().partition(|s| s.summary == reason);
        let names: Vec<&str> = same.iter().map(|s| s.title.as_str()).collect();
        let _ = writeln!(
            out,
            "{} {:TITLE_WIDTH$}  {DIM}{reason}{DIM:#}",
            marker(Status::Skip),
            names.join(", ")
        );
        *skipped = rest;
    }
}

fn verdict(report: &Report, out: &mut String) {
    let counts = report.counts();
    let tally = format!(
        "{} error{}, {} warning{}",
        counts.errors,
        plural(counts.errors),
        counts.warnings,
        plural(counts.warnings)
    );
    let verdict = Verdict::of(report);
    let symbol = match &verdict {
        Verdict::Nothing { .. } | Verdict::Errors => format!("{RED}✗{RED:#}"),
        Verdict::Empty | Verdict::Uninstrumented => format!("{DIM}-{DIM:#}"),
        Verdict::Unverified(_) | Verdict::Unknown(_) => format!("{YELLOW}?{YELLOW:#}"),
        Verdict::Elsewhere(_) | Verdict::Warnings => format!("{YELLOW}!{YELLOW:#}"),
        Verdict::CanaryAccepted | Verdict::Ready(_) => format!("{GREEN}✓{GREEN:#}"),
    };
    let scope = match &verdict {
        Verdict::Nothing { services, .. } if counts.errors > 0 => {
            format!(" in {} service{}", services.len(), plural(services.len()))
        }
        _ => String::new(),
    };
    let _ = writeln!(out, "\n{symbol} {tally}{scope} — {}", verdict.describe());
    if let Some(tally) = inactive_summary(&counts) {
        let more = if report.verbose {
            ""
        } else {
            " (-v lists them)"
        };
        let _ = writeln!(out, "  {DIM}{tally}{more}{DIM:#}");
    }
}

fn marker(status: Status) -> String {
    match status {
        Status::Pass => format!("[{GREEN}✓{GREEN:#}]"),
        Status::Warn => format!("[{YELLOW}!{YELLOW:#}]"),
        Status::Fail => format!("[{RED}✗{RED:#}]"),
        Status::Skip => format!("[{DIM}-{DIM:#}]"),
        Status::Unverified => format!("[{YELLOW}?{YELLOW:#}]"),
    }
}

fn severity_style(severity: Severity) -> (&'static str, Style) {
    match severity {
        Severity::Error => ("✗", RED),
        Severity::Warning => ("!", YELLOW),
        Severity::Info => ("i", DIM),
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// The length of a line as the terminal shows it: without escape codes, in characters.
fn visible_len(text: &str) -> usize {
    anstream::adapter::strip_str(text)
        .to_string()
        .chars()
        .count()
}

/// Wraps text at word boundaries; lines already in the text stay lines.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_words_and_keeps_lines() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(wrap("averylongword x", 4), ["averylongword", "x"]);
    }
}
