//! `canary/`: what the endpoint answered to one real span (raised by the canary probe).

mod partial_success;
mod rejected;
mod untrusted_endpoint;

pub use partial_success::PartialSuccess;
pub use rejected::Rejected;
pub use untrusted_endpoint::UntrustedEndpoint;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[&Rejected, &PartialSuccess, &UntrustedEndpoint];
