//! `--format github`: GitHub Actions workflow commands (`::error file=...::message`), one per
//! finding, and for `$GITHUB_STEP_SUMMARY` the step checklist, the routes drawn (Mermaid) and
//! the findings, as markdown. Annotations never fail a job by themselves: the exit code carries
//! the verdict.

use std::fmt::Write;

use super::graph::Graph;
use super::{Report, Status, inactive_summary, repository_path};
use crate::finding::{Finding, Severity};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    // An annotation on an ignored or baselined finding would raise the alarm it was meant to
    // silence; they are counted in the step summary instead.
    for finding in report.findings.iter().filter(|f| f.is_active()) {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = vec![format!("title={}", escape_property(finding.rule))];
        if let Some(location) = &finding.location {
            properties.insert(
                0,
                format!(
                    "file={}",
                    escape_property(&repository_path(report, &location.file))
                ),
            );
            properties.insert(1, format!("line={}", location.line));
            properties.insert(2, format!("col={}", location.column));
        }
        let message = format!("{}\nfix: {}", finding.message, finding.hint);
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        );
    }
    out
}

/// The checklist as markdown, for `$GITHUB_STEP_SUMMARY`.
pub fn step_summary(report: &Report) -> String {
    let counts = report.counts();
    let mut out = String::from("### otel-doctor\n\n| | step | result |\n|---|---|---|\n");
    for step in &report.steps {
        let icon = match step.status {
            Status::Pass => "✅",
            Status::Warn => "⚠️",
            Status::Fail => "❌",
            Status::Skip => "➖",
            Status::Unverified => "❔",
        };
        let _ = writeln!(
            out,
            "| {icon} | {} | {} |",
            step.title,
            step.summary.replace('|', "\\|")
        );
    }
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let _ = write!(
        out,
        "\n{}, {}",
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning")
    );
    if let Some(tally) = inactive_summary(&counts) {
        let _ = write!(out, "; {tally}");
    }
    out.push_str("\n\n");
    let graph = Graph::of(report);
    if !graph.edges.is_empty() {
        out.push_str("#### Where the spans go\n\n");
        if graph.edges.len() <= MAX_DRAWN_EDGES {
            out.push_str(&graph.mermaid());
        } else {
            // GitHub stops rendering a diagram long before a monorepo's routes end.
            let _ = writeln!(
                out,
                "{} hops: too many to draw here; the JSON report lists each service's `route`.",
                graph.edges.len()
            );
        }
        out.push('\n');
    }
    findings_table(report, &mut out);
    out
}

/// The largest graph drawn in the job summary.
const MAX_DRAWN_EDGES: usize = 200;
/// The most findings listed in the job summary (the annotations and reports have them all).
const MAX_LISTED_FINDINGS: usize = 100;

/// The findings that count, as a table: severity, rule, where, what is wrong and the fix.
fn findings_table(report: &Report, out: &mut String) {
    let active: Vec<&Finding> = report.findings.iter().filter(|f| f.is_active()).collect();
    if active.is_empty() {
        return;
    }
    out.push_str(
        "#### Findings\n\n| | rule | where | what is wrong, and the fix |\n|---|---|---|---|\n",
    );
    for finding in active.iter().take(MAX_LISTED_FINDINGS) {
        let icon = match finding.severity {
            Severity::Error => "❌",
            Severity::Warning => "⚠️",
            Severity::Info => "ℹ️",
        };
        let at = finding
            .location
            .as_ref()
            .map(|l| format!("`{}:{}`", repository_path(report, &l.file), l.line))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {icon} | `{}` | {at} | {}<br>**fix:** {} |",
            finding.rule,
            table_cell(&finding.message),
            table_cell(&finding.hint)
        );
    }
    if active.len() > MAX_LISTED_FINDINGS {
        let _ = writeln!(
            out,
            "\n… and {} more: see the annotations or the reports.",
            active.len() - MAX_LISTED_FINDINGS
        );
    }
    out.push('\n');
}

/// Text inside a markdown table cell: markup shown as typed, pipes escaped, and lines kept
/// with their indentation (a hint's YAML) on one row.
fn table_cell(text: &str) -> String {
    text.lines()
        .map(|line| {
            let body = line.trim_start_matches(' ');
            let indent = "&nbsp;".repeat(line.len() - body.len());
            let body = body
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('|', "\\|");
            format!("{indent}{body}")
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Message data: `%`, CR and LF are escaped (GitHub's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Property values also escape `:` and `,` (GitHub's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
