//! The doctor-style checklist: one line per step, each finding at file:line:column with its
//! message and fix, and a one-line verdict. Styled with ANSI codes that the output stream keeps
//! or strips (not a terminal, `NO_COLOR`, `--no-color`).

use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

use anstyle::{AnsiColor, Style};

use super::verdict::Verdict;
use super::{
    Report, ServiceSummary, Status, Step, TOOL_NAME, TOOL_VERSION, inactive_reason,
    inactive_summary,
};
use crate::finding::{Finding, FindingIndex, Severity, name_services, step_variant};
use crate::resolve::Launcher;

const TITLE_WIDTH: usize = 14;
/// Where a step's summary and detail lines start: after `[✓] ` and the title column.
const STEP_INDENT: usize = TITLE_WIDTH + 5;

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
    let mut out = head(report);
    out.push_str(&verdict_text(report));
    out
}

/// Everything above the verdict: the header and every step of the report, with its findings.
pub fn head(report: &Report) -> String {
    let lookup = Lookup::new(report, &report.findings);
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
    out
}

/// One step that finished after the head was printed (a network step), with its findings.
pub fn step_text(report: &Report, step: &Step, findings: &[Finding]) -> String {
    let lookup = Lookup::new(report, findings);
    let mut out = String::new();
    step_lines(report, &lookup, step, &mut out);
    out
}

/// The verdict, and the tally of findings that do not count.
pub fn verdict_text(report: &Report) -> String {
    let mut out = String::new();
    verdict(report, &mut out);
    out
}

impl<'a> Lookup<'a> {
    fn new(report: &'a Report, findings: &'a [Finding]) -> Self {
        let mut services = HashMap::new();
        for service in &report.services {
            services.entry(service.step.as_str()).or_insert(service);
        }
        Lookup {
            findings: FindingIndex::new(findings),
            services,
        }
    }
}

fn header(report: &Report, out: &mut String) {
    let instrumented = report
        .services
        .iter()
        .filter(|s| s.uses_opentelemetry)
        .count();
    let line = format!(
        "{BOLD}{TOOL_NAME} {TOOL_VERSION}{BOLD:#} · workspace {} · {} ({instrumented} instrumented)",
        report.root,
        workloads(&report.services),
    );
    for line in fit(&line, report.width, 2) {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
}

/// The workloads by what starts them, collectors apart, in the order first met: `3 compose
/// services, 1 `docker run` collector, 1 host app`.
fn workloads(services: &[ServiceSummary]) -> String {
    let mut kinds: Vec<(Launcher, bool, usize)> = Vec::new();
    for service in services {
        let kind = (service.launcher, service.collector.is_some());
        match kinds.iter_mut().find(|(l, c, _)| (*l, *c) == kind) {
            Some((_, _, count)) => *count += 1,
            None => kinds.push((kind.0, kind.1, 1)),
        }
    }
    if kinds.is_empty() {
        return "0 services".into();
    }
    let said: Vec<String> = kinds
        .iter()
        .map(|&(launcher, collector, count)| {
            let (what, noun) = match launcher {
                Launcher::Compose => ("compose ", "service"),
                Launcher::DockerRun => ("`docker run` ", "container"),
                Launcher::Devcontainer => ("devcontainer ", "app"),
                Launcher::Host => ("host ", "app"),
                Launcher::Image => ("", "image run by hand"),
                Launcher::Kubernetes => ("Kubernetes ", "container"),
            };
            let noun = if collector { "collector" } else { noun };
            let noun = match noun.split_once(' ') {
                Some((first, rest)) => format!("{first}{} {rest}", plural(count)),
                None => format!("{noun}{}", plural(count)),
            };
            format!("{count} {what}{noun}")
        })
        .collect();
    said.join(", ")
}

fn step_lines(report: &Report, lookup: &Lookup, step: &Step, out: &mut String) {
    // Findings that do not count are only a tally under the verdict, unless `--verbose`.
    let findings: Vec<&Finding> = lookup
        .findings
        .of_step(&step.id)
        .filter(|f| report.verbose || f.is_active())
        .collect();
    if !report.quiet {
        // Times change from run to run: only `-v` shows them, so that two runs of the same
        // workspace print the same report.
        let duration = match step.status {
            Status::Skip => String::new(),
            _ if report.verbose => format!("  {DIM}{} ms{DIM:#}", step.duration.as_millis()),
            _ => String::new(),
        };
        let line = format!(
            "{} {:TITLE_WIDTH$} {}{duration}",
            marker(step.status),
            step.title,
            step.summary
        );
        for line in fit(&line, report.width, STEP_INDENT) {
            let _ = writeln!(out, "{line}");
        }
        for detail in &step.details {
            let indented = format!("{}{detail}", " ".repeat(STEP_INDENT));
            for line in fit(&indented, report.width, STEP_INDENT + 2) {
                let _ = writeln!(out, "{line}");
            }
        }
        if let Some(service) = lookup
            .services
            .get(step.id.as_str())
            .filter(|_| report.verbose)
        {
            settings_lines(report, service, out);
        }
    }
    for finding in findings {
        finding_lines(report, finding, out);
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
            let line = format!(
                "    {style}{symbol} {}{style:#}  {DIM}{where_reported}{DIM:#}",
                shared.rule
            );
            for line in fit(&line, report.width, 6) {
                let _ = writeln!(out, "{line}");
            }
        }
    }
}

