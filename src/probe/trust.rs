//! Where the key may go: decided by the user, never by the workspace (DESIGN, "Where the key
//! may go"). The workspace names the endpoints, and in CI it is a pull request, run with the
//! team's key in the environment: one changed line would send the key anywhere. So the key goes
//! only to Honeycomb's own hosts over TLS, to this machine, and to the endpoints the user names
//! outside the workspace (`--trust-endpoint`, `OTEL_DOCTOR_TRUST_ENDPOINTS`, `--endpoint`);
//! `send-key-to` in the configuration file narrows that, never widens it.
//!
//! A canary to any other endpoint carries only what is the workspace's own: not the key, no
//! secret-named header (`authorization`, `api-key`), and no value of this machine's
//! environment (compose interpolates `${AWS_SECRET_ACCESS_KEY}` as readily as the key). When
//! the endpoint or the service name itself carries such a value, or the endpoint is Honeycomb's
//! (which answers nothing useful without the key), no canary is sent.

use url::Url;

use super::target::{KEY, Refusal, Target, Withheld, WithheldHeader};
use crate::config::{EndpointPattern, Settings};
use crate::knowledge::{honeycomb, otel, secrets};

/// Values of the environment shorter than this are not looked for: `true`, `1`, `C.UTF-8` would
/// match ordinary text (the redactor uses the same bound).
const MIN_SECRET_LEN: usize = 8;

/// Who may receive the key, from the command line and the configuration.
#[derive(Debug, Clone, Default)]
pub struct KeyPolicy {
    /// `--trust-endpoint`, `OTEL_DOCTOR_TRUST_ENDPOINTS`.
    trusted: Vec<EndpointPattern>,
    /// `send-key-to`, with where it is set.
    narrowed: Option<(Vec<EndpointPattern>, String)>,
}

impl KeyPolicy {
    pub fn from_settings(settings: &Settings) -> KeyPolicy {
        KeyPolicy {
            trusted: settings.trusted_endpoints.clone(),
            narrowed: settings
                .send_key_to
                .as_ref()
                .map(|hosts| (hosts.value.clone(), hosts.origin.to_string())),
        }
    }

    /// Whether `url` may receive the key; `chosen` when the user named this very endpoint on
    /// the command line (`--endpoint`).
    pub fn check(&self, url: &Url, chosen: bool) -> Result<(), Refusal> {
        if let Some((hosts, origin)) = &self.narrowed
            && !hosts.iter().any(|host| host.matches(url))
        {
            return Err(Refusal::LeftOut(origin.clone()));
        }
        let host = url.host_str().unwrap_or_default();
        let tls = url.scheme() == "https";
        let trusted = chosen
            || otel::is_loopback_host(host)
            || (tls && honeycomb::region_of_host(host).is_some())
            || self.trusted.iter().any(|pattern| {
                pattern.matches(url) && (tls || pattern.scheme.as_deref() == Some("http"))
            });
        if trusted {
            Ok(())
        } else {
            Err(Refusal::NotTrusted)
        }
    }
}

/// A value of this machine's environment, which the canary must not carry where the key may
/// not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentValue {
    pub name: String,
    pub value: String,
}

/// The environment's values worth looking for, by name: not otel-doctor's own settings
/// (`OTEL_DOCTOR_TRUST_ENDPOINTS` names hosts that endpoints rightly hold), nor the OTLP
/// endpoint a compose file interpolates (`${OTEL_EXPORTER_OTLP_ENDPOINT:-...}`): that value is
/// where the canary goes, not something it carries — unless it holds credentials
/// (`https://user:token@host`).
pub fn environment_values(
    environment: impl IntoIterator<Item = (String, String)>,
) -> Vec<EnvironmentValue> {
    let mut values: Vec<EnvironmentValue> = environment
        .into_iter()
        .filter(|(name, value)| {
            value.trim().len() >= MIN_SECRET_LEN
                && !name.starts_with("OTEL_DOCTOR_")
                && !is_plain_endpoint_setting(name, value)
        })
        .map(|(name, value)| EnvironmentValue {
            name,
            value: value.trim().to_string(),
        })
        .collect();
    values.sort_by(|a, b| a.name.cmp(&b.name));
    values
}

