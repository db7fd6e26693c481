//! The OTTL statements and conditions of a collector's config, and those that do not parse.
//!
//! Where a config holds OTTL (opentelemetry-collector-contrib, each component's `config.go` and
//! README): the `transform` processor's `trace_statements`, `metric_statements`,
//! `log_statements` and `profile_statements` (a flat list, context inferred, or groups with
//! `context:`, `statements:` and `conditions:`); the `filter` processor's `traces.span`,
//! `traces.spanevent`, `metrics.metric`, `metrics.datapoint`, `logs.log_record`,
//! `profiles.profile` and the newer `trace_conditions`, `metric_conditions`, `log_conditions`,
//! `profile_conditions`; the `routing` connector's and the `routing` processor's `table` (each
//! route's `statement` or `condition`); the `tail_sampling` processor's `ottl_condition` policies
//! (`span`, `spanevent`, in `and`, `composite` and `drop` sub-policies too); the `count` and `sum`
//! connectors' `conditions` per signal and metric; the `logdedup` processor's `conditions`. Each
//! component's `Validate()` (tail_sampling's and logdedup's factories) parses them all and the
//! collector exits at start on the first that does not parse (`unable to parse OTTL statement
//! "...": ...`), or that calls a function its release does not have (`undefined function`).
//! Values are expanded first, as the collector expands `${env:X}` before parsing.

use super::expand::expand;
use super::model::Model;
use crate::knowledge::collector::{Kind, Version};
use crate::knowledge::ottl_functions::{self, FunctionAvailability};
use crate::resolve::EnvVar;
use crate::source::{Location, SourceText};
use crate::workspace::collector::ConfigNode;
use crate::workspace::ottl::{self, Form};
use crate::workspace::scalar::char_positions;

/// One statement or condition as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OttlText {
    pub kind: Kind,
    /// The component's id (`transform/redact`).
    pub component: String,
    /// Where in the component: `trace_statements`, `traces.span`, `table`.
    pub field: String,
    pub form: Form,
    pub checked: Checked,
    pub raw: String,
    pub location: Location,
    /// Where each character of `raw` is written, when known.
    positions: Option<Vec<(u32, u32)>>,
}

/// When the collector parses a component's OTTL: every component refuses it before anything
/// starts, either in its config's `Validate()` (`Error: invalid configuration: ...`) or when the
/// component is created for its pipelines (`failed to build pipelines: ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// transform, filter, routing, count, sum: `Config.Validate()`.
    Validate,
    /// tail_sampling, logdedup: the component's factory, which builds the conditions.
    Create,
}

/// A statement or condition the collector cannot parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OttlInvalid {
    pub kind: Kind,
    pub component: String,
    pub field: String,
    pub form: Form,
    pub checked: Checked,
    /// As the collector parses it (expanded).
    pub statement: String,
    /// The parser's words.
    pub message: String,
    /// When it parses but calls a function the collector does not have: its name and what
    /// the release makes of it.
    pub undefined: Option<(String, FunctionAvailability)>,
    /// Where the error is: the token, or the statement when its position is not known.
    pub location: Location,
}

impl OttlInvalid {
    /// How the collector words it: `processors::transform: unable to parse OTTL statement ...`,
    /// or `failed to create "tail_sampling" processor: unable to parse OTTL condition ...`.
    pub fn refusal(&self) -> String {
        let what = match self.form {
            Form::Statement => "statement",
            Form::Condition => "condition",
        };
        let component = match self.checked {
            Checked::Validate => format!("{}::{}", self.kind.section(), self.component),
            Checked::Create => {
                format!("failed to create {:?} {}", self.component, self.kind.name())
            }
        };
        format!(
            "{component}: unable to parse OTTL {what} {:?}: {}",
            self.statement, self.message
        )
    }
}

