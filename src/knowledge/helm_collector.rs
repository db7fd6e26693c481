//! The OpenTelemetry Collector Helm chart (`open-telemetry/opentelemetry-collector`, from
//! open-telemetry/opentelemetry-helm-charts, `charts/opentelemetry-collector`): its default
//! values by chart version, and what its templates make of the values — the collector's
//! container, its config file, its Service, the presets' components and the renames of
//! deprecated component names.

use super::collector::Version;

/// The chart's name, in a `Chart.yaml` dependency, a HelmRelease or an Argo CD Application.
pub const CHART: &str = "opentelemetry-collector";

/// The collector's container (`lowercase_chartname`), and the path the chart mounts the
/// config at (`_pod.tpl`: `--config=/conf/relay.yaml`, from the ConfigMap's `relay` key).
pub const CONTAINER: &str = "opentelemetry-collector";
pub const CONFIG_PATH: &str = "/conf/relay.yaml";

/// `mode:` values the chart renders (`_helpers.tpl`: "'mode' must be set").
pub const MODES: [&str; 3] = ["deployment", "daemonset", "statefulset"];

/// The image hints suggest: the distribution built for Kubernetes.
pub const SUGGESTED_IMAGE: &str = "otel/opentelemetry-collector-k8s";

/// The mode whose pods run one per node: only then does the chart give ports their
/// `hostPort` (`podPortsConfig`, `isAgent`).
pub const NODE_LOCAL_MODE: &str = "daemonset";

/// Chart 0.89.0 removed the default image ("[collector] Remove default collector image
/// (#1148)"): from then on the chart fails without `image.repository`.
pub const IMAGE_REQUIRED_SINCE: Version = Version {
    major: 0,
    minor: 89,
    patch: 0,
};

/// One table of defaults: the chart's `values.yaml` (the keys that decide the collector) as
/// released in `recorded_from`, valid for the chart versions from `since` on, and the
/// collector release (`appVersion`) the image tag defaults to.
pub struct ChartDefaults {
    pub since: Version,
    pub recorded_from: &'static str,
    pub app_version: &'static str,
    pub values: &'static str,
    /// Each preset's component config, by preset key (`_config.tpl`), with `{namespace}` and
    /// `{fullname}` for the release's.
    pub presets: &'static str,
}

/// Newest first. Chart 0.170.0 (appVersion 0.158.0) and 0.88.0 (appVersion 0.98.0), the
/// last release with a default image.
pub const DEFAULTS: [ChartDefaults; 2] = [
    ChartDefaults {
        since: IMAGE_REQUIRED_SINCE,
        recorded_from: "0.170.0",
        app_version: "0.158.0",
        values: include_str!("helm_collector/values-0.170.0.yaml"),
        presets: include_str!("helm_collector/presets-0.170.0.yaml"),
    },
    ChartDefaults {
        since: Version {
            major: 0,
            minor: 0,
            patch: 0,
        },
        recorded_from: "0.88.0",
        app_version: "0.98.0",
        values: include_str!("helm_collector/values-0.88.0.yaml"),
        presets: include_str!("helm_collector/presets-0.88.0.yaml"),
    },
];

/// The defaults of a chart version (`None`: the newest known).
pub fn defaults(version: Option<Version>) -> &'static ChartDefaults {
    let newest = &DEFAULTS[0];
    match version {
        None => newest,
        Some(version) => DEFAULTS
            .iter()
            .find(|table| version >= table.since)
            .unwrap_or(newest),
    }
}

/// A component name the chart rewrites in the config (with `rewriteDeprecatedComponentNames`,
/// default true), from chart `since` on (`deprecatedComponentRenames`, chart 0.162.0).
pub struct Rename {
    pub since: Version,
    pub section: &'static str,
    pub old: &'static str,
    pub new: &'static str,
}

const RENAMES_SINCE: Version = Version {
    major: 0,
    minor: 162,
    patch: 0,
};

pub const RENAMES: [Rename; 2] = [
    Rename {
        since: RENAMES_SINCE,
        section: "receivers",
        old: "filelog",
        new: "file_log",
    },
    Rename {
        since: RENAMES_SINCE,
        section: "processors",
        old: "k8sattributes",
        new: "k8s_attributes",
    },
];

/// What a preset (`presets.<key>.enabled: true`) adds to the config (`_config.tpl`,
/// `apply*Config`): a component, listed in pipelines (a processor first, a receiver last).
pub struct Preset {
    pub key: &'static str,
    pub section: &'static str,
    pub component: &'static str,
    pub pipelines: &'static [&'static str],
}

pub const PRESETS: [Preset; 7] = [
    Preset {
        key: "kubernetesAttributes",
        section: "processors",
        component: "k8sattributes",
        pipelines: &["logs", "metrics", "traces"],
    },
    Preset {
        key: "logsCollection",
        section: "receivers",
        component: "filelog",
        pipelines: &["logs"],
    },
    Preset {
        key: "hostMetrics",
        section: "receivers",
        component: "hostmetrics",
        pipelines: &["metrics"],
    },
    Preset {
        key: "kubeletMetrics",
        section: "receivers",
        component: "kubeletstats",
        pipelines: &["metrics"],
    },
    Preset {
        key: "clusterMetrics",
        section: "receivers",
        component: "k8s_cluster",
        pipelines: &["metrics"],
    },
    Preset {
        key: "kubernetesEvents",
        section: "receivers",
        component: "k8sobjects",
        pipelines: &["logs"],
    },
    Preset {
        key: "kubernetesObjects",
        section: "receivers",
        component: "k8sobjects",
        pipelines: &["logs"],
    },
];

/// The Service the chart names `fullname` (`_helpers.tpl`): `fullnameOverride`, else the
/// release name when it contains the chart's name (`nameOverride`, or a dependency's
/// alias), else `<release>-<name>`, cut at 63 characters.
pub fn fullname(fullname_override: Option<&str>, release: &str, name: &str) -> String {
    let full = match fullname_override.filter(|f| !f.is_empty()) {
        Some(full) => full.to_string(),
        None if release.contains(name) => release.to_string(),
        None => format!("{release}-{name}"),
    };
    full.chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullname_follows_the_chart_helper() {
        assert_eq!(
            fullname(None, "otel", "opentelemetry-collector"),
            "otel-opentelemetry-collector"
        );
        assert_eq!(
            fullname(
                None,
                "my-opentelemetry-collector",
                "opentelemetry-collector"
            ),
            "my-opentelemetry-collector"
        );
        assert_eq!(fullname(Some("gateway"), "otel", "x"), "gateway");
    }

    #[test]
    fn versions_pick_their_table() {
        assert_eq!(defaults(None).recorded_from, "0.170.0");
        assert_eq!(defaults(Version::parse("0.88.1")).recorded_from, "0.88.0");
        assert_eq!(defaults(Version::parse("0.120.0")).recorded_from, "0.170.0");
    }
}
