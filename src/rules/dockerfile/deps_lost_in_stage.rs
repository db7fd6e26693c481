use crate::knowledge::languages::knows_installed_packages;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks multi-stage Dockerfiles for OpenTelemetry packages installed in a build stage
    /// that the final stage never copies.
    ///
    /// ## Why is this bad?
    /// Only the final stage ships. Packages installed in a `builder` stage exist in the image
    /// only if the final stage copies them (`COPY --from=builder /install /usr/local`, a
    /// virtualenv, `~/.local`, Node's `node_modules`): otherwise the app fails with
    /// `ModuleNotFoundError` (`Cannot find module`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12 AS builder
    /// RUN pip install -r requirements.txt
    /// FROM python:3.12-slim
    /// COPY --from=builder /app /app
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12 AS builder
    /// RUN pip install --prefix=/install -r requirements.txt
    /// FROM python:3.12-slim
    /// COPY --from=builder /install /usr/local
    /// ```
    pub struct DepsLostInStage => "dockerfile/deps-lost-in-stage", Error;
}

impl Check for DepsLostInStage {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project
            .services
            .iter()
            .filter(|s| s.language.is_some_and(knows_installed_packages))
        {
            let Some(image) = &service.image_contents else {
                continue;
            };
            for lost in &image.lost {
                out.service(
                    &Self::META,
                    service,
                    &image.final_stage,
                    format!(
                        "{} {} installed in stage `{}` ({}:{}), but the final stage never copies them: the image that runs does not have them.",
                        lost.packages.join(", "),
                        if lost.packages.len() == 1 { "is" } else { "are" },
                        lost.stage,
                        lost.location.file,
                        lost.location.line
                    ),
                    if lost.site.ends_with("node_modules") {
                        format!(
                            "copy the installed packages into the final stage: COPY --from={} {} ./node_modules",
                            lost.stage, lost.site
                        )
                    } else {
                        format!(
                            "install into a prefix in `{0}` (pip install --prefix=/install ...) and copy it: COPY --from={0} /install /usr/local",
                            lost.stage
                        )
                    },
                );
            }
        }
    }
}