fn finding_lines(report: &Report, finding: &Finding, out: &mut String) {
    let width = report.width;
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
    let title = format!(
        "    {style}{symbol} {}{style:#}{location}{hidden}{inactive}",
        finding.rule
    );
    for line in fit(&title, width, 6) {
        let _ = writeln!(out, "{line}");
    }
    if let Some(location) = &finding.location
        && let Some(source) = report
            .source_lines
            .get(&(location.file.clone(), location.line))
    {
        code_frame(location.line, location.column, source, style, width, out);
    }
    for line in wrap(&finding.message, width.saturating_sub(6)) {
        let _ = writeln!(out, "      {line}");
    }
    if finding.services.len() > 1 {
        let line = format!(
            "      {DIM}affects {} services: {}{DIM:#}",
            finding.services.len(),
            name_services(&finding.services)
        );
        for line in fit(&line, width, 6) {
            let _ = writeln!(out, "{line}");
        }
    }
    // The hint's own lines stay lines (a list of packages, a command): each is wrapped on its
    // own, under `fix:`.
    let room = width.saturating_sub(11);
    for (n, hint_line) in finding.hint.lines().enumerate() {
        for (m, part) in wrap(hint_line, room).into_iter().enumerate() {
            if n == 0 && m == 0 {
                let _ = writeln!(out, "      {BOLD}fix:{BOLD:#} {part}");
            } else {
                let _ = writeln!(out, "           {part}");
            }
        }
    }
}

/// The finding's source line under its header, with a caret under the offending word, as
/// rustc and ruff show it:
///
/// ```text
///        |
///     11 |       OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
///        |       ^^^^^^^^^^^^^^^^^^^^^^^^^^
/// ```
///
/// (annotate-snippets renders whole diagnostics, title and origin included, which the
/// finding's own header already says.) A line longer than the width is cut around the caret.
fn code_frame(line: u32, column: u32, source: &str, style: Style, width: usize, out: &mut String) {
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    let (chars, Range { start, end }) = super::frame_line(source, column);
    // `    11 | ` before the text.
    let room = width.saturating_sub(6 + number.len() + 3).max(10);
    let first = if end <= room {
        0
    } else {
        start.saturating_sub(room / 4)
    };
    let mut shown: String = chars[first..].iter().take(room).collect();
    if first > 0 {
        shown.replace_range(..shown.char_indices().nth(1).map_or(0, |(i, _)| i), "…");
    }
    if chars.len() - first > room {
        shown.pop();
        shown.push('…');
    }
    let caret_start = start - first;
    let caret_len = (end.min(first + room) - start).max(1);
    let _ = writeln!(out, "      {DIM}{gutter} |{DIM:#}");
    let _ = writeln!(out, "      {DIM}{number} |{DIM:#} {shown}");
    let _ = writeln!(
        out,
        "      {DIM}{gutter} |{DIM:#} {}{style}{}{style:#}",
        " ".repeat(caret_start),
        "^".repeat(caret_len)
    );
}

