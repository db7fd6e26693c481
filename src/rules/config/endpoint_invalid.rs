use crate::knowledge::otel::Protocol;
use crate::resolve::{EndpointForm, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the OTLP endpoint is a URL the SDK can use: a scheme (`https://`), a host,
    /// a valid port, and no quotes or spaces.
    ///
    /// ## Why is this bad?
    /// An endpoint like `api.honeycomb.io` (no scheme), `"https://api.honeycomb.io"` (quotes
    /// kept by list-form `environment`), `https://api.honeycomb.io ` (a trailing space) or
    /// `https://collector:43l8` (a bad port) makes the exporter fail on every export, or at
    /// start-up, and the app runs on without telemetry. Go's `WithEndpoint` takes the other
    /// shape, a host and port (`collector:4318`): given a URL, every export fails because the
    /// exporter cannot parse the URL it makes of it (`WithEndpointURL` takes a URL).
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   - OTEL_EXPORTER_OTLP_ENDPOINT="https://api.honeycomb.io"
    /// ```
    /// Use instead:
    /// ```yaml
    /// environment:
    ///   - OTEL_EXPORTER_OTLP_ENDPOINT=https://api.honeycomb.io
    /// ```
    pub struct EndpointInvalid => "config/endpoint-invalid", Error;
}

impl Check for EndpointInvalid {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let plan = service.export_plan();
            let (Some((value, name)), Some(location)) =
                (plan.endpoint_text(), plan.endpoint_location())
            else {
                continue;
            };
            let form = plan.endpoint_form();
            let Some(problem) = problem(value, plan.protocol, form) else {
                continue;
            };
            let hint = match form {
                EndpointForm::HostPort => host_port_hint(value, &name),
                EndpointForm::Url | EndpointForm::Either => {
                    format!("write it as a plain URL: {}", suggestion(value))
                }
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{name} is \"{value}\", which {problem}: the exporter cannot send anywhere."
                ),
                hint,
            );
        }
    }
}

fn problem(value: &str, protocol: Protocol, form: EndpointForm) -> Option<String> {
    if value.contains(['"', '\'']) {
        return Some("has quotes in it (quotes are not syntax in list-form `environment` or in an env file's unquoted values)".into());
    }
    if value.chars().any(char::is_whitespace) {
        return Some("contains whitespace".into());
    }
    match form {
        EndpointForm::HostPort if value.contains("://") => {
            return Some("is a URL where a host and port are expected (the exporter puts its own scheme in front and every export fails to parse the URL it makes)".into());
        }
        EndpointForm::HostPort if value.is_empty() => return Some("is empty".into()),
        EndpointForm::HostPort | EndpointForm::Either => return None,
        EndpointForm::Url => {}
    }
    let Some((scheme, _)) = value.split_once("://") else {
        return (protocol != Protocol::Grpc)
            .then(|| "has no scheme (http:// or https://)".to_string());
    };
    if !matches!(scheme, "http" | "https") {
        return Some(format!("has the scheme `{scheme}`, not http or https"));
    }
    match url::Url::parse(value) {
        Err(error) => Some(format!("is not a valid URL ({error})")),
        Ok(url) if url.host_str().is_none_or(str::is_empty) => Some("has no host".into()),
        Ok(_) => None,
    }
}

/// For an option that takes a host and port: the host and port of the URL given to it, or
/// the option that takes a URL.
fn host_port_hint(value: &str, name: &str) -> String {
    let url_option = name.replace("WithEndpoint(", "WithEndpointURL(");
    match url::Url::parse(value.trim())
        .ok()
        .filter(|u| u.host_str().is_some())
    {
        Some(url) => {
            let host = url.host_str().unwrap_or_default();
            let host_port = url
                .port()
                .map_or(host.to_string(), |p| format!("{host}:{p}"));
            let insecure = if url.scheme() == "http" {
                " with WithInsecure()"
            } else {
                ""
            };
            format!(
                "pass the host and port only: \"{host_port}\"{insecure}; or pass the URL to {url_option}"
            )
        }
        None => format!(
            "pass a host and port, such as \"otel-collector:4318\", or a URL to {url_option}"
        ),
    }
}

fn suggestion(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
        .collect();
    if cleaned.contains("://") {
        cleaned
    } else {
        format!("https://{cleaned}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_problem() {
        let http = Protocol::HttpProtobuf;
        let problem = |value: &str, protocol| problem(value, protocol, EndpointForm::Url);
        assert!(problem("https://api.honeycomb.io", http).is_none());
        assert!(
            problem("\"https://api.honeycomb.io\"", http)
                .unwrap()
                .starts_with("has quotes")
        );
        assert_eq!(
            problem("https://api.honeycomb.io ", http).unwrap(),
            "contains whitespace"
        );
        assert_eq!(
            problem("api.honeycomb.io", http).unwrap(),
            "has no scheme (http:// or https://)"
        );
        assert!(problem("api.honeycomb.io:443", Protocol::Grpc).is_none());
        assert_eq!(
            problem("https://x:99999", http).unwrap(),
            "is not a valid URL (invalid port number)"
        );
        assert_eq!(
            problem("grpc://x:4317", http).unwrap(),
            "has the scheme `grpc`, not http or https"
        );
        assert_eq!(
            suggestion("\"api.honeycomb.io\""),
            "https://api.honeycomb.io"
        );
    }

    #[test]
    fn a_host_and_port_option_takes_no_url() {
        let host_port =
            |value: &str| super::problem(value, Protocol::HttpProtobuf, EndpointForm::HostPort);
        assert!(host_port("otel-collector:4318").is_none());
        assert!(
            host_port("http://otel-collector:4318")
                .unwrap()
                .starts_with("is a URL")
        );
        assert_eq!(host_port("").unwrap(), "is empty");
        assert_eq!(
            host_port_hint(
                "http://otel-collector:4318",
                "otlptracehttp.WithEndpoint(...)"
            ),
            "pass the host and port only: \"otel-collector:4318\" with WithInsecure(); or pass the URL to otlptracehttp.WithEndpointURL(...)"
        );
    }
}
