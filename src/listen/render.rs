//! What `listen` prints: on start, the addresses and the settings to point an app at them;
//! then one group of lines per batch (human) or one JSON object per line (`--format json`, for
//! scripts); at the end, a summary. Human lines follow the checklist's look (`[✓]`, `[!]`,
//! `[✗]`, details indented under the title).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anstyle::{AnsiColor, Style as Ansi};
use serde_json::{Value, json};

use super::batch::Forwarded;
use super::batch::{Batch, ResourceSummary, Signal};
use super::{Event, Receiver, Refusal, is_every_interface};
use crate::report::{TOOL_NAME, TOOL_VERSION};

const RED: Ansi = AnsiColor::Red.on_default().bold();
const YELLOW: Ansi = AnsiColor::Yellow.on_default().bold();
const GREEN: Ansi = AnsiColor::Green.on_default().bold();
const DIM: Ansi = Ansi::new().dimmed();
const BOLD: Ansi = Ansi::new().bold();

/// Lines under a batch start here, as the checklist's details do.
const INDENT: &str = "              ";
/// The start-up instructions' indent.
const INDENT_SHORT: &str = "  ";
/// How many span names or trace ids a human line lists.
const LISTED: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Human,
    /// One JSON object per line.
    Json,
}

/// Prints events as they come and keeps the tally for the summary.
pub struct Printer<'a> {
    style: Style,
    /// Each batch's spans, trace ids, resource and headers under its line (`-v`).
    detailed: bool,
    out: &'a mut dyn Write,
    tally: Tally,
    /// Remarks already printed under a batch: later batches count them instead of repeating.
    remarked: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct Tally {
    batches: usize,
    items: BTreeMap<&'static str, usize>,
    /// service.name → (batches, spans)
    services: BTreeMap<String, (usize, usize)>,
    refused: usize,
    /// Batches Honeycomb would refuse as they are, and those it would take with a problem.
    refused_by_honeycomb: usize,
    flagged: usize,
    /// What Honeycomb would do, each different remark once, with how many batches had it.
    problems: BTreeMap<String, usize>,
    forward_accepted: usize,
    forward_refused: usize,
    forward_failed: usize,
    forward_not_sent: usize,
}

impl<'a> Printer<'a> {
    pub fn new(style: Style, detailed: bool, out: &'a mut dyn Write) -> Self {
        Printer {
            style,
            detailed,
            out,
            tally: Tally::default(),
            remarked: BTreeSet::new(),
        }
    }

    pub fn listening(&mut self, receiver: &Receiver) -> std::io::Result<()> {
        let text = match self.style {
            Style::Json => json_line(json!({
                "event": "listening",
                "http": receiver.http.to_string(),
                "grpc": receiver.grpc.to_string(),
                "forward": receiver.forward.as_ref().map(|u| u.base()),
                "endpoints": {
                    "http/protobuf": endpoint(receiver.http),
                    "grpc": endpoint(receiver.grpc),
                },
            })),
            Style::Human => instructions(receiver),
        };
        self.write(&text)
    }

    pub fn event(&mut self, event: &Event) -> std::io::Result<()> {
        let text = match event {
            Event::Batch(batch) => {
                self.tally.count(batch);
                match self.style {
                    Style::Json => json_line(batch_json(batch, self.tally.batches)),
                    Style::Human => batch_lines(batch, self.detailed, &mut self.remarked),
                }
            }
            Event::Refused(refusal) => {
                self.tally.refused += 1;
                match self.style {
                    Style::Json => json_line(refusal_json(refusal)),
                    Style::Human => refusal_lines(refusal),
                }
            }
        };
        self.write(&text)
    }

    pub fn summary(&mut self, elapsed: Duration) -> std::io::Result<()> {
        let text = match self.style {
            Style::Json => json_line(self.tally.json(elapsed)),
            Style::Human => self.tally.lines(elapsed),
        };
        self.write(&text)
    }

    fn write(&mut self, text: &str) -> std::io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    /// What the run saw, for the exit code.
    pub fn verdict(&self) -> Verdict {
        Verdict {
            nothing: self.tally.batches == 0 && self.tally.refused == 0,
            all_refused: self.tally.batches > 0
                && self.tally.refused_by_honeycomb == self.tally.batches,
            any_flagged: self.tally.flagged > 0 || self.tally.refused > 0,
        }
    }
}

