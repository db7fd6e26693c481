//! The commands that files which start things run: shell scripts, Makefile, Justfile and
//! Taskfile targets, `package.json` scripts and Procfile entries. Each file is read into its
//! simple commands, every word expanded the way its shell would expand it where the
//! workspace alone tells (a variable the file sets to a literal value, a variable of the shell
//! otel-doctor runs in, the folder a command runs in), and located where it is written. What
//! cannot be known (`$(cat key)`, a variable set nowhere) stays unknown: nothing is guessed.
//! The launcher modules (`docker_run`, `host`) read these commands.
//!
//! The folder a command runs in: a Makefile's, Justfile's or Taskfile's own (make, just and
//! task run recipes there), a `package.json`'s (npm runs scripts there), a Procfile's; for a
//! shell script, the workspace root (scripts are run from the repository's root, as
//! `./scripts/start.sh`), unless it changes to its own folder (`cd "$(dirname "$0")"`).

use std::collections::HashMap;
use std::sync::Arc;

use super::interpolate::{VarOutcome, VarUse};
use super::yaml::{self, Node, NodeKind};
use crate::source::Location;

/// The kinds of file that start things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LaunchKind {
    Script,
    Makefile,
    Justfile,
    Taskfile,
    PackageJson,
    Procfile,
}

impl LaunchKind {
    /// The kind of a file by its name.
    pub fn of_file(name: &str) -> Option<LaunchKind> {
        let lower = name.to_ascii_lowercase();
        Some(match lower.as_str() {
            "makefile" | "gnumakefile" => LaunchKind::Makefile,
            "justfile" | ".justfile" => LaunchKind::Justfile,
            "taskfile.yml" | "taskfile.yaml" | "taskfile.dist.yml" | "taskfile.dist.yaml" => {
                LaunchKind::Taskfile
            }
            "package.json" => LaunchKind::PackageJson,
            _ if lower == "procfile" || lower.starts_with("procfile.") => LaunchKind::Procfile,
            _ if lower.ends_with(".mk") => LaunchKind::Makefile,
            _ if lower.ends_with(".sh") || lower.ends_with(".bash") => LaunchKind::Script,
            _ => return None,
        })
    }

    /// How a message names where a command is written.
    pub fn describe(self) -> &'static str {
        match self {
            LaunchKind::Script => "script",
            LaunchKind::Makefile => "Makefile target",
            LaunchKind::Justfile => "Justfile recipe",
            LaunchKind::Taskfile => "Taskfile task",
            LaunchKind::PackageJson => "package.json script",
            LaunchKind::Procfile => "Procfile entry",
        }
    }
}

/// Starts a workspace path in an expanded word: what follows it, up to the next `/` or the
/// end, is a folder of the workspace (`.` for its root), then the rest of the path. A word
/// that expands `$(pwd)` in a script run from the root is `\0./otel.yaml`.
pub const WORKSPACE_PATH: char = '\0';

/// A word of a command, expanded and located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    /// As written.
    pub raw: String,
    pub location: Location,
    /// Every expansion in it is known.
    pub known: bool,
    /// The variables it expands, with offsets into `raw`.
    pub uses: Vec<VarUse>,
}

impl Word {
    /// The word as a workspace path, when it is one (it expanded the folder a command runs in):
    /// `./otel.yaml`, `scripts/otel.yaml`.
    pub fn workspace_path(&self) -> Option<String> {
        workspace_path(&self.text)
    }

    /// The text without workspace markers, for values that are not paths.
    pub fn plain(&self) -> String {
        self.text.replace(WORKSPACE_PATH, "")
    }
}

/// `\0scripts/../otel.yaml` as `otel.yaml`; `None` when the text is not such a path.
pub fn workspace_path(text: &str) -> Option<String> {
    let rest = text.strip_prefix(WORKSPACE_PATH)?;
    Some(join_folder(".", rest))
}

/// A path written relative to `folder` (both workspace paths), with `.` and `..` folded.
pub fn join_folder(folder: &str, path: &str) -> String {
    let mut parts: Vec<&str> = if path.starts_with('/') || folder == "." {
        Vec::new()
    } else {
        folder.split('/').collect()
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// One simple command, with the words written before its program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<Word>,
    /// `NAME=value` words before the program (`OTEL_SERVICE_NAME=api node app.js`).
    pub assignments: Vec<Word>,
    /// The folder it runs in, as the workspace shows it (`.` for the root).
    pub cwd: String,
    /// The folder of the file that holds it.
    pub file_dir: String,
    /// The target, recipe, task, script or process that runs it (`collector`).
    pub target: Option<String>,
    pub kind: LaunchKind,
}

impl Command {
    pub fn location(&self) -> &Location {
        &self.words[0].location
    }

    /// The words from the program on, after `sudo`, `exec`, `nohup`, `time`, shell keywords,
    /// and `env` with its assignments.
    pub fn program(&self) -> &[Word] {
        let mut words = &self.words[..];
        let mut after_env = false;
        while let Some((first, rest)) = words.split_first() {
            let text = first.text.as_str();
            let prefix = matches!(
                text,
                "sudo" | "exec" | "nohup" | "time" | "command" | "then" | "do" | "else" | "{" | "!"
            );
            let env_assignment = after_env && assignment_name(text).is_some();
            if !(prefix || text == "env" || env_assignment) {
                break;
            }
            after_env |= text == "env";
            words = rest;
        }
        words
    }
}

/// A variable a file sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    pub name: String,
    /// `None` when its value cannot be known.
    pub value: Option<String>,
    pub location: Location,
    pub exported: bool,
}

/// What a launcher file runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaunchScript {
    pub commands: Vec<Command>,
    /// The variables the file sets, last one last.
    pub assigned: Vec<Assigned>,
    /// Env files it loads for its commands (`source .env`, `set dotenv-load`, a Taskfile's
    /// `dotenv`, a Procfile's `.env`), as workspace paths, with where that is said.
    pub env_files: Vec<(String, Location)>,
}

/// How a file writes expansions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Shell,
    /// `$(NAME)` and `${NAME}` are make's variables, `$$` is the shell's `$`.
    Make,
    /// `{{name}}` is just's.
    Just,
    /// `{{.NAME}}` is task's.
    Task,
}

