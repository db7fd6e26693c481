use crate::finding::Remedy;
use crate::knowledge::languages::{self, knows_installed_packages};
use crate::knowledge::node::{self, AUTO_INSTRUMENTATIONS};
use crate::knowledge::python::{self, DISTRO, EXPORTER_OTLP, FRAMEWORKS, INSTRUMENTATION};
use crate::knowledge::python_symbols::{Lookup, symbols};
use crate::resolve::{ImageContents, Listed, Manifest, Project, Workload};
use crate::rules::hint;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Checks that every OpenTelemetry package the code imports, or the command runs
    /// (`opentelemetry-instrument`, Node's `--require @opentelemetry/auto-instrumentations-node/register`),
    /// is installed in the image; in Ruby, that the gem of every OpenTelemetry file the code
    /// requires is in the Gemfile (Bundler loads nothing else).
    ///
    /// ## Why is this bad?
    /// Installing the packages on your machine (or in a virtualenv, or a local
    /// `node_modules`) does not put them in the container. The app crashes at start with
    /// `ModuleNotFoundError: No module named 'opentelemetry'` or `Error: Cannot find module
    /// '@opentelemetry/sdk-node'`, or the container exits with `opentelemetry-instrument: not
    /// found`.
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
    /// (Node.js: `npm install --save-prod @opentelemetry/api @opentelemetry/auto-instrumentations-node`.)
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: it adds the missing packages to the manifest the image
    /// installs: one line each at the end of a requirements file, or entries in
    /// `pyproject.toml`'s `[project] dependencies` list or Poetry's
    /// `[tool.poetry.dependencies]` table (then run `poetry lock` or `uv lock` if a lock file
    /// is beside it; `fix` says so). Not fixed automatically when the image installs no
    /// manifest (packages named on `RUN pip install`), for a `Pipfile` (run `pipenv install
    /// PACKAGE`, which updates `Pipfile.lock`), or when the manifest lists the packages in an
    /// optional part the install leaves out. A `package.json` is not edited: run
    /// `npm install --save-prod PACKAGE` beside it, which updates its lockfile too.
    pub struct OtelNotInstalled => "deps/otel-not-installed", Error;
}

impl Check for OtelNotInstalled {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            if service.language == Some(Language::Ruby) {
                check_gems(service, out);
            }
            let Some(language) = service.language.filter(|l| knows_installed_packages(*l)) else {
                continue;
            };
            let Some(image) = service
                .image_contents
                .as_ref()
                .filter(|i| !i.has_unknown_installs)
            else {
                continue;
            };
            check_imports(service, language, image, out);
            check_instrument_command(service, image, out);
            check_register_preload(service, image, out);
        }
    }
}

fn is_missing(image: &ImageContents, package: &str) -> bool {
    !image.has(package) && !image.provided_elsewhere(package)
}