/// `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` naming a host, with
/// no user or password in it.
fn is_plain_endpoint_setting(name: &str, value: &str) -> bool {
    (name == otel::ENDPOINT || name == otel::TRACES_ENDPOINT) && !value.contains('@')
}

/// Keeps from `target` what its endpoint may not have, when the user has not trusted it: the
/// key and secret headers are not sent, and the canary is skipped when the endpoint or the
/// service name carries a secret, or when the endpoint is Honeycomb's. `chosen` when the user
/// named the endpoint.
pub fn guard(
    target: &mut Target,
    policy: &KeyPolicy,
    chosen: bool,
    environment: &[EnvironmentValue],
) {
    let Some(url) = otel::endpoint_url(&target.url, target.protocol) else {
        return;
    };
    let Err(refusal) = policy.check(&url, chosen) else {
        return;
    };
    let key = target
        .key
        .as_ref()
        .map(|key| key.value.trim().to_string())
        .filter(|key| key.len() >= MIN_SECRET_LEN);
    // What goes to this machine stays on it: only the configuration may keep the key from it.
    let leaves = !otel::is_loopback_host(url.host_str().unwrap_or_default());
    let carried = |text: &str| {
        if key.as_deref().is_some_and(|key| text.contains(key)) {
            return Some(KEY.to_string());
        }
        environment
            .iter()
            .filter(|_| leaves)
            .find(|var| text.contains(&var.value))
            .map(|var| format!("the value of ${} from this machine's environment", var.name))
    };
    let mut withheld = Withheld {
        endpoint: endpoint_of(&url),
        refusal,
        headers: Vec::new(),
        no_canary: None,
        trust: trust_pattern(&url),
    };
    target.headers.retain(|header| {
        let why = if header.name == honeycomb::TEAM_HEADER {
            Some(KEY.to_string())
        } else if secrets::is_secret_name(&header.name) {
            Some("a secret by its name".to_string())
        } else {
            carried(&header.value)
        };
        if let Some(why) = &why {
            withheld.headers.push(WithheldHeader {
                name: header.name.clone(),
                why: why.clone(),
            });
        }
        why.is_none()
    });
    withheld.no_canary = if let Some(why) = carried(&target.url) {
        Some(format!("its endpoint holds {why}"))
    } else if let Some(why) = carried(&target.resource_name) {
        Some(format!("its service.name holds {why}"))
    } else if withheld.takes_key() && honeycomb::region_of_host(&withheld.host()).is_some() {
        Some("without the key, Honeycomb answers nothing but 401".into())
    } else {
        None
    };
    if withheld.headers.is_empty() && withheld.no_canary.is_none() {
        return;
    }
    if let (None, Some(why)) = (&target.canary_skip, &withheld.no_canary) {
        target.canary_skip = Some(format!(
            "{} is not trusted with the key, and {why} (see canary/untrusted-endpoint)",
            withheld.endpoint
        ));
    }
    target.withheld = Some(withheld);
}

