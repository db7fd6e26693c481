use crate::knowledge::python::INSTRUMENTATION;
use crate::resolve::{ImageContents, Project, Service};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that every OpenTelemetry package the code imports, or the command runs
    /// (`opentelemetry-instrument`), is installed in the image.
    ///
    /// ## Why is this bad?
    /// Installing the packages on your machine (or in a virtualenv) does not put them in the
    /// container. The app crashes at start with `ModuleNotFoundError: No module named
    /// 'opentelemetry'`, or the container exits with `opentelemetry-instrument: not found`.
    ///
    /// ## Example
    /// ```text
    /// # requirements.txt
    /// flask
    /// ```
    /// Use instead:
    /// ```text
    /// flask
    /// opentelemetry-api
    /// opentelemetry-sdk
    /// opentelemetry-exporter-otlp-proto-http
    /// opentelemetry-instrumentation-flask
    /// ```
    pub struct OtelNotInstalled => "deps/otel-not-installed", Error;
}

impl Check for OtelNotInstalled {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.is_python()) {
            let Some(image) = service
                .image_contents
                .as_ref()
                .filter(|i| !i.has_unknown_installs)
            else {
                continue;
            };
            check_imports(service, image, out);
            check_instrument_command(service, image, out);
        }
    }
}

fn check_imports(service: &Service, image: &ImageContents, out: &mut Findings) {
    let mut missing: Vec<&str> = Vec::new();
    let mut first = None;
    for import in &service.code.otel_imports {
        if image.has(&import.package) || image.provided_elsewhere(&import.package) {
            continue;
        }
        first.get_or_insert(import);
        if !missing.contains(&import.package.as_str()) {
            missing.push(&import.package);
        }
    }
    let Some(first) = first else { return };
    let file = first
        .location
        .file
        .rsplit('/')
        .next()
        .unwrap_or(&first.location.file);
    out.service(
        &OtelNotInstalled::META,
        service,
        &first.location,
        format!(
            "{file} imports {}, but the image never installs {}: {}. The container starts with ModuleNotFoundError.",
            first.module,
            missing.join(", "),
            what_is_installed(image)
        ),
        format!("add to {}:\n{}", manifest_to_edit(service, image), indent(&missing)),
    );
}

fn check_instrument_command(service: &Service, image: &ImageContents, out: &mut Findings) {
    let Some(instrument) = &service.instrument else {
        return;
    };
    if image.has(INSTRUMENTATION) || image.provided_elsewhere(INSTRUMENTATION) {
        return;
    }
    out.service(
        &OtelNotInstalled::META,
        service,
        &instrument.location,
        format!(
            "the command runs opentelemetry-instrument, but the image never installs opentelemetry-instrumentation, which provides it ({}): the container exits with `opentelemetry-instrument: not found`.",
            what_is_installed(image)
        ),
        format!(
            "add to {}:\n  opentelemetry-distro\n  opentelemetry-exporter-otlp\nand after the install: RUN opentelemetry-bootstrap -a install",
            manifest_to_edit(service, image)
        ),
    );
}

fn what_is_installed(image: &ImageContents) -> String {
    let installed: Vec<&str> = image
        .manifests
        .iter()
        .filter(|m| m.installed)
        .map(|m| &*m.path)
        .collect();
    match installed.as_slice() {
        [] => format!("{} installs no OpenTelemetry package", image.dockerfile),
        files => format!("{} has no opentelemetry-* package", files.join(", ")),
    }
}

fn manifest_to_edit(service: &Service, image: &ImageContents) -> String {
    image
        .manifests
        .iter()
        .find(|m| m.installed)
        .map(|m| m.path.to_string())
        .unwrap_or_else(|| {
            format!(
                "the requirements of `{}` (and pip install it in {})",
                service.name, image.dockerfile
            )
        })
}

fn indent(packages: &[&str]) -> String {
    packages
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}
