//! Dockerfiles, read line by line the way BuildKit does: parser directives (`# escape=`),
//! continuation lines (with comment lines inside them skipped), exec form when the arguments
//! parse as a JSON array, heredocs (`RUN <<EOF`), flags (`COPY --from=builder`), stages
//! (`FROM ... AS name`), and `ENV`/`ARG` pairs in both syntaxes, each with its position.
//!
//! Written here rather than taken from `dockerfile-parser`: that crate fails the whole file on
//! a heredoc, which modern Dockerfiles use, and keeps no line for `ENV` names.

use std::cell::Cell;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// `ARG`s before the first `FROM` (indices into `instructions`).
    pub global_args: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Uppercase, e.g. `RUN`.
    pub keyword: String,
    /// 1-based position of the keyword.
    pub line: u32,
    pub column: u32,
    /// The last line of the instruction, continuation lines included (heredoc bodies not).
    pub end_line: u32,
    pub flags: Vec<Flag>,
    pub args: Args,
    pub heredocs: Vec<Heredoc>,
    /// For `ENV` and `ARG`: the variables it sets, with positions.
    pairs: Vec<EnvPair>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    Exec(Vec<String>),
    /// Continuation lines joined the way Docker joins them (escape and newline removed).
    Shell(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    pub body: String,
    /// The line of the first body line.
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// Index of the `FROM` in `instructions`.
    pub from: usize,
    pub base: String,
    /// Lowercased, as Docker compares stage names.
    pub name: Option<String>,
    /// The stage's instructions, its `FROM` included.
    pub instructions: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvPair {
    pub name: String,
    /// `None` for `ARG NAME` without a default.
    pub value: Option<String>,
    pub line: u32,
    pub column: u32,
}

/// Why a Dockerfile cannot be built: one line, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerfileError {
    pub line: u32,
    pub message: String,
}

impl Instruction {
    /// The value of `--name=value`.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.value.as_deref())
    }

    /// The variables an `ENV` or `ARG` sets (empty for other instructions).
    pub fn env_pairs(&self) -> &[EnvPair] {
        &self.pairs
    }
}

/// Instructions whose arguments may be a JSON array (exec form).
const EXEC_FORM: [&str; 7] = ["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"];

pub fn parse(text: &str) -> Result<Dockerfile, DockerfileError> {
    if let Some(nul) = text.find('\0') {
        return Err(DockerfileError {
            line: line_number(text, nul),
            message: "binary file (NUL byte)".into(),
        });
    }
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let escape = escape_directive(&lines);
    let mut instructions = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let trimmed = lines[index].trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            index += 1;
            continue;
        }
        let (logical, next) = join_continuations(&lines, index, escape);
        let (instruction, after_heredocs) = instruction(&logical, &lines, next)?;
        instructions.push(instruction);
        index = after_heredocs;
    }
    let (stages, global_args) = stages(&instructions)?;
    Ok(Dockerfile {
        instructions,
        stages,
        global_args,
    })
}

