use crate::knowledge::otel::Protocol;
use crate::knowledge::php;
use crate::knowledge::python::{self, EXPORTER_GRPC, EXPORTER_HTTP};
use crate::resolve::{Project, ProtocolSource};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the installed OTLP exporter package speaks the protocol the SDK is
    /// configured with (`OTEL_EXPORTER_OTLP_PROTOCOL`, or opentelemetry-distro's default,
    /// `grpc`).
    ///
    /// ## Why is this bad?
    /// `opentelemetry-exporter-otlp-proto-http` cannot send gRPC and `-proto-grpc` cannot send
    /// HTTP: the SDK fails to load the exporter and sends nothing. Python has no `http/json`
    /// exporter at all: with that protocol the app runs uninstrumented. Nor has the Java
    /// agent: it fails to configure its exporter and exports nothing. PHP's
    /// `open-telemetry/exporter-otlp` speaks gRPC only with `open-telemetry/transport-grpc`
    /// and the `grpc` extension.
    ///
    /// ## Example
    /// ```yaml
    /// # requirements.txt has opentelemetry-exporter-otlp-proto-http
    /// OTEL_EXPORTER_OTLP_PROTOCOL: grpc
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf
    /// ```
    pub struct ExporterProtocolMismatch => "deps/exporter-protocol-mismatch", Error;
}

impl Check for ExporterProtocolMismatch {
    fn check(&self, project: &Project, out: &mut Findings) {
        check_java_agents(project, out);
        check_php_grpc(project, out);
        for service in project.services.iter().filter(|s| s.is_python()) {
            let (Some(instrument), Some(image)) = (&service.instrument, &service.image_contents)
            else {
                continue;
            };
            if !service.auto_configures_sdk()
                || !service.code.exporters.is_empty()
                || image.has_unknown_installs
            {
                continue;
            }
            let plan = service.export_plan();
            let (location, configured) = match &plan.protocol_source {
                ProtocolSource::Setting(setting) => (
                    setting.location,
                    format!("{} is {}", setting.describe(), setting.value),
                ),
                ProtocolSource::DistroDefault => (
                    &instrument.location,
                    "opentelemetry-distro defaults the protocol to grpc".to_string(),
                ),
                _ => continue,
            };
            let (message, hint) = match python::exporter_package_for(plan.protocol) {
                None => (
                    format!(
                        "{configured}, but the Python SDK has no http/json exporter: it raises \"Unsupported OTLP protocol\" and the app runs uninstrumented."
                    ),
                    format!(
                        "use http/protobuf (with {EXPORTER_HTTP}) or grpc (with {EXPORTER_GRPC})"
                    ),
                ),
                Some(needed) if !image.has(needed) => {
                    let installed = if needed == EXPORTER_GRPC {
                        EXPORTER_HTTP
                    } else {
                        EXPORTER_GRPC
                    };
                    if !image.has(installed) {
                        continue;
                    }
                    let other = if plan.protocol == Protocol::Grpc {
                        "http/protobuf"
                    } else {
                        "grpc"
                    };
                    (
                        format!(
                            "{configured}, but only {installed} is installed, which cannot speak {}: the SDK fails to load the exporter.",
                            plan.protocol
                        ),
                        format!(
                            "set OTEL_EXPORTER_OTLP_PROTOCOL={other}, or install {needed} (opentelemetry-exporter-otlp brings both)"
                        ),
                    )
                }
                Some(_) => continue,
            };
            out.service(&Self::META, service, location, message, hint);
        }
    }
}

/// The Java agent speaks gRPC and http/protobuf only.
fn check_java_agents(project: &Project, out: &mut Findings) {
    for service in &project.services {
        if service.jvm.as_ref().is_none_or(|j| j.agents.is_empty()) {
            continue;
        }
        let plan = service.export_plan();
        let ProtocolSource::Setting(setting) = &plan.protocol_source else {
            continue;
        };
        if crate::knowledge::java::PROTOCOLS.contains(&plan.protocol) {
            continue;
        }
        out.service(
            &ExporterProtocolMismatch::META,
            service,
            setting.location,
            format!(
                "{} is {}, which the Java agent does not speak (only grpc and http/protobuf): it fails to configure its exporter (\"Unsupported OTLP traces protocol\") and exports nothing.",
                setting.describe(),
                setting.value
            ),
            format!("set {}=http/protobuf (port 4318) or grpc (port 4317)", setting.name),
        );
    }
}

/// PHP: `open-telemetry/exporter-otlp` sends gRPC through `open-telemetry/transport-grpc`,
/// which needs the `grpc` extension; without either, the exporter cannot be built for grpc.
fn check_php_grpc(project: &Project, out: &mut Findings) {
    for service in &project.services {
        let declared = &service.declared;
        if declared.composer_package(php::EXPORTER_OTLP).is_none() {
            continue;
        }
        let plan = service.export_plan();
        let ProtocolSource::Setting(setting) = &plan.protocol_source else {
            continue;
        };
        if plan.protocol != Protocol::Grpc {
            continue;
        }
        let manifest = declared
            .composer_package(php::EXPORTER_OTLP)
            .map_or("composer.json", |p| &p.location.file);
        let missing = if declared.composer_package(php::TRANSPORT_GRPC).is_none() {
            format!("{manifest} has no {}", php::TRANSPORT_GRPC)
        } else if service.dockerfile.is_some() && !declared.has_php_extension(php::GRPC_EXTENSION) {
            format!(
                "the image never installs the `{}` PHP extension {} needs",
                php::GRPC_EXTENSION,
                php::TRANSPORT_GRPC
            )
        } else {
            continue;
        };
        out.service(
            &ExporterProtocolMismatch::META,
            service,
            setting.location,
            format!(
                "{} is {}, but {missing}: {} cannot send gRPC without it, and the SDK sets up no exporter.",
                setting.describe(),
                setting.value,
                php::EXPORTER_OTLP
            ),
            format!(
                "set {}=http/protobuf (port 4318), or `composer require {}` and `install-php-extensions {}` in the image",
                setting.name,
                php::TRANSPORT_GRPC,
                php::GRPC_EXTENSION
            ),
        );
    }
}
