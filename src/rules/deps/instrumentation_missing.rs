use crate::knowledge::python::{FRAMEWORKS, INSTRUMENTATION};
use crate::knowledge::{go, ruby};
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
    /// framework's middleware (`otelgin.Middleware`, ...). In Ruby, that
    /// `OpenTelemetry::SDK.configure` installs instrumentation (`c.use_all`, or `c.use` of
    /// the framework's), and that the Gemfile has the gem of each one it names.
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
        check_ruby(project, out);
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

/// Ruby: `c.use 'OpenTelemetry::Instrumentation::X'` or `c.use_all` without a gem to install,
/// or a configure block that installs no instrumentation in an app with a web framework.
fn check_ruby(project: &Project, out: &mut Findings) {
    let ruby_services = project
        .services
        .iter()
        .filter(|s| s.language == Some(Language::Ruby) && s.code.provider_set.is_some());
    for service in ruby_services {
        let declared = &service.declared;
        let (Some(gemfile), None) = (declared.gemfile(), &declared.image_mentions_opentelemetry)
        else {
            continue;
        };
        for (gem, location) in &service.code.instrumentors {
            let installed = if gem == ruby::INSTRUMENTATION_ALL {
                declared.packages.iter().any(|p| {
                    p.name == ruby::INSTRUMENTATION_ALL
                        || p.name.starts_with("opentelemetry-instrumentation-")
                })
            } else {
                gem.is_empty() || declared.installs_gem(gem)
            };
            if installed {
                continue;
            }
            let what = if gem == ruby::INSTRUMENTATION_ALL {
                format!(
                    "c.use_all installs every instrumentation whose gem is there, and {gemfile} has none"
                )
            } else {
                format!(
                    "c.use names an instrumentation from the gem {gem}, which {gemfile} does not install"
                )
            };
            out.service(
                &InstrumentationMissing::META,
                service,
                location,
                format!(
                    "{what}: the SDK logs that it cannot find the instrumentation, and requests make no spans."
                ),
                format!("add to {gemfile}: gem '{gem}' (then bundle install)"),
            );
        }
        let Some((framework, _)) = service.code.frameworks.first() else {
            continue;
        };
        if !service.code.instrumentors.is_empty() {
            continue;
        }
        let Some(configure) = &service.code.provider_set else {
            continue;
        };
        let class = ruby::FRAMEWORKS
            .iter()
            .find(|(f, _)| f == framework)
            .map_or("", |(_, class)| class);
        out.service(
            &InstrumentationMissing::META,
            service,
            configure,
            format!(
                "OpenTelemetry::SDK.configure installs no instrumentation (no c.use_all, no c.use), and the app runs {framework}: its requests make no spans."
            ),
            format!(
                "in the configure block: c.use_all (gem '{}' in {gemfile}), or c.use '{class}'",
                ruby::INSTRUMENTATION_ALL
            ),
        );
    }
}