fn check_imports(
    service: &Workload,
    language: Language,
    image: &ImageContents,
    out: &mut Findings,
) {
    let mut missing: Vec<&str> = Vec::new();
    let mut first = None;
    for import in &service.code.otel_imports {
        if !is_missing(image, &import.package) {
            continue;
        }
        // A module no package has (`opentelemetry.exporter.otlp.http`) is a wrong path that
        // code/unknown-otel-symbol reports; no package would make it importable.
        if language == Language::Python && symbols().path(&import.module) == Lookup::Missing {
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
    let finding = out.service(
        &OtelNotInstalled::META,
        service,
        &first.location,
        format!(
            "{file} imports {}, but the image never installs {}: {}. {}.",
            first.module,
            missing.join(", "),
            what_is_installed(image, language, &missing),
            capitalized(&languages::missing_module_error(language, &first.module))
        ),
        hint(service, language, image, &missing, &indent(&missing)),
    );
    finding.fix = Some(fix);
    finding.cures.push(hint::install(service, &missing));
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn check_instrument_command(service: &Workload, image: &ImageContents, out: &mut Findings) {
    let Some(instrument) = &service.instrument else {
        return;
    };
    if !is_missing(image, INSTRUMENTATION) {
        return;
    }
    let mut packages = instrument_packages(service, image);
    packages.insert(0, INSTRUMENTATION);
    let finding = out.service(
        &OtelNotInstalled::META,
        service,
        &instrument.location,
        format!(
            "the command runs opentelemetry-instrument, but the image never installs opentelemetry-instrumentation, which provides it ({}): the container exits with `opentelemetry-instrument: not found`.",
            what_is_installed(image, Language::Python, &[INSTRUMENTATION])
        ),
        hint(
            service,
            Language::Python,
            image,
            &[INSTRUMENTATION],
            "  opentelemetry-distro\n  opentelemetry-exporter-otlp\nand after the install: RUN opentelemetry-bootstrap -a install",
        ),
    );
    finding.fix = Some(add_packages(image, &[INSTRUMENTATION], &packages[1..]));
    finding.cures.push(hint::install(service, &packages));
}

/// What `opentelemetry-instrument` needs: the distro (which brings the instrument command and
/// sets up the SDK), the OTLP exporter, and the instrumentation of each framework the code
/// uses (what `opentelemetry-bootstrap` would install), so that one fix is the whole fix.
/// `node --require @opentelemetry/auto-instrumentations-node/register` without the package.
fn check_register_preload(service: &Workload, image: &ImageContents, out: &mut Findings) {
    let Some(preload) = service.node.as_ref().and_then(|n| n.auto_instrumentation()) else {
        return;
    };
    if !is_missing(image, AUTO_INSTRUMENTATIONS) {
        return;
    }
    let packages = [node::API, AUTO_INSTRUMENTATIONS];
    let finding = out.service(
        &OtelNotInstalled::META,
        service,
        &preload.location,
        format!(
            "{} loads {}, but the image never installs {AUTO_INSTRUMENTATIONS} ({}): node exits at start with `Error: Cannot find module '{}'`.",
            preload.describe(),
            node::REGISTER,
            what_is_installed(image, Language::Node, &[AUTO_INSTRUMENTATIONS]),
            node::REGISTER
        ),
        hint(service, Language::Node, image, &packages, ""),
    );
    finding.fix = Some(hint::add_packages(image, &packages));
    finding.cures.push(hint::install(service, &packages));
}

fn instrument_packages(service: &Workload, image: &ImageContents) -> Vec<&'static str> {
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

fn what_is_installed(image: &ImageContents, language: Language, missing: &[&str]) -> String {
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
        (files, []) => format!(
            "{} has no {} package",
            files.join(", "),
            languages::otel_package_pattern(language)
        ),
        (files, listed) => format!("{} lists only {}", files.join(", "), listed.join(", ")),
    }
}

fn hint(
    service: &Workload,
    language: Language,
    image: &ImageContents,
    missing: &[&str],
    packages: &str,
) -> String {
    if language == Language::Node {
        return format!(
            "add them to the dependencies of {}: npm install --save-prod {}",
            manifest_to_edit(service, image),
            missing.join(" ")
        );
    }
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
        None => hint::add_packages(image, packages),
    }
}

fn manifest_to_edit(service: &Workload, image: &ImageContents) -> String {
    image
        .manifests
        .iter()
        .find(|m| m.installed)
        .map(|m| m.path.to_string())
        .unwrap_or_else(|| {
            let how = if service.language == Some(Language::Node) {
                "npm ci"
            } else {
                "pip install"
            };
            format!(
                "the dependencies of `{}` (and {how} them in {})",
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

/// Ruby: a required OpenTelemetry file whose gem the Gemfile does not install. Bundler loads
/// only the Gemfile's gems (and what they depend on).
fn check_gems(service: &Workload, out: &mut Findings) {
    let declared = &service.declared;
    let Some(gemfile) = declared.gemfile() else {
        return;
    };
    if declared.image_mentions_opentelemetry.is_some() {
        return;
    }
    let mut missing: Vec<&str> = Vec::new();
    let mut first = None;
    for import in &service.code.otel_imports {
        if declared.installs_gem(&import.package) || missing.contains(&import.package.as_str()) {
            continue;
        }
        first.get_or_insert(import);
        missing.push(&import.package);
    }
    let Some(first) = first else { return };
    let lines: Vec<String> = missing.iter().map(|gem| format!("gem '{gem}'")).collect();
    out.service(
        &OtelNotInstalled::META,
        service,
        &first.location,
        format!(
            "the code requires '{}', but {gemfile} has no {}: the app stops at start with LoadError (cannot load such file -- {}).",
            first.module,
            missing.join(", "),
            first.module
        ),
        format!(
            "add to {gemfile}:\n  {}\nthen run `bundle install` (it updates Gemfile.lock)",
            lines.join("\n  ")
        ),
    );
}
