//! The rule catalogue. One file per rule: its doc comment is its documentation (what `explain`
//! prints and SARIF's help), its id is stable, and its check is a pure function of the resolved
//! project. Online rules (network, canary, key checks) are declared here too, for the
//! catalogue; the probes raise them.

pub mod canary;
pub mod code;
pub mod collector;
pub mod compose;
pub mod config;
pub mod deps;
pub mod dockerfile;
mod fold;
pub mod helm;
mod hint;
pub mod honeycomb;
pub mod k8s;
mod latent;
pub mod listen;
pub mod meta;
pub mod network;

use std::collections::HashMap;

use crate::finding::{Finding, Severity, WORKSPACE_STEP, step_variant};
use crate::parallel::{self, ParallelMap};
use crate::resolve::{Project, Workload};
use crate::source::Location;

/// What the catalogue knows about a rule.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub severity: Severity,
    /// The doc comment, as written (each line keeps rustdoc's leading space).
    pub doc: &'static str,
    /// Raised by the network steps (key check, canary), not by a check of the workspace.
    pub online: bool,
}

impl RuleMeta {
    /// The documentation without rustdoc's leading space on each line, and with a `## Fix`
    /// section: the rule's own (which says what `otel-doctor fix` does), or one saying that its
    /// findings are left to the user.
    pub fn documentation(&self) -> String {
        let written = self
            .doc
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string();
        if written.contains("\n## Fix\n") {
            return written;
        }
        let why = if self.online {
            "it reports what the network or Honeycomb answered, not a line of a file"
        } else {
            "the change needs a value or a choice the workspace does not hold (a key, a host, a version, code to change)"
        };
        format!(
            "{written}\n\n## Fix\nNot fixed automatically: {why}. The hint of each finding says what to change."
        )
    }

    /// Its page in the repository (`docs/rules/config/endpoint-localhost.md`), written from its
    /// documentation by `manual::rule_docs`; SARIF's `helpUri` points there.
    pub fn doc_path(&self) -> String {
        format!("docs/rules/{}.md", self.id)
    }

    /// Whether `otel-doctor fix` applies this rule's fix (in the cases its `## Fix` names).
    pub fn fixed_automatically(&self) -> bool {
        self.section("Fix").contains("`otel-doctor fix` applies it")
    }

    /// The first paragraph under `## What it does`: one line for listings.
    pub fn summary(&self) -> String {
        self.section("What it does")
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .replace('\n', " ")
    }

    /// A finding of this rule.
    pub fn finding(
        &self,
        step: String,
        service: Option<String>,
        location: Option<Location>,
        message: String,
        hint: String,
    ) -> Finding {
        Finding {
            rule: self.id,
            severity: self.severity,
            step,
            services: service.iter().cloned().collect(),
            variants: Vec::new(),
            service,
            location,
            message,
            hint,
            fix: None,
            cures: Vec::new(),
            hidden_by: Vec::new(),
            triage: Default::default(),
        }
    }

    /// The text under a `## heading`, up to the next heading.
    pub fn section(&self, heading: &str) -> String {
        let documentation = self.documentation();
        let marker = format!("## {heading}");
        let Some(start) = documentation.find(&marker) else {
            return String::new();
        };
        let body = &documentation[start + marker.len()..];
        let end = body.find("\n## ").unwrap_or(body.len());
        body[..end].trim().to_string()
    }
}

/// Declares a rule: a unit struct whose doc comment becomes its documentation. A trailing
/// `online` marks a rule the network steps raise.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])+ pub struct $name:ident => $id:literal, $severity:ident $(, $online:ident)?;) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                severity: $crate::finding::Severity::$severity,
                doc: concat!($($doc, "\n"),+),
                online: declare_rule!(@online $($online)?),
            };
        }

        impl $crate::rules::Described for $name {
            const META: $crate::rules::RuleMeta = $name::META;
        }
    };
    (@online online) => {
        true
    };
    (@online) => {
        false
    };
}
pub(crate) use declare_rule;

/// The part of a rule `declare_rule!` writes.
pub trait Described {
    const META: RuleMeta;
}

