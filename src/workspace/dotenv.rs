//! `.env` and `env_file` files as docker compose reads them (compose-go `dotenv/parser.go`):
//! `KEY=value` or `KEY: value`, an optional `export `, `#` comment lines, inline ` #` comments
//! after unquoted values, single quotes taken literally, double quotes with escapes and
//! interpolation, quoted values spanning lines, and a bare `KEY` that takes its value from the
//! shell. Each entry keeps the position of its name.

use std::collections::HashMap;

use super::interpolate::{VarUse, interpolate};
use crate::source::Positions;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvLine {
    pub name: String,
    /// `None` for a bare `NAME` whose variable the shell does not have (compose drops it).
    pub value: Option<String>,
    pub quote: Quote,
    /// 1-based position of the name.
    pub line: u32,
    pub column: u32,
    /// Variables referenced by the value; offsets are within the value as written.
    pub uses: Vec<VarUse>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
}

/// compose refuses the file; `message` is one line, in compose's words where it has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Parses a whole env file. `lookup` is the shell environment: it wins over variables defined
/// earlier in the file when values are interpolated, as in compose-go's `expandVariables`.
pub fn parse(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<EnvLine>, DotenvError> {
    let mut parser = Parser {
        text,
        position: 0,
        lines: Vec::new(),
        latest: HashMap::new(),
        positions: Positions::new(text),
    };
    while let Some(start) = parser.next_statement() {
        parser.statement(start, lookup)?;
    }
    Ok(parser.lines)
}

struct Parser<'a> {
    text: &'a str,
    position: usize,
    lines: Vec<EnvLine>,
    /// The index in `lines` of each name's latest line: values refer to earlier ones, and a
    /// search per reference would be quadratic in a long file.
    latest: HashMap<String, usize>,
    positions: Positions<'a>,
}

/// Spaces that separate but never end a statement (compose-go's `isSpace`).
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

impl Parser<'_> {
    /// Skips blank space and comment lines; returns where the next statement starts.
    fn next_statement(&mut self) -> Option<usize> {
        loop {
            let rest = &self.text[self.position..];
            let skipped = rest.find(|c: char| !c.is_whitespace())?;
            self.position += skipped;
            if !self.text[self.position..].starts_with('#') {
                return Some(self.position);
            }
            let line_end = self.text[self.position..].find('\n')?;
            self.position += line_end;
        }
    }

    fn statement(
        &mut self,
        start: usize,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), DotenvError> {
        let mut name_start = start;
        let rest = &self.text[start..];
        if let Some(after) = rest.strip_prefix("export")
            && after.starts_with(is_space)
        {
            name_start =
                start + "export".len() + (after.len() - after.trim_start_matches(is_space).len());
        }
        let (name_end, separator) = self.name_end(name_start)?;
        let name = self.text[name_start..name_end].trim_end_matches(is_space);
        if name.contains(is_space) {
            return Err(self.error(name_start, "key cannot contain a space".into()));
        }
        let (line, column) = self.position_of(name_start);
        if separator != Some('=') && separator != Some(':') {
            // A bare NAME: compose takes it from the shell, or leaves it out.
            self.position = name_end + separator.map_or(0, char::len_utf8);
            self.push(EnvLine {
                name: name.to_string(),
                value: lookup(name),
                quote: Quote::None,
                line,
                column,
                uses: Vec::new(),
            });
            return Ok(());
        }
        let value_start = name_end + 1;
        let value_start = value_start
            + self.text[value_start..]
                .find(|c: char| !is_space(c))
                .unwrap_or(self.text.len() - value_start);
        let (raw, quote, end) = self.value(value_start)?;
        self.position = end;
        let (value, uses) = match quote {
            Quote::Single => (raw, Vec::new()),
            Quote::Double | Quote::None => {
                let raw = if quote == Quote::Double {
                    expand_escapes(&raw)
                } else {
                    raw
                };
                let earlier = |variable: &str| {
                    lookup(variable).or_else(|| {
                        let line = &self.lines[*self.latest.get(variable)?];
                        line.value.clone()
                    })
                };
                let interpolated = interpolate(&raw, &earlier)
                    .map_err(|error| self.error(value_start, error.to_string()))?;
                (interpolated.value, interpolated.uses)
            }
        };
        self.push(EnvLine {
            name: name.to_string(),
            value: Some(value),
            quote,
            line,
            column,
            uses,
        });
        Ok(())
    }

    fn push(&mut self, line: EnvLine) {
        self.latest.insert(line.name.clone(), self.lines.len());
        self.lines.push(line);
    }

    /// Where the name ends, and the character that ends it (`=`, `:`, a newline, or the end
    /// of the file). Names are letters, digits and `_ . - [ ]`; spaces are checked later.
    fn name_end(&self, start: usize) -> Result<(usize, Option<char>), DotenvError> {
        for (offset, c) in self.text[start..].char_indices() {
            match c {
                '=' | ':' | '\n' => return Ok((start + offset, Some(c))),
                '_' | '.' | '-' | '[' | ']' => {}
                c if is_space(c) || c.is_alphanumeric() => {}
                // compose quotes the whole line here; the value may be a secret, and the
                // finding's position already points at the character.
                c => {
                    return Err(self.error(
                        start + offset,
                        format!("unexpected character \"{c}\" in variable name"),
                    ));
                }
            }
        }
        Ok((self.text.len(), None))
    }

    /// The value starting at `start`: its text (quotes removed), its quoting, and where the
    /// statement ends.
    fn value(&self, start: usize) -> Result<(String, Quote, usize), DotenvError> {
        let rest = &self.text[start..];
        let quote = match rest.chars().next() {
            Some('\'') => Quote::Single,
            Some('"') => Quote::Double,
            _ => {
                let line = rest.split('\n').next().unwrap_or_default();
                let value = line.split(" #").next().unwrap_or_default();
                let end = start + line.len();
                return Ok((value.trim_end().to_string(), Quote::None, end));
            }
        };
        let quote_char = if quote == Quote::Single { '\'' } else { '"' };
        let mut value = String::new();
        let mut escaped = false;
        for (offset, c) in rest.char_indices().skip(1) {
            if c == quote_char && !escaped {
                return Ok((value, quote, start + offset + 1));
            }
            // A backslash escapes the quote; before anything else it stays, for
            // `expand_escapes` (compose-go keeps it in both kinds of quotes).
            if escaped && c != quote_char {
                value.push('\\');
            }
            escaped = c == '\\' && !escaped;
            if !escaped {
                value.push(c);
            }
        }
        // compose quotes the value; it may be a secret, and the position says where it is.
        Err(self.error(start, "unterminated quoted value".to_string()))
    }

    fn position_of(&self, offset: usize) -> (u32, u32) {
        self.positions.of(offset)
    }

    fn error(&self, offset: usize, message: String) -> DotenvError {
        let (line, column) = self.position_of(offset);
        DotenvError {
            line,
            column,
            message,
        }
    }
}

