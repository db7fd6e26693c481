use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an endpoint whose host name does not resolve (online check).
    ///
    /// ## Why is this bad?
    /// The exporter cannot find the server: every export fails before a byte is sent. Common
    /// causes: a typo in the host, a compose service name used from outside the compose
    /// network, a private DNS name from a machine without the VPN.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycom.io
    /// ```
    /// Use instead: `https://api.honeycomb.io` (or `https://api.eu1.honeycomb.io` in the EU).
    pub struct Dns => "network/dns", Error, online;
}

impl Check for Dns {}
