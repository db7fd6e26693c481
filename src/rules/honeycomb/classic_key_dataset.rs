use crate::knowledge::honeycomb::{DATASET_HEADER, classify_key, mask};
use crate::resolve::{Project, Sdk};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a classic Honeycomb key (32 hex characters, or `hc?ic_...`) is sent with an
    /// `x-honeycomb-dataset` header.
    ///
    /// ## Why is this bad?
    /// Classic keys write to a dataset the request must name; without it Honeycomb answers
    /// 401 "missing 'x-honeycomb-dataset' header". Environment keys name the dataset after
    /// `service.name` instead.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY},x-honeycomb-dataset=backend
    /// ```
    pub struct ClassicKeyDataset => "honeycomb/classic-key-dataset", Error;
}

impl Check for ClassicKeyDataset {
    fn check(&self, project: &Project, out: &mut Findings) {
        for (service, key) in project.keys_sent_to_honeycomb() {
            let Some(kind) = classify_key(&key.value).filter(|k| k.is_classic()) else {
                continue;
            };
            let plan = service.export_plan();
            let has_dataset = match plan.sdk {
                Sdk::Classic => service
                    .code
                    .classic_sdk
                    .as_ref()
                    .and_then(|c| c.option("dataset"))
                    .is_some_and(|d| d.text().is_some_and(|t| !t.is_empty())),
                _ => plan.header(DATASET_HEADER).is_some(),
            };
            if has_dataset {
                continue;
            }
            let fix = match plan.sdk {
                Sdk::HoneycombDistro => format!(
                    "set HONEYCOMB_DATASET: {} in the service's environment (Honeycomb's distro sends it with a classic key)",
                    service.name
                ),
                Sdk::Classic => "pass the dataset: dataset=\"...\" to init()".to_string(),
                Sdk::OpenTelemetry => format!(
                    "add the dataset to the headers: {}=x-honeycomb-team=${{HONEYCOMB_API_KEY}},x-honeycomb-dataset={}",
                    key.setting.name, service.name
                ),
            };
            out.service(
                &Self::META,
                service,
                key.setting.location,
                format!(
                    "{} sends a {} ({}) without x-honeycomb-dataset: Honeycomb will answer 401 \"missing 'x-honeycomb-dataset' header\".",
                    key.setting.describe(),
                    kind.describe(),
                    mask(&key.value)
                ),
                fix,
            );
        }
    }
}
