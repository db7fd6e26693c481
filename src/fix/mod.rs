//! `otel-doctor fix`: applies the remediations that are safe to automate.
//!
//! A rule says what to change and where it saw it (a `Remedy` on its finding), from the
//! resolved project alone: rules never read files. This module reads each file once, turns
//! every edit into text changes in the file's own style (indentation, quotes, list or map,
//! newlines), checks that the text at each position is still what the rule saw (else the edit
//! is skipped and says so), applies the changes from the last position to the first, checks
//! that the result still parses with the change where it belongs. Then it writes every changed
//! file, all or none (see `write`), only inside the workspace and never through a link that
//! leaves it, naming each file by its real path; or, with `--diff`, prints a unified diff and
//! writes nothing.

mod command;
mod compose;
mod kubernetes;
mod manifest;
mod python;
mod summary;
mod text;
mod write;
mod yaml_list;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use summary::{Rendered, render};

use crate::finding::Finding;
pub use crate::finding::{Edit, Remedy};
use crate::source::Location;
use crate::workspace::boundary::{Boundary, real_path};
use crate::workspace::display_path;
use crate::workspace::kubernetes::SharedFile;
use text::{Change, Source};
use write::{Replacement, Scratch};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the fixed files.
    Write,
    /// Print a unified diff, write nothing.
    Diff,
}

/// What a run did, finding by finding and file by file.
#[derive(Debug)]
pub struct Outcome {
    pub mode: Mode,
    /// Findings fixed (or, with `--diff`, that would be), with what changed.
    pub fixed: Vec<(Finding, Vec<String>)>,
    /// Findings left to the user, with why.
    pub left: Vec<(Finding, String)>,
    /// Every file that changed (or would), with the error that kept it from being written.
    pub files: Vec<(Arc<str>, Option<String>)>,
    pub diff: String,
    /// What the user still has to run (a lock file to regenerate).
    pub next_steps: Vec<String>,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.files.iter().any(|(_, error)| error.is_some())
    }

    /// Adds what happened to one file.
    fn record(&mut self, done: FileOutcome) {
        if done.changed || done.error.is_some() {
            self.files.push((done.shown, done.error));
        }
        self.next_steps.extend(done.next_steps);
    }
}

/// Whether `fix` can add packages to this manifest itself: not a `Pipfile` (its lock must
/// follow, which `pipenv install` does) nor a `package.json` (nor `setup.py`/`setup.cfg`, which
/// are code).
pub fn edits_manifest(path: &str) -> bool {
    manifest::Kind::of(path).is_some()
}

/// Fixes what can be fixed among `findings` (the policy already applied), in the workspace at
/// `root`, writing only inside `boundary`.
/// A file several renderings read (a kustomize base under two overlays) is not edited for
/// the findings of one: the change would reach the others too.
pub fn leave_shared_files(mut findings: Vec<Finding>, shared: &[SharedFile]) -> Vec<Finding> {
    for finding in &mut findings {
        let Some(Remedy::Edits(edits)) = &finding.fix else {
            continue;
        };
        if let Some(shared) = edits
            .iter()
            .find_map(|edit| shared.iter().find(|s| &s.file == edit.file()))
        {
            finding.fix = Some(Remedy::Manual(format!(
                "{} is rendered into {}: change it in the overlay that needs it (a patch), or there if all of them should change",
                shared.file,
                shared.folders.join(" and ")
            )));
        }
    }
    findings
}

