use crate::knowledge::kubernetes::{injected_protocol, instrumentation_key};
use crate::knowledge::otel::{self, Protocol};
use crate::resolve::{Project, Workload};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::kubernetes::Instrumentation;
use crate::workspace::workload::EnvEntry;

declare_rule! {
    /// ## What it does
    /// Checks the endpoint an Instrumentation gives each language it injects
    /// (`spec.exporter.endpoint`, overridden by `spec.env` and then by `spec.<language>.env`)
    /// against the protocol that language's auto-instrumentation sends when nothing sets
    /// `OTEL_EXPORTER_OTLP_PROTOCOL`: http/protobuf for Python (the operator sets it), the Java
    /// agent 2.x, Node.js, .NET and Go. It names the workloads injected with that language.
    ///
    /// ## Why is this bad?
    /// The operator's own example uses `endpoint: http://otel-collector:4317`, the gRPC port.
    /// Sent there, OTLP over HTTP fails every export (the collector's gRPC server does not
    /// answer HTTP/1.1), and the app logs at most a warning.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Instrumentation
    /// spec:
    ///   exporter:
    ///     endpoint: http://otel-collector:4317
    /// ```
    /// with `instrumentation.opentelemetry.io/inject-python: "true"` on a pod.
    /// Use instead, for that language only (as the operator's README shows):
    /// ```yaml
    /// spec:
    ///   python:
    ///     env:
    ///       - name: OTEL_EXPORTER_OTLP_ENDPOINT
    ///         value: http://otel-collector:4318
    /// ```
    pub struct InstrumentationProtocol => "k8s/instrumentation-protocol", Error;
}

/// An Instrumentation's endpoint for one language, and the workloads it reaches.
struct Injected<'a> {
    instrumentation: &'a Instrumentation,
    language: &'static str,
    endpoint: EnvEntry,
    workloads: Vec<&'a Workload>,
}

impl Check for InstrumentationProtocol {
    fn check(&self, project: &Project, out: &mut Findings) {
        let manifests = &project.kubernetes;
        let mut groups: Vec<Injected> = Vec::new();
        for pod in &manifests.pods {
            for (annotation, language) in pod.injections() {
                let namespace = &pod.object.namespace;
                let Some(instrumentation) =
                    manifests.selected_instrumentation(namespace, &annotation.value)
                else {
                    continue;
                };
                let environment = instrumentation.environment(language);
                // The operator appends a variable only when it is not set yet, the language's
                // env first (`appendIfNotSet`): read as the last one here.
                let last = |name: &str| environment.iter().rev().find(|e| e.name == name);
                // A protocol that is set is judged with the endpoint by config/ rules.
                if last(otel::PROTOCOL)
                    .or(last(otel::TRACES_PROTOCOL))
                    .is_some()
                {
                    continue;
                }
                let Some(endpoint) = last(otel::ENDPOINT) else {
                    continue;
                };
                let workloads = pod
                    .injected_containers()
                    .filter(|c| {
                        // The container's own setting wins over the Instrumentation's.
                        !c.env.iter().any(|e| {
                            [otel::ENDPOINT, otel::PROTOCOL, otel::TRACES_PROTOCOL]
                                .contains(&e.name.as_str())
                        })
                    })
                    .filter_map(|c| project.service(&c.workload));
                match groups
                    .iter_mut()
                    .find(|g| g.language == language && g.endpoint.location == endpoint.location)
                {
                    Some(group) => group.workloads.extend(workloads),
                    None => groups.push(Injected {
                        instrumentation,
                        language,
                        endpoint: endpoint.clone(),
                        workloads: workloads.collect(),
                    }),
                }
            }
        }
        for group in groups {
            report(&group, out);
        }
    }
}

fn report(group: &Injected, out: &mut Findings) {
    let Some((agent, protocol)) = injected_protocol(group.language) else {
        return;
    };
    let Some(value) = group.endpoint.value.as_ref().map(|v| v.value.as_str()) else {
        return;
    };
    let Some(url) = url::Url::parse(value)
        .ok()
        .filter(|_| value.contains("://"))
    else {
        return;
    };
    let wrong_port = match protocol {
        Protocol::Grpc => 4318,
        Protocol::HttpProtobuf | Protocol::HttpJson => 4317,
    };
    if url.port() != Some(wrong_port) {
        return;
    }
    let Some((first, others)) = group.workloads.split_first() else {
        return;
    };
    // The port changed in the value as written: a URL rebuilt would lower-case the host,
    // and `$(OTEL_NODE_IP)` names a variable case-sensitively.
    let fixed = value.replacen(
        &format!(":{wrong_port}"),
        &format!(":{}", protocol.default_port()),
        1,
    );
    let key = instrumentation_key(group.language);
    let own_language = group
        .instrumentation
        .language_env
        .iter()
        .filter(|(language, _)| language == group.language)
        .flat_map(|(_, env)| env)
        .any(|e| e.location == group.endpoint.location);
    let hint = if own_language {
        format!("use {fixed}")
    } else {
        format!(
            "give {} its own endpoint in the Instrumentation (other languages keep theirs):\n  spec:\n    {key}:\n      env:\n        - name: {}\n          value: {fixed}",
            group.language,
            otel::ENDPOINT
        )
    };
    let names: Vec<&str> = group.workloads.iter().map(|w| w.name.as_str()).collect();
    let object = &group.instrumentation.object;
    let finding = out.service(
        &InstrumentationProtocol::META,
        first,
        &group.endpoint.location,
        format!(
            "Instrumentation {}/{} gives {} endpoint \"{value}\", port {wrong_port} (OTLP/{}), but the {agent} the operator injects sends {protocol} when OTEL_EXPORTER_OTLP_PROTOCOL is unset: every export from {} fails.",
            object.namespace,
            object.name,
            group.language,
            if wrong_port == 4317 { "gRPC" } else { "HTTP" },
            names.join(", ")
        ),
        hint,
    );
    finding
        .services
        .extend(others.iter().map(|w| w.name.clone()));
}
