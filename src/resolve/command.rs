//! The command a container starts with: compose `entrypoint`/`command` over the image's
//! `ENTRYPOINT`/`CMD`, as words with positions, and the `opentelemetry-instrument` wrapper
//! with its flags if the command uses one.

use std::sync::Arc;

use super::image::Build;
use crate::knowledge::otel;
use crate::shell;
use crate::source::{Location, find_from};
use crate::workspace::Workspace;
use crate::workspace::compose::{CommandLine, ComposeService};
use crate::workspace::dockerfile::{Args, Instruction};

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

pub fn resolve(
    workspace: &Workspace,
    service: &ComposeService,
    build: Option<&Build>,
) -> (Option<Command>, Option<Instrument>) {
    let command = effective_command(workspace, service, build);
    let instrument = command.as_ref().and_then(|c| find_instrument(&c.words));
    (command, instrument)
}

/// Docker's rule: a compose `entrypoint` replaces the image's and drops its `CMD`; a compose
/// `command` replaces the `CMD`; the container runs entrypoint + command.
fn effective_command(
    workspace: &Workspace,
    service: &ComposeService,
    build: Option<&Build>,
) -> Option<Command> {
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
    match (entrypoint, cmd) {
        (Some(mut entrypoint), Some(cmd)) => {
            entrypoint.words.extend(cmd.words);
            Some(entrypoint)
        }
        (entrypoint, cmd) => entrypoint.or(cmd),
    }
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
        },
        CommandLine::Shell(text) => Command {
            words: split_located(
                workspace.source(&text.location.file),
                &text.value,
                &text.location,
            ),
            location: text.location.clone(),
            from_compose: true,
        },
    }
}

fn dockerfile_command(
    workspace: &Workspace,
    file: &Arc<str>,
    instruction: &Instruction,
) -> Command {
    let location = Location::new(file, instruction.line, instruction.column);
    let source = workspace.source(file);
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
    }
}

/// Splits a command string into words, each located in the source where it can be found
/// (searching forward from the previous word), else at the command's start.
fn split_located(source: Option<&str>, text: &str, start: &Location) -> Vec<CommandWord> {
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

fn locate(source: Option<&str>, from: &Location, needle: &str) -> Option<Location> {
    if needle.is_empty() {
        return None;
    }
    let (line, column) = find_from(source?, from.line, from.column, needle)?;
    Some(Location::new(&from.file, line, column))
}

fn shift(location: &Location, columns: u32) -> Location {
    Location::new(&location.file, location.line, location.column + columns)
}

/// Finds `opentelemetry-instrument` in the command, looking inside `sh -c "..."` and across
/// `&&` chains, and reads its flags up to the wrapped program.
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
    if program != "opentelemetry-instrument" {
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

/// `/usr/local/bin/opentelemetry-instrument` is `opentelemetry-instrument`.
pub fn basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<CommandWord> {
        let file: Arc<str> = Arc::from("Dockerfile");
        split_located(Some(text), text, &Location::new(&file, 1, 1))
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
