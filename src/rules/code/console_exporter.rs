use crate::finding::{Cure, Edit, Remedy};
use crate::knowledge::languages;
use crate::resolve::{ExporterKind, Project};
use crate::rules::hint::{add_packages, install};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Checks for code that exports spans only with `ConsoleSpanExporter`.
    ///
    /// An OTLP exporter that is built but never handed to a span processor exports nothing
    /// either: only the exporters given to `BatchSpanProcessor`/`SimpleSpanProcessor` count.
    ///
    /// ## Why is this bad?
    /// The console exporter prints spans to stdout. They show up in `docker compose logs`,
    /// which looks like success, and nothing is ever sent to Honeycomb.
    ///
    /// ## Example
    /// ```python
    /// provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    /// ```
    /// Use instead (keep the console one while debugging, if you like):
    /// ```python
    /// provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it to Python: beside the statement that hands the console
    /// exporter to `add_span_processor(...)` on one line, it adds the same statement with
    /// `BatchSpanProcessor(OTLPSpanExporter())`, the imports it needs after the file's own, and
    /// `opentelemetry-exporter-otlp-proto-http` to the manifest the image installs. The console
    /// exporter stays. Not fixed automatically in other languages, for a statement over several
    /// lines, or when an OTLP exporter is built but not handed to the SDK (which processor it
    /// belongs in is yours to say).
    pub struct ConsoleExporter => "code/console-exporter", Error;
}

impl Check for ConsoleExporter {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(language) = service.language.filter(|l| languages::reads_code(*l)) else {
                continue;
            };
            let code = &service.code;
            if code.has_otlp_exporter() {
                continue;
            }
            let Some(console) = code
                .exporters
                .iter()
                .find(|e| e.kind == ExporterKind::Console)
            else {
                continue;
            };
            let unattached = code
                .unattached
                .iter()
                .find(|e| matches!(e.kind, ExporterKind::Otlp(_)));
            let (message, hint) = match unattached {
                Some(otlp) => (
                    format!(
                        "{} builds an OTLP exporter at {} but never hands it to the SDK: only ConsoleSpanExporter is, so spans are printed to stdout and nothing is sent to Honeycomb.",
                        console.location.file, otlp.location
                    ),
                    format!(
                        "pass the OTLP exporter to the SDK instead:\n{}",
                        languages::code_terms(language).otlp_exporter
                    ),
                ),
                None => (
                    format!(
                        "{} exports spans only with ConsoleSpanExporter: they are printed to stdout and nothing is sent to Honeycomb.",
                        console.location.file
                    ),
                    format!(
                        "add an OTLP exporter:\n{}",
                        languages::code_terms(language).otlp_exporter
                    ),
                ),
            };
            let terms = languages::code_terms(language);
            let fix = match (language, unattached, &service.image_contents) {
                (Language::Python, None, Some(image)) => {
                    let code = Remedy::edit(Edit::AddOtlpExporter {
                        at: console.location.clone(),
                    });
                    let package = (!image.has(terms.otlp_package))
                        .then(|| add_packages(image, &[terms.otlp_package]));
                    Remedy::merge(Some(code), package)
                }
                (_, Some(otlp), _) => Some(Remedy::manual(format!(
                    "hand the exporter built at {} to the SDK: which processor it belongs in is yours to say",
                    otlp.location
                ))),
                _ => Some(Remedy::manual(format!(
                    "adding an exporter to {} code is not automated",
                    language.title()
                ))),
            };
            let finding = out.service(&Self::META, service, &console.location, message, hint);
            finding.fix = fix;
            finding.cures = vec![
                Cure::OtlpExporterInCode {
                    workload: service.name.clone(),
                    at: console.location.clone(),
                },
                install(service, &[terms.otlp_package]),
            ];
        }
    }
}
