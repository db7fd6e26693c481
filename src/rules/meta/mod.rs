//! `meta/`: about the run itself: otel-doctor's own configuration in the workspace (raised by
//! the policy layer, which sees every finding of the run), and what the run could not check.

mod config_file_not_read;
mod language_not_analysed;
mod malformed_ignore;
mod unused_ignore;

pub use malformed_ignore::MalformedIgnore;
pub use unused_ignore::UnusedIgnore;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &UnusedIgnore,
    &MalformedIgnore,
    &language_not_analysed::LanguageNotAnalysed,
    &config_file_not_read::ConfigFileNotRead,
];
