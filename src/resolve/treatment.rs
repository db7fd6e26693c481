//! The workloads as the report's fixes will leave them. A finding's `Cure` says what its fix
//! (or its hint's replacement) changes in the resolved model; applied here in memory, they make
//! a project of the changed workloads (and the collectors their spans pass through) that the
//! lint judges again, for the causes the first findings hid.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use super::environment::{EnvOrigin, EnvVar, VarRef};
use super::{Project, Workload, collector::CollectorConfig, route};
use crate::finding::Cure;
use crate::source::Location;
use crate::workspace::interpolate::{VarOutcome, interpolate};

/// The changed workloads, and those whose routes pass through a changed collector, with every
/// collector, treated; `None` when no cure changes anything.
pub fn treat(project: &Project, cures: &[Cure]) -> Option<Project> {
    let mut targets: HashSet<&str> = cures.iter().map(Cure::target).collect();
    // A collector's senders are judged with it: its findings name the services that lose spans.
    let collectors: HashSet<&str> = project
        .collectors
        .iter()
        .map(|c| c.service.as_str())
        .collect();
    for service in &project.services {
        if let Some(route) = &service.route
            && route
                .hops
                .iter()
                .filter_map(|h| h.collector.as_deref())
                .any(|c| targets.contains(c))
        {
            targets.insert(&service.name);
        }
    }
    if targets.iter().all(|t| project.service(t).is_none()) {
        return None;
    }
    let mut services: Vec<Workload> = project
        .services
        .iter()
        .filter(|s| targets.contains(s.name.as_str()) || collectors.contains(s.name.as_str()))
        .cloned()
        .collect();
    let mut collectors = project.collectors.clone();
    for cure in cures {
        match cure {
            Cure::PipelineExporter {
                collector,
                exporter,
            } => {
                if let Some(collector) = collectors.iter_mut().find(|c| &c.service == collector)
                    && let CollectorConfig::Read(model) = &mut collector.config
                {
                    model.list_exporter_in_traces(exporter);
                }
            }
            _ => {
                if let Some(workload) = services.iter_mut().find(|s| s.name == cure.target()) {
                    apply(project, workload, cure);
                }
            }
        }
    }
    for collector in &mut collectors {
        let changed = cures.iter().any(|c| {
            c.target() == collector.service && !matches!(c, Cure::PipelineExporter { .. })
        });
        if let Some(service) = services.iter().find(|s| s.name == collector.service)
            && changed
        {
            collector.receive_env(service.env.clone());
        }
    }
    // What the rules judge of the workspace as a whole (its files' problems, notes) was judged
    // the first time: only the workloads are new.
    let mut treated = Project {
        root: project.root.clone(),
        compose_files: project.compose_files.clone(),
        dotenv_files: project.dotenv_files.clone(),
        files: Vec::new(),
        services,
        problems: Vec::new(),
        interpolation_failures: Vec::new(),
        timings: Vec::new(),
        lines: Default::default(),
        includes_unread: project.includes_unread,
        network_hosts: project.network_hosts.clone(),
        inactive: project.inactive.clone(),
        profiles: project.profiles.clone(),
        variant: project.variant.clone(),
        notes: Vec::new(),
        collectors,
        kubernetes: Arc::clone(&project.kubernetes),
        variables: project.variables.clone(),
        honeycomb_elsewhere: project.mentions_honeycomb(),
        compose_networks: project.compose_networks.clone(),
        boundary: Arc::clone(&project.boundary),
        outside: Vec::new(),
        names: OnceLock::new(),
        senders: OnceLock::new(),
    };
    let routes = route::resolve(&treated);
    for (service, route) in treated.services.iter_mut().zip(routes) {
        service.route = route.map(Arc::new);
    }
    Some(treated)
}

fn apply(project: &Project, workload: &mut Workload, cure: &Cure) {
    match cure {
        Cure::SetVariable {
            name, value, at, ..
        } => {
            forget_flag(workload, name);
            let var = variable(project, name, value, at);
            match workload.env.iter_mut().find(|v| &v.name == name) {
                Some(existing) => *existing = var,
                None => workload.env.push(var),
            }
        }
        Cure::Unset { name, .. } => {
            forget_flag(workload, name);
            workload.env.retain(|v| &v.name != name);
        }
        Cure::Install { packages, .. } => {
            if let Some(image) = &mut workload.image_contents {
                image.install(packages);
            }
        }
        Cure::OtlpExporterInCode { at, .. } => {
            let protocol = workload
                .language
                .map(crate::knowledge::languages::code_terms)
                .and_then(|terms| terms.otlp_protocol);
            workload.code.hand_over_otlp_exporter(at.clone(), protocol);
        }
        Cure::PipelineExporter { .. } => {}
    }
}

/// The `opentelemetry-instrument` flag that sets the variable goes with it.
fn forget_flag(workload: &mut Workload, name: &str) {
    if let Some(instrument) = &mut workload.instrument {
        instrument.flags.retain(|flag| flag.variable != name);
    }
}

/// A variable as compose gives it: `${VAR}` interpolated from the shell and `.env`.
fn variable(project: &Project, name: &str, value: &str, at: &Location) -> EnvVar {
    let lookup = |variable: &str| project.variables.lookup(variable);
    let (interpolated, uses, resolved) = match interpolate(value, &lookup) {
        Ok(done) => (done.value, done.uses, true),
        Err(_) => (value.to_string(), Vec::new(), false),
    };
    let uses: Vec<VarRef> = uses
        .iter()
        .map(|u| VarRef {
            name: u.name.clone(),
            outcome: u.outcome,
            source: project.variables.source(&u.name),
        })
        .collect();
    let origin = if uses.iter().any(|u| u.outcome == VarOutcome::Default) {
        EnvOrigin::Default
    } else {
        EnvOrigin::Environment
    };
    EnvVar {
        name: name.to_string(),
        value: interpolated,
        raw: value.to_string(),
        location: at.clone(),
        origin,
        uses,
        merged_at: None,
        resolved,
    }
}
