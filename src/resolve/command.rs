//! The command a container starts with: compose `entrypoint`/`command` over the image's
//! `ENTRYPOINT`/`CMD` (and the base image's own entrypoint when neither sets one), as words
//! with positions; what it finally runs, seen through runners (`poetry run`, `uv run`,
//! `tini --`, `sh -c`, `exec`, `npx`, `cross-env`), the build context's start scripts
//! (`./run.sh`, an `entrypoint.sh` ending in `exec "$@"`) and `package.json` scripts
//! (`npm start`, `yarn run serve`); and the `opentelemetry-instrument` wrapper with its flags if
//! it uses one.

use std::sync::Arc;

use super::image::{Build, ImageContents};
use crate::knowledge::{languages, otel};
use crate::resolve::image_path::join_image_path;
use crate::shell;
use crate::source::{Locate, Location};
use crate::workspace::dockerfile::{Args, Instruction};
use crate::workspace::npm::PackageJson;
use crate::workspace::workload::{CommandLine, WorkloadSpec};
use crate::workspace::{BuildContext, Parsed, Workspace};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandWord {
    pub text: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<CommandWord>,
    /// Where the command is written (compose `command:` value or the Dockerfile `CMD`).
    pub location: Location,
    pub from_compose: bool,
    /// What finally runs: the program and its arguments once runners are stripped and start
    /// scripts followed (`python -m app` for `poetry run python -m app`).
    pub runs: Vec<CommandWord>,
    /// The start scripts (and `package.json` files whose scripts ran) followed on the way, in
    /// order.
    pub scripts: Vec<Arc<str>>,
    /// `NAME=value` words written before the program on the way (`NODE_OPTIONS=... node x`,
    /// `cross-env NODE_ENV=production node x`): the program's environment has them.
    pub assignments: Vec<CommandWord>,
}

