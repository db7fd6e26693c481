use crate::knowledge::php;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::dependencies::Ecosystem;

declare_rule! {
    /// ## What it does
    /// Checks that a PHP image whose Composer packages include OpenTelemetry's
    /// auto-instrumentation (`open-telemetry/opentelemetry-auto-slim`, `-laravel`, ...)
    /// installs the `opentelemetry` PHP extension those packages hook the framework through.
    ///
    /// ## Why is this bad?
    /// Every `opentelemetry-auto-*` package requires `ext-opentelemetry`: without the
    /// extension `composer install` refuses to install it, and with `--ignore-platform-reqs`
    /// the hooks never run, so no span is made. The official `php` images do not ship it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM php:8.3-apache
    /// COPY . /var/www/html
    /// RUN composer install --no-dev --ignore-platform-reqs
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM php:8.3-apache
    /// ADD --chmod=0755 https://github.com/mlocati/docker-php-extension-installer/releases/latest/download/install-php-extensions /usr/local/bin/
    /// RUN install-php-extensions opentelemetry
    /// COPY . /var/www/html
    /// RUN composer install --no-dev
    /// ```
    pub struct PhpExtensionMissing => "dockerfile/php-extension-missing", Error;
}

impl Check for PhpExtensionMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let declared = &service.declared;
            let Some(dockerfile) = &service.dockerfile else {
                continue;
            };
            let Some(auto) = declared.packages.iter().find(|p| {
                p.ecosystem == Ecosystem::Composer && p.name.starts_with(php::AUTO_PACKAGE_PREFIX)
            }) else {
                continue;
            };
            if declared.has_php_extension(php::EXTENSION) {
                continue;
            }
            out.service(
                &Self::META,
                service,
                &auto.location,
                format!(
                    "{} requires {}, which instruments through the `{}` PHP extension, but {dockerfile} never installs it: `composer install` refuses the package (ext-{} is missing), and with --ignore-platform-reqs no span is made.",
                    auto.location.file,
                    auto.name,
                    php::EXTENSION,
                    php::EXTENSION
                ),
                format!(
                    "add to {dockerfile}, before `composer install`:\n  ADD --chmod=0755 https://github.com/mlocati/docker-php-extension-installer/releases/latest/download/install-php-extensions /usr/local/bin/\n  RUN install-php-extensions {}",
                    php::EXTENSION
                ),
            );
        }
    }
}