pub fn run(root: &Path, boundary: &Boundary, findings: &[Finding], mode: Mode) -> Outcome {
    let mut outcome = Outcome {
        mode,
        fixed: Vec::new(),
        left: Vec::new(),
        files: Vec::new(),
        diff: String::new(),
        next_steps: Vec::new(),
    };
    let mut edits: Vec<&Edit> = Vec::new();
    let mut wanted: Vec<(&Finding, Vec<usize>)> = Vec::new();
    for finding in findings {
        let remedy = match (&finding.triage.ignored_at, &finding.fix) {
            (Some(pragma), _) => Err(format!("ignored by the pragma at {pragma}")),
            (None, None) => Err(format!("no automatic fix: {}", finding.hint)),
            (None, Some(Remedy::Manual(reason))) => Err(reason.clone()),
            (None, Some(Remedy::Edits(list))) => Ok(list),
        };
        match remedy {
            Ok(list) => {
                let ids = list
                    .iter()
                    .map(|edit| {
                        edits.iter().position(|e| *e == edit).unwrap_or_else(|| {
                            edits.push(edit);
                            edits.len() - 1
                        })
                    })
                    .collect();
                wanted.push((finding, ids));
            }
            Err(reason) => outcome.left.push((finding.clone(), reason)),
        }
    }
    let mut by_file: BTreeMap<&Arc<str>, Vec<usize>> = BTreeMap::new();
    for (id, edit) in edits.iter().enumerate() {
        by_file.entry(edit.file()).or_default().push(id);
    }
    let mut results: Vec<Result<(), String>> = vec![Ok(()); edits.len()];
    let mut writes: Vec<(Vec<usize>, FileOutcome)> = Vec::new();
    for (file, ids) in by_file {
        let file_edits: Vec<&Edit> = ids.iter().map(|&id| edits[id]).collect();
        let done = fix_file(root, boundary, file, &file_edits, mode);
        for (id, result) in ids.iter().zip(&done.results) {
            results[*id] = result.clone();
        }
        outcome.diff.push_str(&done.diff);
        if done.write.is_some() {
            writes.push((ids, done));
        } else {
            outcome.record(done);
        }
    }
    let replacements: Vec<Replacement> = writes
        .iter()
        .filter_map(|(_, done)| {
            let write = done.write.as_ref()?;
            Some(Replacement {
                real: &write.real,
                bytes: &write.bytes,
                original: &write.original,
            })
        })
        .collect();
    let failure = write::replace_all(&replacements, &Scratch::of(boundary.root())).err();
    let failed_file = failure
        .as_ref()
        .map(|f| Arc::clone(&writes[f.index].1.shown));
    for (at, (ids, mut done)) in writes.into_iter().enumerate() {
        if let (Some(failure), Some(failed_file)) = (&failure, &failed_file) {
            let reason = if at == failure.index {
                format!("cannot write {failed_file}: {}", failure.reason)
            } else if failure.left_changed.contains(&at) {
                format!(
                    "{} was changed, but {failed_file} could not be: check both and run `otel-doctor fix` again",
                    done.shown
                )
            } else {
                format!(
                    "not changed: {failed_file} could not be written, and fix changes every file of a run or none"
                )
            };
            for id in ids {
                if results[id].is_ok() {
                    results[id] = Err(reason.clone());
                }
            }
            let is_error = at == failure.index || failure.left_changed.contains(&at);
            done.error = is_error.then_some(reason);
            done.changed = false;
            done.next_steps.clear();
        }
        outcome.record(done);
    }
    for (finding, ids) in wanted {
        match ids.iter().find_map(|&id| results[id].clone().err()) {
            Some(reason) => outcome.left.push((finding.clone(), reason)),
            None => outcome.fixed.push((
                finding.clone(),
                ids.iter().map(|&id| edits[id].describe()).collect(),
            )),
        }
    }
    outcome
}

/// What happened to one file.
struct FileOutcome {
    /// The file as the report names it: its real path, when it is reached through a link.
    shown: Arc<str>,
    /// One per edit, in order.
    results: Vec<Result<(), String>>,
    changed: bool,
    error: Option<String>,
    diff: String,
    next_steps: Vec<String>,
    /// The new content to write, with `Mode::Write`.
    write: Option<FileWrite>,
}

/// A file's new content, written with the run's other files, or none of them.
struct FileWrite {
    real: PathBuf,
    bytes: Vec<u8>,
    original: Vec<u8>,
}

/// Edits of one file that become one group of changes: the variables of one service go into
/// its block together (a new block is added once), the packages of one manifest in one place.
struct Group<'e> {
    edits: Vec<usize>,
    first: &'e Edit,
}

