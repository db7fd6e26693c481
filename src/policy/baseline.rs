//! `--baseline FILE`: an earlier report, JSON or SARIF, whose findings are accepted for now.
//! Only the fingerprints are read, so a baseline made on another machine or from another
//! folder still matches, and any report the tool wrote can serve as one.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use serde_json::Value;

/// The `partialFingerprints` key of SARIF results; the JSON report's `fingerprint` holds the
/// same value.
pub const SARIF_FINGERPRINT_KEY: &str = "otelDoctorFinding/v1";

/// The baseline cannot be used (exit code 2): one line, with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineError(pub String);

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| BaselineError(format!("cannot read baseline {shown}: {e}")))?;
        Baseline::parse(&text).map_err(|reason| BaselineError(format!("{shown}{reason}")))
    }

    /// The fingerprints of a report; the error continues the file name (`:3:1: ...`).
    fn parse(text: &str) -> Result<Baseline, String> {
        let report: Value = serde_json::from_str(text).map_err(|e| {
            let reason = e.to_string();
            // serde_json ends its message with the position, which goes first here.
            let reason = reason.rsplit_once(" at line ").map_or(&*reason, |(r, _)| r);
            // serde_json counts a position at the start of a line as column 0.
            format!(
                ":{}:{}: not an otel-doctor JSON or SARIF report: {reason}",
                e.line(),
                e.column().max(1)
            )
        })?;
        let entries: Vec<Option<&str>> = if let Some(runs) = report["runs"].as_array() {
            let results = runs
                .iter()
                .filter_map(|run| run["results"].as_array())
                .flatten()
                .map(|result| result["partialFingerprints"][SARIF_FINGERPRINT_KEY].as_str());
            // Findings without a location are the invocation's notifications in SARIF.
            let notifications = runs
                .iter()
                .filter_map(|run| run["invocations"].as_array())
                .flatten()
                .filter_map(|invocation| invocation["toolExecutionNotifications"].as_array())
                .flatten()
                .map(|notification| notification["properties"][SARIF_FINGERPRINT_KEY].as_str());
            results.chain(notifications).collect()
        } else if let Some(findings) = report["findings"].as_array() {
            findings.iter().map(|f| f["fingerprint"].as_str()).collect()
        } else {
            return Err(
                ": not an otel-doctor report: a JSON report has `findings`, a SARIF report `runs`"
                    .into(),
            );
        };
        if entries.iter().any(Option::is_none) {
            return Err(format!(
                ": some findings have no fingerprint (no `{SARIF_FINGERPRINT_KEY}` in SARIF, no `fingerprint` in JSON): write the baseline again with this version"
            ));
        }
        Ok(Baseline {
            fingerprints: entries.into_iter().flatten().map(str::to_string).collect(),
        })
    }

    pub fn holds(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_and_sarif_reports() {
        let json = Baseline::parse(r#"{"findings": [{"fingerprint": "a"}, {"fingerprint": "b"}]}"#)
            .unwrap();
        assert!(json.holds("a") && json.holds("b") && !json.holds("c"));
        let sarif = Baseline::parse(
            r#"{"runs": [{"results": [{"partialFingerprints": {"otelDoctorFinding/v1": "c"}}]}]}"#,
        )
        .unwrap();
        assert!(sarif.holds("c") && !sarif.holds("a"));
        let notification = Baseline::parse(
            r#"{"runs": [{"invocations": [{"toolExecutionNotifications": [{"properties": {"otelDoctorFinding/v1": "d"}}]}], "results": []}]}"#,
        )
        .unwrap();
        assert!(notification.holds("d"));
        assert!(Baseline::parse(r#"{"findings": []}"#).is_ok());
    }

    #[test]
    fn other_files_are_refused_with_a_reason() {
        assert!(
            Baseline::parse("{")
                .unwrap_err()
                .starts_with(":1:1: not an otel-doctor")
        );
        assert!(
            Baseline::parse("[1]")
                .unwrap_err()
                .contains("has `findings`")
        );
        assert!(
            Baseline::parse(r#"{"findings": [{"rule": "a/b"}]}"#)
                .unwrap_err()
                .contains("no fingerprint")
        );
    }
}
