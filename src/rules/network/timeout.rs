use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an endpoint that does not answer within `--timeout` (online check).
    ///
    /// ## Why is this bad?
    /// A firewall dropping packets, a wrong port that accepts and never answers, or gRPC sent
    /// to an HTTP/1 port: the exporter waits its timeout on every batch and drops the spans.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: http://10.0.0.5:4317   # unreachable from here
    /// ```
    /// Use instead: an endpoint reachable from where the service runs; check egress rules.
    pub struct Timeout => "network/timeout", Error, online;
}

impl Check for Timeout {}
