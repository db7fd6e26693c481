//! `collector/`: an OpenTelemetry Collector's own config, between the apps and Honeycomb. A
//! finding belongs to the collector (its step, its config's line) and is reported once, naming
//! the services whose spans pass through it.

mod classic_key_dataset;
mod component_deprecated;
mod component_undefined;
mod component_unused;
mod config_invalid;
mod config_missing;
mod cors_missing;
mod exporter_unknown_host;
mod exporters_not_honeycomb;
mod honeycomb_endpoint;
mod key_header_missing;
mod key_invalid;
mod key_variable_missing;
mod logs_loop;
mod no_traces_pipeline;
mod ottl_invalid;
mod parse_error;
mod receiver_localhost;
mod receiver_protocol_mismatch;
mod tls_insecure;
mod traces_elsewhere;
mod unknown_component;
mod variable_unset;

use std::collections::HashSet;

use super::{Described, Findings, Rule};
use crate::finding::name_services as names;
use crate::finding::{Cure, Finding, Remedy};
use crate::resolve::collector::honeycomb::{self, HoneycombProblem};
use crate::resolve::collector::{Collector, Exporter};
use crate::resolve::route::Route;
use crate::resolve::{Launcher, Project, Workload};
use crate::rules::hint::{add_variable, set, set_variables};
use crate::source::Location;

pub const RULES: &[&dyn Rule] = &[
    &config_missing::ConfigMissing,
    &parse_error::ParseError,
    &unknown_component::UnknownComponent,
    &component_undefined::ComponentUndefined,
    &config_invalid::ConfigInvalid,
    &ottl_invalid::OttlInvalid,
    &receiver_localhost::ReceiverLocalhost,
    &receiver_protocol_mismatch::ReceiverProtocolMismatch,
    &cors_missing::CorsMissing,
    &no_traces_pipeline::NoTracesPipeline,
    &exporters_not_honeycomb::ExportersNotHoneycomb,
    &exporter_unknown_host::ExporterUnknownHost,
    &honeycomb_endpoint::HoneycombEndpoint,
    &tls_insecure::TlsInsecure,
    &key_header_missing::KeyHeaderMissing,
    &key_variable_missing::KeyVariableMissing,
    &variable_unset::VariableUnset,
    &logs_loop::LogsLoop,
    &key_invalid::KeyInvalid,
    &classic_key_dataset::ClassicKeyDataset,
    &component_unused::ComponentUnused,
    &component_deprecated::ComponentDeprecated,
    &traces_elsewhere::TracesElsewhere,
];

/// The services whose spans pass through a collector, in the project's order.
fn senders<'a>(project: &'a Project, collector: &Collector) -> Vec<&'a str> {
    senders_where(project, collector, |_| true)
}

/// The senders whose route through the collector satisfies `keep`.
fn senders_where<'a>(
    project: &'a Project,
    collector: &Collector,
    keep: impl Fn(&Route) -> bool,
) -> Vec<&'a str> {
    project
        .services
        .iter()
        .filter(|s| {
            s.route
                .as_ref()
                .is_some_and(|r| r.passes_through(&collector.service) && keep(r))
        })
        .map(|s| s.name.as_str())
        .collect()
}

/// ": spans from api and worker stop here" — who loses data, for messages.
fn stops(list: &[&str]) -> String {
    match list.len() {
        0 => String::new(),
        _ => format!(" Spans from {} stop here.", names(list)),
    }
}

/// Reports a finding on the collector's own step, naming the services that lose spans to it.
fn report<'a, R: Described>(
    out: &'a mut Findings,
    project: &Project,
    collector: &Collector,
    affected: &[&str],
    location: &Location,
    message: String,
    hint: String,
) -> Option<&'a mut Finding> {
    let own = collector_service(project, collector)?;
    let affected: HashSet<&str> = affected.iter().copied().collect();
    let services: Vec<&Workload> = std::iter::once(own)
        .chain(
            project
                .services
                .iter()
                .filter(|s| affected.contains(s.name.as_str())),
        )
        .collect();
    out.services(&R::META, &services, location, message, hint)
}

