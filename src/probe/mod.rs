//! The network steps: check the Honeycomb key each pipeline sends, and send one canary span
//! over each pipeline, concurrently, each bounded by `--timeout`. Every failure becomes a
//! finding with its own rule, anchored to the line that set the key or the endpoint.

pub(crate) mod answer;
mod canary;
pub(crate) mod classify;
mod collector;
pub(crate) mod http;
mod key;
mod plan;
mod target;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::finding::{CANARY_STEP, Finding, KEY_STEP};
use crate::knowledge::honeycomb::Region;
use crate::report::{Status, Step};
use crate::resolve::{Project, Workload};
use crate::rules::RuleMeta;
use crate::rules::network::{Closed, Dns, Proxy, Refused, Timeout, Tls};
use crate::source::Location;

pub use canary::CANARY_ATTRIBUTE;
pub use key::ApiUrls;
pub use target::Overrides;

use canary::CanaryOutcome;
use classify::{Failure, FailureKind};
use key::{Identity, KeyOutcome};
use target::Target;

/// Which network steps to run, and how.
#[derive(Debug, Clone)]
pub struct Request {
    pub key: bool,
    pub canary: bool,
    pub timeout: Duration,
    pub overrides: Overrides,
    pub api_urls: ApiUrls,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub steps: Vec<Step>,
    pub findings: Vec<Finding>,
    /// Every key sent anywhere, for the report's redaction.
    pub secrets: Vec<String>,
}

/// A finding a probe raises, before it is tied to a step.
#[derive(Debug, Clone)]
pub struct Raised {
    rule: &'static RuleMeta,
    message: String,
    hint: String,
    location: Option<Location>,
    /// This machine could not reach the network (its proxy, its DNS, its firewall): nothing is
    /// known of the app's own route, so the step is unverified, not failed.
    unverified: bool,
}

impl Raised {
    fn new(
        rule: &'static RuleMeta,
        message: String,
        hint: String,
        location: Option<Location>,
    ) -> Self {
        Raised {
            rule,
            message,
            hint,
            location,
            unverified: false,
        }
    }
}

/// Time allowed past `--timeout` for a step to report its own timeout before the step is
/// abandoned and reported as timed out here.
const GRACE: Duration = Duration::from_millis(750);

/// Told about the network steps as they run, so that a checklist can print each one as it
/// finishes (they run concurrently; they are told in the checklist's order).
pub trait Progress {
    /// Every key that will be sent anywhere, before anything is sent (to mask them).
    fn secrets(&mut self, _secrets: &[String]) {}
    /// The step `title` (`canary`), about `target`, is being waited for.
    fn running(&mut self, _title: &str, _target: &str) {}
    /// A step is over, with the findings it raised.
    fn finished(&mut self, _step: &Step, _findings: &[Finding]) {}
}

/// Nobody is watching.
pub struct Silent;

impl Progress for Silent {}

pub fn run(project: &Project, services: &[&Workload], request: &Request) -> Outcome {
    run_with(project, services, request, &mut Silent)
}

