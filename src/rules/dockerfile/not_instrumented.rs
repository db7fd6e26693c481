use crate::resolve::{Project, Service};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Checks that a Python service configured for OpenTelemetry actually sets it up: either
    /// in code (a TracerProvider with an exporter) or by starting through
    /// `opentelemetry-instrument`.
    ///
    /// ## Why is this bad?
    /// `OTEL_*` variables and installed packages do nothing by themselves. If the code never
    /// sets up the SDK and the command is a plain `flask run` or `python app.py`, no span is
    /// ever created and nothing is logged about it.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["python3", "-m", "flask", "run", "--host=0.0.0.0"]
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// CMD ["opentelemetry-instrument", "python3", "-m", "flask", "run", "--host=0.0.0.0"]
    /// ```
    pub struct NotInstrumented => "dockerfile/not-instrumented", Error;
}

impl Check for NotInstrumented {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project
            .services
            .iter()
            .filter(|s| wants_traces_but_sets_up_nothing(s))
        {
            // Without a known command (no readable Dockerfile, no compose `command`) there is
            // nothing to say about how it starts.
            let Some(command) = &service.command else {
                continue;
            };
            let location = &command.location;
            let command = command.text();
            let wrapped = format!("opentelemetry-instrument {command}");
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "`{}` is configured for OpenTelemetry, but nothing sets it up: the code creates no TracerProvider and the command (`{command}`) is not wrapped in opentelemetry-instrument, so no span is ever created.",
                    service.name
                ),
                format!(
                    "start it as `{wrapped}` (with opentelemetry-distro and opentelemetry-exporter-otlp installed), or set up a TracerProvider in code"
                ),
            );
        }
    }
}

fn wants_traces_but_sets_up_nothing(service: &Service) -> bool {
    let configured = service.env.iter().any(|v| v.name.starts_with("OTEL_"))
        || service
            .image_contents
            .as_ref()
            .is_some_and(|i| i.lists_opentelemetry());
    service.language == Some(Language::Python)
        && configured
        && service.instrument.is_none()
        && !service.sets_up_sdk()
        && service.code.classic_sdk.is_none()
        && service.code.spans_created.is_none()
        && service.code.instrumentors.is_empty()
        && service.code.exporters.is_empty()
}
