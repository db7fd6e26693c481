//! What the collector's own `Validate()` refuses in a config it can read, release by release:
//! each component's settings against `knowledge::collector::VALIDATIONS`, with the values
//! expanded as the collector's container expands them. A value that cannot be known here
//! (another provider, a variable the collector refuses) is not judged.

use super::expand::{Expanded, expand};
use super::model::Model;
use crate::knowledge::collector::{self as knowledge, Kind, Requirement, Validation, Version};
use crate::resolve::EnvVar;
use crate::source::Location;
use crate::workspace::collector::ConfigNode;

/// A component whose settings its `Validate()` refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub kind: Kind,
    /// The component's id (`otlp/honeycomb`).
    pub component: String,
    pub validation: &'static Validation,
    /// The collector's words, with the value involved.
    pub message: String,
    /// The value involved, as expanded (an endpoint, a size), when there is one.
    pub value: Option<String>,
    pub location: Location,
    /// The release is older than `validation.since`: it starts, and `validation.before`
    /// happens instead.
    pub starts_anyway: bool,
}

impl Invalid {
    /// How the collector words the refusal: `exporters::otlp/honeycomb: ...`.
    pub fn refusal(&self) -> String {
        format!(
            "{}::{}: {}",
            self.kind.section(),
            self.component,
            self.message
        )
    }
}

/// Every refusal of every component, in the config's order. `version`: `None` is the newest.
pub fn invalid(model: &Model, env: &[EnvVar], version: Option<Version>) -> Vec<Invalid> {
    let mut found = Vec::new();
    for component in &model.components {
        for validation in knowledge::validations(component.kind, &component.type_name) {
            let starts_anyway = version.is_some_and(|v| v < validation.since);
            if starts_anyway && validation.before.is_none() {
                continue;
            }
            let Some((value, location)) =
                check(&component.body, validation.requirement, env, version)
            else {
                continue;
            };
            let message = match &value {
                Some(value) => validation.message.replace("{}", value),
                None => validation.message.to_string(),
            };
            found.push(Invalid {
                kind: component.kind,
                component: component.id.clone(),
                validation,
                message,
                value,
                location: location.unwrap_or_else(|| component.location.clone()),
                starts_anyway,
            });
        }
    }
    found
}

/// Whether `body` fails `requirement`: `Some((the value involved, where))`, the location
/// `None` for the component itself.
fn check(
    body: &ConfigNode,
    requirement: Requirement,
    env: &[EnvVar],
    version: Option<Version>,
) -> Option<(Option<String>, Option<Location>)> {
    let expanded = |key: &str| -> Option<(Expanded, &ConfigNode)> {
        let node = body.get(key)?;
        let raw = node.as_scalar()?;
        Some((expand(raw, env, version), node))
    };
    // `None` when the value is not known here: nothing is claimed.
    let text = |key: &str| -> Option<Option<(String, Location)>> {
        match expanded(key) {
            Some((value, _)) if !value.is_known() => None,
            Some((value, node)) => Some(Some((value.value, node.location.clone()))),
            None => Some(None),
        }
    };
    match requirement {
        Requirement::Endpoint => match text("endpoint")? {
            Some((value, location)) if sanitized(&value).is_empty() => Some((None, Some(location))),
            Some(_) => None,
            None => Some((None, None)),
        },
        Requirement::EndpointPort | Requirement::EndpointPortNumeric => {
            let (value, location) = text("endpoint")??;
            let address = sanitized(&value);
            if address.is_empty() || value.trim_start().starts_with("unix://") {
                return None;
            }
            match (split_port(address), requirement) {
                (Err(()), Requirement::EndpointPort) => {
                    Some((Some(address.to_string()), Some(location)))
                }
                (Ok(port), Requirement::EndpointPortNumeric) if port.parse::<u16>().is_err() => {
                    Some((Some(port.to_string()), Some(location)))
                }
                _ => None,
            }
        }
        Requirement::AnyOf(keys) => {
            let mut any = false;
            for key in keys {
                if text(key)?.is_some_and(|(value, _)| !value.trim().is_empty()) {
                    any = true;
                }
            }
            (!any).then_some((None, None))
        }
        Requirement::AnyUnder { parent, keys } => {
            let node = body.get(parent);
            let has =
                node.is_some_and(|n| n.entries().iter().any(|e| keys.contains(&e.key.as_str())));
            (!has).then(|| (None, node.map(|n| n.location.clone())))
        }
        Requirement::Positive(keys) => {
            let mut first_location = None;
            for key in keys {
                let Some((value, location)) = text(key)? else {
                    continue;
                };
                first_location.get_or_insert(location);
                if amount(&value)? > 0.0 {
                    return None;
                }
            }
            Some((None, first_location))
        }
        Requirement::AtLeast {
            larger,
            smaller,
            smaller_default,
        } => {
            let (larger_value, location) = text(larger)??;
            let larger_amount = amount(&larger_value)?;
            let smaller_amount = match text(smaller)? {
                Some((value, _)) => amount(&value)?,
                None => smaller_default as f64,
            };
            (larger_amount > 0.0 && larger_amount < smaller_amount)
                .then_some((Some(larger_value), Some(location)))
        }
    }
}

