use crate::knowledge::otel::{self, Protocol};
use crate::resolve::{Project, ProtocolSource, Sdk};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `OTEL_EXPORTER_OTLP_PROTOCOL` (or its `TRACES_` variant) set to another
    /// protocol than the exporter really speaks: an exporter built in code from a
    /// protocol-specific package (Node's `@opentelemetry/exporter-trace-otlp-grpc`, Python's
    /// `...proto.grpc.trace_exporter`), or a Go or Ruby exporter module that speaks one
    /// protocol whatever the environment says.
    ///
    /// ## Why is this bad?
    /// The variable is ignored, so the configuration says one thing and the app does another.
    /// Whoever sets the endpoint's port from the variable (4317 for gRPC, 4318 for HTTP) points
    /// the app at the wrong port, and every export fails.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_PROTOCOL: grpc   # but the code builds OTLPTraceExporter from exporter-trace-otlp-proto
    /// ```
    /// Use instead: set the variable to what the exporter speaks (or build the exporter from
    /// the package of the protocol you want).
    pub struct ProtocolIgnored => "config/protocol-ignored", Warning;
}

impl Check for ProtocolIgnored {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project
            .services
            .iter()
            .filter(|s| s.sdk() == Sdk::OpenTelemetry)
        {
            let plan = service.export_plan();
            let ProtocolSource::Code(decided_at) = plan.protocol_source else {
                continue;
            };
            let Some(setting) = service
                .setting(otel::TRACES_PROTOCOL)
                .or_else(|| service.setting(otel::PROTOCOL))
            else {
                continue;
            };
            let Some(configured) = Protocol::parse(setting.value) else {
                continue;
            };
            if configured == plan.protocol {
                continue;
            }
            // Sent to the variable's port, the exporter fails: config/protocol-port-mismatch
            // reports that, and names the ignored variable.
            let port = plan
                .configured_endpoint()
                .and_then(|e| e.url.port_or_known_default());
            if port == Some(configured.default_port()) {
                continue;
            }
            out.service(
                &Self::META,
                service,
                setting.location,
                format!(
                    "{} is {configured}, but the exporter is fixed at {decided_at} and always speaks {}: the variable is ignored.",
                    setting.describe(),
                    plan.protocol
                ),
                format!(
                    "set {}={} so the configuration says what is sent, and send to a {} port ({} on a collector, 443 at Honeycomb)",
                    setting.name,
                    plan.protocol,
                    plan.protocol,
                    plan.protocol.default_port()
                ),
            );
        }
    }
}
