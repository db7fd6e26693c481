//! The key check: its shape first (offline), then Honeycomb's `GET /1/auth`, which tells the
//! key's team, environment and permissions. A key is known only in its own region, so a 401
//! from the configured region is tried on the other one before it is called rejected.

use std::time::Duration;

use serde_json::Value;

use super::answer::error_reason;
use super::classify::Failure;
use super::target::{Key, Refusal, Target};
use super::trust::KeyPolicy;
use super::{Raised, network_finding};
use crate::knowledge::honeycomb::{self, Region};
use crate::rules::honeycomb::{
    KeyCannotCreateDatasets, KeyCannotSend, KeyCheckFailed, KeyRejected, KeyWrongRegion,
};

/// Where `/1/auth` lives. Tests point it at their own server with
/// `OTEL_DOCTOR_HONEYCOMB_API_URL` (and `OTEL_DOCTOR_HONEYCOMB_API_URL_EU` for the other
/// region); otherwise it is Honeycomb's, and only asked when the service sends to Honeycomb.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUrls {
    us: String,
    eu: Option<String>,
    overridden: bool,
}

impl ApiUrls {
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Self {
        match lookup("OTEL_DOCTOR_HONEYCOMB_API_URL") {
            Some(us) => ApiUrls {
                us,
                eu: lookup("OTEL_DOCTOR_HONEYCOMB_API_URL_EU"),
                overridden: true,
            },
            None => ApiUrls {
                us: Region::Us.api_base().into(),
                eu: Some(Region::Eu.api_base().into()),
                overridden: false,
            },
        }
    }

    fn base(&self, region: Region) -> Option<&str> {
        match region {
            Region::Us => Some(&self.us),
            Region::Eu => self.eu.as_deref(),
        }
    }
}

/// Who the key belongs to, for the step's summary and the canary's trace link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub team: String,
    pub environment: String,
    pub region: Region,
}

#[derive(Debug, Clone, Default)]
pub struct KeyOutcome {
    /// `None` when the check was skipped, with the reason in `summary`.
    pub checked: bool,
    pub summary: String,
    pub raised: Vec<Raised>,
    pub identity: Option<Identity>,
}

pub fn check(
    key: &Key,
    target: &Target,
    urls: &ApiUrls,
    policy: &KeyPolicy,
    timeout: Duration,
) -> KeyOutcome {
    let skip = |summary: String| KeyOutcome {
        summary,
        ..KeyOutcome::default()
    };
    // A collector's key is judged by the collector/ rules, a service's by honeycomb/.
    let area = if target.via.is_some() {
        ("collector/key-variable-missing", "collector/key-invalid")
    } else {
        ("honeycomb/key-unset", "honeycomb/key-invalid")
    };
    if key.value.trim().is_empty() {
        return skip(format!("skipped: the key is empty (see {})", area.0));
    }
    match honeycomb::classify_key(&key.value) {
        Some(kind) if kind.can_send() && honeycomb::key_slip(&key.value).is_none() => {}
        _ => {
            return skip(format!(
                "skipped: not shaped like a Honeycomb key (see {})",
                area.1
            ));
        }
    }
    let region = match (target.region(), urls.overridden) {
        (Some(region), _) => region,
        (None, true) => Region::Us,
        (None, false) => {
            return skip(format!(
                "skipped: the key goes to {}, not to Honeycomb; it is checked where it is used",
                target.host().unwrap_or_default()
            ));
        }
    };
    let Some(base) = urls.base(region) else {
        return skip("skipped: no API URL for the region".into());
    };
    // `/1/auth` only ever goes to Honeycomb's API (a test's stand-in for it is judged as it).
    if let Err(refusal) = allowed(policy, region) {
        return skip(format!(
            "skipped: the key may not go to {}: {refusal}",
            region.api_base()
        ));
    }
    let mut outcome = KeyOutcome {
        checked: true,
        ..KeyOutcome::default()
    };
    let location = key.location.clone();
    match auth(base, &key.value, timeout) {
        Err(failure) => {
            outcome.summary = format!("GET {base}/1/auth failed");
            outcome.raised.push(network_finding(
                &failure,
                &format!("{base}/1/auth"),
                timeout,
                location,
            ));
        }
        Ok(Answer { cut: true, .. }) => {
            outcome.summary = "not verified: the answer is not Honeycomb's".into();
            outcome.raised.push(Raised::new(
                &KeyCheckFailed::META,
                format!(
                    "GET {base}/1/auth answered with more than {} KiB, which no answer of Honeycomb's is: the key could not be verified.",
                    super::http::ANSWER_LIMIT / 1024
                ),
                "check that the key goes to Honeycomb's API (https://api.honeycomb.io or https://api.eu1.honeycomb.io) and not through a proxy that answers in its place".into(),
                location,
            ));
        }
        Ok(Answer {
            status: 200, body, ..
        }) => describe_access(&body, region, &mut outcome, location),
        Ok(Answer {
            status: 401,
            content_type,
            body,
            ..
        }) => {
            let other = region.other();
            let allowed_elsewhere = allowed(policy, other).is_ok();
            let accepted_elsewhere =
                urls.base(other)
                    .filter(|_| allowed_elsewhere)
                    .is_some_and(|other_base| {
                        matches!(
                            auth(other_base, &key.value, timeout),
                            Ok(Answer {
                                status: 200,
                                cut: false,
                                ..
                            })
                        )
                    });
            if accepted_elsewhere {
                outcome.summary = format!("{} key, refused by {}", other.name(), region.name());
                outcome.raised.push(Raised::new(
                    &KeyWrongRegion::META,
                    format!(
                        "the key {} belongs to Honeycomb {}: {} answers 401 \"unknown API key\" to every export.",
                        honeycomb::mask(&key.value),
                        other.name(),
                        region.name()
                    ),
                    match &target.via {
                        Some(collector) => format!(
                            "send to the key's region: in `{collector}`'s exporter, endpoint: {}:443",
                            other.api_base().trim_start_matches("https://")
                        ),
                        None => format!("set OTEL_EXPORTER_OTLP_ENDPOINT={}", other.api_base()),
                    },
                    location,
                ));
            } else {
                let reason = error_reason(content_type.as_deref(), &body)
                    .unwrap_or_else(|| "unknown API key".into());
                outcome.summary = format!("refused by Honeycomb {}", region.name());
                outcome.raised.push(Raised::new(
                    &KeyRejected::META,
                    format!("Honeycomb refuses the key {}: HTTP 401 \"{reason}\".", honeycomb::mask(&key.value)),
                    "create a new ingest key in Honeycomb (Environment settings → API Keys) and set it where this one is set".into(),
                    location,
                ));
            }
        }
        Ok(Answer {
            status,
            content_type,
            body,
            ..
        }) => {
            let reason = error_reason(content_type.as_deref(), &body)
                .map(|r| format!(" \"{r}\""))
                .unwrap_or_default();
            outcome.summary = format!("not verified: HTTP {status}");
            outcome.raised.push(Raised::new(
                &KeyCheckFailed::META,
                format!("GET {base}/1/auth answered HTTP {status}{reason}: the key could not be verified."),
                "run the check again in a minute; the canary says whether data gets through".into(),
                location,
            ));
        }
    }
    outcome
}