/// `host:port` as messages name an endpoint.
fn endpoint_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// What `--trust-endpoint` takes to trust `url`: `HOST:PORT` over TLS, else the scheme too.
fn trust_pattern(url: &Url) -> String {
    let endpoint = endpoint_of(url);
    if url.scheme() == "https" {
        endpoint
    } else {
        format!("{}://{endpoint}", url.scheme())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(trusted: &[&str], narrowed: Option<&[&str]>) -> KeyPolicy {
        let patterns = |list: &[&str]| {
            list.iter()
                .map(|p| EndpointPattern::parse(p).unwrap())
                .collect::<Vec<_>>()
        };
        KeyPolicy {
            trusted: patterns(trusted),
            narrowed: narrowed.map(|list| (patterns(list), ".otel-doctor.toml:3:15".to_string())),
        }
    }

    fn allowed(policy: &KeyPolicy, url: &str) -> bool {
        policy.check(&Url::parse(url).unwrap(), false).is_ok()
    }

    #[test]
    fn honeycomb_over_tls_and_this_machine_need_no_trust() {
        let none = policy(&[], None);
        for url in [
            "https://api.honeycomb.io/v1/traces",
            "https://API.EU1.honeycomb.io.:443",
            "http://127.0.0.1:4318/v1/traces",
            "http://localhost:4317",
            "http://[::1]:4318",
        ] {
            assert!(allowed(&none, url), "{url}");
        }
        for url in [
            "http://api.honeycomb.io/v1/traces",
            "https://api.honeycomb.io.exfil.example/v1/traces",
            "https://api.honeycomb.io@exfil.example/v1/traces",
            "http://exfil.example:4318/v1/traces",
            "https://collector.example.com:4318",
            "http://[::ffff:127.0.0.1]:4318",
        ] {
            assert!(!allowed(&none, url), "{url}");
        }
    }

    #[test]
    fn the_user_trusts_hosts_over_tls_and_plain_http_only_when_named() {
        let trusted = policy(
            &["collector.example.com", "http://exfil.example:4318"],
            None,
        );
        assert!(allowed(
            &trusted,
            "https://collector.example.com:4318/v1/traces"
        ));
        assert!(allowed(&trusted, "https://Collector.Example.com."));
        assert!(!allowed(&trusted, "http://collector.example.com:4318"));
        assert!(allowed(&trusted, "http://exfil.example:4318/v1/traces"));
        assert!(!allowed(&trusted, "http://exfil.example:4317"));
        let chosen = Url::parse("http://elsewhere.example:4318").unwrap();
        assert!(
            trusted.check(&chosen, true).is_ok(),
            "--endpoint is the user's"
        );
    }

    #[test]
    fn the_configuration_narrows_and_never_widens() {
        let narrowed = policy(&[], Some(&["api.honeycomb.io", "exfil.example"]));
        assert!(allowed(&narrowed, "https://api.honeycomb.io/v1/traces"));
        assert_eq!(
            narrowed.check(&Url::parse("https://api.eu1.honeycomb.io").unwrap(), false),
            Err(Refusal::LeftOut(".otel-doctor.toml:3:15".into()))
        );
        assert!(!allowed(&narrowed, "https://127.0.0.1:4318"));
        assert!(
            !allowed(&narrowed, "https://exfil.example:4318"),
            "named in send-key-to, still not trusted"
        );
        let empty = policy(&["exfil.example"], Some(&[]));
        assert!(!allowed(&empty, "https://api.honeycomb.io"));
        assert!(!allowed(&empty, "https://exfil.example"));
    }

    #[test]
    fn the_environments_endpoint_is_no_secret_unless_it_holds_credentials() {
        let names = |pairs: &[(&str, &str)]| {
            environment_values(pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())))
                .into_iter()
                .map(|var| var.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://exfil.example:4318"),
                (
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    "https://collector.example.com"
                ),
                ("OTEL_DOCTOR_TRUST_ENDPOINTS", "collector.example.com"),
                ("SHORT", "true"),
            ]),
            Vec::<String>::new()
        );
        assert_eq!(
            names(&[
                (
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    "https://user:s3cr3t-token@collector.example.com"
                ),
                (
                    "OTEL_EXPORTER_OTLP_HEADERS",
                    "x-honeycomb-team=abcdefgh12345678"
                ),
                ("AWS_SECRET_ACCESS_KEY", "abcdefgh12345678"),
            ]),
            [
                "AWS_SECRET_ACCESS_KEY",
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "OTEL_EXPORTER_OTLP_HEADERS"
            ]
        );
    }

    #[test]
    fn a_trust_pattern_names_the_scheme_only_for_plain_http() {
        let pattern = |u: &str| trust_pattern(&Url::parse(u).unwrap());
        assert_eq!(
            pattern("http://exfil.example:4318/v1/traces"),
            "http://exfil.example:4318"
        );
        assert_eq!(
            pattern("http://api.honeycomb.io/v1/traces"),
            "http://api.honeycomb.io:80"
        );
        assert_eq!(
            pattern("https://collector.example.com/v1/traces"),
            "collector.example.com:443"
        );
    }
}
