use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes a service whose SDK reads a declarative configuration file
    /// (`OTEL_CONFIG_FILE`, `OTEL_EXPERIMENTAL_CONFIG_FILE`) instead of the `OTEL_*`
    /// variables: the Java agent, or Go's `otelconf`.
    ///
    /// ## Why is this bad?
    /// It is not: it says what was not checked. The file decides the exporter, its endpoint
    /// and headers; the `OTEL_EXPORTER_*` variables count only where the file substitutes them
    /// (`endpoint: ${OTEL_EXPORTER_OTLP_ENDPOINT}`). otel-doctor does not read that file, so
    /// it checks none of the variables' export settings for the service.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV OTEL_EXPERIMENTAL_CONFIG_FILE=/otelconf.yaml
    /// ```
    /// To see what the service really sends: `otel-doctor listen`.
    pub struct ConfigFileNotRead => "meta/config-file-not-read", Info;
}

impl Check for ConfigFileNotRead {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(file) = service.config_file() else {
                continue;
            };
            out.service(
                &Self::META,
                service,
                &file.location,
                format!(
                    "{}={} points `{}`'s SDK at a configuration file, which decides its exporter: the OTEL_EXPORTER_* variables apply only where the file uses them (${{VAR}}), and the file itself is not checked.",
                    file.name, file.value, service.name
                ),
                "to see what it really sends: run `otel-doctor listen` and point the file's exporter endpoint at it (http://host.docker.internal:4318)".to_string(),
            );
        }
    }
}
