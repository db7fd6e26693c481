//! What the tool knows about the OpenTelemetry Collector: its official images and where each
//! looks for its config, which components each distribution ships in which release, which
//! behaviours changed with a release, and where each exporter sends data.
//!
//! Sources (checked in 2026-08): the Dockerfiles and `manifest.yaml` of every `v0.x.0` tag of
//! open-telemetry/opentelemetry-collector-releases (components per distribution and release),
//! the core collector's CHANGELOG.md (behaviour changes) and its components' `metadata.yaml`
//! (type names). Contrib components are listed by their module name without the kind suffix;
//! contrib is renaming types to snake_case (`azureauth` → `azure_auth`, both accepted), so
//! names are compared without underscores.

use std::fmt;

use super::collector_manifests;

/// A release of the collector. Every release so far is 0.x.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

const fn v(minor: u32) -> Version {
    Version {
        major: 0,
        minor,
        patch: 0,
    }
}

impl Version {
    /// `0.114.0`, `v0.114.0`, `0.114.0-amd64`, `0.114`; not `latest`.
    pub fn parse(tag: &str) -> Option<Version> {
        let tag = tag.strip_prefix('v').unwrap_or(tag);
        let core = tag.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(patch) => patch.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Version {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// v0.104.0: "The otlpreceiver will now use localhost by default instead of 0.0.0.0"
/// (`component.UseLocalHostAsDefaultHost`, stable in v0.110.0): from another container the
/// receiver is out of reach.
pub const RECEIVERS_DEFAULT_TO_LOCALHOST: Version = v(104);

/// v0.104.0: "expandconverter will now error if it is about to expand `$FOO` syntax": the
/// collector refuses to start.
pub const BARE_VARIABLES_REFUSED: Version = v(104);

/// v0.107.0: `confmap.unifyEnvVarExpansion` stable, "Expansion of `$FOO` env vars is no longer
/// supported": the text is kept as written.
pub const BARE_VARIABLES_KEPT: Version = v(107);

/// v0.144.0: the `otlp` exporter became `otlp_grpc` and `otlphttp` became `otlp_http`; the
/// old names stay as aliases.
pub const OTLP_EXPORTERS_RENAMED: Version = v(144);

/// The OTLP receiver's ports when its `endpoint` is not set.
pub const OTLP_GRPC_PORT: u16 = 4317;
pub const OTLP_HTTP_PORT: u16 = 4318;

/// An official distribution, as released by open-telemetry/opentelemetry-collector-releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Distribution {
    Core,
    Contrib,
    K8s,
    Otlp,
}

impl Distribution {
    /// The image's repository name, under any registry (`otel/`, `ghcr.io/open-telemetry/...`).
    fn repository(self) -> &'static str {
        match self {
            Distribution::Core => "opentelemetry-collector",
            Distribution::Contrib => "opentelemetry-collector-contrib",
            Distribution::K8s => "opentelemetry-collector-k8s",
            Distribution::Otlp => "opentelemetry-collector-otlp",
        }
    }

    /// The binary, which is also the image's entrypoint (`/otelcol-contrib`).
    pub fn binary(self) -> &'static str {
        match self {
            Distribution::Core => "otelcol",
            Distribution::Contrib => "otelcol-contrib",
            Distribution::K8s => "otelcol-k8s",
            Distribution::Otlp => "otelcol-otlp",
        }
    }

    /// The image every example uses, for hints.
    pub fn image(self) -> String {
        format!("otel/{}", self.repository())
    }

    /// Where the image's `CMD ["--config", ...]` looks; the k8s and otlp images have no default
    /// config and exit without `--config`.
    pub fn default_config(self) -> Option<&'static str> {
        match self {
            Distribution::Core => Some("/etc/otelcol/config.yaml"),
            Distribution::Contrib => Some("/etc/otelcol-contrib/config.yaml"),
            Distribution::K8s | Distribution::Otlp => None,
        }
    }

    /// Whether every component of this distribution is listed here, so that a component not
    /// listed is certainly unknown to it (contrib ships hundreds and has removed many: its list
    /// is the newest release's, so only typos are certain there).
    pub fn fully_listed(self) -> bool {
        matches!(
            self,
            Distribution::Core | Distribution::Otlp | Distribution::K8s
        )
    }

    /// The distribution whose components `collector_components.txt` lists release by release
    /// (core's and otlp's short lists are below, and a test holds them to the table).
    fn manifests(self) -> Option<&'static str> {
        (self == Distribution::K8s).then_some(self.binary())
    }

    const ALL: [Distribution; 4] = [
        Distribution::Contrib,
        Distribution::Core,
        Distribution::K8s,
        Distribution::Otlp,
    ];
}

/// An image reference split into what matters here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectorImage {
    pub distribution: Distribution,
    /// `None` for `latest`, no tag, a digest or an unparsable tag: the newest behaviour.
    pub version: Option<Version>,
}

/// The distribution and release of an image reference, if it is an official collector image.
pub fn collector_image(image: &str) -> Option<CollectorImage> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let name_start = without_digest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match without_digest[name_start..].split_once(':') {
        Some((name, tag)) => (name, Some(tag)),
        None => (&without_digest[name_start..], None),
    };
    let distribution = Distribution::ALL
        .into_iter()
        .find(|d| d.repository() == repository.to_ascii_lowercase())?;
    Some(CollectorImage {
        distribution,
        version: tag.and_then(Version::parse),
    })
}

