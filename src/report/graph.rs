//! The routes drawn: every service's route merged into one graph of workloads → collectors →
//! destinations, where a hop that breaks is a red edge labelled with why. Drawn as Mermaid for
//! the GitHub job summary, and as inline SVG for the HTML report.

use std::collections::HashMap;
use std::fmt::Write;

use super::Report;
use crate::resolve::route::{Hop, HopKind, HopStatus, Route};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A workload that sends spans.
    Service,
    Collector,
    /// Where a branch ends: Honeycomb, another backend, the console, nowhere.
    Destination,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    pub name: String,
    /// A destination's address (`api.honeycomb.io:443`).
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// The address and protocol a service sends to, or a collector's pipeline and exporter.
    pub label: String,
    /// The worst status of the hops the edge stands for.
    pub status: HopStatus,
    /// Why it is broken or unknown, with the setting that decides it.
    pub problem: Option<String>,
}

impl Edge {
    /// The edge's text: its label, then for a broken or unknown hop the problem.
    pub fn text(&self) -> String {
        let mark = match self.status {
            HopStatus::Ok => return self.label.clone(),
            HopStatus::Broken => "✗",
            HopStatus::Unknown => "?",
        };
        let problem = self.problem.as_deref().unwrap_or_default();
        format!("{} {mark} {problem}", self.label)
            .trim()
            .to_string()
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// A hop's problem as the edge shows it: its note (else its name) and where it is decided.
fn problem(hop: &Hop) -> Option<String> {
    if hop.status == HopStatus::Ok {
        return None;
    }
    let what = hop.note.clone().unwrap_or_else(|| hop.name.clone());
    Some(match &hop.location {
        Some(at) => format!("{what} ({at})"),
        None => what,
    })
}

fn worse(a: HopStatus, b: HopStatus) -> HopStatus {
    let rank = |s: HopStatus| match s {
        HopStatus::Ok => 0,
        HopStatus::Unknown => 1,
        HopStatus::Broken => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// An edge whose end is not known yet: what the last sender (an SDK, an exporter) said.
struct Pending {
    label: String,
    status: HopStatus,
    problem: Option<String>,
}

impl Graph {
    /// The routes of the report's services (those that send spans), merged: services that send
    /// through the same collector share its node and its edges onward.
    pub fn of(report: &Report) -> Graph {
        let mut graph = GraphBuilder::default();
        for service in &report.services {
            if let Some(route) = service.route.as_deref() {
                graph.add(&service.name, route);
            }
        }
        graph.graph
    }

    /// The graph as a Mermaid flowchart (GitHub renders ```mermaid blocks in markdown, the
    /// job summary included); broken edges red, unknown ones dashed.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("```mermaid\nflowchart LR\n");
        for (id, node) in self.nodes.iter().enumerate() {
            let text = match &node.address {
                Some(address) if *address != node.name => {
                    format!("{}<br>{}", mermaid_text(&node.name), mermaid_text(address))
                }
                _ => mermaid_text(&node.name),
            };
            // Shapes tell the kinds apart: a box, a hexagon, a cylinder.
            let (open, close) = match node.kind {
                NodeKind::Service => ("[", "]"),
                NodeKind::Collector => ("{{", "}}"),
                NodeKind::Destination => ("[(", ")]"),
            };
            let _ = writeln!(out, "  n{id}{open}\"{text}\"{close}");
        }
        for edge in &self.edges {
            let arrow = if edge.status == HopStatus::Unknown {
                "-.->"
            } else {
                "-->"
            };
            let text: Vec<String> = lines(&edge.text(), LABEL_WIDTH)
                .iter()
                .map(|line| mermaid_text(line))
                .collect();
            let _ = writeln!(
                out,
                "  n{} {arrow}|\"{}\"| n{}",
                edge.from,
                text.join("<br>"),
                edge.to
            );
        }
        for (at, edge) in self.edges.iter().enumerate() {
            if edge.status == HopStatus::Broken {
                let _ = writeln!(
                    out,
                    "  linkStyle {at} stroke:{BROKEN},stroke-width:2px,color:{BROKEN}"
                );
            }
        }
        out.push_str("```\n");
        out
    }
}

impl Graph {
    /// The graph as an inline SVG drawing (for the HTML report: no script, no font to fetch),
    /// left to right: each node in the column of its longest path from a service, services
    /// first; broken edges red, unknown ones dashed; every label's full text in a `<title>`.
    pub fn svg(&self) -> String {
        let columns = self.columns();
        let mut rows: Vec<Vec<usize>> = Vec::new();
        for (node, &column) in columns.iter().enumerate() {
            if rows.len() <= column {
                rows.resize(column + 1, Vec::new());
            }
            rows[column].push(node);
        }
        // Services one under the other; each later column's nodes at the height of their
        // senders (their average), in that order, pushed down where they would overlap: a
        // collector sits among the services that send to it, and edges cross less.
        let mut at = vec![(0usize, 0usize); self.nodes.len()];
        for (column, nodes) in rows.iter_mut().enumerate() {
            let x = MARGIN + column * (NODE_WIDTH + COLUMN_GAP);
            let wanted: HashMap<usize, usize> = nodes
                .iter()
                .map(|&node| {
                    let senders: Vec<usize> = self
                        .edges
                        .iter()
                        .filter(|e| e.to == node && columns[e.from] < column)
                        .map(|e| at[e.from].1)
                        .collect();
                    let y = if column == 0 || senders.is_empty() {
                        MARGIN
                    } else {
                        senders.iter().sum::<usize>() / senders.len()
                    };
                    (node, y)
                })
                .collect();
            if column > 0 {
                nodes.sort_by_key(|node| (wanted[node], *node));
            }
            let mut next = MARGIN;
            for &node in nodes.iter() {
                let y = if column == 0 {
                    next
                } else {
                    wanted[&node].max(next)
                };
                at[node] = (x, y);
                next = y + ROW_HEIGHT;
            }
        }
        // Each edge's curve, and its label under the curve's middle; labels in the same gap
        // between two columns are then moved down until none overlaps another.
        let mut drawn: Vec<DrawnEdge> = self
            .edges
            .iter()
            .map(|edge| {
                let (x1, y1) = at[edge.from];
                let (x2, y2) = at[edge.to];
                let (x1, y1) = (x1 + NODE_WIDTH, y1 + NODE_HEIGHT / 2);
                let y2 = y2 + NODE_HEIGHT / 2;
                // Backwards (a collector sending to one drawn before it): a wider loop.
                let bend = if x2 > x1 { (x2 - x1) / 2 } else { NODE_WIDTH };
                let curve = [
                    (x1, y1),
                    (x1 + bend, y1),
                    (x2.saturating_sub(bend), y2),
                    (x2, y2),
                ];
                let (label_x, middle_y) = on_curve(curve, 0.5);
                DrawnEdge {
                    curve,
                    lines: lines(&edge.text(), SVG_LABEL_WIDTH),
                    label_x,
                    label_top: middle_y + LABEL_GAP,
                    gap: columns[edge.from],
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..drawn.len()).collect();
        order.sort_by_key(|&i| (drawn[i].gap, drawn[i].label_top, i));
        let mut lowest: HashMap<usize, usize> = HashMap::new();
        for i in order {
            let edge = &mut drawn[i];
            if let Some(&bottom) = lowest.get(&edge.gap) {
                edge.label_top = edge.label_top.max(bottom + LABEL_GAP);
            }
            lowest.insert(edge.gap, edge.label_top + edge.lines.len() * LINE_HEIGHT);
        }
        let width = 2 * MARGIN + rows.len().max(1) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP;
        let nodes_bottom = at.iter().map(|(_, y)| y + NODE_HEIGHT).max().unwrap_or(0);
        let labels_bottom = lowest.values().copied().max().unwrap_or(0);
        let height = MARGIN + nodes_bottom.max(labels_bottom);
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"routes\" width=\"{width}\" \
             height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
             aria-label=\"Where each service's spans go\">\n\
             <defs>\n\
             <marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
             markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">\
             <path d=\"M0,0 L10,5 L0,10 z\" fill=\"#57606a\"/></marker>\n\
             <marker id=\"arrow-broken\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
             markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">\
             <path d=\"M0,0 L10,5 L0,10 z\" fill=\"{BROKEN}\"/></marker>\n\
             </defs>\n"
        );
        let class = |edge: &Edge| match edge.status {
            HopStatus::Ok => "hop",
            HopStatus::Broken => "hop broken",
            HopStatus::Unknown => "hop unknown",
        };
        for (edge, drawn) in self.edges.iter().zip(&drawn) {
            let marker = if edge.status == HopStatus::Broken {
                "arrow-broken"
            } else {
                "arrow"
            };
            let [(x1, y1), (c1x, c1y), (c2x, c2y), (x2, y2)] = drawn.curve;
            let _ = writeln!(
                out,
                "<g class=\"{}\"><title>{}</title>\
                 <path d=\"M{x1},{y1} C{c1x},{c1y} {c2x},{c2y} {x2},{y2}\" \
                 marker-end=\"url(#{marker})\"/></g>",
                class(edge),
                xml(&edge.text()),
            );
        }
        // The labels after every curve: each one's halo (the page's background) then hides
        // the curves that cross it, which would otherwise be drawn over the labels before them.
        for (edge, drawn) in self.edges.iter().zip(&drawn) {
            let x = drawn.label_x;
            // The first baseline: a line's height below the top, less the descent.
            let _ = write!(
                out,
                "<g class=\"{} label\"><text x=\"{x}\" y=\"{}\">",
                class(edge),
                drawn.label_top + LINE_HEIGHT - 3
            );
            for (n, line) in drawn.lines.iter().enumerate() {
                let dy = if n == 0 { 0 } else { LINE_HEIGHT };
                let _ = write!(out, "<tspan x=\"{x}\" dy=\"{dy}\">{}</tspan>", xml(line));
            }
            out.push_str("</text></g>\n");
        }
        for (node, (x, y)) in self.nodes.iter().zip(&at) {
            let class = match node.kind {
                NodeKind::Service => "node service",
                NodeKind::Collector => "node collector",
                NodeKind::Destination => "node destination",
            };
            let mut full = node.name.clone();
            if let Some(address) = node.address.as_ref().filter(|a| **a != node.name) {
                full.push_str(&format!(" ({address})"));
            }
            let _ = write!(
                out,
                "<g class=\"{class}\"><title>{}</title>\
                 <rect x=\"{x}\" y=\"{y}\" width=\"{NODE_WIDTH}\" height=\"{NODE_HEIGHT}\" rx=\"8\"/>",
                xml(&full)
            );
            let center = x + NODE_WIDTH / 2;
            match node.address.as_ref().filter(|a| **a != node.name) {
                Some(address) => {
                    let _ = write!(
                        out,
                        "<text x=\"{center}\" y=\"{}\">{}</text>\
                         <text class=\"address\" x=\"{center}\" y=\"{}\">{}</text>",
                        y + 20,
                        xml(&shorten(&node.name, NODE_CHARACTERS)),
                        y + 37,
                        xml(&shorten(address, NODE_CHARACTERS + 4))
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<text x=\"{center}\" y=\"{}\">{}</text>",
                        y + NODE_HEIGHT / 2 + 5,
                        xml(&shorten(&node.name, NODE_CHARACTERS))
                    );
                }
            }
            out.push_str("</g>\n");
        }
        out.push_str("</svg>\n");
        out
    }

    /// Each node's column: 0 for services, else one more than its furthest sender's (a cycle
    /// between collectors stops growing after as many rounds as there are nodes).
    fn columns(&self) -> Vec<usize> {
        let mut columns = vec![0; self.nodes.len()];
        for _ in 0..self.nodes.len() {
            let mut changed = false;
            for edge in &self.edges {
                let wanted = columns[edge.from] + 1;
                if columns[edge.to] < wanted && self.nodes[edge.to].kind != NodeKind::Service {
                    columns[edge.to] = wanted;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        columns
    }
}

/// An edge as drawn: its curve, and its label's lines and place.
struct DrawnEdge {
    curve: [(usize, usize); 4],
    lines: Vec<String>,
    label_x: usize,
    label_top: usize,
    /// The gap between columns the label stands in (its sender's column).
    gap: usize,
}

/// The SVG drawing's measures, in pixels (labels at 12px, names at 13px).
const MARGIN: usize = 12;
const NODE_WIDTH: usize = 190;
const NODE_HEIGHT: usize = 46;
const COLUMN_GAP: usize = 250;
const ROW_HEIGHT: usize = 96;
const LINE_HEIGHT: usize = 14;
/// Between a curve and its label, and between two labels.
const LABEL_GAP: usize = 4;
/// What fits in a node, and in a line of an edge's label, in characters.
const NODE_CHARACTERS: usize = 24;
const SVG_LABEL_WIDTH: usize = 36;

/// The point at `t` of a cubic Bézier curve.
fn on_curve(points: [(usize, usize); 4], t: f64) -> (usize, usize) {
    let weights = [
        (1.0 - t).powi(3),
        3.0 * (1.0 - t).powi(2) * t,
        3.0 * (1.0 - t) * t.powi(2),
        t.powi(3),
    ];
    let along = |coordinate: fn(&(usize, usize)) -> usize| {
        let sum: f64 = points
            .iter()
            .zip(weights)
            .map(|(point, weight)| coordinate(point) as f64 * weight)
            .sum();
        sum.round() as usize
    };
    (along(|p| p.0), along(|p| p.1))
}

/// Text and attribute values in SVG (XML).
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// At most `limit` characters, the end replaced by `…` (the whole text is in the title).
fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let kept: String = text.chars().take(limit - 1).collect();
    format!("{kept}…")
}

/// The width, in characters, edge labels are wrapped at: a problem's sentence would otherwise
/// stretch the drawing to the width of the page.
const LABEL_WIDTH: usize = 40;

/// `text` in lines of at most `width` characters, broken at spaces (a longer word keeps its
/// own line).
pub fn lines(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The red of broken hops (GitHub's danger colour, readable on light and dark themes).
pub const BROKEN: &str = "#cf222e";

/// Text inside a quoted Mermaid label: quotes and angle brackets as entity codes (Mermaid
/// reads `#quot;`-style codes), no line breaks.
fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace(['\n', '\r'], " ")
}

#[derive(Default)]
struct GraphBuilder {
    graph: Graph,
    nodes: HashMap<(NodeKind, String, Option<String>), usize>,
    edges: HashMap<(usize, usize, String), usize>,
}

impl GraphBuilder {
    fn node(&mut self, kind: NodeKind, name: &str, address: Option<&str>) -> usize {
        let key = (kind, name.to_string(), address.map(str::to_string));
        let nodes = &mut self.graph.nodes;
        *self.nodes.entry(key).or_insert_with(|| {
            nodes.push(Node {
                kind,
                name: name.to_string(),
                address: address.map(str::to_string),
            });
            nodes.len() - 1
        })
    }

    /// An edge from `from` to `to` for what `pending` said and the hop that receives it (none
    /// when nothing does); the same edge from several routes is drawn once, as bad as its worst.
    fn edge(&mut self, from: usize, to: usize, pending: Pending, receiving: Option<&Hop>) {
        let status = receiving.map_or(pending.status, |hop| worse(pending.status, hop.status));
        let problem = receiving.and_then(problem).or(pending.problem);
        let key = (from, to, pending.label.clone());
        if let Some(&at) = self.edges.get(&key) {
            let edge = &mut self.graph.edges[at];
            if worse(edge.status, status) != edge.status {
                edge.status = status;
                edge.problem = problem;
            }
            return;
        }
        self.edges.insert(key, self.graph.edges.len());
        self.graph.edges.push(Edge {
            from,
            to,
            label: pending.label,
            status,
            problem,
        });
    }

    fn add(&mut self, service: &str, route: &Route) {
        let mut at = self.node(NodeKind::Service, service, None);
        let mut pending: Option<Pending> = None;
        let mut pipeline: Option<&str> = None;
        for hop in &route.hops {
            match hop.kind {
                HopKind::Sdk => {
                    let label = match (&hop.endpoint, &hop.protocol) {
                        (Some(endpoint), Some(protocol)) => format!("{endpoint} ({protocol})"),
                        (Some(endpoint), None) => endpoint.clone(),
                        _ => String::new(),
                    };
                    pending = Some(Pending {
                        label,
                        status: hop.status,
                        problem: problem(hop),
                    });
                }
                HopKind::Receiver => {
                    let collector = hop.collector.as_deref().unwrap_or(&hop.name);
                    let to = self.node(NodeKind::Collector, collector, None);
                    if let Some(mut pending) = pending.take() {
                        // `otel-collector:4318 (grpc)` into the node `otel-collector`: the
                        // port and protocol say the rest.
                        if let Some(port) = pending.label.strip_prefix(&format!("{collector}:")) {
                            pending.label = format!(":{port}");
                        }
                        self.edge(at, to, pending, Some(hop));
                    }
                    at = to;
                }
                HopKind::Pipeline => pipeline = Some(&hop.name),
                HopKind::Exporter => {
                    // A pipeline's next exporter starts again from its collector.
                    if let Some(collector) = &hop.collector {
                        at = self.node(NodeKind::Collector, collector, None);
                    }
                    let label = match pipeline {
                        Some(pipeline) => format!("{pipeline}: {}", hop.name),
                        None => hop.name.clone(),
                    };
                    pending = Some(Pending {
                        label,
                        status: hop.status,
                        problem: problem(hop),
                    });
                }
                HopKind::Destination => {
                    let to = self.node(NodeKind::Destination, &hop.name, hop.endpoint.as_deref());
                    let said = pending.take().unwrap_or(Pending {
                        label: String::new(),
                        status: HopStatus::Ok,
                        problem: None,
                    });
                    self.edge(at, to, said, Some(hop));
                }
            }
        }
        // A sender whose branch stopped at the sender itself (no receiver, no destination):
        // its spans go nowhere.
        if let Some(pending) = pending.filter(|p| p.status != HopStatus::Ok) {
            let to = self.node(NodeKind::Destination, "nowhere", None);
            self.edge(at, to, pending, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Location;

    fn hop(kind: HopKind, name: &str, endpoint: Option<&str>, collector: Option<&str>) -> Hop {
        Hop {
            kind,
            name: name.into(),
            endpoint: endpoint.map(str::to_string),
            protocol: (kind == HopKind::Sdk).then(|| "grpc".to_string()),
            location: None,
            status: HopStatus::Ok,
            note: None,
            collector: collector.map(str::to_string),
        }
    }

    fn route(hops: Vec<Hop>) -> Route {
        Route {
            hops,
            ends: Vec::new(),
            entry: None,
        }
    }

    /// api → collector → Honeycomb and Jaeger (two exporters of one pipeline); worker → the
    /// same collector, whose receiver it cannot reach.
    fn two_services() -> Graph {
        let mut builder = GraphBuilder::default();
        let collector = Some("otel-collector");
        builder.add(
            "api",
            &route(vec![
                hop(HopKind::Sdk, "api", Some("otel-collector:4317"), None),
                hop(
                    HopKind::Receiver,
                    "otlp",
                    Some("otel-collector:4317"),
                    collector,
                ),
                hop(HopKind::Pipeline, "traces", None, collector),
                hop(HopKind::Exporter, "otlp/honeycomb", None, collector),
                hop(
                    HopKind::Destination,
                    "Honeycomb US",
                    Some("api.honeycomb.io:443"),
                    collector,
                ),
                hop(HopKind::Exporter, "otlp/jaeger", None, collector),
                Hop {
                    status: HopStatus::Broken,
                    note: Some("`jaeger` does not resolve".into()),
                    location: Some(Location::new(&"otel.yaml".into(), 9, 5)),
                    ..hop(
                        HopKind::Destination,
                        "Jaeger",
                        Some("jaeger:4317"),
                        collector,
                    )
                },
            ]),
        );
        builder.add(
            "worker",
            &route(vec![
                hop(HopKind::Sdk, "worker", Some("otel-collector:4318"), None),
                Hop {
                    status: HopStatus::Broken,
                    note: Some("receiver otlp listens on localhost only".into()),
                    ..hop(
                        HopKind::Receiver,
                        "otlp",
                        Some("otel-collector:4318"),
                        collector,
                    )
                },
            ]),
        );
        builder.graph
    }

    #[test]
    fn routes_merge_into_workloads_collectors_and_destinations() {
        let graph = two_services();
        let names: Vec<(&str, NodeKind)> = graph
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("api", NodeKind::Service),
                ("otel-collector", NodeKind::Collector),
                ("Honeycomb US", NodeKind::Destination),
                ("Jaeger", NodeKind::Destination),
                ("worker", NodeKind::Service),
            ]
        );
        let edges: Vec<(usize, usize, String, HopStatus)> = graph
            .edges
            .iter()
            .map(|e| (e.from, e.to, e.text(), e.status))
            .collect();
        assert_eq!(
            edges,
            [
                (0, 1, ":4317 (grpc)".into(), HopStatus::Ok),
                (1, 2, "traces: otlp/honeycomb".into(), HopStatus::Ok),
                (
                    1,
                    3,
                    "traces: otlp/jaeger ✗ `jaeger` does not resolve (otel.yaml:9:5)".into(),
                    HopStatus::Broken
                ),
                (
                    4,
                    1,
                    ":4318 (grpc) ✗ receiver otlp listens on localhost only".into(),
                    HopStatus::Broken
                ),
            ]
        );
    }

    #[test]
    fn mermaid_draws_broken_hops_in_red() {
        let mermaid = two_services().mermaid();
        assert!(
            mermaid.starts_with("```mermaid\nflowchart LR\n"),
            "{mermaid}"
        );
        assert!(
            mermaid.contains("  n1{{\"otel-collector\"}}\n"),
            "{mermaid}"
        );
        assert!(
            mermaid.contains("  n2[(\"Honeycomb US<br>api.honeycomb.io:443\")]\n"),
            "{mermaid}"
        );
        // The collector's name is on its node: the edge says the port and protocol.
        assert!(mermaid.contains("  n0 -->|\":4317 (grpc)\"| n1\n"));
        // Long labels are wrapped.
        assert!(
            mermaid.contains(
                "  n4 -->|\":4318 (grpc) ✗ receiver otlp listens on<br>localhost only\"| n1\n"
            ),
            "{mermaid}"
        );
        // Edges 2 and 3 (0-based, in the order they are written) are the broken ones.
        assert!(mermaid.contains(&format!(
            "  linkStyle 2 stroke:{BROKEN},stroke-width:2px,color:{BROKEN}\n  linkStyle 3 "
        )));
        assert!(!mermaid.contains("linkStyle 0") && !mermaid.contains("linkStyle 1"));
        assert!(mermaid.ends_with("```\n"));
    }

    #[test]
    fn svg_puts_services_collectors_and_destinations_in_columns_and_broken_hops_in_red() {
        let graph = two_services();
        assert_eq!(graph.columns(), [0, 1, 2, 2, 0]);
        let svg = graph.svg();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert_eq!(svg.matches("<g class=\"node ").count(), 5);
        assert_eq!(svg.matches("<g class=\"hop broken\">").count(), 2, "{svg}");
        assert_eq!(svg.matches("<g class=\"hop\">").count(), 2);
        // Every label after every curve, in its edge's colour: no curve is drawn over one.
        let first_label = svg.find("<g class=\"hop broken label\">").unwrap();
        assert!(svg.rfind("<path d=").unwrap() < first_label, "{svg}");
        assert_eq!(svg.matches("<g class=\"hop broken label\">").count(), 2);
        assert_eq!(svg.matches("marker-end=\"url(#arrow-broken)\"").count(), 2);
        // Text is escaped; names too long for a node are cut, whole in the title.
        assert!(svg.contains(
            "<title>traces: otlp/jaeger ✗ `jaeger` does not resolve (otel.yaml:9:5)</title>"
        ));
        assert!(svg.contains("<title>Honeycomb US (api.honeycomb.io:443)</title>"));
        assert_eq!(xml("<a href=\"x\">&"), "&lt;a href=&quot;x&quot;&gt;&amp;");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(
            on_curve([(0, 0), (10, 0), (10, 100), (20, 100)], 0.0),
            (0, 0)
        );
        assert_eq!(
            on_curve([(0, 0), (10, 0), (10, 100), (20, 100)], 0.5),
            (10, 50)
        );
    }

    #[test]
    fn a_cycle_between_collectors_ends() {
        let mut builder = GraphBuilder::default();
        let a = builder.node(NodeKind::Collector, "a", None);
        let b = builder.node(NodeKind::Collector, "b", None);
        let ok = |label: &str| Pending {
            label: label.into(),
            status: HopStatus::Ok,
            problem: None,
        };
        builder.edge(a, b, ok("a to b"), None);
        builder.edge(b, a, ok("b to a"), None);
        assert_eq!(builder.graph.columns().len(), 2);
        assert!(builder.graph.svg().ends_with("</svg>\n"));
    }

    #[test]
    fn labels_wrap_at_spaces() {
        assert_eq!(lines("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(
            lines("averyveryverylongword x", 6),
            ["averyveryverylongword", "x"]
        );
        assert!(lines("", 6).is_empty());
    }

    #[test]
    fn mermaid_labels_cannot_break_out_of_their_quotes() {
        assert_eq!(
            mermaid_text("a \"quoted\" <b>\nline"),
            "a #quot;quoted#quot; #lt;b#gt; line"
        );
    }
}
