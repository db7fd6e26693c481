//! The OpenTelemetry Collector Helm chart's own `values.schema.json`, by chart version: Helm
//! validates the values merged over the chart's defaults against it before rendering, and
//! refuses the release when they fail ("values don't meet the specifications of the
//! schema(s)"). The files are the chart's schemas trimmed by
//! `scripts/gen-helm-collector-schema.py` to the keywords the validator implements
//! (`workspace::kubernetes::values_schema`); each records its tag and commit in `$comment`.

use super::collector::Version;

/// One schema, valid for the chart versions from `since` up to `until` (exclusive; `None`:
/// every later release too, as the newest known).
pub struct ChartSchema {
    pub since: Version,
    pub until: Option<Version>,
    pub recorded_from: &'static str,
    pub json: &'static str,
}

/// Newest first. The ranges are where the chart's schema, trimmed the same way, is the same
/// as at the recorded release (compared at every `opentelemetry-collector-*` tag of
/// open-telemetry/opentelemetry-helm-charts): 0.164.0 to 0.170.0, and 0.86.1 to 0.90.0.
/// Other versions are not checked: their schema is not known here.
pub const SCHEMAS: [ChartSchema; 2] = [
    ChartSchema {
        since: Version {
            major: 0,
            minor: 164,
            patch: 0,
        },
        until: None,
        recorded_from: "0.170.0",
        json: include_str!("helm_collector/values.schema-0.170.0.json"),
    },
    ChartSchema {
        since: Version {
            major: 0,
            minor: 86,
            patch: 1,
        },
        until: Some(Version {
            major: 0,
            minor: 90,
            patch: 1,
        }),
        recorded_from: "0.88.0",
        json: include_str!("helm_collector/values.schema-0.88.0.json"),
    },
];

/// The schema of a chart version (`None`: the newest known, as for the defaults), if known.
pub fn schema(version: Option<Version>) -> Option<&'static ChartSchema> {
    match version {
        None => SCHEMAS.first(),
        Some(version) => SCHEMAS
            .iter()
            .find(|s| version >= s.since && s.until.is_none_or(|until| version < until)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_pick_their_schema_or_none() {
        let recorded = |v: &str| schema(Version::parse(v)).map(|s| s.recorded_from);
        assert_eq!(schema(None).map(|s| s.recorded_from), Some("0.170.0"));
        assert_eq!(recorded("0.170.0"), Some("0.170.0"));
        assert_eq!(recorded("0.164.0"), Some("0.170.0"));
        assert_eq!(recorded("0.88.0"), Some("0.88.0"));
        assert_eq!(recorded("0.90.0"), Some("0.88.0"));
        assert_eq!(recorded("0.90.1"), None);
        assert_eq!(recorded("0.120.0"), None);
        assert_eq!(recorded("0.86.0"), None);
    }

    #[test]
    fn every_schema_is_json_with_its_source() {
        for known in &SCHEMAS {
            let schema: serde_json::Value = serde_json::from_str(known.json).unwrap();
            let comment = schema["$comment"].as_str().unwrap();
            assert!(comment.contains(&format!("opentelemetry-collector-{}", known.recorded_from)));
            assert_eq!(schema["type"], "object");
        }
    }
}