/// Vendors' distributions of the OpenTelemetry Collector, by their image's repository name
/// (under any registry). They read the same config, but ship their own component set and
/// number their own releases: neither is judged against the official ones.
const VENDOR_DISTRIBUTIONS: &[(&str, &str)] = &[
    (
        "aws-otel-collector",
        "the AWS Distro for OpenTelemetry Collector",
    ),
    (
        "splunk-otel-collector",
        "the Splunk Distribution of the OpenTelemetry Collector",
    ),
    (
        "elastic-otel-collector",
        "the Elastic Distribution of the OpenTelemetry Collector",
    ),
    (
        "sumologic-otel-collector",
        "the Sumo Logic Distribution of the OpenTelemetry Collector",
    ),
    (
        "dynatrace-otel-collector",
        "the Dynatrace Distribution of the OpenTelemetry Collector",
    ),
    (
        "observiq-otel-collector",
        "observIQ's Distribution of the OpenTelemetry Collector",
    ),
    (
        "bindplane-agent",
        "the BindPlane Distribution of the OpenTelemetry Collector",
    ),
    (
        "nrdot-collector",
        "the New Relic Distribution of the OpenTelemetry Collector",
    ),
];

/// A collector known by its image: an official distribution, a vendor's, or a custom build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KnownCollector {
    Official(CollectorImage),
    /// A vendor's distribution, by name.
    Vendor(&'static str),
    /// A build of its own (`ocb`'s `otelcol-custom`, `acme/otel-collector`).
    Custom,
}

/// The collector an image runs, if it runs one. Other images that take a `--config` flag
/// (Prometheus, Grafana, Tempo, Loki, Jaeger, `grafana/otel-lgtm`) are not collectors.
pub fn known_collector(image: &str) -> Option<KnownCollector> {
    if let Some(official) = collector_image(image) {
        return Some(KnownCollector::Official(official));
    }
    let without_digest = image.split('@').next().unwrap_or(image);
    let name_start = without_digest.rfind('/').map_or(0, |i| i + 1);
    let repository = without_digest[name_start..]
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if let Some((_, vendor)) = VENDOR_DISTRIBUTIONS
        .iter()
        .find(|(name, _)| repository.starts_with(name))
    {
        return Some(KnownCollector::Vendor(vendor));
    }
    // The builder (`otel/opentelemetry-collector-builder`) builds collectors, it is not one.
    let custom = (repository.starts_with("otelcol")
        || repository.contains("otel-collector")
        || repository.contains("opentelemetry-collector"))
        && !repository.contains("builder");
    custom.then_some(KnownCollector::Custom)
}

/// Whether a program is a collector binary (`/otelcol-contrib`, `otelcol`, a custom
/// `otelcol-custom` built with ocb).
pub fn is_collector_binary(program: &str) -> bool {
    program
        .rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with("otelcol"))
}

/// The sections of a collector config that define components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Receiver,
    Processor,
    Exporter,
    Connector,
    Extension,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Receiver,
        Kind::Processor,
        Kind::Exporter,
        Kind::Connector,
        Kind::Extension,
    ];

    /// The top-level key of the config (`receivers:`).
    pub fn section(self) -> &'static str {
        match self {
            Kind::Receiver => "receivers",
            Kind::Processor => "processors",
            Kind::Exporter => "exporters",
            Kind::Connector => "connectors",
            Kind::Extension => "extensions",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Receiver => "receiver",
            Kind::Processor => "processor",
            Kind::Exporter => "exporter",
            Kind::Connector => "connector",
            Kind::Extension => "extension",
        }
    }
}

/// A component that is not in every release, or not forever.
struct Versioned {
    kind: Kind,
    name: &'static str,
    distributions: &'static [Distribution],
    /// The first release that has it.
    since: Option<Version>,
    /// The last release that has it.
    until: Option<Version>,
    /// What to use instead, for hints.
    instead: &'static str,
    /// Deprecated from this release on (it still works until `until`).
    deprecated: Option<Version>,
}

const EVERYWHERE: &[Distribution] = &[
    Distribution::Core,
    Distribution::Contrib,
    Distribution::K8s,
    Distribution::Otlp,
];
const CORE_CONTRIB_K8S: &[Distribution] =
    &[Distribution::Core, Distribution::Contrib, Distribution::K8s];
const CORE_CONTRIB: &[Distribution] = &[Distribution::Core, Distribution::Contrib];
const CONTRIB: &[Distribution] = &[Distribution::Contrib];

const fn removed(
    kind: Kind,
    name: &'static str,
    distributions: &'static [Distribution],
    until: u32,
    instead: &'static str,
) -> Versioned {
    Versioned {
        kind,
        name,
        distributions,
        since: None,
        until: Some(v(until)),
        instead,
        deprecated: None,
    }
}

const fn added(
    kind: Kind,
    name: &'static str,
    distributions: &'static [Distribution],
    since: u32,
) -> Versioned {
    Versioned {
        kind,
        name,
        distributions,
        since: Some(v(since)),
        until: None,
        instead: "",
        deprecated: None,
    }
}

