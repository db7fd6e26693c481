//! Secrets never leave the process unmasked: reports end up as CI artifacts. One set of rules
//! says what is secret, for every output: the environment listing and the command are masked at
//! the source (`mask_value`, `mask_command`), `listen`'s headers and attributes too
//! (`mask_header`), and every byte of output then passes through a `Redactor`, which knows
//! every secret the run has seen and finds the same shapes in free text. Secret are:
//! - the whole value of a secret-named variable (`knowledge::secrets::is_secret_name`:
//!   `DB_PASS`, `MYSQL_PWD`, `*_SALT`, `*TOKEN*`, ...);
//! - every header value of `OTEL_EXPORTER_OTLP_*HEADERS` but the dataset's (`authorization`,
//!   `api-key`, any custom one);
//! - a URL's password, whatever its characters (`/` and `@` included), and a userinfo that is a
//!   token by itself (`https://<key>@o0.ingest.sentry.io/1`);
//! - a value given to a secret name anywhere: `Password=…;` and `Pwd=…;` in a connection string,
//!   `?token=…` in a URL, `--password=…` or `--password …` in a command, `x-honeycomb-team=…`;
//! - the well-known token shapes (`knowledge::secrets::TOKEN_SHAPES`), anywhere.
//!
//! A Honeycomb key keeps a recognisable head and tail (`hcaik_01j…9x2f`), as rules quote
//! them; any other secret becomes `****`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex_lite::Regex;

use crate::knowledge::{honeycomb, otel, secrets};
use crate::resolve::Project;