/// Double-quoted escapes compose-go expands: `\a \b \c \f \n \r \t \v \" \\`, `\0` octal, and
/// `\$` which stays a literal dollar (written `$$` for the interpolation that follows).
fn expand_escapes(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(next @ ('a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '"' | '\\')) => {
                chars.next();
                out.push(match next {
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\u{b}',
                    other => other,
                });
            }
            Some('$') => {
                chars.next();
                out.push_str("$$");
            }
            Some('0') => {
                chars.next();
                let mut code = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(digit) => {
                            code = code * 8 + digit;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            _ => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(name: &str) -> Option<String> {
        (name == "SHELL_VAR").then(|| "from-shell".to_string())
    }

    fn values(text: &str) -> Vec<(String, Option<String>)> {
        parse(text, &shell)
            .unwrap()
            .into_iter()
            .map(|l| (l.name, l.value))
            .collect()
    }

    fn pair(name: &str, value: &str) -> (String, Option<String>) {
        (name.to_string(), Some(value.to_string()))
    }

    #[test]
    fn the_common_forms() {
        assert_eq!(
            values("# comment\nA=1\nexport B = two words \nC: yaml style\n\nD=\n"),
            [
                pair("A", "1"),
                pair("B", "two words"),
                pair("C", "yaml style"),
                pair("D", "")
            ]
        );
    }

    #[test]
    fn comments_and_quotes() {
        assert_eq!(
            values("A=x # comment\nB=x#y"),
            [pair("A", "x"), pair("B", "x#y")]
        );
        assert_eq!(
            values("A='${SHELL_VAR} \\n'\n"),
            [pair("A", "${SHELL_VAR} \\n")]
        );
        assert_eq!(
            values("A=\"line\\nnext \\\"q\\\" \\$HOME\"\n"),
            [pair("A", "line\nnext \"q\" $HOME")]
        );
        assert_eq!(
            values("A=\"multi\nline\" # after\nB=2\n"),
            [pair("A", "multi\nline"), pair("B", "2")]
        );
    }

    #[test]
    fn interpolation_prefers_the_shell_then_earlier_lines() {
        assert_eq!(
            values("SHELL_VAR=file\nA=${SHELL_VAR}\nB=1\nC=$B-${UNSET:-d}\n"),
            [
                pair("SHELL_VAR", "file"),
                pair("A", "from-shell"),
                pair("B", "1"),
                pair("C", "1-d")
            ]
        );
    }

    #[test]
    fn bare_names_come_from_the_shell() {
        assert_eq!(
            values("SHELL_VAR\nOTHER\n"),
            [pair("SHELL_VAR", "from-shell"), ("OTHER".to_string(), None)]
        );
    }

    #[test]
    fn positions_of_names() {
        let lines = parse("\n  export KEY=v\r\nX=\"a\nb\"\nY=1\n", &shell).unwrap();
        let at: Vec<(u32, u32)> = lines.iter().map(|l| (l.line, l.column)).collect();
        assert_eq!(at, [(2, 10), (3, 1), (5, 1)]);
    }

    #[test]
    fn errors_name_the_line() {
        let error = parse("A=1\nB=\"open\nC=2\n", &shell).unwrap_err();
        assert_eq!((error.line, error.column), (2, 3));
        assert_eq!(error.message, "unterminated quoted value");
        let error = parse("A B=c\n", &shell).unwrap_err();
        assert_eq!(
            (error.line, error.message.as_str()),
            (1, "key cannot contain a space")
        );
        let error = parse("A=1\nB$=c\n", &shell).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(
            error.message.starts_with("unexpected character \"$\""),
            "{}",
            error.message
        );
        let error = parse("A=${\n", &shell).unwrap_err();
        assert_eq!(error.message, "Invalid template: \"${\"");
    }

    #[test]
    fn crlf_and_a_value_at_the_end_of_the_file() {
        assert_eq!(values("A=1\r\nB=2"), [pair("A", "1"), pair("B", "2")]);
    }
}