/// Components that came or went, from the releases' manifests.
const VERSIONED: &[Versioned] = &[
    removed(
        Kind::Exporter,
        "jaeger",
        CORE_CONTRIB,
        84,
        "the `otlp` exporter to Jaeger's OTLP port (jaeger:4317)",
    ),
    removed(
        Kind::Exporter,
        "jaeger_thrift",
        CONTRIB,
        84,
        "the `otlp` exporter to Jaeger's OTLP port (jaeger:4317)",
    ),
    Versioned {
        kind: Kind::Exporter,
        name: "logging",
        distributions: CORE_CONTRIB,
        since: None,
        until: Some(v(110)),
        instead: "the `debug` exporter",
        deprecated: Some(v(86)),
    },
    added(Kind::Exporter, "debug", CORE_CONTRIB_K8S, 86),
    added(Kind::Exporter, "nop", CORE_CONTRIB_K8S, 98),
    added(Kind::Receiver, "nop", CORE_CONTRIB, 98),
    added(Kind::Exporter, "otlp_grpc", EVERYWHERE, 144),
    added(Kind::Exporter, "otlp_http", EVERYWHERE, 144),
    added(Kind::Connector, "forward", CORE_CONTRIB_K8S, 73),
    removed(
        Kind::Exporter,
        "honeycomb",
        CONTRIB,
        56,
        "the `otlp` exporter to api.honeycomb.io:443 with the `x-honeycomb-team` header",
    ),
    removed(
        Kind::Exporter,
        "opencensus",
        CORE_CONTRIB,
        131,
        "the `otlp` exporter",
    ),
    removed(
        Kind::Receiver,
        "opencensus",
        CORE_CONTRIB_K8S,
        131,
        "the `otlp` receiver",
    ),
    removed(
        Kind::Extension,
        "memory_ballast",
        CORE_CONTRIB,
        107,
        "the `memory_limiter` processor",
    ),
    removed(
        Kind::Exporter,
        "loki",
        CONTRIB,
        130,
        "the `otlphttp` exporter to Loki's OTLP endpoint",
    ),
    removed(Kind::Exporter, "sapm", CONTRIB, 146, "the `otlp` exporter"),
    removed(
        Kind::Exporter,
        "dynatrace",
        CONTRIB,
        98,
        "the `otlphttp` exporter",
    ),
    removed(
        Kind::Exporter,
        "newrelic",
        CONTRIB,
        50,
        "the `otlp` exporter to otlp.nr-data.net:4317",
    ),
    removed(
        Kind::Exporter,
        "elastic",
        CONTRIB,
        56,
        "the `otlp` exporter to the APM server",
    ),
    removed(
        Kind::Exporter,
        "skywalking",
        CONTRIB,
        104,
        "the `otlp` exporter",
    ),
    removed(
        Kind::Exporter,
        "instana",
        CONTRIB,
        109,
        "the `otlp` exporter",
    ),
    removed(
        Kind::Exporter,
        "tanzuobservability",
        CONTRIB,
        91,
        "the `otlp` exporter",
    ),
    removed(
        Kind::Exporter,
        "stackdriver",
        CONTRIB,
        49,
        "the `googlecloud` exporter",
    ),
    removed(
        Kind::Exporter,
        "awsprometheusremotewrite",
        CONTRIB,
        56,
        "the `prometheusremotewrite` exporter with the `sigv4auth` extension",
    ),
    removed(Kind::Exporter, "carbon", CONTRIB, 140, "another exporter"),
    removed(
        Kind::Exporter,
        "f5cloud",
        CONTRIB,
        95,
        "the `otlphttp` exporter",
    ),
    removed(Kind::Exporter, "humio", CONTRIB, 70, "another exporter"),
    removed(Kind::Exporter, "parquet", CONTRIB, 86, "another exporter"),
    removed(
        Kind::Processor,
        "spanmetrics",
        CONTRIB,
        95,
        "the `spanmetrics` connector",
    ),
    removed(
        Kind::Processor,
        "servicegraph",
        CONTRIB,
        93,
        "the `servicegraph` connector",
    ),
    removed(
        Kind::Processor,
        "routing",
        CONTRIB,
        119,
        "the `routing` connector",
    ),
    removed(
        Kind::Processor,
        "datadog",
        CONTRIB,
        93,
        "the `datadog` connector",
    ),
    removed(
        Kind::Receiver,
        "signalfx",
        CONTRIB,
        156,
        "the `otlp` receiver",
    ),
    removed(Kind::Receiver, "sapm", CONTRIB, 132, "the `otlp` receiver"),
    removed(Kind::Receiver, "jmx", CONTRIB, 153, "another receiver"),
    removed(
        Kind::Extension,
        "ecs_task_observer",
        CONTRIB,
        138,
        "the `ecs_observer` extension",
    ),
];

/// Core's components in every release since v0.64 (from its manifests; before v0.64 core
/// components came implicitly and the list is not checked).
const CORE: &[(Kind, &str)] = &[
    (Kind::Receiver, "otlp"),
    (Kind::Receiver, "hostmetrics"),
    (Kind::Receiver, "jaeger"),
    (Kind::Receiver, "kafka"),
    (Kind::Receiver, "prometheus"),
    (Kind::Receiver, "zipkin"),
    (Kind::Exporter, "otlp"),
    (Kind::Exporter, "otlphttp"),
    (Kind::Exporter, "file"),
    (Kind::Exporter, "kafka"),
    (Kind::Exporter, "prometheus"),
    (Kind::Exporter, "prometheusremotewrite"),
    (Kind::Exporter, "zipkin"),
    (Kind::Processor, "batch"),
    (Kind::Processor, "memory_limiter"),
    (Kind::Processor, "attributes"),
    (Kind::Processor, "filter"),
    (Kind::Processor, "probabilistic_sampler"),
    (Kind::Processor, "resource"),
    (Kind::Processor, "span"),
    (Kind::Extension, "health_check"),
    (Kind::Extension, "pprof"),
    (Kind::Extension, "zpages"),
];

/// The first release whose core component list above is complete.
const CORE_LISTED_SINCE: Version = v(64);

/// The otlp distribution (since v0.111): an OTLP receiver and the OTLP exporters.
const OTLP: &[(Kind, &str)] = &[
    (Kind::Receiver, "otlp"),
    (Kind::Exporter, "otlp"),
    (Kind::Exporter, "otlphttp"),
];

