use crate::knowledge::otel;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the sampler keeps some traces: not `always_off`, not a ratio of 0.
    ///
    /// ## Why is this bad?
    /// `OTEL_TRACES_SAMPLER=always_off` (or `parentbased_always_off`) and
    /// `traceidratio` with `OTEL_TRACES_SAMPLER_ARG=0` record no span at all. Everything looks
    /// configured and nothing is ever exported.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_TRACES_SAMPLER: traceidratio
    /// OTEL_TRACES_SAMPLER_ARG: "0"
    /// ```
    /// Use instead: leave the sampler unset (every trace is kept), or a ratio above 0 such as
    /// `0.1`; Honeycomb can sample later (Refinery) without losing whole services.
    pub struct SamplerDropsAll => "config/sampler-drops-all", Error;
}

impl Check for SamplerDropsAll {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let Some(sampler) = service.setting(otel::TRACES_SAMPLER) else {
                continue;
            };
            let name = sampler.value.trim().to_ascii_lowercase();
            let (location, message) = match name.as_str() {
                "always_off" | "parentbased_always_off" => (
                    sampler.location,
                    format!(
                        "{} is \"{}\": no trace is ever sampled, so nothing is exported.",
                        sampler.describe(),
                        sampler.value
                    ),
                ),
                "traceidratio" | "parentbased_traceidratio" => {
                    let Some(argument) = service.setting(otel::TRACES_SAMPLER_ARG) else {
                        continue;
                    };
                    let ratio: Option<f64> = argument.value.trim().parse().ok();
                    if !ratio.is_some_and(|r| r <= 0.0) {
                        continue;
                    }
                    (
                        argument.location,
                        format!(
                            "{} is \"{}\" with {} \"{}\": a ratio of 0 samples no trace, so nothing is exported.",
                            sampler.describe(),
                            sampler.value,
                            argument.describe(),
                            argument.value
                        ),
                    )
                }
                _ => continue,
            };
            out.service(
                &Self::META,
                service,
                location,
                message,
                format!("remove {} (the default keeps every trace) or sample a ratio above 0, e.g. {}=0.1", sampler.name, otel::TRACES_SAMPLER_ARG),
            );
        }
    }
}
