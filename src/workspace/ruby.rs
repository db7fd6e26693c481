//! What a Ruby file does with OpenTelemetry, from its lines: where it calls
//! `OpenTelemetry::SDK.configure` (which sets up the SDK; requiring the gem alone does not).
//! Comments are skipped; a call inside a string is not told apart (Ruby's heredocs and
//! interpolation make that a parser's job, and the cost is a rare missed finding).

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RubySource {
    /// `OpenTelemetry::SDK.configure`: line and column.
    pub configures_sdk: Option<(u32, u32)>,
    /// The file names the service (`c.service_name = ...`, a `service.name` resource).
    pub names_service: bool,
}

const CONFIGURE: &str = "OpenTelemetry::SDK.configure";

pub fn parse(text: &str) -> RubySource {
    let mut source = RubySource::default();
    let mut in_block_comment = false;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with("=begin") {
            in_block_comment = true;
        }
        if in_block_comment {
            in_block_comment = !line.starts_with("=end");
            continue;
        }
        let code = line.split('#').next().unwrap_or_default();
        source.names_service |= code.contains("service_name") || code.contains("service.name");
        if source.configures_sdk.is_none()
            && let Some(byte) = code.find(CONFIGURE)
        {
            let column = code[..byte].chars().count() + 1;
            source.configures_sdk = Some((
                u32::try_from(index + 1).unwrap_or(u32::MAX),
                u32::try_from(column).unwrap_or(u32::MAX),
            ));
        }
    }
    source
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_configure_call_outside_comments() {
        let text = "# OpenTelemetry::SDK.configure in a comment\n=begin\nOpenTelemetry::SDK.configure\n=end\nrequire 'opentelemetry/sdk'\n  OpenTelemetry::SDK.configure do |c|\n    c.use_all\n  end\n";
        assert_eq!(parse(text).configures_sdk, Some((6, 3)));
        assert!(!parse(text).names_service);
        assert!(parse("c.service_name = 'frontend'\n").names_service);
        assert_eq!(parse("require 'opentelemetry/sdk'\n").configures_sdk, None);
    }
}
