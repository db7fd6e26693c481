//! Python dependency manifests: pip requirements files (with `-r` includes, extras, version
//! specifiers, markers, comments, continuations) and `pyproject.toml` (PEP 621, PEP 735 groups
//! and Poetry), every requirement with its position.

use std::collections::HashMap;

use crate::source::{Positions, line_column};

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
        // `column` counts characters; slicing needs the byte offset of the word.
        let start = content.len() - content.trim_start().len();
        let rest = content[start + word.len()..].trim();
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
        } else if let Some(requirement) = requirement(&content[start..], line, column) {
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
pub fn strip_comment(line: &str) -> &str {
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

/// A dependency group: PEP 735 `[dependency-groups]`, a Poetry group, PDM's or uv's dev
/// dependencies. Installers pick groups by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    pub name: String,
    /// Poetry's `optional = true`: installed only when asked for with `--with`.
    pub optional: bool,
    pub requirements: Vec<Requirement>,
}

/// A dependency installed from a folder (`{path = "../lib"}`, `name @ file:///...`), relative to
/// the manifest's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathDependency {
    pub name: String,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pyproject {
    /// `[project] name` or `[tool.poetry] name`, normalized.
    pub name: Option<String>,
    /// What installing the project installs: `[project] dependencies`, Poetry's main
    /// dependencies that are not optional.
    pub dependencies: Vec<Requirement>,
    /// `[project.optional-dependencies]` and Poetry's extras, by extra name.
    pub extras: Vec<Group>,
    pub groups: Vec<Group>,
    pub path_dependencies: Vec<PathDependency>,
}

impl Pyproject {
    /// Every requirement the file names, in any list.
    pub fn all_requirements(&self) -> impl Iterator<Item = &Requirement> {
        self.dependencies.iter().chain(
            self.extras
                .iter()
                .chain(&self.groups)
                .flat_map(|g| &g.requirements),
        )
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    pub fn extra(&self, name: &str) -> Option<&Group> {
        self.extras.iter().find(|g| g.name == normalize_name(name))
    }
}

/// A `Pipfile`: the packages `pipenv install` installs, and the dev packages `--dev` adds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pipfile {
    pub packages: Vec<Requirement>,
    pub dev_packages: Vec<Requirement>,
}

/// A manifest that is not valid TOML: one line, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

fn parse_toml(text: &str) -> Result<toml::Table, ManifestError> {
    toml::from_str::<toml::Spanned<toml::Table>>(text)
        .map(toml::Spanned::into_inner)
        .map_err(|error| {
            let offset = error.span().map_or(0, |span| span.start);
            let (line, column) = line_column(text, offset);
            ManifestError {
                line,
                column,
                message: error.message().trim().replace('\n', " "),
            }
        })
}

/// The lists of a `pyproject.toml` that installers read: PEP 621 (`[project]`), PEP 735
/// (`[dependency-groups]`), Poetry (`[tool.poetry]`, its groups and legacy dev-dependencies),
/// PDM's and uv's dev dependencies.
pub fn parse_pyproject(text: &str) -> Result<Pyproject, ManifestError> {
    let table = parse_toml(text)?;
    let mut located_specs = LocatedSpecs::new(text);
    let mut pyproject = Pyproject::default();
    let project = table.get("project").and_then(|p| p.as_table());
    let tool = table.get("tool").and_then(|t| t.as_table());
    let poetry = tool
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.as_table());
    pyproject.name = project
        .or(poetry)
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(normalize_name);
    if let Some(list) = project.and_then(|p| p.get("dependencies")) {
        pyproject.dependencies = located_specs.list(list, &mut pyproject.path_dependencies);
    }
    let named_lists = |value: Option<&toml::Value>| -> Vec<(String, toml::Value)> {
        value
            .and_then(|v| v.as_table())
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    for (name, list) in named_lists(project.and_then(|p| p.get("optional-dependencies"))) {
        let requirements = located_specs.list(&list, &mut pyproject.path_dependencies);
        pyproject.extras.push(Group {
            name: normalize_name(&name),
            optional: true,
            requirements,
        });
    }
    let pep_735 = named_lists(table.get("dependency-groups"));
    let pdm_dev = named_lists(
        tool.and_then(|t| t.get("pdm"))
            .and_then(|p| p.get("dev-dependencies")),
    );
    for (name, list) in pep_735.into_iter().chain(pdm_dev) {
        let requirements = located_specs.list(&list, &mut pyproject.path_dependencies);
        add_group(&mut pyproject, &name, false, requirements);
    }
    if let Some(list) = tool
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("dev-dependencies"))
    {
        let requirements = located_specs.list(list, &mut pyproject.path_dependencies);
        add_group(&mut pyproject, "dev", false, requirements);
    }
    if let Some(poetry) = poetry {
        read_poetry(poetry, &mut located_specs, &mut pyproject);
    }
    Ok(pyproject)
}