fn collector_service<'a>(project: &'a Project, collector: &Collector) -> Option<&'a Workload> {
    project
        .services
        .iter()
        .find(|s| s.name == collector.service)
}

/// Reports every problem of the collectors' exporters to Honeycomb that `describe` makes a
/// finding of (where, the message, the hint), naming the services whose spans stop there.
fn report_honeycomb_problems<R: Described, P: Into<Problem>>(
    project: &Project,
    out: &mut Findings,
    describe: impl Fn(&Collector, &Exporter, &HoneycombProblem) -> Option<P>,
) {
    for collector in &project.collectors {
        let affected = senders(project, collector);
        let who = stops(&affected);
        for (exporter, problems) in honeycomb_exporters(collector) {
            for problem in &problems {
                let Some(problem) = describe(collector, &exporter, problem) else {
                    continue;
                };
                let Problem {
                    location,
                    message,
                    hint,
                    fix,
                    cures,
                } = problem.into();
                let message = format!("{message}{who}");
                if let Some(finding) =
                    report::<R>(out, project, collector, &affected, &location, message, hint)
                {
                    finding.fix = fix;
                    finding.cures = cures;
                }
            }
        }
    }
}

/// What a rule says of one problem of a collector's exporter: where, what, the hint, and what
/// its fix does to the files and to the resolved collector.
struct Problem {
    location: Location,
    message: String,
    hint: String,
    fix: Option<Remedy>,
    cures: Vec<Cure>,
}

impl From<(Location, String, String)> for Problem {
    fn from((location, message, hint): (Location, String, String)) -> Self {
        Problem {
            location,
            message,
            hint,
            fix: None,
            cures: Vec::new(),
        }
    }
}

/// The exporters of a collector that some pipeline uses and that send to Honeycomb, with what
/// stops them.
fn honeycomb_exporters(collector: &Collector) -> Vec<(Exporter, Vec<honeycomb::HoneycombProblem>)> {
    let Some(model) = collector.model() else {
        return Vec::new();
    };
    let mut used: Vec<&str> = model
        .pipelines
        .iter()
        .flat_map(|p| p.exporters.iter().map(|r| r.id.as_str()))
        .collect();
    used.sort_unstable();
    used.dedup();
    used.into_iter()
        .filter_map(|id| collector.exporter(id))
        .filter(|exporter| honeycomb::region(exporter).is_some())
        .map(|exporter| {
            let problems = honeycomb::problems(&exporter);
            (exporter, problems)
        })
        .collect()
}

/// Why a variable the config expands does not reach the collector's container, how to pass
/// it, and the fix that does (compose: a reference in its `environment`, which compose fills
/// from the shell or `.env`; never a value).
struct NotReceived {
    cause: String,
    hint: String,
    fix: Option<(Remedy, Vec<Cure>)>,
}

fn not_received(
    project: &Project,
    collector: &Collector,
    variable: &str,
    placeholder: &str,
) -> NotReceived {
    let name = &collector.service;
    if let Some((_, location)) = collector.passed_through.iter().find(|(n, _)| n == variable) {
        return NotReceived {
            cause: format!(
                "compose passes {variable} to `{name}` from the shell ({location}), and it is set neither there nor in .env"
            ),
            hint: format!(
                "export {variable}={placeholder} in the shell that runs docker compose, or add {variable}={placeholder} to .env (and keep .env out of git)"
            ),
            fix: None,
        };
    }
    let cause = format!("the `{name}` container does not receive {variable}");
    let Some(service) = project.service(name) else {
        return NotReceived {
            cause,
            hint: format!("give the collector's container {variable}"),
            fix: None,
        };
    };
    if service.launcher != Launcher::Compose {
        return NotReceived {
            cause,
            hint: set_variables(service, &[(variable, placeholder)]),
            fix: None,
        };
    }
    let reference = format!("${{{variable}}}");
    NotReceived {
        cause,
        hint: format!(
            "pass it to the container:\n  {name}:\n    environment:\n      {variable}: {reference}\n(.env and the shell only feed compose's own interpolation)"
        ),
        fix: Some((
            add_variable(service, variable, &reference),
            set(service, &[(variable, &reference)]),
        )),
    }
}
