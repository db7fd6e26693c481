//! What the OpenTelemetry Python packages are: which module comes from which package, what
//! each package installs with it, and which exporter speaks which protocol. From the packages'
//! metadata (opentelemetry-python 1.45 / contrib 0.66b) and shared/HONEYCOMB.md.

use std::collections::BTreeSet;

use crate::knowledge::otel::Protocol;

pub const API: &str = "opentelemetry-api";
pub const SDK: &str = "opentelemetry-sdk";
pub const DISTRO: &str = "opentelemetry-distro";
pub const INSTRUMENTATION: &str = "opentelemetry-instrumentation";
pub const EXPORTER_OTLP: &str = "opentelemetry-exporter-otlp";
pub const EXPORTER_HTTP: &str = "opentelemetry-exporter-otlp-proto-http";
pub const EXPORTER_GRPC: &str = "opentelemetry-exporter-otlp-proto-grpc";
pub const HONEYCOMB_DISTRO: &str = "honeycomb-opentelemetry";
/// The module of Honeycomb's distro (`configure_opentelemetry`, `HoneycombOptions`).
pub const HONEYCOMB_DISTRO_MODULE: &str = "honeycomb.opentelemetry";

/// Direct requirements of the packages that matter; installing one installs these too.
const REQUIRES: &[(&str, &[&str])] = &[
    (SDK, &[API]),
    (INSTRUMENTATION, &[API]),
    (DISTRO, &[API, SDK, INSTRUMENTATION]),
    (EXPORTER_OTLP, &[EXPORTER_GRPC, EXPORTER_HTTP]),
    (EXPORTER_HTTP, &[API, SDK]),
    (EXPORTER_GRPC, &[API, SDK]),
    (
        HONEYCOMB_DISTRO,
        &[API, SDK, EXPORTER_OTLP, INSTRUMENTATION],
    ),
];

/// `opentelemetry-distro[otlp]` is how the OpenTelemetry docs install the distro with an exporter.
const EXTRAS: &[(&str, &str, &[&str])] = &[(DISTRO, "otlp", &[EXPORTER_OTLP])];

/// Every package present once `packages` (name and extras) are installed.
pub fn installed_closure<'a>(
    packages: impl IntoIterator<Item = (&'a str, &'a [String])>,
) -> BTreeSet<String> {
    let mut present = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    for (name, extras) in packages {
        pending.push(name.to_string());
        for (package, extra, brings) in EXTRAS {
            if name == *package && extras.iter().any(|e| e == extra) {
                pending.extend(brings.iter().map(|p| p.to_string()));
            }
        }
    }
    while let Some(package) = pending.pop() {
        if present.contains(&package) {
            continue;
        }
        pending.extend(requirements_of(&package).iter().map(|p| p.to_string()));
        present.insert(package);
    }
    present
}

fn requirements_of(package: &str) -> &'static [&'static str] {
    if let Some((_, requires)) = REQUIRES.iter().find(|(name, _)| *name == package) {
        return requires;
    }
    if package.starts_with("opentelemetry-instrumentation-") {
        return &[API, INSTRUMENTATION];
    }
    if package.starts_with("opentelemetry-exporter-") {
        return &[API, SDK];
    }
    &[]
}

/// The modules of `opentelemetry-instrumentation` itself (not a library's instrumentation).
const INSTRUMENTATION_CORE_MODULES: &[&str] = &[
    "auto_instrumentation",
    "bootstrap",
    "bootstrap_gen",
    "cidict",
    "dependencies",
    "distro",
    "environment_variables",
    "instrumentor",
    "log_utils",
    "propagators",
    "sqlcommenter_utils",
    "utils",
    "version",
];

/// The modules of `opentelemetry-api` under `opentelemetry.propagators`, where each
/// propagator package adds its own.
const API_PROPAGATORS_MODULES: &[&str] = &["composite", "textmap"];