impl Command {
    pub fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An `opentelemetry-instrument` flag (`--traces_exporter console`) and the variable it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentFlag {
    pub flag: String,
    pub variable: String,
    pub value: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instrument {
    pub location: Location,
    pub flags: Vec<InstrumentFlag>,
    /// The wrapped program and its arguments (`flask run ...`).
    pub program: Vec<CommandWord>,
}

/// `context` holds the start scripts and `package.json` files a command may go through: the
/// build context, or the folder the workload runs from.
pub fn resolve(
    workspace: &Workspace,
    service: &WorkloadSpec,
    build: Option<&Build>,
    image: Option<&ImageContents>,
    context: Option<&BuildContext>,
) -> (Option<Command>, Option<Instrument>) {
    let Some((mut command, has_entrypoint)) =
        effective_command(workspace, service, build).or_else(|| manifest_start(service, context))
    else {
        return (None, None);
    };
    if let Some(image) = image
        && !has_entrypoint
        && let Some(first) = command.words.first()
        && let Some(entrypoint) = languages::implicit_entrypoint(&image.base_image, &first.text)
    {
        let implicit = entrypoint.iter().map(|word| CommandWord {
            text: word.to_string(),
            location: command.location.clone(),
        });
        command.words.splice(0..0, implicit);
    }
    let start = StartScripts {
        scripts: context.map_or(&[][..], |c| &c.scripts[..]),
        package_jsons: context.map_or(&[][..], |c| &c.package_jsons[..]),
        image,
        workdir: image.map_or("/", |i| i.workdir.as_str()),
    };
    let mut followed = Followed::default();
    let (runs, instrument) = start.follow(&command.words, &mut followed, 0);
    command.runs = runs;
    command.scripts = followed.files;
    command.assignments = followed.assignments;
    (Some(command), instrument)
}

/// A workload that runs from a workspace folder and says no command of its own (the app in a
/// devcontainer) starts as the folder's manifest says: `npm start`.
fn manifest_start(
    service: &WorkloadSpec,
    context: Option<&BuildContext>,
) -> Option<(Command, bool)> {
    let folder = &service.code_dir.as_ref()?.value;
    let manifest = match folder.as_str() {
        "." => "package.json".to_string(),
        folder => format!("{folder}/package.json"),
    };
    let package = context?
        .package_jsons
        .iter()
        .find(|p| *p.path == *manifest)?;
    let start = package.content.script("start")?;
    let location = Location::new(&package.path, start.line, start.column);
    let word = |text: &str| CommandWord {
        text: text.to_string(),
        location: location.clone(),
    };
    let command = Command {
        words: vec![word("npm"), word("start")],
        location: location.clone(),
        from_compose: false,
        runs: Vec::new(),
        scripts: Vec::new(),
        assignments: Vec::new(),
    };
    Some((command, false))
}

/// What following a command passed through on the way to the program it runs.
#[derive(Default)]
struct Followed {
    files: Vec<Arc<str>>,
    assignments: Vec<CommandWord>,
}

/// Docker's rule: a compose `entrypoint` replaces the image's and drops its `CMD`; a compose
/// `command` replaces the `CMD`; the container runs entrypoint + command. Also says whether an
/// entrypoint was set (else the base image's own applies).
fn effective_command(
    workspace: &Workspace,
    service: &WorkloadSpec,
    build: Option<&Build>,
) -> Option<(Command, bool)> {
    let last = |keyword: &str| {
        let build = build?;
        build
            .instructions()
            .rev()
            .find(|i| i.keyword == keyword)
            .map(|i| dockerfile_command(workspace, build.path, i))
    };
    let compose = |line: &CommandLine| compose_command(workspace, line);
    let entrypoint = match &service.entrypoint {
        Some(line) => Some(compose(line)),
        None => last("ENTRYPOINT"),
    };
    let cmd = match (&service.command, &service.entrypoint) {
        (Some(line), _) => Some(compose(line)),
        (None, Some(_)) => None,
        (None, None) => last("CMD"),
    };
    let has_entrypoint = entrypoint.is_some();
    let command = match (entrypoint, cmd) {
        (Some(mut entrypoint), Some(cmd)) => {
            entrypoint.words.extend(cmd.words);
            Some(entrypoint)
        }
        (entrypoint, cmd) => entrypoint.or(cmd),
    };
    command.map(|c| (c, has_entrypoint))
}

fn compose_command(workspace: &Workspace, line: &CommandLine) -> Command {
    match line {
        CommandLine::Exec(items) => Command {
            words: items
                .iter()
                .map(|item| CommandWord {
                    text: item.value.clone(),
                    location: item.location.clone(),
                })
                .collect(),
            location: items.first().map_or_else(
                || Location::file_start(&Arc::from("?")),
                |i| i.location.clone(),
            ),
            from_compose: true,
            runs: Vec::new(),
            scripts: Vec::new(),
            assignments: Vec::new(),
        },
        CommandLine::Shell(text) => Command {
            words: split_located(
                workspace
                    .source(&text.location.file)
                    .map(|s| s as &dyn Locate),
                &text.value,
                &text.location,
            ),
            location: text.location.clone(),
            from_compose: true,
            runs: Vec::new(),
            scripts: Vec::new(),
            assignments: Vec::new(),
        },
    }
}

fn dockerfile_command(
    workspace: &Workspace,
    file: &Arc<str>,
    instruction: &Instruction,
) -> Command {
    let location = Location::new(file, instruction.line, instruction.column);
    let source = workspace.source(file).map(|s| s as &dyn Locate);
    let words = match &instruction.args {
        Args::Exec(items) => items
            .iter()
            .map(|item| CommandWord {
                text: item.clone(),
                location: locate(source, &location, &format!("\"{item}\""))
                    .map_or_else(|| location.clone(), |l| shift(&l, 1)),
            })
            .collect(),
        Args::Shell(text) => split_located(source, text, &location),
    };
    Command {
        words,
        location,
        from_compose: false,
        runs: Vec::new(),
        scripts: Vec::new(),
        assignments: Vec::new(),
    }
}

/// Splits a command string into words, each located in the source where it can be found
/// (searching forward from the previous word), else at the command's start.
fn split_located(source: Option<&dyn Locate>, text: &str, start: &Location) -> Vec<CommandWord> {
    let mut cursor = start.clone();
    shell::split(text)
        .into_iter()
        .map(|word| {
            let location = locate(source, &cursor, &word.text).unwrap_or_else(|| cursor.clone());
            cursor = location.clone();
            CommandWord {
                text: word.text,
                location,
            }
        })
        .collect()
}

fn locate(source: Option<&dyn Locate>, from: &Location, needle: &str) -> Option<Location> {
    if needle.is_empty() {
        return None;
    }
    let (line, column) = source?.find_from(from.line, from.column, needle)?;
    Some(Location::new(&from.file, line, column))
}

fn shift(location: &Location, columns: u32) -> Location {
    Location::new(&location.file, location.line, location.column + columns)
}

/// The build context's shell scripts and `package.json` files, to follow a command that starts
/// through one.
struct StartScripts<'a> {
    scripts: &'a [Parsed<String>],
    package_jsons: &'a [Parsed<PackageJson>],
    image: Option<&'a ImageContents>,
    workdir: &'a str,
}

impl StartScripts<'_> {
    /// What `words` finally runs, and the `opentelemetry-instrument` on the way, if any.
    fn follow(
        &self,
        words: &[CommandWord],
        followed: &mut Followed,
        depth: usize,
    ) -> (Vec<CommandWord>, Option<Instrument>) {
        const MAX_DEPTH: usize = 6;
        let last = last_command(words);
        followed.assignments.extend(leading_assignments(&last));
        let runs = unwrap_runners(&last);
        if let Some(instrument) = find_instrument(words) {
            return (unwrap_runners(&instrument.program), Some(instrument));
        }
        if depth < MAX_DEPTH
            && let Some((package, script)) = self.package_script(&runs)
        {
            followed.files.push(Arc::clone(&package.path));
            return self.follow(&script, followed, depth + 1);
        }
        if depth < MAX_DEPTH
            && let Some((script, rest)) = self.script_of(&runs)
        {
            followed.files.push(Arc::clone(&script.path));
            let tail = script_command(script);
            // `exec "$@"` runs the arguments the script was given (the image's `CMD`).
            let tail: Vec<CommandWord> = tail
                .into_iter()
                .flat_map(|word| match word.text.as_str() {
                    "$@" | "$*" | "${@}" => rest.clone(),
                    _ => vec![word],
                })
                .collect();
            return self.follow(&tail, followed, depth + 1);
        }
        (runs, None)
    }