/// Contrib's components in v0.159.0 (without the versioned ones above), by module name.
const CONTRIB_RECEIVERS: &[&str] = &[
    "active_directory_ds",
    "aerospike",
    "apache",
    "apachespark",
    "awscloudwatch",
    "awscontainerinsightreceiver",
    "awsecscontainermetrics",
    "awsfirehose",
    "awslambda",
    "awss3",
    "awsxray",
    "azureblob",
    "azureeventhub",
    "azuremonitor",
    "carbon",
    "chrony",
    "ciscoos",
    "cloudflare",
    "cloudfoundry",
    "collectd",
    "couchdb",
    "datadog",
    "docker_stats",
    "elasticsearch",
    "envoyals",
    "expvar",
    "faro",
    "filelog",
    "filestats",
    "flinkmetrics",
    "fluentforward",
    "github",
    "gitlab",
    "googlecloudmonitoring",
    "googlecloudpubsub",
    "googlecloudspanner",
    "haproxy",
    "hostmetrics",
    "httpcheck",
    "icmpcheck",
    "iis",
    "influxdb",
    "jaeger",
    "journald",
    "k8s_cluster",
    "k8s_events",
    "k8sobjects",
    "kafka",
    "kafkametrics",
    "kubeletstats",
    "libhoney",
    "loki",
    "macosunifiedlogging",
    "memcached",
    "mongodb",
    "mongodbatlas",
    "mysql",
    "namedpipe",
    "netflow",
    "nginx",
    "nsxt",
    "ntp",
    "obi",
    "oracledb",
    "otelarrow",
    "otlp",
    "otlpjsonfile",
    "podman_stats",
    "postgresql",
    "pprof",
    "prometheus",
    "prometheus_simple",
    "prometheusremotewrite",
    "pulsar",
    "purefa",
    "purefb",
    "rabbitmq",
    "receiver_creator",
    "redis",
    "riak",
    "saphana",
    "skywalking",
    "snmp",
    "snowflake",
    "solace",
    "splunk_hec",
    "splunkenterprise",
    "sqlquery",
    "sqlserver",
    "sshcheck",
    "statsd",
    "stef",
    "syslog",
    "systemd",
    "tcpcheck",
    "tcplog",
    "tlscheck",
    "udplog",
    "vcenter",
    "wavefront",
    "webhookevent",
    "windowseventlog",
    "windowsperfcounters",
    "windowsservice",
    "yanggrpc",
    "zipkin",
    "zookeeper",
];

const CONTRIB_EXPORTERS: &[&str] = &[
    "alibabacloud_logservice",
    "awscloudwatchlogs",
    "awsemf",
    "awskinesis",
    "awss3",
    "awsxray",
    "azureblob",
    "azuredataexplorer",
    "azuremonitor",
    "bmchelix",
    "cassandra",
    "clickhouse",
    "coralogix",
    "datadog",
    "dataset",
    "doris",
    "elasticsearch",
    "faro",
    "file",
    "googlecloud",
    "googlecloudpubsub",
    "googlecloudstorage",
    "googlemanagedprometheus",
    "honeycombmarker",
    "influxdb",
    "kafka",
    "loadbalancing",
    "logicmonitor",
    "logzio",
    "mezmo",
    "opensearch",
    "otelarrow",
    "otlp",
    "otlphttp",
    "prometheus",
    "prometheusremotewrite",
    "pulsar",
    "rabbitmq",
    "sentry",
    "signalfx",
    "splunk_hec",
    "stef",
    "sumologic",
    "syslog",
    "tencentcloud_logservice",
    "tinybird",
    "zipkin",
];

const CONTRIB_PROCESSORS: &[&str] = &[
    "attributes",
    "batch",
    "cardinality_guardian",
    "coralogix",
    "cumulativetodelta",
    "deltatocumulative",
    "deltatorate",
    "drain",
    "filter",
    "genainormalizer",
    "geoip",
    "groupbyattrs",
    "groupbytrace",
    "interval",
    "isolationforest",
    "k8sattributes",
    "logdedup",
    "memory_limiter",
    "metricsgeneration",
    "metricstarttime",
    "metricstransform",
    "probabilistic_sampler",
    "redaction",
    "remotetap",
    "resource",
    "resourcedetection",
    "schema",
    "span",
    "sumologic",
    "tail_sampling",
    "transform",
    "unroll",
];

const CONTRIB_EXTENSIONS: &[&str] = &[
    "ack",
    "asapclient",
    "awscloudwatchmetricstreams_encoding",
    "awsiamdbauth",
    "awslogs_encoding",
    "awsproxy",
    "azure_auth",
    "azure_encoding",
    "basicauth",
    "bearertokenauth",
    "cgroup_runtime",
    "datadog",
    "db_storage",
    "docker_observer",
    "ecs_observer",
    "file_storage",
    "googleclientauth",
    "googlecloudlogentry_encoding",
    "headers_setter",
    "health_check",
    "host_observer",
    "http_forwarder",
    "jaeger_encoding",
    "jaegerremotesampling",
    "json_log_encoding",
    "k8s_leader_elector",
    "k8s_observer",
    "oauth2client",
    "oidc",
    "opamp",
    "otlp_encoding",
    "pebbletailstorage",
    "pprof",
    "redis_storage",
    "sigv4auth",
    "skywalking_encoding",
    "sumologic",
    "text_encoding",
    "zipkin_encoding",
    "zpages",
];

const CONTRIB_CONNECTORS: &[&str] = &[
    "count",
    "datadog",
    "exceptions",
    "failover",
    "forward",
    "grafanacloud",
    "otlpjson",
    "roundrobin",
    "routing",
    "servicegraph",
    "signaltometrics",
    "spanmetrics",
    "sum",
];

fn contrib(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Receiver => CONTRIB_RECEIVERS,
        Kind::Exporter => CONTRIB_EXPORTERS,
        Kind::Processor => CONTRIB_PROCESSORS,
        Kind::Extension => CONTRIB_EXTENSIONS,
        Kind::Connector => CONTRIB_CONNECTORS,
    }
}

/// Whether two component types are one, underscores and case aside: `azure_auth` is
/// `azureauth`. Compared without allocating: it runs for every component against every list.
fn same_type(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (
        a.bytes().filter(|b| *b != b'_'),
        b.bytes().filter(|b| *b != b'_'),
    );
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p.eq_ignore_ascii_case(&q) => {}
            _ => return false,
        }
    }
}