pub fn run_with(
    project: &Project,
    services: &[&Workload],
    request: &Request,
    progress: &mut dyn Progress,
) -> Outcome {
    let (targets, skipped) = plan::plan(project, services, &request.overrides);
    let mut outcome = Outcome {
        secrets: targets
            .iter()
            .filter_map(|t| t.key.as_ref().map(|k| k.value.clone()))
            .collect(),
        ..Outcome::default()
    };
    progress.secrets(&outcome.secrets);
    let skip_reason = || {
        let reasons: Vec<String> = skipped
            .iter()
            .map(|s| format!("{}: {}", s.service, s.reason))
            .collect();
        if reasons.is_empty() {
            "no service sends traces over OTLP, and no --api-key (or HONEYCOMB_API_KEY) was given"
                .to_string()
        } else {
            reasons.join("; ")
        }
    };
    if targets.is_empty() {
        for (wanted, id, title) in [
            (request.key, KEY_STEP, "key"),
            (request.canary, CANARY_STEP, "canary"),
        ] {
            if wanted {
                let step = skipped_step(id, title, format!("skipped: {}", skip_reason()));
                outcome.push_skipped(step, progress);
            }
        }
        return outcome;
    }
    let several = targets.len() > 1;
    // Pipelines through one collector share its key: it is checked once.
    let checked_before = |index: usize| {
        let target = &targets[index];
        targets[..index]
            .iter()
            .any(|t| t.key.is_some() && t.key == target.key && t.region() == target.region())
    };
    let keys: Vec<Option<Pending<KeyOutcome>>> = targets
        .iter()
        .enumerate()
        .map(|(index, target)| {
            if checked_before(index) {
                return None;
            }
            let key = target.key.clone()?;
            request.key.then(|| {
                let (target, urls, timeout) =
                    (target.clone(), request.api_urls.clone(), request.timeout);
                // Two requests at most: the configured region, then the other one.
                Pending::spawn(timeout * 2, move || {
                    key::check(&key, &target, &urls, timeout)
                })
            })
        })
        .collect();
    let canaries: Vec<Option<Pending<CanaryOutcome>>> = targets
        .iter()
        .map(|target| {
            (request.canary && target.canary_skip.is_none()).then(|| {
                let (target, timeout) = (target.clone(), request.timeout);
                Pending::spawn(timeout, move || canary::send(&target, timeout))
            })
        })
        .collect();
    let mut identity = None;
    for (index, ((target, key), canary)) in targets.iter().zip(keys).zip(canaries).enumerate() {
        // Several pipelines: one key and one canary step each, named after a service.
        let suffix = if several {
            format!(":{}", target.services.first().map_or("", String::as_str))
        } else {
            String::new()
        };
        if request.key && !checked_before(index) {
            identity = None;
            let id = format!("{KEY_STEP}{suffix}");
            match key {
                Some(pending) => {
                    progress.running("key", &key_url(target));
                    let (result, duration) = pending.wait();
                    let checked = result.unwrap_or_else(|| timed_out_key(target, request.timeout));
                    identity = checked.identity.clone();
                    let step = Step {
                        status: if checked.checked {
                            Status::Pass
                        } else {
                            Status::Skip
                        },
                        duration,
                        ..skipped_step(&id, "key", checked.summary)
                    };
                    outcome.push_step(step, target, checked.raised, progress);
                }
                None => {
                    let reason = match &target.via {
                        Some(collector) => format!(
                            "skipped: `{collector}` sends no Honeycomb key on this route (see collector/key-header-missing)"
                        ),
                        None => NO_KEY.into(),
                    };
                    outcome.push_skipped(skipped_step(&id, "key", reason), progress);
                }
            }
        }
        if let Some(pending) = canary {
            progress.running("canary", &target.label());
            let (result, duration) = pending.wait();
            let sent = result.unwrap_or_else(|| timed_out_canary(target, request.timeout));
            let step = Step {
                status: Status::Pass,
                duration,
                details: canary_details(&sent, identity.as_ref(), target),
                ..skipped_step(&format!("{CANARY_STEP}{suffix}"), "canary", target.label())
            };
            outcome.push_step(step, target, sent.raised, progress);
        } else if let (true, Some(reason)) = (request.canary, &target.canary_skip) {
            let id = format!("{CANARY_STEP}{suffix}");
            let step = skipped_step(&id, "canary", format!("skipped: {reason}"));
            outcome.push_skipped(step, progress);
        }
    }
    outcome
}

const NO_KEY: &str = "skipped: this pipeline sends no Honeycomb key";

impl Outcome {
    /// Adds a step that did not run.
    fn push_skipped(&mut self, step: Step, progress: &mut dyn Progress) {
        progress.finished(&step, &[]);
        self.steps.push(step);
    }

