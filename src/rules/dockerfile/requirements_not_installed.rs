use crate::knowledge::languages::knows_installed_packages;
use crate::resolve::{Project, Workload};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a dependency manifest listing OpenTelemetry packages (`requirements.txt`,
    /// `pyproject.toml`, `package.json`) is actually installed by the image: copied in and
    /// `pip install`ed (`npm ci`ed) in the final stage.
    ///
    /// ## Why is this bad?
    /// Adding `opentelemetry-*` to `requirements.txt` (or `@opentelemetry/*` to
    /// `package.json`) does nothing if the Dockerfile never runs `pip install -r
    /// requirements.txt` (`npm ci`), or installs another file. The code's
    /// `import opentelemetry` then fails with `ModuleNotFoundError` (Node.js: `Cannot find
    /// module`), or `opentelemetry-instrument` is not found.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . .
    /// RUN pip install flask
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install -r requirements.txt
    /// COPY . .
    /// ```
    pub struct RequirementsNotInstalled => "dockerfile/requirements-not-installed", Error;
}

impl Check for RequirementsNotInstalled {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project
            .services
            .iter()
            .filter(|s| s.language.is_some_and(knows_installed_packages) && runs_opentelemetry(s))
        {
            // Something installed what cannot be read here: it may be this manifest.
            let Some(image) = service
                .image_contents
                .as_ref()
                .filter(|i| !i.has_unknown_installs)
            else {
                continue;
            };
            for manifest in image.manifests.iter().filter(|m| !m.installed) {
                let missing: Vec<&str> = manifest
                    .otel_requirements()
                    .map(|l| l.requirement.name.as_str())
                    .filter(|name| {
                        !image.has(name)
                            && !image
                                .lost
                                .iter()
                                .any(|l| l.packages.iter().any(|p| p == name))
                    })
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let file = manifest.path.rsplit('/').next().unwrap_or(&manifest.path);
                out.service(
                    &Self::META,
                    service,
                    &image.final_stage,
                    format!(
                        "{} lists {}, but {} never installs it: the final stage installs nothing from {file}, so the packages are missing at run time.",
                        manifest.path,
                        missing.join(", "),
                        image.dockerfile
                    ),
                    format!(
                        "add to the final stage of {}:\n{}",
                        image.dockerfile,
                        indent(&manifest.install_instructions())
                    ),
                );
            }
        }
    }
}

fn indent(lines: &str) -> String {
    lines
        .lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The service imports OpenTelemetry or starts through `opentelemetry-instrument`: a
/// manifest that is not installed then breaks it.
fn runs_opentelemetry(service: &Workload) -> bool {
    !service.code.otel_imports.is_empty() || service.auto_instrumentation_location().is_some()
}
