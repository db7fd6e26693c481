//! A finding: one reason traces will not arrive (or may arrive wrong), where it is, and the fix.

use serde::Serialize;
use std::collections::HashMap;

use std::sync::Arc;

use crate::source::Location;

/// Ordered so that `severity >= threshold` reads naturally.
/// `error`: no data will arrive; `warning`: data may be lost, wrong or unsafe; `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The report step it belongs to: `workspace`, `service:NAME`, `key`, `canary`.
    pub step: String,
    /// The first service it affects (the one whose step lists it).
    pub service: Option<String>,
    /// Every service it affects, `service` first: one root cause (a shared Dockerfile, an
    /// unset shell variable, a collector's config) is one finding, however many services it
    /// breaks. Empty for findings about the workspace as a whole.
    pub services: Vec<String>,
    /// The same finding in variant projects (compose files of their own): each variant's
    /// compose file and the services of it that the finding affects. Reported once, here.
    pub variants: Vec<(String, Vec<String>)>,
    /// Online findings have no file of their own: they point at the line that supplied the
    /// key or endpoint, when there is one.
    pub location: Option<Location>,
    pub message: String,
    pub hint: String,
    /// What `otel-doctor fix` can do about it: `None` when its rule has no automatic fix.
    pub fix: Option<Remedy>,
    /// What its fix (or its hint's replacement) changes in the workloads as resolved: the lint
    /// judges them again as the fixes will leave them, for the causes this one hides.
    pub cures: Vec<Cure>,
    /// The findings that hide this one, first the root: it was found by judging the workloads
    /// as their fixes will leave them (empty for a finding of the workspace as it is).
    pub hidden_by: Vec<Hider>,
    /// What the policy layer decided about it (`policy::apply`); empty as a rule raises it.
    pub triage: Triage,
}

impl Finding {
    /// Whether the finding breaks or concerns this service.
    pub fn affects(&self, service: &str) -> bool {
        self.services.iter().any(|s| s == service)
    }

    /// Whether it counts: toward the exit code, the summary, the steps' status. Findings
    /// ignored inline or held by the baseline stay in the report, marked, but do not count.
    pub fn is_active(&self) -> bool {
        self.triage.ignored_at.is_none() && self.triage.baseline != Some(BaselineState::Unchanged)
    }

    /// What the finding does to the traces (an error: none arrive), whatever the policy
    /// (levels, ignores, baselines) says of it.
    pub fn fact_severity(&self) -> Severity {
        self.triage.raised_as.unwrap_or(self.severity)
    }
}

/// The policy layer's marks on a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    /// Identifies the finding across runs, whatever lines move around it (SARIF
    /// `partialFingerprints`, JSON `fingerprint`, what `--baseline` matches).
    pub fingerprint: String,
    /// The `otel-doctor: ignore[...]` pragma that silences it.
    pub ignored_at: Option<Location>,
    /// With `--baseline`: whether the baseline already held it.
    pub baseline: Option<BaselineState>,
    /// The severity its rule raised it with, when the configuration set another level: what
    /// the finding does to the traces, whatever the policy says of it.
    pub raised_as: Option<Severity>,
}

/// SARIF's `baselineState`, for the two states a current finding can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineState {
    New,
    Unchanged,
}

impl BaselineState {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }
    }
}

/// A finding that hides another: the rule and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hider {
    pub rule: &'static str,
    pub location: Option<Location>,
}

/// What a finding's fix changes in the workloads as resolved (not in the files: that is its
/// `Remedy`). The lint applies every cure in memory and judges the workloads again, so that a
/// cause hidden behind another one (the endpoint an OTLP exporter will need while the code only
/// has a console exporter) is named in the same run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cure {
    /// The workload gets this variable, written as compose reads it (`${VAR}` interpolated
    /// from the shell and `.env`), at `at` (where a fix writes it); a command-line flag that
    /// set it goes.
    SetVariable {
        workload: String,
        name: String,
        value: String,
        at: Location,
    },
    /// The variable, or the command-line flag that sets it, is gone.
    Unset { workload: String, name: String },
    /// The workload's image installs these packages.
    Install {
        workload: String,
        packages: Vec<String>,
    },
    /// The workload's code hands an OTLP exporter to the SDK, at `at`.
    OtlpExporterInCode { workload: String, at: Location },
    /// A collector's traces pipelines list this exporter too.
    PipelineExporter { collector: String, exporter: String },
}

