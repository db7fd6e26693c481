//! A pipeline the network steps probe: endpoint, protocol and headers as its services will send
//! them, the key, and where each came from; or the reason a service has none worth probing.

use crate::knowledge::honeycomb::{self, Region};
use crate::knowledge::otel::{self, Header, Protocol};
use crate::source::Location;

/// One pipeline to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The services that send this way (empty for `--api-key` without a workspace).
    pub services: Vec<String>,
    /// `service.name` of the canary's resource.
    pub resource_name: String,
    pub protocol: Protocol,
    pub url: String,
    pub headers: Vec<Header>,
    pub key: Option<Key>,
    /// The line that set the endpoint, to anchor canary findings.
    pub endpoint_location: Option<Location>,
    /// The collector the canary goes to first, when the spans pass through one.
    pub via: Option<String>,
    /// Why no canary can be sent from here, when only the key can be checked.
    pub canary_skip: Option<String>,
    /// The region the key is checked in when the key is not sent to `url` but by a
    /// collector's exporter.
    pub key_region: Option<Region>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub value: String,
    /// Where the key's text is written, to anchor key findings.
    pub location: Option<Location>,
}

impl Target {
    pub fn host(&self) -> Option<String> {
        otel::endpoint_url(&self.url, self.protocol).and_then(|u| u.host_str().map(str::to_string))
    }

    /// The Honeycomb region the key is checked in: its collector exporter's, or the
    /// endpoint's if it is Honeycomb.
    pub fn region(&self) -> Option<Region> {
        self.key_region
            .or_else(|| self.host().as_deref().and_then(honeycomb::region_of_host))
    }

    pub fn label(&self) -> String {
        let who = if self.services.is_empty() {
            String::new()
        } else {
            format!("{} → ", self.services.join(", "))
        };
        let via = self
            .via
            .as_ref()
            .map(|collector| format!("{collector} at "))
            .unwrap_or_default();
        format!("{who}{via}{} ({})", self.url, self.protocol)
    }
}

/// What the command line adds: another endpoint, a key for when no service has one.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub endpoint: Option<String>,
    pub api_key: Option<String>,
}

/// A service that gets no probe, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub service: String,
    pub reason: String,
}
