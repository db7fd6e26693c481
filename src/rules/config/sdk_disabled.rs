use crate::knowledge::otel;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that `OTEL_SDK_DISABLED` does not turn the SDK off.
    ///
    /// ## Why is this bad?
    /// With `OTEL_SDK_DISABLED=true` every OpenTelemetry SDK installs no-op providers: the app
    /// runs, the code creates spans, and not one is recorded or exported.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   OTEL_SDK_DISABLED: "true"
    /// ```
    /// Use instead: remove the variable (or set it to `false`).
    pub struct SdkDisabled => "config/sdk-disabled", Error;
}

impl Check for SdkDisabled {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let Some(setting) = service.setting(otel::SDK_DISABLED) else {
                continue;
            };
            if !setting.value.trim().eq_ignore_ascii_case("true") {
                continue;
            }
            out.service(
                &Self::META,
                service,
                setting.location,
                format!(
                    "{} is \"{}\": the SDK is switched off and records no spans at all.",
                    setting.describe(),
                    setting.value
                ),
                format!("remove {} (or set it to false)", setting.name),
            );
        }
    }
}