/// Learned secrets shorter than this are not replaced in free text: `DEBUG_TOKEN=true` would
/// otherwise mask every "true" of the report. The environment listing masks them at the
/// source, and a value written after a secret name is masked wherever it is (`DEBUG_TOKEN=****`).
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

    fn learn_secrets(&mut self, found: Vec<Secret>) {
        for secret in found {
            self.insert(secret.text, || secret.masked());
        }
    }

    /// Learns every secret of a project: the secret parts of every variable's value (and
    /// anything shaped like a Honeycomb key in it), of every command, the secret headers the
    /// SDKs send (collector exporters' too).
    pub fn learn(&mut self, project: &Project) {
        // The services of a monorepo repeat the same variables: each is looked at once.
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for service in &project.services {
            for var in service
                .env
                .iter()
                .filter(|var| seen.insert((&var.name, &var.value)))
            {
                self.learn_secrets(secrets_in(&var.name, &var.value));
                for word in var.value.split([',', '=', ' ', ':', '"', '\'']) {
                    if honeycomb::classify_key(word).is_some() {
                        self.add(word);
                    }
                }
            }
            if let Some(command) = &service.command {
                self.learn_secrets(command_secrets(&command.text()));
            }
            let plan = service.export_plan();
            for header in &plan.headers {
                if header.name == honeycomb::TEAM_HEADER {
                    self.add(&header.value);
                } else if !secrets::NOT_SECRET_HEADERS.contains(&header.name.as_str()) {
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

    /// `text` with every learned secret and every secret shape masked.
    pub fn redact(&self, text: &str) -> String {
        let mut spans = self.learned_spans(text);
        spans.extend(token_spans(text));
        spans.extend(spans_of(text, free_text_secrets(text)));
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
        // Spans come from slices of the text, so they start and end on characters.
        out.push_str(&text[copied..span.start]);
        out.push_str(&span.replacement);
        copied = span.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// The spans of secrets that are slices of `text`.
fn spans_of(text: &str, found: Vec<Secret>) -> Vec<Span> {
    found
        .into_iter()
        .map(|secret| {
            let start = secret.text.as_ptr() as usize - text.as_ptr() as usize;
            Span {
                start,
                end: start + secret.text.len(),
                replacement: secret.masked(),
            }
        })
        .collect()
}

/// A variable's value as a report may show it: the whole value when the name says it is a
/// secret, else with its header values, URL passwords, secret assignments and tokens masked.
pub fn mask_value(name: &str, value: &str) -> String {
    apply(value, spans_of(value, secrets_in(name, value)))
}

/// A command line as a report may show it: besides what any text hides, the value after a
/// secret-named flag (`--password x`) and the headers after a headers flag
/// (`opentelemetry-instrument --exporter_otlp_headers x-honeycomb-team=...`).
pub fn mask_command(text: &str) -> String {
    apply(text, spans_of(text, command_secrets(text)))
}

/// A received header's value as `listen` shows it: Honeycomb's key with its head and tail, any
/// other secret-named header's value (`authorization`, `api-key`, `cookie`) whole, and the
/// secrets a text may hold in the others.
pub fn mask_header(name: &str, value: &str) -> String {
    if names_a_secret(name) {
        let secret = Secret {
            text: value.trim(),
            honeycomb_key: name.eq_ignore_ascii_case(honeycomb::TEAM_HEADER),
        };
        return secret.masked();
    }
    honeycomb::mask_keys_in(&apply(value, spans_of(value, free_text_secrets(value))))
}

/// Whether a variable, header, flag or key name says its value is a secret: the words of
/// `knowledge::secrets`, and Honeycomb's key header.
pub fn names_a_secret(name: &str) -> bool {
    secrets::is_secret_name(name) || name.eq_ignore_ascii_case(honeycomb::TEAM_HEADER)
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
    if secrets::is_secret_variable(name) {
        return vec![Secret {
            text: value,
            honeycomb_key: name.starts_with("HONEYCOMB_") || is_prefixed_honeycomb_key(value),
        }];
    }
    let mut found = Vec::new();
    if otel::is_headers_variable(name) {
        found.extend(header_secrets(value));
    }
    found.extend(token_secrets(value));
    found.extend(free_text_secrets(value));
    found.retain(|s| !s.text.is_empty());
    found
}

/// The values of OTLP headers (`k=v,k2=v2`), pair by pair as written, malformed ones
/// (`name: value`) included: the SDK may drop them, a report quotes them. Every value is a
/// secret but those `NOT_SECRET_HEADERS` names.
fn header_secrets(headers: &str) -> Vec<Secret<'_>> {
    headers
        .split(',')
        .filter_map(|pair| {
            let (header, value) = pair.split_once(['=', ':'])?;
            let header = header.trim().to_ascii_lowercase();
            let value = value.trim();
            (!secrets::NOT_SECRET_HEADERS.contains(&header.as_str()) && is_concrete(value)).then(
                || Secret {
                    text: value,
                    honeycomb_key: header == honeycomb::TEAM_HEADER,
                },
            )
        })
        .collect()
}

/// The secrets of a command line: those of any text, and the words after secret-named flags
/// and headers flags.
fn command_secrets(text: &str) -> Vec<Secret<'_>> {
    let mut found = token_secrets(text);
    found.extend(free_text_secrets(text));
    let words: Vec<&str> = text.split_whitespace().collect();
    for pair in words.windows(2) {
        let [flag, value] = pair else { continue };
        if !flag.starts_with('-') || flag.contains('=') {
            continue;
        }
        let flag = flag.trim_start_matches('-');
        if flag.to_ascii_lowercase().ends_with("headers") {
            found.extend(header_secrets(value));
        } else if names_a_secret(flag) && is_concrete(value) {
            found.push(Secret {
                text: value,
                honeycomb_key: is_prefixed_honeycomb_key(value),
            });
        }
    }
    found
}

/// The secrets any free text may hold, found without knowing what it is: values written after
/// a secret name, and URL passwords.
fn free_text_secrets(text: &str) -> Vec<Secret<'_>> {
    let mut found = assigned_secrets(text);
    found.extend(userinfo_secrets(text));
    found
}

/// What ends a value written after `name=` in free text.
fn ends_value(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | ';'
                | '"'
                | '\''
                | '\\'
                | '&'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '<'
                | '>'
                | '`'
                | '|'
        )
}

/// A value that is one, not a placeholder (`<ingest key>`), a reference (`${KEY}`, `$KEY`) or
/// already masked.
fn is_concrete(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with(['<', '$', '{', '%'])
        && !value.contains('…')
        && !value.contains(MASK)
}

/// Values written after a secret name and `=`: `Password=…;` in a connection string, `token=`
/// in a URL's query, `--password=…`, `x-honeycomb-team=…`, and the headers of a headers
/// variable written inline (`OTEL_EXPORTER_OTLP_HEADERS=…` in a command).
fn assigned_secrets(text: &str) -> Vec<Secret<'_>> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let mut found = Vec::new();
    for (at, _) in text.match_indices('=') {
        let name_start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_name(*c))
            .last()
            .map_or(at, |(start, _)| start);
        let name = text[name_start..at].trim_start_matches('-');
        let rest = &text[at + 1..];
        if name.is_empty() || rest.starts_with('=') {
            continue;
        }
        if otel::is_headers_variable(name) {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            found.extend(header_secrets(&rest[..end]));
            continue;
        }
        if !names_a_secret(name) {
            continue;
        }
        let mut end = rest.find(ends_value).unwrap_or(rest.len());
        // `authorization=Basic dXNlcjpwYXNz`: the credentials come after the scheme.
        let scheme = &rest[..end];
        // (A report may have wrapped the line between them.)
        if ["basic", "bearer", "token", "digest", "apikey"]
            .iter()
            .any(|s| scheme.eq_ignore_ascii_case(s))
        {
            let after = rest[end..].trim_start();
            if after.len() < rest[end..].len() {
                let credentials = after.find(ends_value).unwrap_or(after.len());
                end = rest.len() - after.len() + credentials;
            }
        }
        let value = &rest[..end];
        if is_concrete(value) {
            found.push(Secret {
                text: value,
                honeycomb_key: name.eq_ignore_ascii_case(honeycomb::TEAM_HEADER)
                    || is_prefixed_honeycomb_key(value),
            });
        }
    }
    found
}