/// The most commands kept from one file: a generated script is not a launcher.
const MAX_COMMANDS: usize = 2_000;

/// Reads a launcher file. `file` is its workspace path; `shell` the environment otel-doctor
/// runs in, which the file's commands inherit.
pub fn read(
    file: &Arc<str>,
    text: &str,
    kind: LaunchKind,
    shell: &HashMap<String, String>,
) -> LaunchScript {
    let folder = super::folder_of(file).to_string();
    let mut reader = FileReader {
        file,
        text,
        line_starts: line_starts(text),
        shell,
        folder: folder.clone(),
        vars: HashMap::new(),
        out: LaunchScript::default(),
    };
    match kind {
        LaunchKind::Script => reader.shell_script(),
        LaunchKind::Makefile => reader.makefile(),
        LaunchKind::Justfile => reader.justfile(),
        LaunchKind::Taskfile => reader.taskfile(),
        LaunchKind::PackageJson => reader.package_json(),
        LaunchKind::Procfile => reader.procfile(),
    }
    reader.out.commands.truncate(MAX_COMMANDS);
    reader.out
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect()
}

/// A variable as the file knows it.
#[derive(Debug, Clone)]
struct Var {
    value: Option<String>,
}

/// Where the words of a piece of text are in the file.
#[derive(Clone, Copy)]
enum Positions {
    /// The text is the file's own from this byte on.
    Exact(usize),
    /// A decoded value (JSON, YAML) that starts at this line and column: words are searched
    /// from there.
    Search(u32, u32),
}

struct FileReader<'a> {
    file: &'a Arc<str>,
    text: &'a str,
    line_starts: Vec<usize>,
    shell: &'a HashMap<String, String>,
    folder: String,
    vars: HashMap<String, Var>,
    out: LaunchScript,
}

/// A word as the lexer found it: its byte range in the text it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    start: usize,
    end: usize,
    operator: bool,
}