    /// Adds a step with the findings it raised; a step that ran takes its status from them. What
    /// this machine could not verify is no finding about the app: the step says so instead.
    fn push_step(
        &mut self,
        mut step: Step,
        target: &Target,
        raised: Vec<Raised>,
        progress: &mut dyn Progress,
    ) {
        let service = target.services.first();
        let (unverified, raised): (Vec<Raised>, Vec<Raised>) =
            raised.into_iter().partition(|r| r.unverified);
        let findings: Vec<Finding> = raised
            .into_iter()
            .map(|r| {
                r.rule.finding(
                    step.id.clone(),
                    service.cloned(),
                    r.location,
                    r.message,
                    r.hint,
                )
            })
            .collect();
        if step.status != Status::Skip {
            step.status = Status::from_findings(&findings);
        }
        if let Some(first) = unverified.first()
            && step.status != Status::Fail
        {
            step.status = Status::Unverified;
            step.summary = format!("could not verify: {}", first.message);
            step.details = unverified
                .iter()
                .map(|r| format!("{} ({}): {}", r.rule.id, r.message, r.hint))
                .collect();
        }
        progress.finished(&step, &findings);
        self.steps.push(step);
        self.findings.extend(findings);
    }
}

fn skipped_step(id: &str, title: &str, summary: String) -> Step {
    Step {
        id: id.to_string(),
        title: title.to_string(),
        status: Status::Skip,
        duration: Duration::ZERO,
        summary,
        details: Vec::new(),
    }
}

/// The canary's answer, its trace id, and where to see it in Honeycomb when the key check
/// told the team and environment.
fn canary_details(
    outcome: &CanaryOutcome,
    identity: Option<&Identity>,
    target: &Target,
) -> Vec<String> {
    let mut details = vec![outcome.answer.clone()];
    match (&target.via, outcome.accepted) {
        (Some(collector), true) => details.push(format!(
            "accepted by `{collector}`'s receiver; the collector exports on its own, so check its logs if the trace does not show up"
        )),
        (Some(collector), false) => details.push(format!(
            "the hop that failed: the receiver of `{collector}`, the first collector on the route"
        )),
        (None, _) => {}
    }
    if let (Some(trace_id), true) = (&outcome.trace_id, outcome.accepted) {
        match identity {
            Some(identity) => details.push(format!(
                "trace: {}",
                trace_link(identity, &target.resource_name, trace_id)
            )),
            None => details.push(format!(
                "trace id {trace_id}, service.name {}",
                target.resource_name
            )),
        }
    }
    details
}

/// `https://ui.honeycomb.io/{team}/environments/{env}/datasets/{dataset}/trace?trace_id={id}`;
/// classic teams have no environment segment (HONEYCOMB.md).
fn trace_link(identity: &Identity, dataset: &str, trace_id: &str) -> String {
    let environment = if identity.environment.is_empty() {
        String::new()
    } else {
        format!("/environments/{}", identity.environment)
    };
    format!(
        "{}/{}{environment}/datasets/{dataset}/trace?trace_id={trace_id}",
        identity.region.ui_base(),
        identity.team
    )
}

/// A network failure as a finding of its own rule.
fn network_finding(
    failure: &Failure,
    url: &str,
    timeout: Duration,
    location: Option<Location>,
) -> Raised {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string());
    let (rule, message, hint): (&'static RuleMeta, String, String) = match failure.kind {
        FailureKind::Dns => (
            &Dns::META,
            format!("{host} does not resolve from this machine ({}).", failure.detail),
            classify::dns_advice(&host, configured_proxy().as_deref()),
        ),
        FailureKind::Refused => (
            &Refused::META,
            format!("{url} refused the connection: nothing listens there."),
            "start the collector, or check the port (4317 for gRPC, 4318 for HTTP)".into(),
        ),
        FailureKind::Tls => (
            &Tls::META,
            format!("TLS with {host} failed: {}.", failure.detail),
            classify::tls_advice(&failure.detail).into(),
        ),
        FailureKind::Timeout => (
            &Timeout::META,
            format!("no answer from {url} within {} s.", timeout.as_secs_f64()),
            "check that the host is reachable from here (firewall, VPN, egress rules) and that the port speaks the configured protocol".into(),
        ),
        FailureKind::Proxy => (
            &Proxy::META,
            format!("the proxy failed on the way to {url}: {}.", failure.detail),
            "check HTTPS_PROXY / HTTP_PROXY, or add the host to NO_PROXY".into(),
        ),
        FailureKind::Closed => (
            &Closed::META,
            format!("{url} closed the connection without an answer: {}.", failure.detail),
            "check that the port speaks the configured protocol (HTTP 4318, gRPC 4317) and scheme (http or https)".into(),
        ),
    };
    Raised {
        unverified: doctor_side(failure.kind, &host),
        ..Raised::new(rule, message, hint, location)
    }
}

