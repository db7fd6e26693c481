use crate::resolve::{KeyUse, Project, describe_source};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the Honeycomb key a service sends is not empty after docker compose has
    /// interpolated it.
    ///
    /// ## Why is this bad?
    /// `x-honeycomb-team=${HONEYCOMB_API_KEY}` with the variable set neither in the shell nor
    /// in `.env` becomes `x-honeycomb-team=`: Honeycomb answers 401 "missing
    /// 'x-honeycomb-team' header" to every export. compose only mentions it in a warning at
    /// start-up. A common cause: the key was exported in one terminal (or saved with
    /// `gp env` on Gitpod, which only reaches new workspaces) and compose ran in another.
    ///
    /// ## Example
    /// ```sh
    /// docker compose up          # HONEYCOMB_API_KEY not set here
    /// ```
    /// Use instead:
    /// ```sh
    /// export HONEYCOMB_API_KEY=<ingest key>
    /// docker compose up
    /// ```
    pub struct KeyUnset => "honeycomb/key-unset", Error;
}

impl Check for KeyUnset {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(key) = service.honeycomb_key() else {
                continue;
            };
            if !key.value.trim().is_empty() {
                continue;
            }
            let dotenv = if project.dotenv_files.is_empty() {
                "there is no .env next to the compose file".to_string()
            } else {
                format!("not in {}", project.dotenv_files.join(", "))
            };
            let (cause, variable) = cause(&key, &dotenv);
            out.service(
                &Self::META,
                service,
                key.setting.location,
                format!(
                    "{} is \"{}\" {cause}. Honeycomb will answer 401 \"missing 'x-honeycomb-team' header\".",
                    key.setting.describe(),
                    key.setting.value
                ),
                format!(
                    "export {variable}=<ingest key> in the shell that runs docker compose, or add {variable}=<ingest key> to .env (and keep .env out of git)\n(Gitpod: gp env {variable}=<key> only reaches new workspaces; in this one run: eval $(gp env -e))"
                ),
            );
        }
    }
}

/// Why the key is empty, and the variable to set.
fn cause(key: &KeyUse, dotenv: &str) -> (String, String) {
    let references = key
        .setting
        .env
        .map(|var| var.uses.as_slice())
        .unwrap_or_default();
    if let Some(unset) = references.iter().find(|r| r.source.is_none()) {
        return (
            format!(
                "because {} is not set in the shell and {dotenv}",
                unset.name
            ),
            unset.name.clone(),
        );
    }
    match references.first() {
        Some(reference) => (
            format!(
                "because {} is set but empty (in {})",
                reference.name,
                describe_source(reference.source.as_ref())
            ),
            reference.name.clone(),
        ),
        None => (
            "with an empty key written in the file".to_string(),
            "HONEYCOMB_API_KEY".to_string(),
        ),
    }
}
