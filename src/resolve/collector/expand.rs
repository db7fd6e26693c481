//! The collector's own expansion of `${env:VAR}`, `${env:VAR:-default}`, `${VAR}` and the older
//! `$VAR` in config values, with the variables its container receives (not the shell's: the
//! config file is not interpolated by compose). Per confmap's `envprovider`: an unset variable
//! becomes empty (with a warning in the collector's log); `:-default` applies only when the
//! variable is unset; `$$` is a literal `$`.

use crate::knowledge::collector::{BARE_VARIABLES_KEPT, BARE_VARIABLES_REFUSED, Version};
use crate::resolve::EnvVar;
use crate::source::Location;
use crate::workspace::collector::{ConfigKind, ConfigNode};

/// A config value after expansion, and the variables it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub raw: String,
    pub value: String,
    pub refs: Vec<EnvRef>,
}

impl Expanded {
    /// Whether the value is known: no provider other than `env` was needed, and no reference
    /// stops the collector.
    pub fn is_known(&self) -> bool {
        self.refs
            .iter()
            .all(|r| !matches!(r.state, RefState::OtherProvider | RefState::Refused))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRef {
    pub name: String,
    /// As written: `${env:HONEYCOMB_API_KEY}`.
    pub text: String,
    pub state: RefState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefState {
    /// The container receives the variable, set at `location`.
    Set { location: Location, empty: bool },
    /// The container does not receive it: the value is empty.
    Unset,
    /// Unset, and the `:-default` was used.
    Defaulted,
    /// `$VAR` kept as written (v0.107 and later expand only `${...}`).
    Kept,
    /// `$VAR` makes the collector refuse its config (v0.104 to v0.106).
    Refused,
    /// `${file:...}`, `${http:...}`: another provider; or a variable the container receives
    /// with a value the files do not hold (from a Kubernetes Secret). Not known here.
    OtherProvider,
}

/// Expands `raw` as a collector of `version` (`None`: the newest) would, with `env`.
pub fn expand(raw: &str, env: &[EnvVar], version: Option<Version>) -> Expanded {
    let bare_expands = version.is_some_and(|v| v < BARE_VARIABLES_REFUSED);
    let bare_refused =
        version.is_some_and(|v| v >= BARE_VARIABLES_REFUSED && v < BARE_VARIABLES_KEPT);
    let mut value = String::with_capacity(raw.len());
    let mut refs = Vec::new();
    let mut rest = raw;
    while let Some(dollar) = rest.find('$') {
        value.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            value.push('$');
            rest = tail;
            continue;
        }
        if let Some(inner_and_tail) = after.strip_prefix('{')
            && let Some(close) = inner_and_tail.find('}')
        {
            let inner = &inner_and_tail[..close];
            let text = format!("${{{inner}}}");
            rest = &inner_and_tail[close + 1..];
            let (name, default) = match inner.strip_prefix("env:") {
                Some(uri) => match uri.split_once(":-") {
                    Some((name, default)) => (name, Some(default)),
                    None => (uri, None),
                },
                None if is_name(inner) => (inner, None),
                None => {
                    value.push_str(&text);
                    refs.push(EnvRef {
                        name: inner.to_string(),
                        text,
                        state: RefState::OtherProvider,
                    });
                    continue;
                }
            };
            let (resolved, state) = lookup(env, name, default);
            value.push_str(&resolved);
            refs.push(EnvRef {
                name: name.to_string(),
                text,
                state,
            });
            continue;
        }
        let name_length = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_length];
        if !is_name(name) {
            value.push('$');
            rest = after;
            continue;
        }
        let text = format!("${name}");
        rest = &after[name_length..];
        if bare_expands {
            let (resolved, state) = lookup(env, name, None);
            value.push_str(&resolved);
            refs.push(EnvRef {
                name: name.to_string(),
                text,
                state,
            });
        } else {
            value.push_str(&text);
            let state = if bare_refused {
                RefState::Refused
            } else {
                RefState::Kept
            };
            refs.push(EnvRef {
                name: name.to_string(),
                text,
                state,
            });
        }
    }
    value.push_str(rest);
    Expanded {
        raw: raw.to_string(),
        value,
        refs,
    }
}

/// A `${env:X}` (or `${X}`) in a config value whose variable the container does not receive:
/// the collector puts an empty string there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsetReference {
    pub name: String,
    /// As written: `${env:DEPLOY_ENV}`.
    pub text: String,
    /// Where in the config: `processors.resource.attributes[0].value`.
    pub path: String,
    pub location: Location,
}

