use crate::finding::{Edit, Remedy};
use crate::knowledge::honeycomb;
use crate::knowledge::otel::{self, Protocol};
use crate::resolve::collector::{self, AtCollector};
use crate::resolve::{ConfiguredEndpoint, EndpointSource, Project, Workload};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the endpoint's port fits the protocol: gRPC is 4317 on a collector, OTLP
    /// over HTTP is 4318, and Honeycomb takes both on 443 (TLS) only.
    ///
    /// ## Why is this bad?
    /// gRPC spoken to an HTTP port (or the reverse) fails every export with a protocol error
    /// or a hang until the timeout; Honeycomb does not listen on 4317/4318 at all.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_PROTOCOL: grpc
    /// OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_PROTOCOL: grpc
    /// OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4317
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: it writes the endpoint with the protocol's port (for
    /// Honeycomb: `https` on the default port) where the endpoint is written. Not fixed
    /// automatically when the endpoint comes from a variable (`${OTLP_ENDPOINT}`: change it
    /// where that is set) or from code.
    pub struct ProtocolPortMismatch => "config/protocol-port-mismatch", Error;
}

impl Check for ProtocolPortMismatch {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let plan = service.export_plan();
            let Some(endpoint) = plan.configured_endpoint() else {
                continue;
            };
            let ConfiguredEndpoint {
                url,
                value,
                name,
                location,
            } = endpoint;
            let host = url.host_str().unwrap_or_default();
            let port = url.port_or_known_default();
            let protocol = plan.protocol;
            // A collector whose config is known says which port takes which protocol.
            let at_collector = if plan.protocol_is_known() {
                collector::at_collector(project, host, port.unwrap_or_default(), protocol)
            } else {
                AtCollector::NotKnown
            };
            let problem = if let AtCollector::WrongPort { problem, .. } = &at_collector {
                Some(problem.clone())
            } else if at_collector == AtCollector::Fine {
                None
            } else if honeycomb::region_of_host(host).is_some() {
                if url.scheme() == "http" {
                    Some("Honeycomb only accepts TLS: the scheme must be https".to_string())
                } else if port != Some(443) {
                    Some(format!(
                        "Honeycomb listens on 443 only, not {}",
                        port.unwrap_or_default()
                    ))
                } else {
                    None
                }
            } else if !plan.protocol_is_known() {
                // Nothing sets the protocol and this SDK's default is not known.
                None
            } else {
                match (protocol, port) {
                    (Protocol::Grpc, Some(4318)) => {
                        Some("4318 is the OTLP/HTTP port; gRPC is 4317".to_string())
                    }
                    (Protocol::HttpProtobuf | Protocol::HttpJson, Some(4317)) => {
                        Some("4317 is the OTLP/gRPC port; HTTP is 4318".to_string())
                    }
                    _ => None,
                }
            };
            let Some(problem) = problem else { continue };
            let honeycomb_host = honeycomb::region_of_host(host).is_some();
            let right_port = match at_collector {
                AtCollector::WrongPort { right_port, .. } => right_port,
                _ if honeycomb_host => 443,
                _ => protocol.default_port(),
            };
            let fixed = corrected(value, host, right_port, honeycomb_host);
            let fix = match &plan.endpoint {
                EndpointSource::Setting { setting, .. }
                    if setting.code.is_none()
                        && setting.env.is_none_or(|var| var.raw == var.value)
                        && setting.config.is_none_or(|value| value.editable) =>
                {
                    Remedy::edit(Edit::Replace {
                        at: location.clone(),
                        old: value.to_string(),
                        new: fixed.clone(),
                    })
                }
                EndpointSource::Setting { setting, .. } if setting.code.is_none() => {
                    Remedy::manual(match setting.env {
                        Some(var) => format!(
                            "{name} is interpolated from `{}`: change the value where it is set",
                            var.raw
                        ),
                        None => {
                            format!("{name} is not written as it is: change it where it is set")
                        }
                    })
                }
                _ => Remedy::manual("the endpoint is set in code: change it there"),
            };
            let finding = out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{name} is \"{value}\" with protocol {protocol}{}: {problem}.",
                    plan.protocol_origin()
                        .map(|origin| match ignored_protocol(service, protocol) {
                            Some(ignored) => format!(" ({origin}; {ignored} is ignored)"),
                            None => format!(" ({origin})"),
                        })
                        .unwrap_or_default()
                ),
                format!("use {fixed}"),
            );
            finding.fix = Some(fix);
        }
    }
}

/// The endpoint as written with the right port (for Honeycomb: `https` on its default port).
/// The path stays as written: the SDK appends `/v1/traces` to a generic endpoint itself.
/// The protocol variable an exporter fixed in code ignores, as written
/// (`OTEL_EXPORTER_OTLP_PROTOCOL=grpc`): config/protocol-ignored's cause, told here when the
/// port is what breaks.
fn ignored_protocol(service: &Workload, protocol: Protocol) -> Option<String> {
    let setting = service
        .setting(otel::TRACES_PROTOCOL)
        .or_else(|| service.setting(otel::PROTOCOL))?;
    (Protocol::parse(setting.value)? != protocol)
        .then(|| format!("{}={}", setting.name, setting.value))
}

fn corrected(value: &str, host: &str, port: u16, honeycomb: bool) -> String {
    let Some(mut url) = url::Url::parse(value)
        .ok()
        .filter(|_| value.contains("://"))
    else {
        return format!("{host}:{port}");
    };
    if honeycomb {
        let _ = url.set_scheme("https");
        let _ = url.set_port(None);
    } else {
        let _ = url.set_port(Some(port));
    }
    let text = url.to_string();
    match text.strip_suffix('/') {
        Some(trimmed) if !value.ends_with('/') => trimmed.to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corrected_endpoint_keeps_the_path_as_written() {
        let fix = |value: &str, honeycomb: bool| corrected(value, "h", 4317, honeycomb);
        assert_eq!(fix("http://collector:4318", false), "http://collector:4317");
        assert_eq!(
            fix("http://collector:4318/", false),
            "http://collector:4317/"
        );
        assert_eq!(
            fix("http://collector:4318/v1/traces", false),
            "http://collector:4317/v1/traces"
        );
        assert_eq!(
            fix("http://api.honeycomb.io:4318", true),
            "https://api.honeycomb.io"
        );
        assert_eq!(
            fix("https://api.eu1.honeycomb.io:4317/v1/traces", true),
            "https://api.eu1.honeycomb.io/v1/traces"
        );
        assert_eq!(fix("collector:4318", false), "h:4317");
    }
}