/// The package an `import` of `module` needs, for OpenTelemetry modules.
/// `python_symbols.txt` records the real package of every module of the packages it was
/// generated from, and a test holds this function to it.
pub fn package_for_module(module: &str) -> Option<String> {
    let parts: Vec<&str> = module.split('.').collect();
    let dashed = |name: &str| name.replace('_', "-");
    let package = match parts.as_slice() {
        ["opentelemetry", "sdk", "extension", name, ..] => {
            format!("opentelemetry-sdk-extension-{}", dashed(name))
        }
        ["opentelemetry", "sdk", ..] => SDK.to_string(),
        ["opentelemetry", "distro", ..] => DISTRO.to_string(),
        ["opentelemetry", "exporter", "otlp", "proto", "http", ..] => EXPORTER_HTTP.to_string(),
        ["opentelemetry", "exporter", "otlp", "proto", "grpc", ..] => EXPORTER_GRPC.to_string(),
        ["opentelemetry", "exporter", "otlp", "proto", kind, ..] => {
            format!("opentelemetry-exporter-otlp-proto-{kind}")
        }
        ["opentelemetry", "exporter", "otlp", "common", ..] => {
            "opentelemetry-exporter-otlp-common".to_string()
        }
        ["opentelemetry", "exporter", "http", "transport", ..] => {
            "opentelemetry-exporter-http-transport".to_string()
        }
        ["opentelemetry", "exporter", name, ..] => format!("opentelemetry-exporter-{name}"),
        ["opentelemetry", "propagators", name, ..]
            if !API_PROPAGATORS_MODULES.contains(name) && !name.starts_with('_') =>
        {
            match *name {
                "aws" => "opentelemetry-propagator-aws-xray".to_string(),
                _ => format!("opentelemetry-propagator-{}", dashed(name)),
            }
        }
        ["opentelemetry", "processor", name, ..] => {
            format!("opentelemetry-processor-{}", dashed(name))
        }
        ["opentelemetry", "util", "http", ..] => "opentelemetry-util-http".to_string(),
        ["opentelemetry", "instrumentation"] => INSTRUMENTATION.to_string(),
        ["opentelemetry", "instrumentation", sub, ..] => {
            if INSTRUMENTATION_CORE_MODULES.contains(sub) || sub.starts_with('_') {
                INSTRUMENTATION.to_string()
            } else {
                format!("opentelemetry-instrumentation-{}", dashed(sub))
            }
        }
        ["opentelemetry", "semconv", ..] => "opentelemetry-semantic-conventions".to_string(),
        ["opentelemetry", "proto", ..] => "opentelemetry-proto".to_string(),
        ["opentelemetry", ..] => API.to_string(),
        ["honeycomb", "opentelemetry", ..] => HONEYCOMB_DISTRO.to_string(),
        _ => return None,
    };
    Some(package)
}

/// The protocol an exporter module speaks, for the OTLP span exporters.
pub fn exporter_module_protocol(module: &str) -> Option<Protocol> {
    match module {
        "opentelemetry.exporter.otlp.proto.http.trace_exporter" => Some(Protocol::HttpProtobuf),
        "opentelemetry.exporter.otlp.proto.grpc.trace_exporter" => Some(Protocol::Grpc),
        _ => None,
    }
}

/// The exporter package that implements `protocol`, and whether Python has one at all
/// (it does not support `http/json`).
pub fn exporter_package_for(protocol: Protocol) -> Option<&'static str> {
    match protocol {
        Protocol::HttpProtobuf => Some(EXPORTER_HTTP),
        Protocol::Grpc => Some(EXPORTER_GRPC),
        Protocol::HttpJson => None,
    }
}

/// Calls of other libraries that create and set a TracerProvider themselves, configured from
/// the `OTEL_*` environment like the SDK: after one of them, spans are real.
pub const SDK_SETUP_CALLS: &[&str] = &[
    "opentelemetry.instrumentation.auto_instrumentation.initialize",
    "traceloop.sdk.Traceloop.init",
    "openlit.init",
    "logfire.configure",
    "azure.monitor.opentelemetry.configure_azure_monitor",
    "uptrace.configure_opentelemetry",
];

/// Web frameworks auto-instrumentation knows, by import name, with their instrumentation package.
pub const FRAMEWORKS: &[(&str, &str)] = &[
    ("flask", "opentelemetry-instrumentation-flask"),
    ("django", "opentelemetry-instrumentation-django"),
    ("fastapi", "opentelemetry-instrumentation-fastapi"),
    ("starlette", "opentelemetry-instrumentation-starlette"),
    ("falcon", "opentelemetry-instrumentation-falcon"),
    ("pyramid", "opentelemetry-instrumentation-pyramid"),
    ("tornado", "opentelemetry-instrumentation-tornado"),
];

/// Whether a package name is one of OpenTelemetry's (or Honeycomb's distro).
pub fn is_otel_package(name: &str) -> bool {
    name.starts_with("opentelemetry-") || name == HONEYCOMB_DISTRO
}

/// The two version series opentelemetry-python releases together: the API, the SDK, the
/// protocol and the OTLP exporters as `1.N.P`; the instrumentations, the distro and the
/// semantic conventions as `0.(N+21)bP` (1.45.0 with 0.66b0; the offset has held since 1.12.0
/// with 0.33b0, per the CHANGELOGs of opentelemetry-python and opentelemetry-python-contrib).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Series {
    Stable,
    Beta,
}