/// Every reference of every value under `root` that expands to nothing, in the file's order.
pub fn unset_references(
    root: &ConfigNode,
    env: &[EnvVar],
    version: Option<Version>,
) -> Vec<UnsetReference> {
    let mut found = Vec::new();
    // Depth first with a stack of its own: a config is a workspace file, of any depth.
    let mut stack: Vec<(&ConfigNode, String)> = vec![(root, String::new())];
    while let Some((node, path)) = stack.pop() {
        match &node.kind {
            ConfigKind::Scalar(raw) if raw.contains('$') => {
                let expanded = expand(raw, env, version);
                found.extend(
                    expanded
                        .refs
                        .into_iter()
                        .filter(|r| r.state == RefState::Unset)
                        .map(|r| UnsetReference {
                            name: r.name,
                            text: r.text,
                            path: path.clone(),
                            location: node.location.clone(),
                        }),
                );
            }
            ConfigKind::Map(entries) => stack.extend(entries.iter().rev().map(|entry| {
                let path = match path.as_str() {
                    "" => entry.key.clone(),
                    _ => format!("{path}.{}", entry.key),
                };
                (&entry.value, path)
            })),
            ConfigKind::Seq(items) => stack.extend(
                items
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(index, item)| (item, format!("{path}[{index}]"))),
            ),
            _ => {}
        }
    }
    found
}

fn lookup(env: &[EnvVar], name: &str, default: Option<&str>) -> (String, RefState) {
    // Received, but with a value the files do not hold (a Kubernetes Secret's, or one compose
    // cannot interpolate): not known here.
    if env.iter().any(|v| v.name == name && !v.resolved) {
        return (String::new(), RefState::OtherProvider);
    }
    match env.iter().find(|v| v.name == name && v.resolved) {
        Some(var) => (
            var.value.clone(),
            RefState::Set {
                location: var.location.clone(),
                empty: var.value.is_empty(),
            },
        ),
        None => match default {
            Some(default) => (default.to_string(), RefState::Defaulted),
            None => (String::new(), RefState::Unset),
        },
    }
}

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::EnvOrigin;
    use std::sync::Arc;

    fn env(pairs: &[(&str, &str)]) -> Vec<EnvVar> {
        pairs
            .iter()
            .map(|(name, value)| EnvVar {
                name: name.to_string(),
                value: value.to_string(),
                raw: value.to_string(),
                location: Location::new(&Arc::from("docker-compose.yml"), 9, 7),
                origin: EnvOrigin::Environment,
                uses: Vec::new(),
                merged_at: None,
                resolved: true,
            })
            .collect()
    }

    fn version(minor: u32) -> Option<Version> {
        Version::parse(&format!("0.{minor}.0"))
    }

    #[test]
    fn env_references_with_and_without_defaults() {
        let env = env(&[("KEY", "k"), ("EMPTY", "")]);
        let expanded = expand(
            "${env:KEY}|${KEY}|${env:NOPE:-d}|${env:EMPTY:-d}|${env:NOPE}",
            &env,
            None,
        );
        assert_eq!(expanded.value, "k|k|d||");
        let states: Vec<&RefState> = expanded.refs.iter().map(|r| &r.state).collect();
        assert!(matches!(states[0], RefState::Set { empty: false, .. }));
        assert_eq!(states[2], &RefState::Defaulted);
        assert!(matches!(states[3], RefState::Set { empty: true, .. }));
        assert_eq!(states[4], &RefState::Unset);
    }

    #[test]
    fn bare_variables_depend_on_the_release() {
        let env = env(&[("KEY", "k")]);
        assert_eq!(expand("$KEY", &env, version(103)).value, "k");
        assert_eq!(
            expand("$KEY", &env, version(105)).refs[0].state,
            RefState::Refused
        );
        let kept = expand("x=$KEY", &env, version(107));
        assert_eq!(kept.value, "x=$KEY");
        assert_eq!(kept.refs[0].state, RefState::Kept);
        assert_eq!(expand("$KEY", &env, None).refs[0].state, RefState::Kept);
    }

    #[test]
    fn references_the_container_does_not_receive() {
        let root = crate::workspace::collector::parse(
            &Arc::from("otel.yaml"),
            "processors:\n  resource:\n    attributes:\n      - key: deployment.environment\n        value: ${env:DEPLOY_ENV}\n        action: upsert\nexporters:\n  otlp:\n    endpoint: ${env:GATEWAY:-gateway:4317}\n    headers:\n      x-tenant: ${TENANT}-${env:KEY}\n",
        )
        .unwrap();
        let unset: Vec<String> = unset_references(&root, &env(&[("KEY", "k")]), None)
            .iter()
            .map(|r| format!("{} {} {}", r.location, r.path, r.text))
            .collect();
        assert_eq!(
            unset,
            [
                "otel.yaml:5:16 processors.resource.attributes[0].value ${env:DEPLOY_ENV}",
                "otel.yaml:11:17 exporters.otlp.headers.x-tenant ${TENANT}",
            ]
        );
    }

    #[test]
    fn dollars_and_other_providers() {
        let expanded = expand("a$$b $ ${file:/k} $1", &[], None);
        assert_eq!(expanded.value, "a$b $ ${file:/k} $1");
        assert_eq!(expanded.refs[0].state, RefState::OtherProvider);
        assert!(!expanded.is_known());
    }
}