/// What a `listen` run received, as its exit code reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// No request at all.
    pub nothing: bool,
    /// Every batch would be refused by Honeycomb as it is.
    pub all_refused: bool,
    /// A batch Honeycomb would refuse or misfile, or a request this receiver refused.
    pub any_flagged: bool,
}

fn json_line(value: Value) -> String {
    format!("{value}\n")
}

/// The URL an app on this machine uses for an address (an unspecified address is reached on
/// loopback).
fn endpoint(address: SocketAddr) -> String {
    let host = match address.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
        ip if ip.is_unspecified() => "[::1]".to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    format!("http://{host}:{}", address.port())
}

fn instructions(receiver: &Receiver) -> String {
    let (http, grpc) = (receiver.http, receiver.grpc);
    let mut out = format!(
        "{BOLD}{TOOL_NAME} {TOOL_VERSION}{BOLD:#} · listening for OTLP · Ctrl-C to stop\n\n\
         {INDENT_SHORT}OTLP/HTTP  {http}   protobuf or JSON, plain or gzip\n\
         {INDENT_SHORT}OTLP/gRPC  {grpc}\n",
    );
    if let Some(upstream) = &receiver.forward {
        out.push_str(&format!(
            "{INDENT_SHORT}forward    {}   every request relayed unchanged; its answer is shown per batch\n",
            upstream.base()
        ));
    }
    out.push_str(&format!(
        "\nPoint an app on this machine at it:\n\
         {INDENT_SHORT}OTEL_EXPORTER_OTLP_ENDPOINT={} OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n\
         {INDENT_SHORT}OTEL_EXPORTER_OTLP_ENDPOINT={} OTEL_EXPORTER_OTLP_PROTOCOL=grpc\n",
        endpoint(http),
        endpoint(grpc)
    ));
    out.push_str(&format!(
        "\nFrom a docker compose service:\n\
         {INDENT_SHORT}  environment:\n\
         {INDENT_SHORT}    OTEL_EXPORTER_OTLP_ENDPOINT: http://host.docker.internal:{}\n\
         {INDENT_SHORT}    OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n\
         {INDENT_SHORT}  extra_hosts:\n\
         {INDENT_SHORT}    - \"host.docker.internal:host-gateway\"   # Linux; Docker Desktop has it already\n",
        http.port()
    ));
    if !is_every_interface(&http) {
        out.push_str(&format!(
            "{INDENT_SHORT}{DIM}On Linux a container reaches the host through the docker bridge, not {}: start with --bind 0.0.0.0 for that.{DIM:#}\n",
            http.ip()
        ));
    }
    out.push('\n');
    out
}

fn marker(batch: &Batch) -> String {
    match &batch.forward {
        Some(forwarded) if !forwarded.succeeded() => format!("[{RED}✗{RED:#}]"),
        _ if !batch.honeycomb.is_empty() || !batch.notes.is_empty() => {
            format!("[{YELLOW}!{YELLOW:#}]")
        }
        _ => format!("[{GREEN}✓{GREEN:#}]"),
    }
}

/// `1 span`, `2 spans`, `3 batches`.
fn count(n: usize, word: &str) -> String {
    match n {
        1 => format!("1 {word}"),
        _ if word.ends_with("ch") => format!("{n} {word}es"),
        _ => format!("{n} {word}s"),
    }
}

fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

fn service_label(resource: &ResourceSummary) -> String {
    resource
        .service_name
        .clone()
        .unwrap_or_else(|| "(no service.name)".into())
}