/// The part of a rule its module writes: the offline check (online rules have none).
pub trait Check {
    fn check(&self, _project: &Project, _out: &mut Findings) {}
}

/// A rule, as the registry holds it.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, project: &Project, out: &mut Findings);
}

impl<T: Described + Check + Sync> Rule for T {
    fn meta(&self) -> &'static RuleMeta {
        &T::META
    }
    fn check(&self, project: &Project, out: &mut Findings) {
        Check::check(self, project, out);
    }
}

/// Every rule, area by area.
pub fn all() -> impl Iterator<Item = &'static dyn Rule> {
    [
        config::RULES,
        honeycomb::RULES,
        compose::RULES,
        dockerfile::RULES,
        deps::RULES,
        code::RULES,
        collector::RULES,
        k8s::RULES,
        helm::RULES,
        network::RULES,
        canary::RULES,
        listen::RULES,
        meta::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    all().find(|rule| rule.meta().id == id)
}

/// The rule id a mistyped one most likely means: a few typos away, or the same name in
/// another area (`service-name-missing` for `config/service-name-missing`).
pub fn closest_id(id: &str) -> Option<&'static str> {
    const MAX_TYPOS: usize = 3;
    let name = id.rsplit('/').next().unwrap_or(id);
    all()
        .map(|rule| rule.meta().id)
        .map(|known| {
            let same_name = known.rsplit('/').next() == Some(name);
            let distance = if same_name {
                0
            } else {
                edit_distance(id, known)
            };
            (distance, known)
        })
        .filter(|(distance, _)| *distance <= MAX_TYPOS)
        .min()
        .map(|(_, known)| known)
}

/// Runs every offline rule over the project; findings come errors first, then by position.
pub fn lint(project: &Project) -> Vec<Finding> {
    lint_all(project, &[], &|_| true)
}

/// Lints the main project and each variant compose file. A variant shares Dockerfiles, code
/// and `.env` with the main project: the same rule at the same place is one root cause,
/// reported once, with the first project that has it.
///
/// `stands` says which findings the user lets stand (not ignored inline, not turned off): the
/// workloads are judged again as those findings' fixes will leave them, for the causes they hide.
pub fn lint_all(
    project: &Project,
    variants: &[Project],
    stands: &dyn Fn(&Finding) -> bool,
) -> Vec<Finding> {
    let rules: Vec<&dyn Rule> = all().collect();
    let mut findings: Vec<Finding> = Vec::new();
    // Where each finding was first reported: a variant project repeats the main one's.
    let mut reported: HashMap<(&'static str, Location), usize> = HashMap::new();
    for project in std::iter::once(project).chain(variants) {
        let mut own = lint_once(project, &rules);
        latent::add_hidden_causes(project, &rules, &mut own, stands);
        let mut new = Vec::new();
        for finding in own {
            let first = finding
                .location
                .as_ref()
                .and_then(|at| reported.get(&(finding.rule, at.clone())));
            match (first, step_variant(&finding.step)) {
                (Some(&first), Some(variant)) => {
                    let entry = (variant.to_string(), finding.services);
                    findings[first].variants.push(entry);
                }
                (Some(_), None) => {}
                (None, _) => new.push(finding),
            }
        }
        for finding in new {
            if let Some(at) = &finding.location {
                reported
                    .entry((finding.rule, at.clone()))
                    .or_insert(findings.len());
            }
            findings.push(finding);
        }
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.location.cmp(&b.location))
    });
    findings
}

/// One pass of every rule over the project, with one finding per root cause.
fn lint_once(project: &Project, rules: &[&dyn Rule]) -> Vec<Finding> {
    // Rules are independent: with enough services to check, they run on every core; their
    // findings come in the catalogue's order.
    let share = parallel::worth_sharing(project.services.len());
    let by_rule = rules.par_map_if(share, |rule| {
        let mut out = Findings::default();
        rule.check(project, &mut out);
        out.findings
    });
    let mut own = fold::shared_causes(fold::consequences(by_rule.concat()));
    compose::drop_explained(&mut own);
    helm::mark_chart_defaults(project, &mut own);
    own
}

