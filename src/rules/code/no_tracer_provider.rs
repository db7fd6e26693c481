use crate::knowledge::languages;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that code which creates spans (or instruments a framework) also sets a
    /// TracerProvider, unless `opentelemetry-instrument` with a distro sets one up.
    ///
    /// ## Why is this bad?
    /// The OpenTelemetry API alone returns no-op tracers: `tracer.start_as_current_span(...)`
    /// and `FlaskInstrumentor().instrument_app(app)` work without error and record nothing
    /// until `trace.set_tracer_provider(TracerProvider(...))` is called with an exporter. In
    /// Node.js, `trace.getTracer(...).startSpan(...)` is as silent until an SDK is started. In
    /// Go, a provider built with `sdktrace.NewTracerProvider` but never passed to
    /// `otel.SetTracerProvider` leaves `otel.Tracer(...)` (and `otelhttp`) on the no-op one.
    ///
    /// ## Example
    /// ```python
    /// tracer = trace.get_tracer(__name__)
    /// with tracer.start_as_current_span("work"):
    ///     ...
    /// ```
    /// Use instead:
    /// ```python
    /// provider = TracerProvider()
    /// provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    /// trace.set_tracer_provider(provider)
    /// tracer = trace.get_tracer(__name__)
    /// ```
    pub struct NoTracerProvider => "code/no-tracer-provider", Error;
}

impl Check for NoTracerProvider {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            if let Some(unset) = &service.code.provider_unset {
                out.service(
                    &Self::META,
                    service,
                    &unset.created,
                    format!(
                        "a TracerProvider is created here but never set as the global one, and {} uses the global provider's tracer: every span it starts is a no-op.",
                        unset.uses
                    ),
                    "set it right after creating it: otel.SetTracerProvider(tp)".to_string(),
                );
                continue;
            }
            let Some(language) = service.language.filter(|l| languages::reads_code(*l)) else {
                continue;
            };
            let code = &service.code;
            if service.sets_up_sdk() {
                continue;
            }
            let creates_spans = code
                .spans_created
                .as_ref()
                .map(|l| (l, "creates spans"))
                .or_else(|| {
                    code.instrumentors
                        .first()
                        .map(|(_, l)| (l, "instruments a library"))
                });
            let Some((location, what)) = creates_spans else {
                continue;
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{} {what}, but no TracerProvider is ever set and nothing starts the SDK (no auto-instrumentation either): every span is a no-op.",
                    location.file
                ),
                languages::code_terms(language).provider_setup.to_string(),
            );
        }
    }
}
