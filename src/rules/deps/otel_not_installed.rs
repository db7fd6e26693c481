use crate::fix::Remedy;
use crate::knowledge::python::{self, DISTRO, EXPORTER_OTLP, FRAMEWORKS, INSTRUMENTATION};
use crate::knowledge::python_symbols::{Lookup, symbols};
use crate::resolve::{ImageContents, Listed, Manifest, Project, Service};
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
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: it adds the missing packages to the manifest the image
    /// installs: one line each at the end of a requirements file, or entries in
    /// `pyproject.toml`'s `[project] dependencies` list or Poetry's
    /// `[tool.poetry.dependencies]` table (then run `poetry lock` or `uv lock` if a lock file
    /// is beside it; `fix` says so). Not fixed automatically when the image installs no
    /// manifest (packages named on `RUN pip install`), for a `Pipfile` (run `pipenv install
    /// PACKAGE`, which updates `Pipfile.lock`), or when the manifest lists the packages in an
    /// optional part the install leaves out.
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
        // A module no package has (`opentelemetry.exporter.otlp.http`) is a wrong path that
        // code/unknown-otel-symbol reports; no package would make it importable.
        if symbols().path(&import.module) == Lookup::Missing {
            continue;
        }
        first.get_or_insert(import);
        if !missing.contains(&import.package.as_str()) {
            missing.push(&import.package);
        }
    }
    let Some(first) = first else { return };
    let fix = add_packages(image, &missing, &missing);
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
            what_is_installed(image, &missing)
        ),
        hint(service, image, &missing, &indent(&missing)),
    )
    .fix = Some(fix);
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
            what_is_installed(image, &[INSTRUMENTATION])
        ),
        hint(
            service,
            image,
            &[INSTRUMENTATION],
            "  opentelemetry-distro\n  opentelemetry-exporter-otlp\nand after the install: RUN opentelemetry-bootstrap -a install",
        ),
    )
    .fix = Some(add_packages(
        image,
        &[INSTRUMENTATION],
        &instrument_packages(service, image),
    ));
}

/// What `opentelemetry-instrument` needs: the distro (which brings the instrument command and
/// sets up the SDK), the OTLP exporter, and the instrumentation of each framework the code
/// uses (what `opentelemetry-bootstrap` would install), so that one fix is the whole fix.
fn instrument_packages(service: &Service, image: &ImageContents) -> Vec<&'static str> {
    let mut packages = vec![DISTRO, EXPORTER_OTLP];
    for (framework, _) in &service.code.frameworks {
        let package = FRAMEWORKS
            .iter()
            .find(|(name, _)| name == framework)
            .map(|(_, package)| *package);
        if let Some(package) = package
            && !image.has(package)
            && !packages.contains(&package)
        {
            packages.push(package);
        }
    }
    packages
}

/// An installed manifest that lists a missing package (or what brings it) in a part the
/// install leaves out: an optional group or an extra.
fn unselected<'a>(
    image: &'a ImageContents,
    missing: &[&str],
) -> Option<(&'a Manifest, &'a Listed)> {
    image
        .manifests
        .iter()
        .filter(|m| m.installed)
        .find_map(|manifest| {
            let listed = manifest.requirements.iter().find(|l| {
                l.part.is_some() && {
                    let r = &l.requirement;
                    let brings =
                        python::installed_closure([(r.name.as_str(), r.extras.as_slice())]);
                    missing.iter().any(|m| brings.contains(*m))
                }
            })?;
            Some((manifest, listed))
        })
}

fn what_is_installed(image: &ImageContents, missing: &[&str]) -> String {
    if let Some((manifest, listed)) = unselected(image, missing) {
        return format!(
            "{} lists {} in {}, which the image's install leaves out",
            manifest.path,
            listed.requirement.name,
            listed.part.as_deref().unwrap_or_default()
        );
    }
    let installed: Vec<&str> = image
        .manifests
        .iter()
        .filter(|m| m.installed)
        .map(|m| &*m.path)
        .collect();
    let listed: Vec<&str> = image
        .manifests
        .iter()
        .filter(|m| m.installed)
        .flat_map(|m| m.otel_requirements().filter(|l| l.part.is_none()))
        .map(|l| l.requirement.name.as_str())
        .collect();
    match (installed.as_slice(), listed.as_slice()) {
        ([], _) => format!("{} installs no OpenTelemetry package", image.dockerfile),
        (files, []) => format!("{} has no opentelemetry-* package", files.join(", ")),
        (files, listed) => format!("{} lists only {}", files.join(", "), listed.join(", ")),
    }
}

fn hint(service: &Service, image: &ImageContents, missing: &[&str], packages: &str) -> String {
    let Some((_, listed)) = unselected(image, missing) else {
        return format!("add to {}:\n{packages}", manifest_to_edit(service, image));
    };
    let part = listed.part.as_deref().unwrap_or_default();
    let name = part.split('`').nth(1).unwrap_or_default();
    let how = if part.starts_with("the extra") {
        format!("pip install \".[{name}]\", poetry install -E {name}, uv sync --extra {name}")
    } else if part.starts_with("[dev-packages]") {
        "pipenv install --system --deploy --dev".to_string()
    } else {
        format!("poetry install --with {name}, uv sync --group {name}, pdm install -G {name}")
    };
    format!(
        "install {part} in {} ({how}), or move the packages to the main dependencies",
        image.dockerfile
    )
}

/// `packages` added to the manifest the image installs, which lacks `missing`; not when a
/// manifest lists them in a part the install leaves out (the fix is to install that part).
fn add_packages(image: &ImageContents, missing: &[&str], packages: &[&str]) -> Remedy {
    match unselected(image, missing) {
        Some((manifest, listed)) => Remedy::manual(format!(
            "{} lists {} in {}: install that part, or move the packages to the main dependencies",
            manifest.path,
            listed.requirement.name,
            listed.part.as_deref().unwrap_or_default()
        )),
        None => Remedy::add_packages(image, packages),
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