/// The optimal string alignment distance (Levenshtein plus adjacent transpositions): how many
/// typos apart two names are. Three rolling rows, no per-cell allocation: it runs for every
/// environment variable against every known name.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Where rules put what they find.
#[derive(Debug, Default)]
pub struct Findings {
    findings: Vec<Finding>,
}

impl Findings {
    /// A finding about one service. It has the rule's severity, which a rule may lower for a
    /// case whose consequence is milder.
    pub fn service(
        &mut self,
        rule: &RuleMeta,
        service: &Workload,
        location: &Location,
        message: String,
        hint: String,
    ) -> &mut Finding {
        let step = service.step_id();
        let finding = rule.finding(
            step,
            Some(service.name.clone()),
            Some(location.clone()),
            message,
            hint,
        );
        self.findings.push(finding);
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// One finding for a cause several services share (an unset shell variable, a collector's
    /// config): it belongs to the first service's step and names them all.
    pub fn services(
        &mut self,
        rule: &RuleMeta,
        services: &[&Workload],
        location: &Location,
        message: String,
        hint: String,
    ) -> Option<&mut Finding> {
        let first = services.first()?;
        let mut finding = rule.finding(
            first.step_id(),
            Some(first.name.clone()),
            Some(location.clone()),
            message,
            hint,
        );
        finding.services = services.iter().map(|s| s.name.clone()).collect();
        self.findings.push(finding);
        self.findings.last_mut()
    }

    /// A finding about the workspace as a whole (a file compose cannot read).
    pub fn workspace(
        &mut self,
        rule: &RuleMeta,
        location: &Location,
        message: String,
        hint: String,
    ) -> &mut Finding {
        let finding = rule.finding(
            WORKSPACE_STEP.to_string(),
            None,
            Some(location.clone()),
            message,
            hint,
        );
        self.findings.push(finding);
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut ids: Vec<&str> = all().map(|r| r.meta().id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "duplicate rule ids");
        for id in ids {
            let (area, name) = id.split_once('/').expect(id);
            assert!(!area.is_empty() && !name.is_empty(), "{id}");
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'-'
                    || b == b'/'),
                "{id}"
            );
        }
    }

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(
            edit_distance("OTEP_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
            1
        );
        assert_eq!(
            edit_distance("OTEL_EXPORTER_OTLP_HEADER", "OTEL_EXPORTER_OTLP_HEADERS"),
            1
        );
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn every_rule_documents_what_why_and_the_fix() {
        for rule in all() {
            let meta = rule.meta();
            for heading in ["What it does", "Why is this bad?", "Example", "Fix"] {
                assert!(
                    !meta.section(heading).is_empty(),
                    "{} lacks `## {heading}`",
                    meta.id
                );
            }
            assert!(!meta.summary().is_empty(), "{}", meta.id);
            let fix = meta.section("Fix");
            assert!(
                meta.fixed_automatically() || fix.starts_with("Not fixed automatically"),
                "{}: `## Fix` says neither that `otel-doctor fix` applies it nor why not",
                meta.id
            );
        }
    }

    #[test]
    fn the_rules_with_an_automatic_fix() {
        let fixed: Vec<&str> = all()
            .map(|rule| rule.meta())
            .filter(|meta| meta.fixed_automatically())
            .map(|meta| meta.id)
            .collect();
        assert_eq!(
            fixed,
            [
                "config/exporter-not-otlp",
                "config/endpoint-missing",
                "config/protocol-port-mismatch",
                "config/service-name-missing",
                "config/variable-misspelled",
                "config/build-arg-only",
                "honeycomb/key-header-missing",
                "dockerfile/esm-needs-import",
                "dockerfile/javaagent-unreadable",
                "deps/otel-not-installed",
                "deps/exporter-missing",
                "deps/instrumentation-missing",
                "code/console-exporter",
                "collector/exporters-not-honeycomb",
                "collector/key-variable-missing",
                "collector/variable-unset",
                "k8s/annotation-on-workload",
                "k8s/compose-style-variable",
                "helm/pipeline-replaced",
            ]
        );
    }
}
