//! A variant compose file (`docker-compose.prod.yml`) checked as the project that
//! `docker compose -f` makes of it, with what the main project sets that it may have lost.

use std::collections::HashMap;
use std::sync::Arc;

use super::{EnvOrigin, EnvVar, Project, resolve};
use crate::workspace::{VariantFile, VariantKind, Workspace};

#[derive(Debug, Clone)]
pub struct Variant {
    /// The variant's own file, which names it in the report.
    pub file: Arc<str>,
    pub kind: VariantKind,
    /// The main project's compose files.
    pub main_files: Vec<Arc<str>>,
    /// For each service of the main project, the `OTEL_*` variables its compose files give it.
    pub main_otel: HashMap<String, Vec<EnvVar>>,
}

impl Variant {
    /// The `OTEL_*` variables the main project's compose files give a service of that name.
    pub fn main_otel_of(&self, service: &str) -> &[EnvVar] {
        self.main_otel.get(service).map_or(&[], Vec::as_slice)
    }

    /// The `docker compose` command that runs this project.
    pub fn command(&self) -> String {
        let mut files: Vec<&str> = Vec::new();
        if self.kind == VariantKind::Fragment {
            files.extend(self.main_files.first().map(|f| &**f));
        }
        files.push(&self.file);
        let flags: Vec<String> = files.iter().map(|f| format!("-f {f}")).collect();
        format!("docker compose {}", flags.join(" "))
    }
}

/// Resolves a variant's workspace; its services are labelled with the variant's file.
pub fn resolve_variant(workspace: &Workspace, file: &VariantFile, main: &Project) -> Project {
    let mut project = resolve(workspace);
    for service in &mut project.services {
        service.variant = Some(Arc::clone(&file.display));
    }
    let main_otel = main
        .services
        .iter()
        .map(|service| {
            let set_by_compose = service
                .env
                .iter()
                .filter(|var| var.name.starts_with("OTEL_") && var.origin != EnvOrigin::Dockerfile)
                .cloned()
                .collect();
            (service.name.clone(), set_by_compose)
        })
        .collect();
    project.variant = Some(Variant {
        file: Arc::clone(&file.display),
        kind: file.kind,
        main_files: main.compose_files.clone(),
        main_otel,
    });
    project
}
