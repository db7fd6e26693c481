//! Python dependency manifests: pip requirements files (with `-r` includes, extras, version
//! specifiers, markers, comments, continuations) and `pyproject.toml` (PEP 621, PEP 735 groups
//! and Poetry), every requirement with its position.

use crate::source::line_column;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// PEP 503-normalized: lowercase, runs of `-`, `_`, `.` become one `-`.
    pub name: String,
    pub extras: Vec<String>,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequirementsFile {
    pub requirements: Vec<Requirement>,
    /// `-r other.txt`: paths as written, relative to this file's folder.
    pub includes: Vec<Include>,
    /// `-e .`, `./pkg`: local projects.
    pub local_paths: Vec<Include>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    pub path: String,
    pub line: u32,
    pub column: u32,
}

/// Never fails: what pip would reject is skipped (pip reports it at build time).
pub fn parse_requirements(text: &str) -> RequirementsFile {
    let mut file = RequirementsFile::default();
    for (line, content) in logical_lines(text) {
        let (column, words) = first_word(&content);
        let Some(word) = words else { continue };
        let at = |column: usize| Include {
            path: String::new(),
            line,
            column: to_u32(column),
        };
        let rest = content[column - 1 + word.len()..].trim();
        let value_of = |option: &str| -> String {
            word.strip_prefix(option)
                .map(|v| v.trim_start_matches('=').to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| {
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
        };
        if word.starts_with("--requirement") || (word.starts_with("-r") && !word.starts_with("--"))
        {
            let option = if word.starts_with("--") {
                "--requirement"
            } else {
                "-r"
            };
            file.includes.push(Include {
                path: value_of(option),
                ..at(column)
            });
        } else if word.starts_with("--editable") || word.starts_with("-e") {
            let option = if word.starts_with("--") {
                "--editable"
            } else {
                "-e"
            };
            local_or_egg(&value_of(option), line, column, &mut file);
        } else if word.starts_with('-') {
            // Other options (`-i URL`, `-c file`, `--hash=...`) take the whole line.
            continue;
        } else if word.starts_with('.') || word.starts_with('/') {
            file.local_paths.push(Include {
                path: word.to_string(),
                ..at(column)
            });
        } else if word.contains("://") {
            local_or_egg(word, line, column, &mut file);
        } else if let Some(requirement) = requirement(&content[column - 1..], line, column) {
            file.requirements.push(requirement);
        }
    }
    file
}

/// `-e git+https://...#egg=name` names a requirement; any other target is a local project.
fn local_or_egg(target: &str, line: u32, column: usize, file: &mut RequirementsFile) {
    match target.split_once("#egg=") {
        Some((_, egg)) => file.requirements.extend(requirement(egg, line, column)),
        None => file.local_paths.push(Include {
            path: target.to_string(),
            line,
            column: to_u32(column),
        }),
    }
}

/// Lines joined across `\` continuations, comments removed, with their first line number.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut lines = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let without_comment = strip_comment(raw);
        let (body, continues) = match without_comment.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (without_comment, false),
        };
        let entry = current.get_or_insert_with(|| (to_u32(index + 1), String::new()));
        entry.1.push_str(body);
        if !continues {
            lines.extend(current.take());
        }
    }
    lines.extend(current);
    lines
}

/// pip: `#` starts a comment at the start of a line or after whitespace.
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(at) => &line[..at],
        None => line,
    }
}

/// The 1-based column of the first word, and the word.
fn first_word(line: &str) -> (usize, Option<&str>) {
    let indent = line.len() - line.trim_start().len();
    let word = line[indent..].split_whitespace().next();
    (line[..indent].chars().count() + 1, word)
}