/// Every OTTL text of the config, with where its characters are in `source` (the file's text,
/// by file name).
pub fn texts<'a>(model: &Model, source: impl Fn(&str) -> Option<&'a SourceText>) -> Vec<OttlText> {
    let mut found = Vec::new();
    for component in &model.components {
        let checked = match component.type_name.as_str() {
            "tail_sampling" | "logdedup" => Checked::Create,
            _ => Checked::Validate,
        };
        let mut add = |field: &str, form: Form, node: &ConfigNode| {
            let Some(raw) = node.as_scalar() else {
                return;
            };
            let positions = source(&node.location.file).and_then(|text| {
                char_positions(text.text(), node.location.line, node.location.column, raw)
            });
            found.push(OttlText {
                kind: component.kind,
                component: component.id.clone(),
                field: field.to_string(),
                form,
                checked,
                raw: raw.to_string(),
                location: node.location.clone(),
                positions,
            });
        };
        let body = &component.body;
        match (component.kind, component.type_name.as_str()) {
            (Kind::Processor, "transform") => {
                for field in [
                    "trace_statements",
                    "metric_statements",
                    "log_statements",
                    "profile_statements",
                ] {
                    grouped(body.get(field), "statements", |form, node| {
                        add(field, form, node)
                    });
                }
            }
            (Kind::Processor, "filter") => {
                for (signal, contexts) in [
                    ("traces", &["span", "spanevent"][..]),
                    ("metrics", &["metric", "datapoint"]),
                    ("logs", &["log_record"]),
                    ("profiles", &["profile"]),
                ] {
                    for context in contexts {
                        let list = body.get(signal).and_then(|s| s.get(context));
                        for item in list.map(ConfigNode::items).unwrap_or_default() {
                            add(&format!("{signal}.{context}"), Form::Condition, item);
                        }
                    }
                }
                for field in [
                    "trace_conditions",
                    "metric_conditions",
                    "log_conditions",
                    "profile_conditions",
                ] {
                    grouped(body.get(field), "conditions", |_, node| {
                        add(field, Form::Condition, node)
                    });
                }
            }
            (Kind::Connector | Kind::Processor, "routing") => {
                for route in body.get("table").map(ConfigNode::items).unwrap_or_default() {
                    if let Some(statement) = route.get("statement") {
                        add("table", Form::Statement, statement);
                    }
                    if let Some(condition) = route.get("condition") {
                        add("table", Form::Condition, condition);
                    }
                }
            }
            (Kind::Processor, "tail_sampling") => {
                sampling_policies(body.get("policies"), "policies", &mut |field, node| {
                    add(field, Form::Condition, node)
                });
            }
            (Kind::Connector, "count" | "sum") => {
                for signal in ["spans", "spanevents", "metrics", "datapoints", "logs"] {
                    let metrics = body.get(signal).map(ConfigNode::entries);
                    for metric in metrics.unwrap_or_default() {
                        let conditions = metric.value.get("conditions");
                        for item in conditions.map(ConfigNode::items).unwrap_or_default() {
                            add(&format!("{signal}.{}", metric.key), Form::Condition, item);
                        }
                    }
                }
            }
            (Kind::Processor, "logdedup") => {
                for item in body
                    .get("conditions")
                    .map(ConfigNode::items)
                    .unwrap_or_default()
                {
                    add("conditions", Form::Condition, item);
                }
            }
            _ => {}
        }
    }
    found
}

/// The `tail_sampling` processor's policies: an `ottl_condition` policy's `span` and
/// `spanevent` conditions, also inside the sub-policies of `and`, `composite` and `drop`
/// policies (`processor/tailsamplingprocessor/config.go`). The processor builds every policy
/// when it is created, and a condition that does not parse fails it. A policy of another
/// `type` is not built from its `ottl_condition`, which is not parsed.
fn sampling_policies(
    list: Option<&ConfigNode>,
    path: &str,
    each: &mut dyn FnMut(&str, &ConfigNode),
) {
    for policy in list.map(ConfigNode::items).unwrap_or_default() {
        let name = policy
            .get("name")
            .and_then(ConfigNode::as_scalar)
            .unwrap_or("?");
        let path = format!("{path}.{name}");
        match policy.get("type").and_then(ConfigNode::as_scalar) {
            Some("ottl_condition") => {
                let conditions = policy.get("ottl_condition");
                for context in ["span", "spanevent"] {
                    let list = conditions.and_then(|c| c.get(context));
                    for item in list.map(ConfigNode::items).unwrap_or_default() {
                        each(&format!("{path}.{context}"), item);
                    }
                }
            }
            Some(combined @ ("and" | "composite" | "drop")) => {
                let subs = policy
                    .get(combined)
                    .and_then(|c| c.get(&format!("{combined}_sub_policy")));
                sampling_policies(subs, &path, each);
            }
            _ => {}
        }
    }
}