impl Cure {
    /// The workload (or collector) it changes.
    pub fn target(&self) -> &str {
        match self {
            Cure::SetVariable { workload, .. }
            | Cure::Unset { workload, .. }
            | Cure::Install { workload, .. }
            | Cure::OtlpExporterInCode { workload, .. } => workload,
            Cure::PipelineExporter { collector, .. } => collector,
        }
    }

    /// What the workload is like once it is applied, for messages: "once {this}, ...".
    pub fn describe(&self) -> String {
        match self {
            Cure::SetVariable { name, value, .. } => format!("{name} is set to {value}"),
            Cure::Unset { name, .. } => format!("{name} is no longer set"),
            Cure::Install { packages, .. } => format!(
                "{} {} installed",
                packages.join(", "),
                if packages.len() == 1 { "is" } else { "are" }
            ),
            Cure::OtlpExporterInCode { .. } => "the OTLP exporter is added".to_string(),
            Cure::PipelineExporter { exporter, .. } => {
                format!("{exporter} is in the traces pipeline")
            }
        }
    }
}

/// The step id of a service.
pub fn service_step(service: &str) -> String {
    format!("service:{service}")
}

/// The step id of a service of a variant compose file (`docker-compose.prod.yml`).
pub fn variant_service_step(service: &str, file: &str) -> String {
    format!("service:{service}@{file}")
}

/// The variant compose file a service step belongs to; `None` for the main project's steps.
pub fn step_variant(step: &str) -> Option<&str> {
    step.strip_prefix("service:")?
        .split_once('@')
        .map(|(_, file)| file)
}

/// The findings of each step, and those affecting each service, looked up rather than searched:
/// a monorepo has thousands of services, and scanning every finding for each is quadratic.
pub struct FindingIndex<'a> {
    findings: &'a [Finding],
    by_step: HashMap<&'a str, Vec<usize>>,
    /// By service name, each with the variant compose file of its step: a finding affects the
    /// services of its own project only.
    by_service: HashMap<&'a str, Vec<(Option<&'a str>, usize)>>,
}

impl<'a> FindingIndex<'a> {
    pub fn new(findings: &'a [Finding]) -> Self {
        let mut by_step: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_service: HashMap<&str, Vec<(Option<&str>, usize)>> = HashMap::new();
        for (at, finding) in findings.iter().enumerate() {
            by_step.entry(&finding.step).or_default().push(at);
            let variant = step_variant(&finding.step);
            let own = finding.services.iter().map(|s| (variant, s));
            let in_variants = finding.variants.iter().flat_map(|(file, services)| {
                services.iter().map(move |s| (Some(file.as_str()), s))
            });
            for (variant, service) in own.chain(in_variants) {
                let list = by_service.entry(service).or_default();
                // A service named twice in one finding is still one finding.
                if list.last() != Some(&(variant, at)) {
                    list.push((variant, at));
                }
            }
        }
        FindingIndex {
            findings,
            by_step,
            by_service,
        }
    }

    /// The findings listed under a step, in report order.
    pub fn of_step(&self, step: &str) -> impl Iterator<Item = &'a Finding> + use<'a, '_> {
        let findings = self.findings;
        self.by_step
            .get(step)
            .into_iter()
            .flatten()
            .map(move |&at| &findings[at])
    }

    /// The findings that affect a service of the project of `variant` (`None`: the main
    /// project), whichever step lists them, in report order.
    pub fn affecting<'s>(
        &'s self,
        service: &str,
        variant: Option<&'s str>,
    ) -> impl Iterator<Item = &'a Finding> + use<'a, 's> {
        let findings = self.findings;
        self.by_service
            .get(service)
            .into_iter()
            .flatten()
            .filter(move |(of, _)| *of == variant)
            .map(move |&(_, at)| &findings[at])
    }
}

pub const WORKSPACE_STEP: &str = "workspace";
pub const KEY_STEP: &str = "key";
pub const CANARY_STEP: &str = "canary";

/// Services as a sentence names them: at most five, then how many more.
pub fn name_services<S: AsRef<str>>(names: &[S]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<&str> = names.iter().take(SHOWN).map(AsRef::as_ref).collect();
    match names.len() {
        0 => String::new(),
        n if n <= SHOWN => match shown.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        },
        n => format!("{} and {} more", shown.join(", "), n - SHOWN),
    }
}

/// What `otel-doctor fix` can do about a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// Edits that resolve it.
    Edits(Vec<Edit>),
    /// Why this case is left to the user (the finding's hint says what to change).
    Manual(String),
}