    /// `npm start`, `npm run x`, `yarn x`, `pnpm run x`: the script of the `package.json` in
    /// the folder the command runs in, with the arguments passed on after `--`.
    fn package_script(
        &self,
        words: &[CommandWord],
    ) -> Option<(&Parsed<PackageJson>, Vec<CommandWord>)> {
        let (first, rest) = words.split_first()?;
        let tool = basename(&first.text);
        let args: Vec<&CommandWord> = rest
            .iter()
            .filter(|w| !w.text.starts_with('-') || w.text == "--")
            .collect();
        let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
        let (name, extra_at) = match (tool, texts.as_slice()) {
            ("npm" | "pnpm" | "yarn", ["start", ..]) => ("start", 1),
            ("npm", ["run" | "run-script", name, ..]) => (*name, 2),
            ("yarn" | "pnpm", ["run", name, ..]) => (*name, 2),
            ("yarn" | "pnpm", [name, ..]) if !is_tool_command(name) => (*name, 1),
            _ => return None,
        };
        let package = self.package_json_here()?;
        let extra: Vec<CommandWord> = args
            .get(extra_at..)
            .unwrap_or_default()
            .iter()
            .skip_while(|w| w.text == "--")
            .map(|w| (*w).clone())
            .collect();
        let mut script = match package.content.script(name) {
            Some(entry) => {
                let start = Location::new(&package.path, entry.value_line, entry.value_column);
                shell::split(&entry.value)
                    .into_iter()
                    .map(|word| CommandWord {
                        location: Location::new(
                            &start.file,
                            start.line,
                            start.column
                                + u32::try_from(entry.value[..word.offset].chars().count())
                                    .unwrap_or(0),
                        ),
                        text: word.text,
                    })
                    .collect()
            }
            // npm's default start script.
            None if name == "start" && tool == "npm" => vec![
                CommandWord {
                    text: "node".into(),
                    location: first.location.clone(),
                },
                CommandWord {
                    text: "server.js".into(),
                    location: first.location.clone(),
                },
            ],
            None => return None,
        };
        script.extend(extra);
        Some((package, script))
    }

