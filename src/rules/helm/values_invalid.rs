use super::on_release;
use crate::knowledge::helm_collector as chart;
use crate::knowledge::helm_collector_schema as chart_schema;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule, edit_distance};
use crate::workspace::kubernetes::helm::ChartRelease;
use crate::workspace::kubernetes::values_schema::{self, JsonType, Problem, Violation};

declare_rule! {
    /// ## What it does
    /// Checks the OpenTelemetry Collector chart's values for what the chart itself refuses:
    /// values its `values.schema.json` rejects (an unknown key where the schema allows no
    /// other, a value of the wrong type, one outside the listed choices, a missing key), and
    /// what its templates' `fail` calls stop on: no `mode`, a `mode` other than `deployment`,
    /// `daemonset` or `statefulset`, and no `image.repository` in chart 0.89.0 and later.
    ///
    /// The values are checked merged over the chart's defaults, as Helm checks them, against
    /// the schema of the chart version the release pins (unpinned: the newest the tool knows);
    /// a chart version whose schema the tool does not have is not checked against one.
    ///
    /// ## Why is this bad?
    /// `helm install` and `helm upgrade` stop with "values don't meet the specifications of
    /// the schema(s)", "[ERROR] 'mode' must be set" or "[ERROR] 'image.repository' must be
    /// set": no collector is deployed, and an Argo CD or Flux sync fails where nobody is
    /// watching, while the apps keep sending to a Service that does not exist.
    ///
    /// ## Example
    /// ```yaml
    /// mode: deployment
    /// replicaCount: "2"
    /// confg:
    ///   exporters:
    ///     otlp/honeycomb: {endpoint: api.honeycomb.io:443}
    /// ```
    /// Use instead:
    /// ```yaml
    /// mode: deployment
    /// image:
    ///   repository: otel/opentelemetry-collector-k8s
    /// replicaCount: 2
    /// config:
    ///   ...
    /// ```
    ///
    /// ## Fix
    /// Not fixed automatically: the mode and the image are choices (a gateway or one per node;
    /// which distribution), and a key the schema does not know may belong elsewhere: the hint
    /// names the closest key or value the chart knows.
    pub struct ValuesInvalid => "helm/values-invalid", Error;
}

impl Check for ValuesInvalid {
    fn check(&self, project: &Project, out: &mut Findings) {
        for release in &project.kubernetes.charts {
            for violation in &release.schema_violations {
                let (message, hint) = schema_finding(release, violation);
                on_release(
                    project,
                    out,
                    &Self::META,
                    release,
                    &violation.location,
                    message,
                    hint,
                );
            }
            for (refusal, location) in &release.refusals {
                let hint = if refusal.contains("image.repository") {
                    format!(
                        "set the image:\nimage:\n  repository: {}",
                        chart::SUGGESTED_IMAGE
                    )
                } else {
                    "set the mode at the values' top level: mode: deployment   (a gateway; daemonset: one per node)".to_string()
                };
                on_release(
                    project,
                    out,
                    &Self::META,
                    release,
                    location,
                    format!(
                        "the values of the opentelemetry-collector chart (Service {}): {refusal}.",
                        release.service_name()
                    ),
                    hint,
                );
            }
        }
    }
}

/// The collector config's own sections: written at the values' top level, they belong under
/// `config:`.
const CONFIG_SECTIONS: [&str; 5] = [
    "receivers",
    "processors",
    "exporters",
    "extensions",
    "connectors",
];

