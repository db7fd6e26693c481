use crate::knowledge::honeycomb::{DATASET_HEADER, classify_key, mask};
use crate::resolve::Project;
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
        for service in project
            .services
            .iter()
            .filter(|s| s.honeycomb_destination().is_some())
        {
            let Some(key) = service.honeycomb_key().filter(|k| k.in_header) else {
                continue;
            };
            let Some(kind) = classify_key(&key.value).filter(|k| k.is_classic()) else {
                continue;
            };
            if service.export_plan().header(DATASET_HEADER).is_some() {
                continue;
            }
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
                format!(
                    "add the dataset to the headers: {}=x-honeycomb-team=${{HONEYCOMB_API_KEY}},x-honeycomb-dataset={}",
                    key.setting.name, service.name
                ),
            );
        }
    }
}