/// Whether an image of a distribution and release has a component type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Available,
    /// Works, but is deprecated and will go.
    Deprecated {
        instead: &'static str,
    },
    /// Added in a later release.
    Added {
        since: Version,
    },
    /// Gone after `until`.
    Removed {
        until: Version,
        instead: &'static str,
    },
    /// Known, but in other distributions only.
    ElsewhereOnly {
        distributions: Vec<Distribution>,
    },
    /// Not in this distribution, which is fully listed: the collector refuses to start.
    Unknown,
    /// Not listed here, in a distribution only partly listed: it may exist.
    NotListed,
}

/// What an image of `distribution` at `version` (`None`: the newest) makes of a component type.
pub fn availability(
    distribution: Distribution,
    version: Option<Version>,
    kind: Kind,
    name: &str,
) -> Availability {
    // Exact names here: `otlphttp` is the old name, `otlp_http` the new one.
    let versioned = VERSIONED
        .iter()
        .find(|c| c.kind == kind && c.name.eq_ignore_ascii_case(name.trim()));
    let listing = distribution.manifests().and_then(|binary| {
        collector_manifests::listing(binary, kind.name(), |listed| same_type(listed, name))
    });
    if let Some(listing) = listing {
        return listed_availability(listing, version, versioned);
    }
    if let Some(component) = versioned {
        if let Some(until) = component.until
            && version.is_none_or(|version| version > until)
        {
            return Availability::Removed {
                until,
                instead: component.instead,
            };
        }
        if !component.distributions.contains(&distribution) {
            return Availability::ElsewhereOnly {
                distributions: component.distributions.to_vec(),
            };
        }
        if let (Some(since), Some(version)) = (component.since, version)
            && version < since
        {
            return Availability::Added { since };
        }
        if let Some(deprecated) = component.deprecated
            && version.is_none_or(|version| version >= deprecated)
        {
            return Availability::Deprecated {
                instead: component.instead,
            };
        }
        return Availability::Available;
    }
    if listed_in(distribution, kind, name) {
        return Availability::Available;
    }
    if distribution.fully_listed() {
        if distribution == Distribution::Core && version.is_some_and(|v| v < CORE_LISTED_SINCE) {
            return Availability::NotListed;
        }
        let elsewhere: Vec<Distribution> = Distribution::ALL
            .into_iter()
            .filter(|d| *d != distribution && listed_in(*d, kind, name))
            .collect();
        if elsewhere.is_empty() {
            Availability::Unknown
        } else {
            Availability::ElsewhereOnly {
                distributions: elsewhere,
            }
        }
    } else {
        Availability::NotListed
    }
}

/// What a release makes of a component its distribution's manifests list in some releases.
fn listed_availability(
    listing: &collector_manifests::Listing,
    version: Option<Version>,
    versioned: Option<&Versioned>,
) -> Availability {
    let minor = version.map(|version| version.minor);
    if let Some(minor) = minor
        && minor < listing.since
    {
        return Availability::Added {
            since: v(listing.since),
        };
    }
    if let Some(until) = listing.until
        && minor.is_none_or(|minor| minor > until)
    {
        return Availability::Removed {
            until: v(until),
            instead: versioned.map_or("a component the release lists", |c| c.instead),
        };
    }
    if let Some(deprecated) = versioned.and_then(|c| c.deprecated)
        && version.is_none_or(|version| version >= deprecated)
    {
        return Availability::Deprecated {
            instead: versioned.map_or("", |c| c.instead),
        };
    }
    Availability::Available
}

fn listed_in(distribution: Distribution, kind: Kind, name: &str) -> bool {
    let in_list = |list: &[&str]| list.iter().any(|n| same_type(n, name));
    let pairs = |list: &[(Kind, &str)]| list.iter().any(|(k, n)| *k == kind && same_type(n, name));
    match distribution {
        Distribution::Core => pairs(CORE),
        Distribution::Otlp => pairs(OTLP),
        Distribution::Contrib => in_list(contrib(kind)),
        Distribution::K8s => {
            collector_manifests::listing(distribution.binary(), kind.name(), |listed| {
                same_type(listed, name)
            })
            .is_some()
        }
    }
}

/// Every component type of a kind an image has, for "did you mean" suggestions.
pub fn known_names(
    distribution: Distribution,
    version: Option<Version>,
    kind: Kind,
) -> Vec<&'static str> {
    let listed: Vec<&'static str> = match distribution {
        Distribution::Core => CORE
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| *n)
            .collect(),
        Distribution::Otlp => OTLP
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| *n)
            .collect(),
        Distribution::Contrib => contrib(kind).to_vec(),
        Distribution::K8s => {
            collector_manifests::names(distribution.binary(), kind.name(), version.map(|v| v.minor))
        }
    };
    let versioned = VERSIONED.iter().filter(|c| {
        c.kind == kind
            && matches!(
                availability(distribution, version, kind, c.name),
                Availability::Available | Availability::Deprecated { .. }
            )
    });
    listed
        .into_iter()
        .chain(versioned.map(|c| c.name))
        .collect()
}

/// The type of a component id: `otlp/honeycomb` is an `otlp`.
pub fn component_type(id: &str) -> &str {
    id.split('/').next().unwrap_or(id).trim()
}

/// A check a component's `Validate()` makes on its own settings: the collector runs every
/// component's check at start, and a refusal stops it (`Error: invalid configuration:
/// exporters::otlp/honeycomb: ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// `endpoint` is set and not empty once `http://`, `https://` and `dns://` are stripped.
    Endpoint,
    /// `endpoint`, when set, is `host:port` (Go's `net.SplitHostPort`) once `http://`,
    /// `https://` and `dns://` are stripped; `{}` in the message is that address.
    EndpointPort,
    /// `endpoint`'s port is a number; `{}` in the message is the port.
    EndpointPortNumeric,
    /// At least one of these keys is set.
    AnyOf(&'static [&'static str]),
    /// At least one of these keys is set under `parent` (`null` counts: `grpc:`).
    AnyUnder {
        parent: &'static str,
        keys: &'static [&'static str],
    },
    /// At least one of these keys holds a number or duration above zero.
    Positive(&'static [&'static str]),
    /// `larger`, when above zero, is at least `smaller` (`smaller_default` when unset).
    AtLeast {
        larger: &'static str,
        smaller: &'static str,
        smaller_default: u64,
    },
}

