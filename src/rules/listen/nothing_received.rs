use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a service from which no span reached the local receiver of
    /// `otel-doctor check --listen SECS` while it waited (online check). Spans are told apart
    /// by their `service.name`; otel-doctor's own canary does not count.
    ///
    /// ## Why is this bad?
    /// The app was expected to export and nothing arrived: the exporter writes to the console,
    /// the SDK never started (not wrapped in `opentelemetry-instrument`, packages missing), the
    /// endpoint or port points elsewhere, or the app served no request while the receiver
    /// waited. When a lint error of the service explains the silence (a console exporter, a
    /// missing package) that error is the finding and the step names it; this rule fires when
    /// nothing in the workspace explains it (an endpoint elsewhere, an app that never ran).
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318   # not the receiver
    /// ```
    /// Use instead, while `otel-doctor check --listen 60 --bind 0.0.0.0` waits:
    /// ```yaml
    /// environment:
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: http://host.docker.internal:4318
    ///   OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf
    /// extra_hosts:
    ///   - "host.docker.internal:host-gateway"
    /// ```
    pub struct NothingReceived => "listen/nothing-received", Error, online;
}

impl Check for NothingReceived {}
