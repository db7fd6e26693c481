//! What the tool knows about Honeycomb: the shapes of its API keys, its regions and hosts, and
//! how a key is shown (always masked). Source: shared/HONEYCOMB.md.

/// The kinds of value that can sit in `x-honeycomb-team`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `hc?ik_` + 58: sends to an environment; the dataset is the service name.
    EnvironmentIngest,
    /// 22 or 23 alphanumerics.
    EnvironmentConfiguration,
    /// `hc?ic_` + 58: classic ingest key, needs `x-honeycomb-dataset`.
    ClassicIngest,
    /// 32 hex characters: classic configuration key, needs `x-honeycomb-dataset`.
    ClassicConfiguration,
    /// `hc?mk_...`: management keys cannot send data.
    Management,
    /// `hc?ik_` + 26: the Key ID pasted without its 32-character secret.
    KeyIdWithoutSecret,
}

impl KeyKind {
    pub fn describe(self) -> &'static str {
        match self {
            KeyKind::EnvironmentIngest => "environment ingest key",
            KeyKind::EnvironmentConfiguration => "environment configuration key",
            KeyKind::ClassicIngest => "classic ingest key",
            KeyKind::ClassicConfiguration => "classic configuration key",
            KeyKind::Management => "management key",
            KeyKind::KeyIdWithoutSecret => "ingest Key ID without its secret",
        }
    }

    /// Classic keys send to a dataset named by `x-honeycomb-dataset`.
    pub fn is_classic(self) -> bool {
        matches!(self, KeyKind::ClassicIngest | KeyKind::ClassicConfiguration)
    }

    /// Whether a key of this kind can send events at all.
    pub fn can_send(self) -> bool {
        !matches!(self, KeyKind::Management | KeyKind::KeyIdWithoutSecret)
    }
}

/// The kind of a key by its shape alone, or `None` if it looks like no Honeycomb key.
pub fn classify_key(key: &str) -> Option<KeyKind> {
    let lower_alnum = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    let prefixed = |infix: &str| {
        let bytes = key.as_bytes();
        bytes.len() > 6
            && key.starts_with("hc")
            && bytes[2].is_ascii_lowercase()
            && key.get(3..5) == Some(infix)
            && bytes[5] == b'_'
    };
    let kind = if prefixed("ik") && key.len() == 64 && lower_alnum(&key[6..]) {
        KeyKind::EnvironmentIngest
    } else if prefixed("ic") && key.len() == 64 && lower_alnum(&key[6..]) {
        KeyKind::ClassicIngest
    } else if (prefixed("ik") || prefixed("lk")) && key.len() == 32 && lower_alnum(&key[6..]) {
        KeyKind::KeyIdWithoutSecret
    } else if prefixed("mk") {
        KeyKind::Management
    } else if key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        KeyKind::ClassicConfiguration
    } else if (key.len() == 22 || key.len() == 23)
        && key.bytes().all(|b| b.is_ascii_alphanumeric())
        // A configuration key is random base62: a word of lowercase letters only is a name
        // (`opentelemetrycollector`), not a key.
        && key.bytes().any(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        KeyKind::EnvironmentConfiguration
    } else {
        return None;
    };
    Some(kind)
}

/// Why a value is not a usable key even though something was set, when the reason is a common
/// slip rather than a wrong key: these are reported as such instead of "not a key".
pub fn key_slip(value: &str) -> Option<&'static str> {
    let trimmed = value.trim();
    if trimmed.starts_with("${") || trimmed.starts_with('$') && trimmed.len() > 1 {
        Some("a variable reference that was never expanded")
    } else if trimmed.starts_with('{') || trimmed.starts_with('<') || trimmed.contains("key from") {
        Some("a placeholder copied from the docs, not a key")
    } else if trimmed.len() != value.len() {
        Some("whitespace around the key")
    } else if value.starts_with(['"', '\'']) || value.ends_with(['"', '\'']) {
        Some("quotes around the key")
    } else if value.to_ascii_lowercase().starts_with("bearer ") {
        Some("a `Bearer ` prefix (Honeycomb wants the bare key)")
    } else {
        None
    }
}

