use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an endpoint whose host name does not resolve from the machine otel-doctor runs
    /// on (online check). A name that only the compose network resolves (a service, its
    /// `container_name`, an alias, an `extra_hosts` entry) is never looked up from here: its
    /// canary is skipped with the reason.
    ///
    /// ## Why is this bad?
    /// The exporter cannot find the server: every export fails before a byte is sent. Common
    /// causes: a typo in the host; a machine without network or DNS, or one that reaches the
    /// internet only through a proxy (`HTTPS_PROXY`); a private DNS name from a machine
    /// without the VPN. For Honeycomb's own host the name is right, so the cause is the
    /// machine's network.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycom.io
    /// ```
    /// Use instead: `https://api.honeycomb.io` (or `https://api.eu1.honeycomb.io` in the EU),
    /// and, behind a corporate proxy, `HTTPS_PROXY=http://proxy:3128`.
    pub struct Dns => "network/dns", Error, online;
}

impl Check for Dns {}
