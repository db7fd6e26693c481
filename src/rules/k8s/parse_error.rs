use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::FileKind;

declare_rule! {
    /// ## What it does
    /// Reports a Kubernetes manifest (a YAML file whose documents have `apiVersion` and
    /// `kind`) that is not valid YAML.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` refuses the whole file, so none of its objects reach the cluster; and
    /// otel-doctor cannot check the workloads it declares.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: OTEL_SERVICE_NAME
    ///     value: "api
    /// ```
    /// Use instead: close the quote.
    pub struct ParseError => "k8s/parse-error", Error;
}

impl Check for ParseError {
    fn check(&self, project: &Project, out: &mut Findings) {
        for problem in project
            .problems
            .iter()
            .filter(|p| p.kind == FileKind::Kubernetes)
        {
            out.workspace(
                &Self::META,
                &problem.location,
                format!(
                    "cannot read this Kubernetes manifest: {}; `kubectl apply` refuses it too.",
                    problem.message
                ),
                "fix the YAML at this line (`kubectl apply --dry-run=client -f FILE` shows the same error)".to_string(),
            );
        }
    }
}
