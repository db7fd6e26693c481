//! A finding: one reason traces will not arrive (or may arrive wrong), where it is, and the fix.

use serde::Serialize;

use crate::source::Location;

/// Ordered so that `severity >= threshold` reads naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The report step it belongs to: `workspace`, `service:NAME`, `key`, `canary`.
    pub step: String,
    pub service: Option<String>,
    /// Online findings have no file of their own: they point at the line that supplied the
    /// key or endpoint, when there is one.
    pub location: Option<Location>,
    pub message: String,
    pub hint: String,
}

/// The step id of a service.
pub fn service_step(service: &str) -> String {
    format!("service:{service}")
}

pub const WORKSPACE_STEP: &str = "workspace";
pub const KEY_STEP: &str = "key";
pub const CANARY_STEP: &str = "canary";
