//! Routes in reports: one line per service (`→ otel-collector:4318 (http/protobuf) → traces:
//! otlp/honeycomb → api.honeycomb.io:443 (Honeycomb US)`, cut at the first broken hop with its
//! reason and position), and their JSON form.

use serde::Serialize;

use crate::resolve::route::{Hop, HopKind, HopStatus, Route};

/// The route as one line of plain text.
pub fn text(route: &Route) -> String {
    let mut branches: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut pipeline: Option<&str> = None;
    // The address the line shows last, so a destination does not repeat it.
    let mut shown: Option<&str> = None;
    let mut previous: Option<HopKind> = None;
    for hop in &route.hops {
        let before = previous.replace(hop.kind);
        if let Some(reason) = problem(hop) {
            line.push_str(&reason);
            branches.push(std::mem::take(&mut line));
            continue;
        }
        match hop.kind {
            HopKind::Sdk => {
                if let Some(endpoint) = &hop.endpoint {
                    shown = Some(endpoint);
                    line.push_str(&format!("→ {endpoint}"));
                    if let Some(protocol) = &hop.protocol {
                        line.push_str(&format!(" ({protocol})"));
                    }
                }
            }
            // The first collector's address is on the SDK's hop; a collector an exporter sends
            // to is named here.
            HopKind::Receiver => {
                if let (Some(endpoint), Some(HopKind::Exporter)) = (&hop.endpoint, before) {
                    line.push_str(&format!(" → {endpoint}"));
                    if let Some(protocol) = &hop.protocol {
                        line.push_str(&format!(" ({protocol})"));
                    }
                }
            }
            HopKind::Pipeline => pipeline = Some(&hop.name),
            HopKind::Exporter => {
                shown = None;
                let name = match pipeline.take() {
                    Some(pipeline) => format!("{pipeline}: {}", hop.name),
                    None => hop.name.clone(),
                };
                // A pipeline's next exporter starts a branch of its own.
                if line.is_empty() && !branches.is_empty() {
                    line.push_str(&name);
                } else {
                    line.push_str(&format!(" → {name}"));
                }
            }
            HopKind::Destination => {
                let target = match hop.endpoint.as_deref() {
                    Some(endpoint) if shown != Some(endpoint) => {
                        format!("{endpoint} ({})", hop.name)
                    }
                    _ => hop.name.clone(),
                };
                line.push_str(&format!(" → {target}"));
                branches.push(std::mem::take(&mut line));
            }
        }
    }
    if !line.is_empty() {
        branches.push(line);
    }
    branches
        .iter()
        .map(|b| b.trim_start())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A broken or unknown hop, as the line shows it: `✗ receiver otlp listens on localhost:4318
/// only  otel.yaml:6:19`.
fn problem(hop: &Hop) -> Option<String> {
    let symbol = match hop.status {
        HopStatus::Ok => return None,
        HopStatus::Broken => "✗",
        HopStatus::Unknown => "?",
    };
    let note = hop.note.clone().unwrap_or_else(|| match &hop.endpoint {
        Some(endpoint) => format!("{endpoint} ({})", hop.name),
        None => hop.name.clone(),
    });
    let at = hop
        .location
        .as_ref()
        .map(|l| format!("  {l}"))
        .unwrap_or_default();
    Some(format!(" {symbol} {note}{at}"))
}

/// A hop as `services[].route` shows it; `note` only where a hop is broken or unknown.
#[derive(Serialize)]
pub struct HopView<'a> {
    hop: &'static str,
    name: &'a str,
    endpoint: Option<&'a str>,
    protocol: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

pub fn hops(route: Option<&Route>) -> Vec<HopView<'_>> {
    let hops = route.map_or(&[][..], |r| &r.hops);
    hops.iter()
        .map(|hop| HopView {
            hop: hop.kind.as_str(),
            name: &hop.name,
            endpoint: hop.endpoint.as_deref(),
            protocol: hop.protocol.as_deref(),
            file: hop.location.as_ref().map(|l| &*l.file),
            line: hop.location.as_ref().map(|l| l.line),
            status: hop.status.as_str(),
            note: hop.note.as_deref(),
        })
        .collect()
}
