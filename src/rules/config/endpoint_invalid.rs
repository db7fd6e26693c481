use crate::knowledge::otel::Protocol;
use crate::resolve::Project;
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
    /// start-up, and the app runs on without telemetry.
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
            let Some(problem) = problem(value, plan.protocol) else {
                continue;
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{name} is \"{value}\", which {problem}: the exporter cannot send anywhere."
                ),
                format!("write it as a plain URL: {}", suggestion(value)),
            );
        }
    }
}

fn problem(value: &str, protocol: Protocol) -> Option<String> {
    if value.contains(['"', '\'']) {
        return Some("has quotes in it (quotes are not syntax in list-form `environment` or in an env file's unquoted values)".into());
    }
    if value.chars().any(char::is_whitespace) {
        return Some("contains whitespace".into());
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
}
