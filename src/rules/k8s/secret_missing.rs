use crate::finding::Severity;
use crate::knowledge::honeycomb::TEAM_HEADER;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::kubernetes::{Container, ContainerEnv, EnvSource, KeyRef, Secret};

declare_rule! {
    /// ## What it does
    /// Checks each `valueFrom.secretKeyRef` against the Secrets of the manifests (Secret,
    /// SealedSecret, ExternalSecret; names and keys only, values are never read): the Secret
    /// must be in the pod's own namespace and hold the key. A Honeycomb key marked
    /// `optional: true` is reported too. An `envFrom.secretRef` must name a Secret of the
    /// pod's namespace. When the manifests hold no Secret at all, a note gives the
    /// `kubectl create secret` command for the Honeycomb key.
    ///
    /// ## Why is this bad?
    /// A pod cannot read a Secret of another namespace. A missing Secret or key keeps the pod
    /// in `CreateContainerConfigError`; with `optional: true` the pod starts without the
    /// variable, and Honeycomb answers 401 to every export.
    ///
    /// ## Example
    /// ```yaml
    /// - name: HONEYCOMB_API_KEY
    ///   valueFrom:
    ///     secretKeyRef: {name: honeycomb, key: apikey}   # the Secret's key is api-key
    /// ```
    /// Use instead: `key: api-key`.
    pub struct SecretMissing => "k8s/secret-missing", Error;
}

impl Check for SecretMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        super::env_from_missing(project, out, &Self::META, EnvSource::Secret);
        let secrets = &project.kubernetes.secrets;
        for pod in &project.kubernetes.pods {
            let namespace = &pod.object.namespace;
            for container in &pod.containers {
                let Some(workload) = project.service(&container.workload) else {
                    continue;
                };
                for entry in &container.env {
                    let Some(reference) = &entry.secret else {
                        continue;
                    };
                    let honeycomb_key = carries_honeycomb_key(container, entry);
                    let problem = if secrets.is_empty() {
                        None
                    } else {
                        problem(secrets, namespace, reference)
                    };
                    if let Some((message, hint)) = problem {
                        out.service(
                            &Self::META,
                            workload,
                            &reference.location,
                            format!(
                                "{} reads key `{}` of Secret `{}`, but {message}: {}.",
                                entry.name,
                                reference.key,
                                reference.name,
                                if reference.optional {
                                    "the pod starts without the variable (optional: true)"
                                } else {
                                    "the pod does not start (CreateContainerConfigError)"
                                }
                            ),
                            hint,
                        );
                    } else if honeycomb_key && let Some(at) = &reference.optional_at {
                        let finding = out.service(
                            &Self::META,
                            workload,
                            at,
                            format!(
                                "{} (the Honeycomb key) comes from Secret `{}` with optional: true: if the Secret or key is missing the pod starts without it, and Honeycomb answers 401 to every export.",
                                entry.name, reference.name
                            ),
                            "remove `optional: true`, so a missing key stops the pod where `kubectl describe pod` shows it".to_string(),
                        );
                        finding.severity = Severity::Warning;
                    } else if secrets.is_empty() && honeycomb_key {
                        let finding = out.service(
                            &Self::META,
                            workload,
                            &reference.location,
                            format!(
                                "{} (the Honeycomb key) comes from Secret `{}` (key `{}`), which is not in these manifests: create it in namespace `{namespace}` before the pod starts.",
                                entry.name, reference.name, reference.key
                            ),
                            format!(
                                "kubectl create secret generic {} --namespace {namespace} --from-literal={}=<your Honeycomb ingest key>",
                                reference.name, reference.key
                            ),
                        );
                        finding.severity = Severity::Info;
                    }
                }
            }
        }
    }
}

/// What is wrong with a reference, and the fix: no such Secret in the namespace (it is in
/// another, or nowhere), or no such key in it.
fn problem(secrets: &[Secret], namespace: &str, reference: &KeyRef) -> Option<(String, String)> {
    let named: Vec<&Secret> = secrets
        .iter()
        .filter(|s| s.object.name == reference.name)
        .collect();
    let Some(own) = named.iter().find(|s| s.object.namespace == namespace) else {
        return Some(match named.first() {
            Some(other) => (
                format!(
                    "that Secret is in namespace `{}` ({}), and a pod reads Secrets only from its own namespace, `{namespace}`",
                    other.object.namespace, other.object.location
                ),
                format!(
                    "create the Secret in namespace `{namespace}` too (Secrets are not shared across namespaces)"
                ),
            ),
            None => (
                format!(
                    "no Secret `{}` is in namespace `{namespace}` in these manifests",
                    reference.name
                ),
                format!(
                    "create it: kubectl create secret generic {} --namespace {namespace} --from-literal={}=...; or name an existing Secret",
                    reference.name, reference.key
                ),
            ),
        });
    };
    if own.keys.contains(&reference.key) || own.keys.is_empty() {
        return None;
    }
    let closest = own
        .keys
        .iter()
        .min_by_key(|k| crate::rules::edit_distance(k, &reference.key))
        .cloned()
        .unwrap_or_default();
    Some((
        format!(
            "that Secret ({}) has no key `{}` (its keys: {})",
            own.object.location,
            reference.key,
            own.keys.join(", ")
        ),
        format!("did you mean `key: {closest}`?"),
    ))
}

/// Whether the variable carries the Honeycomb key: its name says so, or a headers value of
/// the same container sends it as `x-honeycomb-team=$(NAME)`.
fn carries_honeycomb_key(container: &Container, entry: &ContainerEnv) -> bool {
    let name = entry.name.to_ascii_uppercase();
    let reference = format!("{TEAM_HEADER}=$({})", entry.name);
    (name.contains("HONEYCOMB") && (name.contains("KEY") || name.contains("TEAM")))
        || container.env.iter().any(|e| {
            e.value.as_ref().is_some_and(|(value, _)| {
                value
                    .to_ascii_lowercase()
                    .contains(&reference.to_ascii_lowercase())
            })
        })
}
