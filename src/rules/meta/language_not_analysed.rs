use crate::knowledge::{languages, otel};
use crate::resolve::{Project, Service};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Notes a service that uses OpenTelemetry in a language whose packages, command and code
    /// otel-doctor does not read (.NET, PHP, Rust, C++, or a prebuilt image it cannot see
    /// into): only its environment was checked.
    ///
    /// ## Why is this bad?
    /// It is not: it says what was not checked, so that a clean report is not read as "this
    /// service is fine". Its SDK setup, packages and exporter code may still be wrong.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   image: mycompany/api:1.4   # prebuilt: its contents are not in the workspace
    ///   environment:
    ///     OTEL_EXPORTER_OTLP_ENDPOINT: http://collector:4318
    /// ```
    /// To see what it really sends: `otel-doctor listen`, with the service's endpoint pointed
    /// at it.
    pub struct LanguageNotAnalysed => "meta/language-not-analysed", Info;
}

impl Check for LanguageNotAnalysed {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.uses_opentelemetry()) {
            let what = match service.language {
                Some(language) if languages::is_analysed(language) => continue,
                // A web server's variables are `config/otel-on-static-site`'s concern.
                Some(Language::Proxy) => continue,
                Some(language) => {
                    let name = language.title();
                    let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
                        "an"
                    } else {
                        "a"
                    };
                    format!("{article} {name} service")
                }
                None if is_collector(service) || !exports(service) => continue,
                None => match (&service.image, &service.dockerfile) {
                    (Some(image), None) => format!("the prebuilt image {image}"),
                    (_, Some(_)) => "a service whose language is not known".to_string(),
                    // Its Dockerfile could not be read: that finding says why.
                    (None, None) => continue,
                },
            };
            let checked = if service.declared.manifests.is_empty() {
                "its environment was"
            } else {
                "its environment and the packages its manifests list were"
            };
            out.service(
                &Self::META,
                service,
                &service.location,
                format!(
                    "`{}` is {what}: only {checked} checked, not its command, SDK setup or code.",
                    service.name
                ),
                "to see what it really sends: run `otel-doctor listen` and point the service's OTEL_EXPORTER_OTLP_ENDPOINT at it (http://host.docker.internal:4318)".to_string(),
            );
        }
    }
}

/// Whether the service is set up to export somewhere (an endpoint, headers): a prebuilt
/// backend's own sampler or name variables are not worth a note.
fn exports(service: &Service) -> bool {
    [
        otel::ENDPOINT,
        otel::TRACES_ENDPOINT,
        otel::HEADERS,
        otel::TRACES_HEADERS,
    ]
    .iter()
    .any(|name| service.env_var(name).is_some())
}

fn is_collector(service: &Service) -> bool {
    service
        .image
        .as_deref()
        .is_some_and(otel::is_collector_image)
}
