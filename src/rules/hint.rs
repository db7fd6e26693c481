//! Hints shared by rules of several areas.

use crate::fix::Remedy;
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

/// The fix that gives `service` a variable: added to its compose `environment:`, or, for a
/// Dockerfile linted on its own (no compose file to edit), left to the user with where to set it.
pub fn add_variable(project: &Project, service: &Service, name: &str, value: &str) -> Remedy {
    if project.compose_files.is_empty() {
        Remedy::manual(set_variables(project, service, &[(name, value)]))
    } else {
        Remedy::add_variable(service, name, value)
    }
}
