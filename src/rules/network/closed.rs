use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an endpoint that accepts the connection and closes it without an answer
    /// (online check).
    ///
    /// ## Why is this bad?
    /// Usually a protocol mismatch: HTTP sent to a gRPC-only port, TLS expected by the server,
    /// or a load balancer with no backend. Nothing is exported.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf
    /// OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4317   # the gRPC port
    /// ```
    /// Use instead: the port of the protocol (4318 for HTTP, 4317 for gRPC).
    pub struct Closed => "network/closed", Error, online;
}

impl Check for Closed {}
