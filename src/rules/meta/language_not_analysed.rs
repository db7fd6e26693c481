use crate::knowledge::{languages, otel};
use crate::resolve::{Project, Workload};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Notes a service that uses OpenTelemetry in a language whose packages, command and code
    /// otel-doctor does not read (Elixir, Rust, C++, or a prebuilt image it cannot see
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
        // One note per kind of service: four Rust services are one thing the tool did not do.
        let mut groups: Vec<(Kind, Vec<&Workload>)> = Vec::new();
        for service in project.services.iter().filter(|s| s.uses_opentelemetry()) {
            let Some(kind) = kind(service) else {
                continue;
            };
            match groups.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, services)) => services.push(service),
                None => groups.push((kind, vec![service])),
            }
        }
        for (kind, services) in groups {
            let checked = if kind.manifests_read {
                "environment and the packages its manifests list were"
            } else {
                "environment was"
            };
            let message = match services.as_slice() {
                [service] => format!(
                    "`{}` is {}: only its {checked} checked, not its command, SDK setup or code.",
                    service.name, kind.one
                ),
                many => format!(
                    "{} {}: for each, only its {checked} checked, not its command, SDK setup or code.",
                    many.len(),
                    kind.many
                ),
            };
            out.services(
                &Self::META,
                &services,
                &services[0].location,
                message,
                "to see what it really sends: run `otel-doctor listen` and point the service's OTEL_EXPORTER_OTLP_ENDPOINT at it (http://host.docker.internal:4318)".to_string(),
            );
        }
    }
}

/// What kind of service was not analysed, as a message says it of one and of several.
#[derive(PartialEq, Eq)]
struct Kind {
    one: String,
    many: String,
    manifests_read: bool,
}

fn kind(service: &Workload) -> Option<Kind> {
    let (one, many) = match service.language {
        Some(language) if languages::is_analysed(language) => return None,
        // A web server's variables are `config/otel-on-static-site`'s concern.
        Some(Language::Proxy) => return None,
        Some(language) => {
            let name = language.title();
            let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
                "an"
            } else {
                "a"
            };
            (
                format!("{article} {name} service"),
                format!("{name} services"),
            )
        }
        None if is_collector(service) || !exports(service) => return None,
        None => match (&service.image, &service.dockerfile) {
            (Some(image), None) => (
                format!("the prebuilt image {image}"),
                format!("runs of the prebuilt image {image}"),
            ),
            (_, Some(_)) => (
                "a service whose language is not known".to_string(),
                "services whose language is not known".to_string(),
            ),
            // Its Dockerfile could not be read: that finding says why.
            (None, None) => return None,
        },
    };
    Some(Kind {
        one,
        many,
        manifests_read: !service.declared.manifests.is_empty(),
    })
}

/// Whether the service is set up to export somewhere (an endpoint, headers): a prebuilt
/// backend's own sampler or name variables are not worth a note.
fn exports(service: &Workload) -> bool {
    [
        otel::ENDPOINT,
        otel::TRACES_ENDPOINT,
        otel::HEADERS,
        otel::TRACES_HEADERS,
    ]
    .iter()
    .any(|name| service.env_var(name).is_some())
}

fn is_collector(service: &Workload) -> bool {
    service
        .image
        .as_deref()
        .is_some_and(otel::is_collector_image)
}
