//! What stops a collector exporter's data at Honeycomb's door: the endpoint's port, scheme and
//! path, the `x-honeycomb-team` header, the key it carries, the dataset a classic key needs,
//! and TLS. Routes mark the hop broken with these; the `collector/` rules report them.

use super::expand::{EnvRef, RefState};
use super::model::{Exporter, ExporterHeader};
use crate::knowledge::collector::ExporterKind;
use crate::knowledge::honeycomb::{self, DATASET_HEADER, Region};
use crate::source::Location;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoneycombProblem {
    /// Honeycomb listens on 443 only.
    WrongPort { port: u16, location: Location },
    /// OTLP/HTTP without `https://`.
    WrongScheme {
        scheme: Option<String>,
        location: Location,
    },
    /// OTLP/HTTP `endpoint` that already ends in `/v1/traces` (the exporter appends it again),
    /// or a `traces_endpoint` without it.
    WrongPath { doubled: bool, location: Location },
    /// No `x-honeycomb-team` header (and no `auth` extension to add one).
    KeyHeaderMissing { location: Location },
    /// The key comes from a variable the container does not receive, receives empty, or that
    /// the collector does not expand.
    KeyVariable {
        header: ExporterHeader,
        reference: EnvRef,
    },
    /// Set, but not a usable Honeycomb key.
    KeyInvalid {
        header: ExporterHeader,
        reason: String,
    },
    /// A classic key without `x-honeycomb-dataset`.
    ClassicKeyWithoutDataset { header: ExporterHeader },
    /// `tls.insecure: true`: plaintext to a TLS-only endpoint.
    Insecure { location: Location },
}

impl HoneycombProblem {
    /// A few words for the route line.
    pub fn note(&self) -> String {
        match self {
            HoneycombProblem::WrongPort { port, .. } => {
                format!("Honeycomb listens on 443, not {port}")
            }
            HoneycombProblem::WrongScheme { .. } => "Honeycomb needs https://".into(),
            HoneycombProblem::WrongPath { doubled: true, .. } => {
                "the endpoint ends in /v1/traces and gets it twice".into()
            }
            HoneycombProblem::WrongPath { .. } => "traces_endpoint lacks /v1/traces".into(),
            HoneycombProblem::KeyHeaderMissing { .. } => "no x-honeycomb-team header".into(),
            HoneycombProblem::KeyVariable { reference, .. } => match reference.state {
                RefState::Kept => format!("{} is sent as written", reference.text),
                RefState::Refused => format!("{} stops the collector", reference.text),
                _ => format!("{} is empty in the collector", reference.name),
            },
            HoneycombProblem::KeyInvalid { .. } => "the key is not a Honeycomb key".into(),
            HoneycombProblem::ClassicKeyWithoutDataset { .. } => {
                "a classic key without x-honeycomb-dataset".into()
            }
            HoneycombProblem::Insecure { .. } => "tls.insecure: true to a TLS-only endpoint".into(),
        }
    }

    pub fn location(&self) -> &Location {
        match self {
            HoneycombProblem::WrongPort { location, .. }
            | HoneycombProblem::WrongScheme { location, .. }
            | HoneycombProblem::WrongPath { location, .. }
            | HoneycombProblem::KeyHeaderMissing { location }
            | HoneycombProblem::Insecure { location } => location,
            HoneycombProblem::KeyVariable { header, .. }
            | HoneycombProblem::KeyInvalid { header, .. }
            | HoneycombProblem::ClassicKeyWithoutDataset { header } => &header.location,
        }
    }
}

/// The Honeycomb region an exporter sends to, if it sends to Honeycomb.
pub fn region(exporter: &Exporter) -> Option<Region> {
    let (host, _) = exporter.host_port()?;
    honeycomb::region_of_host(&host)
}

/// Everything that keeps an exporter to Honeycomb from delivering, in the order a user meets
/// them (the endpoint first, then the key).
pub fn problems(exporter: &Exporter) -> Vec<HoneycombProblem> {
    let mut problems = Vec::new();
    let Some((endpoint, location)) = &exporter.endpoint else {
        return problems;
    };
    let text = endpoint.value.trim();
    let (_, port) = exporter.host_port().unwrap_or_default();
    if let Some(port) = port.filter(|p| *p != 443) {
        problems.push(HoneycombProblem::WrongPort {
            port,
            location: location.clone(),
        });
    }
    if exporter.kind == Some(ExporterKind::OtlpHttp) {
        let scheme = text
            .split_once("://")
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        if scheme.as_deref() != Some("https") {
            problems.push(HoneycombProblem::WrongScheme {
                scheme,
                location: location.clone(),
            });
        }
        let path_has_traces = text.trim_end_matches('/').ends_with("/v1/traces");
        if path_has_traces != exporter.signal_specific {
            problems.push(HoneycombProblem::WrongPath {
                doubled: path_has_traces,
                location: location.clone(),
            });
        }
    }
    if let Some(insecure) = &exporter.insecure {
        problems.push(HoneycombProblem::Insecure {
            location: insecure.clone(),
        });
    }
    let Some(key) = exporter.honeycomb_key() else {
        if !exporter.has_auth {
            problems.push(HoneycombProblem::KeyHeaderMissing {
                location: exporter.headers_location.clone(),
            });
        }
        return problems;
    };
    if !key.value.is_known() && !key.value.refs.iter().any(|r| r.state == RefState::Refused) {
        return problems;
    }
    let unusable = key.value.refs.iter().find(|r| match r.state {
        RefState::Unset | RefState::Kept | RefState::Refused => true,
        RefState::Set { empty, .. } => empty,
        RefState::Defaulted | RefState::OtherProvider => false,
    });
    if let Some(reference) =
        unusable.filter(|_| key.value.value.trim().is_empty() || key.value.value.contains('$'))
    {
        problems.push(HoneycombProblem::KeyVariable {
            header: key.clone(),
            reference: reference.clone(),
        });
        return problems;
    }
    let value = &key.value.value;
    if value.trim().is_empty() {
        problems.push(HoneycombProblem::KeyInvalid {
            header: key.clone(),
            reason: "empty".into(),
        });
        return problems;
    }
    match honeycomb::classify_key(value) {
        Some(kind) if kind.is_classic() && exporter.header(DATASET_HEADER).is_none() => {
            problems.push(HoneycombProblem::ClassicKeyWithoutDataset {
                header: key.clone(),
            });
        }
        Some(kind) if !kind.can_send() => problems.push(HoneycombProblem::KeyInvalid {
            header: key.clone(),
            reason: format!("a {}, which cannot send data", kind.describe()),
        }),
        Some(_) => {}
        None => problems.push(HoneycombProblem::KeyInvalid {
            header: key.clone(),
            reason: honeycomb::key_slip(value)
                .unwrap_or("not shaped like any Honeycomb key")
                .to_string(),
        }),
    }
    problems
}