impl Remedy {
    pub fn edit(edit: Edit) -> Remedy {
        Remedy::Edits(vec![edit])
    }

    pub fn manual(reason: impl Into<String>) -> Remedy {
        Remedy::Manual(reason.into())
    }

    /// The remedy of one finding that stands for several services: every service's edits (a
    /// variable goes into each one's own `environment`); when one of them cannot be fixed,
    /// none is, and the reason stays.
    pub fn merge(kept: Option<Remedy>, other: Option<Remedy>) -> Option<Remedy> {
        match (kept, other) {
            (Some(Remedy::Edits(mut edits)), Some(Remedy::Edits(more))) => {
                for edit in more {
                    if !edits.contains(&edit) {
                        edits.push(edit);
                    }
                }
                Some(Remedy::Edits(edits))
            }
            (Some(manual @ Remedy::Manual(_)), _) | (_, Some(manual @ Remedy::Manual(_))) => {
                Some(manual)
            }
            (kept, other) => kept.or(other),
        }
    }
}

/// One change a rule asks for, with the position and text it saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// The first `old` on the line of `at`, at or after its column, becomes `new` (a variable
    /// name, an endpoint).
    Replace {
        at: Location,
        old: String,
        new: String,
    },
    /// An `opentelemetry-instrument` flag and its value leave the command; `at` is the flag.
    RemoveFlag {
        at: Location,
        flag: String,
        value: String,
    },
    /// A variable joins the `environment` of the compose service whose key is at `at`.
    AddVariable {
        service: String,
        at: Location,
        name: String,
        value: String,
    },
    /// Packages join a manifest the image installs.
    AddPackages {
        manifest: Arc<str>,
        packages: Vec<String>,
    },
    /// `item` joins a YAML list (flow `[a, b]` or block `- a`) after its item `after`, at `at`.
    AddListItem {
        at: Location,
        after: String,
        item: String,
    },
    /// Python: the span processor statement whose `ConsoleSpanExporter(...)` is at `at` gets
    /// a twin that hands an `OTLPSpanExporter()` to a `BatchSpanProcessor`, with its imports.
    AddOtlpExporter { at: Location },
    /// Kubernetes: the annotation whose key is at `at` (a workload's own metadata) moves to the
    /// pod template whose `metadata:` (or `template:`) key is at `template`.
    MoveAnnotation {
        at: Location,
        template: Location,
        name: String,
        value: String,
    },
}

impl Edit {
    pub fn file(&self) -> &Arc<str> {
        match self {
            Edit::Replace { at, .. }
            | Edit::RemoveFlag { at, .. }
            | Edit::AddVariable { at, .. }
            | Edit::AddListItem { at, .. }
            | Edit::AddOtlpExporter { at }
            | Edit::MoveAnnotation { at, .. } => &at.file,
            Edit::AddPackages { manifest, .. } => manifest,
        }
    }

    /// What it does, for the summary.
    pub fn describe(&self) -> String {
        match self {
            Edit::Replace { old, new, .. } => format!("replaced `{old}` with `{new}`"),
            Edit::RemoveFlag { flag, value, .. } => {
                format!("removed `{flag} {value}` from the command")
            }
            Edit::AddVariable {
                service,
                at,
                name,
                value,
            } => format!(
                "added `{name}: {value}` to services.{service}.environment ({})",
                at.file
            ),
            Edit::AddPackages { manifest, packages } => {
                format!("added {} to {manifest}", packages.join(", "))
            }
            Edit::AddListItem { at, after, item } => {
                format!("listed `{item}` after `{after}` ({at})")
            }
            Edit::AddOtlpExporter { at } => format!(
                "handed an OTLPSpanExporter to a BatchSpanProcessor beside the console exporter ({at})"
            ),
            Edit::MoveAnnotation { name, template, .. } => {
                format!("moved `{name}` to the pod template's annotations ({template})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_at_most_five_services() {
        assert_eq!(name_services(&["a"]), "a");
        assert_eq!(name_services(&["a", "b"]), "a and b");
        assert_eq!(
            name_services(&["a", "b", "c", "d", "e"]),
            "a, b, c, d and e"
        );
        let many: Vec<String> = (0..1000).map(|i| format!("s{i}")).collect();
        assert_eq!(name_services(&many), "s0, s1, s2, s3, s4 and 995 more");
    }
}
