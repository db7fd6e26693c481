//! `--format github`: GitHub Actions workflow commands (`::error file=...::message`), one per
//! finding, and the step checklist as markdown for `$GITHUB_STEP_SUMMARY`. Annotations never
//! fail a job by themselves: the exit code carries the verdict.

use std::fmt::Write;

use super::{Report, Status, inactive_summary, repository_path};
use crate::finding::Severity;

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
    let _ = write!(
        out,
        "\n{} errors, {} warnings",
        counts.errors, counts.warnings
    );
    if let Some(tally) = inactive_summary(&counts) {
        let _ = write!(out, "; {tally}");
    }
    out.push_str("\n\n");
    out
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