    /// The context's `package.json` copied into the folder the command runs in.
    fn package_json_here(&self) -> Option<&Parsed<PackageJson>> {
        let image_path = join_image_path(self.workdir, "package.json");
        match self.image {
            Some(image) => {
                let file = image.source_of(&image_path, |p| {
                    self.package_jsons.iter().any(|s| &*s.path == p)
                })?;
                self.package_jsons.iter().find(|s| s.path == file)
            }
            None => self.package_jsons.iter().find(|p| !p.path.contains('/')),
        }
    }

    /// `./run.sh args`, `sh run.sh args`, `/app/entrypoint.sh args`: the script of the context
    /// copied there, and the arguments it gets.
    fn script_of(&self, words: &[CommandWord]) -> Option<(&Parsed<String>, Vec<CommandWord>)> {
        let (first, rest) = words.split_first()?;
        let (path, rest) = if matches!(basename(&first.text), "sh" | "bash" | "ash" | "dash")
            && let Some((script, rest)) = rest.split_first()
            && !script.text.starts_with('-')
        {
            (script, rest)
        } else {
            (first, rest)
        };
        if !path.text.ends_with(".sh") {
            return None;
        }
        let image_path = join_image_path(self.workdir, &path.text);
        let script = match self.image {
            Some(image) => {
                let file =
                    image.source_of(&image_path, |p| self.scripts.iter().any(|s| &*s.path == p))?;
                self.scripts.iter().find(|s| s.path == file)?
            }
            None => self
                .scripts
                .iter()
                .find(|s| s.path.ends_with(path.text.trim_start_matches("./")))?,
        };
        Some((script, rest.to_vec()))
    }
}

/// Yarn's and pnpm's own commands, which are not `package.json` scripts.
fn is_tool_command(word: &str) -> bool {
    matches!(
        word,
        "install"
            | "add"
            | "remove"
            | "exec"
            | "dlx"
            | "node"
            | "build"
            | "test"
            | "why"
            | "workspace"
            | "workspaces"
            | "global"
            | "create"
            | "init"
            | "x"
    )
}