/// `--verbose`: what the service runs with, as `docker compose config` would show it (the
/// variables `--show-env` selects, secrets masked).
fn settings_lines(report: &Report, service: &ServiceSummary, out: &mut String) {
    let indent = " ".repeat(STEP_INDENT);
    let mut lines = Vec::new();
    if let Some(command) = &service.command {
        lines.push(format!("{indent}{DIM}command{DIM:#} {command}"));
    }
    for var in &service.environment {
        lines.push(format!(
            "{indent}{}={}  {DIM}({}:{}, {}){DIM:#}",
            var.name,
            var.value,
            var.file,
            var.line,
            var.from.as_str()
        ));
    }
    for line in lines {
        for line in fit(&line, report.width, STEP_INDENT + 2) {
            let _ = writeln!(out, "{line}");
        }
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
        let line = format!(
            "{} {:TITLE_WIDTH$}  {DIM}{reason}{DIM:#}",
            marker(Status::Skip),
            names.join(", ")
        );
        for line in fit(&line, report.width, STEP_INDENT) {
            let _ = writeln!(out, "{line}");
        }
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
    let line = format!("{symbol} {tally}{scope} — {}", verdict.describe());
    out.push('\n');
    for line in fit(&line, report.width, 2) {
        let _ = writeln!(out, "{line}");
    }
    if let Some(tally) = inactive_summary(&counts) {
        let more = if report.verbose {
            ""
        } else {
            " (-v lists them)"
        };
        for line in fit(&format!("  {DIM}{tally}{more}{DIM:#}"), report.width, 2) {
            let _ = writeln!(out, "{line}");
        }
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

/// A styled line cut to the width at spaces, continuation lines indented by `indent`. Styles
/// are kept when the line fits (most do) and dropped from a line that must be cut, which is
/// plainer but never leaves a style open across lines.
fn fit(line: &str, width: usize, indent: usize) -> Vec<String> {
    let plain = anstream::adapter::strip_str(line).to_string();
    if plain.chars().count() <= width {
        return vec![line.to_string()];
    }
    let lead = plain.len() - plain.trim_start().len();
    let mut lines = Vec::new();
    let mut room = width.saturating_sub(lead);
    let mut rest = plain.trim_start().to_string();
    let mut pad = " ".repeat(lead);
    loop {
        let mut parts = wrap(&rest, room.max(1)).into_iter();
        let first = parts.next().unwrap_or_default();
        lines.push(format!("{pad}{}", first.trim_end()));
        let remaining: Vec<String> = parts.collect();
        if remaining.is_empty() {
            break;
        }
        rest = remaining.join(" ");
        pad = " ".repeat(indent);
        room = width.saturating_sub(indent);
    }
    lines
}

/// Wraps at spaces; a word longer than the width (a URL) is cut, so that no line is longer.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    crate::terminal::wrap(text, width)
        .into_iter()
        .flat_map(|line| {
            let chars: Vec<char> = line.chars().collect();
            if chars.len() <= width {
                return vec![line];
            }
            chars.chunks(width).map(|c| c.iter().collect()).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_wraps_at_spaces_and_indents_what_follows() {
        assert_eq!(fit("short", 10, 2), ["short"]);
        assert_eq!(fit("  aaa bbb ccc", 9, 4), ["  aaa bbb", "    ccc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
    }

    #[test]
    fn a_code_frame_puts_a_caret_under_the_word() {
        let mut out = String::new();
        code_frame(11, 7, "      KEY: \"x=${K}\"", Style::new(), 80, &mut out);
        assert_eq!(
            anstream::adapter::strip_str(&out).to_string(),
            "         |\n      11 |       KEY: \"x=${K}\"\n         |       ^^^\n"
        );
        let mut out = String::new();
        let long = format!("{}TARGET rest", "x ".repeat(60));
        code_frame(3, 121, &long, Style::new(), 40, &mut out);
        let out = anstream::adapter::strip_str(&out).to_string();
        for line in out.lines() {
            assert!(line.chars().count() <= 40, "{line}");
        }
        assert!(out.contains("TARGET"), "{out}");
        assert!(out.contains("^^^^^^"), "{out}");
    }
}
