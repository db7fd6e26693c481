//! The one-line verdict: what the findings and steps say will happen to the traces. It states
//! facts; the policy (levels, ignores, baselines) decides the exit code, never this line: a
//! baselined blocker still means Honeycomb receives nothing, and says it is baselined.

use std::collections::HashSet;

use super::{Report, Status};
use crate::finding::{CANARY_STEP, Finding, Severity, name_services};
use crate::resolve::route::{Destination, HopStatus};

/// What will happen to the traces, most serious first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// These services will send nothing Honeycomb receives; `silenced` says why the policy
    /// does not count every cause (baselined, ignored inline, turned down).
    Nothing {
        services: Vec<String>,
        silenced: Option<&'static str>,
    },
    /// Errors that affect no instrumented service (a file compose cannot read).
    Errors,
    /// No compose file, no Dockerfile: nothing was checked.
    Empty,
    /// No service uses OpenTelemetry.
    Uninstrumented,
    /// Routes end elsewhere: the services, and where they send instead (`sends to Jaeger`).
    Elsewhere(Vec<(String, String)>),
    /// Online checks that this machine could not complete (its network failed).
    Unverified(Vec<String>),
    /// What is not known: a hop of a route, or a check that was skipped.
    Unknown(Vec<String>),
    /// Traces should arrive, but warnings say some may be lost or wrong.
    Warnings,
    /// Nothing in the workspace sends, but the canary got through.
    CanaryAccepted,
    /// Every instrumented service will send to Honeycomb.
    Ready(usize),
}

impl Verdict {
    pub fn of(report: &Report) -> Verdict {
        let instrumented = report
            .services
            .iter()
            .filter(|s| s.uses_opentelemetry)
            .count();
        let (services, silenced) = blocked(report);
        if !services.is_empty() {
            return Verdict::Nothing { services, silenced };
        }
        let counts = report.counts();
        if counts.errors > 0 {
            return Verdict::Errors;
        }
        if report.services.is_empty() && !canary_arrived(report) {
            return Verdict::Empty;
        }
        if instrumented == 0 && !canary_arrived(report) {
            return Verdict::Uninstrumented;
        }
        let elsewhere = elsewhere(report);
        if !elsewhere.is_empty() {
            return Verdict::Elsewhere(elsewhere);
        }
        let unverified: Vec<String> = report
            .steps
            .iter()
            .filter(|s| s.status == Status::Unverified)
            .map(|s| format!("{}: {}", s.title, s.summary))
            .collect();
        if !unverified.is_empty() {
            return Verdict::Unverified(unverified);
        }
        let unknown = unknown(report);
        if !unknown.is_empty() {
            return Verdict::Unknown(unknown);
        }
        if counts.warnings > 0 {
            return Verdict::Warnings;
        }
        if instrumented == 0 {
            return Verdict::CanaryAccepted;
        }
        Verdict::Ready(instrumented)
    }

    /// The verdict as a step's outcome, for the formats that mark it (the HTML report).
    pub fn status(&self) -> Status {
        match self {
            Verdict::Nothing { .. } | Verdict::Errors => Status::Fail,
            Verdict::Empty | Verdict::Uninstrumented => Status::Skip,
            Verdict::Unverified(_) | Verdict::Unknown(_) => Status::Unverified,
            Verdict::Elsewhere(_) | Verdict::Warnings => Status::Warn,
            Verdict::CanaryAccepted | Verdict::Ready(_) => Status::Pass,
        }
    }

    /// Whether some online checks could not be completed and nothing failed (exit code 3).
    pub fn is_unverified(&self) -> bool {
        matches!(self, Verdict::Unverified(_))
    }

    /// The verdict in words, after the tally of errors and warnings.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Nothing { services, silenced } => format!(
                "Honeycomb will receive nothing from {}{}.",
                name_services(services),
                silenced.map(|why| format!(" ({why})")).unwrap_or_default()
            ),
            Verdict::Errors => "fix the errors before anything can be checked further.".into(),
            Verdict::Empty => {
                "nothing to check here: no compose file, no Dockerfile, no Kubernetes manifest."
                    .into()
            }
            Verdict::Uninstrumented => {
                "no service uses OpenTelemetry, so nothing will reach Honeycomb.".into()
            }
            Verdict::Elsewhere(places) => {
                let said: Vec<String> = places
                    .iter()
                    .map(|(services, sends)| format!("{services} {sends}"))
                    .collect();
                format!("{}, not to Honeycomb.", said.join("; "))
            }
            Verdict::Unverified(steps) => format!(
                "nothing failed, but this machine could not complete every check ({}).",
                steps.join("; ")
            ),
            Verdict::Unknown(reasons) => {
                format!("not known to arrive: {}.", reasons.join("; "))
            }
            Verdict::Warnings => "traces should arrive, but read the warnings.".into(),
            Verdict::CanaryAccepted => "the canary span was accepted.".into(),
            Verdict::Ready(count) => format!(
                "{count} service{} ready to send traces.",
                if *count == 1 { "" } else { "s" }
            ),
        }
    }
}

