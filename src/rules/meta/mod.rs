//! `meta/`: about otel-doctor's own configuration in the workspace (raised by the policy layer,
//! which sees every finding of the run).

mod unused_ignore;

pub use unused_ignore::UnusedIgnore;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[&UnusedIgnore];
