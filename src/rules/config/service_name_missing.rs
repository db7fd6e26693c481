use crate::knowledge::otel;
use crate::resolve::{Project, Sdk, Workload};
use crate::rules::config::variable_misspelled::intended_name;
use crate::rules::hint::{add_variable, set_variables};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a service that sends traces names itself: `OTEL_SERVICE_NAME`, or
    /// `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, or a `Resource` built in code.
    ///
    /// ## Why is this bad?
    /// Without a name the SDK reports `unknown_service` (Python: `unknown_service:python`).
    /// With an environment key Honeycomb names the dataset after the service, so the traces
    /// land in a dataset called `unknown_service`, mixed with every other unnamed app: they
    /// arrive, but not where anyone looks.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    /// ```
    /// Use instead:
    /// ```yaml
    /// environment:
    ///   OTEL_SERVICE_NAME: backend-flask
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: it adds `OTEL_SERVICE_NAME: <service>` to the service's own
    /// `environment` in the compose file, in the block's style (`KEY: value` or `- KEY=value`),
    /// or adds the block. Not fixed automatically when the service's `environment` is written
    /// in flow style or is an alias, or when the service takes its keys from a `<<:` merge and
    /// has no `environment` of its own (one would replace the merged one).
    pub struct ServiceNameMissing => "config/service-name-missing", Warning;
}

impl Check for ServiceNameMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let sets_up_sdk = service.sets_up_sdk();
            // A misspelled OTEL_SERVICE_NAME is the cause, reported by variable-misspelled.
            let misspelled = service.env.iter().any(|v| {
                intended_name(&v.name).is_some_and(|(intended, _)| {
                    intended == otel::SERVICE_NAME || intended == otel::RESOURCE_ATTRIBUTES
                })
            });
            let named = service
                .setting(otel::SERVICE_NAME)
                .is_some_and(|s| !s.value.trim().is_empty())
                || service.setting(otel::RESOURCE_ATTRIBUTES).is_some_and(|s| {
                    s.value
                        .split(',')
                        .any(|kv| kv.trim().starts_with("service.name="))
                })
                || service.code.resource.is_some()
                || service.honeycomb_distro_service_name().is_some();
            if !sets_up_sdk
                || named
                || service.may_name_itself_unseen()
                || misspelled
                || service.unresolved(&[otel::SERVICE_NAME, otel::RESOURCE_ATTRIBUTES])
            {
                continue;
            }
            if let Some(replaced) = &service.sdk_config.replaces_environment {
                out.service(
                    &Self::META,
                    service,
                    &replaced.location,
                    format!(
                        "{} names the service from {}, which `{}` does not set: its spans land in the `unknown_service` dataset.",
                        replaced.description, replaced.service_name_key, service.name
                    ),
                    format!(
                        "set {}: {} in {}",
                        replaced.service_name_key, service.name, replaced.location.file
                    ),
                );
                continue;
            }
            let finding = out.service(
                &Self::META,
                service,
                service.otel_anchor(),
                format!(
                    "`{}` sets no OTEL_SERVICE_NAME{}: its spans are named {} and land in the `unknown_service` dataset.",
                    service.name,
                    distro_variables(service),
                    crate::knowledge::languages::unknown_service_name(service.language)
                ),
                set_variables(service, &[(otel::SERVICE_NAME, &service.name)]),
            );
            finding.fix = Some(add_variable(service, otel::SERVICE_NAME, &service.name));
        }
    }
}

/// The other variables that would have named the service, for the message: those of
/// Honeycomb's distribution when the service runs it.
fn distro_variables(service: &Workload) -> String {
    let names = service
        .language
        .filter(|_| service.sdk() == Sdk::HoneycombDistro)
        .and_then(crate::knowledge::honeycomb::distro)
        .map_or(&[][..], |d| d.service_name_variables);
    match names {
        [] => String::new(),
        names => format!(
            " (nor {}, which Honeycomb's distribution reads)",
            names.join(" nor ")
        ),
    }
}
