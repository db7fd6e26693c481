//! otel-doctor: why does Honeycomb see nothing?
//!
//! Data flows one way: files (`workspace`) → resolved services (`resolve`) → findings
//! (`rules`, `probe`) → what the user decided about them (`policy`, with `config`) → report
//! (`report`). `app` runs the steps a command asks for; `fix` applies the edits rules attach
//! to their findings.

pub mod app;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod finding;
pub mod fix;
pub mod knowledge;
pub mod listen;
pub mod manual;
pub mod parallel;
pub mod policy;
pub mod probe;
pub mod redact;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod shell;
pub mod source;
pub mod terminal;
pub mod workspace;

/// `otel-doctor --version`: the version and, when the build could tell, the commit it was built
/// from and that commit's date (`0.1.0 (3f2a1b9c0d4e 2026-12-07)`; see build.rs).
pub const LONG_VERSION: &str = env!("OTEL_DOCTOR_LONG_VERSION");