/// A list of texts, or of groups (`context:`, `statements:`, `conditions:`): the texts of
/// `main` are statements in a transform, conditions in a filter; a group's `conditions` are
/// conditions.
fn grouped(list: Option<&ConfigNode>, main: &str, mut each: impl FnMut(Form, &ConfigNode)) {
    let main_form = if main == "statements" {
        Form::Statement
    } else {
        Form::Condition
    };
    for item in list.map(ConfigNode::items).unwrap_or_default() {
        if item.as_scalar().is_some() {
            each(main_form, item);
            continue;
        }
        for text in item.get(main).map(ConfigNode::items).unwrap_or_default() {
            each(main_form, text);
        }
        if main != "conditions" {
            for text in item
                .get("conditions")
                .map(ConfigNode::items)
                .unwrap_or_default()
            {
                each(Form::Condition, text);
            }
        }
    }
}

/// The texts that do not parse once expanded with the container's environment, or that call
/// a function the collector's release (`version`, contrib's numbering) does not have; a text
/// whose value is not known here is not judged.
pub fn invalid(texts: &[OttlText], env: &[EnvVar], version: Option<Version>) -> Vec<OttlInvalid> {
    texts
        .iter()
        .filter_map(|text| {
            let expanded = expand(&text.raw, env, version);
            if !expanded.is_known() {
                return None;
            }
            let (offset, message, undefined) =
                match ottl::parse(&expanded.value, text.form) {
                    Err(error) => (error.offset, error.message, None),
                    // The parser looks every function up as it builds the statement: the first
                    // one missing stops it (pkg/ottl `undefined function %q`).
                    Ok(calls) => calls.into_iter().find_map(|call| {
                        match ottl_functions::availability(&call.name, version) {
                            FunctionAvailability::Known => None,
                            judged => Some((
                                call.offset,
                                format!("undefined function {:?}", call.name),
                                Some((call.name, judged)),
                            )),
                        }
                    })?,
                };
            Some(OttlInvalid {
                kind: text.kind,
                component: text.component.clone(),
                field: text.field.clone(),
                form: text.form,
                checked: text.checked,
                location: text.location_of(offset, &expanded.value),
                statement: expanded.value,
                message,
                undefined,
            })
        })
        .collect()
}

