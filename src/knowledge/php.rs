//! What OpenTelemetry PHP needs at run time besides its Composer packages, from its
//! documentation (opentelemetry.io/docs/zero-code/php, the `open-telemetry/sdk` and
//! `open-telemetry/exporter-otlp` READMEs and composer.json files, opentelemetry-php 1.x).

/// The SDK builds itself from the environment, as part of Composer's autoloader, only when
/// this is `true`; otherwise the API hands out no-op tracers (and the auto-instrumentation
/// packages' spans go nowhere) unless the code builds and registers an SDK itself.
pub const AUTOLOAD_ENABLED: &str = "OTEL_PHP_AUTOLOAD_ENABLED";

pub const SDK: &str = "open-telemetry/sdk";
pub const EXPORTER_OTLP: &str = "open-telemetry/exporter-otlp";
/// `open-telemetry/exporter-otlp` speaks OTLP over HTTP through a PSR-18 client; over gRPC
/// only with this package and the `grpc` extension.
pub const TRANSPORT_GRPC: &str = "open-telemetry/transport-grpc";

/// The prefix of the auto-instrumentation packages (`open-telemetry/opentelemetry-auto-slim`,
/// `-laravel`, ...): each requires the `opentelemetry` extension (`ext-opentelemetry`) to hook
/// the framework's functions.
pub const AUTO_PACKAGE_PREFIX: &str = "open-telemetry/opentelemetry-auto-";

/// The extension the auto-instrumentation packages hook through.
pub const EXTENSION: &str = "opentelemetry";
/// The extension `open-telemetry/transport-grpc` sends through.
pub const GRPC_EXTENSION: &str = "grpc";

/// The commands an image installs PHP extensions with, and how each names one: PECL and
/// PIE take a package (`pecl install opentelemetry-1.1.0`, `pie install
/// open-telemetry/ext-opentelemetry`), mlocati's `install-php-extensions` and the official
/// images' `docker-php-ext-install`/`-enable` take extension names (`opentelemetry`,
/// `grpc`), distributions ship `php83-pecl-opentelemetry`-style packages.
const INSTALLERS: &[&str] = &[
    "pecl",
    "pie",
    "pickle",
    "install-php-extensions",
    "docker-php-ext-install",
    "docker-php-ext-enable",
];

/// The extensions among `wanted` that a shell command installs or enables.
pub fn extensions_installed<'a>(command: &str, wanted: &[&'a str]) -> Vec<&'a str> {
    let words: Vec<&str> = command
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|'))
        .filter(|w| !w.is_empty())
        .collect();
    let by_installer = words
        .iter()
        .any(|w| INSTALLERS.contains(&w.rsplit('/').next().unwrap_or(w)));
    wanted
        .iter()
        .copied()
        .filter(|extension| {
            words.iter().any(|word| {
                // `opentelemetry-1.1.0`, `opentelemetry@stable`, `open-telemetry/ext-opentelemetry`.
                let package = word.rsplit('/').next().unwrap_or(word);
                let name = package
                    .trim_start_matches("ext-")
                    .split(['-', '@', ':'])
                    .next()
                    .unwrap_or(package);
                let named = by_installer && (name == *extension || package == *extension);
                // `php83-pecl-opentelemetry`, `php-pecl-grpc`.
                let packaged = package
                    .rsplit_once("pecl-")
                    .and_then(|(_, rest)| rest.split(['@', '=', ':']).next())
                    == Some(*extension);
                named || packaged
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_by_installer() {
        let both = [EXTENSION, GRPC_EXTENSION];
        assert_eq!(
            extensions_installed("install-php-extensions opentelemetry grpc", &both),
            both
        );
        assert_eq!(
            extensions_installed(
                "pecl install opentelemetry-1.1.0 && docker-php-ext-enable opentelemetry",
                &both
            ),
            [EXTENSION]
        );
        assert_eq!(
            extensions_installed("pie install open-telemetry/ext-opentelemetry", &both),
            [EXTENSION]
        );
        assert_eq!(
            extensions_installed("apk add php83-pecl-opentelemetry@testing", &both),
            [EXTENSION]
        );
        assert_eq!(
            extensions_installed("composer require open-telemetry/sdk grpc/grpc", &both),
            Vec::<&str>::new()
        );
        assert_eq!(
            extensions_installed("install-php-extensions pdo_mysql", &both),
            Vec::<&str>::new()
        );
    }
}