fn line_number(text: &str, offset: usize) -> u32 {
    to_u32(text[..offset].matches('\n').count() + 1)
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// `# escape=` among the parser directives at the top of the file (BuildKit stops looking at
/// the first line that is not a directive).
fn escape_directive(lines: &[&str]) -> char {
    for line in lines {
        let Some(directive) = line.trim().strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = directive.split_once('=') else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        if key == "escape" {
            return match value.trim() {
                "`" => '`',
                _ => '\\',
            };
        }
        if !key.chars().all(|c| c.is_ascii_alphanumeric()) || key.is_empty() {
            break;
        }
    }
    '\\'
}

/// One instruction's text, joined across continuation lines, with where each piece came from
/// so positions inside it can be found again.
#[derive(Debug)]
struct Logical {
    text: String,
    /// (byte offset in `text`, line, column of that byte in the file), one per piece.
    pieces: Vec<(usize, u32, u32)>,
    first_line: u32,
    last_line: u32,
    /// The last offset asked for and its column: offsets are asked in order, and counting the
    /// characters of a long piece again for each would be quadratic.
    last: Cell<Option<(usize, u32)>>,
}

impl Logical {
    /// The file position of byte `offset` of the joined text.
    fn position(&self, offset: usize) -> (u32, u32) {
        let piece = self
            .pieces
            .partition_point(|(start, _, _)| *start <= offset);
        let (start, line, column) = piece
            .checked_sub(1)
            .map_or((0, self.first_line, 1), |index| self.pieces[index]);
        let (from, column) = match self.last.get() {
            Some((last, last_column)) if start <= last && last <= offset => (last, last_column),
            _ => (start, column),
        };
        let chars = self.text.get(from..offset).map_or(0, |s| s.chars().count());
        let column = column + to_u32(chars);
        self.last.set(Some((offset, column)));
        (line, column)
    }
}

/// Joins a line with the lines it continues onto; comment and empty lines inside a
/// continuation are skipped, as BuildKit does. Returns the text and the next line's index.
fn join_continuations(lines: &[&str], start: usize, escape: char) -> (Logical, usize) {
    let mut logical = Logical {
        text: String::new(),
        pieces: Vec::new(),
        first_line: to_u32(start + 1),
        last_line: to_u32(start + 1),
        last: Cell::new(None),
    };
    let mut index = start;
    loop {
        let line = lines[index];
        let indent = line.len() - line.trim_start().len();
        let content = &line[indent..];
        let trimmed_end = content.trim_end();
        let continues = trimmed_end.ends_with(escape);
        let piece = if continues {
            &trimmed_end[..trimmed_end.len() - escape.len_utf8()]
        } else {
            content
        };
        logical.pieces.push((
            logical.text.len(),
            to_u32(index + 1),
            to_u32(line[..indent].chars().count() + 1),
        ));
        logical.text.push_str(piece);
        logical.last_line = to_u32(index + 1);
        index += 1;
        if !continues {
            break;
        }
        while index < lines.len() {
            let next = lines[index].trim();
            if next.is_empty() || next.starts_with('#') {
                index += 1;
            } else {
                break;
            }
        }
        if index >= lines.len() {
            break;
        }
    }
    (logical, index)
}

fn instruction(
    logical: &Logical,
    lines: &[&str],
    next: usize,
) -> Result<(Instruction, usize), DockerfileError> {
    let text = logical.text.as_str();
    let keyword_end = text.find(char::is_whitespace).unwrap_or(text.len());
    let keyword = text[..keyword_end].to_ascii_uppercase();
    let (line, column) = logical.position(0);
    let mut rest_start = keyword_end;
    let mut flags = Vec::new();
    loop {
        let skip = text[rest_start..].len() - text[rest_start..].trim_start().len();
        let word_start = rest_start + skip;
        let word_end = text[word_start..]
            .find(char::is_whitespace)
            .map_or(text.len(), |e| word_start + e);
        let word = &text[word_start..word_end];
        let Some(flag) = word.strip_prefix("--").filter(|f| !f.is_empty()) else {
            rest_start = word_start;
            break;
        };
        let (name, value) = match flag.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (flag.to_string(), None),
        };
        flags.push(Flag { name, value });
        rest_start = word_end;
    }
    let rest = text[rest_start..].trim_end();
    let args = match serde_json::from_str::<Vec<String>>(rest) {
        Ok(items) if EXEC_FORM.contains(&keyword.as_str()) && rest.starts_with('[') => {
            Args::Exec(items)
        }
        _ => Args::Shell(rest.to_string()),
    };
    let (heredocs, after) = match &args {
        Args::Shell(shell) if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") => {
            heredocs(shell, lines, next, line)?
        }
        _ => (Vec::new(), next),
    };
    let pairs = match keyword.as_str() {
        "ENV" => env_pairs(logical, rest_start, true),
        "ARG" => env_pairs(logical, rest_start, false),
        _ => Vec::new(),
    };
    Ok((
        Instruction {
            keyword,
            line,
            column,
            end_line: logical.last_line,
            flags,
            args,
            heredocs,
            pairs,
        },
        after,
    ))
}

