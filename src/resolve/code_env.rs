//! Variables the app's code sets in its own environment before the SDK reads it
//! (`os.Setenv`, `ENV['X'] ||= 'v'`), layered over what the container receives: the SDK sees
//! them as if the container had them, with the code's `file:line` as where they come from.
//! Not when an agent or a preload sets the SDK up before the app's code runs
//! (`opentelemetry-instrument`, `node --require`, a Java agent): it has read the environment
//! by then.

use super::code::CodeEnvWrite;
use super::command::Instrument;
use super::environment::{EnvOrigin, EnvVar};
use super::jvm::JvmFacts;
use super::node::NodeFacts;

/// What starts before the app's own code.
pub struct Before<'a> {
    pub instrument: Option<&'a Instrument>,
    pub node: Option<&'a NodeFacts>,
    pub jvm: Option<&'a JvmFacts>,
}

impl Before<'_> {
    /// Whether something sets the SDK up before the app's code runs.
    fn configures_sdk(&self) -> bool {
        self.instrument.is_some()
            || self.node.is_some_and(|n| !n.preloads.is_empty())
            || self.jvm.is_some_and(|j| !j.agents.is_empty())
    }
}

/// The environment with the code's writes, in the order the code makes them; `None` when
/// they change nothing the SDK reads.
pub fn layered(env: &[EnvVar], writes: &[CodeEnvWrite], before: &Before) -> Option<Vec<EnvVar>> {
    if writes.is_empty() || before.configures_sdk() {
        return None;
    }
    let mut env = env.to_vec();
    for write in writes {
        let var = EnvVar {
            name: write.name.clone(),
            value: write.value.clone(),
            raw: write.value.clone(),
            location: write.location.clone(),
            origin: EnvOrigin::Code,
            uses: Vec::new(),
            merged_at: None,
            resolved: true,
        };
        match env.iter_mut().find(|v| v.name == write.name) {
            Some(_) if write.if_unset => {}
            Some(existing) => *existing = var,
            None => env.push(var),
        }
    }
    Some(env)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Location;
    use std::sync::Arc;

    fn write(name: &str, value: &str, if_unset: bool) -> CodeEnvWrite {
        CodeEnvWrite {
            name: name.into(),
            value: value.into(),
            location: Location::new(&Arc::from("app.rb"), 3, 1),
            if_unset,
        }
    }

    #[test]
    fn writes_fill_or_replace_the_environment() {
        let compose = EnvVar {
            name: "OTEL_SERVICE_NAME".into(),
            value: "api".into(),
            raw: "api".into(),
            location: Location::new(&Arc::from("docker-compose.yml"), 5, 7),
            origin: EnvOrigin::Environment,
            uses: Vec::new(),
            merged_at: None,
            resolved: true,
        };
        let nothing_first = Before {
            instrument: None,
            node: None,
            jvm: None,
        };
        let env = layered(
            std::slice::from_ref(&compose),
            &[
                write("OTEL_SERVICE_NAME", "other", true),
                write("OTEL_TRACES_EXPORTER", "console", true),
                write("OTEL_SERVICE_NAME", "frontend", false),
            ],
            &nothing_first,
        )
        .unwrap();
        let values: Vec<(&str, &str, EnvOrigin)> = env
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_str(), v.origin))
            .collect();
        assert_eq!(
            values,
            [
                ("OTEL_SERVICE_NAME", "frontend", EnvOrigin::Code),
                ("OTEL_TRACES_EXPORTER", "console", EnvOrigin::Code),
            ]
        );
        assert!(layered(&[compose], &[], &nothing_first).is_none());
    }
}
