use crate::knowledge::ecosystems::{Role, SIDECAR_INSTRUMENTATION_IMAGES};
use crate::knowledge::languages;
use crate::resolve::{Project, Workload};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Checks that a service configured for OpenTelemetry (`OTEL_*` variables, or
    /// OpenTelemetry packages in its manifests) actually sets it up, in its language's way:
    /// Python through `opentelemetry-instrument` or a TracerProvider in code; Node.js through
    /// `--require @opentelemetry/auto-instrumentations-node/register` or an SDK started in
    /// code; Java through a `-javaagent:` (or the SDK); Go and .NET through the SDK their code
    /// sets up; Ruby through `OpenTelemetry::SDK.configure`; PHP through its SDK or extension.
    ///
    /// ## Why is this bad?
    /// `OTEL_*` variables and installed packages do nothing by themselves. If nothing sets up
    /// the SDK, no span is ever created and nothing is logged about it.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["python3", "-m", "flask", "run", "--host=0.0.0.0"]
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// CMD ["opentelemetry-instrument", "python3", "-m", "flask", "run", "--host=0.0.0.0"]
    /// ```
    /// (Node.js: `NODE_OPTIONS=--require @opentelemetry/auto-instrumentations-node/register`;
    /// Java: `JAVA_TOOL_OPTIONS=-javaagent:/otel/opentelemetry-javaagent.jar`.)
    pub struct NotInstrumented => "dockerfile/not-instrumented", Error;
}

impl Check for NotInstrumented {
    fn check(&self, project: &Project, out: &mut Findings) {
        // eBPF instrumentation in a container of its own traces apps that set up nothing.
        let sidecar = project.services.iter().any(|s| {
            s.image.as_deref().is_some_and(|image| {
                SIDECAR_INSTRUMENTATION_IMAGES
                    .iter()
                    .any(|name| image.contains(name))
            }) || s.env_var("OTEL_GO_AUTO_TARGET_EXE").is_some()
        });
        if sidecar {
            return;
        }
        for service in &project.services {
            let Some(language) = service.language else {
                continue;
            };
            if !wants_traces_but_sets_up_nothing(service, language) {
                continue;
            }
            let command = service.command.as_ref();
            // A Python service without a known command (no readable Dockerfile, no compose
            // `command`) gives nothing to say about how it starts.
            if language == Language::Python && command.is_none() {
                continue;
            }
            let location = command.map_or_else(|| service.otel_anchor(), |c| &c.location);
            let command_text = command.map(|c| c.text());
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "`{}` is configured for OpenTelemetry, but nothing sets it up: {}, so no span is ever created.",
                    service.name,
                    what_is_missing(service, language, command_text.as_deref())
                ),
                hint(service, language, command_text.as_deref()),
            );
        }
    }
}

fn wants_traces_but_sets_up_nothing(service: &Workload, language: Language) -> bool {
    let declared = &service.declared;
    // A frontend's tracing runs in the browsers it serves, not in its container (its stray
    // OTEL_* variables are config/otel-on-static-site's).
    let serves_browser_tracing = service.node.as_ref().is_some_and(|n| n.browser.is_some())
        && service.code.otel_imports.is_empty();
    let configured = !serves_browser_tracing
        && service.bundle_server().is_none()
        && (service.env.iter().any(|v| v.name.starts_with("OTEL_"))
            || service.installs_opentelemetry());
    let code = &service.code;
    let sets_up_something = service.sets_up_sdk()
        || service.auto_instrumentation_location().is_some()
        || code.classic_sdk.is_some()
        || code.spans_created.is_some()
        || !code.instrumentors.is_empty()
        || !code.exporters.is_empty()
        || declared.has_role(Role::HoneycombClassic)
        || service.jvm.as_ref().is_some_and(|j| !j.agents.is_empty());
    let knows_enough = match language {
        // Their code is not read: only a manifest without any OpenTelemetry package, and an
        // image that installs nothing of it otherwise, says that nothing sets it up.
        Language::DotNet | Language::Php => {
            !declared.manifests.is_empty()
                && declared.packages.is_empty()
                && declared.image_mentions_opentelemetry.is_none()
                && !service.env.iter().any(|v| {
                    v.name.starts_with("OTEL_DOTNET_AUTO") || v.name.starts_with("CORECLR_")
                })
        }
        // Their SDK comes from their manifests: without one read, nothing is known.
        Language::Go | Language::Ruby => {
            !declared.manifests.is_empty() && declared.image_mentions_opentelemetry.is_none()
        }
        Language::Java => declared.image_mentions_opentelemetry.is_none() || service.jvm.is_some(),
        other => languages::is_analysed(other),
    };
    knows_enough && configured && !sets_up_something
}

fn what_is_missing(service: &Workload, language: Language, command: Option<&str>) -> String {
    let command = command.unwrap_or("its command");
    let declared = &service.declared;
    match language {
        Language::Python => format!(
            "the code creates no TracerProvider and the command (`{command}`) is not wrapped in opentelemetry-instrument"
        ),
        Language::Node => format!(
            "no file of its code starts an SDK, and neither the command (`{command}`) nor NODE_OPTIONS preloads @opentelemetry/auto-instrumentations-node/register"
        ),
        Language::Java => match service.jvm.as_ref().and_then(|j| j.ignored.first()) {
            Some((variable, location)) => format!(
                "{variable} ({location}) passes -javaagent:, but `{command}` runs java directly, which never reads {variable} (only launch scripts do); no -javaagent: reaches the JVM"
            ),
            None => format!(
                "no -javaagent: reaches the JVM (JAVA_TOOL_OPTIONS, the command `{command}`) and {} declares no OpenTelemetry SDK",
                manifests(service)
            ),
        },
        Language::Ruby if declared.has_role(Role::Sdk) => format!(
            "{} has opentelemetry-sdk, but no code calls OpenTelemetry::SDK.configure",
            manifests(service)
        ),
        Language::Go if declared.has_role(Role::Api) => format!(
            "{} requires the OpenTelemetry API but not its SDK (go.opentelemetry.io/otel/sdk): spans are no-ops",
            manifests(service)
        ),
        _ => format!("{} declares no OpenTelemetry package", manifests(service)),
    }
}

fn manifests(service: &Workload) -> String {
    match service.declared.manifests.as_slice() {
        [] => "its build".to_string(),
        files => files
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn hint(service: &Workload, language: Language, command: Option<&str>) -> String {
    if language == Language::Java
        && let Some((variable, _)) = service.jvm.as_ref().and_then(|j| j.ignored.first())
    {
        return format!(
            "pass the agent in JAVA_TOOL_OPTIONS, which the JVM itself reads, instead of {variable}"
        );
    }
    languages::setup_hint(language, command)
}
