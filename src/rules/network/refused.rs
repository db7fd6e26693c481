use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an endpoint that refuses the connection (online check).
    ///
    /// ## Why is this bad?
    /// Nothing listens on that host and port: the collector is not running, listens on the
    /// other OTLP port (4317 for gRPC, 4318 for HTTP), or is bound to another interface.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: http://localhost:4318   # no collector running
    /// ```
    /// Use instead: start the collector (`docker compose up otel-collector`) or send straight to
    /// `https://api.honeycomb.io`.
    pub struct Refused => "network/refused", Error, online;
}

impl Check for Refused {}
