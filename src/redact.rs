//! Secrets never leave the process unmasked: reports end up as CI artifacts. Rules mask the keys
//! they quote and the environment listing masks secret values at the source; this is the last
//! line of defence: every byte of output passes through a `Redactor` that knows every secret
//! the run has seen (keys, values of secret-named variables, URL passwords, token-shaped
//! values) and masks every well-known token shape wherever it appears.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex_lite::Regex;

use crate::knowledge::{honeycomb, otel, secrets};
use crate::resolve::Project;

/// Learned secrets shorter than this are not replaced in free text: `DEBUG_TOKEN=true` would
/// otherwise mask every "true" of the report. The environment listing masks them at the source.
const MIN_SECRET_LEN: usize = 8;

/// What a masked secret becomes (Honeycomb keys keep a recognisable head and tail instead).
pub const MASK: &str = "****";

static TOKEN_SHAPES: LazyLock<Vec<(&'static secrets::TokenShape, Regex)>> = LazyLock::new(|| {
    secrets::TOKEN_SHAPES
        .iter()
        .filter_map(|shape| Some((shape, Regex::new(shape.pattern).ok()?)))
        .collect()
});

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Each secret and what it is replaced with (the first one given).
    secrets: HashMap<String, String>,
}

impl Redactor {
    /// A Honeycomb key (or what was given as one), shown as `hcaik_01j…9x2f`.
    pub fn add(&mut self, key: &str) {
        let key = key.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
        self.insert(key, || honeycomb::mask(key));
    }

    /// `replacement` is worked out only for a secret not seen before: services share keys.
    fn insert(&mut self, secret: &str, replacement: impl FnOnce() -> String) {
        if secret.len() >= MIN_SECRET_LEN && !self.secrets.contains_key(secret) {
            self.secrets.insert(secret.to_string(), replacement());
        }
    }

    /// Learns every secret of a project: the values of secret-named variables, URL passwords,
    /// token-shaped values, secret headers (collector exporters' too), and anything shaped like a Honeycomb key.
    pub fn learn(&mut self, project: &Project) {
        // The services of a monorepo repeat the same variables: each is looked at once.
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for service in &project.services {
            for var in service
                .env
                .iter()
                .filter(|var| seen.insert((&var.name, &var.value)))
            {
                for secret in secrets_in(&var.name, &var.value) {
                    self.insert(secret.text, || secret.masked());
                }
                for word in var.value.split([',', '=', ' ', ':', '"', '\'']) {
                    if honeycomb::classify_key(word).is_some() {
                        self.add(word);
                    }
                }
            }
            let plan = service.export_plan();
            for header in &plan.headers {
                if header.name == honeycomb::TEAM_HEADER {
                    self.add(&header.value);
                } else if secrets::is_secret_name(&header.name) {
                    self.insert(&header.value, || MASK.to_string());
                }
            }
        }
        for collector in &project.collectors {
            for secret in collector.secrets() {
                self.add(&secret);
            }
        }
    }

    /// `text` with every learned secret and every token shape masked.
    pub fn redact(&self, text: &str) -> String {
        let mut spans = self.learned_spans(text);
        spans.extend(token_spans(text));
        apply(text, spans)
    }

    /// Where the learned secrets are, in one pass over the text whatever their number: the
    /// candidates at each position are those sharing its first bytes, longest first.
    fn learned_spans(&self, text: &str) -> Vec<Span> {
        const PREFIX: usize = 4;
        let mut spans = Vec::new();
        let mut first_bytes = [false; 256];
        let mut by_prefix: HashMap<&[u8], Vec<(&String, &String)>> = HashMap::new();
        for entry in &self.secrets {
            let bytes = entry.0.as_bytes();
            first_bytes[usize::from(bytes[0])] = true;
            by_prefix.entry(&bytes[..PREFIX]).or_default().push(entry);
        }
        // Longest first, so a secret is masked before any shorter secret it starts with.
        for candidates in by_prefix.values_mut() {
            candidates.sort_by_key(|(secret, _)| std::cmp::Reverse(secret.len()));
        }
        let bytes = text.as_bytes();
        let mut at = 0;
        while at + PREFIX <= bytes.len() {
            let found = if first_bytes[usize::from(bytes[at])] {
                by_prefix
                    .get(&bytes[at..at + PREFIX])
                    .and_then(|candidates| {
                        candidates
                            .iter()
                            .find(|(secret, _)| bytes[at..].starts_with(secret.as_bytes()))
                    })
            } else {
                None
            };
            match found {
                Some((secret, replacement)) => {
                    spans.push(Span {
                        start: at,
                        end: at + secret.len(),
                        replacement: (*replacement).clone(),
                    });
                    at += secret.len();
                }
                None => at += 1,
            }
        }
        spans
    }
}

