use super::{report, senders, stops};
use crate::resolve::Project;
use crate::resolve::collector::{self, Checked};
use crate::rules::{Check, Findings, declare_rule};
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
    /// grammar, and points at the token it stops at.
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
                let message = format!(
                    "the {} {} of `{}` has OTTL the collector cannot parse: {} {refuses}{}`).{who}",
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