impl FileReader<'_> {
    fn location_at(&self, offset: usize) -> Location {
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line.saturating_sub(1)];
        let column = self.text[start..offset.min(self.text.len())]
            .chars()
            .count()
            + 1;
        Location::new(
            self.file,
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }

    fn assign(&mut self, name: &str, value: Option<String>, location: Location, exported: bool) {
        self.vars.insert(
            name.to_string(),
            Var {
                value: value.clone(),
            },
        );
        self.out.assigned.push(Assigned {
            name: name.to_string(),
            value,
            location,
            exported,
        });
    }

    // -- Shell scripts ------------------------------------------------------------------------

    fn shell_script(&mut self) {
        let text = self.text;
        let tokens = lex(text, Dialect::Shell);
        let mut cwd = ".".to_string();
        let folder = self.folder.clone();
        for command in tokens.split(|t| t.operator) {
            if command.is_empty() {
                continue;
            }
            let scope = Scope {
                dialect: Dialect::Shell,
                cwd: &cwd,
                script_dir: &folder,
                target: None,
            };
            match self.shell_statement(text, command, Positions::Exact(0), &scope) {
                Statement::Cd(dir) => {
                    cwd = dir;
                    continue;
                }
                Statement::Other => continue,
                Statement::Command => {}
            }
            let target = self.file.rsplit('/').next().map(str::to_string);
            self.command(
                text,
                command,
                Positions::Exact(0),
                &scope,
                target,
                LaunchKind::Script,
            );
        }
    }

    /// Handles what changes the state of the script rather than running a program: variable
    /// assignments, `export`, `cd`, `source FILE`.
    fn shell_statement(
        &mut self,
        text: &str,
        command: &[Token],
        positions: Positions,
        scope: &Scope,
    ) -> Statement {
        let words: Vec<&str> = command.iter().map(|t| &text[t.start..t.end]).collect();
        let first = words[0];
        let declaring = matches!(
            first,
            "export" | "readonly" | "local" | "declare" | "typeset"
        );
        let all_assignments = words.iter().all(|w| assignment_name(w).is_some());
        if declaring || all_assignments {
            let exported = first == "export";
            let skip = usize::from(declaring);
            for (token, word) in command.iter().zip(&words).skip(skip) {
                let Some(name) = assignment_name(word) else {
                    continue;
                };
                let value_start = token.start + name.len() + 1;
                let raw = &text[value_start..token.end];
                let expanded = self.expand(raw, scope);
                let location = self.locate(text, token.start, positions, None);
                let value = expanded.known.then_some(expanded.text);
                self.assign(name, value, location, exported);
            }
            return Statement::Other;
        }
        if first == "cd" {
            let target = command.get(1);
            let dir = match target {
                Some(token) => {
                    let expanded = self.expand(&text[token.start..token.end], scope);
                    if !expanded.known {
                        return Statement::Cd(scope.cwd.to_string());
                    }
                    match workspace_path(&expanded.text) {
                        Some(path) => path,
                        None if expanded.text.starts_with('/') || expanded.text == "-" => {
                            scope.cwd.to_string()
                        }
                        None => join_folder(scope.cwd, &expanded.text),
                    }
                }
                None => scope.cwd.to_string(),
            };
            return Statement::Cd(dir);
        }
        if matches!(first, "source" | ".")
            && let Some(token) = command.get(1)
        {
            let expanded = self.expand(&text[token.start..token.end], scope);
            if expanded.known {
                let path = workspace_path(&expanded.text)
                    .unwrap_or_else(|| join_folder(scope.cwd, &expanded.text));
                let location = self.locate(text, token.start, positions, None);
                self.out.env_files.push((path, location));
            }
            return Statement::Other;
        }
        Statement::Command
    }

    /// Keeps a command that runs a program, with the words written before it.
    fn command(
        &mut self,
        text: &str,
        tokens: &[Token],
        positions: Positions,
        scope: &Scope,
        target: Option<String>,
        kind: LaunchKind,
    ) {
        let mut words = Vec::with_capacity(tokens.len());
        let mut assignments = Vec::new();
        let mut previous: Option<Location> = None;
        for token in tokens {
            let raw = &text[token.start..token.end];
            let expanded = self.expand(raw, scope);
            let location = self.locate(text, token.start, positions, previous.as_ref());
            previous = Some(location.clone());
            let word = Word {
                text: expanded.text,
                raw: raw.to_string(),
                location,
                known: expanded.known,
                uses: expanded.uses,
            };
            if words.is_empty() && assignment_name(raw).is_some() {
                assignments.push(word);
            } else {
                words.push(word);
            }
        }
        if words.is_empty() {
            return;
        }
        self.out.commands.push(Command {
            words,
            assignments,
            cwd: scope.cwd.to_string(),
            file_dir: self.folder.clone(),
            target,
            kind,
        });
    }

    /// Where the word at `offset` of `text` is written.
    fn locate(
        &self,
        text: &str,
        offset: usize,
        positions: Positions,
        previous: Option<&Location>,
    ) -> Location {
        match positions {
            Positions::Exact(base) => self.location_at(base + offset),
            Positions::Search(line, column) => {
                let (line, column) = previous.map_or((line, column), |p| (p.line, p.column));
                let raw = text[offset..].split_whitespace().next().unwrap_or_default();
                crate::source::find_from(self.text, line, column, raw).map_or_else(
                    || Location::new(self.file, line, column),
                    |(line, column)| Location::new(self.file, line, column),
                )
            }
        }
    }

    // -- Makefiles ----------------------------------------------------------------------------

    fn makefile(&mut self) {
        let text = self.text;
        let folder = self.folder.clone();
        let mut target: Option<String> = None;
        for (start, end) in logical_lines(text) {
            let line = &text[start..end];
            if let Some(recipe) = line.strip_prefix('\t') {
                let Some(target) = target.clone() else {
                    continue;
                };
                let skipped = recipe.len() - recipe.trim_start_matches(['@', '-', '+', ' ']).len();
                let body_start = start + 1 + skipped;
                let body = &text[body_start..end];
                let scope = Scope {
                    dialect: Dialect::Make,
                    cwd: &folder,
                    script_dir: &folder,
                    target: Some(&target),
                };
                self.recipe_line(body, Positions::Exact(body_start), &scope, &target);
                continue;
            }
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if let Some((name, value, exported)) = make_assignment(trimmed) {
                let scope = Scope {
                    dialect: Dialect::Make,
                    cwd: &folder,
                    script_dir: &folder,
                    target: None,
                };
                let expanded = self.expand(value.trim(), &scope);
                let location = self.location_at(start + (line.len() - line.trim_start().len()));
                let value = expanded.known.then_some(expanded.text);
                if !(exported && value.is_none() && self.vars.contains_key(name)) {
                    self.assign(name, value, location, exported);
                }
                continue;
            }
            // `target: prerequisites` (not `:=`); a recipe after it belongs to the first target.
            target = trimmed
                .split_once(':')
                .filter(|(_, rest)| !rest.starts_with('='))
                .and_then(|(targets, _)| targets.split_whitespace().next())
                .filter(|t| !t.starts_with('.'))
                .map(str::to_string);
        }
    }

    /// One line of a recipe (make, just): a shell command line of its own.
    fn recipe_line(&mut self, body: &str, positions: Positions, scope: &Scope, target: &str) {
        let tokens = lex(body, scope.dialect);
        let mut cwd = scope.cwd.to_string();
        for command in tokens.split(|t| t.operator) {
            if command.is_empty() {
                continue;
            }
            let scope = Scope {
                cwd: &cwd,
                ..*scope
            };
            match self.shell_statement(body, command, positions, &scope) {
                Statement::Cd(dir) => {
                    cwd = dir;
                    continue;
                }
                Statement::Other => continue,
                Statement::Command => {}
            }
            let kind = match scope.dialect {
                Dialect::Make => LaunchKind::Makefile,
                Dialect::Just => LaunchKind::Justfile,
                Dialect::Task => LaunchKind::Taskfile,
                Dialect::Shell => LaunchKind::Script,
            };
            self.command(
                body,
                command,
                positions,
                &scope,
                Some(target.to_string()),
                kind,
            );
        }
    }

    // -- Justfiles ----------------------------------------------------------------------------

    fn justfile(&mut self) {
        let text = self.text;
        let folder = self.folder.clone();
        let mut recipe: Option<String> = None;
        let mut export_all = false;
        for (start, end) in logical_lines(text) {
            let line = &text[start..end];
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('[') {
                continue;
            }
            let indented = line.starts_with([' ', '\t']);
            if indented {
                let Some(name) = recipe.clone() else {
                    continue;
                };
                let lead = line.len() - line.trim_start().len();
                let body = line.trim_start();
                let skipped = body.len() - body.trim_start_matches(['@', '-']).len();
                let body_start = start + lead + skipped;
                let scope = Scope {
                    dialect: Dialect::Just,
                    cwd: &folder,
                    script_dir: &folder,
                    target: Some(&name),
                };
                let body = &text[body_start..end];
                self.recipe_line(body, Positions::Exact(body_start), &scope, &name);
                continue;
            }
            recipe = None;
            if let Some(setting) = trimmed.strip_prefix("set ") {
                let setting = setting.trim();
                if setting.starts_with("dotenv-load") && !setting.ends_with("false") {
                    let env = join_folder(&folder, ".env");
                    self.out.env_files.push((env, self.location_at(start)));
                } else if setting.starts_with("export") && !setting.ends_with("false") {
                    export_all = true;
                }
                continue;
            }
            let (declaration, exported) = match trimmed.strip_prefix("export ") {
                Some(rest) => (rest.trim(), true),
                None => (trimmed, false),
            };
            if let Some((name, value)) = declaration.split_once(":=") {
                let name = name.trim();
                if is_name(name) {
                    let scope = Scope {
                        dialect: Dialect::Just,
                        cwd: &folder,
                        script_dir: &folder,
                        target: None,
                    };
                    let expanded = self.just_value(value.trim(), &scope);
                    let location = self.location_at(start);
                    self.assign(name, expanded, location, exported || export_all);
                }
                continue;
            }
            // `name param='default': dependencies`
            recipe = trimmed
                .split_once(':')
                .map(|(head, _)| head.trim_start_matches('@'))
                .and_then(|head| head.split_whitespace().next())
                .filter(|name| is_recipe_name(name))
                .map(str::to_string);
        }
    }

    /// A just expression of literals (`"a" + "b"`, `'x'`, a variable): its value, if known.
    fn just_value(&self, value: &str, scope: &Scope) -> Option<String> {
        let mut out = String::new();
        for part in value.split(" + ") {
            let part = part.trim();
            let literal = part
                .strip_prefix('"')
                .and_then(|p| p.strip_suffix('"'))
                .or_else(|| part.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')));
            match literal {
                Some(literal) => out.push_str(literal),
                None => {
                    let expanded = self.template(part, scope);
                    out.push_str(&expanded?);
                }
            }
        }
        Some(out)
    }

    // -- Taskfiles ----------------------------------------------------------------------------

    fn taskfile(&mut self) {
        let Ok(root) = yaml::parse(self.text) else {
            return;
        };
        let folder = self.folder.clone();
        self.task_vars(root.get("vars"));
        self.task_vars(root.get("env"));
        if let Some(NodeKind::Seq(files)) = root.get("dotenv").map(|d| &d.kind) {
            for file in files {
                if let Some(path) = file.as_scalar() {
                    let location = Location::new(self.file, file.line, file.column);
                    self.out
                        .env_files
                        .push((join_folder(&folder, path), location));
                }
            }
        }
        let Some(tasks) = root.get("tasks").and_then(Node::entries) else {
            return;
        };
        for (name, task) in tasks {
            let commands = match &task.kind {
                NodeKind::Seq(_) => Some(task),
                NodeKind::Map(_) => task.get("cmds"),
                _ => None,
            };
            let dir = task
                .get("dir")
                .and_then(Node::as_scalar)
                .map_or_else(|| folder.clone(), |dir| join_folder(&folder, dir));
            self.task_vars(task.get("vars"));
            self.task_vars(task.get("env"));
            let commands: Vec<&Node> = match commands.map(|c| &c.kind) {
                Some(NodeKind::Seq(items)) => items
                    .iter()
                    .filter_map(|item| match &item.kind {
                        NodeKind::Scalar(_) => Some(item),
                        NodeKind::Map(_) => item.get("cmd"),
                        _ => None,
                    })
                    .collect(),
                Some(NodeKind::Scalar(_)) => commands.into_iter().collect(),
                _ => Vec::new(),
            };
            for command in commands {
                let Some(value) = command.as_scalar() else {
                    continue;
                };
                let scope = Scope {
                    dialect: Dialect::Task,
                    cwd: &dir,
                    script_dir: &folder,
                    target: Some(&name.name),
                };
                let positions = Positions::Search(command.line, command.column);
                let value = value.to_string();
                self.recipe_line(&value, positions, &scope, &name.name);
            }
        }
    }

    fn task_vars(&mut self, vars: Option<&Node>) {
        let Some(entries) = vars.and_then(Node::entries) else {
            return;
        };
        for (key, value) in entries {
            let location = Location::new(self.file, key.line, key.column);
            let value = value.as_scalar().map(str::to_string);
            self.assign(&key.name, value, location, true);
        }
    }

    // -- package.json, Procfile -----------------------------------------------------------

    fn package_json(&mut self) {
        let Ok(package) = super::npm::parse_package_json(self.text) else {
            return;
        };
        let folder = self.folder.clone();
        for script in &package.scripts {
            let scope = Scope {
                dialect: Dialect::Shell,
                cwd: &folder,
                script_dir: &folder,
                target: Some(&script.name),
            };
            let positions = Positions::Search(script.value_line, script.value_column);
            self.recipe_line_as(
                &script.value,
                positions,
                &scope,
                &script.name,
                LaunchKind::PackageJson,
            );
        }
    }

    fn procfile(&mut self) {
        let text = self.text;
        let folder = self.folder.clone();
        // honcho and foreman load the `.env` beside the Procfile for every process.
        let env = join_folder(&folder, ".env");
        self.out
            .env_files
            .push((env, Location::file_start(self.file)));
        for (start, end) in logical_lines(text) {
            let line = &text[start..end];
            if line.trim_start().starts_with('#') {
                continue;
            }
            let Some((name, command)) = line.split_once(':') else {
                continue;
            };
            let name = name.trim();
            if !is_recipe_name(name) {
                continue;
            }
            let body_start = start + name.len() + 1 + (command.len() - command.trim_start().len());
            let body = &text[body_start..end];
            let scope = Scope {
                dialect: Dialect::Shell,
                cwd: &folder,
                script_dir: &folder,
                target: Some(name),
            };
            self.recipe_line_as(
                body,
                Positions::Exact(body_start),
                &scope,
                name,
                LaunchKind::Procfile,
            );
        }
    }

    fn recipe_line_as(
        &mut self,
        body: &str,
        positions: Positions,
        scope: &Scope,
        target: &str,
        kind: LaunchKind,
    ) {
        let before = self.out.commands.len();
        self.recipe_line(body, positions, scope, target);
        for command in &mut self.out.commands[before..] {
            command.kind = kind;
        }
    }

    // -- Expansion ----------------------------------------------------------------------------

    fn lookup(&self, name: &str, scope: &Scope) -> Lookup {
        if let Some(var) = self.vars.get(name) {
            return match &var.value {
                Some(value) => Lookup::Value(value.clone()),
                None => Lookup::Unknown,
            };
        }
        match name {
            "PWD" | "CURDIR" => return Lookup::Value(format!("{WORKSPACE_PATH}{}", scope.cwd)),
            _ => {}
        }
        match self.shell.get(name) {
            Some(value) => Lookup::Value(value.clone()),
            None => Lookup::Unset,
        }
    }

    /// Expands one word as written (quotes removed, variables substituted).
    fn expand(&self, raw: &str, scope: &Scope) -> Expanded {
        let mut out = Expanded {
            text: String::new(),
            known: true,
            uses: Vec::new(),
        };
        let bytes = raw.as_bytes();
        let mut i = 0;
        let mut quoted = false;
        let mut literal = Vec::new();
        let flush = |literal: &mut Vec<u8>, out: &mut Expanded| {
            out.text.push_str(&String::from_utf8_lossy(literal));
            literal.clear();
        };
        while i < bytes.len() {
            let c = bytes[i];
            match c {
                b'\'' if !quoted => {
                    let end = raw[i + 1..].find('\'').map_or(raw.len(), |e| i + 1 + e);
                    literal.extend_from_slice(&bytes[i + 1..end]);
                    i = end + 1;
                }
                b'"' => {
                    quoted = !quoted;
                    i += 1;
                }
                b'\\' if i + 1 < bytes.len() => {
                    let next = bytes[i + 1];
                    if next != b'\n' {
                        if quoted && !matches!(next, b'"' | b'\\' | b'$' | b'`') {
                            literal.push(b'\\');
                        }
                        literal.push(next);
                    }
                    i += 2;
                }
                b'$' if scope.dialect == Dialect::Make => {
                    flush(&mut literal, &mut out);
                    i = self.make_dollar(raw, i, scope, &mut out);
                }
                b'$' => {
                    flush(&mut literal, &mut out);
                    i = self.shell_dollar(raw, i, scope, &mut out);
                }
                b'`' => {
                    flush(&mut literal, &mut out);
                    let end = raw[i + 1..].find('`').map_or(raw.len(), |e| i + 1 + e);
                    self.substitution(&raw[i + 1..end], scope, &mut out);
                    i = end + 1;
                }
                b'{' if matches!(scope.dialect, Dialect::Just | Dialect::Task)
                    && bytes.get(i + 1) == Some(&b'{') =>
                {
                    flush(&mut literal, &mut out);
                    let end = raw[i..].find("}}").map_or(raw.len(), |e| i + e);
                    match self.template(&raw[i + 2..end], scope) {
                        Some(value) => out.text.push_str(&value),
                        None => out.known = false,
                    }
                    i = end + 2;
                }
                _ => {
                    literal.push(c);
                    i += 1;
                }
            }
        }
        flush(&mut literal, &mut out);
        out
    }

    /// `$NAME`, `${NAME}`, `${NAME:-default}`, `$(command)` at `at`; returns where it ends.
    fn shell_dollar(&self, raw: &str, at: usize, scope: &Scope, out: &mut Expanded) -> usize {
        let bytes = raw.as_bytes();
        match bytes.get(at + 1) {
            Some(b'(') => {
                let end = closing(raw, at + 1, b'(', b')');
                let inner = raw.get(at + 2..end).unwrap_or_default();
                if !inner.starts_with('(') {
                    self.substitution(inner, scope, out);
                } else {
                    out.known = false;
                }
                end + 1
            }
            Some(b'{') => {
                let end = closing(raw, at + 1, b'{', b'}');
                let inner = raw.get(at + 2..end).unwrap_or_default();
                self.parameter(inner, at, scope, out);
                end + 1
            }
            Some(&c) if c.is_ascii_alphabetic() || c == b'_' => {
                let end = raw[at + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(raw.len(), |e| at + 1 + e);
                self.variable(&raw[at + 1..end], at, scope, out);
                end
            }
            Some(c)
                if c.is_ascii_digit() || matches!(c, b'@' | b'*' | b'#' | b'?' | b'!' | b'$') =>
            {
                out.known = false;
                at + 2
            }
            _ => {
                out.text.push('$');
                at + 1
            }
        }
    }

    /// make's `$(NAME)`, `${NAME}`, `$(shell pwd)`, `$@`, and `$$` (the shell's `$`).
    fn make_dollar(&self, raw: &str, at: usize, scope: &Scope, out: &mut Expanded) -> usize {
        let bytes = raw.as_bytes();
        match bytes.get(at + 1) {
            Some(b'$') => {
                let shell = Scope {
                    dialect: Dialect::Shell,
                    ..*scope
                };
                self.shell_dollar(raw, at + 1, &shell, out)
            }
            Some(&open @ (b'(' | b'{')) => {
                let close = if open == b'(' { b')' } else { b'}' };
                let end = closing(raw, at + 1, open, close);
                let inner = raw.get(at + 2..end).unwrap_or_default().trim();
                if let Some(command) = inner.strip_prefix("shell ") {
                    self.substitution(command, scope, out);
                } else if is_name(inner) {
                    self.variable(inner, at, scope, out);
                } else {
                    out.known = false;
                }
                end + 1
            }
            Some(b'@') => {
                out.text.push_str(scope.target.unwrap_or_default());
                at + 2
            }
            Some(_) => {
                out.known = false;
                at + 2
            }
            None => at + 1,
        }
    }

    /// `${NAME}`, `${NAME:-default}` and kin; `${BASH_SOURCE%/*}` is the script's folder.
    fn parameter(&self, inner: &str, at: usize, scope: &Scope, out: &mut Expanded) {
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let (name, operation) = inner.split_at(name_end);
        if name.is_empty() {
            out.known = false;
            return;
        }
        if name == "BASH_SOURCE" || name == "0" {
            out.text
                .push_str(&format!("{WORKSPACE_PATH}{}", scope.script_dir));
            return;
        }
        let lookup = self.lookup(name, scope);
        let (operator, word) = ["-", ":-", "=", ":=", "+", ":+", "?", ":?"]
            .iter()
            .filter_map(|op| operation.strip_prefix(op).map(|word| (*op, word)))
            .max_by_key(|(op, _)| op.len())
            .unwrap_or(("", operation));
        if operator.is_empty() && !operation.is_empty() {
            // `${NAME%pattern}`, `${#NAME}`...: not followed.
            out.known = false;
            return;
        }
        let colon = operator.starts_with(':');
        let (set, empty) = match &lookup {
            Lookup::Value(value) => (true, value.is_empty()),
            Lookup::Unset => (false, true),
            Lookup::Unknown => {
                out.known = false;
                return;
            }
        };
        let use_default = match operator.trim_start_matches(':') {
            "-" | "=" => !set || (colon && empty),
            "+" => set && !(colon && empty),
            _ => false,
        };
        let outcome = if use_default {
            let expanded = self.expand(word, scope);
            out.known &= expanded.known;
            out.text.push_str(&expanded.text);
            VarOutcome::Default
        } else if operator.trim_start_matches(':') == "+" {
            VarOutcome::Default
        } else {
            match lookup {
                Lookup::Value(value) => {
                    out.text.push_str(&value);
                    VarOutcome::Value
                }
                _ => {
                    out.known = false;
                    VarOutcome::Unset
                }
            }
        };
        out.uses.push(VarUse {
            name: name.to_string(),
            offset: at,
            outcome,
        });
    }

    fn variable(&self, name: &str, at: usize, scope: &Scope, out: &mut Expanded) {
        let outcome = match self.lookup(name, scope) {
            Lookup::Value(value) => {
                out.text.push_str(&value);
                VarOutcome::Value
            }
            Lookup::Unset => {
                out.known = false;
                VarOutcome::Unset
            }
            Lookup::Unknown => {
                out.known = false;
                VarOutcome::Value
            }
        };
        if !matches!(name, "PWD" | "CURDIR") {
            out.uses.push(VarUse {
                name: name.to_string(),
                offset: at,
                outcome,
            });
        }
    }

    /// A command substitution: `$(pwd)` is the folder the command runs in, `$(dirname "$0")`
    /// the script's, `$(git rev-parse --show-toplevel)` the workspace root; anything else is
    /// not known.
    fn substitution(&self, command: &str, scope: &Scope, out: &mut Expanded) {
        let command = command.trim();
        let folder = if matches!(command, "pwd" | "pwd -P" | "pwd -L") {
            Some(scope.cwd)
        } else if command.contains("dirname")
            && (command.contains("$0") || command.contains("BASH_SOURCE"))
        {
            Some(scope.script_dir)
        } else if command == "git rev-parse --show-toplevel" {
            Some(".")
        } else {
            None
        };
        match folder {
            Some(folder) => out.text.push_str(&format!("{WORKSPACE_PATH}{folder}")),
            None => out.known = false,
        }
    }

    /// `{{name}}` (just) or `{{.NAME}}` (task).
    fn template(&self, expression: &str, scope: &Scope) -> Option<String> {
        let expression = expression.trim();
        let folder = || Some(format!("{WORKSPACE_PATH}{}", scope.script_dir));
        match scope.dialect {
            Dialect::Task => match expression.strip_prefix('.')? {
                "ROOT_DIR" | "TASKFILE_DIR" | "USER_WORKING_DIR" => folder(),
                "TASK" => scope.target.map(str::to_string),
                name => match self.lookup(name, scope) {
                    Lookup::Value(value) => Some(value),
                    _ => None,
                },
            },
            _ => {
                if expression.starts_with("justfile_dir")
                    || expression.starts_with("invocation_dir")
                    || expression.starts_with("source_dir")
                {
                    return folder();
                }
                let call = |names: &[&str]| {
                    names
                        .iter()
                        .find_map(|n| expression.strip_prefix(n)?.strip_prefix('('))
                        .and_then(|a| a.strip_suffix(')'))
                };
                if let Some(arguments) = call(&["env_var_or_default", "env"]) {
                    let arguments: Vec<&str> = arguments
                        .split(',')
                        .map(|a| a.trim().trim_matches(['\'', '"']))
                        .collect();
                    return match (arguments.first(), arguments.get(1)) {
                        (Some(name), default) => self
                            .shell
                            .get(*name)
                            .cloned()
                            .or_else(|| default.map(|d| d.to_string())),
                        _ => None,
                    };
                }
                if let Some(name) = call(&["env_var"]) {
                    return self.shell.get(name.trim_matches(['\'', '"'])).cloned();
                }
                match self.lookup(expression, scope) {
                    Lookup::Value(value) if is_name(expression) => Some(value),
                    _ => None,
                }
            }
        }
    }
}

/// What a simple command of a script is.
enum Statement {
    /// `cd DIR`: the folder the next commands run in.
    Cd(String),
    /// An assignment, `export`, `source`: it changes what the next commands expand.
    Other,
    /// It runs a program.
    Command,
}

#[derive(Clone, Copy)]
struct Scope<'a> {
    dialect: Dialect,
    cwd: &'a str,
    script_dir: &'a str,
    target: Option<&'a str>,
}

