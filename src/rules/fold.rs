//! One root cause, one finding. Rules report what they see; these folds merge what is one
//! cause seen from several services, and what is only a consequence of another finding.

use std::collections::HashMap;

use crate::finding::{Cure, Finding, Remedy};
use crate::knowledge::otel;
use crate::source::Location;

/// One finding per root cause: the same rule at the same place with the same fix (a shared
/// Dockerfile, manifest or anchor) becomes one finding listing every service it affects.
pub fn shared_causes(findings: Vec<Finding>) -> Vec<Finding> {
    let mut folded: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut index: HashMap<(&'static str, Option<Location>, String), usize> = HashMap::new();
    for finding in findings {
        let key = (finding.rule, finding.location.clone(), finding.hint.clone());
        match index.get(&key) {
            Some(&at) if finding.location.is_some() => {
                let kept = &mut folded[at];
                for service in finding.services {
                    if !kept.services.contains(&service) {
                        kept.services.push(service);
                    }
                }
                // Each service may need its own edit (a variable in its own `environment`).
                kept.fix = Remedy::merge(kept.fix.take(), finding.fix);
                for cure in finding.cures {
                    if !kept.cures.contains(&cure) {
                        kept.cures.push(cure);
                    }
                }
            }
            _ => {
                index.insert(key, folded.len());
                folded.push(finding);
            }
        }
    }
    folded
}

/// Findings that a missing `env_file` explains: what the file would have set is missing. They
/// are folded into the env-file finding ("without it, ... is also unset"), never reported as
/// errors of their own with a fix that points away from the file.
const EXPLAINED_BY_MISSING_ENV_FILE: [(&str, &str); 3] = [
    ("config/endpoint-missing", "no OTLP endpoint"),
    ("honeycomb/key-header-missing", "no x-honeycomb-team header"),
    ("config/service-name-missing", "no OTEL_SERVICE_NAME"),
];

/// Findings that a variable given to the image build only explains, by the variables whose
/// absence they report: the container lacks what the build argument meant to set.
const EXPLAINED_BY_BUILD_ARGUMENT: [(&str, &[&str], &str); 3] = [
    (
        "config/endpoint-missing",
        &[otel::ENDPOINT, otel::TRACES_ENDPOINT],
        "no OTLP endpoint",
    ),
    (
        "honeycomb/key-header-missing",
        &[otel::HEADERS, otel::TRACES_HEADERS],
        "no x-honeycomb-team header",
    ),
    (
        "config/service-name-missing",
        &[otel::SERVICE_NAME],
        "no OTEL_SERVICE_NAME",
    ),
];

pub fn consequences(findings: Vec<Finding>) -> Vec<Finding> {
    build_argument_consequences(env_file_consequences(findings))
}

/// What a variable given to the image build only leaves missing is said with it.
fn build_argument_consequences(findings: Vec<Finding>) -> Vec<Finding> {
    let build_only = super::config::BuildArgOnly::META.id;
    // The variables each service gets only as build arguments, from their findings' cures.
    let given: Vec<(String, String, usize)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.rule == build_only)
        .flat_map(|(at, f)| {
            f.cures.iter().filter_map(move |cure| match cure {
                Cure::SetVariable { workload, name, .. } => {
                    Some((workload.clone(), name.clone(), at))
                }
                _ => None,
            })
        })
        .collect();
    if given.is_empty() {
        return findings;
    }
    let mut notes: HashMap<usize, Vec<&'static str>> = HashMap::new();
    let mut dropped = Vec::new();
    for (index, finding) in findings.iter().enumerate() {
        let Some((_, variables, what)) = EXPLAINED_BY_BUILD_ARGUMENT
            .iter()
            .find(|(rule, _, _)| *rule == finding.rule)
        else {
            continue;
        };
        let cause = given.iter().find(|(workload, name, _)| {
            finding.service.as_ref() == Some(workload) && variables.contains(&name.as_str())
        });
        if let Some((_, _, at)) = cause {
            notes.entry(*at).or_default().push(what);
            dropped.push(index);
        }
    }
    let mut kept = Vec::with_capacity(findings.len());
    for (index, mut finding) in findings.into_iter().enumerate() {
        if dropped.contains(&index) {
            continue;
        }
        if let Some(what) = notes.remove(&index) {
            finding
                .message
                .push_str(&format!(" Without it the service has {}.", what.join(", ")));
        }
        kept.push(finding);
    }
    kept
}

fn env_file_consequences(findings: Vec<Finding>) -> Vec<Finding> {
    let services_missing_a_file: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == super::compose::EnvFileMissing::META.id)
        .filter_map(|f| f.service.clone())
        .collect();
    if services_missing_a_file.is_empty() {
        return findings;
    }
    let mut folded: HashMap<String, Vec<&'static str>> = HashMap::new();
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for finding in findings {
        let explained = EXPLAINED_BY_MISSING_ENV_FILE
            .iter()
            .find(|(rule, _)| *rule == finding.rule)
            .filter(|_| {
                finding
                    .service
                    .as_ref()
                    .is_some_and(|s| services_missing_a_file.contains(s))
            });
        match (explained, &finding.service) {
            (Some((_, what)), Some(service)) => {
                folded.entry(service.clone()).or_default().push(what)
            }
            _ => kept.push(finding),
        }
    }
    for finding in kept
        .iter_mut()
        .filter(|f| f.rule == super::compose::EnvFileMissing::META.id)
    {
        let Some(consequences) = finding.service.as_ref().and_then(|s| folded.remove(s)) else {
            continue;
        };
        finding.message.push_str(&format!(
            " Without its variables the service also has {}.",
            consequences.join(", ")
        ));
    }
    kept
}
