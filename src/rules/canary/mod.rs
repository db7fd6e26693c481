//! `canary/`: what the endpoint answered to one real span (raised by the canary probe).

mod partial_success;
mod rejected;

pub use partial_success::PartialSuccess;
pub use rejected::Rejected;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[&Rejected, &PartialSuccess];