/// The heredocs a `RUN`/`COPY`/`ADD` line opens (`<<EOF`, `<<-EOF`, `<<"EOF"`), in order; each
/// body runs up to its delimiter line.
fn heredocs(
    text: &str,
    lines: &[&str],
    mut next: usize,
    line: u32,
) -> Result<(Vec<Heredoc>, usize), DockerfileError> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("<<") {
        rest = &rest[at + 2..];
        let strip_tabs = rest.starts_with('-');
        let marker = rest.trim_start_matches('-');
        let quote = marker.chars().next().filter(|c| *c == '"' || *c == '\'');
        let word = match quote {
            Some(q) => marker[1..].split(q).next().unwrap_or_default(),
            None => {
                let end = marker
                    .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '/')))
                    .unwrap_or(marker.len());
                &marker[..end]
            }
        };
        if word.is_empty() {
            continue;
        }
        let body_line = to_u32(next + 1);
        let mut body = Vec::new();
        loop {
            let Some(candidate) = lines.get(next) else {
                return Err(DockerfileError {
                    line,
                    message: format!("unterminated heredoc: no line `{word}` closes <<{word}"),
                });
            };
            next += 1;
            let candidate = if strip_tabs {
                candidate.trim_start_matches('\t')
            } else {
                candidate
            };
            if candidate == word {
                break;
            }
            body.push(candidate);
        }
        found.push(Heredoc {
            delimiter: word.to_string(),
            body: body.join("\n"),
            line: body_line,
        });
    }
    Ok((found, next))
}

/// `ENV A=1 B="two words"`, legacy `ENV A value with spaces`, `ARG A`, `ARG A=1 B`.
fn env_pairs(logical: &Logical, start: usize, legacy_allowed: bool) -> Vec<EnvPair> {
    let text = &logical.text;
    let words = words(&text[start..]);
    let pair = |offset: usize, name: &str, value: Option<String>| {
        let (line, column) = logical.position(start + offset);
        EnvPair {
            name: name.to_string(),
            value,
            line,
            column,
        }
    };
    match words.first() {
        Some((offset, first)) if legacy_allowed && !first.contains('=') => {
            let value_start = words.get(1).map_or(text.len(), |(o, _)| start + o);
            vec![pair(
                *offset,
                first,
                Some(text[value_start..].trim().to_string()),
            )]
        }
        _ => words
            .iter()
            .map(|(offset, word)| match word.split_once('=') {
                Some((name, value)) => pair(*offset, name, Some(value.to_string())),
                None => pair(*offset, word, None),
            })
            .collect(),
    }
}

/// Shell-like words with quotes removed and backslash escapes applied, and their offsets.
fn words(text: &str) -> Vec<(usize, String)> {
    let mut words = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((offset, c)) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if let Some(word) = current.take() {
                    words.push(word);
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                current.get_or_insert_with(|| (offset, String::new()));
            }
            (Some(q), c) if c == q => quote = None,
            (q, '\\') if q != Some('\'') => {
                let word = current.get_or_insert_with(|| (offset, String::new()));
                if let Some((_, escaped)) = chars.next() {
                    word.1.push(escaped);
                }
            }
            (_, c) => current
                .get_or_insert_with(|| (offset, String::new()))
                .1
                .push(c),
        }
    }
    words.extend(current);
    words
}