/// A part of a text to replace.
#[derive(Debug)]
struct Span {
    start: usize,
    end: usize,
    replacement: String,
}

/// `text` with the spans replaced; overlapping spans (a learned value with a token inside)
/// merge into one mask, so that no part of either shows.
fn apply(text: &str, mut spans: Vec<Span>) -> String {
    spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start < last.end => {
                if span.end > last.end {
                    last.end = span.end;
                    last.replacement = MASK.to_string();
                }
            }
            _ => merged.push(span),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for span in merged {
        // Spans come from matches of whole strings, so they start and end on characters.
        out.push_str(&text[copied..span.start]);
        out.push_str(&span.replacement);
        copied = span.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// A variable's value as a report may show it: the whole value when the name says it is a
/// secret, else with its URL passwords, secret headers and tokens masked.
pub fn mask_value(name: &str, value: &str) -> String {
    let spans = secrets_in(name, value)
        .into_iter()
        .map(|secret| {
            // `secret.text` is a slice of `value`.
            let start = secret.text.as_ptr() as usize - value.as_ptr() as usize;
            Span {
                start,
                end: start + secret.text.len(),
                replacement: secret.masked(),
            }
        })
        .collect();
    apply(value, spans)
}

/// A secret part of a value.
struct Secret<'a> {
    text: &'a str,
    /// A Honeycomb key: shown as `hcaik_01j…9x2f`, like everywhere else in the reports.
    honeycomb_key: bool,
}

impl Secret<'_> {
    fn masked(&self) -> String {
        if self.honeycomb_key {
            honeycomb::mask(self.text)
        } else {
            MASK.to_string()
        }
    }
}

/// The parts of a variable's value that are secret, as slices of it.
fn secrets_in<'a>(name: &str, value: &'a str) -> Vec<Secret<'a>> {
    let value = value.trim();
    if value.is_empty() {
        return Vec::new();
    }
    if secrets::is_secret_name(name) {
        return vec![Secret {
            text: value,
            honeycomb_key: name.starts_with("HONEYCOMB_") || is_prefixed_honeycomb_key(value),
        }];
    }
    let mut found = Vec::new();
    if otel::is_headers_variable(name) {
        // Pair by pair as written, malformed ones (`name: value`) included: the SDK may drop
        // them, a report quotes them.
        for pair in value.split(',') {
            let Some((header, secret)) = pair.split_once(['=', ':']) else {
                continue;
            };
            let header = header.trim().to_ascii_lowercase();
            let team = header == honeycomb::TEAM_HEADER;
            if team || secrets::is_secret_name(&header) {
                found.push(Secret {
                    text: secret.trim(),
                    honeycomb_key: team,
                });
            }
        }
    }
    for (shape, regex) in TOKEN_SHAPES.iter() {
        if shape.keywords.iter().any(|k| value.contains(k)) {
            for captures in regex.captures_iter(value) {
                found.extend(secret_of(&captures));
            }
        }
    }
    found.retain(|s| !s.text.is_empty());
    found
}

/// The part of a token-shape match to mask: a Honeycomb key whole, any other token without
/// its prefix.
fn secret_of<'h>(captures: &regex_lite::Captures<'h>) -> Option<Secret<'h>> {
    let whole = captures.get(0)?.as_str();
    if is_prefixed_honeycomb_key(whole) {
        return Some(Secret {
            text: whole,
            honeycomb_key: true,
        });
    }
    let text = captures.name("secret")?.as_str();
    Some(Secret {
        text,
        honeycomb_key: false,
    })
}

/// A Honeycomb key with its `hc?xx_` prefix. (Classic and configuration keys have none: a
/// 32-hex or 22-letter value is only taken for a key where a key is expected.)
fn is_prefixed_honeycomb_key(text: &str) -> bool {
    text.starts_with("hc") && honeycomb::classify_key(text).is_some()
}

