use crate::knowledge::python::{DISTRO, HONEYCOMB_DISTRO, INSTRUMENTATION};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a service started through `opentelemetry-instrument` installs a distro
    /// (`opentelemetry-distro`, or Honeycomb's `honeycomb-opentelemetry`) when its code does
    /// not set up the SDK itself.
    ///
    /// ## Why is this bad?
    /// `opentelemetry-instrument` only patches libraries; creating the SDK (TracerProvider,
    /// exporter, processor) is the distro's job. Without one every span is a no-op, and
    /// nothing is logged: the app looks instrumented and sends nothing.
    ///
    /// ## Example
    /// ```text
    /// # requirements.txt
    /// opentelemetry-instrumentation-flask
    /// opentelemetry-exporter-otlp
    /// ```
    /// Use instead:
    /// ```text
    /// opentelemetry-distro
    /// opentelemetry-exporter-otlp
    /// opentelemetry-instrumentation-flask
    /// ```
    pub struct DistroMissing => "deps/distro-missing", Error;
}

impl Check for DistroMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.is_python()) {
            let (Some(instrument), Some(image)) = (&service.instrument, &service.image_contents)
            else {
                continue;
            };
            if !image.has(INSTRUMENTATION)
                || image.has(DISTRO)
                || image.has(HONEYCOMB_DISTRO)
                || image.has_unknown_installs
                || service.code.provider_set.is_some()
            {
                continue;
            }
            out.service(
                &Self::META,
                service,
                &instrument.location,
                "the command runs opentelemetry-instrument, but no distro is installed to create the SDK (opentelemetry-distro): every span is a no-op and nothing is exported.".to_string(),
                "add opentelemetry-distro to the requirements the image installs".to_string(),
            );
        }
    }
}