fn stages(instructions: &[Instruction]) -> Result<(Vec<Stage>, Vec<usize>), DockerfileError> {
    let mut stages: Vec<Stage> = Vec::new();
    let mut global_args = Vec::new();
    for (index, instruction) in instructions.iter().enumerate() {
        if instruction.keyword != "FROM" {
            match stages.last_mut() {
                Some(stage) => stage.instructions.end = index + 1,
                None if instruction.keyword == "ARG" => global_args.push(index),
                None => {
                    return Err(DockerfileError {
                        line: instruction.line,
                        message: format!(
                            "{} before the first FROM: no build stage",
                            instruction.keyword
                        ),
                    });
                }
            }
            continue;
        }
        let Args::Shell(text) = &instruction.args else {
            return Err(from_error(
                instruction,
                "FROM takes an image, not a JSON array",
            ));
        };
        let parts: Vec<&str> = text.split_whitespace().collect();
        let (base, name) = match parts.as_slice() {
            [base] => (*base, None),
            [base, as_keyword, name] if as_keyword.eq_ignore_ascii_case("as") => {
                (*base, Some(name.to_ascii_lowercase()))
            }
            [] => return Err(from_error(instruction, "FROM needs an image")),
            _ => {
                return Err(from_error(
                    instruction,
                    "FROM takes an image and an optional `AS name`",
                ));
            }
        };
        stages.push(Stage {
            from: index,
            base: base.to_string(),
            name,
            instructions: index..index + 1,
        });
    }
    if stages.is_empty() {
        return Err(DockerfileError {
            line: 1,
            message: "no FROM instruction".into(),
        });
    }
    Ok((stages, global_args))
}

