use crate::knowledge::ecosystems::Role;
use crate::knowledge::php;
use crate::knowledge::python::{EXPORTER_GRPC, EXPORTER_HTTP, EXPORTER_OTLP};
use crate::resolve::Project;
use crate::rules::hint::{add_packages, install};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::dependencies::Ecosystem;

declare_rule! {
    /// ## What it does
    /// Checks that a service auto-configured by `opentelemetry-instrument` has an OTLP
    /// exporter package installed (Ruby: that a service calling
    /// `OpenTelemetry::SDK.configure` has `opentelemetry-exporter-otlp` in its Gemfile; PHP:
    /// that a service whose SDK builds itself, `OTEL_PHP_AUTOLOAD_ENABLED=true`, has
    /// `open-telemetry/exporter-otlp` in its Composer packages).
    ///
    /// ## Why is this bad?
    /// opentelemetry-distro selects the `otlp` exporter by name; without
    /// `opentelemetry-exporter-otlp` (or one of its `-proto-grpc`/`-proto-http` halves) the
    /// SDK cannot find it ("Requested component 'otlp_proto_grpc' not found in entry point
    /// 'opentelemetry_traces_exporter'") and the app runs with no exporter at all.
    ///
    /// ## Example
    /// ```text
    /// # requirements.txt
    /// opentelemetry-distro
    /// ```
    /// Use instead:
    /// ```text
    /// opentelemetry-distro
    /// opentelemetry-exporter-otlp
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: it adds `opentelemetry-exporter-otlp` to the manifest the
    /// image installs (a requirements file, `pyproject.toml`'s `[project] dependencies` or
    /// `[tool.poetry.dependencies]`). Not fixed automatically for a `Pipfile` or when the
    /// image installs no manifest.
    pub struct ExporterMissing => "deps/exporter-missing", Error;
}

impl Check for ExporterMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        check_gems(project, out);
        check_composer(project, out);
        for service in project.services.iter().filter(|s| s.is_python()) {
            let (Some(instrument), Some(image)) = (&service.instrument, &service.image_contents)
            else {
                continue;
            };
            let exports_otlp = service
                .traces_exporters()
                .is_none_or(|(_, exporters)| exporters.contains(&"otlp"));
            if !service.auto_configures_sdk()
                || !service.code.exporters.is_empty()
                || !exports_otlp
                || image.has_unknown_installs
                || image.has(EXPORTER_HTTP)
                || image.has(EXPORTER_GRPC)
            {
                continue;
            }
            let finding = out.service(
                &Self::META,
                service,
                &instrument.location,
                "opentelemetry-instrument configures the otlp exporter, but no OTLP exporter package is installed: the SDK cannot load it and exports nothing.".to_string(),
                format!("add {EXPORTER_OTLP} to the requirements the image installs"),
            );
            finding.fix = Some(add_packages(image, &[EXPORTER_OTLP]));
            finding.cures.push(install(service, &[EXPORTER_OTLP]));
        }
    }
}

/// `OpenTelemetry::SDK.configure` sets up the exporter `OTEL_TRACES_EXPORTER` names (`otlp`
/// by default) from its gem; without the gem it logs a warning and exports nothing.
fn check_gems(project: &Project, out: &mut Findings) {
    for service in &project.services {
        let declared = &service.declared;
        let Some(configure) = &declared.configures_sdk else {
            continue;
        };
        let exports_otlp = service
            .traces_exporters()
            .is_none_or(|(_, exporters)| exporters.contains(&"otlp"));
        let has_exporter = declared
            .packages
            .iter()
            .any(|p| p.ecosystem == Ecosystem::Ruby && matches!(p.role, Some(Role::Exporter(_))));
        // A require of the exporter's file fails first: deps/otel-not-installed says so.
        let required = service
            .code
            .otel_imports
            .iter()
            .any(|i| i.package == "opentelemetry-exporter-otlp");
        if !exports_otlp
            || has_exporter
            || required
            || declared.processors_in_code
            || declared.image_mentions_opentelemetry.is_some()
        {
            continue;
        }
        let gemfile = declared
            .manifests
            .iter()
            .find(|m| m.ends_with("Gemfile"))
            .map_or("the Gemfile".to_string(), |m| m.to_string());
        out.service(
            &ExporterMissing::META,
            service,
            configure,
            format!(
                "the code calls OpenTelemetry::SDK.configure, which sets up the otlp exporter, but {gemfile} has no opentelemetry-exporter-otlp: the SDK logs that it cannot load the exporter and exports nothing."
            ),
            format!("add to {gemfile}: gem \"opentelemetry-exporter-otlp\""),
        );
    }
}

/// PHP: with `OTEL_PHP_AUTOLOAD_ENABLED=true` the SDK builds the exporter `OTEL_TRACES_EXPORTER`
/// names (`otlp` by default) from the factory `open-telemetry/exporter-otlp` registers;
/// without that package it has no factory for `otlp` and sets up no exporter.
fn check_composer(project: &Project, out: &mut Findings) {
    for service in &project.services {
        let declared = &service.declared;
        let Some(sdk) = declared.composer_package(php::SDK) else {
            continue;
        };
        let autoloads = service
            .env_var(php::AUTOLOAD_ENABLED)
            .is_some_and(|v| v.value.trim() == "true");
        let exports_otlp = service
            .traces_exporters()
            .is_none_or(|(_, exporters)| exporters.contains(&"otlp"));
        if !autoloads || !exports_otlp || declared.composer_package(php::EXPORTER_OTLP).is_some() {
            continue;
        }
        out.service(
            &ExporterMissing::META,
            service,
            &sdk.location,
            format!(
                "{} sets the SDK up from the environment ({}=true), which builds the otlp exporter, but {} has no {}: the SDK finds no exporter factory for `otlp` and exports nothing.",
                service.name,
                php::AUTOLOAD_ENABLED,
                sdk.location.file,
                php::EXPORTER_OTLP
            ),
            format!(
                "composer require {} php-http/guzzle7-adapter (beside {})",
                php::EXPORTER_OTLP,
                sdk.location.file
            ),
        );
    }
}
