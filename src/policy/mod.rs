//! What the user decided about findings, applied after the rules (which stay pure functions of
//! the project): rule levels and rules turned off in `.otel-doctor.toml`, inline
//! `otel-doctor: ignore[...]` pragmas, and an earlier report as a baseline. Every finding gets a
//! fingerprint. A finding that is ignored or baselined stays in the report, marked, and stops
//! counting; an ignore that silences nothing is itself reported (`meta/unused-ignore`), like
//! ruff's unused `noqa`.

mod baseline;

use std::collections::{HashMap, HashSet};

pub use baseline::{Baseline, BaselineError, SARIF_FINGERPRINT_KEY};

use crate::config::{Level, Settings};
use crate::finding::{BaselineState, Finding, WORKSPACE_STEP};
use crate::resolve::Project;
use crate::rules;
use crate::rules::meta::{MalformedIgnore, UnusedIgnore};
use crate::source::Location;
use crate::workspace::lines::{Fnv, Pragma};

/// The findings of a run, lint and network together (an ignore is unused only if no finding
/// of the whole run used it), with the policy applied.
pub fn apply(
    findings: Vec<Finding>,
    project: &Project,
    settings: &Settings,
    baseline: Option<&Baseline>,
) -> Vec<Finding> {
    let mut findings = relevel(findings, settings);
    // `--no-inline-ignores`: the comments are not read at all, so none is unused either.
    if settings.inline_ignores {
        let unused = ignore_inline(&mut findings, project, settings);
        findings.extend(unused);
    }
    fingerprint_and_baseline(&mut findings, project, baseline);
    findings
}

/// The policy for findings that come after `apply` ran on the lint's (a network step's, as it
/// finishes): levels, inline ignores, fingerprints and the baseline, without judging ignores
/// unused (ignores of online rules never are).
pub fn triage(
    findings: Vec<Finding>,
    project: &Project,
    settings: &Settings,
    baseline: Option<&Baseline>,
) -> Vec<Finding> {
    let mut findings = relevel(findings, settings);
    if settings.inline_ignores {
        mark_ignored(&mut findings, project);
    }
    fingerprint_and_baseline(&mut findings, project, baseline);
    findings
}

fn fingerprint_and_baseline(
    findings: &mut [Finding],
    project: &Project,
    baseline: Option<&Baseline>,
) {
    set_fingerprints(findings, project);
    if let Some(baseline) = baseline {
        for finding in findings.iter_mut() {
            finding.triage.baseline = Some(if baseline.holds(&finding.triage.fingerprint) {
                BaselineState::Unchanged
            } else {
                BaselineState::New
            });
        }
    }
}

/// `[rules]`: off drops a rule's findings, a level replaces their severity. `apply` does it
/// too; this is for findings other steps read before the run is over (a canary refusal is
/// explained by the lint findings that are on).
pub fn relevel(findings: Vec<Finding>, settings: &Settings) -> Vec<Finding> {
    findings
        .into_iter()
        .filter_map(|mut finding| {
            if let Some(level) = settings.level(finding.rule) {
                let severity = level.severity()?;
                if severity != finding.severity {
                    finding.triage.raised_as = Some(finding.severity);
                    finding.severity = severity;
                }
            }
            Some(finding)
        })
        .collect()
}

/// Whether the user lets a finding stand: its rule is not turned off and no pragma ignores it.
/// The lint judges the workloads as these findings' fixes will leave them; an ignored one's
/// fix will not be made.
pub fn stands<'a>(project: &'a Project, settings: &'a Settings) -> impl Fn(&Finding) -> bool + 'a {
    move |finding| {
        let turned_off = settings
            .level(finding.rule)
            .is_some_and(|level| level.severity().is_none());
        let ignored = settings.inline_ignores && pragmas_naming(project, finding).next().is_some();
        !turned_off && !ignored
    }
}

/// The pragmas, on the finding's line or the line before, that name its rule, each with the
/// rule's place in it.
fn pragmas_naming<'a>(
    project: &'a Project,
    finding: &Finding,
) -> impl Iterator<Item = (&'a Pragma, usize)> + 'a {
    let (rule, line) = (finding.rule, finding.location.as_ref().map(|l| l.line));
    let pragmas = finding
        .location
        .as_ref()
        .and_then(|l| project.lines.get(&l.file))
        .map_or(&[][..], |index| index.pragmas.as_slice());
    pragmas
        .iter()
        .filter(move |p| p.is_well_formed() && line.is_some_and(|line| p.covers(line)))
        .flat_map(move |pragma| {
            pragma
                .rules
                .iter()
                .enumerate()
                .filter(move |(_, (id, _))| id == rule)
                .map(move |(position, _)| (pragma, position))
        })
}

/// Marks the findings a pragma on their line or the line before names, and returns one
/// `meta/unused-ignore` finding per pragma entry that silenced nothing.
fn ignore_inline(findings: &mut [Finding], project: &Project, settings: &Settings) -> Vec<Finding> {
    let used = mark_ignored(findings, project);
    unused_ignores(&used, project, settings)
}

/// Marks the findings a pragma on their line or the line before names; returns each pragma
/// entry that silenced one: (pragma location, index of the rule in it).
fn mark_ignored<'p>(
    findings: &mut [Finding],
    project: &'p Project,
) -> HashSet<(&'p Location, usize)> {
    let mut used: HashSet<(&Location, usize)> = HashSet::new();
    for finding in findings.iter_mut() {
        let naming: Vec<(&Pragma, usize)> = pragmas_naming(project, finding).collect();
        for (pragma, position) in naming {
            used.insert((&pragma.location, position));
            finding
                .triage
                .ignored_at
                .get_or_insert(pragma.location.clone());
        }
    }
    used
}

