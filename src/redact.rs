//! Keys never leave the process unmasked. Rules mask the keys they quote; this is the last line
//! of defence: every byte of output passes through a `Redactor` that knows every key the run
//! has seen.

use crate::knowledge::honeycomb;
use crate::resolve::Project;

/// Secrets shorter than this are not real keys, and replacing them would mangle the report.
const MIN_SECRET_LEN: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub fn add(&mut self, secret: &str) {
        let secret = secret.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
        if secret.len() >= MIN_SECRET_LEN && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_string());
            // Longest first, so a key is masked before any shorter secret inside it.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Learns every key-like value of a project: Honeycomb key variables, team headers, and
    /// anything shaped like a Honeycomb key.
    pub fn learn(&mut self, project: &Project) {
        for service in &project.services {
            for var in &service.env {
                if var.name.contains("API_KEY") || var.name.ends_with("_KEY") {
                    self.add(&var.value);
                }
                for word in var.value.split([',', '=', ' ', ':', '"', '\'']) {
                    if honeycomb::classify_key(word).is_some() {
                        self.add(word);
                    }
                }
            }
            let plan = service.export_plan();
            for header in &plan.headers {
                if header.name == honeycomb::TEAM_HEADER {
                    self.add(&header.value);
                }
            }
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), &honeycomb::mask(secret));
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_occurrence_and_ignores_short_values() {
        let mut redactor = Redactor::default();
        let key = "hcaik_0000000000000000000000000000000000000000000000000000000000";
        redactor.add(key);
        redactor.add("abc");
        let out = redactor.redact(&format!("x-honeycomb-team={key}, again {key}, abc"));
        assert_eq!(
            out,
            "x-honeycomb-team=hcaik_000…0000, again hcaik_000…0000, abc"
        );
    }
}
