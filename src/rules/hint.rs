//! Hints shared by rules of several areas.

use crate::resolve::{Project, Service};

/// How to give `service` these variables: in compose's `environment:` when compose runs it;
/// a Dockerfile linted on its own gets them where its container runs (`docker run -e`), since
/// an `ENV` would bake a key into the image.
pub fn set_variables(project: &Project, service: &Service, variables: &[(&str, &str)]) -> String {
    if project.compose_files.is_empty() {
        let flags: Vec<String> = variables
            .iter()
            .map(|(name, value)| format!("-e {name}={value}"))
            .collect();
        return format!(
            "set where the container runs: docker run {} ... (or in your deployment's environment)",
            flags.join(" ")
        );
    }
    match variables {
        [(name, value)] => format!(
            "add to services.{}.environment: {name}: {value}",
            service.name
        ),
        _ => {
            let lines: Vec<String> = variables
                .iter()
                .map(|(name, value)| format!("\n  {name}: {value}"))
                .collect();
            format!(
                "add to services.{}.environment:{}",
                service.name,
                lines.concat()
            )
        }
    }
}
