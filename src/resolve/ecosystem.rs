//! The OpenTelemetry packages a service of another ecosystem declares (Go modules, gems,
//! Maven/Gradle artifacts, NuGet and Composer packages), read from the dependency lists of
//! its build, and, for Ruby, whether its code calls `OpenTelemetry::SDK.configure`. These
//! services' code is not read; what their manifests say is what is known.

use std::sync::Arc;

use crate::knowledge::ecosystems::{self, Role};
use crate::knowledge::otel::Protocol;
use crate::knowledge::php;
use crate::source::Location;
use crate::workspace::dockerfile::Args;
use crate::workspace::{BuildContext, Language};

use super::image::Build;
use crate::workspace::dependencies::Ecosystem;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredPackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: Option<String>,
    pub location: Location,
    pub role: Option<Role>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declared {
    /// The dependency lists read.
    pub manifests: Vec<Arc<str>>,
    /// The OpenTelemetry (and Honeycomb) packages they declare for the running app (not for
    /// tests or development, not Go's indirect requirements).
    pub packages: Vec<DeclaredPackage>,
    /// Ruby: where the code calls `OpenTelemetry::SDK.configure`.
    pub configures_sdk: Option<Location>,
    /// Ruby: the file that configures the SDK names the service.
    pub names_service: bool,
    /// Ruby: the configure block adds span processors of its own, so the SDK builds no
    /// exporter from `OTEL_TRACES_EXPORTER`.
    pub processors_in_code: bool,
    /// An instruction of the image that mentions OpenTelemetry (`install-php-extensions
    /// opentelemetry`, the .NET auto-instrumentation's installer, an agent download): it may
    /// install what the manifests do not list.
    pub image_mentions_opentelemetry: Option<Location>,
    /// PHP: the extensions OpenTelemetry needs (`opentelemetry`, `grpc`) that the image
    /// installs, each with the `RUN` that does.
    pub php_extensions: Vec<(&'static str, Location)>,
}

impl Declared {
    pub fn has_role(&self, role: Role) -> bool {
        self.packages.iter().any(|p| p.role == Some(role))
    }

    /// Whether the Gemfile installs an OpenTelemetry gem: it lists it, or a gem it lists
    /// depends on it.
    pub fn installs_gem(&self, gem: &str) -> bool {
        self.packages
            .iter()
            .filter(|p| p.ecosystem == Ecosystem::Ruby)
            .any(|p| p.name == gem || crate::knowledge::ruby::brings(&p.name, gem))
    }

    /// The Gemfile read, as a message names it.
    pub fn gemfile(&self) -> Option<&Arc<str>> {
        self.manifests.iter().find(|m| m.ends_with("Gemfile"))
    }

    /// PHP: the declared (or locked) Composer package of this name.
    pub fn composer_package(&self, name: &str) -> Option<&DeclaredPackage> {
        self.packages
            .iter()
            .find(|p| p.ecosystem == Ecosystem::Composer && p.name == name)
    }

    /// PHP: whether the image installs this extension.
    pub fn has_php_extension(&self, extension: &str) -> bool {
        self.php_extensions.iter().any(|(e, _)| *e == extension)
    }

    pub fn with_role(&self, wanted: impl Fn(Role) -> bool) -> Option<&DeclaredPackage> {
        self.packages.iter().find(|p| p.role.is_some_and(&wanted))
    }

    /// The protocol the declared exporter of a language speaks whatever the environment says:
    /// the only trace exporter declared, when it speaks one protocol.
    pub fn exporter_protocol(&self, language: Language) -> Option<(Protocol, &Location)> {
        let exporters: Vec<&DeclaredPackage> = self
            .packages
            .iter()
            .filter(|p| p.ecosystem.language() == language)
            .filter(|p| matches!(p.role, Some(Role::Exporter(_))))
            .collect();
        match exporters.as_slice() {
            [only] => match only.role {
                Some(Role::Exporter(Some(protocol))) => Some((protocol, &only.location)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether a declared package sets the SDK up from the environment alone: zero-code
    /// auto-instrumentation (.NET's, PHP's), or Ruby's SDK with `OpenTelemetry::SDK.configure`.
    /// An SDK that other languages' code sets up may be given any endpoint there.
    pub fn configured_from_environment(&self) -> bool {
        self.packages.iter().any(|p| match p.ecosystem {
            Ecosystem::Ruby => {
                p.role == Some(Role::Sdk)
                    && self.configures_sdk.is_some()
                    && !self.processors_in_code
            }
            _ => p.role == Some(Role::AutoInstrumentation),
        })
    }

    /// Whether a declared package sets the SDK up: an SDK the code starts (Ruby's only with
    /// `OpenTelemetry::SDK.configure`), a starter or auto-instrumentation, Honeycomb's
    /// distribution.
    pub fn sets_up_sdk(&self) -> bool {
        self.packages.iter().any(|p| {
            let sets_up = matches!(
                p.role,
                Some(Role::Sdk | Role::AutoInstrumentation | Role::HoneycombDistro)
            );
            sets_up && (p.ecosystem != Ecosystem::Ruby || self.configures_sdk.is_some())
        })
    }
}

/// The first `RUN`, `ADD` or `COPY` of the final image that mentions OpenTelemetry.
pub fn image_mentions_opentelemetry(build: &Build) -> Option<Location> {
    build
        .instructions()
        .filter(|i| matches!(i.keyword.as_str(), "RUN" | "ADD" | "COPY"))
        .find(|i| {
            let text = match &i.args {
                Args::Exec(items) => items.join(" "),
                Args::Shell(text) => text.clone(),
            };
            let text = text.to_ascii_lowercase();
            text.contains("opentelemetry") || text.contains("otel-")
        })
        .map(|i| Location::new(build.path, i.line, i.column))
}

/// The PHP extensions OpenTelemetry needs that the final image's `RUN`s install.
pub fn php_extensions(build: &Build) -> Vec<(&'static str, Location)> {
    let wanted = [php::EXTENSION, php::GRPC_EXTENSION];
    let mut found: Vec<(&'static str, Location)> = Vec::new();
    for run in build.instructions().filter(|i| i.keyword == "RUN") {
        let text = match &run.args {
            Args::Exec(items) => items.join(" "),
            Args::Shell(text) => text.clone(),
        };
        for extension in php::extensions_installed(&text, &wanted) {
            if !found.iter().any(|(e, _)| *e == extension) {
                found.push((extension, Location::new(build.path, run.line, run.column)));
            }
        }
    }
    found
}

/// The service's own dependency lists: beside its Dockerfile or at the root of its build
/// context (other folders of a shared context belong to other services).
pub fn resolve(
    context: &BuildContext,
    context_dir: &str,
    dockerfile_dir: Option<&str>,
) -> Declared {
    let folder_of = |path: &str| {
        path.rsplit_once('/')
            .map_or(".", |(dir, _)| dir)
            .to_string()
    };
    let own = |path: &str| {
        let folder = folder_of(path);
        folder == context_dir || dockerfile_dir == Some(folder.as_str())
    };
    let mut declared = Declared::default();
    // `composer.lock` after `composer.json`: it says which version each listed package is at,
    // and what else is installed.
    let mut lists: Vec<_> = context
        .dependency_lists
        .iter()
        .filter(|l| own(&l.path))
        .collect();
    lists.sort_by_key(|l| l.path.ends_with("composer.lock"));
    for list in lists {
        declared.manifests.push(Arc::clone(&list.path));
        let is_lock = list.path.ends_with("composer.lock");
        for dependency in list.content.dependencies.iter().filter(|d| !d.secondary) {
            let ecosystem = list.content.ecosystem;
            if !ecosystems::is_otel_package(ecosystem, &dependency.name) {
                continue;
            }
            let listed = declared.packages.iter_mut().find(|p| {
                p.ecosystem == ecosystem
                    && p.name == dependency.name
                    && folder_of(&p.location.file) == folder_of(&list.path)
            });
            if let (true, Some(listed)) = (is_lock, listed) {
                listed.version.clone_from(&dependency.version);
                continue;
            }
            declared.packages.push(DeclaredPackage {
                ecosystem,
                name: dependency.name.clone(),
                version: dependency.version.clone(),
                location: Location::new(&list.path, dependency.line, dependency.column),
                role: ecosystems::role(ecosystem, &dependency.name),
            });
        }
    }
    let ruby_folders: Vec<String> = declared
        .manifests
        .iter()
        .filter(|m| m.ends_with("Gemfile"))
        .map(|m| folder_of(m))
        .collect();
    let configuring = context
        .ruby
        .iter()
        .filter(|f| {
            ruby_folders
                .iter()
                .any(|folder| folder == "." || f.path.starts_with(&format!("{folder}/")))
        })
        .find(|f| f.content.configures_sdk.is_some());
    declared.configures_sdk = configuring.and_then(|f| {
        let (line, column) = f.content.configures_sdk?;
        Some(Location::new(&f.path, line, column))
    });
    declared.names_service = configuring.is_some_and(|f| f.content.names_service);
    declared.processors_in_code = configuring.is_some_and(|f| {
        f.content
            .calls
            .iter()
            .any(|c| c.method == "add_span_processor")
    });
    declared
}