/// A schema violation's message (what is wrong, Helm's own words) and hint (the fix).
fn schema_finding(release: &ChartRelease, violation: &Violation) -> (String, String) {
    let path = violation.dotted();
    let schema = format!(
        "the chart's values.schema.json (opentelemetry-collector {})",
        release.schema_from.unwrap_or("?")
    );
    let what = match &violation.problem {
        Problem::UnknownKey { key, .. } => {
            let under = match violation.path.len() {
                0 | 1 => "at the values' top level".to_string(),
                n => format!("under `{}`", violation.path[..n - 1].join(".")),
            };
            format!(
                "`{key}` is not a key of the chart's values: {schema} allows no other key {under}"
            )
        }
        Problem::WrongType {
            written, got, want, ..
        } => format!(
            "`{path}: {written}` is {}, and {schema} wants {} there",
            values_schema::article(got.name()),
            want.iter()
                .map(|w| values_schema::article(w))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Problem::NotAllowed { written, allowed } => format!(
            "`{path}: {written}` is not one of the values {schema} allows ({})",
            shown(allowed)
        ),
        Problem::Missing { keys } => format!(
            "{} no `{}`, which {schema} requires",
            if path.is_empty() {
                "the values have".to_string()
            } else {
                format!("`{path}` has")
            },
            keys.join("`, `")
        ),
        Problem::Alternatives {
            exactly_one: false,
            asked,
            ..
        } => format!(
            "`{path}` is none of what {schema} accepts there: {}",
            asked.join(" or ")
        ),
        Problem::Alternatives { matched, asked, .. } => format!(
            "`{path}` has {} of {}, and {schema} wants exactly one",
            if *matched == 0 {
                "none"
            } else {
                "more than one"
            },
            asked.join(", ")
        ),
    };
    let message = format!(
        "{what}, so `helm install` refuses these values and deploys no collector (\"values don't meet the specifications of the schema(s)\": {}).",
        violation.helm_error()
    );
    (message, schema_hint(release, violation))
}

fn schema_hint(release: &ChartRelease, violation: &Violation) -> String {
    // The setting to write: `key: value`, or a list item's value and where it goes.
    let key = violation.path.last().map_or("", String::as_str);
    let setting = |value: &str| match key.parse::<usize>() {
        Ok(_) => format!("{value}   (at `{}`)", violation.dotted()),
        Err(_) => format!("{key}: {value}"),
    };
    match &violation.problem {
        Problem::UnknownKey { key, known } => {
            let newest = &chart_schema::SCHEMAS[0];
            if violation.path.len() == 1 && CONFIG_SECTIONS.contains(&key.as_str()) {
                format!(
                    "`{key}` is a section of the collector's config: move it under `config:`\nconfig:\n  {key}:\n    ..."
                )
            } else if let Some(close) = closest(key, known) {
                format!("did you mean `{close}`? rename the key: {close}:")
            } else if release.schema_from != Some(newest.recorded_from)
                && values_schema::lists_key(newest.json, &violation.path)
            {
                format!(
                    "`{}` is a key of later chart releases ({} has it): pin the chart at version: {}, or remove the key",
                    violation.dotted(),
                    newest.recorded_from,
                    newest.recorded_from
                )
            } else {
                format!(
                    "remove `{key}`, or move it where the chart reads it (the chart's values.yaml lists the keys it knows)"
                )
            }
        }
        Problem::WrongType {
            written, got, want, ..
        } => {
            let unquoted = written.trim_matches('"');
            let wants = |t: JsonType| want.iter().any(|w| t.name() == w);
            let as_plain = values_schema::plain_type(unquoted);
            if *got == JsonType::String
                && as_plain != JsonType::String
                && want.iter().any(|w| {
                    w == as_plain.name() || (w == "number" && as_plain == JsonType::Integer)
                })
            {
                format!("remove the quotes: {}", setting(unquoted))
            } else if wants(JsonType::String)
                && matches!(
                    got,
                    JsonType::Integer | JsonType::Number | JsonType::Boolean
                )
            {
                format!(
                    "quote it, so it stays text: {}",
                    setting(&format!("\"{written}\""))
                )
            } else {
                format!(
                    "write {} at `{}`",
                    want.iter()
                        .map(|w| values_schema::article(w))
                        .collect::<Vec<_>>()
                        .join(" or "),
                    violation.dotted()
                )
            }
        }
        Problem::NotAllowed { written, allowed } => {
            match closest(written.trim_matches('"'), allowed) {
                Some(close) => format!("did you mean `{close}`? {}", setting(close)),
                None => format!("use one of: {}", shown(allowed)),
            }
        }
        Problem::Missing { keys } => format!(
            "add {} under `{}`",
            keys.iter()
                .map(|k| format!("`{k}:`"))
                .collect::<Vec<_>>()
                .join(", "),
            violation.dotted()
        ),
        Problem::Alternatives {
            exactly_one: false,
            asked,
            ..
        } => format!("write {} at `{}`", asked.join(" or "), violation.dotted()),
        Problem::Alternatives { asked, .. } => format!(
            "keep exactly one of {} under `{}`",
            asked.join(", "),
            violation.dotted()
        ),
    }
}

/// The allowed values as a list, the empty string named.
fn shown(values: &[String]) -> String {
    values
        .iter()
        .map(|v| {
            if v.is_empty() {
                "\"\"".to_string()
            } else {
                v.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The known name closest to `written`, if it is a likely slip of it: the same but for case
/// (`always` for `Always`), one or two edits away (fewer for short names, so `tag` is not
/// taken for `tags`' neighbour `tls`), or cut short (`deploy` for `deployment`).
fn closest<'k>(written: &str, known: &'k [String]) -> Option<&'k str> {
    let written = written.to_lowercase();
    known
        .iter()
        .filter(|k| !k.is_empty())
        .filter_map(|k| {
            let candidate = k.to_lowercase();
            let allowed = (candidate.chars().count() / 3).clamp(1, 2);
            let distance = edit_distance(&written, &candidate);
            let cut_short = written.chars().count() >= 3 && candidate.starts_with(&written);
            (distance <= allowed || cut_short).then_some((distance, k.as_str()))
        })
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names_a_likely_slip_only() {
        let known = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let keys = known(&["config", "image", "presets", "replicaCount", "mode"]);
        assert_eq!(closest("confg", &keys), Some("config"));
        assert_eq!(closest("prests", &keys), Some("presets"));
        assert_eq!(closest("resources", &keys), None);
        let modes = known(&["daemonset", "deployment", "statefulset", ""]);
        assert_eq!(closest("deploy", &modes), Some("deployment"));
        assert_eq!(
            closest("always", &known(&["IfNotPresent", "Always", "Never"])),
            Some("Always")
        );
    }
}
