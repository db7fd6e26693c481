//! `dockerfile/`: what the image installs and how it starts.

mod deps_lost_in_stage;
mod esm_needs_import;
mod flask_reloader;
mod forking_server;
mod javaagent_missing;
mod javaagent_unreadable;
mod not_instrumented;
mod parse_error;
mod php_extension_missing;
mod requirements_not_installed;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &parse_error::ParseError,
    &requirements_not_installed::RequirementsNotInstalled,
    &deps_lost_in_stage::DepsLostInStage,
    &not_instrumented::NotInstrumented,
    &flask_reloader::FlaskReloader,
    &forking_server::ForkingServer,
    &esm_needs_import::EsmNeedsImport,
    &javaagent_missing::JavaagentMissing,
    &javaagent_unreadable::JavaagentUnreadable,
    &php_extension_missing::PhpExtensionMissing,
];
