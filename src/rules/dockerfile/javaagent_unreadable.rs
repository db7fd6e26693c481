use crate::finding::{Edit, Remedy};
use crate::resolve::{Presence, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a Java agent downloaded with `ADD <url>` is readable by the user the
    /// container runs as (`USER`).
    ///
    /// ## Why is this bad?
    /// `ADD` writes a file it downloads with mode 600, owned by root. A container that runs
    /// as another user cannot read the agent: the JVM prints `Error opening zip file or JAR
    /// manifest missing` and exits before the app starts.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/latest/download/opentelemetry-javaagent.jar /app/otel.jar
    /// USER app
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// ADD --chmod=644 https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/latest/download/opentelemetry-javaagent.jar /app/otel.jar
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: the `ADD` gets `--chmod=644`.
    pub struct JavaagentUnreadable => "dockerfile/javaagent-unreadable", Error;
}

impl Check for JavaagentUnreadable {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(jvm) = &service.jvm else { continue };
            for agent in &jvm.agents {
                let Presence::Provided {
                    by,
                    unreadable_for: Some((user, user_at)),
                } = &agent.presence
                else {
                    continue;
                };
                let finding = out.service(
                    &Self::META,
                    service,
                    by,
                    format!(
                        "ADD downloads the agent to {} with mode 600, owned by root, and the container runs as `{user}` ({user_at}): the JVM cannot read -javaagent:{}, prints `Error opening zip file or JAR manifest missing` and exits before the app starts.",
                        agent.image_path, agent.path
                    ),
                    format!(
                        "make it readable: ADD --chmod=644 <url> {} (or ADD --chown={user} ...)",
                        agent.image_path
                    ),
                );
                finding.fix = Some(Remedy::edit(Edit::Replace {
                    at: by.clone(),
                    old: "ADD ".to_string(),
                    new: "ADD --chmod=644 ".to_string(),
                }));
            }
        }
    }
}