enum Lookup {
    Value(String),
    /// Set nowhere.
    Unset,
    /// Set to something that cannot be known.
    Unknown,
}

struct Expanded {
    text: String,
    known: bool,
    uses: Vec<VarUse>,
}

/// The name of `NAME=value`, if the word is an assignment.
fn assignment_name(word: &str) -> Option<&str> {
    let (name, _) = word.split_once('=')?;
    is_name(name).then_some(name)
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_recipe_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// `NAME = value`, `NAME := value`, `NAME ?= value`, `export NAME = value`.
fn make_assignment(line: &str) -> Option<(&str, &str, bool)> {
    let (line, exported) = match line.strip_prefix("export ") {
        Some(rest) => (rest.trim_start(), true),
        None => (line.strip_prefix("override ").unwrap_or(line), false),
    };
    let at = line.find('=')?;
    let head = line[..at].trim_end_matches([':', '?', '+', '!']).trim();
    is_name(head).then(|| (head, &line[at + 1..], exported))
}

/// The byte ranges of a file's lines, a line ending in `\` joined with the next.
fn logical_lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            let continued = i > 0 && bytes[i - 1] == b'\\';
            if !continued {
                lines.push((start, i));
                start = i + 1;
            }
        }
        i += 1;
    }
    if start < text.len() {
        lines.push((start, text.len()));
    }
    lines
}