/// `a, b, c +2 more`
fn listing(items: &[String], total: usize) -> String {
    let shown: Vec<&str> = items.iter().take(LISTED).map(String::as_str).collect();
    let more = total.saturating_sub(shown.len());
    if more > 0 {
        format!("{} +{more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// One line per batch; under it, each remark the first time it is made (later batches count
/// it on their line) and, when `detailed`, what the batch holds.
fn batch_lines(batch: &Batch, detailed: bool, remarked: &mut BTreeSet<String>) -> String {
    let arrival = &batch.arrival;
    let services: Vec<String> = batch
        .resources
        .iter()
        .map(|r| {
            format!(
                "{} ({})",
                service_label(r),
                count(r.items, batch.signal.item())
            )
        })
        .collect();
    let who = if services.is_empty() {
        "nothing".to_string()
    } else {
        services.join(", ")
    };
    let how = [
        Some(arrival.transport.as_str().to_string()),
        arrival.compression.clone(),
        Some(size(arrival.bytes)),
        arrival.peer.map(|p| format!("from {}", p.ip())),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let remarks: Vec<String> = batch
        .honeycomb
        .iter()
        .map(|problem| format!("Honeycomb: {problem}"))
        .chain(batch.notes.iter().cloned())
        .collect();
    let (new, repeated): (Vec<String>, Vec<String>) = remarks
        .into_iter()
        .partition(|remark| remarked.insert(remark.clone()));
    let repeated = match repeated.len() {
        0 => String::new(),
        1 => " · 1 remark as above".to_string(),
        n => format!(" · {n} remarks as above"),
    };
    let forward = match (&batch.forward, detailed) {
        (Some(forwarded), false) => format!("  {}", forward_line(forwarded)),
        _ => String::new(),
    };
    let mut out = format!(
        "{} {:<9} {who}  {DIM}{how} · +{:.1} s{repeated}{DIM:#}{forward}\n",
        marker(batch),
        batch.signal.as_str(),
        arrival.at.as_secs_f64()
    );
    for remark in &new {
        out.push_str(&format!("{INDENT}{YELLOW}!{YELLOW:#} {remark}\n"));
    }
    if detailed {
        out.push_str(&details(batch));
    }
    out
}

/// What a batch holds: each resource's span names, trace ids and attributes, the headers and
/// the relay's answer.
fn details(batch: &Batch) -> String {
    let mut out = String::new();
    let several = batch.resources.len() > 1;
    for resource in &batch.resources {
        if several {
            out.push_str(&format!(
                "{INDENT}{BOLD}{}{BOLD:#}\n",
                service_label(resource)
            ));
        }
        let names_label = match batch.signal {
            Signal::Traces => "spans",
            Signal::Metrics => "metrics",
            Signal::Logs => "",
        };
        if !resource.names.is_empty() {
            out.push_str(&format!(
                "{INDENT}{DIM}{names_label:<9}{DIM:#} {}\n",
                listing(&resource.names, resource.distinct_names)
            ));
        }
        if !resource.trace_ids.is_empty() {
            out.push_str(&format!(
                "{INDENT}{DIM}trace ids{DIM:#} {}\n",
                listing(&resource.trace_ids, resource.distinct_traces)
            ));
        }
        if !resource.attributes.is_empty() {
            let attributes: Vec<String> = resource
                .attributes
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            out.push_str(&format!(
                "{INDENT}{DIM}resource {DIM:#} {}\n",
                attributes.join(", ")
            ));
        }
    }
    if !batch.headers.is_empty() {
        let headers: Vec<String> = batch
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        out.push_str(&format!(
            "{INDENT}{DIM}headers  {DIM:#} {}\n",
            headers.join(", ")
        ));
    }
    if let Some(forwarded) = &batch.forward {
        out.push_str(&format!("{INDENT}{}\n", forward_line(forwarded)));
    }
    out
}

fn forward_line(forwarded: &Forwarded) -> String {
    match forwarded {
        Forwarded::Answered {
            url,
            status,
            message,
        } => {
            let style = if forwarded.succeeded() { GREEN } else { RED };
            let message = message
                .as_ref()
                .map(|m| format!(" \"{m}\""))
                .unwrap_or_default();
            format!("→ {url}  {style}HTTP {status}{style:#}{message}")
        }
        Forwarded::Failed { url, error } => format!("→ {url}  {RED}failed{RED:#}: {error}"),
        Forwarded::NotSent { reason } => format!("→ {RED}not relayed{RED:#}: {reason}"),
    }
}

fn refusal_lines(refusal: &Refusal) -> String {
    format!(
        "[{RED}✗{RED:#}] {:<9} {} → {}  {DIM}{}+{:.1} s{DIM:#}\n{INDENT}{}\n",
        "refused",
        refusal.request,
        refusal.status,
        refusal
            .peer
            .map(|p| format!("from {} · ", p.ip()))
            .unwrap_or_default(),
        refusal.at.as_secs_f64(),
        refusal.reason
    )
}

fn resource_json(resource: &ResourceSummary) -> Value {
    json!({
        "service_name": resource.service_name,
        "items": resource.items,
        "canary_spans": resource.canary_spans,
        "names": resource.names,
        "distinct_names": resource.distinct_names,
        "trace_ids": resource.trace_ids,
        "distinct_traces": resource.distinct_traces,
        "attributes": resource.attributes.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect::<serde_json::Map<String, Value>>(),
    })
}

fn forward_json(forwarded: &Forwarded) -> Value {
    match forwarded {
        Forwarded::Answered {
            url,
            status,
            message,
        } => json!({"url": url, "status": status, "message": message}),
        Forwarded::Failed { url, error } => json!({"url": url, "error": error}),
        Forwarded::NotSent { reason } => json!({"not_sent": reason}),
    }
}

fn batch_json(batch: &Batch, seq: usize) -> Value {
    let arrival = &batch.arrival;
    json!({
        "event": "batch",
        "seq": seq,
        "at_ms": arrival.at.as_millis() as u64,
        "signal": batch.signal.as_str(),
        "transport": arrival.transport.as_str(),
        "listener": arrival.listener.as_str(),
        "compression": arrival.compression,
        "bytes": arrival.bytes,
        "peer": arrival.peer.map(|p| p.to_string()),
        "items": batch.items(),
        "resources": batch.resources.iter().map(resource_json).collect::<Vec<_>>(),
        "headers": batch.headers.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect::<serde_json::Map<String, Value>>(),
        "honeycomb": batch.honeycomb,
        "notes": batch.notes,
        "forward": batch.forward.as_ref().map(forward_json),
    })
}

fn refusal_json(refusal: &Refusal) -> Value {
    json!({
        "event": "refused",
        "at_ms": refusal.at.as_millis() as u64,
        "listener": refusal.listener.as_str(),
        "peer": refusal.peer.map(|p| p.to_string()),
        "request": refusal.request,
        "status": refusal.status,
        "reason": refusal.reason,
    })
}

impl Tally {
    fn count(&mut self, batch: &Batch) {
        self.batches += 1;
        if batch.refused_by_honeycomb() {
            self.refused_by_honeycomb += 1;
        }
        if !batch.honeycomb.is_empty() {
            self.flagged += 1;
        }
        for problem in &batch.honeycomb {
            *self.problems.entry(problem.clone()).or_default() += 1;
        }
        *self.items.entry(batch.signal.as_str()).or_default() += batch.items();
        if batch.signal == Signal::Traces {
            for resource in &batch.resources {
                let entry = self.services.entry(service_label(resource)).or_default();
                entry.0 += 1;
                entry.1 += resource.items;
            }
        }
        match &batch.forward {
            None => {}
            Some(f) if f.succeeded() => self.forward_accepted += 1,
            Some(Forwarded::Answered { .. }) => self.forward_refused += 1,
            Some(Forwarded::Failed { .. }) => self.forward_failed += 1,
            Some(Forwarded::NotSent { .. }) => self.forward_not_sent += 1,
        }
    }

    fn item_count(&self, signal: Signal) -> usize {
        self.items.get(signal.as_str()).copied().unwrap_or(0)
    }

    fn forwarded(&self) -> usize {
        self.forward_accepted + self.forward_refused + self.forward_failed + self.forward_not_sent
    }

    fn json(&self, elapsed: Duration) -> Value {
        json!({
            "event": "summary",
            "duration_ms": elapsed.as_millis() as u64,
            "batches": self.batches,
            "spans": self.item_count(Signal::Traces),
            "metrics": self.item_count(Signal::Metrics),
            "log_records": self.item_count(Signal::Logs),
            "refused": self.refused,
            "services": self.services.iter().map(|(name, (batches, spans))| json!({"name": name, "batches": batches, "spans": spans})).collect::<Vec<_>>(),
            "forward": (self.forwarded() > 0).then(|| json!({
                "accepted": self.forward_accepted,
                "refused": self.forward_refused,
                "failed": self.forward_failed,
                "not_sent": self.forward_not_sent,
            })),
        })
    }

    fn lines(&self, elapsed: Duration) -> String {
        let seconds = format!("{:.1} s", elapsed.as_secs_f64());
        let spans = self.item_count(Signal::Traces);
        let mut parts = Vec::new();
        if !self.services.is_empty() {
            let services: Vec<String> = self
                .services
                .iter()
                .map(|(name, (_, spans))| format!("{name} ({spans})"))
                .collect();
            parts.push(format!(
                "{} from {}",
                count(spans, "span"),
                services.join(", ")
            ));
        }
        for signal in [Signal::Metrics, Signal::Logs] {
            let n = self.item_count(signal);
            if n > 0 {
                parts.push(count(n, signal.item()));
            }
        }
        if self.refused > 0 {
            parts.push(format!("{} refused", count(self.refused, "request")));
        }
        let mut out = String::from("\n");
        if self.batches == 0 && self.refused == 0 {
            out.push_str(&format!(
                "{DIM}-{DIM:#} nothing received in {seconds}: is the app running, pointed at the addresses above, and serving requests?\n"
            ));
        } else {
            // Green only when Honeycomb would take every batch as it is.
            let symbol = if self.batches > 0 && self.refused_by_honeycomb == self.batches {
                format!("{RED}✗{RED:#}")
            } else if spans > 0 && self.flagged == 0 && self.refused == 0 {
                format!("{GREEN}✓{GREEN:#}")
            } else {
                format!("{YELLOW}!{YELLOW:#}")
            };
            out.push_str(&format!(
                "{symbol} {} in {seconds}: {}\n",
                count(self.batches, "batch"),
                parts.join("; ")
            ));
            if self.refused_by_honeycomb > 0 {
                let how_many = if self.refused_by_honeycomb == self.batches {
                    "every batch".to_string()
                } else {
                    format!(
                        "{} of {}",
                        self.refused_by_honeycomb,
                        count(self.batches, "batch")
                    )
                };
                out.push_str(&format!("  Honeycomb would refuse {how_many} as sent:\n"));
            } else if self.flagged > 0 {
                out.push_str("  what Honeycomb would do with them:\n");
            }
            // Each remark once, with how many batches had it.
            for (problem, times) in &self.problems {
                out.push_str(&format!("    {times}× {problem}\n"));
            }
        }
        if self.forwarded() > 0 {
            out.push_str(&format!(
                "  forwarded: {} accepted, {} refused, {} failed, {} not relayed\n",
                self.forward_accepted,
                self.forward_refused,
                self.forward_failed,
                self.forward_not_sent
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_recaps_what_honeycomb_would_do_each_remark_once() {
        let mut tally = Tally {
            batches: 6,
            refused_by_honeycomb: 6,
            flagged: 6,
            ..Tally::default()
        };
        tally.items.insert(Signal::Traces.as_str(), 6);
        tally.problems.insert(
            "no x-honeycomb-team header: Honeycomb answers 401".into(),
            6,
        );
        let text = anstream::adapter::strip_str(&tally.lines(Duration::from_secs(2))).to_string();
        assert!(text.contains("✗ 6 batches in 2.0 s"), "{text}");
        assert!(
            text.contains(
                "Honeycomb would refuse every batch as sent:\n    6× no x-honeycomb-team header"
            ),
            "{text}"
        );
        tally.refused_by_honeycomb = 0;
        tally.flagged = 0;
        tally.problems.clear();
        let text = anstream::adapter::strip_str(&tally.lines(Duration::from_secs(2))).to_string();
        assert!(
            text.contains("✓ 6 batches"),
            "Honeycomb takes them all: {text}"
        );
    }

    #[test]
    fn counts_read_as_english() {
        assert_eq!(count(1, "batch"), "1 batch");
        assert_eq!(count(3, "batch"), "3 batches");
        assert_eq!(count(0, "span"), "0 spans");
        assert_eq!(count(2, "log record"), "2 log records");
    }

    #[test]
    fn endpoints_reach_unspecified_addresses_on_loopback() {
        assert_eq!(
            endpoint("0.0.0.0:4318".parse().unwrap()),
            "http://127.0.0.1:4318"
        );
        assert_eq!(endpoint("[::]:4317".parse().unwrap()), "http://[::1]:4317");
        assert_eq!(endpoint("[::1]:4317".parse().unwrap()), "http://[::1]:4317");
        assert_eq!(
            endpoint("127.0.0.1:9".parse().unwrap()),
            "http://127.0.0.1:9"
        );
    }
}
