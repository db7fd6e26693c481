use crate::finding::Finding;
use crate::resolve::{EnvOrigin, EnvVar, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the compose files beside the main one that are run on their own with `-f`
    /// (`docker-compose.prod.yml`, `compose.dev.yaml`): a service that the main file gives
    /// `OTEL_*` variables must not lose all of them in the variant.
    ///
    /// ## Why is this bad?
    /// A variant is a copy of the project that drifts: the OpenTelemetry settings added to
    /// `docker-compose.yml` are often never copied to the production or local file. Run with
    /// `docker compose -f docker-compose.prod.yml up`, the service starts without an endpoint,
    /// key or service name, and Honeycomb sees nothing from it, with no error anywhere.
    ///
    /// otel-doctor checks every `docker-compose.*.yml` / `compose.*.yaml` beside the main file
    /// (never `*.override.*`, which compose merges by itself). A file whose services all have
    /// an image or a build, that names no service it does not define and redefines some of
    /// the main file's services, is a project of its own; any other goes on top of the main
    /// file and cannot drop its variables.
    ///
    /// ## Example
    /// ```yaml
    /// # docker-compose.yml
    /// services:
    ///   backend:
    ///     build: ./backend
    ///     environment:
    ///       OTEL_SERVICE_NAME: backend
    ///       OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    ///       OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    ///
    /// # docker-compose.prod.yml
    /// services:
    ///   backend:
    ///     build: ./backend
    ///     environment:
    ///       FLASK_ENV: production
    /// ```
    /// Use instead: the same `OTEL_*` variables in the variant's `environment`, or an
    /// `env_file` both files use.
    pub struct VariantDropsOtel => "compose/variant-drops-otel", Warning;
}

impl Check for VariantDropsOtel {
    fn check(&self, project: &Project, out: &mut Findings) {
        let Some(variant) = &project.variant else {
            return;
        };
        for service in &project.services {
            let main: &[EnvVar] = variant.main_otel_of(&service.name);
            if main.is_empty() || main.iter().any(|var| service.env_var(&var.name).is_some()) {
                continue;
            }
            let names: Vec<&str> = main.iter().map(|var| var.name.as_str()).collect();
            let mut sources: Vec<&str> = Vec::new();
            for var in main {
                if !sources.contains(&&*var.location.file) {
                    sources.push(&var.location.file);
                }
            }
            let main_project = variant.main_files.join(" + ");
            let lines: Vec<String> = main
                .iter()
                .map(|var| {
                    format!("  {}: {}", var.name, var.raw)
                        .trim_end()
                        .to_string()
                })
                .collect();
            out.service(
                &Self::META,
                service,
                &service.location,
                format!(
                    "In {main_project}, `{}` gets {} (set in {}); in {} it gets none of them: started with `{} up`, it sends no traces where the main project does.",
                    service.name,
                    names.join(", "),
                    sources.join(", "),
                    variant.file,
                    variant.command()
                ),
                if main.iter().all(|var| var.origin == EnvOrigin::EnvFile) {
                    format!(
                        "give `{}` in {} the same env_file as {main_project}: env_file: {}",
                        service.name,
                        variant.file,
                        sources.join(", ")
                    )
                } else {
                    format!(
                        "add them to `{}` in {} (or move them to an env_file both use):\n{}",
                        service.name,
                        variant.file,
                        lines.join("\n")
                    )
                },
            );
        }
    }
}

/// Findings that only say that a variable is missing, which this rule's finding already names
/// with the lines to copy: one root cause, one finding.
const EXPLAINED: [&str; 2] = ["config/endpoint-missing", "config/service-name-missing"];

/// Drops the findings of a service that this rule's finding for it explains.
pub fn drop_explained(findings: &mut Vec<Finding>) {
    let dropped: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == VariantDropsOtel::META.id)
        .map(|f| f.step.clone())
        .collect();
    findings.retain(|f| !(EXPLAINED.contains(&f.rule) && dropped.contains(&f.step)));
}
