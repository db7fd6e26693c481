use super::{report, senders_where, stops};
use crate::knowledge::collector::RECEIVERS_DEFAULT_TO_LOCALHOST;
use crate::resolve::Project;
use crate::resolve::route::HopKind;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a collector's OTLP receiver listens where other containers can reach it:
    /// not on `localhost`/`127.0.0.1`, whether written so or left to the default, which is
    /// `localhost` since v0.104.0.
    ///
    /// ## Why is this bad?
    /// A receiver bound to localhost accepts connections from its own container only. Every
    /// app container (and every published port) is refused, though the collector logs that it
    /// started fine.
    ///
    /// ## Example
    /// ```yaml
    /// receivers:
    ///   otlp:
    ///     protocols:
    ///       http:          # since v0.104.0: localhost:4318
    /// ```
    /// Use instead:
    /// ```yaml
    ///       http:
    ///         endpoint: 0.0.0.0:4318
    /// ```
    pub struct ReceiverLocalhost => "collector/receiver-localhost", Error;
}

impl Check for ReceiverLocalhost {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in project.collectors.iter().filter(|c| !c.network.is_host()) {
            let Some(model) = collector.model() else {
                continue;
            };
            let used = |receiver: &str| {
                model
                    .pipelines
                    .iter()
                    .any(|p| p.receivers.iter().any(|r| r.id == receiver))
            };
            for listener in collector.listeners() {
                if listener.reachable_from_other_containers() || !used(&listener.receiver) {
                    continue;
                }
                let senders = senders_where(project, collector, |route| {
                    route.hops.iter().any(|hop| {
                        hop.kind == HopKind::Receiver
                            && hop.collector.as_deref() == Some(&collector.service)
                            && hop.location.as_ref() == Some(&listener.location)
                    })
                });
                let port = listener.port.unwrap_or_default();
                let protocol = listener.protocol.name();
                let listens = match &listener.endpoint {
                    Some(endpoint) => format!("listens on {}", endpoint.value),
                    None => format!(
                        "sets no endpoint for {protocol}, and since v{RECEIVERS_DEFAULT_TO_LOCALHOST} that means localhost:{port}"
                    ),
                };
                let hint = match &listener.endpoint {
                    Some(_) => format!("endpoint: 0.0.0.0:{port}"),
                    None => format!("under `{protocol}:` add endpoint: 0.0.0.0:{port}"),
                };
                report::<Self>(
                    out,
                    project,
                    collector,
                    &senders,
                    &listener.location,
                    format!(
                        "receiver {} of `{}` {listens}: only its own container can connect, every other container is refused.{}",
                        listener.receiver,
                        collector.service,
                        stops(&senders)
                    ),
                    hint,
                );
            }
        }
    }
}