fn groups<'e>(edits: &[&'e Edit]) -> Vec<Group<'e>> {
    let mut groups: Vec<Group> = Vec::new();
    for (index, edit) in edits.iter().enumerate() {
        let joins = groups.iter_mut().find(|group| match (group.first, edit) {
            (Edit::AddVariable { at: a, .. }, Edit::AddVariable { at: b, .. }) => a == b,
            (Edit::AddPackages { .. }, Edit::AddPackages { .. }) => true,
            _ => false,
        });
        match joins {
            Some(group) => group.edits.push(index),
            None => groups.push(Group {
                edits: vec![index],
                first: edit,
            }),
        }
    }
    groups
}

const BYTE_ORDER_MARK: &str = "\u{feff}";

fn fix_file(
    root: &Path,
    boundary: &Boundary,
    file: &Arc<str>,
    edits: &[&Edit],
    mode: Mode,
) -> FileOutcome {
    let failed = |reason: String, error: bool| FileOutcome {
        shown: Arc::clone(file),
        results: vec![Err(reason.clone()); edits.len()],
        changed: false,
        error: error.then_some(reason),
        diff: String::new(),
        next_steps: Vec::new(),
        write: None,
    };
    let path = root.join(&**file);
    if let Some(real) = boundary.outside(&path) {
        return failed(
            format!(
                "{file} leads to {}, outside the workspace: not changed",
                real.display()
            ),
            true,
        );
    }
    // Edited where it lives: a link stays a link, and the report names the file changed.
    let real = real_path(&path);
    let shown = display_path(&real_path(root), &real);
    let original = match std::fs::read(&real) {
        Ok(bytes) => bytes,
        Err(e) => return failed(format!("cannot read {file}: {e}"), true),
    };
    let Ok(original) = String::from_utf8(original) else {
        return failed(format!("{file} is not UTF-8 text"), true);
    };
    let (bom, text) = match original.strip_prefix(BYTE_ORDER_MARK) {
        Some(text) => (BYTE_ORDER_MARK, text),
        None => ("", original.as_str()),
    };
    let source = Source::new(text);
    let mut results: Vec<Result<(), String>> = vec![Ok(()); edits.len()];
    let mut accepted: Vec<Change> = Vec::new();
    for group in groups(edits) {
        let group_edits: Vec<&Edit> = group.edits.iter().map(|&i| edits[i]).collect();
        let changes = changes_for(&source, file, &group_edits).and_then(|changes| {
            let overlaps = changes.iter().any(|c| {
                accepted.iter().any(|a| {
                    c.range.start < a.range.end && a.range.start < c.range.end
                        || (c.range.is_empty() && a.range.contains(&c.range.start))
                })
            });
            if overlaps {
                Err("another fix changes the same text; run `otel-doctor fix` again".to_string())
            } else {
                Ok(changes)
            }
        });
        match changes {
            Ok(changes) => accepted.extend(changes),
            Err(reason) => {
                for &i in &group.edits {
                    results[i] = Err(reason.clone());
                }
            }
        }
    }
    let fixed = text::apply(text, &accepted);
    let applied: Vec<&Edit> = edits
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.is_ok())
        .map(|(e, _)| *e)
        .collect();
    let checked = check(file, &fixed, &applied);
    if let Err(reason) = &checked {
        for result in results.iter_mut().filter(|r| r.is_ok()) {
            *result = Err(reason.clone());
        }
    }
    let mut outcome = FileOutcome {
        shown,
        results,
        changed: false,
        error: None,
        diff: String::new(),
        next_steps: Vec::new(),
        write: None,
    };
    if checked.is_err() || fixed == text {
        return outcome;
    }
    let fixed = format!("{bom}{fixed}");
    match mode {
        Mode::Diff => {
            let name = diff_path(&real, &outcome.shown);
            outcome.diff = write::unified_diff(&name, &original, &fixed);
        }
        Mode::Write => {
            outcome.write = Some(FileWrite {
                real,
                bytes: fixed.into_bytes(),
                original: original.into_bytes(),
            });
        }
    }
    outcome.changed = true;
    outcome.next_steps = next_steps(root, file, &applied);
    outcome
}

