use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an inline ignore that is not written as one, so it silences nothing: a comment
    /// that starts with `otel-doctor:` but is not `otel-doctor: ignore[rule/id, ...]`
    /// (`ignore` misspelled, no brackets, an empty list), or an `otel-doctor: ignore[...]`
    /// written after other text of the same comment, such as another tool's directive.
    ///
    /// ## Why is this bad?
    /// The comment looks as if it silenced the finding on its line, and the finding is still
    /// reported; worse, it is read as a deliberate decision by whoever reads the file next.
    /// `# noqa: E402 otel-doctor: ignore[code/no-flush]` is one comment whose text is flake8's:
    /// a pragma starts a comment of its own.
    ///
    /// ## Example
    /// ```python
    /// import app  # noqa: E402 otel-doctor: ignore[code/no-flush]
    /// ```
    /// Use instead (two comments on the line):
    /// ```python
    /// import app  # noqa: E402  # otel-doctor: ignore[code/no-flush]
    /// ```
    pub struct MalformedIgnore => "meta/malformed-ignore", Warning;
}

impl Check for MalformedIgnore {}
