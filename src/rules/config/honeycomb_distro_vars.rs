use crate::knowledge::honeycomb::{TEAM_HEADER, distro};
use crate::knowledge::languages::knows_installed_packages;
use crate::resolve::{EnvOrigin, Project, Sdk};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for Honeycomb distro variables (`HONEYCOMB_API_KEY`, `HONEYCOMB_DATASET`,
    /// `HONEYCOMB_API_ENDPOINT`, ...) set for a service that does not install Honeycomb's
    /// OpenTelemetry distribution and does not pass them on itself.
    ///
    /// ## Why is this bad?
    /// Only `honeycomb-opentelemetry` reads these variables. The vanilla OpenTelemetry SDK
    /// ignores them: the key never reaches an `x-honeycomb-team` header, and Honeycomb answers
    /// 401. The key belongs in `OTEL_EXPORTER_OTLP_HEADERS`.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   HONEYCOMB_API_KEY: ${HONEYCOMB_API_KEY}
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    /// ```
    /// Use instead:
    /// ```yaml
    /// environment:
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    ///   OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    pub struct HoneycombDistroVars => "config/honeycomb-distro-vars", Warning;
}

impl Check for HoneycombDistroVars {
    fn check(&self, project: &Project, out: &mut Findings) {
        // Only where the installed packages are known can the distro be known to be missing.
        for service in &project.services {
            let Some(distro) = service
                .language
                .filter(|l| knows_installed_packages(*l))
                .and_then(distro)
            else {
                continue;
            };
            if service.has_package(distro.package) != Some(false)
                || service.sdk() != Sdk::OpenTelemetry
                || !service.uses_opentelemetry()
            {
                continue;
            }
            let has_team_header = service.export_plan().header(TEAM_HEADER).is_some();
            // What the shell that starts a process on this machine holds (for compose, say)
            // is not a setting of the workspace.
            for var in service
                .env
                .iter()
                .filter(|v| v.name.starts_with("HONEYCOMB_") && v.origin != EnvOrigin::Shell)
            {
                if var.name == "HONEYCOMB_API_KEY" && has_team_header
                    || service.code.env_reads.iter().any(|read| read == &var.name)
                {
                    continue;
                }
                out.service(
                    &Self::META,
                    service,
                    &var.location,
                    format!(
                        "{} is set, but only Honeycomb's distro ({}) reads it and `{}` does not install it: the OpenTelemetry SDK ignores it.",
                        var.name, distro.package, service.name
                    ),
                    if var.name == "HONEYCOMB_API_KEY" {
                        "send the key as a header: OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=${HONEYCOMB_API_KEY}".to_string()
                    } else {
                        format!("use the OTEL_* equivalent (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME), or install {}", distro.package)
                    },
                );
            }
        }
    }
}