fn from_error(instruction: &Instruction, message: &str) -> DockerfileError {
    DockerfileError {
        line: instruction.line,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRUDDUR: &str = "FROM python:3.10-slim-buster

# Inside Container
WORKDIR /backend-flask

COPY requirements.txt requirements.txt
RUN pip3 install -r requirements.txt

COPY . .
ENV FLASK_ENV=development

EXPOSE ${PORT}
CMD [ \"python3\", \"-m\" , \"flask\", \"run\", \"--host=0.0.0.0\", \"--port=4567\"]
";

    fn keywords(dockerfile: &Dockerfile) -> Vec<(&str, u32, u32)> {
        dockerfile
            .instructions
            .iter()
            .map(|i| (i.keyword.as_str(), i.line, i.column))
            .collect()
    }

    #[test]
    fn reads_the_seed_dockerfile() {
        let parsed = parse(CRUDDUR).unwrap();
        assert_eq!(
            keywords(&parsed),
            [
                ("FROM", 1, 1),
                ("WORKDIR", 4, 1),
                ("COPY", 6, 1),
                ("RUN", 7, 1),
                ("COPY", 9, 1),
                ("ENV", 10, 1),
                ("EXPOSE", 12, 1),
                ("CMD", 13, 1)
            ]
        );
        let cmd = parsed.instructions.last().unwrap();
        assert_eq!(
            cmd.args,
            Args::Exec(
                [
                    "python3",
                    "-m",
                    "flask",
                    "run",
                    "--host=0.0.0.0",
                    "--port=4567"
                ]
                .map(String::from)
                .to_vec()
            )
        );
        let env = &parsed.instructions[5];
        assert_eq!(
            env.env_pairs(),
            [EnvPair {
                name: "FLASK_ENV".into(),
                value: Some("development".into()),
                line: 10,
                column: 5
            }]
        );
        assert_eq!(parsed.stages.len(), 1);
        assert_eq!(parsed.stages[0].instructions, 0..8);
    }

    #[test]
    fn continuations_skip_comments_and_keep_the_first_line() {
        let parsed = parse("FROM x\nRUN pip install \\\n    # a comment\n\n    flask \\\n    gunicorn\nCMD [\"a\"]\n").unwrap();
        let run = &parsed.instructions[1];
        assert_eq!((run.line, run.end_line), (2, 6));
        assert_eq!(run.args, Args::Shell("pip install flask gunicorn".into()));
        assert_eq!(parsed.instructions[2].line, 7);
    }

    #[test]
    fn the_escape_directive_changes_the_continuation_character() {
        let parsed = parse("# escape=`\nFROM x\nRUN a `\n  b\n").unwrap();
        assert_eq!(parsed.instructions[1].args, Args::Shell("a b".into()));
    }

    #[test]
    fn multi_stage_with_flags() {
        let parsed = parse("ARG V=3.12\nFROM --platform=linux/amd64 python:${V} AS Builder\nRUN pip install --prefix=/install x\nFROM builder AS final\nCOPY --from=builder --chown=app:app /install /usr/local\n").unwrap();
        assert_eq!(parsed.global_args, [0]);
        let names: Vec<_> = parsed
            .stages
            .iter()
            .map(|s| (s.base.as_str(), s.name.as_deref()))
            .collect();
        assert_eq!(
            names,
            [("python:${V}", Some("builder")), ("builder", Some("final"))]
        );
        let copy = &parsed.instructions[4];
        assert_eq!(copy.flag("from"), Some("builder"));
        assert_eq!(copy.flag("chown"), Some("app:app"));
        assert_eq!(copy.args, Args::Shell("/install /usr/local".into()));
        assert_eq!(parsed.stages[1].instructions, 3..5);
    }

    #[test]
    fn heredocs_are_swallowed() {
        let parsed = parse("FROM x\nRUN <<EOF\npip install a\nFROM not-an-instruction\nEOF\nCOPY <<-\"one\" <<two /dst/\n\tx\n\tone\ny\ntwo\nCMD [\"b\"]\n").unwrap();
        assert_eq!(
            keywords(&parsed),
            [
                ("FROM", 1, 1),
                ("RUN", 2, 1),
                ("COPY", 6, 1),
                ("CMD", 11, 1)
            ]
        );
        let run = &parsed.instructions[1];
        assert_eq!(
            run.heredocs,
            [Heredoc {
                delimiter: "EOF".into(),
                body: "pip install a\nFROM not-an-instruction".into(),
                line: 3
            }]
        );
        let bodies: Vec<&str> = parsed.instructions[2]
            .heredocs
            .iter()
            .map(|h| h.body.as_str())
            .collect();
        assert_eq!(bodies, ["x", "y"]);
    }

    #[test]
    fn env_and_arg_syntaxes() {
        let parsed = parse("FROM x\nENV A=1 B=\"two words\" \\\n    C=3\nENV LEGACY value with spaces\nARG N\nARG M=1 O\n").unwrap();
        let pairs = |i: usize| -> Vec<(String, Option<String>, u32, u32)> {
            parsed.instructions[i]
                .env_pairs()
                .iter()
                .map(|p| (p.name.clone(), p.value.clone(), p.line, p.column))
                .collect()
        };
        assert_eq!(
            pairs(1),
            [
                ("A".into(), Some("1".into()), 2, 5),
                ("B".into(), Some("two words".into()), 2, 9),
                ("C".into(), Some("3".into()), 3, 5)
            ]
        );
        assert_eq!(
            pairs(2),
            [("LEGACY".into(), Some("value with spaces".into()), 4, 5)]
        );
        assert_eq!(pairs(3), [("N".into(), None, 5, 5)]);
        assert_eq!(
            pairs(4),
            [
                ("M".into(), Some("1".into()), 6, 5),
                ("O".into(), None, 6, 9)
            ]
        );
    }

    #[test]
    fn shell_form_with_single_quotes_is_not_exec_form() {
        let parsed = parse("FROM x\nCMD ['python', 'app.py']\n").unwrap();
        assert_eq!(
            parsed.instructions[1].args,
            Args::Shell("['python', 'app.py']".into())
        );
    }

    #[test]
    fn errors() {
        assert_eq!(parse("").unwrap_err().message, "no FROM instruction");
        assert_eq!(
            parse("# only\n").unwrap_err().message,
            "no FROM instruction"
        );
        assert_eq!(
            parse("RUN x\nFROM y\n").unwrap_err(),
            DockerfileError {
                line: 1,
                message: "RUN before the first FROM: no build stage".into()
            }
        );
        assert_eq!(
            parse("FROM x\nRUN <<EOF\nnever closed\n").unwrap_err().line,
            2
        );
        assert_eq!(parse("FROM x\n\0").unwrap_err().line, 2);
        assert_eq!(parse("FROM\n").unwrap_err().message, "FROM needs an image");
    }

    #[test]
    fn never_panics_on_generated_input() {
        let alphabet = [
            "FROM ", "RUN ", "ENV ", "ARG ", "AS ", "\\", "\n", "<<", "-", "\"", "'", "[", "]",
            "=", "#", " ", "EOF", "x", "é", "`",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..10_000 {
            let mut text = String::new();
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let _ = parse(&text);
        }
    }
}
