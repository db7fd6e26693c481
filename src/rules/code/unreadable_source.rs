use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::FileKind;

declare_rule! {
    /// ## What it does
    /// Reports a source file in a build context that cannot be read: binary, not UTF-8, too
    /// large, unreadable, or nesting brackets deeper than any person writes (more than 200:
    /// CPython refuses that too), which is generated or hostile code.
    ///
    /// ## Why is this bad?
    /// Its imports and tracer setup are unknown, so code checks for the service may miss
    /// something (or report a missing TracerProvider that this file sets up).
    ///
    /// ## Example
    /// A `.py` file saved as Latin-1, a compiled file with a `.py` name, or a generated file
    /// of `f(f(f(...)))` thousands deep.
    ///
    /// Use instead: UTF-8 source (PEP 3120), or exclude the file from the build context.
    pub struct UnreadableSource => "code/unreadable-source", Warning;
}

impl Check for UnreadableSource {
    fn check(&self, project: &Project, out: &mut Findings) {
        for problem in project
            .problems
            .iter()
            .filter(|p| p.kind == FileKind::Source)
        {
            out.workspace(
                &Self::META,
                &problem.location,
                format!("cannot read this source file: {}.", problem.message),
                "save it as UTF-8 text, or keep it out of the build context (.dockerignore) if it is generated"
                    .to_string(),
            );
        }
    }
}
