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