/// `name[extra1,extra2] >= 1.0 ; marker` or `name @ url`.
pub fn requirement(text: &str, line: u32, column: usize) -> Option<Requirement> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(text.len());
    let name = &text[..end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let extras = text[end..]
        .trim_start()
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .map(|(extras, _)| {
            extras
                .split(',')
                .map(|e| normalize_name(e.trim()))
                .filter(|e| !e.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Some(Requirement {
        name: normalize_name(name),
        extras,
        line,
        column: to_u32(column),
    })
}

/// PEP 503 normalization.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pyproject {
    pub requirements: Vec<Requirement>,
}

/// A `pyproject.toml` that is not valid TOML: one line, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The runtime and optional dependencies of a project: `[project] dependencies`,
/// `[project.optional-dependencies]`, `[dependency-groups]` (PEP 735) and Poetry's tables.
pub fn parse_pyproject(text: &str) -> Result<Pyproject, ManifestError> {
    let document: toml::Spanned<toml::Table> = toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        let (line, column) = line_column(text, offset);
        ManifestError {
            line,
            column,
            message: error.message().trim().replace('\n', " "),
        }
    })?;
    let mut requirements = Vec::new();
    let table = document.get_ref();
    let project = table.get("project").and_then(|p| p.as_table());
    let pep_621_lists = project
        .and_then(|p| p.get("dependencies"))
        .into_iter()
        .chain(
            project
                .and_then(|p| p.get("optional-dependencies"))
                .and_then(|o| o.as_table())
                .into_iter()
                .flat_map(|groups| groups.values()),
        )
        .chain(
            table
                .get("dependency-groups")
                .and_then(|g| g.as_table())
                .into_iter()
                .flat_map(|groups| groups.values()),
        );
    for list in pep_621_lists {
        for entry in list.as_array().into_iter().flatten() {
            if let Some(spec) = entry.as_str() {
                requirements.extend(located(text, spec, |line, column| {
                    requirement(spec, line, column)
                }));
            }
        }
    }
    let poetry = table
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.as_table());
    let poetry_tables = poetry
        .and_then(|p| p.get("dependencies"))
        .into_iter()
        .chain(
            poetry
                .and_then(|p| p.get("group"))
                .and_then(|g| g.as_table())
                .into_iter()
                .flat_map(|groups| groups.values())
                .filter_map(|group| group.get("dependencies")),
        );
    for dependencies in poetry_tables.filter_map(|d| d.as_table()) {
        for name in dependencies.keys().filter(|name| *name != "python") {
            requirements.extend(located(text, name, |line, column| {
                requirement(name, line, column)
            }));
        }
    }
    Ok(Pyproject { requirements })
}

/// Finds where `needle` is written (the first occurrence after the previous one found is good
/// enough: the toml crate's value spans do not survive into `Table`), then builds the value.
fn located<T>(text: &str, needle: &str, build: impl Fn(u32, usize) -> Option<T>) -> Option<T> {
    let offset = text
        .find(&format!("\"{needle}\""))
        .map(|at| at + 1)
        .or_else(|| text.find(needle))?;
    let (line, column) = line_column(text, offset);
    build(line, column as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(file: &RequirementsFile) -> Vec<(&str, u32, u32)> {
        file.requirements
            .iter()
            .map(|r| (r.name.as_str(), r.line, r.column))
            .collect()
    }

    #[test]
    fn requirements_syntax() {
        let text = "# deps\nFlask==3.1.3\n  OpenTelemetry_SDK >= 1.45 ; python_version >= '3.9'  # the SDK\nopentelemetry-distro[otlp]==0.66b1 \\\n    --hash=sha256:abc\n-r requirements-otel.txt\n--requirement=base.txt\n-c constraints.txt\n-e .\n-e git+https://github.com/x/y.git#egg=my_pkg\nrequests @ https://example.com/r.whl\n--index-url https://pypi.org/simple\n";
        let file = parse_requirements(text);
        assert_eq!(
            names(&file),
            [
                ("flask", 2, 1),
                ("opentelemetry-sdk", 3, 3),
                ("opentelemetry-distro", 4, 1),
                ("my-pkg", 10, 1),
                ("requests", 11, 1)
            ]
        );
        assert_eq!(file.requirements[2].extras, ["otlp"]);
        let includes: Vec<&str> = file.includes.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(includes, ["requirements-otel.txt", "base.txt"]);
        assert_eq!(file.local_paths[0].path, ".");
    }

    #[test]
    fn pyproject_dependencies_with_positions() {
        let text = "[project]\nname = \"api\"\ndependencies = [\n  \"flask>=3\",\n  \"opentelemetry-sdk\",\n]\n[project.optional-dependencies]\notel = [\"opentelemetry-exporter-otlp\"]\n[tool.poetry.dependencies]\npython = \"^3.12\"\nopentelemetry-distro = \"*\"\n";
        let parsed = parse_pyproject(text).unwrap();
        let names: Vec<(&str, u32, u32)> = parsed
            .requirements
            .iter()
            .map(|r| (r.name.as_str(), r.line, r.column))
            .collect();
        assert_eq!(
            names,
            [
                ("flask", 4, 4),
                ("opentelemetry-sdk", 5, 4),
                ("opentelemetry-exporter-otlp", 8, 10),
                ("opentelemetry-distro", 11, 1)
            ]
        );
    }

    #[test]
    fn toml_errors_are_one_line_with_a_position() {
        let error = parse_pyproject("[project]\ndependencies = [\"flask\"\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(!error.message.contains('\n'));
    }

    #[test]
    fn names_are_normalized() {
        assert_eq!(
            normalize_name("OpenTelemetry__Exporter.OTLP"),
            "opentelemetry-exporter-otlp"
        );
    }
}
