use crate::knowledge::go;
use crate::knowledge::python::{FRAMEWORKS, INSTRUMENTATION};
use crate::resolve::Project;
use crate::rules::hint::{add_packages, install};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Checks that a service auto-instrumented with `opentelemetry-instrument` installs the
    /// instrumentation package of the web framework its code imports
    /// (`opentelemetry-instrumentation-flask` for Flask, ...). In Go, where instrumentation is
    /// code, that a service serving with gin, echo, gorilla/mux, fiber or chi adds the
    /// framework's middleware (`otelgin.Middleware`, ...).
    ///
    /// ## Why is this bad?
    /// `opentelemetry-instrument` only instruments libraries whose instrumentation package is
    /// installed. Without it the SDK runs, but no request produces a span. The usual fix is
    /// `opentelemetry-bootstrap -a install` after the app's dependencies are installed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install -r requirements.txt   # flask, opentelemetry-distro, opentelemetry-exporter-otlp
    /// CMD ["opentelemetry-instrument", "flask", "run"]
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install -r requirements.txt && opentelemetry-bootstrap -a install
    /// CMD ["opentelemetry-instrument", "flask", "run"]
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: it adds the instrumentation package to the manifest the
    /// image installs (a requirements file, `pyproject.toml`'s `[project] dependencies` or
    /// `[tool.poetry.dependencies]`). Not fixed automatically for a `Pipfile` or when the
    /// image installs no manifest; adding `opentelemetry-bootstrap -a install` to the
    /// Dockerfile is left to you.
    pub struct InstrumentationMissing => "deps/instrumentation-missing", Warning;
}

impl Check for InstrumentationMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        check_go(project, out);
        for service in project.services.iter().filter(|s| s.is_python()) {
            let (Some(instrument), Some(image)) = (&service.instrument, &service.image_contents)
            else {
                continue;
            };
            // Without the instrument command's own package, or a distro to set up the SDK,
            // other rules report the real cause.
            if image.bootstrap.is_some()
                || image.has_unknown_installs
                || !image.has(INSTRUMENTATION)
                || !service.auto_configures_sdk()
            {
                continue;
            }
            let mut reported: Vec<&str> = Vec::new();
            for (framework, _) in &service.code.frameworks {
                let Some((_, package)) = FRAMEWORKS.iter().find(|(name, _)| name == framework)
                else {
                    continue;
                };
                if image.has(package) || reported.contains(package) {
                    continue;
                }
                reported.push(package);
                let finding = out.service(
                    &Self::META,
                    service,
                    &instrument.location,
                    format!(
                        "the code uses {framework} and starts through opentelemetry-instrument, but {package} is not installed: no request spans are created."
                    ),
                    format!("add {package} to the requirements, or run `opentelemetry-bootstrap -a install` after installing them"),
                );
                finding.fix = Some(add_packages(image, &[package]));
                finding.cures.push(install(service, &[package]));
            }
        }
    }
}

/// A Go service that sets up the SDK and serves with a web framework whose middleware it
/// never adds (`otelgin.Middleware`): requests make no spans, whatever the SDK does.
fn check_go(project: &Project, out: &mut Findings) {
    let go_services = project
        .services
        .iter()
        .filter(|s| s.language == Some(Language::Go) && s.sets_up_sdk());
    for service in go_services {
        for (framework, location) in &service.code.frameworks {
            let Some((instrumentation, setup)) = go::framework(framework) else {
                continue;
            };
            if service
                .code
                .instrumentors
                .iter()
                .any(|(p, _)| p == instrumentation)
            {
                continue;
            }
            let short = framework
                .rsplit('/')
                .find(|p| !p.starts_with('v'))
                .unwrap_or(framework);
            out.service(
                &InstrumentationMissing::META,
                service,
                location,
                format!(
                    "the code serves with {short} and sets up the SDK, but never adds {short}'s OpenTelemetry middleware ({instrumentation}): requests make no spans."
                ),
                format!(
                    "go get {instrumentation}, then where the router is made: {}",
                    setup.replace("SERVICE", &service.name)
                ),
            );
        }
    }
}