const BETA_OFFSET: u32 = 21;

/// The newest release this table knows, for a manifest that pins everything but OpenTelemetry.
const NEWEST_STABLE: &str = "1.45.0";

fn series(package: &str) -> Option<Series> {
    match package {
        API | SDK | "opentelemetry-proto" => Some(Series::Stable),
        _ if package.starts_with(EXPORTER_OTLP) => Some(Series::Stable),
        DISTRO | "opentelemetry-semantic-conventions" => Some(Series::Beta),
        _ if package.starts_with(INSTRUMENTATION) => Some(Series::Beta),
        _ => None,
    }
}

/// The version of `package` released with the pinned `(package, version)` pairs: a pin of its
/// own series as written, else the other series' pin translated; with no OpenTelemetry pin, the
/// newest release known here when `pin_anyway`.
pub fn companion_version(
    package: &str,
    pins: &[(String, String)],
    pin_anyway: bool,
) -> Option<String> {
    let wanted = series(package)?;
    let known: Vec<(Series, &str)> = pins
        .iter()
        .filter_map(|(name, version)| Some((series(name)?, version.as_str())))
        .collect();
    if let Some((_, version)) = known.iter().find(|(s, _)| *s == wanted) {
        return Some(version.to_string());
    }
    let stable_minor = match known.first() {
        Some((Series::Stable, version)) => minor_of(version, "1.")?,
        Some((Series::Beta, version)) => minor_of(version, "0.")?.checked_sub(BETA_OFFSET)?,
        None if pin_anyway => minor_of(NEWEST_STABLE, "1.")?,
        None => return None,
    };
    Some(match wanted {
        Series::Stable => format!("1.{stable_minor}.0"),
        Series::Beta => format!("0.{}b0", stable_minor + BETA_OFFSET),
    })
}

fn minor_of(version: &str, major: &str) -> Option<u32> {
    let rest = version.strip_prefix(major)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_map_to_their_packages() {
        let cases = [
            ("opentelemetry", API),
            ("opentelemetry.trace", API),
            ("opentelemetry.sdk.trace.export", SDK),
            (
                "opentelemetry.exporter.otlp.proto.http.trace_exporter",
                EXPORTER_HTTP,
            ),
            (
                "opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
                EXPORTER_GRPC,
            ),
            (
                "opentelemetry.instrumentation.flask",
                "opentelemetry-instrumentation-flask",
            ),
            (
                "opentelemetry.instrumentation.aws_lambda",
                "opentelemetry-instrumentation-aws-lambda",
            ),
            (
                "opentelemetry.instrumentation.instrumentor",
                INSTRUMENTATION,
            ),
            ("opentelemetry.instrumentation", INSTRUMENTATION),
        ];
        for (module, package) in cases {
            assert_eq!(
                package_for_module(module).as_deref(),
                Some(package),
                "{module}"
            );
        }
        assert_eq!(package_for_module("flask"), None);
    }

    #[test]
    fn the_closure_follows_requirements_and_extras() {
        let none: &[String] = &[];
        let closure = installed_closure([(DISTRO, none)]);
        assert!(
            closure.contains(SDK) && closure.contains(API) && closure.contains(INSTRUMENTATION)
        );
        assert!(!closure.contains(EXPORTER_HTTP));
        let otlp = ["otlp".to_string()];
        let closure = installed_closure([(DISTRO, &otlp[..])]);
        assert!(closure.contains(EXPORTER_HTTP) && closure.contains(EXPORTER_GRPC));
        let closure = installed_closure([("opentelemetry-instrumentation-flask", none)]);
        assert!(closure.contains(INSTRUMENTATION) && !closure.contains(SDK));
    }

    #[test]
    fn companion_versions_follow_the_release_series() {
        let pins = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        };
        let stable = pins(&[("flask", "3.1.0"), (SDK, "1.27.0")]);
        assert_eq!(
            companion_version(EXPORTER_HTTP, &stable, false).as_deref(),
            Some("1.27.0")
        );
        assert_eq!(
            companion_version("opentelemetry-instrumentation-flask", &stable, false).as_deref(),
            Some("0.48b0")
        );
        let beta = pins(&[(DISTRO, "0.66b1")]);
        assert_eq!(
            companion_version(EXPORTER_HTTP, &beta, false).as_deref(),
            Some("1.45.0")
        );
        assert_eq!(companion_version(EXPORTER_HTTP, &[], false), None);
        assert_eq!(
            companion_version(EXPORTER_HTTP, &[], true).as_deref(),
            Some(NEWEST_STABLE)
        );
        assert_eq!(companion_version("requests", &stable, true), None);
    }
}
