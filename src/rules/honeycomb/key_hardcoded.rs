use crate::knowledge::collector::Kind;
use crate::knowledge::honeycomb::{classify_key, mask};
use crate::resolve::{EnvOrigin, Project};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::workload::Launcher;

declare_rule! {
    /// ## What it does
    /// Checks for Honeycomb keys written literally into committed files: a compose file's
    /// `environment`, a Dockerfile's `ENV`, a pod's `env` or a ConfigMap it reads, and a
    /// collector exporter's `headers` (in a config file, a ConfigMap, an
    /// OpenTelemetryCollector resource or the collector chart's values).
    ///
    /// ## Why is this bad?
    /// Everyone who can read the repository (or pull the image) can send data to, and with a
    /// configuration key change, your Honeycomb environment. Keys in git history stay there
    /// after they are deleted; rotate any key that was committed.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=hcaik_01j...
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    pub struct KeyHardcoded => "honeycomb/key-hardcoded", Warning;
}

impl Check for KeyHardcoded {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            for var in &service.env {
                if !matches!(var.origin, EnvOrigin::Environment | EnvOrigin::Dockerfile) {
                    continue;
                }
                let Some(key) = literal_key(&var.raw) else {
                    continue;
                };
                out.service(
                    &Self::META,
                    service,
                    &var.location,
                    format!(
                        "{} holds the Honeycomb key {} literally in {}, a file that is committed.",
                        var.name,
                        mask(key),
                        var.location.file
                    ),
                    match service.launcher {
                        Launcher::Kubernetes => format!(
                            "take it from a Secret instead: valueFrom: {{secretKeyRef: {{name: honeycomb, key: api-key}}}} (kubectl create secret generic honeycomb --from-literal=api-key=<your key>); rotate the key {}",
                            mask(key)
                        ),
                        _ => format!(
                            "replace it with ${{HONEYCOMB_API_KEY}} and set that in the shell or in a git-ignored .env; rotate the key {}",
                            mask(key)
                        ),
                    },
                );
            }
        }
        for collector in &project.collectors {
            let (Some(model), Some(service)) =
                (collector.model(), project.service(&collector.service))
            else {
                continue;
            };
            let exporters = model
                .components
                .iter()
                .filter(|c| c.kind == Kind::Exporter)
                .filter_map(|c| collector.exporter(&c.id));
            for exporter in exporters {
                for header in &exporter.headers {
                    let Some(key) = literal_key(&header.value.raw) else {
                        continue;
                    };
                    out.service(
                        &Self::META,
                        service,
                        &header.location,
                        format!(
                            "exporter {} of `{}` holds the Honeycomb key {} literally in {}, a file that is committed.",
                            exporter.id,
                            collector.service,
                            mask(key),
                            header.location.file
                        ),
                        format!(
                            "{}: ${{env:HONEYCOMB_API_KEY}}, with HONEYCOMB_API_KEY in the collector's environment from a secret; rotate the key {}",
                            header.name,
                            mask(key)
                        ),
                    );
                }
            }
        }
    }
}

/// A Honeycomb key that can send data, written as it is in `raw` (not through a variable).
fn literal_key(raw: &str) -> Option<&str> {
    raw.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|word| classify_key(word).is_some_and(|kind| kind.can_send() || kind.is_classic()))
}