/// Where the well-known token shapes are in `text`: line by line, each pattern only on the
/// lines that hold one of its keywords (`regex-lite` has no literal optimisations), then the
/// shapes that span lines.
fn token_spans(text: &str) -> Vec<Span> {
    let present = |shape: &secrets::TokenShape| shape.keywords.iter().any(|k| text.contains(k));
    let (multiline, by_line): (Vec<_>, Vec<_>) = TOKEN_SHAPES
        .iter()
        .filter(|(shape, _)| present(shape))
        .partition(|(shape, _)| shape.spans_lines);
    let mut spans = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        for (shape, regex) in &by_line {
            shape_spans(shape, regex, line, offset, &mut spans);
        }
        offset += line.len();
    }
    for (shape, regex) in multiline {
        shape_spans(shape, regex, text, 0, &mut spans);
    }
    spans
}

fn shape_spans(
    shape: &secrets::TokenShape,
    regex: &Regex,
    text: &str,
    offset: usize,
    spans: &mut Vec<Span>,
) {
    if !shape.keywords.iter().any(|k| text.contains(k)) {
        return;
    }
    for captures in regex.captures_iter(text) {
        if let Some(secret) = secret_of(&captures) {
            // `secret.text` is a slice of `text`.
            let start = offset + (secret.text.as_ptr() as usize - text.as_ptr() as usize);
            spans.push(Span {
                start,
                end: start + secret.text.len(),
                replacement: secret.masked(),
            });
        }
    }
}