/// A key as it may be shown anywhere: enough to recognise it, never enough to use it.
/// `hcaik_01j…9x2f` for long keys; short values are hidden entirely.
pub fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    match chars.len() {
        0 => String::new(),
        n if n >= 20 => {
            let head = if key.starts_with("hc") && n > 9 { 9 } else { 4 };
            let head: String = chars[..head].iter().collect();
            let tail: String = chars[n - 4..].iter().collect();
            format!("{head}…{tail}")
        }
        _ => "…***".to_string(),
    }
}

/// `text` with every key-shaped word masked, for quoting values that may hold a key.
pub fn mask_keys_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if classify_key(&word).is_some() {
            out.push_str(&mask(&word));
        } else {
            out.push_str(&word);
        }
        word.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Us,
    Eu,
}

impl Region {
    pub fn api_base(self) -> &'static str {
        match self {
            Region::Us => "https://api.honeycomb.io",
            Region::Eu => "https://api.eu1.honeycomb.io",
        }
    }

    pub fn ui_base(self) -> &'static str {
        match self {
            Region::Us => "https://ui.honeycomb.io",
            Region::Eu => "https://ui.eu1.honeycomb.io",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Region::Us => "US",
            Region::Eu => "EU",
        }
    }

    pub fn other(self) -> Region {
        match self {
            Region::Us => Region::Eu,
            Region::Eu => Region::Us,
        }
    }
}

/// The Honeycomb region a host belongs to, if it is a Honeycomb API host.
pub fn region_of_host(host: &str) -> Option<Region> {
    match host.trim_end_matches('.').to_ascii_lowercase().as_str() {
        "api.honeycomb.io" => Some(Region::Us),
        "api.eu1.honeycomb.io" => Some(Region::Eu),
        _ => None,
    }
}

/// The header names Honeycomb reads (headers are case-insensitive; the SDKs lowercase them).
pub const TEAM_HEADER: &str = "x-honeycomb-team";
/// The team header as fixes and hints write it: a reference compose fills from the shell or
/// `.env`, never the key itself.
pub const HEADER_REFERENCE: &str = "x-honeycomb-team=${HONEYCOMB_API_KEY}";
pub const DATASET_HEADER: &str = "x-honeycomb-dataset";

/// Honeycomb's OpenTelemetry distribution for a language: where it sends and how when nothing
/// says otherwise, whether it reads the `OTEL_EXPORTER_OTLP_*ENDPOINT` variables, and the
/// variables it reads the service's name from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Distro {
    pub package: &'static str,
    pub endpoint: &'static str,
    pub protocol: crate::knowledge::otel::Protocol,
    pub reads_otel_endpoint: bool,
    /// Over HTTP, `/v1/traces` is appended to `HONEYCOMB_TRACES_ENDPOINT` too (not only to
    /// `HONEYCOMB_API_ENDPOINT`).
    pub appends_path_to_traces_endpoint: bool,
    /// Besides `OTEL_SERVICE_NAME`.
    pub service_name_variables: &'static [&'static str],
}

