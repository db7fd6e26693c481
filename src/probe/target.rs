//! A pipeline the network steps probe: endpoint, protocol and headers as its services will send
//! them, the key, and where each came from; or the reason a service has none worth probing.

use std::fmt;

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
    /// What the canary keeps from an endpoint the user has not trusted with the key.
    pub withheld: Option<Withheld>,
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

/// What a withheld key is called in messages.
pub const KEY: &str = "the Honeycomb key";

/// What the canary keeps from an endpoint the user has not trusted with the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    /// `host:port`.
    pub endpoint: String,
    pub refusal: Refusal,
    /// Headers not sent.
    pub headers: Vec<WithheldHeader>,
    /// Why no canary is sent at all, when none is.
    pub no_canary: Option<String>,
    /// What `--trust-endpoint` takes to trust the endpoint.
    pub trust: String,
}

/// A header kept from an endpoint, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithheldHeader {
    pub name: String,
    pub why: String,
}

/// Why an endpoint may not have the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not Honeycomb over TLS, not this machine, not named by the user.
    NotTrusted,
    /// `send-key-to` leaves it out (where that is set).
    LeftOut(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotTrusted => f.write_str(
                "the key goes only to Honeycomb over TLS, to this machine and to endpoints named with --trust-endpoint",
            ),
            Refusal::LeftOut(origin) => write!(f, "send-key-to ({origin}) leaves it out"),
        }
    }
}

impl Withheld {
    /// Whether the key itself was kept back.
    pub fn takes_key(&self) -> bool {
        self.headers.iter().any(|h| h.why == KEY)
    }

    /// The endpoint's host.
    pub fn host(&self) -> String {
        match self.endpoint.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host.to_string(),
            _ => self.endpoint.clone(),
        }
    }

    /// What the user can do: send to Honeycomb securely, or trust the endpoint where they may.
    pub fn hint(&self) -> String {
        match &self.refusal {
            Refusal::LeftOut(origin) => format!(
                "send-key-to ({origin}) leaves {} out: add \"{}\" to it if the key may go there",
                self.endpoint, self.trust
            ),
            Refusal::NotTrusted if honeycomb::region_of_host(&self.host()).is_some() => format!(
                "send to Honeycomb over https:// (honeycomb/insecure-transport); to send the key in clear anyway: --trust-endpoint {}",
                self.trust
            ),
            Refusal::NotTrusted => format!(
                "if {} is yours, trust it with the key: --trust-endpoint {} (or OTEL_DOCTOR_TRUST_ENDPOINTS={})",
                self.endpoint, self.trust, self.trust
            ),
        }
    }
}

/// What the command line adds: another endpoint, a key for when no service has one.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub endpoint: Option<String>,
    /// The endpoint was named on the command line (`--endpoint`), not by the configuration
    /// file: the user's own choice, trusted with the key.
    pub endpoint_chosen: bool,
    pub api_key: Option<String>,
}

/// A service that gets no probe, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub service: String,
    pub reason: String,
}