/// The services (not collectors: they are told through the services whose spans they lose)
/// that an error-level cause leaves sending nothing, whatever the policy says of it, and why
/// the policy does not count them all when it does not.
fn blocked(report: &Report) -> (Vec<String>, Option<&'static str>) {
    let blockers: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.fact_severity() == Severity::Error)
        .collect();
    let broken: HashSet<&str> = blockers
        .iter()
        .flat_map(|f| f.services.iter().map(String::as_str))
        .collect();
    // A service of the main project and of a variant share a name: count it once.
    let mut counted: HashSet<&str> = HashSet::new();
    let services: Vec<String> = report
        .services
        .iter()
        .filter(|s| s.collector.is_none())
        .map(|s| s.name.as_str())
        .filter(|name| broken.contains(name) && counted.insert(name))
        .map(str::to_string)
        .collect();
    let counting = |f: &&Finding| f.is_active() && f.severity == Severity::Error;
    let silenced = if services.is_empty() || blockers.iter().any(counting) {
        None
    } else if blockers.iter().all(|f| f.triage.ignored_at.is_some()) {
        Some("ignored inline")
    } else if blockers.iter().all(|f| !f.is_active()) {
        Some("baselined")
    } else {
        Some("demoted in the configuration")
    };
    (services, silenced)
}

/// Where traces end instead of Honeycomb, each place with the services whose traces all end
/// there (or elsewhere still), in report order.
fn elsewhere(report: &Report) -> Vec<(String, String)> {
    let mut places: Vec<(String, Vec<&str>)> = Vec::new();
    for service in &report.services {
        let Some(route) = service.route.as_deref() else {
            continue;
        };
        if route.reaches_honeycomb() {
            continue;
        }
        let mut own: Vec<String> = Vec::new();
        for (hop, end) in route.destinations().filter(|(_, end)| end.delivered) {
            let name = match &end.destination {
                Destination::Backend(name) => name.clone(),
                // Spans a connector turns into metrics are not where traces go.
                Destination::Converted(_) => continue,
                other => other.describe(),
            };
            let place = match &hop.endpoint {
                Some(endpoint) if *endpoint != name => format!("{name} ({endpoint})"),
                _ => name,
            };
            if !own.contains(&place) {
                own.push(place);
            }
        }
        if own.is_empty() {
            continue;
        }
        let place = own.join(" and ");
        match places.iter_mut().find(|(p, _)| *p == place) {
            Some((_, services)) => services.push(&service.name),
            None => places.push((place, vec![&service.name])),
        }
    }
    places
        .into_iter()
        .map(|(place, services)| (name_services(&services), place, services.len()))
        .map(|(who, place, count)| {
            let verb = if count == 1 { "sends" } else { "send" };
            (who, format!("{verb} to {place}"))
        })
        .collect()
}

/// What keeps the traces' arrival from being known: a hop of a route nothing decides, a
/// network step that was skipped.
fn unknown(report: &Report) -> Vec<String> {
    let mut reasons: Vec<String> = Vec::new();
    for service in &report.services {
        let Some(route) = service.route.as_deref() else {
            continue;
        };
        if route.reaches_honeycomb() {
            continue;
        }
        if let Some(hop) = route.hops.iter().find(|h| h.status == HopStatus::Unknown) {
            let why = hop.note.as_deref().unwrap_or("not known here");
            reasons.push(format!("{}'s route at {} ({why})", service.name, hop.name));
        }
    }
    for step in &report.steps {
        let online =
            step.id.starts_with(crate::finding::KEY_STEP) || step.id.starts_with(CANARY_STEP);
        if online && step.status == Status::Skip && step.summary != "skipped: --offline" {
            reasons.push(format!("the {} step was {}", step.title, step.summary));
        }
    }
    reasons
}

/// A canary step passed: data got through, whatever the workspace holds.
pub fn canary_arrived(report: &Report) -> bool {
    report
        .steps
        .iter()
        .any(|s| s.id.starts_with(CANARY_STEP) && s.status == Status::Pass)
}