fn add_group(
    pyproject: &mut Pyproject,
    name: &str,
    optional: bool,
    requirements: Vec<Requirement>,
) {
    match pyproject.groups.iter_mut().find(|g| g.name == name) {
        Some(group) => group.requirements.extend(requirements),
        None => pyproject.groups.push(Group {
            name: name.to_string(),
            optional,
            requirements,
        }),
    }
}

fn read_poetry(poetry: &toml::Table, specs: &mut LocatedSpecs, pyproject: &mut Pyproject) {
    let mut optional_main: Vec<Requirement> = Vec::new();
    if let Some(dependencies) = poetry.get("dependencies").and_then(|d| d.as_table()) {
        for (name, value) in dependencies.iter().filter(|(name, _)| *name != "python") {
            let Some(requirement) = specs.key(name) else {
                continue;
            };
            if let Some(path) = value.get("path").and_then(|p| p.as_str()) {
                pyproject.path_dependencies.push(PathDependency {
                    name: requirement.name.clone(),
                    path: path.to_string(),
                });
            }
            if value.get("optional").and_then(|o| o.as_bool()) == Some(true) {
                optional_main.push(requirement);
            } else {
                pyproject.dependencies.push(requirement);
            }
        }
    }
    // `[tool.poetry.extras] otel = ["opentelemetry-sdk"]` names optional main dependencies.
    if let Some(extras) = poetry.get("extras").and_then(|e| e.as_table()) {
        for (extra, names) in extras {
            let requirements = names
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str())
                .filter_map(|n| {
                    let name = normalize_name(n);
                    optional_main.iter().find(|r| r.name == name).cloned()
                })
                .collect();
            pyproject.extras.push(Group {
                name: normalize_name(extra),
                optional: true,
                requirements,
            });
        }
    }
    let mut poetry_group = |name: &str, optional: bool, table: Option<&toml::Table>| {
        let requirements = table
            .into_iter()
            .flat_map(|t| t.keys())
            .filter(|name| *name != "python")
            .filter_map(|name| specs.key(name))
            .collect();
        add_group(pyproject, name, optional, requirements);
    };
    if let Some(legacy) = poetry.get("dev-dependencies").and_then(|d| d.as_table()) {
        poetry_group("dev", false, Some(legacy));
    }
    for (name, group) in poetry
        .get("group")
        .and_then(|g| g.as_table())
        .into_iter()
        .flatten()
    {
        let optional = group.get("optional").and_then(|o| o.as_bool()) == Some(true);
        poetry_group(
            name,
            optional,
            group.get("dependencies").and_then(|d| d.as_table()),
        );
    }
}

/// `[packages]` and `[dev-packages]` of a Pipfile.
pub fn parse_pipfile(text: &str) -> Result<Pipfile, ManifestError> {
    let table = parse_toml(text)?;
    let mut specs = LocatedSpecs::new(text);
    let mut names = |section: &str| -> Vec<Requirement> {
        table
            .get(section)
            .and_then(|t| t.as_table())
            .into_iter()
            .flat_map(|t| t.keys())
            .filter_map(|name| specs.key(name))
            .collect()
    };
    Ok(Pipfile {
        packages: names("packages"),
        dev_packages: names("dev-packages"),
    })
}

/// Requirements read from TOML values, each located in the text. The toml crate's value spans
/// do not survive into `Table`, so the document's strings and bare keys are listed once with
/// where they start, and each value is the next one written like it (TOML keeps document
/// order), else the first: a search of the text per value would be quadratic in a long file.
struct LocatedSpecs<'a> {
    positions: Positions<'a>,
    words: HashMap<&'a str, Vec<usize>>,
    cursor: usize,
}

impl<'a> LocatedSpecs<'a> {
    fn new(text: &'a str) -> Self {
        LocatedSpecs {
            positions: Positions::new(text),
            words: toml_words(text),
            cursor: 0,
        }
    }

    fn find(&mut self, needle: &str) -> Option<(u32, usize)> {
        let offsets = self.words.get(needle)?;
        let next = offsets.partition_point(|&offset| offset < self.cursor);
        let offset = *offsets.get(next).or(offsets.first())?;
        self.cursor = offset + needle.len();
        let (line, column) = self.positions.of(offset);
        Some((line, column as usize))
    }

    /// A PEP 508 string (`"flask>=3"`, `"lib @ file:///src/lib"`).
    fn spec(&mut self, spec: &str, paths: &mut Vec<PathDependency>) -> Option<Requirement> {
        let (line, column) = self.find(spec)?;
        let requirement = requirement(spec, line, column)?;
        if let Some((_, url)) = spec.split_once('@')
            && let Some(path) = url.trim().strip_prefix("file://")
        {
            paths.push(PathDependency {
                name: requirement.name.clone(),
                path: path.to_string(),
            });
        }
        Some(requirement)
    }

    /// A table key naming a package (Poetry, Pipfile).
    fn key(&mut self, name: &str) -> Option<Requirement> {
        let (line, column) = self.find(name)?;
        requirement(name, line, column)
    }

