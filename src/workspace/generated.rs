//! Where a missing file comes from: projects often commit `backend.env.template` (or
//! `.example`, an ERB template) and a script that writes `backend.env` from it, and git-ignore
//! the result. A fresh clone then has no `backend.env`, and the fix is to run the generator,
//! not to write the file by hand.

use std::path::{Path, PathBuf};

use super::boundary::Boundary;

/// How a missing file is made, as far as the workspace tells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generator {
    /// A template beside it (`backend.env.template`, `.example`, `.sample`, `.dist`, `.erb`).
    pub template: Option<PathBuf>,
    /// A script of the project that names it (`bin/backend/generate-env`).
    pub script: Option<PathBuf>,
}

const TEMPLATE_SUFFIXES: [&str; 6] = [".template", ".example", ".sample", ".dist", ".erb", ".tpl"];
/// Folders where projects keep their scripts, searched (not too deep) for one naming the file.
const SCRIPT_FOLDERS: [&str; 3] = ["bin", "scripts", "script"];
const MAX_SCRIPT_BYTES: u64 = 64 * 1024;
const MAX_SCRIPTS: usize = 200;

/// How `missing` (a file that does not exist) is generated; `None` when nothing says. Only
/// scripts inside the boundary are read.
pub fn generator_of(missing: &Path, project_dir: &Path, boundary: &Boundary) -> Option<Generator> {
    let name = missing.file_name()?.to_str()?;
    let folder = missing.parent().unwrap_or(project_dir);
    let template = TEMPLATE_SUFFIXES
        .iter()
        .map(|suffix| folder.join(format!("{name}{suffix}")))
        .chain(std::iter::once(
            project_dir.join("erb").join(format!("{name}.erb")),
        ))
        .find(|candidate| candidate.is_file());
    let script = SCRIPT_FOLDERS
        .iter()
        .flat_map(|dir| {
            walkdir::WalkDir::new(project_dir.join(dir))
                .max_depth(3)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .take(MAX_SCRIPTS)
        })
        .filter(|entry| entry.metadata().is_ok_and(|m| m.len() <= MAX_SCRIPT_BYTES))
        .filter(|entry| boundary.outside(entry.path()).is_none())
        .find(|entry| {
            std::fs::read_to_string(entry.path())
                .is_ok_and(|text| text.lines().any(|line| writes(line, name)))
        })
        .map(|entry| entry.into_path());
    (template.is_some() || script.is_some()).then_some(Generator { template, script })
}

/// Whether a script line names the file as something it writes to or defines a path of.
fn writes(line: &str, name: &str) -> bool {
    let line = line.trim();
    !line.starts_with('#') && line.contains(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_template_and_the_script_that_writes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("backend.env.template"), "A=${A}\n").unwrap();
        std::fs::create_dir_all(root.join("bin/backend")).unwrap();
        std::fs::write(
            root.join("bin/backend/generate-env"),
            "#!/bin/sh\n# writes backend.env\nenvsubst < backend.env.template > \"$ROOT/backend.env\"\n",
        )
        .unwrap();
        let found = generator_of(&root.join("backend.env"), root, &Boundary::of(root)).unwrap();
        assert_eq!(found.template, Some(root.join("backend.env.template")));
        assert_eq!(found.script, Some(root.join("bin/backend/generate-env")));
        assert_eq!(
            generator_of(&root.join("other.env"), root, &Boundary::of(root)),
            None
        );
    }
}