/// The address gRPC dials: the endpoint without `http://`, `https://` or `dns://` (the
/// collector's `sanitizedEndpoint`).
fn sanitized(endpoint: &str) -> &str {
    let endpoint = endpoint.trim();
    endpoint
        .strip_prefix("http://")
        .or_else(|| endpoint.strip_prefix("https://"))
        .or_else(|| {
            endpoint
                .strip_prefix("dns:///")
                .or_else(|| endpoint.strip_prefix("dns://"))
        })
        .unwrap_or(endpoint)
}

/// The port of `host:port` or `[v6]:port`, as Go's `net.SplitHostPort` finds it: `Err` when
/// the address has none.
fn split_port(address: &str) -> Result<&str, ()> {
    if let Some(rest) = address.strip_prefix('[') {
        let (_, after) = rest.split_once(']').ok_or(())?;
        return after.strip_prefix(':').ok_or(());
    }
    match address.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => Ok(port),
        _ => Err(()),
    }
}

/// A number, or a Go duration (`5s`, `500ms`, `1m30s`) in seconds; `None` when it is neither.
fn amount(value: &str) -> Option<f64> {
    let value = value.trim();
    if let Ok(number) = value.parse::<f64>() {
        return Some(number);
    }
    const UNITS: [(&str, f64); 6] = [
        ("ns", 1e-9),
        ("us", 1e-6),
        ("ms", 1e-3),
        ("s", 1.0),
        ("m", 60.0),
        ("h", 3600.0),
    ];
    let mut rest = value;
    let mut total = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, scale) = UNITS.iter().find(|(unit, _)| rest.starts_with(unit))?;
        total += number * scale;
        rest = &rest[unit.len()..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::collector::parse;
    use std::sync::Arc;

    fn refusals(text: &str, version: Option<&str>) -> Vec<String> {
        let model = Model::read(parse(&Arc::from("otel.yaml"), text).unwrap());
        invalid(&model, &[], version.and_then(Version::parse))
            .iter()
            .map(|i| {
                let when = if i.starts_anyway { " (starts)" } else { "" };
                format!("{} {}{when}", i.location, i.refusal())
            })
            .collect()
    }

    #[test]
    fn otlp_exporter_endpoints_need_a_port_from_v0_98() {
        let config = "exporters:\n  otlp/honeycomb:\n    endpoint: https://api.honeycomb.io\n  otlp/ok:\n    endpoint: api.honeycomb.io:443\n  otlp_grpc/path:\n    endpoint: collector:4317/v1/traces\n  otlp/empty:\n";
        assert_eq!(
            refusals(config, None),
            [
                "otel.yaml:3:15 exporters::otlp/honeycomb: address api.honeycomb.io: missing port in address",
                "otel.yaml:7:15 exporters::otlp_grpc/path: invalid port \"4317/v1/traces\"",
                "otel.yaml:8:3 exporters::otlp/empty: requires a non-empty \"endpoint\"",
            ]
        );
        assert_eq!(
            refusals(config, Some("0.97.0")),
            [
                "otel.yaml:3:15 exporters::otlp/honeycomb: address api.honeycomb.io: missing port in address (starts)",
                "otel.yaml:7:15 exporters::otlp_grpc/path: invalid port \"4317/v1/traces\" (starts)",
                "otel.yaml:8:3 exporters::otlp/empty: requires a non-empty \"endpoint\"",
            ]
        );
        assert_eq!(
            refusals(config, Some("0.94.0"))[2..],
            [] as [String; 0],
            "no empty-endpoint check before v0.95"
        );
    }

    #[test]
    fn receivers_and_processors() {
        let config = "receivers:\n  otlp:\n  otlp/ok:\n    protocols:\n      grpc:\nexporters:\n  otlphttp:\n    compression: gzip\nprocessors:\n  batch:\n    send_batch_max_size: 1000\n  batch/ok:\n    send_batch_size: 500\n    send_batch_max_size: 1000\n  memory_limiter:\n    check_interval: 0s\n    limit_mib: 400\n  memory_limiter/ok:\n    check_interval: 1s\n    limit_percentage: 75\n";
        assert_eq!(
            refusals(config, None),
            [
                "otel.yaml:2:3 receivers::otlp: must specify at least one protocol when using the OTLP receiver",
                "otel.yaml:11:26 processors::batch: send_batch_max_size must be greater or equal to send_batch_size",
                "otel.yaml:16:21 processors::memory_limiter: 'check_interval' must be greater than zero",
                "otel.yaml:7:3 exporters::otlphttp: at least one endpoint must be specified",
            ]
        );
    }

    #[test]
    fn durations_and_numbers() {
        assert_eq!(amount("1m30s"), Some(90.0));
        assert_eq!(amount("500ms"), Some(0.5));
        assert_eq!(amount("80"), Some(80.0));
        assert_eq!(amount("soon"), None);
        assert_eq!(split_port("[::1]:4317"), Ok("4317"));
        assert_eq!(split_port("host"), Err(()));
        assert_eq!(split_port("::1"), Err(()));
    }
}