    fn list(&mut self, list: &toml::Value, paths: &mut Vec<PathDependency>) -> Vec<Requirement> {
        list.as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.as_str())
            .filter_map(|spec| self.spec(spec, paths))
            .collect()
    }
}

/// The strings (their text between the quotes, escapes as written) and bare keys of a TOML
/// document, each with the byte offsets where it starts, in order.
fn toml_words(text: &str) -> HashMap<&str, Vec<usize>> {
    let bytes = text.as_bytes();
    let is_bare = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_';
    let mut words: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'"' | b'\'') => {
                let triple = bytes[i..].starts_with(&[quote; 3]);
                let start = i + if triple { 3 } else { 1 };
                let mut end = start;
                while end < bytes.len() {
                    if triple && bytes[end..].starts_with(&[quote; 3]) {
                        break;
                    }
                    if !triple && (bytes[end] == quote || bytes[end] == b'\n') {
                        break;
                    }
                    // A basic string's `\"` is not its end.
                    end += if quote == b'"' && bytes[end] == b'\\' {
                        2
                    } else {
                        1
                    };
                }
                let end = end.min(bytes.len());
                words.entry(&text[start..end]).or_default().push(start);
                i = end + if triple { 3 } else { 1 };
            }
            byte if is_bare(byte) => {
                let start = i;
                while i < bytes.len() && is_bare(bytes[i]) {
                    i += 1;
                }
                words.entry(&text[start..i]).or_default().push(start);
            }
            _ => i += 1,
        }
    }
    words
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
            .all_requirements()
            .map(|r| (r.name.as_str(), r.line, r.column))
            .collect();
        assert_eq!(
            names,
            [
                ("flask", 4, 4),
                ("opentelemetry-sdk", 5, 4),
                ("opentelemetry-distro", 11, 1),
                ("opentelemetry-exporter-otlp", 8, 10),
            ]
        );
        assert_eq!(parsed.name.as_deref(), Some("api"));
        assert_eq!(parsed.extra("otel").unwrap().requirements.len(), 1);
    }

    #[test]
    fn poetry_groups_extras_and_path_dependencies() {
        let text = "[tool.poetry]\nname = \"Hello_World\"\n[tool.poetry.dependencies]\npython = \"^3.10\"\nhoneycomb-opentelemetry = {path = \"../../\", develop = true}\nopentelemetry-exporter-otlp = {version = \"*\", optional = true}\n[tool.poetry.extras]\notel = [\"opentelemetry-exporter-otlp\"]\n[tool.poetry.dev-dependencies]\npytest = \"*\"\n[tool.poetry.group.docs]\noptional = true\n[tool.poetry.group.docs.dependencies]\nmkdocs = \"*\"\n";
        let parsed = parse_pyproject(text).unwrap();
        assert_eq!(parsed.name.as_deref(), Some("hello-world"));
        let main: Vec<&str> = parsed
            .dependencies
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(main, ["honeycomb-opentelemetry"]);
        assert_eq!(
            parsed.path_dependencies,
            [PathDependency {
                name: "honeycomb-opentelemetry".into(),
                path: "../../".into()
            }]
        );
        assert_eq!(
            parsed.extra("otel").unwrap().requirements[0].name,
            "opentelemetry-exporter-otlp"
        );
        assert!(!parsed.group("dev").unwrap().optional);
        assert!(parsed.group("docs").unwrap().optional);
        assert_eq!(parsed.group("docs").unwrap().requirements[0].line, 14);
    }

    #[test]
    fn pep_735_and_uv_dev_groups() {
        let text = "[project]\nname = \"svc\"\ndependencies = [\"lib @ file:///src/lib\"]\n[dependency-groups]\notel = [\"opentelemetry-distro\"]\n[tool.uv]\ndev-dependencies = [\"pytest\"]\n";
        let parsed = parse_pyproject(text).unwrap();
        assert_eq!(parsed.group("otel").unwrap().requirements[0].line, 5);
        assert_eq!(parsed.group("dev").unwrap().requirements[0].name, "pytest");
        assert_eq!(parsed.path_dependencies[0].path, "/src/lib");
    }

    #[test]
    fn pipfile_packages_and_dev_packages() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n[packages]\nflask = \"*\"\nopentelemetry-distro = {version = \"*\", extras = [\"otlp\"]}\n[dev-packages]\npytest = \"*\"\n";
        let parsed = parse_pipfile(text).unwrap();
        let names: Vec<(&str, u32)> = parsed
            .packages
            .iter()
            .map(|r| (r.name.as_str(), r.line))
            .collect();
        assert_eq!(names, [("flask", 4), ("opentelemetry-distro", 5)]);
        assert_eq!(parsed.dev_packages[0].name, "pytest");
    }

    #[test]
    fn wide_whitespace_before_a_requirement_is_not_a_byte_offset() {
        let file = parse_requirements("\u{3000}flask\n\u{a0}-r other.txt\n");
        assert_eq!(file.requirements[0].name, "flask");
        assert_eq!(file.requirements[0].column, 2);
        assert_eq!(file.includes[0].path, "other.txt");
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