#[cfg(test)]
fn mask_token_shapes(text: &str) -> String {
    apply(text, token_spans(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_occurrence_and_ignores_short_values() {
        let mut redactor = Redactor::default();
        let key = "hcaik_0000000000000000000000000000000000000000000000000000000000";
        redactor.add(key);
        redactor.add("abc");
        let out = redactor.redact(&format!("x-honeycomb-team={key}, again {key}, abc"));
        assert_eq!(
            out,
            "x-honeycomb-team=hcaik_000…0000, again hcaik_000…0000, abc"
        );
    }

    /// A token of each shape, built at run time so that no token-shaped literal is committed
    /// (secret scanners would flag it), and what masking leaves of it.
    fn samples() -> Vec<(&'static str, String, String)> {
        let zeros = |n: usize| "0".repeat(n);
        vec![
            (
                "AWS access key id",
                format!("AKIA{}", "IOSFODNN7EXAMPLE"),
                "AKIA****".into(),
            ),
            (
                "AWS secret access key",
                format!(
                    "aws_secret_access_key = {}",
                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
                ),
                "aws_secret_access_key = ****".into(),
            ),
            (
                "GitHub token",
                format!("ghp_{}", zeros(36)),
                "ghp_****".into(),
            ),
            (
                "GitHub fine-grained token",
                format!("github_pat_{}", zeros(82)),
                "github_pat_****".into(),
            ),
            (
                "GitLab token",
                format!("glpat-{}", zeros(20)),
                "glpat-****".into(),
            ),
            (
                "Slack token",
                format!("xoxb-{}-{}-{}", zeros(12), zeros(12), zeros(24)),
                "xoxb-****".into(),
            ),
            (
                "Slack webhook",
                format!(
                    "https://hooks.slack.com/services/T{}/B{}/{}",
                    zeros(8),
                    zeros(8),
                    zeros(24)
                ),
                "https://hooks.slack.com/services/****".into(),
            ),
            (
                "Stripe key",
                format!("sk_live_{}", zeros(24)),
                "sk_live_****".into(),
            ),
            (
                "Google API key",
                format!("AIza{}", zeros(35)),
                "AIza****".into(),
            ),
            (
                "JSON Web Token",
                format!("eyJ{}.eyJ{}.{}", zeros(16), zeros(16), zeros(16)),
                "eyJ****".into(),
            ),
            (
                "private key",
                format!(
                    "-----BEGIN RSA PRIVATE KEY-----\n{}\n{}\n-----END RSA PRIVATE KEY-----",
                    zeros(64),
                    zeros(20)
                ),
                "-----BEGIN RSA PRIVATE KEY-----****-----END RSA PRIVATE KEY-----".into(),
            ),
            (
                "Honeycomb key",
                format!("hcaik_{}", zeros(58)),
                "hcaik_000…0000".into(),
            ),
            ("npm token", format!("npm_{}", zeros(36)), "npm_****".into()),
            (
                "PyPI token",
                format!("pypi-AgEIcHlwaS5vcmc{}", zeros(50)),
                "pypi-AgEIcHlwaS5vcmc****".into(),
            ),
            (
                "SendGrid key",
                format!("SG.{}.{}", zeros(22), zeros(43)),
                "SG.****".into(),
            ),
            (
                "Azure storage key",
                format!("AccountName=x;AccountKey={}==;", zeros(86)),
                "AccountName=x;AccountKey=****;".into(),
            ),
            (
                "URL password",
                "postgres://admin:not-a-real-password@db:5432/app".into(),
                "postgres://admin:****@db:5432/app".into(),
            ),
        ]
    }

    #[test]
    fn every_token_shape_compiles_and_masks_its_sample() {
        assert_eq!(
            TOKEN_SHAPES.len(),
            secrets::TOKEN_SHAPES.len(),
            "a pattern does not compile"
        );
        let samples = samples();
        for shape in secrets::TOKEN_SHAPES {
            let (_, sample, masked) = samples
                .iter()
                .find(|(name, _, _)| *name == shape.name)
                .unwrap_or_else(|| panic!("no sample for {}", shape.name));
            let regex = Regex::new(shape.pattern).unwrap();
            assert!(regex.is_match(sample), "{} misses {sample}", shape.name);
            assert_eq!(&mask_token_shapes(sample), masked, "{}", shape.name);
            // In a JSON report, inside a string and with its line breaks escaped.
            let json = serde_json::to_string(sample).unwrap();
            assert_eq!(
                mask_token_shapes(&json),
                serde_json::to_string(masked).unwrap(),
                "{} in JSON",
                shape.name
            );
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let text = "exports to https://api.honeycomb.io:443/v1/traces (http/protobuf); \
                    trace_id=0af7651916cd43dd8448eb211c80319c; AKIA is a prefix; \
                    ghp_ tokens; Bearer prefix; the sk_live_ key; hcaik_000…0000; \
                    http://user@host/; eyJ is base64 for {\"";
        assert_eq!(mask_token_shapes(text), text);
    }

    #[test]
    fn values_are_masked_by_name_by_url_and_by_shape() {
        assert_eq!(mask_value("DB_PASSWORD", "hunter2"), MASK);
        assert_eq!(mask_value("api_key", "abc"), MASK);
        assert_eq!(mask_value("DEBUG", "true"), "true");
        assert_eq!(
            mask_value("DATABASE_URL", "postgres://admin:pw@db/app"),
            "postgres://admin:****@db/app"
        );
        assert_eq!(
            mask_value(
                "OTEL_EXPORTER_OTLP_HEADERS",
                "x-honeycomb-team=hcaik_0000000000000000000000000000000000000000000000000000000000,x-honeycomb-dataset=api"
            ),
            "x-honeycomb-team=hcaik_000…0000,x-honeycomb-dataset=api"
        );
        assert_eq!(
            mask_value(
                "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
                "authorization=Basic dXNlcjpwYXNz"
            ),
            "authorization=****"
        );
        assert_eq!(
            mask_value("WEBHOOK", &format!("x ghp_{} y", "0".repeat(36))),
            "x ghp_**** y"
        );
    }

    #[test]
    fn a_learned_value_and_a_token_inside_it_are_masked_as_one() {
        let token = format!("ghp_{}", "0".repeat(36));
        let mut redactor = Redactor::default();
        redactor.insert(&format!("prefix-{token}"), || MASK.to_string());
        // Either order of masking would leave a piece of the other secret.
        assert_eq!(redactor.redact(&format!("a prefix-{token} b")), "a **** b");
        assert_eq!(
            mask_value("DEPLOY_SECRET", &format!("prefix-{token}")),
            MASK
        );
    }

    #[test]
    fn only_honeycomb_keys_keep_a_head_and_a_tail() {
        // 22 letters would classify as a configuration key; under another name it is hidden.
        let value = "abcdefghijklmnopqrstuv";
        assert_eq!(mask_value("DB_PASSWORD", value), MASK);
        assert_eq!(mask_value("HONEYCOMB_API_KEY", value), "abcd…stuv");
        assert_eq!(
            mask_token_shapes(&format!("sk_live_{value}")),
            "sk_live_****"
        );
    }

    #[test]
    fn the_redactor_masks_what_it_learned_and_every_shape() {
        let mut redactor = Redactor::default();
        redactor.insert("correct-horse-battery", || MASK.to_string());
        let text = format!(
            "a correct-horse-battery b sk_live_{} c redis://:s3cretpass@cache:6379",
            "0".repeat(24)
        );
        assert_eq!(
            redactor.redact(&text),
            "a **** b sk_live_**** c redis://:s3cretpass@cache:6379".replace("s3cretpass", MASK)
        );
    }
}