/// The `NAME=value` words before the program of a simple command, and after `env` or
/// `cross-env`.
fn leading_assignments(words: &[CommandWord]) -> Vec<CommandWord> {
    words
        .iter()
        .filter(|w| !matches!(basename(&w.text), "env" | "cross-env" | "exec"))
        .take_while(|w| is_assignment(&w.text))
        .cloned()
        .collect()
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The command a start script ends with: its last `exec`, else its last command line.
fn script_command(script: &Parsed<String>) -> Vec<CommandWord> {
    let text = &script.content;
    let mut chosen: Option<(u32, String)> = None;
    let mut chosen_exec = false;
    let mut pending: Option<(u32, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let (start, joined) = match pending.take() {
            Some((start, mut joined)) => {
                joined.push(' ');
                joined.push_str(raw.trim());
                (start, joined)
            }
            None => (line, raw.trim().to_string()),
        };
        if let Some(body) = joined.strip_suffix('\\') {
            pending = Some((start, body.to_string()));
            continue;
        }
        let first = joined.split_whitespace().next().unwrap_or_default();
        if joined.is_empty() || first.starts_with('#') || SCRIPT_NOISE.contains(&first) {
            continue;
        }
        let is_exec = first == "exec";
        if is_exec || !chosen_exec {
            chosen = Some((start, joined));
            chosen_exec = is_exec;
        }
    }
    let Some((line, text)) = chosen else {
        return Vec::new();
    };
    let source_line = script
        .content
        .lines()
        .nth(line as usize - 1)
        .unwrap_or_default();
    let column = source_line.len() - source_line.trim_start().len() + 1;
    let start = Location::new(&script.path, line, u32::try_from(column).unwrap_or(1));
    split_located(Some(&script.content), &text, &start)
}

/// Lines of a start script that do not start the service.
const SCRIPT_NOISE: [&str; 18] = [
    "set", "echo", "export", "if", "then", "else", "elif", "fi", "for", "do", "done", "while",
    "case", "esac", "cd", "source", ".", "printf",
];

/// The last command of `a && b; c`: the one that keeps running.
fn last_command(words: &[CommandWord]) -> Vec<CommandWord> {
    let program_at = words
        .iter()
        .position(|w| !w.text.contains('=') && w.text != "exec");
    if let Some(at) = program_at
        && matches!(
            basename(&words[at].text),
            "sh" | "bash" | "ash" | "dash" | "zsh"
        )
        && let Some(script) = words
            .iter()
            .position(|w| w.text == "-c")
            .and_then(|i| words.get(i + 1))
    {
        return last_command(&split_located(None, &script.text, &script.location));
    }
    words
        .split(|w| matches!(w.text.as_str(), "&&" | "||" | ";" | "|" | "&"))
        .rfind(|simple| !simple.is_empty())
        .map(<[CommandWord]>::to_vec)
        .unwrap_or_default()
}

/// Strips what only starts the real program: `VAR=x`, `exec`, `env`, init processes
/// (`tini --`, `dumb-init`), user switchers (`gosu app`), and project runners
/// (`poetry run`, `uv run`, `pipenv run`, `pdm run`, `hatch run`, `rye run`).
pub fn unwrap_runners(words: &[CommandWord]) -> Vec<CommandWord> {
    let mut rest = words;
    loop {
        let Some((first, tail)) = rest.split_first() else {
            return Vec::new();
        };
        let program = basename(&first.text);
        let skip = if first.text.contains('=') && !first.text.starts_with('-') {
            1
        } else {
            match program {
                "exec" | "env" | "nohup" | "time" | "cross-env" | "npx" => 1 + options(tail),
                "tini" | "tini-static" | "dumb-init" => 1 + options(tail),
                "gosu" | "su-exec" | "chpst" => 2,
                "poetry" | "pipenv" | "pdm" | "hatch" | "rye" | "uv"
                    if tail.first().is_some_and(|w| w.text == "run") =>
                {
                    // `uv run --no-sync --with x python app.py`: options up to the program.
                    2 + options_with_values(&tail[1..])
                }
                _ => return rest.to_vec(),
            }
        };
        rest = rest.get(skip..).unwrap_or_default();
    }
}

/// How many leading words are options (`-s`, `--`), the `--` included.
fn options(words: &[CommandWord]) -> usize {
    let mut count = 0;
    for word in words {
        if word.text == "--" {
            return count + 1;
        }
        if !word.text.starts_with('-') {
            break;
        }
        count += 1;
    }
    count
}

/// Like `options`, for runners whose options take a value (`uv run --with x`).
fn options_with_values(words: &[CommandWord]) -> usize {
    const WITH_VALUE: [&str; 8] = [
        "--with",
        "--python",
        "-p",
        "--env-file",
        "--group",
        "--extra",
        "--project",
        "--directory",
    ];
    let mut count = 0;
    while let Some(word) = words.get(count) {
        if word.text == "--" {
            return count + 1;
        }
        if !word.text.starts_with('-') {
            break;
        }
        count += if WITH_VALUE.contains(&word.text.as_str()) {
            2
        } else {
            1
        };
    }
    count.min(words.len())
}

/// Finds `opentelemetry-instrument` in the command, looking inside `sh -c "..."`, across
/// `&&` chains and through runners (`poetry run opentelemetry-instrument ...`), and reads its
/// flags up to the wrapped program.
pub fn find_instrument(words: &[CommandWord]) -> Option<Instrument> {
    words
        .split(|w| matches!(w.text.as_str(), "&&" | "||" | ";" | "|" | "&"))
        .filter(|simple| !simple.is_empty())
        .find_map(instrument_in)
}

fn instrument_in(words: &[CommandWord]) -> Option<Instrument> {
    let program_at = words
        .iter()
        .position(|w| !w.text.contains('=') && w.text != "exec")?;
    let words = &words[program_at..];
    let program = basename(&words[0].text);
    if matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh") {
        let script = words
            .iter()
            .position(|w| w.text == "-c")
            .and_then(|i| words.get(i + 1))?;
        return find_instrument(&split_located(None, &script.text, &script.location));
    }
    let words = unwrap_runners(words);
    if words.first().map(|w| basename(&w.text)) != Some("opentelemetry-instrument") {
        return None;
    }
    let mut flags = Vec::new();
    let mut rest = words[1..].iter().peekable();
    while let Some(word) = rest.next_if(|w| w.text.starts_with('-')) {
        let (flag, value) = match word.text.split_once('=') {
            Some((flag, value)) => (flag.to_string(), value.to_string()),
            None => (
                word.text.clone(),
                rest.next().map(|v| v.text.clone()).unwrap_or_default(),
            ),
        };
        if let Some(variable) = otel::variable_for_instrument_flag(&flag) {
            flags.push(InstrumentFlag {
                flag,
                variable,
                value,
                location: word.location.clone(),
            });
        }
    }
    Some(Instrument {
        location: words[0].location.clone(),
        flags,
        program: rest.cloned().collect(),
    })
}