/// A refusal of a component's `Validate()`, from the release that makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validation {
    pub kind: Kind,
    /// The component types it checks (compared without underscores: `otlp_grpc` is `otlpgrpc`).
    pub types: &'static [&'static str],
    pub requirement: Requirement,
    /// The first release that refuses to start on it.
    pub since: Version,
    /// What the collector says, `{}` standing for the value involved.
    pub message: &'static str,
    /// What goes wrong in earlier releases, which start anyway; `None`: nothing.
    pub before: Option<&'static str>,
}

/// The `Validate()` refusals of the components most configs use, from the core collector's
/// source (open-telemetry/opentelemetry-collector, each component's `config.go` at every
/// `v0.x.0` tag; the CHANGELOG entry where there is one).
pub const VALIDATIONS: &[Validation] = &[
    // exporter/otlpexporter/config.go since v0.95.0.
    Validation {
        kind: Kind::Exporter,
        types: &["otlp", "otlp_grpc"],
        requirement: Requirement::Endpoint,
        since: v(95),
        message: "requires a non-empty \"endpoint\"",
        before: None,
    },
    // v0.98.0: "otlpexporter: Checks for port in the config validation" (#9505); moved to
    // configgrpc's ClientConfig.Validate in v0.142.0 (#14221), same check and message.
    Validation {
        kind: Kind::Exporter,
        types: &["otlp", "otlp_grpc"],
        requirement: Requirement::EndpointPort,
        since: v(98),
        message: "address {}: missing port in address",
        before: Some(
            "gRPC cannot dial an address without a port: every export fails with \"missing port in address\"",
        ),
    },
    Validation {
        kind: Kind::Exporter,
        types: &["otlp", "otlp_grpc"],
        requirement: Requirement::EndpointPortNumeric,
        since: v(98),
        message: "invalid port \"{}\"",
        before: Some("gRPC cannot dial a port that is not a number: every export fails"),
    },
    // exporter/otlphttpexporter/config.go since v0.46.0.
    Validation {
        kind: Kind::Exporter,
        types: &["otlphttp", "otlp_http"],
        requirement: Requirement::AnyOf(&[
            "endpoint",
            "traces_endpoint",
            "metrics_endpoint",
            "logs_endpoint",
            "profiles_endpoint",
        ]),
        since: v(46),
        message: "at least one endpoint must be specified",
        before: None,
    },
    // receiver/otlpreceiver/config.go since v0.25.0: a protocol key present, even empty.
    Validation {
        kind: Kind::Receiver,
        types: &["otlp"],
        requirement: Requirement::AnyUnder {
            parent: "protocols",
            keys: &["grpc", "http"],
        },
        since: v(25),
        message: "must specify at least one protocol when using the OTLP receiver",
        before: None,
    },
    // processor/batchprocessor/config.go since v0.27.0 (send_batch_size defaults to 8192).
    Validation {
        kind: Kind::Processor,
        types: &["batch"],
        requirement: Requirement::AtLeast {
            larger: "send_batch_max_size",
            smaller: "send_batch_size",
            smaller_default: 8192,
        },
        since: v(27),
        message: "send_batch_max_size must be greater or equal to send_batch_size",
        before: None,
    },
    // processor/memorylimiterprocessor since v0.36.0 (internal/memorylimiter/config.go since
    // v0.93.0, with these words); both default to zero.
    Validation {
        kind: Kind::Processor,
        types: &["memory_limiter"],
        requirement: Requirement::Positive(&["check_interval"]),
        since: v(36),
        message: "'check_interval' must be greater than zero",
        before: None,
    },
    Validation {
        kind: Kind::Processor,
        types: &["memory_limiter"],
        requirement: Requirement::Positive(&["limit_mib", "limit_percentage"]),
        since: v(36),
        message: "'limit_mib' or 'limit_percentage' must be greater than zero",
        before: None,
    },
];

/// The checks a component type's `Validate()` makes.
pub fn validations(kind: Kind, type_name: &str) -> impl Iterator<Item = &'static Validation> {
    VALIDATIONS
        .iter()
        .filter(move |v| v.kind == kind && v.types.iter().any(|t| same_type(t, type_name)))
}

/// Where an exporter type sends what it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExporterKind {
    /// OTLP over gRPC to `endpoint` (host:port).
    OtlpGrpc,
    /// OTLP over HTTP to `endpoint` + `/v1/traces`, or `traces_endpoint` as is.
    OtlpHttp,
    /// The collector's own log (`debug`, `logging`).
    Console,
    /// A file inside the container.
    File,
    /// Dropped.
    Nowhere,
    /// The `honeycomb` exporter of contrib before v0.57 (`api_key`, `api_url`).
    LegacyHoneycomb,
    /// A backend this exporter type is made for.
    Backend(&'static str),
}