/// The text changes of a group of edits.
fn changes_for(source: &Source, file: &str, edits: &[&Edit]) -> Result<Vec<Change>, String> {
    match edits {
        [Edit::Replace { at, old, new }] => {
            replace(source, at, old, new).map(|change| vec![change])
        }
        [Edit::RemoveFlag { at, flag, value }] => {
            command::remove_flag(source, at.line as usize, at.column as usize, flag, value)
                .map(|change| vec![change])
        }
        [Edit::AddVariable { service, at, .. }, ..] => {
            let variables: Vec<(String, String)> = edits
                .iter()
                .filter_map(|edit| match edit {
                    Edit::AddVariable { name, value, .. } => Some((name.clone(), value.clone())),
                    _ => None,
                })
                .collect();
            compose::add_variables(
                source,
                service,
                at.line as usize,
                at.column as usize,
                &variables,
            )
        }
        [Edit::AddPackages { .. }, ..] => {
            let kind = manifest::Kind::of(file)
                .ok_or_else(|| format!("adding packages to {file} is not automated"))?;
            let mut packages: Vec<String> = Vec::new();
            for edit in edits {
                if let Edit::AddPackages { packages: more, .. } = edit {
                    for package in more {
                        if !packages.contains(package) {
                            packages.push(package.clone());
                        }
                    }
                }
            }
            let missing = manifest::missing(kind, source.text, &packages);
            if missing.is_empty() {
                return Err(format!("{file} already lists {}", packages.join(", ")));
            }
            let pinned = manifest::pinned(kind, source.text, &missing);
            manifest::add(kind, source, &pinned.iter().collect::<Vec<_>>())
        }
        [Edit::AddListItem { at, after, item }] => {
            yaml_list::add_item(source, at.line as usize, at.column as usize, after, item)
                .map(|change| vec![change])
        }
        [Edit::AddOtlpExporter { at }] => python::add_otlp_exporter(source, at.line as usize),
        [
            Edit::MoveAnnotation {
                at,
                template,
                name,
                value,
            },
        ] => kubernetes::move_annotation(
            source,
            at.line as usize,
            template.line as usize,
            name,
            value,
        ),
        _ => Err("these edits do not go together".into()),
    }
}

/// `old` written on the line of `at`, from its column; or, for a Kubernetes `env` entry
/// located at its `- name:`, on the `value:` line that follows.
fn replace(source: &Source, at: &Location, old: &str, new: &str) -> Result<Change, String> {
    let line = at.line as usize;
    let changed = || {
        format!(
            "`{old}` is not written on line {line} (the file changed since it was read, or a template makes the value): change it where it is set"
        )
    };
    let found_on = |line: usize, column: usize| {
        let from = source.offset(line, column)?;
        let end = source.line_end(line)?;
        let found = source.text[from..end].find(old)?;
        Some(from + found)
    };
    let start = found_on(line, at.column as usize)
        .or_else(|| {
            let next = source.line(line + 1)?;
            next.trim_start()
                .starts_with("value:")
                .then(|| found_on(line + 1, 1))?
        })
        .ok_or_else(changed)?;
    Ok(Change {
        range: start..start + old.len(),
        text: new.to_string(),
    })
}