/// The image folder a Python command runs its code from: the folder of the script it runs
/// (`python src/app.py`), else the folder it runs in (`python -m app`, `flask run`,
/// `gunicorn app:app`).
pub fn code_root(runs: &[CommandWord], workdir: &str) -> String {
    let script = runs.iter().skip(1).find(|w| w.text.ends_with(".py"));
    let is_python = runs
        .first()
        .is_some_and(|w| basename(&w.text).starts_with("python"));
    match script {
        Some(script) if is_python => {
            let path = join_image_path(workdir, &script.text);
            path.rsplit_once('/')
                .map_or_else(|| "/".to_string(), |(dir, _)| dir.to_string())
        }
        _ => workdir.to_string(),
    }
}

/// `/usr/local/bin/opentelemetry-instrument` is `opentelemetry-instrument`.
pub fn basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<CommandWord> {
        let file: Arc<str> = Arc::from("Dockerfile");
        let source = text.to_string();
        split_located(Some(&source), text, &Location::new(&file, 1, 1))
    }

    #[test]
    fn reads_the_seed_command() {
        let found = find_instrument(&words(
            "opentelemetry-instrument --traces_exporter console --metrics_exporter console --service_name dice-server flask run -p 8080",
        ))
        .unwrap();
        let flags: Vec<(&str, &str, u32)> = found
            .flags
            .iter()
            .map(|f| (f.variable.as_str(), f.value.as_str(), f.location.column))
            .collect();
        assert_eq!(
            flags,
            [
                ("OTEL_TRACES_EXPORTER", "console", 26),
                ("OTEL_METRICS_EXPORTER", "console", 52),
                ("OTEL_SERVICE_NAME", "dice-server", 79),
            ]
        );
        let program: Vec<&str> = found.program.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(program, ["flask", "run", "-p", "8080"]);
    }

    #[test]
    fn finds_the_wrapper_inside_sh_c_and_chains() {
        let found = find_instrument(&words(
            "sh -c \"pip list && exec opentelemetry-instrument --traces_exporter=otlp python app.py\"",
        ))
        .unwrap();
        assert_eq!(found.flags[0].value, "otlp");
        assert_eq!(found.program[0].text, "python");
        assert!(
            find_instrument(&words(
                "FOO=1 /usr/local/bin/opentelemetry-instrument flask run"
            ))
            .is_some()
        );
        assert!(find_instrument(&words("flask run --host=0.0.0.0")).is_none());
        assert!(find_instrument(&words("echo opentelemetry-instrument")).is_none());
    }
}
