use super::report;
use crate::knowledge::collector::Kind;
use crate::resolve::Project;
use crate::resolve::glob_matches;
use crate::rules::{Check, Findings, declare_rule};

/// The receiver types that read files (the chart renames `filelog` to `file_log`).
const FILE_RECEIVERS: [&str; 2] = ["filelog", "file_log"];

/// More `**` than this in one glob is not judged.
const MAX_DOUBLE_STARS: usize = 4;

/// The exporters that write what they export to the collector's own standard output.
const CONSOLE_EXPORTERS: [&str; 2] = ["debug", "logging"];

declare_rule! {
    /// ## What it does
    /// Checks the collectors that run in a pod and read the pods' log files (a `filelog`
    /// receiver, as the collector chart's `logsCollection` preset sets it up) in a logs
    /// pipeline that exports to `debug`: the files they read must exclude their own
    /// container's log file (under `/var/log/pods/`, by namespace, pod and container).
    ///
    /// ## Why is this bad?
    /// The `debug` exporter prints every log record to the collector's standard output, which
    /// the container runtime writes to the collector's own log file, which the receiver reads
    /// again: each record comes back, forever, and more of them with `verbosity: detailed`
    /// (the chart's README, "Risk of looping the exported logs back into the receiver, causing
    /// log explosion"). The chart excludes its own logs unless `includeCollectorLogs: true`.
    ///
    /// ## Example
    /// ```yaml
    /// presets:
    ///   logsCollection:
    ///     enabled: true
    ///     includeCollectorLogs: true   # the logs pipeline still exports to debug
    /// ```
    /// Use instead: leave `includeCollectorLogs` out, or send the logs pipeline to an exporter
    /// that does not write to the collector's output (`otlp/honeycomb`).
    pub struct LogsLoop => "collector/logs-loop", Warning;
}

impl Check for LogsLoop {
    fn check(&self, project: &Project, out: &mut Findings) {
        let manifests = &project.kubernetes;
        for collector in &project.collectors {
            let Some(model) = collector.model() else {
                continue;
            };
            let Some((pod, container)) = manifests.container_of(&collector.service) else {
                continue;
            };
            // A log file of this collector's container, as the kubelet names it: the pod's
            // name is the workload's and a suffix.
            let own_log = format!(
                "/var/log/pods/{}_{}-x7k2p_0a1b2c3d/{}/0.log",
                pod.object.namespace, pod.object.name, container.name
            );
            for pipeline in model.pipelines.iter().filter(|p| p.signal() == "logs") {
                let Some(console) = pipeline.exporters.iter().find(|e| {
                    model
                        .component(Kind::Exporter, &e.id)
                        .is_some_and(|c| CONSOLE_EXPORTERS.contains(&c.type_name.as_str()))
                }) else {
                    continue;
                };
                for reference in &pipeline.receivers {
                    let Some(receiver) = model
                        .component(Kind::Receiver, &reference.id)
                        .filter(|c| FILE_RECEIVERS.contains(&c.type_name.as_str()))
                    else {
                        continue;
                    };
                    let globs = |key: &str| -> Vec<&str> {
                        let node = receiver.body.get(key);
                        node.map(|n| n.items().iter().filter_map(|i| i.as_scalar()).collect())
                            .unwrap_or_default()
                    };
                    let reads_own = globs("include")
                        .iter()
                        .any(|glob| path_matches(glob, &own_log))
                        && !globs("exclude")
                            .iter()
                            .any(|glob| path_matches(glob, &own_log));
                    if !reads_own {
                        continue;
                    }
                    let location = receiver
                        .body
                        .get("exclude")
                        .map_or(&receiver.location, |n| &n.location);
                    let message = format!(
                        "receiver {} of `{}` reads the pods' log files, its own container's ({}/{}) included, and the {} pipeline exports to {}, which prints each record to that log: every record is read again, and the logs grow without end.",
                        receiver.id,
                        collector.service,
                        pod.object.name,
                        container.name,
                        pipeline.id,
                        console.id
                    );
                    let hint = format!(
                        "exclude the collector's own log:\n  exclude:\n    - /var/log/pods/{}_{}*_*/{}/*.log\n(with the chart: remove includeCollectorLogs: true), or export {} to Honeycomb instead of {}",
                        pod.object.namespace,
                        pod.object.name,
                        container.name,
                        pipeline.id,
                        console.id
                    );
                    report::<Self>(out, project, collector, &[], location, message, hint);
                }
            }
        }
    }
}

/// Whether a file path matches a glob of the filelog receiver: `*` and `?` within one path
/// segment, `**` across any number of them (doublestar, which the receiver uses).
fn path_matches(glob: &str, path: &str) -> bool {
    let globs: Vec<&str> = glob.split('/').collect();
    // Each `**` multiplies the ways to match: a config is untrusted input.
    if globs.iter().filter(|g| **g == "**").count() > MAX_DOUBLE_STARS {
        return false;
    }
    let segments: Vec<&str> = path.split('/').collect();
    segments_match(&globs, &segments)
}

fn segments_match(globs: &[&str], segments: &[&str]) -> bool {
    match (globs.split_first(), segments.split_first()) {
        (None, None) => true,
        (Some((&"**", rest)), _) => {
            (0..=segments.len()).any(|skip| segments_match(rest, &segments[skip..]))
        }
        (Some((glob, rest)), Some((segment, others))) => {
            glob_matches(glob, segment) && segments_match(rest, others)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_by_segment() {
        let own = "/var/log/pods/obs_agent-x7k2p_0a1b/otelcol/0.log";
        assert!(path_matches("/var/log/pods/*/*/*.log", own));
        assert!(path_matches(
            "/var/log/pods/obs_agent*_*/otelcol/*.log",
            own
        ));
        assert!(path_matches("/var/log/**/*.log", own));
        assert!(!path_matches("/var/log/pods/shop_*/*/*.log", own));
        assert!(!path_matches("/var/log/pods/*/*.log", own));
    }
}