/// Whether a failure says more about this machine than about the app: its proxy failed, or
/// Honeycomb itself (which answers from anywhere on the internet) could not be reached from
/// here. A collector or another host that does not answer is the route's own problem.
fn doctor_side(kind: FailureKind, host: &str) -> bool {
    kind == FailureKind::Proxy
        || (crate::knowledge::honeycomb::region_of_host(host).is_some()
            && matches!(
                kind,
                FailureKind::Dns | FailureKind::Timeout | FailureKind::Refused | FailureKind::Tls
            ))
}

/// The proxy this machine's HTTPS clients use, as the environment sets it.
fn configured_proxy() -> Option<String> {
    ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

fn timed_out_key(target: &Target, timeout: Duration) -> KeyOutcome {
    KeyOutcome {
        checked: true,
        summary: "no answer".into(),
        raised: vec![network_finding(
            &timeout_failure(),
            &key_url(target),
            timeout,
            target.key.as_ref().and_then(|k| k.location.clone()),
        )],
        identity: None,
    }
}

fn timed_out_canary(target: &Target, timeout: Duration) -> CanaryOutcome {
    CanaryOutcome {
        answer: "no answer".into(),
        raised: vec![network_finding(
            &timeout_failure(),
            &target.url,
            timeout,
            target.endpoint_location.clone(),
        )],
        ..CanaryOutcome::default()
    }
}

fn timeout_failure() -> Failure {
    Failure {
        kind: FailureKind::Timeout,
        detail: "no answer".into(),
    }
}

fn key_url(target: &Target) -> String {
    format!(
        "{}/1/auth",
        target.region().unwrap_or(Region::Us).api_base()
    )
}

/// Work running on its own thread; waiting for it never outlasts the deadline. A step that is
/// still stuck (a resolver that ignores timeouts) is abandoned: the process ends with the
/// report, not with the thread.
struct Pending<T> {
    receiver: mpsc::Receiver<(T, Duration)>,
    deadline: Instant,
    started: Instant,
}

impl<T: Send + 'static> Pending<T> {
    fn spawn(bound: Duration, work: impl FnOnce() -> T + Send + 'static) -> Self {
        let (sender, receiver) = mpsc::channel();
        let started = Instant::now();
        std::thread::spawn(move || {
            let result = work();
            let _ = sender.send((result, started.elapsed()));
        });
        Pending {
            receiver,
            deadline: started + bound + GRACE,
            started,
        }
    }

    fn wait(self) -> (Option<T>, Duration) {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        match self.receiver.recv_timeout(remaining) {
            Ok((result, duration)) => (Some(result), duration),
            Err(_) => (None, self.started.elapsed()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_links_follow_honeycomb_urls() {
        let identity = Identity {
            team: "cruddur".into(),
            environment: "dev".into(),
            region: Region::Us,
        };
        assert_eq!(
            trace_link(&identity, "backend-flask", "abc"),
            "https://ui.honeycomb.io/cruddur/environments/dev/datasets/backend-flask/trace?trace_id=abc"
        );
        let classic = Identity {
            environment: String::new(),
            ..identity
        };
        assert_eq!(
            trace_link(&classic, "ds", "abc"),
            "https://ui.honeycomb.io/cruddur/datasets/ds/trace?trace_id=abc"
        );
    }
}