pub fn exporter_kind(type_name: &str) -> Option<ExporterKind> {
    let normalized: String = type_name
        .chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    let kind = match normalized.as_str() {
        "otlp" | "otlpgrpc" => ExporterKind::OtlpGrpc,
        "otlphttp" => ExporterKind::OtlpHttp,
        "debug" | "logging" => ExporterKind::Console,
        "file" => ExporterKind::File,
        "nop" => ExporterKind::Nowhere,
        "honeycomb" => ExporterKind::LegacyHoneycomb,
        "zipkin" => ExporterKind::Backend("Zipkin"),
        "jaeger" | "jaegerthrift" => ExporterKind::Backend("Jaeger"),
        "kafka" => ExporterKind::Backend("Kafka"),
        "datadog" => ExporterKind::Backend("Datadog"),
        "awsxray" => ExporterKind::Backend("AWS X-Ray"),
        "googlecloud" => ExporterKind::Backend("Google Cloud Trace"),
        "azuremonitor" => ExporterKind::Backend("Azure Monitor"),
        "signalfx" | "sapm" => ExporterKind::Backend("Splunk Observability Cloud"),
        "splunkhec" => ExporterKind::Backend("Splunk"),
        "elasticsearch" => ExporterKind::Backend("Elasticsearch"),
        "opensearch" => ExporterKind::Backend("OpenSearch"),
        "clickhouse" => ExporterKind::Backend("ClickHouse"),
        "sentry" => ExporterKind::Backend("Sentry"),
        "logzio" => ExporterKind::Backend("Logz.io"),
        "coralogix" => ExporterKind::Backend("Coralogix"),
        "loadbalancing" => ExporterKind::Backend("other collectors (loadbalancing)"),
        "awss3" => ExporterKind::Backend("Amazon S3"),
        "azureblob" => ExporterKind::Backend("Azure Blob Storage"),
        "googlecloudstorage" => ExporterKind::Backend("Google Cloud Storage"),
        "otelarrow" => ExporterKind::Backend("an OTel Arrow receiver"),
        _ => return None,
    };
    Some(kind)
}

/// Backends recognised by their image (`jaegertracing/all-in-one:1.57`).
const BACKEND_IMAGES: &[(&str, &str)] = &[
    ("jaegertracing/", "Jaeger"),
    ("grafana/otel-lgtm", "Grafana LGTM (Tempo)"),
    ("grafana/tempo", "Grafana Tempo"),
    ("grafana/alloy", "Grafana Alloy"),
    ("grafana/agent", "Grafana Agent"),
    ("openzipkin/zipkin", "Zipkin"),
    ("signoz/", "SigNoz"),
    ("aspire-dashboard", ".NET Aspire dashboard"),
    ("datadog/agent", "the Datadog Agent"),
    ("apm/apm-server", "Elastic APM"),
    ("openobserve/", "OpenObserve"),
    ("uptrace/", "Uptrace"),
    ("hyperdx", "HyperDX"),
    ("honeycombio/refinery", "Honeycomb Refinery"),
];

/// The backend an image runs, if it is a known one.
pub fn backend_of_image(image: &str) -> Option<&'static str> {
    let image = image.to_ascii_lowercase();
    BACKEND_IMAGES
        .iter()
        .find(|(pattern, _)| image.contains(pattern))
        .map(|(_, name)| *name)
}

/// Vendors recognised by their OTLP host.
const BACKEND_HOSTS: &[(&str, &str)] = &[
    ("nr-data.net", "New Relic"),
    ("datadoghq.com", "Datadog"),
    ("datadoghq.eu", "Datadog"),
    ("lightstep.com", "ServiceNow Cloud Observability"),
    ("grafana.net", "Grafana Cloud"),
    ("signalfx.com", "Splunk Observability Cloud"),
    ("dynatrace.com", "Dynatrace"),
    ("logz.io", "Logz.io"),
    ("axiom.co", "Axiom"),
    ("uptrace.dev", "Uptrace"),
    ("sentry.io", "Sentry"),
    ("coralogix.com", "Coralogix"),
];