/// A userinfo shorter than this without a password is a user name (`git@`, `admin@`); longer,
/// it is a token (Sentry's DSN key, a personal access token as the user).
const MIN_USERINFO_TOKEN: usize = 16;

/// The secret of each URL's userinfo: its password, whatever its characters (up to the last
/// `@` of the URL, so `/` and `@` included; a port is not a password), or the whole userinfo
/// when it is a token by itself.
fn userinfo_secrets(text: &str) -> Vec<Secret<'_>> {
    let mut found = Vec::new();
    let starts: Vec<usize> = text.match_indices("://").map(|(at, _)| at + 3).collect();
    for (index, &start) in starts.iter().enumerate() {
        // Up to a space or quote, or the next URL (less its scheme and what separates them).
        let mut end = start
            + text[start..]
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
                })
                .unwrap_or(text.len() - start);
        if let Some(&next) = starts.get(index + 1)
            && next - 3 < end
        {
            end = text[..next - 3]
                .trim_end_matches(|c: char| {
                    c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-')
                })
                .trim_end_matches([',', ';', '|', ' '])
                .len()
                .max(start);
        }
        let url = &text[start..end];
        let Some(at) = url.rfind('@') else { continue };
        let host = &url[at + 1..];
        if !host.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '[') {
            continue;
        }
        let userinfo = &url[..at];
        let secret = match userinfo.split_once(':') {
            Some((user, password)) => {
                let digits = password.len()
                    - password
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .len();
                let port = digits > 0
                    && matches!(
                        password[digits..].chars().next(),
                        None | Some('/' | '?' | '#')
                    );
                if user.contains('/') || port {
                    continue;
                }
                password
            }
            None if userinfo.len() >= MIN_USERINFO_TOKEN && !userinfo.contains('/') => userinfo,
            None => continue,
        };
        if !secret.is_empty() {
            found.push(Secret {
                text: secret,
                honeycomb_key: honeycomb::classify_key(secret).is_some(),
            });
        }
    }
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