/// Whether the key may go to a region's API host.
fn allowed(policy: &KeyPolicy, region: Region) -> Result<(), Refusal> {
    let url = url::Url::parse(region.api_base()).map_err(|_| Refusal::NotTrusted)?;
    policy.check(&url, false)
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
    /// Longer than any answer of Honeycomb's: not read to its end, and not taken as one.
    cut: bool,
}

fn auth(base: &str, key: &str, timeout: Duration) -> Result<Answer, Failure> {
    let client = super::http::client(timeout)?;
    let url = format!("{}/1/auth", base.trim_end_matches('/'));
    let response = client
        .get(&url)
        .header("X-Honeycomb-Team", key)
        .send()
        .map_err(|e| super::http::blame_proxy(super::classify::classify(&e), &url))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = super::http::read_body(response).map_err(|e| super::classify::classify(&e))?;
    Ok(Answer {
        status,
        content_type,
        body: body.bytes,
        cut: body.cut,
    })
}

/// Reads `/1/auth`'s answer: who the key belongs to and what it may do.
fn describe_access(
    body: &[u8],
    region: Region,
    outcome: &mut KeyOutcome,
    location: Option<crate::source::Location>,
) {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = |path: [&str; 2]| {
        value
            .get(path[0])
            .and_then(|v| v.get(path[1]))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let access = value.get("api_key_access");
    let allowed = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| access.and_then(|a| a.get(*name)).and_then(Value::as_bool))
    };
    let events = allowed(&["events"]);
    let create_datasets = allowed(&["createDatasets", "create_datasets"]);
    let team = text(["team", "slug"]);
    let environment = text(["environment", "slug"]);
    let team_name = text(["team", "name"]);
    let environment_name = text(["environment", "name"]);
    let who = match (team_name.is_empty(), environment_name.is_empty()) {
        (false, false) => format!(
            "team {team_name}, environment {environment_name} ({})",
            region.name()
        ),
        (false, true) => format!("team {team_name}, classic ({})", region.name()),
        _ => format!("accepted ({})", region.name()),
    };
    let permissions = match (events, create_datasets) {
        (Some(false), _) => "cannot send events".to_string(),
        (_, Some(false)) => "can send events, cannot create datasets".to_string(),
        (Some(true), Some(true)) => "can send events and create datasets".to_string(),
        _ => "permissions not listed".to_string(),
    };
    outcome.summary = format!("{who}: {permissions}");
    if !team.is_empty() {
        outcome.identity = Some(Identity {
            team,
            environment,
            region,
        });
    }
    if events == Some(false) {
        outcome.raised.push(Raised::new(
            &KeyCannotSend::META,
            "Honeycomb accepts the key, but it may not send events: every export is refused."
                .into(),
            "use an ingest key, or allow \"Send Events\" on this key in Honeycomb".into(),
            location.clone(),
        ));
    }
    if create_datasets == Some(false) && events != Some(false) {
        outcome.raised.push(Raised::new(
            &KeyCannotCreateDatasets::META,
            "the key may not create datasets: if a service's dataset does not exist yet (a new or renamed service.name), its spans are dropped.".into(),
            "allow \"Create Datasets\" on the key, or create the datasets in Honeycomb first".into(),
            location,
        ));
    }
}