/// The vendor behind a public host, if it is a known one.
pub fn backend_of_host(host: &str) -> Option<&'static str> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    BACKEND_HOSTS
        .iter()
        .find(|(domain, _)| host == *domain || host.ends_with(&format!(".{domain}")))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_under_any_registry() {
        let image = collector_image("otel/opentelemetry-collector-contrib:0.114.0").unwrap();
        assert_eq!(image.distribution, Distribution::Contrib);
        assert_eq!(image.version, Some(v(114)));
        let ghcr = collector_image(
            "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:latest",
        )
        .unwrap();
        assert_eq!(ghcr.distribution, Distribution::Core);
        assert_eq!(ghcr.version, None);
        let pinned =
            collector_image("public.ecr.aws/x/opentelemetry-collector-k8s:v0.98.1@sha256:0000")
                .unwrap();
        assert_eq!(pinned.distribution, Distribution::K8s);
        assert_eq!(
            pinned.version.map(|v| v.to_string()).as_deref(),
            Some("0.98.1")
        );
        assert_eq!(
            collector_image("otel/opentelemetry-collector-contrib")
                .unwrap()
                .version,
            None
        );
        assert!(collector_image("jaegertracing/all-in-one:1.57").is_none());
        assert!(collector_image("localhost:5000/opentelemetry-collector-contribx").is_none());
    }

    #[test]
    fn collectors_known_by_their_image() {
        let vendor = |image| match known_collector(image) {
            Some(KnownCollector::Vendor(name)) => name,
            other => panic!("{image}: {other:?}"),
        };
        assert!(
            vendor("public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0").contains("AWS")
        );
        assert!(vendor("amazon/aws-otel-collector:latest").contains("AWS"));
        assert!(vendor("quay.io/signalfx/splunk-otel-collector:0.104.0").contains("Splunk"));
        assert!(
            vendor("docker.elastic.co/elastic-agent/elastic-otel-collector:9.0.0")
                .contains("Elastic")
        );
        assert!(matches!(
            known_collector("otel/opentelemetry-collector-contrib:0.114.0"),
            Some(KnownCollector::Official(_))
        ));
        for custom in [
            "ghcr.io/acme/otelcol-acme:1.2.0",
            "acme/otel-collector:latest",
        ] {
            assert_eq!(
                known_collector(custom),
                Some(KnownCollector::Custom),
                "{custom}"
            );
        }
        for other in [
            "prom/prometheus:v2.53.0",
            "grafana/tempo:2.5.0",
            "grafana/loki:3.1.0",
            "grafana/grafana:11.1.0",
            "grafana/otel-lgtm:0.7.1",
            "jaegertracing/jaeger:2.0.0",
            "openzipkin/zipkin:3",
            "otel/opentelemetry-collector-builder:0.114.0",
        ] {
            assert_eq!(known_collector(other), None, "{other}");
        }
    }

    #[test]
    fn components_by_distribution_and_release() {
        use Availability::*;
        let contrib = Distribution::Contrib;
        assert_eq!(
            availability(contrib, Some(v(84)), Kind::Exporter, "jaeger"),
            Available
        );
        assert!(matches!(
            availability(contrib, Some(v(85)), Kind::Exporter, "jaeger"),
            Removed { .. }
        ));
        assert!(matches!(
            availability(contrib, None, Kind::Exporter, "logging"),
            Removed { .. }
        ));
        assert!(matches!(
            availability(contrib, Some(v(100)), Kind::Exporter, "logging"),
            Deprecated { .. }
        ));
        assert_eq!(
            availability(contrib, Some(v(85)), Kind::Exporter, "logging"),
            Available
        );
        assert!(matches!(
            availability(contrib, Some(v(80)), Kind::Exporter, "debug"),
            Added { .. }
        ));
        assert_eq!(
            availability(contrib, None, Kind::Exporter, "otlp_http"),
            Available
        );
        assert!(matches!(
            availability(contrib, Some(v(114)), Kind::Exporter, "otlp_http"),
            Added { .. }
        ));
        assert_eq!(
            availability(contrib, Some(v(114)), Kind::Exporter, "otlphttp"),
            Available
        );
        assert_eq!(
            availability(contrib, None, Kind::Processor, "tail_sampling"),
            Available
        );
        assert_eq!(
            availability(contrib, None, Kind::Extension, "azureauth"),
            Available
        );
        assert_eq!(
            availability(contrib, None, Kind::Processor, "nonesuch"),
            NotListed
        );
        let core = Distribution::Core;
        assert_eq!(
            availability(core, None, Kind::Processor, "tail_sampling"),
            ElsewhereOnly {
                distributions: vec![Distribution::Contrib, Distribution::K8s]
            }
        );
        assert_eq!(availability(core, None, Kind::Exporter, "otlphtp"), Unknown);
        assert_eq!(
            availability(core, Some(v(60)), Kind::Exporter, "otlphtp"),
            NotListed
        );
    }

    #[test]
    fn the_k8s_distribution_is_fully_listed_release_by_release() {
        use Availability::*;
        let k8s = Distribution::K8s;
        let at = |version: Option<u32>, kind, name| availability(k8s, version.map(v), kind, name);
        assert_eq!(at(None, Kind::Processor, "k8s_attributes"), Available);
        assert_eq!(at(Some(120), Kind::Processor, "tail_sampling"), Available);
        assert_eq!(at(Some(110), Kind::Extension, "file_storage"), Available);
        assert_eq!(
            at(Some(150), Kind::Processor, "drain"),
            Added { since: v(152) }
        );
        assert_eq!(at(Some(120), Kind::Receiver, "opencensus"), Available);
        assert!(matches!(
            at(None, Kind::Receiver, "opencensus"),
            Removed { until, .. } if until == v(131)
        ));
        assert_eq!(
            at(None, Kind::Exporter, "awsxray"),
            ElsewhereOnly {
                distributions: vec![Distribution::Contrib]
            }
        );
        assert_eq!(
            at(None, Kind::Receiver, "nop"),
            ElsewhereOnly {
                distributions: vec![Distribution::Core, Distribution::Contrib]
            }
        );
        assert_eq!(at(None, Kind::Exporter, "otlp_grpc"), Available);
        assert_eq!(at(None, Kind::Processor, "k8sattribute"), Unknown);
        assert!(known_names(k8s, Some(v(120)), Kind::Processor).contains(&"k8sattributes"));
    }

    /// Core's and otlp's lists here are the newest manifests' (`collector_components.txt`).
    #[test]
    fn core_and_otlp_lists_match_their_manifests() {
        for (distribution, binary) in [
            (Distribution::Core, "otelcol"),
            (Distribution::Otlp, "otelcol-otlp"),
        ] {
            for kind in Kind::ALL {
                let listed = collector_manifests::names(binary, kind.name(), None);
                for name in &listed {
                    assert!(
                        matches!(
                            availability(distribution, None, kind, name),
                            Availability::Available | Availability::Deprecated { .. }
                        ),
                        "{binary} lists the {} {name}",
                        kind.name()
                    );
                }
                for name in known_names(distribution, None, kind) {
                    let aliases = ["otlp_grpc", "otlp_http"];
                    assert!(
                        aliases.contains(&name) || listed.iter().any(|l| same_type(l, name)),
                        "{binary} does not list the {} {name}",
                        kind.name()
                    );
                }
            }
        }
    }

    #[test]
    fn exporters_and_backends() {
        assert_eq!(exporter_kind("otlp_grpc"), Some(ExporterKind::OtlpGrpc));
        assert_eq!(exporter_kind("otlphttp"), Some(ExporterKind::OtlpHttp));
        assert_eq!(exporter_kind("logging"), Some(ExporterKind::Console));
        assert_eq!(component_type("otlp/honeycomb"), "otlp");
        assert_eq!(
            backend_of_image("jaegertracing/all-in-one:latest"),
            Some("Jaeger")
        );
        assert_eq!(backend_of_host("otlp.nr-data.net"), Some("New Relic"));
        assert_eq!(backend_of_host("notnr-data.net"), None);
        assert!(is_collector_binary("/otelcol-contrib"));
        assert!(!is_collector_binary("gunicorn"));
    }
}