/// Where the bracket opened at `open_at` closes (its index), quotes and nesting skipped; the
/// end of the text when it does not.
fn closing(text: &str, open_at: usize, open: u8, close: u8) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut i = open_at;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(b'"') if c == b'\\' => i += 1,
            Some(_) => {}
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None if c == open => depth += 1,
            None if c == close => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Splits text into words and control operators the way a shell reads it: quotes, `$(...)`,
/// `${...}`, backquotes (and `{{...}}` for just and task) keep their spaces; `#` at the start
/// of a word comments out the rest of the line; a newline ends a command; redirections and
/// their targets are left out, and a here-document's body is skipped.
fn lex(text: &str, dialect: Dialect) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens: Vec<Token> = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    let mut skip_next_word = false;
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    let finish =
        |tokens: &mut Vec<Token>, start: &mut Option<usize>, end: usize, skip: &mut bool| {
            if let Some(s) = start.take() {
                if *skip {
                    *skip = false;
                } else {
                    tokens.push(Token {
                        start: s,
                        end,
                        operator: false,
                    });
                }
            }
        };
    let operator = |tokens: &mut Vec<Token>, at: usize, len: usize| {
        tokens.push(Token {
            start: at,
            end: at + len,
            operator: true,
        });
    };
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' => {
                start.get_or_insert(i);
                i += 2;
            }
            b' ' | b'\t' | b'\r' => {
                finish(&mut tokens, &mut start, i, &mut skip_next_word);
                i += 1;
            }
            b'\n' => {
                finish(&mut tokens, &mut start, i, &mut skip_next_word);
                operator(&mut tokens, i, 1);
                i += 1;
                // A here-document's body runs to its delimiter's line.
                for (delimiter, tabs) in std::mem::take(&mut heredocs) {
                    while i < bytes.len() {
                        let end = text[i..].find('\n').map_or(text.len(), |e| i + e);
                        let line = &text[i..end];
                        let line = if tabs {
                            line.trim_start_matches('\t')
                        } else {
                            line
                        };
                        i = (end + 1).min(text.len());
                        if line.trim_end() == delimiter {
                            break;
                        }
                    }
                }
            }
            b'#' if start.is_none() => {
                i = text[i..].find('\n').map_or(text.len(), |e| i + e);
            }
            b';' | b'&' | b'|' | b'(' | b')' => {
                finish(&mut tokens, &mut start, i, &mut skip_next_word);
                let double = bytes.get(i + 1) == Some(&c) && c != b'(' && c != b')';
                let len = if double { 2 } else { 1 };
                operator(&mut tokens, i, len);
                i += len;
            }
            b'>' | b'<' => {
                // A redirection: a file descriptor before it (`2>`) is not a word.
                if let Some(s) = start
                    && text[s..i].bytes().all(|b| b.is_ascii_digit())
                {
                    start = None;
                } else {
                    finish(&mut tokens, &mut start, i, &mut skip_next_word);
                }
                let rest = &text[i..];
                if let Some(here) = rest.strip_prefix("<<") {
                    let tabs = here.starts_with('-');
                    let here = here.trim_start_matches(['-', '~']).trim_start();
                    let word_end = here
                        .find(|c: char| c.is_whitespace() || c == ';')
                        .unwrap_or(here.len());
                    let delimiter = here[..word_end].trim_matches(['\'', '"']).to_string();
                    if !delimiter.is_empty() && !here.starts_with('<') {
                        heredocs.push((delimiter, tabs));
                    }
                    i += rest.len() - here.len() + word_end;
                    continue;
                }
                let len = rest
                    .bytes()
                    .take_while(|b| matches!(b, b'>' | b'<' | b'&' | b'|'))
                    .count();
                i += len;
                // `>&2`, `2>&1`: the target is a descriptor written in the operator's word.
                let target_is_fd = rest[len..].starts_with(|c: char| c.is_ascii_digit())
                    && rest[..len].ends_with('&');
                if target_is_fd {
                    i += rest[len..].bytes().take_while(u8::is_ascii_digit).count();
                } else {
                    skip_next_word = true;
                }
            }
            b'\'' => {
                start.get_or_insert(i);
                i = text[i + 1..].find('\'').map_or(text.len(), |e| i + 1 + e) + 1;
            }
            b'"' => {
                start.get_or_insert(i);
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'(') {
                        i = closing(text, i + 1, b'(', b')');
                    } else if bytes[i] == b'`' {
                        i = text[i + 1..].find('`').map_or(text.len(), |e| i + 1 + e);
                    }
                    i += 1;
                }
                i += 1;
            }
            b'`' => {
                start.get_or_insert(i);
                i = text[i + 1..].find('`').map_or(text.len(), |e| i + 1 + e) + 1;
            }
            b'$' if matches!(bytes.get(i + 1), Some(b'(' | b'{')) => {
                start.get_or_insert(i);
                let (open, close) = if bytes[i + 1] == b'(' {
                    (b'(', b')')
                } else {
                    (b'{', b'}')
                };
                i = closing(text, i + 1, open, close) + 1;
            }
            b'{' if matches!(dialect, Dialect::Just | Dialect::Task)
                && bytes.get(i + 1) == Some(&b'{') =>
            {
                start.get_or_insert(i);
                i = text[i..].find("}}").map_or(text.len(), |e| i + e + 2);
            }
            _ => {
                start.get_or_insert(i);
                i += 1;
            }
        }
    }
    finish(
        &mut tokens,
        &mut start,
        text.len().min(i),
        &mut skip_next_word,
    );
    for token in &mut tokens {
        token.end = token.end.min(text.len());
        token.start = token.start.min(token.end);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(kind: LaunchKind, file: &str, text: &str) -> Vec<Vec<String>> {
        let shell = HashMap::from([("SHELL_ONLY".to_string(), "from-shell".to_string())]);
        read(&Arc::from(file), text, kind, &shell)
            .commands
            .iter()
            .map(|c| c.words.iter().map(|w| w.text.clone()).collect())
            .collect()
    }

    #[test]
    fn a_script_substitutes_what_it_sets_and_joins_continuations() {
        let text = "#!/bin/sh\nVERSION=0.98.0\nexport KEY=\"abc\"\ndocker run -d \\\n  -e K=$KEY \\\n  otel/opentelemetry-collector:${VERSION} --config=/etc/c.yaml # comment\necho \"$UNSET\" 2>&1 > /dev/null\n";
        let script = read(
            &Arc::from("scripts/run.sh"),
            text,
            LaunchKind::Script,
            &HashMap::new(),
        );
        let words: Vec<&str> = script.commands[0]
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(
            words,
            [
                "docker",
                "run",
                "-d",
                "-e",
                "K=abc",
                "otel/opentelemetry-collector:0.98.0",
                "--config=/etc/c.yaml"
            ]
        );
        let image = &script.commands[0].words[5];
        assert_eq!(image.location.to_string(), "scripts/run.sh:6:3");
        assert!(image.known);
        let echo = &script.commands[1];
        assert_eq!(echo.words.len(), 2, "{:?}", echo.words);
        assert!(!echo.words[1].known);
        assert_eq!(script.assigned.len(), 2);
        assert!(script.assigned[1].exported);
    }

    #[test]
    fn the_folder_a_command_runs_in_is_a_workspace_path() {
        let text = "cd \"$(dirname \"$0\")\"\ndocker run -v \"$(pwd)/otel.yaml:/etc/c.yaml\" -v ${PWD}/../x:/x img\n";
        let script = read(
            &Arc::from("deploy/run.sh"),
            text,
            LaunchKind::Script,
            &HashMap::new(),
        );
        let command = &script.commands[0];
        assert_eq!(command.cwd, "deploy");
        assert_eq!(
            workspace_path(command.words[3].text.split(':').next().unwrap()).as_deref(),
            Some("deploy/otel.yaml")
        );
        assert_eq!(
            workspace_path(command.words[5].text.split(':').next().unwrap()).as_deref(),
            Some("x")
        );
    }

    #[test]
    fn unknown_values_are_never_guessed() {
        let found = commands(
            LaunchKind::Script,
            "run.sh",
            "KEY=$(cat key.txt)\ndocker run -e \"A=$KEY\" -e \"B=${MISSING:-dflt}\" -e C=$SHELL_ONLY -e D=$MISSING x\n",
        );
        assert_eq!(found[0][5], "B=dflt");
        let script = read(
            &Arc::from("run.sh"),
            "KEY=$(cat key.txt)\ndocker run -e \"A=$KEY\" -e C=$SHELL_ONLY -e D=$MISSING x\n",
            LaunchKind::Script,
            &HashMap::from([("SHELL_ONLY".to_string(), "s".to_string())]),
        );
        let known: Vec<bool> = script.commands[0].words.iter().map(|w| w.known).collect();
        assert_eq!(
            known,
            [true, true, true, false, true, true, true, false, true]
        );
    }

    #[test]
    fn here_documents_and_redirections_are_not_commands() {
        let found = commands(
            LaunchKind::Script,
            "run.sh",
            "cat > c.yaml <<EOF\ndocker run inside-heredoc\nEOF\ndocker run real 2>/dev/null\n",
        );
        assert_eq!(found, [vec!["cat"], vec!["docker", "run", "real"]]);
    }

    #[test]
    fn makefile_recipes_expand_make_and_shell_variables() {
        let text = "IMAGE ?= otel/opentelemetry-collector-contrib:0.114.0\nexport PORT := 4318\n\ncollector: build\n\t@docker run --rm -p $(PORT):4318 -v $(CURDIR)/otel.yaml:/etc/c.yaml \\\n\t  $(IMAGE) --config /etc/c.yaml\n\techo $$HOME $@\n";
        let script = read(
            &Arc::from("ops/Makefile"),
            text,
            LaunchKind::Makefile,
            &HashMap::from([("HOME".to_string(), "/root".to_string())]),
        );
        let run = &script.commands[0];
        assert_eq!(run.target.as_deref(), Some("collector"));
        let words: Vec<String> = run.words.iter().map(Word::plain).collect();
        assert_eq!(
            words,
            [
                "docker",
                "run",
                "--rm",
                "-p",
                "4318:4318",
                "-v",
                "ops/otel.yaml:/etc/c.yaml",
                "otel/opentelemetry-collector-contrib:0.114.0",
                "--config",
                "/etc/c.yaml"
            ]
        );
        assert_eq!(run.words[0].location.to_string(), "ops/Makefile:5:3");
        assert_eq!(run.words[7].location.to_string(), "ops/Makefile:6:4");
        let echo: Vec<&str> = script.commands[1]
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(echo, ["echo", "/root", "collector"]);
    }

    #[test]
    fn justfile_recipes_and_taskfile_tasks() {
        let just = "version := \"0.114.0\"\n\n# start it\ncollector:\n    docker run -v {{justfile_directory()}}/c.yaml:/c.yaml otel/opentelemetry-collector:{{version}}\n";
        let found = commands(LaunchKind::Justfile, "justfile", just);
        assert_eq!(found[0][4], "otel/opentelemetry-collector:0.114.0");
        let task = "version: '3'\nvars:\n  TAG: 0.114.0\ntasks:\n  collector:\n    cmds:\n      - docker run otel/opentelemetry-collector:{{.TAG}} --config /c.yaml\n";
        let script = read(
            &Arc::from("Taskfile.yml"),
            task,
            LaunchKind::Taskfile,
            &HashMap::new(),
        );
        let run = &script.commands[0];
        assert_eq!(run.words[2].text, "otel/opentelemetry-collector:0.114.0");
        assert_eq!(run.words[2].location.to_string(), "Taskfile.yml:7:20");
        assert_eq!(run.target.as_deref(), Some("collector"));
    }

    #[test]
    fn package_json_scripts_and_procfile_entries() {
        let package = "{\n  \"scripts\": {\n    \"start\": \"node -r ./tracing.js server.js\",\n    \"collector\": \"docker run -p 4318:4318 otel/opentelemetry-collector\"\n  }\n}\n";
        let script = read(
            &Arc::from("api/package.json"),
            package,
            LaunchKind::PackageJson,
            &HashMap::new(),
        );
        assert_eq!(script.commands[0].cwd, "api");
        assert_eq!(script.commands[0].target.as_deref(), Some("start"));
        assert_eq!(
            script.commands[0].words[2].location.to_string(),
            "api/package.json:3:23"
        );
        assert_eq!(script.commands[1].kind, LaunchKind::PackageJson);
        let procfile = "web: OTEL_SERVICE_NAME=web python app.py\nworker: node worker.js\n";
        let script = read(
            &Arc::from("Procfile"),
            procfile,
            LaunchKind::Procfile,
            &HashMap::new(),
        );
        assert_eq!(script.commands.len(), 2);
        assert_eq!(
            script.commands[0].assignments[0].text,
            "OTEL_SERVICE_NAME=web"
        );
        assert_eq!(
            script.commands[0].words[0].location.to_string(),
            "Procfile:1:28"
        );
        assert_eq!(script.env_files[0].0, ".env");
    }

    #[test]
    fn launcher_kinds_by_name() {
        assert_eq!(LaunchKind::of_file("Makefile"), Some(LaunchKind::Makefile));
        assert_eq!(LaunchKind::of_file("justfile"), Some(LaunchKind::Justfile));
        assert_eq!(
            LaunchKind::of_file("Taskfile.yml"),
            Some(LaunchKind::Taskfile)
        );
        assert_eq!(
            LaunchKind::of_file("Procfile.dev"),
            Some(LaunchKind::Procfile)
        );
        assert_eq!(LaunchKind::of_file("run.sh"), Some(LaunchKind::Script));
        assert_eq!(LaunchKind::of_file("README.md"), None);
        assert_eq!(join_folder("scripts", "../otel.yaml"), "otel.yaml");
        assert_eq!(join_folder(".", "./a/b"), "a/b");
    }
}
