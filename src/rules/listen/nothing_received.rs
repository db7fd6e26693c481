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
    /// waited. The service's own lint findings, listed with it, are the likely causes.
    ///
    /// ## Example
    /// ```yaml
    /// command: opentelemetry-instrument --traces_exporter console flask run
    /// ```
    /// Use instead:
    /// ```yaml
    /// command: opentelemetry-instrument flask run
    /// environment:
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: http://host.docker.internal:4318
    ///   OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf
    /// ```
    pub struct NothingReceived => "listen/nothing-received", Error, online;
}

impl Check for NothingReceived {}
