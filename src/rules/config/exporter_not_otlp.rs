use crate::resolve::Project;
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
            let hint = match setting.flag {
                Some(flag) => format!(
                    "remove `{flag} {}` from the command (the default is otlp), or write `{flag} console,otlp` to keep the console output",
                    setting.value
                ),
                None => format!(
                    "set {}=otlp (or console,otlp to also print spans)",
                    setting.name
                ),
            };
            out.service(
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
        }
    }
}
