use crate::finding::{Edit, Remedy};
use crate::knowledge::otel;
use crate::resolve::{EnvOrigin, Project, Setting, Workload};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the SDK exports traces over OTLP, not to the console or nowhere.
    ///
    /// ## Why is this bad?
    /// `OTEL_TRACES_EXPORTER=console`, or `opentelemetry-instrument --traces_exporter console`
    /// (straight from the OpenTelemetry getting-started guide), prints spans to the container's
    /// stdout. Nothing is sent to Honeycomb and no error is ever logged: the traces show up in
    /// `docker compose logs`, which makes it look as if everything works. `none` drops them.
    ///
    /// ## Example
    /// ```yaml
    /// command: opentelemetry-instrument --traces_exporter console flask run
    /// ```
    /// Use instead (`otlp` is the default; `console,otlp` does both):
    /// ```yaml
    /// command: opentelemetry-instrument flask run
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it when an `opentelemetry-instrument` flag chose the exporter:
    /// it removes the flag and its value from the command, wherever it is written (compose
    /// `command:` as a string or a list, the Dockerfile `CMD` in shell or exec form, a start
    /// script). Not fixed automatically when `OTEL_TRACES_EXPORTER` chose it (console output
    /// may be wanted for local runs: set it to `otlp` or `console,otlp`), or when the
    /// environment would still choose another exporter once the flag is gone.
    pub struct ExporterNotOtlp => "config/exporter-not-otlp", Error;
}

impl Check for ExporterNotOtlp {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let Some((setting, exporters)) = service.traces_exporters() else {
                continue;
            };
            // Only the auto-configuration reads the variable: a TracerProvider set up in code
            // exports with whatever the code gives it.
            if service.code.provider_set.is_some() && !service.auto_configures_sdk() {
                continue;
            }
            if exporters.contains(&"otlp") {
                continue;
            }
            let fate = match exporters.as_slice() {
                ["console"] => "spans are printed to the container's stdout",
                [] | ["none"] => "spans are dropped",
                _ => "spans go to an exporter Honeycomb does not receive",
            };
            let replaced = service
                .sdk_config
                .replaces_environment
                .as_ref()
                .filter(|_| setting.config.is_some());
            let set_in_code = setting.env.is_some_and(|var| var.origin == EnvOrigin::Code);
            let hint = match (setting.flag, replaced) {
                (_, Some(replaced)) => format!(
                    "export over OTLP in {}:\n{}",
                    replaced.location.file, replaced.exporter_hint
                ),
                (None, None) if set_in_code => "the code sets it here: set it to otlp (or console,otlp to also print spans), or drop the line, the SDK's default being otlp".to_string(),
                (Some(flag), None) => format!(
                    "remove `{flag} {}` from the command (the default is otlp), or write `{flag} console,otlp` to keep the console output",
                    setting.value
                ),
                (None, None) => format!(
                    "set {}=otlp (or console,otlp to also print spans)",
                    setting.name
                ),
            };
            let fix = remedy(service, &setting);
            let finding = out.service(
                &Self::META,
                service,
                setting.location,
                format!(
                    "{} is \"{}\": {fate} and nothing is sent over OTLP.",
                    setting.describe(),
                    setting.value
                ),
                hint,
            );
            finding.fix = Some(fix);
        }
    }
}

/// Removes the flag, when the environment leaves the exporter to the default (otlp) then.
fn remedy(service: &Workload, setting: &Setting) -> Remedy {
    let Some(flag) = setting.flag else {
        return Remedy::manual(format!(
            "not fixed automatically: set {} at {} to otlp (or console,otlp) if console output is not wanted",
            setting.name, setting.location
        ));
    };
    let underneath = service
        .env_var(otel::TRACES_EXPORTER)
        .filter(|var| !var.value.split(',').any(|e| e.trim() == "otlp"));
    match underneath {
        Some(var) => Remedy::manual(format!(
            "{} is \"{}\" too ({}): set it to otlp, then remove `{flag} {}` from the command",
            var.name, var.value, var.location, setting.value
        )),
        None => Remedy::edit(Edit::RemoveFlag {
            at: setting.location.clone(),
            flag: flag.to_string(),
            value: setting.value.to_string(),
        }),
    }
}