/// The token shapes in a value.
fn token_secrets(value: &str) -> Vec<Secret<'_>> {
    let mut found = Vec::new();
    for (shape, regex) in TOKEN_SHAPES.iter() {
        if shape.keywords.iter().any(|k| value.contains(k)) {
            for captures in regex.captures_iter(value) {
                found.extend(secret_of(&captures));
            }
        }
    }
    found
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
    fn every_header_value_but_the_dataset_is_masked() {
        assert_eq!(
            mask_value(
                "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
                "authorization=Bearer FAKEBEARER123,api-key=FAKEAPIKEY42,x-custom=FAKECUSTOM99,x-honeycomb-dataset=api,x-honeycomb-team=notakey"
            ),
            "authorization=****,api-key=****,x-custom=****,x-honeycomb-dataset=api,x-honeycomb-team=…***"
        );
    }

    #[test]
    fn url_passwords_are_masked_whatever_their_characters() {
        let masked = |url: &str| mask_value("URL", url);
        assert_eq!(
            masked("https://user:FAKE/PASS@WORD6@github.com/x.git"),
            "https://user:****@github.com/x.git"
        );
        assert_eq!(
            masked("redis://:s3cret@cache:6379/0"),
            "redis://:****@cache:6379/0"
        );
        // A token as the whole userinfo: Sentry's DSN key is shaped like a classic Honeycomb
        // key, so it is masked as findings mask such keys.
        assert_eq!(
            masked("https://0123456789abcdef0123456789abcdef@o0.ingest.sentry.io/1"),
            "https://0123…cdef@o0.ingest.sentry.io/1"
        );
        assert_eq!(
            masked("a=https://u:FAKEPW1@h1/x,b=postgres://v:FAKEPW2@h2/y"),
            "a=https://u:****@h1/x,b=postgres://v:****@h2/y"
        );
        // Ports, user names and `@` in paths are not secrets.
        for plain in [
            "http://collector:4318/v1/traces",
            "https://registry.npmjs.org:443/@types/node",
            "ssh://git@github.com/org/repo.git",
            "https://example.com/users/@me",
        ] {
            assert_eq!(masked(plain), plain);
        }
    }

    #[test]
    fn values_given_to_secret_names_are_masked_in_any_text() {
        assert_eq!(
            mask_value(
                "DB_CONN",
                "Server=db;Database=app;User Id=sa;Password=FAKEPASSWORD1;"
            ),
            "Server=db;Database=app;User Id=sa;Password=****;"
        );
        assert_eq!(
            mask_value("PG_CONN", "Host=db;Username=sa;Pwd=FAKEPWD2"),
            "Host=db;Username=sa;Pwd=****"
        );
        assert_eq!(
            mask_value("CALLBACK", "https://x/cb?token=FAKE3&next=/home"),
            "https://x/cb?token=****&next=/home"
        );
        let redactor = Redactor::default();
        assert_eq!(
            redactor.redact("sent x-honeycomb-team=notakey, authorization=Basic dXNlcjpwYXNz and DEBUG_TOKEN=true"),
            "sent x-honeycomb-team=…***, authorization=**** and DEBUG_TOKEN=****"
        );
        // Placeholders, references and what is masked already stay as they are.
        let hint = "export HONEYCOMB_API_KEY=<ingest key>; x-honeycomb-team=${HONEYCOMB_API_KEY}; x-honeycomb-team=hcaik_000…0000; DB_PASSWORD=****";
        assert_eq!(redactor.redact(hint), hint);
    }

    #[test]
    fn secret_names_and_their_exceptions() {
        for secret in [
            "DB_PASS",
            "MYSQL_PWD",
            "PASSWORD_SALT",
            "APP_SALT",
            "apiKey",
            "KEYCLOAK_ADMIN_PASSWORD",
            "HTTP_AUTHORIZATION",
            "SESSION_COOKIE",
            "x-honeycomb-team",
        ] {
            assert!(names_a_secret(secret), "{secret}");
        }
        assert!(!secrets::is_secret_variable("PWD") && !secrets::is_secret_variable("OLDPWD"));
        assert_eq!(mask_value("PWD", "/app"), "/app");
        for plain in [
            "KEYBOARD_LAYOUT",
            "TOKENIZERS_PARALLELISM",
            "GIT_AUTHOR_NAME",
            "PASSENGER_APP_ENV",
            "NO_PROXY_BYPASS",
            "x-honeycomb-dataset",
        ] {
            assert!(!names_a_secret(plain), "{plain}");
        }
    }

    #[test]
    fn commands_hide_flag_values_and_headers() {
        assert_eq!(
            mask_command(
                "opentelemetry-instrument --exporter_otlp_headers x-honeycomb-team=notakeyvalue,x-honeycomb-dataset=d python app.py --password hunter22 --api-key=k1 --port 80"
            ),
            "opentelemetry-instrument --exporter_otlp_headers x-honeycomb-team=…***,x-honeycomb-dataset=d python app.py --password **** --api-key=**** --port 80"
        );
        assert_eq!(
            mask_command("env OTEL_EXPORTER_OTLP_HEADERS=authorization=FAKE node app.js"),
            "env OTEL_EXPORTER_OTLP_HEADERS=authorization=**** node app.js"
        );
    }

    #[test]
    fn listen_masks_headers_as_reports_do() {
        assert_eq!(
            mask_header(
                "x-honeycomb-team",
                "hcaik_0000000000000000000000000000000000000000000000000000000000"
            ),
            "hcaik_000…0000"
        );
        assert_eq!(mask_header("authorization", "Bearer abc"), MASK);
        assert_eq!(
            mask_header("user-agent", "OTel-OTLP-Exporter-Python/1.45.1"),
            "OTel-OTLP-Exporter-Python/1.45.1"
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
