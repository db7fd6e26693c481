//! `check --listen SECS`: after the other steps, wait on the receiver until every instrumented
//! service has sent spans (matched on `service.name`) or the time is up, and report one step per
//! service. A service that sent nothing fails its step, with its own lint findings as the
//! likely causes; the silence is a finding of its own only when no lint error explains it. The
//! canary otel-doctor sends itself does not count.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::batch::{Batch, Signal};
use super::{Event, Next, Receiver};
use crate::finding::{Finding, Severity};
use crate::knowledge::otel;
use crate::report::{Status, Step};
use crate::resolve::Workload;
use crate::rules::listen::NothingReceived;

/// A warning that explains silence: the spans arrive, under another name.
const UNNAMED_RULE: &str = "config/service-name-missing";

/// The report step of a service's wait.
fn step_id(service: &str) -> String {
    format!("listen:{service}")
}

/// What arrived under one `service.name`.
#[derive(Debug, Default)]
struct Arrived {
    batches: usize,
    spans: usize,
    names: Vec<String>,
    honeycomb: Vec<String>,
    notes: Vec<String>,
}

impl Arrived {
    fn add(&mut self, batch: &Batch, resource: &super::batch::ResourceSummary) {
        let spans = resource.items - resource.canary_spans;
        if spans == 0 {
            return;
        }
        self.batches += 1;
        self.spans += spans;
        for name in &resource.names {
            if self.names.len() < 3 && !self.names.contains(name) {
                self.names.push(name.clone());
            }
        }
        for line in &batch.honeycomb {
            if !self.honeycomb.contains(line) {
                self.honeycomb.push(line.clone());
            }
        }
        for line in &batch.notes {
            if !self.notes.contains(line) {
                self.notes.push(line.clone());
            }
        }
    }
}

/// The `service.name` the SDK will report: `OTEL_SERVICE_NAME`, else `service.name` in
/// `OTEL_RESOURCE_ATTRIBUTES`, else the compose service's name (what the user calls it).
fn expected_name(service: &Workload) -> String {
    if let Some(setting) = service.setting(otel::SERVICE_NAME)
        && !setting.value.trim().is_empty()
    {
        return setting.value.trim().to_string();
    }
    service
        .setting(otel::RESOURCE_ATTRIBUTES)
        .and_then(|setting| {
            setting.value.split(',').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                (key.trim() == "service.name").then(|| value.trim().to_string())
            })
        })
        .unwrap_or_else(|| service.name.clone())
}

/// Waits up to `wait` for spans from each instrumented service, then stops the receiver.
pub fn wait_for_services(
    mut receiver: Receiver,
    services: &[&Workload],
    lint: &[Finding],
    wait: Duration,
) -> (Vec<Step>, Vec<Finding>) {
    let started = Instant::now();
    let expected: Vec<(&Workload, String)> = services
        .iter()
        .filter(|s| s.uses_opentelemetry())
        .map(|s| (*s, expected_name(s)))
        .collect();
    let mut arrived: BTreeMap<String, Arrived> = BTreeMap::new();
    let record = |event: &Event, arrived: &mut BTreeMap<String, Arrived>| {
        if let Event::Batch(batch) = event
            && batch.signal == Signal::Traces
        {
            for resource in &batch.resources {
                let name = resource.service_name.clone().unwrap_or_default();
                arrived.entry(name).or_default().add(batch, resource);
            }
        }
    };
    receiver.catch_interrupt();
    let deadline = started + wait;
    let all_heard = |arrived: &BTreeMap<String, Arrived>| {
        !expected.is_empty()
            && expected
                .iter()
                .all(|(_, name)| arrived.get(name).is_some_and(|a| a.spans > 0))
    };
    while !all_heard(&arrived) {
        match receiver.next(Some(deadline)) {
            Next::Event(event) => record(&event, &mut arrived),
            Next::Deadline | Next::Interrupted => break,
        }
    }
    let ports = (receiver.http.port(), receiver.grpc.port());
    let address = format!("{} and {}", receiver.http, receiver.grpc);
    for event in receiver.finish() {
        record(&event, &mut arrived);
    }
    let waited = started.elapsed();
    let mut steps = Vec::new();
    let mut findings = Vec::new();
    for (service, name) in &expected {
        let id = step_id(&service.name);
        match arrived.get(name).filter(|a| a.spans > 0) {
            Some(got) => steps.push(received_step(id, name, got, waited)),
            None => {
                let (step, finding) = silent_step(
                    id, service, name, lint, &arrived, ports, &address, wait, waited,
                );
                steps.push(step);
                findings.extend(finding);
            }
        }
    }
    let strangers: Vec<String> = arrived
        .iter()
        .filter(|(name, got)| got.spans > 0 && !expected.iter().any(|(_, n)| n == *name))
        .map(|(name, got)| format!("{} ({} spans)", shown_name(name), got.spans))
        .collect();
    if !strangers.is_empty() {
        steps.push(Step {
            id: "listen".into(),
            title: "listen".into(),
            status: Status::Pass,
            duration: waited,
            summary: format!(
                "also received from {}: no service here has that service.name",
                strangers.join(", ")
            ),
            details: Vec::new(),
        });
    }
    (steps, findings)
}

