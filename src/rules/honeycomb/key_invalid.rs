use crate::knowledge::honeycomb::{classify_key, key_slip, mask};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the Honeycomb key a service sends is shaped like a Honeycomb key that can
    /// send data: an ingest key (64 characters, `hcxik_...`/`hcaik_...`), or a configuration
    /// key (22 or 23 characters, or 32 hex characters for classic).
    ///
    /// ## Why is this bad?
    /// Anything else is refused with 401 "unknown API key". The usual slips: a placeholder
    /// copied from a guide (`{key from honeycomb environment}`), quotes or a trailing newline
    /// around the key, a `${VAR}` that was never expanded, a management key, or only the Key
    /// ID without its secret.
    ///
    /// ## Example
    /// ```sh
    /// HONEYCOMB_API_KEY="{key from honeycomb environment}"
    /// ```
    /// Use instead: the key itself, from Honeycomb's environment settings ("API Keys").
    pub struct KeyInvalid => "honeycomb/key-invalid", Error;
}

impl Check for KeyInvalid {
    fn check(&self, project: &Project, out: &mut Findings) {
        for (service, key) in project.keys_sent_to_honeycomb() {
            if key.value.trim().is_empty() {
                continue;
            }
            let reason = match (key_slip(&key.value), classify_key(&key.value)) {
                (Some(slip), _) => slip.to_string(),
                (None, Some(kind)) if !kind.can_send() => {
                    format!("a {}, which cannot send data", kind.describe())
                }
                (None, Some(_)) => continue,
                (None, None) => format!(
                    "{} characters that match no Honeycomb key (ingest keys are 64 characters starting hc?ik_, configuration keys 22, 23 or 32)",
                    key.value.chars().count()
                ),
            };
            let origin = key.origin();
            let written_at = if origin == key.setting.location {
                String::new()
            } else {
                format!(" (from {}:{})", origin.file, origin.line)
            };
            out.service(
                &Self::META,
                service,
                origin,
                format!(
                    "{} sends the key {}{written_at}, which is {reason}: Honeycomb will answer 401 \"unknown API key\".",
                    key.setting.describe(),
                    mask(&key.value)
                ),
                "use an ingest key from Honeycomb (Environment settings → API Keys), with no quotes, spaces or placeholder text".to_string(),
            );
        }
    }
}
