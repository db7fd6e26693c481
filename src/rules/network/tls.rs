use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a TLS failure talking to the endpoint, with the reason: a certificate signed by
    /// an unknown authority (self-signed, a corporate proxy's CA), a name mismatch, or
    /// `https://` spoken to a plain-HTTP port (online check).
    ///
    /// ## Why is this bad?
    /// The exporter refuses the connection, so nothing is sent. The app only logs an opaque
    /// "connection error" per batch.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: https://otel-collector:4318   # the collector serves plain HTTP
    /// ```
    /// Use instead: `http://otel-collector:4318`, or give the SDK the CA
    /// (`OTEL_EXPORTER_OTLP_CERTIFICATE`, `SSL_CERT_FILE`).
    pub struct Tls => "network/tls", Error, online;
}

impl Check for Tls {}
