use crate::knowledge::honeycomb::{classify_key, mask};
use crate::resolve::{EnvOrigin, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for Honeycomb keys written literally into committed files: a compose file's
    /// `environment` or a Dockerfile's `ENV`.
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
                let Some(key) = var
                    .raw
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .find(|word| {
                        classify_key(word).is_some_and(|kind| kind.can_send() || kind.is_classic())
                    })
                else {
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
                    format!(
                        "replace it with ${{HONEYCOMB_API_KEY}} and set that in the shell or in a git-ignored .env; rotate the key {}",
                        mask(key)
                    ),
                );
            }
        }
    }
}
