use crate::finding::Severity;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::kubernetes::{RenderOutcome, Rendering};

declare_rule! {
    /// ## What it does
    /// Says when a kustomization or a Helm chart of the workspace was not rendered: `kustomize`
    /// (or `kubectl`) or `helm` is not on PATH (one note for the whole workspace), the renderer
    /// failed, or it was not run because the kustomization names a remote resource or a path
    /// outside the workspace. The folder's files were then read as plain manifests, without
    /// what rendering applies (patches, a namespace, name prefixes, images, generated
    /// ConfigMaps), and a chart's templates were not read at all.
    ///
    /// ## Why is this bad?
    /// What the cluster runs is the rendered output: an endpoint a patch sets, a namespace the
    /// overlay moves everything to, a Secret a generator makes. Findings on the plain files may
    /// miss what the overlay changes, or report what it fixes.
    ///
    /// ## Example
    /// ```text
    /// overlays/prod/kustomization.yaml   # patches: [{path: otel-endpoint.yaml}]
    /// ```
    /// Render it and lint the result:
    /// ```sh
    /// kustomize build overlays/prod | otel-doctor lint -
    /// ```
    pub struct NotRendered => "k8s/not-rendered", Info;
}

impl Check for NotRendered {
    fn check(&self, project: &Project, out: &mut Findings) {
        let renderings = &project.kubernetes.renderings;
        let absent: Vec<&Rendering> = renderings
            .iter()
            .filter(|r| r.outcome == RenderOutcome::NotOnPath)
            .collect();
        if let Some(first) = absent.first() {
            let mut tools: Vec<&str> = absent.iter().map(|r| r.tool).collect();
            tools.dedup();
            let mut applies: Vec<&str> = Vec::new();
            for what in absent.iter().flat_map(|r| &r.applies) {
                if !applies.contains(&what.as_str()) {
                    applies.push(what);
                }
            }
            let without = if applies.is_empty() {
                String::new()
            } else {
                format!(", without {}", applies.join(", "))
            };
            let others = match absent.len() {
                1 => String::new(),
                n => format!(" (and likewise for the {} others)", n - 1),
            };
            out.workspace(
                &Self::META,
                &first.location,
                format!(
                    "{} not on PATH, so nothing was rendered: {} linted as plain files{without}.",
                    match tools.as_slice() {
                        [one] => format!("`{one}` is"),
                        _ => "`kustomize` and `helm` are".to_string(),
                    },
                    listed(&absent),
                ),
                format!("render and lint the result: {}{others}", first.command),
            );
        }
        for rendering in renderings {
            let RenderOutcome::Failed { reason } = &rendering.outcome else {
                continue;
            };
            let finding = out.workspace(
                &Self::META,
                &rendering.location,
                format!(
                    "`{}` on {}: {reason}. {}.",
                    rendering.tool,
                    rendering.folder,
                    described(rendering)
                ),
                format!(
                    "run it yourself to see the whole message, then lint its output: {}",
                    rendering.command
                ),
            );
            finding.severity = Severity::Warning;
        }
    }
}

/// "overlays/prod is", "overlays/prod, overlays/dev and 3 more are".
fn listed(renderings: &[&Rendering]) -> String {
    const SHOWN: usize = 3;
    let names: Vec<&str> = renderings.iter().map(|r| r.folder.as_str()).collect();
    match names.as_slice() {
        [one] => format!("{one} is"),
        names if names.len() <= SHOWN => format!("{} are", names.join(", ")),
        names => format!(
            "{} and {} more are",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        ),
    }
}

/// What was read instead of the rendering: "overlays/prod is linted as plain files, without
/// `patches`, `namespace: prod`".
fn described(rendering: &Rendering) -> String {
    let without = if rendering.applies.is_empty() {
        String::new()
    } else {
        format!(", without {}", rendering.applies.join(", "))
    };
    format!("{} is linted as plain files{without}", rendering.folder)
}
