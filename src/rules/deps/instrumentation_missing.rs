use crate::knowledge::python::{FRAMEWORKS, INSTRUMENTATION};
use crate::resolve::Project;
use crate::rules::hint::{add_packages, install};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a service auto-instrumented with `opentelemetry-instrument` installs the
    /// instrumentation package of the web framework its code imports
    /// (`opentelemetry-instrumentation-flask` for Flask, ...).
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