/// From each distribution's source: Python's `DEFAULT_API_ENDPOINT` and its gRPC default;
/// Node's `honeycomb-options.ts` (http/protobuf; its exporter is built from
/// `HONEYCOMB_API_ENDPOINT`/`endpoint`, never from `OTEL_EXPORTER_OTLP_ENDPOINT`); the Java
/// agent, on the OpenTelemetry agent 1.x (gRPC): its `EnvironmentConfiguration.enableOTLPTraces`
/// sets the system property `otel.exporter.otlp.traces.endpoint` from
/// `HONEYCOMB_TRACES_ENDPOINT`, else `HONEYCOMB_API_ENDPOINT`, else `https://api.honeycomb.io:443`
/// (with `/v1/traces` appended for http/protobuf), which wins over the `OTEL_*` endpoint
/// variables, and names the service from `SERVICE_NAME` (its `ServiceNameResourceProvider`).
pub fn distro(language: crate::knowledge::Language) -> Option<Distro> {
    use crate::knowledge::Language;
    use crate::knowledge::otel::Protocol;
    match language {
        Language::Python => Some(Distro {
            package: "honeycomb-opentelemetry",
            endpoint: "https://api.honeycomb.io:443",
            protocol: Protocol::Grpc,
            reads_otel_endpoint: true,
            appends_path_to_traces_endpoint: false,
            service_name_variables: &[],
        }),
        Language::Node => Some(Distro {
            package: "@honeycombio/opentelemetry-node",
            endpoint: "https://api.honeycomb.io",
            protocol: Protocol::HttpProtobuf,
            reads_otel_endpoint: false,
            appends_path_to_traces_endpoint: false,
            service_name_variables: &[],
        }),
        // `Honeycomb.OpenTelemetry`'s `HoneycombOptions`: `HONEYCOMB_API_ENDPOINT` (or
        // `Endpoint`), `/v1/traces` added over HTTP to an endpoint without a path, and the
        // exporter's own gRPC default; `HONEYCOMB_TRACES_ENDPOINT` is used as it is.
        Language::DotNet => Some(Distro {
            package: "Honeycomb.OpenTelemetry",
            endpoint: "https://api.honeycomb.io:443",
            protocol: Protocol::Grpc,
            reads_otel_endpoint: false,
            appends_path_to_traces_endpoint: false,
            service_name_variables: &[],
        }),
        Language::Java => Some(Distro {
            package: "honeycomb-opentelemetry-javaagent",
            endpoint: "https://api.honeycomb.io:443",
            protocol: Protocol::Grpc,
            reads_otel_endpoint: false,
            appends_path_to_traces_endpoint: true,
            service_name_variables: &["SERVICE_NAME"],
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INGEST: &str = "hcaik_0000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn classifies_every_documented_shape() {
        assert_eq!(INGEST.len(), 64);
        assert_eq!(classify_key(INGEST), Some(KeyKind::EnvironmentIngest));
        assert_eq!(
            classify_key(&INGEST.replace("hcaik", "hcxic")),
            Some(KeyKind::ClassicIngest)
        );
        assert_eq!(
            classify_key(&INGEST[..32]),
            Some(KeyKind::KeyIdWithoutSecret)
        );
        assert_eq!(
            classify_key("00000000000000000000000000000000"),
            Some(KeyKind::ClassicConfiguration)
        );
        assert_eq!(
            classify_key("0000000000000000000000"),
            Some(KeyKind::EnvironmentConfiguration)
        );
        assert_eq!(classify_key("hcamk_000000"), Some(KeyKind::Management));
        assert_eq!(classify_key("{key from honeycomb environment}"), None);
        assert_eq!(classify_key(""), None);
        // The shape of a configuration key, but a name: `opentelemetrycollector:4317`.
        assert_eq!(classify_key("opentelemetrycollector"), None);
        assert_eq!(
            classify_key("opentelemetryCollector"),
            Some(KeyKind::EnvironmentConfiguration)
        );
        assert_eq!(classify_key("hcaik_"), None);
        assert_eq!(classify_key(&INGEST.to_uppercase()), None);
    }

    #[test]
    fn slips_are_named() {
        assert_eq!(
            key_slip("${HONEYCOMB_API_KEY}"),
            Some("a variable reference that was never expanded")
        );
        assert_eq!(
            key_slip("{key from honeycomb environment}"),
            Some("a placeholder copied from the docs, not a key")
        );
        assert_eq!(
            key_slip(&format!("{INGEST}\n")),
            Some("whitespace around the key")
        );
        assert_eq!(
            key_slip(&format!("\"{INGEST}\"")),
            Some("quotes around the key")
        );
        assert_eq!(
            key_slip(&format!("Bearer {INGEST}")),
            Some("a `Bearer ` prefix (Honeycomb wants the bare key)")
        );
        assert_eq!(key_slip(INGEST), None);
    }

    #[test]
    fn masks_never_show_the_secret() {
        assert_eq!(mask(INGEST), "hcaik_000…0000");
        assert_eq!(mask("0123456789abcdef0123456789abcdef"), "0123…cdef");
        assert_eq!(mask("short"), "…***");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn masks_keys_inside_text() {
        assert_eq!(
            mask_keys_in(&format!("x-honeycomb-team={INGEST},a=b")),
            "x-honeycomb-team=hcaik_000…0000,a=b"
        );
        assert_eq!(mask_keys_in("nothing here"), "nothing here");
    }

    #[test]
    fn regions_by_host() {
        assert_eq!(region_of_host("api.honeycomb.io"), Some(Region::Us));
        assert_eq!(region_of_host("API.EU1.honeycomb.io"), Some(Region::Eu));
        assert_eq!(region_of_host("collector"), None);
    }
}
