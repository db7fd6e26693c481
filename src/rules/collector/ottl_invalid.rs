use super::{report, senders, stops};
use crate::knowledge::ottl_functions::{self, FunctionAvailability};
use crate::resolve::Project;
use crate::resolve::collector::{self, Checked};
use crate::rules::{Check, Findings, declare_rule, edit_distance};
use crate::workspace::ottl::Form;

declare_rule! {
    /// ## What it does
    /// Parses every OTTL statement and condition of a collector's `transform` processor
    /// (`trace_statements`, `log_statements`, `metric_statements`: flat lists and
    /// `context:`/`statements:` groups), `filter` processor (`traces.span`, `traces.spanevent`,
    /// `metrics.metric`, `metrics.datapoint`, `logs.log_record`, `trace_conditions`, ...),
    /// `routing` connector or processor (`table[].statement`, `table[].condition`),
    /// `tail_sampling` processor (`ottl_condition` policies' `span` and `spanevent`, also in
    /// `and`, `composite` and `drop` sub-policies), `count` and `sum` connectors (each metric's
    /// `conditions`, per signal) and `logdedup` processor (`conditions`) with the language's own
    /// grammar, and points at the token it stops at. A statement that parses but calls a
    /// function the image's release does not have (`ToLowerCase` before v0.122.0) or that no
    /// release has (`IsMatches`, with the name it is closest to) is refused too; without a
    /// version, only names no release has are reported.
    ///
    /// ## Why is this bad?
    /// The collector parses every statement when it starts and refuses its whole config on the
    /// first one that does not parse (`Error: invalid configuration: processors::transform:
    /// unable to parse OTTL statement "...": ...`; tail_sampling and logdedup parse theirs when
    /// the pipelines are built, with the same effect), whatever `error_mode` says (it governs
    /// errors while processing data, not parsing): the collector exits and every service
    /// that sends to it loses its spans.
    ///
    /// ## Example
    /// ```yaml
    /// processors:
    ///   transform:
    ///     trace_statements:
    ///       - set(attributes['env'], "prod") where name = "checkout"
    /// ```
    /// Use instead (strings in double quotes, `==` to compare):
    /// ```yaml
    ///       - set(attributes["env"], "prod") where name == "checkout"
    /// ```
    ///
    /// ## Fix
    /// Not fixed automatically: what the statement meant is the author's; the hint names the
    /// usual mistake (quotes, `&&`, `=`, a function's case) when the parser's words show it.
    pub struct OttlInvalid => "collector/ottl-invalid", Error;
}

impl Check for OttlInvalid {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let affected = senders(project, collector);
            let who = stops(&affected);
            for invalid in collector.ottl_invalid() {
                let refuses = match invalid.checked {
                    Checked::Validate => {
                        "refuses its config and exits at start (`Error: invalid configuration: "
                    }
                    Checked::Create => {
                        "cannot build its pipelines and exits at start (`Error: failed to build pipelines: "
                    }
                };
                let what = match &invalid.undefined {
                    Some((name, FunctionAvailability::Added { since })) => format!(
                        "calls {name}, which came to OTTL after this release (it is in v{since})"
                    ),
                    Some((name, FunctionAvailability::Removed { until })) => format!(
                        "calls {name}, which OTTL no longer has (the last release with it is v{until})"
                    ),
                    Some((name, _)) => format!("calls {name}, which no OTTL release has"),
                    None => "has OTTL the collector cannot parse".to_string(),
                };
                let message = format!(
                    "the {} {} of `{}` {what}: {} {refuses}{}`).{who}",
                    invalid.kind.name(),
                    invalid.component,
                    collector.service,
                    collector.describe(),
                    invalid.refusal()
                );
                report::<Self>(
                    out,
                    project,
                    collector,
                    &affected,
                    &invalid.location,
                    message,
                    hint(invalid),
                );
            }
        }
    }
}

/// The fix for the mistakes people make, from the parser's words; else the grammar in short.
fn hint(invalid: &collector::OttlInvalid) -> String {
    if let Some((name, availability)) = &invalid.undefined {
        return function_hint(name, availability);
    }
    let message = invalid.message.as_str();
    if message.starts_with("invalid input text \"'") {
        return "OTTL strings take double quotes: write \"...\" (and quote the whole YAML value with single quotes, or escape the inner quotes as \\\")".to_string();
    }
    if message.starts_with("invalid input text \"&&")
        || message.starts_with("invalid input text \"||")
    {
        return "OTTL joins conditions with `and`, `or` and `not`, not `&&`, `||` or `!`"
            .to_string();
    }
    if message.starts_with("unexpected \"=\"") {
        return "compare with `==` (a single `=` only names an argument: `limit=100`)".to_string();
    }
    if let Some(name) = quoted_name(
        message,
        "converter names must start with an uppercase letter but got '",
    ) {
        return format!(
            "inside a statement, call converters, which start with a capital letter: {}",
            capitalized(name)
        );
    }
    if let Some(name) = quoted_name(
        message,
        "editor names must start with a lowercase letter but got '",
    ) {
        return format!(
            "a statement starts with an editor, in lowercase: {}(...) (converters such as {name} go inside it)",
            name.to_lowercase()
        );
    }
    // A lowercase function inside a condition is an editor there, which no condition takes.
    let lowercase_call = invalid
        .statement
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '('))
        .skip(usize::from(invalid.form == Form::Statement))
        .filter_map(|word| word.split_once('(').map(|(name, _)| name))
        .find(|name| name.starts_with(|c: char| c.is_ascii_lowercase()));
    if let Some(name) = lowercase_call {
        return format!(
            "functions inside a condition are converters, which start with a capital letter: {}(...), not {name}(...)",
            capitalized(name)
        );
    }
    "write it as OTTL reads it: editor(arguments) where condition — paths such as attributes[\"key\"], strings in double quotes, `==` `!=` `<` `>=` to compare, `and` `or` `not` to combine, converters capitalized (IsMatch, Concat)".to_string()
}

fn function_hint(name: &str, availability: &FunctionAvailability) -> String {
    const LIST: &str = "https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/pkg/ottl/ottlfuncs/README.md";
    match availability {
        FunctionAvailability::Added { since } => format!(
            "use a collector image of v{since} or later, or write the statement without {name}"
        ),
        FunctionAvailability::Removed { .. } => format!(
            "use a function the release has instead of {name} (its release's ottlfuncs README lists them)"
        ),
        _ => match closest_function(name) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("call a function OTTL has: {LIST}"),
        },
    }
}

/// The known function closest to a misspelt one: the same apart from case and underscores, or
/// one or two edits away (fewer than a third of its length), an editor for an editor and a
/// converter for a converter, and no other as close.
fn closest_function(name: &str) -> Option<&'static str> {
    let folded = |text: &str| text.replace('_', "").to_ascii_lowercase();
    let wanted = folded(name);
    let editor = name.starts_with(|c: char| c.is_ascii_lowercase());
    let mut scored: Vec<(usize, &'static str)> = ottl_functions::names()
        .filter(|known| known.starts_with(|c: char| c.is_ascii_lowercase()) == editor)
        .map(|known| (edit_distance(&folded(known), &wanted), known))
        .filter(|(distance, known)| *distance <= 2 && *distance * 3 < known.len())
        .collect();
    scored.sort();
    scored.dedup();
    match scored.as_slice() {
        [(best, known), rest @ ..] if rest.first().is_none_or(|(next, _)| next > best) => {
            Some(known)
        }
        _ => None,
    }
}

fn quoted_name<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.strip_suffix('\'')
}

/// `concat` → `Concat`, `is_match` → `IsMatch`.
fn capitalized(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
