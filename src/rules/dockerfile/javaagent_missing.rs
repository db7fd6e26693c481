use crate::resolve::{Presence, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the jar a JVM service loads with `-javaagent:` (in `JAVA_TOOL_OPTIONS` or
    /// the command) is in the final image at that path: downloaded (`ADD <url>`,
    /// `RUN curl -o`) or copied there.
    ///
    /// ## Why is this bad?
    /// The JVM loads agents before `main`. When the jar is not there it prints `Error opening
    /// zip file or JAR manifest missing` and exits: the service does not start at all. A
    /// relative `-javaagent:agent.jar` is resolved from the container's `WORKDIR`.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /app
    /// ENV JAVA_TOOL_OPTIONS=-javaagent:/app/opentelemetry-javaagent.jar
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /app
    /// ADD --chmod=644 https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/latest/download/opentelemetry-javaagent.jar /app/opentelemetry-javaagent.jar
    /// ENV JAVA_TOOL_OPTIONS=-javaagent:/app/opentelemetry-javaagent.jar
    /// ```
    pub struct JavaagentMissing => "dockerfile/javaagent-missing", Error;
}

impl Check for JavaagentMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(jvm) = &service.jvm else { continue };
            for agent in jvm
                .agents
                .iter()
                .filter(|a| a.presence == Presence::Missing)
            {
                let carrier = agent.variable.as_deref().unwrap_or("the command");
                let dockerfile = service.dockerfile.as_deref().unwrap_or("the Dockerfile");
                out.service(
                    &Self::META,
                    service,
                    &agent.location,
                    format!(
                        "{carrier} loads -javaagent:{}, but nothing in {dockerfile} puts a file at {}: the JVM prints `Error opening zip file or JAR manifest missing : {}` and exits before the app starts.",
                        agent.path, agent.image_path, agent.path
                    ),
                    format!(
                        "download it into the final stage of {dockerfile}:\n  ADD --chmod=644 https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/latest/download/opentelemetry-javaagent.jar {}",
                        agent.image_path
                    ),
                );
            }
        }
    }
}