fn shown_name(name: &str) -> &str {
    if name.is_empty() {
        "(no service.name)"
    } else {
        name
    }
}

fn received_step(id: String, name: &str, got: &Arrived, waited: Duration) -> Step {
    let mut details: Vec<String> = got
        .honeycomb
        .iter()
        .map(|line| format!("Honeycomb: {line}"))
        .collect();
    details.extend(got.notes.iter().cloned());
    Step {
        id,
        title: "listen".into(),
        status: Status::Pass,
        duration: waited,
        summary: format!(
            "spans received from {name}: {} span{} in {} batch{} ({})",
            got.spans,
            if got.spans == 1 { "" } else { "s" },
            got.batches,
            if got.batches == 1 { "" } else { "es" },
            got.names.join(", ")
        ),
        details,
    }
}

#[allow(clippy::too_many_arguments)]
fn silent_step(
    id: String,
    service: &Workload,
    name: &str,
    lint: &[Finding],
    arrived: &BTreeMap<String, Arrived>,
    ports: (u16, u16),
    address: &str,
    wait: Duration,
    waited: Duration,
) -> (Step, Option<Finding>) {
    let causes: Vec<&Finding> = lint
        .iter()
        .filter(|f| f.service.as_deref() == Some(service.name.as_str()))
        .filter(|f| f.severity == Severity::Error || f.rule == UNNAMED_RULE)
        .collect();
    let mut details: Vec<String> = causes
        .iter()
        .map(|f| match &f.location {
            Some(location) => format!("likely cause: {}  {location}", f.rule),
            None => format!("likely cause: {}", f.rule),
        })
        .collect();
    let unnamed: Vec<&String> = arrived
        .iter()
        .filter(|(n, got)| got.spans > 0 && (n.is_empty() || n.starts_with("unknown_service")))
        .map(|(n, _)| n)
        .collect();
    for other in unnamed {
        details.push(format!(
            "spans did arrive as {}: if they are {}'s, set OTEL_SERVICE_NAME={name}",
            shown_name(other),
            service.name
        ));
    }
    let plan = service.export_plan();
    let port = otel::endpoint_url(&plan.url, plan.protocol).and_then(|u| u.port_or_known_default());
    if causes.is_empty()
        && let Some(port) = port
        && port != ports.0
        && port != ports.1
    {
        details.push(format!(
            "{} exports to {} ({}), but this receiver listens on ports {} and {}",
            service.name, plan.url, plan.protocol, ports.0, ports.1
        ));
    }
    if details.is_empty() {
        details.push(
            "no lint finding explains it: is the app running, and did it serve a request? (auto-instrumentation makes spans per request; the batch processor exports every 5 s)"
                .into(),
        );
    }
    let seconds = format!("{:.0} s", wait.as_secs_f64());
    // One root cause, one finding: an error the lint already reported is the reason, and the
    // step says so; the silence is a finding of its own only when nothing explains it.
    let explained = causes.iter().any(|f| f.severity == Severity::Error);
    let finding = (!explained).then(|| {
        NothingReceived::META.finding(
            id.clone(),
            Some(service.name.clone()),
            Some(
                plan.endpoint_location()
                    .unwrap_or_else(|| service.otel_anchor())
                    .clone(),
            ),
            format!(
                "no span with service.name \"{name}\" reached the receiver on {address} in {seconds}."
            ),
            match causes.first() {
                Some(unnamed) => format!(
                    "see {} above: without a name the spans arrive as unknown_service",
                    unnamed.rule
                ),
                None => format!(
                    "point {} at the receiver (OTEL_EXPORTER_OTLP_ENDPOINT=http://host.docker.internal:{}) and send it a request while otel-doctor waits",
                    service.name, ports.0
                ),
            },
        )
    });
    let step = Step {
        id,
        title: "listen".into(),
        status: Status::Fail,
        duration: waited,
        summary: format!("nothing from {name} in {seconds}"),
        details,
    };
    (step, finding)
}
