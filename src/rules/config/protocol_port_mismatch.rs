use crate::knowledge::honeycomb;
use crate::knowledge::otel::Protocol;
use crate::resolve::Project;
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
    pub struct ProtocolPortMismatch => "config/protocol-port-mismatch", Error;
}

impl Check for ProtocolPortMismatch {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let plan = service.export_plan();
            let Some(endpoint) = plan.configured_endpoint() else {
                continue;
            };
            let (url, value, name, location) = (
                &endpoint.url,
                endpoint.value,
                &endpoint.name,
                endpoint.location,
            );
            let host = url.host_str().unwrap_or_default();
            let port = url.port_or_known_default();
            let protocol = plan.protocol;
            let problem = if honeycomb::region_of_host(host).is_some() {
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
            let right_port = if honeycomb::region_of_host(host).is_some() {
                443
            } else {
                protocol.default_port()
            };
            let mut fixed = url.clone();
            let _ = fixed.set_port(Some(right_port));
            if honeycomb::region_of_host(host).is_some() {
                let _ = fixed.set_scheme("https");
                let _ = fixed.set_port(None);
            }
            let fixed = if value.contains("://") {
                fixed.to_string().trim_end_matches('/').to_string()
            } else {
                format!("{host}:{right_port}")
            };
            out.service(
                &Self::META,
                service,
                location,
                format!("{name} is \"{value}\" with protocol {protocol}: {problem}."),
                format!("use {fixed}"),
            );
        }
    }
}
