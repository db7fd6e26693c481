//! One run names every cause. A console exporter hides the endpoint and the key an OTLP
//! exporter will need; a pipeline that lists only `debug` hides that the collector is never
//! given the key its Honeycomb exporter reads. So the workloads are judged again as the
//! report's own fixes will leave them (each finding's `Cure`, applied in memory), round after
//! round, until nothing new appears; what appears is reported now, at its own line, with the
//! finding that hides it.

use std::collections::HashSet;

use super::{Rule, lint_once};
use crate::finding::{Cure, Finding, Hider};
use crate::resolve::{self, Project};
use crate::source::Location;

/// A cause hidden behind a cause hidden behind a cause: deeper chains are not seen in
/// practice, and each round costs a lint of the changed workloads.
const ROUNDS: usize = 4;

type Key = (&'static str, Option<Location>);

fn key(finding: &Finding) -> Key {
    (finding.rule, finding.location.clone())
}

/// What was already said: a rule at a place, and a rule about a workload (a fix may move the
/// line a finding is anchored to, not make it another cause).
#[derive(Default)]
struct Said {
    at: HashSet<Key>,
    about: HashSet<(&'static str, String)>,
}

impl Said {
    fn add(&mut self, finding: &Finding) {
        self.at.insert(key(finding));
        for service in &finding.services {
            self.about.insert((finding.rule, service.clone()));
        }
    }

    fn knows(&self, finding: &Finding) -> bool {
        self.at.contains(&key(finding))
            || finding
                .services
                .iter()
                .any(|s| self.about.contains(&(finding.rule, s.clone())))
    }
}

/// Adds to `found` the findings it hides, each with the chain of findings that hides it. A
/// hidden finding of a cause already reported (the same rule with the same fix: the key a
/// second service will miss too) only adds its services to it.
pub fn add_hidden_causes(
    project: &Project,
    rules: &[&dyn Rule],
    found: &mut Vec<Finding>,
    stands: &dyn Fn(&Finding) -> bool,
) {
    let mut said = Said::default();
    for finding in found.iter() {
        said.add(finding);
    }
    // An ignored finding's fix will not be made: nothing it hides comes to light.
    let mut cures: Vec<Cure> = found
        .iter()
        .filter(|f| stands(f))
        .flat_map(|f| f.cures.clone())
        .collect();
    let mut previous: Vec<Finding> = found
        .iter()
        .filter(|f| !f.cures.is_empty() && stands(f))
        .cloned()
        .collect();
    for _ in 0..ROUNDS {
        let Some(treated) = resolve::treat(project, &cures) else {
            break;
        };
        let new: Vec<Finding> = lint_once(&treated, rules)
            .into_iter()
            .filter(|f| reportable(f) && !said.knows(f))
            .collect();
        if new.is_empty() {
            break;
        }
        let mut round = Vec::with_capacity(new.len());
        for mut finding in new {
            said.add(&finding);
            if let Some(same) = found
                .iter_mut()
                .find(|f| f.rule == finding.rule && f.hint == finding.hint)
            {
                for service in finding.services {
                    if !same.services.contains(&service) {
                        same.services.push(service);
                    }
                }
                continue;
            }
            let hider = hider_of(project, rules, &treated, &cures, &previous, &finding);
            if let Some(hider) = hider {
                explain(&mut finding, hider);
            }
            round.push(finding);
        }
        cures.extend(
            round
                .iter()
                .filter(|f| stands(f))
                .flat_map(|f| f.cures.iter().cloned()),
        );
        found.extend(round.iter().cloned());
        previous = round
            .into_iter()
            .filter(|f| !f.cures.is_empty() && stands(f))
            .collect();
    }
}

/// Only findings about workloads count: what the rules say of the workspace as a whole (its
/// files, the languages it holds) was said the first time.
fn reportable(finding: &Finding) -> bool {
    finding.location.is_some() && !finding.services.is_empty() && !finding.rule.starts_with("meta/")
}

/// The finding of the round before whose fix uncovers this one: the one whose cures change a
/// workload it affects (or a collector on their way); among several, the one without which it
/// does not appear.
fn hider_of<'a>(
    project: &Project,
    rules: &[&dyn Rule],
    treated: &Project,
    cures: &[Cure],
    previous: &'a [Finding],
    finding: &Finding,
) -> Option<&'a Finding> {
    let near: HashSet<&str> = finding
        .services
        .iter()
        .flat_map(|name| {
            let route = treated.service(name).and_then(|s| s.route.as_deref());
            std::iter::once(name.as_str()).chain(
                route
                    .into_iter()
                    .flat_map(|r| r.hops.iter().filter_map(|h| h.collector.as_deref())),
            )
        })
        .collect();
    let candidates: Vec<&Finding> = previous
        .iter()
        .filter(|p| p.cures.iter().any(|c| near.contains(c.target())))
        .collect();
    let candidates = if candidates.is_empty() {
        previous.iter().collect()
    } else {
        candidates
    };
    if candidates.len() <= 1 {
        return candidates.first().copied();
    }
    let wanted = key(finding);
    candidates
        .iter()
        .copied()
        .find(|candidate| {
            let without: Vec<Cure> = cures
                .iter()
                .filter(|c| !candidate.cures.contains(c))
                .cloned()
                .collect();
            resolve::treat(project, &without)
                .is_none_or(|treated| !lint_once(&treated, rules).iter().any(|f| key(f) == wanted))
        })
        .or(candidates.first().copied())
}

/// Says which finding hides it, and what its fix will change: "once the OTLP exporter is
/// added (code/console-exporter, app.py:7:49): ...".
fn explain(finding: &mut Finding, hider: &Finding) {
    let cure = hider
        .cures
        .iter()
        .find(|c| finding.services.iter().any(|s| s == c.target()))
        .or(hider.cures.first());
    let what = cure.map_or_else(|| "it is fixed".to_string(), Cure::describe);
    let at = hider
        .location
        .as_ref()
        .map(|l| format!(", {l}"))
        .unwrap_or_default();
    finding.message = format!("Once {what} ({}{at}): {}", hider.rule, finding.message);
    finding.hidden_by = hider.hidden_by.clone();
    finding.hidden_by.push(Hider {
        rule: hider.rule,
        location: hider.location.clone(),
    });
}
