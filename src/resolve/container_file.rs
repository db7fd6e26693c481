//! The workspace file a container sees at a path: a file (or a file under a folder) that compose
//! bind-mounts there, else the file a `COPY` of its image put there. Settings files that an SDK
//! is pointed at by path (`OTEL_CONFIG_FILE`, the Java agent's configuration file) are found
//! this way.

use std::sync::Arc;

use super::image::ImageContents;
use crate::workspace::Workspace;
use crate::workspace::workload::WorkloadSpec;

/// `exists` says whether a workspace path is a file the loader read (the container's path
/// may name a file the workspace does not have).
pub fn workspace_file(
    workspace: &Workspace,
    spec: &WorkloadSpec,
    image: Option<&ImageContents>,
    path: &str,
    exists: impl Fn(&str) -> bool,
) -> Option<Arc<str>> {
    let mount = spec
        .volumes
        .iter()
        .filter(|v| {
            let target = v.target.trim_end_matches('/');
            path == target || path.starts_with(&format!("{target}/"))
        })
        .max_by_key(|v| v.target.len());
    if let Some(volume) = mount {
        // What a mount hides of the image is not the image's any more.
        let source = volume.host_source()?;
        let rest = path[volume.target.trim_end_matches('/').len()..].trim_start_matches('/');
        let file = match rest {
            "" => workspace.project_display(source),
            rest => workspace.project_display(&format!("{source}/{rest}")),
        };
        return exists(&file).then_some(file);
    }
    image?.source_of(path, &exists).filter(|file| exists(file))
}