impl OttlText {
    /// Where the character at `offset` of the expanded text is written; the text's own
    /// location when an expansion moved it or its characters' places are not known.
    fn location_of(&self, offset: usize, expanded: &str) -> Location {
        // Offsets past a `${...}` moved with its expansion: point at the text then.
        let unchanged =
            expanded == self.raw || self.raw.chars().take_while(|c| *c != '$').count() > offset;
        let position = self
            .positions
            .as_ref()
            .filter(|_| unchanged)
            .and_then(|positions| {
                // The end of the text is just after its last character.
                let end = || positions.last().map(|(line, column)| (*line, column + 1));
                positions.get(offset).copied().or_else(end)
            });
        match position {
            Some((line, column)) => Location::new(&self.location.file, line, column),
            None => self.location.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::collector::parse;
    use std::sync::Arc;

    fn problems(text: &str) -> Vec<String> {
        let file: Arc<str> = Arc::from("otel.yaml");
        let model = Model::read(parse(&file, text).unwrap());
        let source = SourceText::new(text.to_string());
        let texts = texts(&model, |name| (name == "otel.yaml").then_some(&source));
        invalid(&texts, &[], None)
            .iter()
            .map(|i| format!("{} {} {}", i.location, i.field, i.message))
            .collect()
    }

    #[test]
    fn every_place_a_config_holds_ottl() {
        let config = r#"processors:
  transform:
    error_mode: ignore
    trace_statements:
      - context: span
        statements:
          - set(attributes["a"], "b") where name = "x"
        conditions:
          - 'name == "x" &&'
      - set(span.attributes["c"], 'd')
    log_statements:
      - "Set(log.body, \"x\")"
  filter:
    traces:
      span:
        - attributes["x"] == "y"
        - |
          IsMatch(name, ".*health.*") or
            attributes["http.route"] = "/ready"
    metrics:
      include:
        match_type: strict
    log_conditions:
      - log.severity_number < SEVERITY_NUMBER_WARN and
connectors:
  routing:
    table:
      - statement: route() where resource.attributes["tenant"] == acme"
        pipelines: [traces/acme]
      - condition: resource.attributes["tenant"] == "b"
        pipelines: [traces/b]
"#;
        assert_eq!(
            problems(config),
            [
                "otel.yaml:7:50 trace_statements unexpected \"=\" (expected \"(\" or \"[\" or a comparison operator)",
                "otel.yaml:9:26 trace_statements invalid input text \"&&\"",
                "otel.yaml:10:35 trace_statements invalid input text \"'d')\"",
                "otel.yaml:12:10 log_statements editor names must start with a lowercase letter but got 'Set'",
                "otel.yaml:19:38 traces.span unexpected \"=\" (expected \"[\" or a comparison operator)",
                "otel.yaml:24:55 log_conditions unexpected end of statement (expected a condition)",
                "otel.yaml:28:71 table invalid input text \"\\\"\"",
            ]
        );
    }

    #[test]
    fn tail_sampling_policies_and_count_sum_logdedup_conditions() {
        let config = r#"processors:
  tail_sampling:
    policies:
      - name: errors
        type: ottl_condition
        ottl_condition:
          error_mode: ignore
          span:
            - span.status.code == STATUS_CODE_ERROR
            - attributes["http.status_code"] => 500
          spanevent: ['name == "exception" and']
      - name: not-built
        type: string_attribute
        ottl_condition:
          span: ["this is not parsed"]
      - name: slow-checkout
        type: and
        and:
          and_sub_policy:
            - name: checkout
              type: ottl_condition
              ottl_condition: {span: ['name == "checkout" && kind == SPAN_KIND_SERVER']}
            - name: rate
              type: rate_limiting
              rate_limiting: {spans_per_second: 10}
      - name: outer
        type: composite
        composite:
          composite_sub_policy:
            - name: inner
              type: ottl_condition
              ottl_condition:
                span:
                  - >-
                    resource.attributes["tenant"] ==
                    'acme'
  logdedup:
    conditions:
      - log.severity_number < SEVERITY_NUMBER_WARN
      - IsMatch(log.body, "retry" )) 
connectors:
  count:
    spans:
      checkout.count:
        conditions:
          - name = "checkout"
    logs:
      error.count:
        conditions: ['severity_text == "ERROR"']
  sum/bytes:
    datapoints:
      bytes.total:
        source_attribute: bytes
        conditions:
          - metric.name == "http.server.request.size" or
"#;
        assert_eq!(
            problems(config),
            [
                "otel.yaml:10:46 policies.errors.span unexpected \"=\" (expected \"[\" or a comparison operator)",
                "otel.yaml:11:47 policies.errors.spanevent unexpected end of statement (expected a condition)",
                "otel.yaml:22:59 policies.slow-checkout.checkout.span invalid input text \"&& kind == SPAN_KIND\"",
                "otel.yaml:36:21 policies.outer.inner.span invalid input text \"'acme'\"",
                "otel.yaml:40:36 conditions unexpected \")\" (expected \"[\" or a comparison operator or the end of the statement)",
                "otel.yaml:46:18 spans.checkout.count unexpected \"=\" (expected \"(\" or \"[\" or a comparison operator)",
                "otel.yaml:55:57 datapoints.bytes.total unexpected end of statement (expected a condition)",
            ]
        );
    }

    #[test]
    fn expanded_first_and_unknown_values_not_judged() {
        let config = "processors:\n  transform:\n    trace_statements:\n      - set(attributes[\"env\"], \"${env:DEPLOY}\")\n      - set(attributes[\"k\"], ${file:/x})\n";
        assert_eq!(problems(config), [] as [String; 0]);
    }
}