/// The edited file still reads as it must: a compose file parses and each added variable is
/// in its service's `environment`; a manifest lists each added package where it is installed.
fn check(file: &str, fixed: &str, applied: &[&Edit]) -> Result<(), String> {
    if applied.is_empty() {
        return Ok(());
    }
    let packages: Vec<&String> = applied
        .iter()
        .flat_map(|edit| match edit {
            Edit::AddPackages { packages, .. } => packages.iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    if let Some(kind) = manifest::Kind::of(file).filter(|_| !packages.is_empty()) {
        return manifest::check(kind, fixed, &packages);
    }
    if file.ends_with(".yml") || file.ends_with(".yaml") {
        let added: Vec<(&str, &str)> = applied
            .iter()
            .filter_map(|edit| match edit {
                Edit::AddVariable { service, name, .. } => Some((service.as_str(), name.as_str())),
                _ => None,
            })
            .collect();
        if added.is_empty() {
            // A stream of documents (Kubernetes manifests) is checked document by document.
            return kubernetes::check(fixed);
        }
        return compose::check(fixed, &added);
    }
    Ok(())
}

/// What must follow a manifest change before the image builds: a lock file beside it, or
/// the source of a generated requirements file.
fn next_steps(root: &Path, file: &str, applied: &[&Edit]) -> Vec<String> {
    if !applied
        .iter()
        .any(|e| matches!(e, Edit::AddPackages { .. }))
    {
        return Vec::new();
    }
    let folder = file.rsplit_once('/').map_or("", |(dir, _)| dir);
    let in_folder = |name: &str| {
        if folder.is_empty() {
            name.to_string()
        } else {
            format!("{folder}/{name}")
        }
    };
    let mut steps = Vec::new();
    for (lock, tool) in [
        ("poetry.lock", "poetry lock"),
        ("uv.lock", "uv lock"),
        ("pdm.lock", "pdm lock"),
    ] {
        if manifest::Kind::of(file) == Some(manifest::Kind::Pyproject)
            && root.join(in_folder(lock)).is_file()
        {
            steps.push(format!(
                "run `{tool}` in {}: {} must list the new packages before the image builds",
                if folder.is_empty() { "." } else { folder },
                in_folder(lock)
            ));
        }
    }
    let head: String = std::fs::read_to_string(root.join(file))
        .unwrap_or_default()
        .lines()
        .take(5)
        .collect::<Vec<_>>()
        .join("\n");
    if head.contains("autogenerated") || head.contains("generated by") {
        steps.push(format!(
            "{file} is generated (see its first lines): add the packages to its source too, or the next run of the generator drops them"
        ));
    }
    steps
}

/// How the diff names a file (`real`, the file itself): from the current folder when it is
/// inside it, so that `git apply` run there finds it; else as the report names it.
fn diff_path(real: &Path, shown: &str) -> String {
    match std::env::current_dir().map(|cwd| real_path(&cwd)) {
        Ok(cwd) if real.starts_with(&cwd) => display_path(&cwd, real).to_string(),
        _ => shown.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Severity, Triage};

    fn finding(rule: &'static str, line: u32, column: u32, fix: Remedy) -> Finding {
        let file: Arc<str> = Arc::from("docker-compose.yml");
        Finding {
            rule,
            severity: Severity::Error,
            step: "service:api".into(),
            service: Some("api".into()),
            services: vec!["api".into()],
            variants: Vec::new(),
            location: Some(Location::new(&file, line, column)),
            message: String::new(),
            hint: String::new(),
            fix: Some(fix),
            cures: Vec::new(),
            hidden_by: Vec::new(),
            triage: Triage::default(),
        }
    }

    fn rename(line: u32, column: u32, old: &str, new: &str) -> Remedy {
        let file: Arc<str> = Arc::from("docker-compose.yml");
        Remedy::edit(Edit::Replace {
            at: Location::new(&file, line, column),
            old: old.into(),
            new: new.into(),
        })
    }

    #[test]
    fn an_edit_whose_text_is_gone_is_skipped_and_the_others_apply() {
        let dir = tempfile::tempdir().unwrap();
        let compose = dir.path().join("docker-compose.yml");
        std::fs::write(
            &compose,
            "services:\n  api:\n    environment:\n      OTEL_SERVICE_NAME: api\n      OTEL_EXPORTER_OTLP_HEADER: x=1\n",
        )
        .unwrap();
        let findings = [
            // The rule saw a typo on line 4 that someone fixed since.
            finding(
                "config/variable-misspelled",
                4,
                7,
                rename(4, 7, "OTEL_SERVICE_NAM:", "OTEL_SERVICE_NAME:"),
            ),
            finding(
                "config/variable-misspelled",
                5,
                7,
                rename(
                    5,
                    7,
                    "OTEL_EXPORTER_OTLP_HEADER",
                    "OTEL_EXPORTER_OTLP_HEADERS",
                ),
            ),
            // The same text, changed twice: only the first change is made.
            finding(
                "config/variable-misspelled",
                5,
                7,
                rename(
                    5,
                    7,
                    "OTEL_EXPORTER_OTLP_HEADER",
                    "OTEL_EXPORTER_OTLP_HEADERZ",
                ),
            ),
        ];
        let outcome = run(
            dir.path(),
            &Boundary::of(dir.path()),
            &findings,
            Mode::Write,
        );
        assert_eq!(
            std::fs::read_to_string(&compose).unwrap(),
            "services:\n  api:\n    environment:\n      OTEL_SERVICE_NAME: api\n      OTEL_EXPORTER_OTLP_HEADERS: x=1\n"
        );
        let reasons: Vec<&str> = outcome.left.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "`OTEL_SERVICE_NAM:` is not written on line 4 (the file changed since it was read, or a template makes the value): change it where it is set",
                "another fix changes the same text; run `otel-doctor fix` again",
            ]
        );
        assert_eq!(outcome.fixed.len(), 1);
        assert!(!outcome.has_errors());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_links_out_of_the_workspace_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = dir.path().join("ws");
        std::fs::create_dir(&workspace).unwrap();
        let outside = dir.path().join("compose.yml");
        let text = "services:\n  api:\n    environment:\n      OTEL_EXPORTER_OTLP_HEADER: x=1\n";
        std::fs::write(&outside, text).unwrap();
        std::os::unix::fs::symlink(&outside, workspace.join("docker-compose.yml")).unwrap();
        let findings = [finding(
            "config/variable-misspelled",
            4,
            7,
            rename(
                4,
                7,
                "OTEL_EXPORTER_OTLP_HEADER",
                "OTEL_EXPORTER_OTLP_HEADERS",
            ),
        )];
        let outcome = run(
            &workspace,
            &Boundary::of(&workspace),
            &findings,
            Mode::Write,
        );
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), text);
        assert!(outcome.has_errors());
        let (file, error) = &outcome.files[0];
        assert_eq!(&**file, "docker-compose.yml");
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.starts_with("docker-compose.yml leads to ")
                    && e.ends_with(", outside the workspace: not changed")),
            "{error:?}"
        );
    }

    #[test]
    fn a_generated_requirements_file_gets_a_reminder_of_its_source() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("requirements.txt"),
            "#\n# This file is autogenerated by pip-compile with Python 3.12\n#\nflask==3.1.3\n",
        )
        .unwrap();
        let add = Remedy::edit(Edit::AddPackages {
            manifest: Arc::from("requirements.txt"),
            packages: vec!["opentelemetry-sdk".into()],
        });
        let outcome = run(
            dir.path(),
            &Boundary::of(dir.path()),
            &[finding("deps/otel-not-installed", 1, 1, add)],
            Mode::Diff,
        );
        assert_eq!(outcome.fixed.len(), 1);
        assert_eq!(
            outcome.next_steps,
            [
                "requirements.txt is generated (see its first lines): add the packages to its source too, or the next run of the generator drops them"
            ]
        );
        assert!(
            outcome
                .diff
                .ends_with(" flask==3.1.3\n+opentelemetry-sdk==1.45.0\n"),
            "a file that pins every line gets a pinned package: {}",
            outcome.diff
        );
    }

    #[test]
    fn a_remedy_for_several_services_keeps_each_edit_once() {
        let add = |service: &str| {
            let file: Arc<str> = Arc::from("docker-compose.yml");
            Remedy::edit(Edit::AddVariable {
                service: service.into(),
                at: Location::new(&file, 2, 3),
                name: "OTEL_SERVICE_NAME".into(),
                value: service.into(),
            })
        };
        let merged = Remedy::merge(Some(add("a")), Some(add("b")));
        let merged = Remedy::merge(merged, Some(add("a")));
        let Some(Remedy::Edits(edits)) = merged else {
            panic!("{merged:?}")
        };
        assert_eq!(edits.len(), 2);
        let manual = Remedy::merge(Some(add("a")), Some(Remedy::manual("no")));
        assert_eq!(manual, Some(Remedy::manual("no")));
    }
}
