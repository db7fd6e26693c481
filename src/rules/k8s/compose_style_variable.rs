use crate::finding::{Edit, Remedy};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks a container's `env[].value` for compose's (and the shell's) `${VAR}`.
    /// Kubernetes expands only `$(VAR)`, and only for a variable defined earlier in the same
    /// container's `env`.
    ///
    /// ## Why is this bad?
    /// Kubernetes passes `${VAR}` through as it is written: the SDK sends the header
    /// `x-honeycomb-team=${HONEYCOMB_API_KEY}`, and Honeycomb answers 401; an endpoint
    /// `http://${COLLECTOR_HOST}:4318` is not a URL at all.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: HONEYCOMB_API_KEY
    ///     valueFrom: {secretKeyRef: {name: honeycomb, key: api-key}}
    ///   - name: OTEL_EXPORTER_OTLP_HEADERS
    ///     value: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    /// Use instead: `value: x-honeycomb-team=$(HONEYCOMB_API_KEY)`.
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: `${X}` becomes `$(X)` when X is defined earlier in the same
    /// container's `env`; otherwise X must be defined first, which is left to you.
    pub struct ComposeStyleVariable => "k8s/compose-style-variable", Error;
}

impl Check for ComposeStyleVariable {
    fn check(&self, project: &Project, out: &mut Findings) {
        for pod in &project.kubernetes.pods {
            for container in &pod.containers {
                let Some(workload) = project.service(&container.workload) else {
                    continue;
                };
                for (index, entry) in container.env.iter().enumerate() {
                    let Some((value, at)) = &entry.value else {
                        continue;
                    };
                    for name in braced_references(value) {
                        let defined_before = container.env[..index].iter().any(|e| e.name == name);
                        let hint = if defined_before {
                            format!(
                                "write $({name}): value: {}",
                                value.replacen(&format!("${{{name}}}"), &format!("$({name})"), 1)
                            )
                        } else {
                            format!(
                                "define {name} earlier in this container's env (a `value`, or `valueFrom.secretKeyRef`), then write $({name})"
                            )
                        };
                        let finding = out.service(
                            &Self::META,
                            workload,
                            at,
                            format!(
                                "{} is \"{value}\": Kubernetes does not expand ${{{name}}} (only $({name}), from a variable defined earlier in the container), so the container gets the text as written.",
                                entry.name
                            ),
                            hint,
                        );
                        let braced = format!("${{{name}}}");
                        finding.fix = Some(if defined_before && value.contains(&braced) {
                            Remedy::edit(Edit::Replace {
                                at: at.clone(),
                                old: braced,
                                new: format!("$({name})"),
                            })
                        } else {
                            Remedy::manual(format!(
                                "{name} is not defined earlier in this container: define it, then write $({name})"
                            ))
                        });
                    }
                }
            }
        }
    }
}

/// The names of the `${NAME}` and `${NAME:-default}` references of a value, each once.
fn braced_references(value: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = value[from..].find("${") {
        let start = from + at;
        let body = &value[start + 2..];
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && !found.contains(&name)
        {
            found.push(name);
        }
        from = start + 2;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braced_references_are_found() {
        assert_eq!(
            braced_references("x-honeycomb-team=${KEY},b=${B:-x}"),
            vec!["KEY".to_string(), "B".to_string()]
        );
        assert!(braced_references("$(KEY) ${} $${1X}").is_empty());
    }
}
