//! What `otel-doctor fix` tells the user: what it fixed, in which files, what it left and why,
//! and what to run next; as text or JSON. With `--diff` the diff is the output and the text
//! summary goes to standard error, so that `otel-doctor fix --diff | git apply` works.

use serde_json::{Value, json};

use super::{Mode, Outcome};
use crate::finding::Finding;

/// The output of a run: what goes to standard output, and to standard error.
pub struct Rendered {
    pub stdout: String,
    pub stderr: String,
}

/// `json` is `--format json`; every other format gets the text summary.
pub fn render(outcome: &Outcome, root: &str, json: bool) -> Rendered {
    if json {
        return Rendered {
            stdout: format!("{:#}\n", to_json(outcome, root)),
            stderr: String::new(),
        };
    }
    let text = human(outcome);
    match outcome.mode {
        Mode::Write => Rendered {
            stdout: text,
            stderr: String::new(),
        },
        Mode::Diff => Rendered {
            stdout: outcome.diff.clone(),
            stderr: text,
        },
    }
}

fn human(outcome: &Outcome) -> String {
    let mut out = String::new();
    let changed: Vec<&str> = outcome
        .files
        .iter()
        .filter(|(_, error)| error.is_none())
        .map(|(file, _)| &**file)
        .collect();
    let verb = match outcome.mode {
        Mode::Write => "fixed",
        Mode::Diff => "would fix",
    };
    if outcome.fixed.is_empty() {
        out.push_str("nothing to fix");
        if outcome.left.is_empty() {
            out.push_str(": no findings\n");
        } else {
            out.push_str(" automatically\n");
        }
    } else {
        out.push_str(&format!(
            "{verb} {} in {}: {}\n",
            plural(outcome.fixed.len(), "finding"),
            plural(changed.len(), "file"),
            changed.join(", ")
        ));
        for (finding, changes) in &outcome.fixed {
            out.push_str(&format!(
                "  ✓ {}  {}  {}\n",
                finding.rule,
                position(finding),
                changes.join("; ")
            ));
        }
    }
    if !outcome.left.is_empty() {
        out.push_str(&format!(
            "left for you: {}\n",
            plural(outcome.left.len(), "finding")
        ));
        for (finding, reason) in &outcome.left {
            out.push_str(&format!(
                "  - {}  {}  {}\n",
                finding.rule,
                position(finding),
                reason.replace('\n', "\n      ")
            ));
        }
    }
    if !outcome.next_steps.is_empty() {
        out.push_str("next:\n");
        for step in &outcome.next_steps {
            out.push_str(&format!("  - {step}\n"));
        }
    }
    for (_, error) in &outcome.files {
        if let Some(error) = error {
            out.push_str(&format!("error: {error}\n"));
        }
    }
    out
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn position(finding: &Finding) -> String {
    finding
        .location
        .as_ref()
        .map_or_else(|| finding.step.clone(), ToString::to_string)
}

fn to_json(outcome: &Outcome, root: &str) -> Value {
    let place = |finding: &Finding| {
        json!({
            "rule": finding.rule,
            "service": finding.service,
            "file": finding.location.as_ref().map(|l| &*l.file),
            "line": finding.location.as_ref().map(|l| l.line),
            "column": finding.location.as_ref().map(|l| l.column),
        })
    };
    let with = |mut value: Value, key: &str, extra: Value| {
        value[key] = extra;
        value
    };
    let mut report = json!({
        "version": 1,
        "tool": {"name": "otel-doctor", "version": env!("CARGO_PKG_VERSION")},
        "root": root,
        "mode": match outcome.mode { Mode::Write => "write", Mode::Diff => "diff" },
        "fixed": outcome.fixed.iter()
            .map(|(finding, changes)| with(place(finding), "changes", json!(changes)))
            .collect::<Vec<_>>(),
        "left": outcome.left.iter()
            .map(|(finding, reason)| with(place(finding), "reason", json!(reason)))
            .collect::<Vec<_>>(),
        "files": outcome.files.iter()
            .map(|(file, error)| match error {
                None => json!({"file": &**file, "status": match outcome.mode {
                    Mode::Write => "written",
                    Mode::Diff => "would change",
                }}),
                Some(error) => json!({"file": &**file, "status": "error", "error": error}),
            })
            .collect::<Vec<_>>(),
        "next": outcome.next_steps,
    });
    if outcome.mode == Mode::Diff {
        report["diff"] = json!(outcome.diff);
    }
    report
}
