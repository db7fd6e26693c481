use crate::knowledge::php;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::dependencies::Ecosystem;

declare_rule! {
    /// ## What it does
    /// Checks that a PHP service with OpenTelemetry's auto-instrumentation packages
    /// (`open-telemetry/opentelemetry-auto-*`) sets `OTEL_PHP_AUTOLOAD_ENABLED=true`.
    ///
    /// ## Why is this bad?
    /// The PHP SDK builds itself from the `OTEL_*` variables, as part of Composer's
    /// autoloader, only when `OTEL_PHP_AUTOLOAD_ENABLED` is `true`. Otherwise the
    /// auto-instrumentation hooks get no-op tracers and nothing is exported, with no error,
    /// unless the app's own code builds and registers an SDK
    /// (`Sdk::builder()->...->buildAndRegisterGlobal()`), which otel-doctor does not read.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: http://collector:4318
    /// ```
    /// Use instead:
    /// ```yaml
    /// environment:
    ///   OTEL_PHP_AUTOLOAD_ENABLED: "true"
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: http://collector:4318
    /// ```
    pub struct PhpAutoloadDisabled => "config/php-autoload-disabled", Warning;
}

impl Check for PhpAutoloadDisabled {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(auto) = service.declared.packages.iter().find(|p| {
                p.ecosystem == Ecosystem::Composer && p.name.starts_with(php::AUTO_PACKAGE_PREFIX)
            }) else {
                continue;
            };
            let variable = service.env_var(php::AUTOLOAD_ENABLED);
            if variable.is_some_and(|v| !v.resolved || v.value.trim() == "true") {
                continue;
            }
            let (location, why) = match variable {
                Some(v) => (
                    &v.location,
                    format!("{} is `{}`", php::AUTOLOAD_ENABLED, v.value),
                ),
                None => (
                    &auto.location,
                    format!("{} is not set", php::AUTOLOAD_ENABLED),
                ),
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "`{}` has {} ({}) but {why}: the SDK does not build itself from the environment, so its hooks get no-op tracers and nothing is exported (unless the app's code registers an SDK itself).",
                    service.name, auto.name, auto.location
                ),
                format!(
                    "set {}: \"true\" in the service's environment",
                    php::AUTOLOAD_ENABLED
                ),
            );
        }
    }
}
