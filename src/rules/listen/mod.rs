//! `listen/`: what a local receiver saw while `check --listen` waited (raised by the receiver).

mod nothing_received;

pub use nothing_received::NothingReceived;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[&NothingReceived];
