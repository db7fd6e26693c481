use super::{names, report};
use crate::resolve::Project;
use crate::resolve::collector::{ListenerMatch, ListenerProtocol, match_listener};
use crate::resolve::route::HopKind;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that spans sent to a collector meet an OTLP receiver that speaks their protocol
    /// on their port: gRPC (4317 by default) or HTTP (4318 by default).
    ///
    /// ## Why is this bad?
    /// An app that exports gRPC to a collector whose receiver only enables `http` (or sends to
    /// a port no receiver listens on) is refused on every export; the SDK retries, logs a
    /// connection error at best, and nothing arrives.
    ///
    /// ## Example
    /// ```yaml
    /// receivers:
    ///   otlp:
    ///     protocols:
    ///       http:
    ///         endpoint: 0.0.0.0:4318
    /// # while the app sets OTEL_EXPORTER_OTLP_PROTOCOL=grpc and sends to otel-collector:4317
    /// ```
    /// Use instead: enable the protocol the apps use:
    /// ```yaml
    ///       grpc:
    ///         endpoint: 0.0.0.0:4317
    /// ```
    pub struct ReceiverProtocolMismatch => "collector/receiver-protocol-mismatch", Error;
}

/// Spans arriving at one port of a collector with one protocol, and who sends them.
struct Arrival<'a> {
    port: u16,
    protocol: ListenerProtocol,
    senders: Vec<&'a str>,
    /// Every sender is an app (not another collector's exporter).
    from_apps: bool,
}

impl Check for ReceiverProtocolMismatch {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let Some(model) = collector.model() else {
                continue;
            };
            let mut arrivals: Vec<Arrival> = Vec::new();
            for service in &project.services {
                let Some(route) = &service.route else {
                    continue;
                };
                for (index, hop) in route.hops.iter().enumerate() {
                    if hop.kind != HopKind::Receiver
                        || hop.collector.as_deref() != Some(&collector.service)
                    {
                        continue;
                    }
                    let (Some(port), Some(protocol)) = (hop.port(), hop.protocol.as_deref()) else {
                        continue;
                    };
                    let protocol = if protocol == "grpc" {
                        ListenerProtocol::Grpc
                    } else {
                        ListenerProtocol::Http
                    };
                    let from_app = index > 0 && route.hops[index - 1].kind == HopKind::Sdk;
                    match arrivals
                        .iter_mut()
                        .find(|a| a.port == port && a.protocol == protocol)
                    {
                        Some(arrival) => {
                            // Only this service pushes while its route is read.
                            if arrival.senders.last() != Some(&service.name.as_str()) {
                                arrival.senders.push(&service.name);
                            }
                            arrival.from_apps &= from_app;
                        }
                        None => arrivals.push(Arrival {
                            port,
                            protocol,
                            senders: vec![&service.name],
                            from_apps: from_app,
                        }),
                    }
                }
            }
            let listeners = collector.listeners();
            for arrival in arrivals {
                let (port, protocol) = (arrival.port, arrival.protocol.name());
                let sent = format!(
                    "{} send{} {protocol} to {}:{port}",
                    names(&arrival.senders),
                    if arrival.senders.len() == 1 { "s" } else { "" },
                    collector.service
                );
                let (location, problem, hint) = match match_listener(
                    listeners,
                    arrival.port,
                    arrival.protocol,
                ) {
                    ListenerMatch::Found(_) => continue,
                    // An app with the wrong port is the app's finding (config/protocol-port-mismatch).
                    ListenerMatch::OtherProtocol(_) if arrival.from_apps => continue,
                    ListenerMatch::OtherProtocol(other) => (
                        other.location.clone(),
                        format!(
                            "{port} is where receiver {} takes {}",
                            other.receiver,
                            other.protocol.name()
                        ),
                        format!(
                            "send {protocol} to the port receiver {} takes it on, or send {} to {port}",
                            other.receiver,
                            other.protocol.name()
                        ),
                    ),
                    ListenerMatch::Elsewhere(elsewhere) => (
                        elsewhere.location.clone(),
                        format!(
                            "receiver {} takes {protocol} on {}, and nothing listens on {port}",
                            elsewhere.receiver,
                            elsewhere.describe()
                        ),
                        format!(
                            "send to {}:{}, or set the receiver's endpoint to 0.0.0.0:{port}",
                            collector.service,
                            elsewhere.port.unwrap_or_default()
                        ),
                    ),
                    ListenerMatch::NoProtocol => {
                        let receiver = model.components.iter().find(|c| {
                            c.type_name == "otlp"
                                && c.kind == crate::knowledge::collector::Kind::Receiver
                        });
                        let location = receiver
                            .and_then(|r| r.body.entry("protocols"))
                            .map(|p| p.location.clone())
                            .or_else(|| receiver.map(|r| r.location.clone()))
                            .unwrap_or_else(|| model.root.location.clone());
                        let others: Vec<&str> =
                            listeners.iter().map(|l| l.protocol.name()).collect();
                        let has = if others.is_empty() {
                            "no OTLP receiver with any protocol".to_string()
                        } else {
                            format!("only {}", others.join(" and "))
                        };
                        (
                            location,
                            format!("its OTLP receiver has {has}, no {protocol}"),
                            format!(
                                "add under `protocols:`\n  {protocol}:\n    endpoint: 0.0.0.0:{port}"
                            ),
                        )
                    }
                };
                report::<Self>(
                    out,
                    project,
                    collector,
                    &arrival.senders,
                    &location,
                    format!("{sent}, but {problem}: every export is refused."),
                    hint,
                );
            }
        }
    }
}