/// One finding per pragma entry that silenced nothing, and per comment that is no pragma.
fn unused_ignores(
    used: &HashSet<(&Location, usize)>,
    project: &Project,
    settings: &Settings,
) -> Vec<Finding> {
    let mut pragmas: Vec<&Pragma> = project.lines.values().flat_map(|i| &i.pragmas).collect();
    pragmas.sort_by(|a, b| a.location.cmp(&b.location));
    let mut unused = Vec::new();
    for pragma in pragmas {
        if !pragma.is_well_formed() {
            unused.push(malformed_ignore(pragma));
            continue;
        }
        for (position, (id, at)) in pragma.rules.iter().enumerate() {
            if used.contains(&(&pragma.location, position)) {
                continue;
            }
            let (message, hint) = match rules::find(id) {
                // What the network answers changes from run to run: an ignore for it is
                // never reported unused.
                Some(rule) if rule.meta().online => continue,
                Some(_) if settings.level(id) == Some(Level::Off) => (
                    format!(
                        "`{id}` is off in {}, so this ignore silences nothing.",
                        settings.file.as_deref().unwrap_or("the configuration")
                    ),
                    format!("remove `{id}` from the ignore"),
                ),
                Some(_) => (
                    format!(
                        "no `{id}` finding on this line or the next: this ignore silences nothing."
                    ),
                    format!(
                        "remove `{id}` from the ignore (the problem is gone, or the ignore is on the wrong line: it covers its own line and the one below)"
                    ),
                ),
                None => (
                    format!("`{id}` is not a rule, so this ignore silences nothing."),
                    match rules::closest_id(id) {
                        Some(known) => format!("did you mean `{known}`?"),
                        None => "`otel-doctor rules` lists the rule ids".into(),
                    },
                ),
            };
            unused.push(unused_ignore(at, message, hint));
        }
    }
    // `[rules]` and `--rule` levels, as for any finding.
    relevel(unused, settings)
}

/// A comment that reads like an ignore and is not one.
fn malformed_ignore(pragma: &Pragma) -> Finding {
    let written = || {
        let ids: Vec<&str> = pragma.rules.iter().map(|(id, _)| id.as_str()).collect();
        if ids.is_empty() {
            "rule/id".to_string()
        } else {
            ids.join(", ")
        }
    };
    let (message, hint) = if pragma.embedded {
        (
            "this `otel-doctor: ignore[...]` follows other text in the same comment, so it silences nothing: a pragma starts a comment of its own.".to_string(),
            format!(
                "end the other comment and start one for otel-doctor on the same line: `...  # otel-doctor: ignore[{}]` (`//` in JavaScript)",
                written()
            ),
        )
    } else {
        (
            "this `otel-doctor:` comment is not an ignore pragma, so it silences nothing."
                .to_string(),
            "write it as `# otel-doctor: ignore[rule/id]` (`// otel-doctor: ignore[rule/id]` in JavaScript), or remove it".to_string(),
        )
    };
    MalformedIgnore::META.finding(
        WORKSPACE_STEP.to_string(),
        None,
        Some(pragma.location.clone()),
        message,
        hint,
    )
}

fn unused_ignore(location: &Location, message: String, hint: String) -> Finding {
    UnusedIgnore::META.finding(
        WORKSPACE_STEP.to_string(),
        None,
        Some(location.clone()),
        message,
        hint,
    )
}

/// The rule, the file, the service, and the content of the finding's line (whitespace
/// collapsed), never its line number: a finding keeps its fingerprint when unrelated lines are
/// added above it, and gets a new one when the offending line changes. Equal identities are
/// numbered in report order.
fn set_fingerprints(findings: &mut [Finding], project: &Project) {
    let mut seen: HashMap<u64, u64> = HashMap::new();
    for finding in findings {
        let identity = identity(finding, project);
        let occurrence = seen.entry(identity).or_default();
        let mut hash = Fnv::default();
        hash.write(&identity.to_le_bytes());
        if *occurrence > 0 {
            hash.write(&occurrence.to_le_bytes());
        }
        *occurrence += 1;
        finding.triage.fingerprint = format!("{:016x}", hash.finish());
    }
}

fn identity(finding: &Finding, project: &Project) -> u64 {
    let mut hash = Fnv::default();
    let file = finding.location.as_ref().map_or("", |l| &*l.file);
    for part in [
        finding.rule,
        file,
        finding.service.as_deref().unwrap_or_default(),
    ] {
        hash.write(part.as_bytes());
        hash.write(&[0]);
    }
    let line = finding
        .location
        .as_ref()
        .and_then(|l| project.lines.get(&l.file)?.digest(l.line));
    if let Some(digest) = line {
        hash.write(&digest.to_le_bytes());
    }
    // Without a line, the message stands in, without its digits (line numbers inside messages
    // move). A line's digest leaves its pragma out (adding an ignore keeps the fingerprints of
    // the findings it silences), so a finding about the pragma itself adds its message, which
    // quotes the rule id the pragma names.
    if line.is_none() || finding.rule == UnusedIgnore::META.id {
        let message: String = finding
            .message
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect();
        hash.write(message.as_bytes());
    }
    hash.finish()
}
