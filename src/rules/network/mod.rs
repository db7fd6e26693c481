//! `network/`: the canary or key check could not reach the endpoint (raised by the probes).

mod closed;
mod dns;
mod proxy;
mod refused;
mod timeout;
mod tls;

pub use closed::Closed;
pub use dns::Dns;
pub use proxy::Proxy;
pub use refused::Refused;
pub use timeout::Timeout;
pub use tls::Tls;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[&Dns, &Refused, &Tls, &Timeout, &Proxy, &Closed];
