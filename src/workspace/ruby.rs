//! What a Ruby file does with OpenTelemetry, from a small tokenizer rather than a parser: the
//! files it requires, its calls (with their receiver, arguments and block, and the block each
//! is written in, so that `c.use_all` is known to be inside `OpenTelemetry::SDK.configure do
//! |c|`), its assignments and what it writes to `ENV`. Strings (with `#{}` interpolation),
//! heredocs, `%w[]` literals, symbols, comments and `=begin`/`=end` never fool it. Garbage in
//! gives best effort out, never a panic; values nest only so deep.

use super::lexer::{Cursor, Token, match_brackets};
use super::nesting::Depth;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RubySource {
    pub requires: Vec<Require>,
    /// Every call, nested ones included, in the order written.
    pub calls: Vec<RubyCall>,
    /// `name = value` (local variables and constants), in order.
    pub assignments: Vec<Assignment>,
    /// `ENV['X'] ||= 'v'` and `ENV['X'] = 'v'`.
    pub env_writes: Vec<EnvWrite>,
    /// `OpenTelemetry::SDK.configure`: line and column.
    pub configures_sdk: Option<(u32, u32)>,
    /// The file names the service (`c.service_name = ...`, a `service.name` resource).
    pub names_service: bool,
}

/// `require 'x'` or `require_relative 'x'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    pub path: String,
    pub relative: bool,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubyCall {
    /// What the method is called on, as written (`OpenTelemetry::SDK`, `c`,
    /// `OpenTelemetry.tracer_provider`); empty for a bare call. A call on a call's result
    /// ends in `()`.
    pub receiver: String,
    /// `configure`, `use`, `new`; an attribute assignment ends in `=` (`service_name=`).
    pub method: String,
    pub args: Vec<Arg>,
    /// The parameter of the block given to it (`do |c|`), when it has a block.
    pub block: Option<Block>,
    /// The call whose block this one is written in (index into `calls`).
    pub within: Option<usize>,
    /// Position of the receiver's first token (or of the method, for a bare call).
    pub line: u32,
    pub column: u32,
    pub order: usize,
}

impl RubyCall {
    /// `receiver.method`, as written.
    pub fn callee(&self) -> String {
        if self.receiver.is_empty() {
            self.method.clone()
        } else {
            format!("{}.{}", self.receiver, self.method)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub param: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// The key of a keyword argument or of a hash entry passed without braces
    /// (`endpoint: x`, `'k' => v`).
    pub key: Option<String>,
    pub value: RubyValue,
    /// Position of the value's first token.
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RubyValue {
    /// A string literal without interpolation.
    Str(String),
    Symbol(String),
    Number(String),
    Bool(bool),
    Nil,
    /// A constant path: `OpenTelemetry::Exporter::OTLP::Exporter`.
    Const(String),
    /// A local variable or a method called without arguments.
    Name(String),
    Call {
        receiver: String,
        method: String,
        args: Vec<Arg>,
    },
    /// `{ 'k' => v, k: v }`.
    Hash(Vec<(String, Arg)>),
    Array(Vec<Arg>),
    /// `ENV['X']`, `ENV.fetch('X', 'default')`.
    Env {
        name: String,
        default: Option<Box<RubyValue>>,
    },
    /// `a || b`.
    Or(Vec<RubyValue>),
    /// `a + b`.
    Concat(Vec<RubyValue>),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub value: RubyValue,
    pub line: u32,
    pub column: u32,
    /// Position of the value's first token.
    pub value_line: u32,
    pub value_column: u32,
    pub order: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvWrite {
    pub name: String,
    pub value: RubyValue,
    /// `||=`: only when the variable is unset (or empty).
    pub if_unset: bool,
    pub line: u32,
    pub column: u32,
    pub order: usize,
}

/// How deep values may nest before the rest is left unread.
const MAX_VALUE_DEPTH: usize = 64;

const CONFIGURE: &str = "OpenTelemetry::SDK";

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ident(String),
    Const(String),
    /// `key:` in a hash or keyword argument.
    Label(String),
    /// A string; `None` when interpolated (or a heredoc, or a `%` literal of words).
    Str(Option<String>),
    Symbol(String),
    Number(String),
    Punct(&'static str),
}

/// Punctuators, longest first.
const PUNCTUATORS: [&str; 43] = [
    "**=", "<=>", "===", "...", "||=", "&&=", "<<=", ">>=", "::", "||", "&&", "=>", "==", "!=",
    "=~", "!~", "<=", ">=", "<<", ">>", "**", "+=", "-=", "*=", "/=", "->", "..", "&.", "(", ")",
    "[", "]", "{", "}", ",", ";", ".", "=", "|", "+", "-", "*", "!",
];

/// Single characters that are operators but not listed above.
const OTHER_PUNCTUATORS: [&str; 7] = ["<", ">", "&", "%", "/", "?", ":"];

pub fn parse(source: &str) -> RubySource {
    let tokens = tokenize(source);
    let matching = match_brackets(&tokens, |kind| match kind {
        Kind::Punct("(") => Some((true, b'(')),
        Kind::Punct(")") => Some((false, b'(')),
        Kind::Punct("[") => Some((true, b'[')),
        Kind::Punct("]") => Some((false, b'[')),
        Kind::Punct("{") => Some((true, b'{')),
        Kind::Punct("}") => Some((false, b'{')),
        _ => None,
    });
    let ends = match_ends(&tokens);
    let reader = Reader {
        tokens: &tokens,
        matching: &matching,
        ends: &ends,
        depth: Depth::new(MAX_VALUE_DEPTH),
    };
    let mut source = reader.read();
    source.configures_sdk = source
        .calls
        .iter()
        .find(|c| c.receiver == CONFIGURE && c.method == "configure")
        .map(|c| (c.line, c.column));
    source.names_service = source.calls.iter().any(|c| {
        c.method == "service_name="
            || c.args.iter().any(|a| {
                a.key.as_deref() == Some("service.name")
                    || matches!(&a.value, RubyValue::Hash(entries) if entries.iter().any(|(k, _)| k == "service.name" || k.ends_with("SERVICE_NAME")))
            })
    });
    source
}

fn tokenize(source: &str) -> Vec<Token<Kind>> {
    let mut cursor = Cursor::new(source);
    let mut tokens: Vec<Token<Kind>> = Vec::new();
    // Heredocs whose bodies start on the next line: their terminators, and whether they
    // may be indented (`<<~`, `<<-`).
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    while let Some(c) = cursor.peek(0) {
        let start = cursor.start();
        let at_line_start = cursor.i == 0 || cursor.bytes.get(cursor.i - 1) == Some(&b'\n');
        match c {
            b'\n' => {
                cursor.bump();
                for (terminator, indented) in std::mem::take(&mut heredocs) {
                    skip_heredoc(&mut cursor, &terminator, indented);
                }
            }
            b'\\' if cursor.peek(1) == Some(b'\n') => {
                cursor.i += 1;
                cursor.bump();
            }
            c if c.is_ascii_whitespace() => cursor.bump(),
            b'#' => cursor.skip_line(),
            b'=' if at_line_start && cursor.bytes[cursor.i..].starts_with(b"=begin") => {
                cursor.skip_past(b"\n=end");
                cursor.skip_line();
            }
            b'_' if at_line_start && cursor.bytes[cursor.i..].starts_with(b"__END__") => break,
            b'\'' | b'"' | b'`' => {
                let value = quoted(&mut cursor, c);
                tokens.push(cursor.token(Kind::Str(value), start));
            }
            b'<' if cursor.peek(1) == Some(b'<') && heredoc_start(&cursor, &tokens) => {
                cursor.i += 2;
                let indented = matches!(cursor.peek(0), Some(b'~' | b'-'));
                if indented {
                    cursor.i += 1;
                }
                let quote = cursor.peek(0).filter(|q| matches!(q, b'\'' | b'"' | b'`'));
                if quote.is_some() {
                    cursor.i += 1;
                }
                let from = cursor.i;
                while cursor
                    .peek(0)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    cursor.i += 1;
                }
                let terminator =
                    String::from_utf8_lossy(&cursor.bytes[from..cursor.i]).into_owned();
                if quote.is_some() && cursor.peek(0) == quote {
                    cursor.i += 1;
                }
                heredocs.push((terminator, indented));
                tokens.push(cursor.token(Kind::Str(None), start));
            }
            b'%' if percent_literal(&cursor, &tokens) => {
                let value = percent(&mut cursor);
                tokens.push(cursor.token(Kind::Str(value), start));
            }
            b'/' if regex_allowed(&tokens) => {
                cursor.i += 1;
                while let Some(c) = cursor.peek(0) {
                    match c {
                        b'\\' => cursor.i += 2,
                        b'/' | b'\n' => break,
                        _ => cursor.i += 1,
                    }
                }
                if cursor.peek(0) == Some(b'/') {
                    cursor.i += 1;
                }
                while cursor.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) {
                    cursor.i += 1;
                }
                cursor.i = cursor.i.min(cursor.bytes.len());
                tokens.push(cursor.token(Kind::Str(None), start));
            }
            b':' if cursor.peek(1).is_some_and(|c| c == b'"' || c == b'\'') => {
                cursor.i += 1;
                let quote = cursor.peek(0).unwrap_or(b'"');
                let value = quoted(&mut cursor, quote).unwrap_or_default();
                tokens.push(cursor.token(Kind::Symbol(value), start));
            }
            b':' if cursor
                .peek(1)
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') =>
            {
                cursor.i += 1;
                let from = cursor.i;
                while cursor.peek(0).is_some_and(is_word_byte) {
                    cursor.i += 1;
                }
                if matches!(cursor.peek(0), Some(b'?' | b'!' | b'='))
                    && cursor.peek(1) != Some(b'=')
                {
                    cursor.i += 1;
                }
                let value = String::from_utf8_lossy(&cursor.bytes[from..cursor.i]).into_owned();
                tokens.push(cursor.token(Kind::Symbol(value), start));
            }
            c if c.is_ascii_digit() => {
                while cursor
                    .peek(0)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
                {
                    if cursor.peek(0) == Some(b'.')
                        && !cursor.peek(1).is_some_and(|d| d.is_ascii_digit())
                    {
                        break;
                    }
                    cursor.i += 1;
                }
                let text = cursor.text_from(start).to_string();
                tokens.push(cursor.token(Kind::Number(text), start));
            }
            c if is_word_byte(c) || c == b'@' || c == b'$' => {
                cursor.i += 1;
                while cursor.peek(0).is_some_and(|c| is_word_byte(c) || c == b'@') {
                    cursor.i += 1;
                }
                if matches!(cursor.peek(0), Some(b'?' | b'!')) && cursor.peek(1) != Some(b'=') {
                    cursor.i += 1;
                }
                let word = cursor.text_from(start).to_string();
                // `key: value`, not `A::B` nor `a ? b : c` with a space.
                let label = cursor.peek(0) == Some(b':') && cursor.peek(1) != Some(b':');
                let kind = if label {
                    cursor.i += 1;
                    Kind::Label(word)
                } else if word.starts_with(|c: char| c.is_ascii_uppercase()) {
                    Kind::Const(word)
                } else {
                    Kind::Ident(word)
                };
                tokens.push(cursor.token(kind, start));
            }
            _ => {
                let rest = &cursor.bytes[cursor.i..];
                match PUNCTUATORS
                    .iter()
                    .chain(OTHER_PUNCTUATORS.iter())
                    .find(|p| rest.starts_with(p.as_bytes()))
                {
                    Some(punct) => {
                        cursor.i += punct.len();
                        tokens.push(cursor.token(Kind::Punct(punct), start));
                    }
                    None => cursor.i += 1,
                }
            }
        }
    }
    tokens
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// `<<~EOS` starts a heredoc where a value may start (not `array << item`).
fn heredoc_start(cursor: &Cursor, tokens: &[Token<Kind>]) -> bool {
    let next = cursor.peek(2);
    let after = match next {
        Some(b'~' | b'-') => cursor.peek(3),
        other => other,
    };
    let names = after.is_some_and(|c| c.is_ascii_uppercase() || c == b'\'' || c == b'"');
    names && value_may_start(tokens)
}

/// Whether a value may start here: at the start, after an operator, an opening bracket, a
/// comma, a keyword or a method name given command arguments.
fn value_may_start(tokens: &[Token<Kind>]) -> bool {
    match tokens.last().map(|t| &t.kind) {
        None => true,
        Some(Kind::Punct(p)) => !matches!(*p, ")" | "]" | "}"),
        Some(Kind::Ident(_) | Kind::Label(_)) => true,
        Some(_) => false,
    }
}

fn regex_allowed(tokens: &[Token<Kind>]) -> bool {
    match tokens.last().map(|t| &t.kind) {
        None => true,
        Some(Kind::Punct(p)) => !matches!(*p, ")" | "]" | "}"),
        Some(Kind::Ident(word)) => matches!(
            word.as_str(),
            "if" | "unless" | "when" | "and" | "or" | "not" | "return" | "puts" | "raise"
        ),
        Some(_) => false,
    }
}

/// `%w[a b]`, `%i(a b)`, `%q(x)`, `%Q{x}`, `%(x)`: a literal, not the modulo operator.
fn percent_literal(cursor: &Cursor, tokens: &[Token<Kind>]) -> bool {
    let opens = |c: Option<u8>| matches!(c, Some(b'(' | b'[' | b'{' | b'<' | b'|' | b'!'));
    let literal = match cursor.peek(1) {
        Some(b'w' | b'W' | b'i' | b'I' | b'q' | b'Q' | b'r' | b's' | b'x') => opens(cursor.peek(2)),
        next => opens(next),
    };
    literal && value_may_start(tokens)
}

/// A `%` literal's text (`%q(x)`), or `None` for lists and interpolated ones.
fn percent(cursor: &mut Cursor) -> Option<String> {
    cursor.i += 1;
    let kind = cursor.peek(0).filter(|c| c.is_ascii_alphabetic());
    if kind.is_some() {
        cursor.i += 1;
    }
    let open = cursor.peek(0)?;
    let close = match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        other => other,
    };
    cursor.i += 1;
    let from = cursor.i;
    let mut depth = 0usize;
    while let Some(c) = cursor.peek(0) {
        match c {
            b'\\' => {
                cursor.i += 1;
            }
            c if c == close && depth == 0 => break,
            c if c == close => depth -= 1,
            c if c == open && open != close => depth += 1,
            _ => {}
        }
        cursor.bump();
    }
    let text =
        String::from_utf8_lossy(&cursor.bytes[from..cursor.i.min(cursor.bytes.len())]).into_owned();
    cursor.i = (cursor.i + 1).min(cursor.bytes.len());
    matches!(kind, Some(b'q') | None)
        .then_some(text)
        .filter(|t| kind == Some(b'q') || !t.contains("#{"))
}

/// A quoted string's value, escapes decoded; `None` when it interpolates (`"#{x}"`).
fn quoted(cursor: &mut Cursor, quote: u8) -> Option<String> {
    cursor.i += 1;
    let mut value = Vec::new();
    let mut interpolated = false;
    while let Some(c) = cursor.peek(0) {
        match c {
            c if c == quote => {
                cursor.i += 1;
                break;
            }
            b'\\' => {
                match (quote, cursor.peek(1)) {
                    (b'\'', Some(next @ (b'\'' | b'\\'))) => value.push(next),
                    (b'\'', Some(next)) => value.extend([b'\\', next]),
                    (_, Some(b'n')) => value.push(b'\n'),
                    (_, Some(b't')) => value.push(b'\t'),
                    (_, Some(next)) => value.push(next),
                    (_, None) => {}
                }
                cursor.i += 1;
                if cursor.peek(0).is_some() {
                    cursor.bump();
                }
            }
            b'#' if quote != b'\'' && cursor.peek(1) == Some(b'{') => {
                interpolated = true;
                cursor.i += 2;
                let mut depth = 1usize;
                while let Some(c) = cursor.peek(0) {
                    match c {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                cursor.i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    cursor.bump();
                }
            }
            c => {
                value.push(c);
                cursor.bump();
            }
        }
    }
    (!interpolated).then(|| String::from_utf8_lossy(&value).into_owned())
}

/// Skips a heredoc's body, up to and including its terminator line.
fn skip_heredoc(cursor: &mut Cursor, terminator: &str, indented: bool) {
    while !cursor.at_end() {
        let from = cursor.i;
        cursor.skip_line();
        let line = String::from_utf8_lossy(&cursor.bytes[from..cursor.i]);
        let line = line.trim_end_matches('\r');
        let done = if indented {
            line.trim_start() == terminator
        } else {
            line == terminator
        };
        if cursor.peek(0) == Some(b'\n') {
            cursor.bump();
        }
        if done {
            return;
        }
    }
}

/// For each block opener (`do`, `def`, `class`, `module`, `begin`, `case`, and `if`,
/// `unless`, `while`, `until`, `for` that start a statement), the index of its `end`.
fn match_ends(tokens: &[Token<Kind>]) -> Vec<Option<usize>> {
    let mut ends = vec![None; tokens.len()];
    let mut open: Vec<usize> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let Kind::Ident(word) = &token.kind else {
            continue;
        };
        let after_dot =
            index > 0 && matches!(tokens[index - 1].kind, Kind::Punct("." | "&." | "::"));
        if after_dot {
            continue;
        }
        let starts_statement = index == 0
            || token.newline_before
            || matches!(
                tokens[index - 1].kind,
                Kind::Punct(";" | "=" | "(" | "," | "||=" | "&&=")
            );
        match word.as_str() {
            "do" | "def" | "class" | "module" | "begin" | "case" => open.push(index),
            "if" | "unless" | "while" | "until" | "for" if starts_statement => open.push(index),
            "end" => {
                if let Some(opener) = open.pop() {
                    ends[opener] = Some(index);
                }
            }
            _ => {}
        }
    }
    ends
}

struct Reader<'a> {
    tokens: &'a [Token<Kind>],
    matching: &'a [Option<usize>],
    ends: &'a [Option<usize>],
    depth: Depth,
}

/// Keywords that look like names but call nothing.
const KEYWORDS: [&str; 30] = [
    "if", "unless", "while", "until", "for", "in", "do", "end", "def", "class", "module", "begin",
    "rescue", "ensure", "case", "when", "then", "else", "elsif", "return", "yield", "and", "or",
    "not", "self", "super", "defined?", "alias", "undef", "next",
];

impl Reader<'_> {
    fn kind(&self, index: usize) -> Option<&Kind> {
        self.tokens.get(index).map(|t| &t.kind)
    }

    fn is(&self, index: usize, punct: &str) -> bool {
        matches!(self.kind(index), Some(Kind::Punct(p)) if *p == punct)
    }

    fn word(&self, index: usize) -> Option<&str> {
        match self.kind(index) {
            Some(Kind::Ident(word)) => Some(word),
            _ => None,
        }
    }

    fn position(&self, index: usize) -> (u32, u32) {
        self.tokens
            .get(index)
            .map_or((1, 1), |t| (t.line, t.column))
    }

    fn closing(&self, index: usize) -> Option<usize> {
        self.matching.get(index).copied().flatten()
    }

    fn starts_statement(&self, index: usize) -> bool {
        index == 0
            || self.tokens[index].newline_before
            || self.is(index - 1, ";")
            || self.is(index - 1, "|")
            || matches!(self.word(index - 1), Some("do" | "then" | "else" | "begin"))
            || (self.is(index - 1, "{") && !self.is(index, "|"))
    }

    fn read(&self) -> RubySource {
        let mut source = RubySource::default();
        // Calls with a block, and the index of the block's last token.
        let mut blocks: Vec<(usize, usize)> = Vec::new();
        let mut index = 0;
        while index < self.tokens.len() {
            while blocks.last().is_some_and(|(_, end)| index > *end) {
                blocks.pop();
            }
            let after_dot =
                index > 0 && matches!(self.kind(index - 1), Some(Kind::Punct("." | "&." | "::")));
            match self.kind(index) {
                Some(Kind::Ident(word))
                    if matches!(word.as_str(), "require" | "require_relative") && !after_dot =>
                {
                    if let Some(Kind::Str(Some(path))) =
                        self.kind(index + 1 + usize::from(self.is(index + 1, "(")))
                    {
                        let (line, column) = self.position(index);
                        source.requires.push(Require {
                            path: path.clone(),
                            relative: word == "require_relative",
                            line,
                            column,
                        });
                    }
                }
                Some(Kind::Const(word))
                    if word == "ENV" && !after_dot && self.is(index + 1, "[") =>
                {
                    self.env_write(index, &mut source.env_writes);
                }
                Some(Kind::Ident(word) | Kind::Const(word))
                    if !after_dot && !KEYWORDS.contains(&word.as_str()) =>
                {
                    if self.starts_statement(index)
                        && let Some(assignment) = self.assignment(index)
                    {
                        source.assignments.push(assignment);
                    }
                    let within = blocks.last().map(|(call, _)| *call);
                    for (call, block_end) in self.calls(index, within) {
                        source.calls.push(call);
                        if let Some(end) = block_end {
                            blocks.push((source.calls.len() - 1, end));
                        }
                    }
                }
                _ => {}
            }
            index += 1;
        }
        source
    }

    /// `ENV['X'] ||= v` or `ENV['X'] = v`.
    fn env_write(&self, index: usize, out: &mut Vec<EnvWrite>) {
        let Some(close) = self.closing(index + 1) else {
            return;
        };
        let Some(Kind::Str(Some(name))) = self.kind(index + 2).filter(|_| close == index + 3)
        else {
            return;
        };
        let if_unset = self.is(close + 1, "||=");
        if !(if_unset || self.is(close + 1, "=")) {
            return;
        }
        let (line, column) = self.position(index);
        let end = self.statement_end(close + 2);
        out.push(EnvWrite {
            name: name.clone(),
            value: self.value(close + 2, end),
            if_unset,
            line,
            column,
            order: index,
        });
    }

    /// `name = value` at a statement's start.
    fn assignment(&self, index: usize) -> Option<Assignment> {
        if !self.is(index + 1, "=") {
            return None;
        }
        let name = match self.kind(index)? {
            Kind::Ident(word) | Kind::Const(word) => word.clone(),
            _ => return None,
        };
        let (line, column) = self.position(index);
        let (value_line, value_column) = self.position(index + 2);
        let end = self.statement_end(index + 2);
        Some(Assignment {
            name,
            value: self.value(index + 2, end),
            line,
            column,
            value_line,
            value_column,
            order: index,
        })
    }

    /// Where the statement going on at `index` ends: a line break after a token that ends an
    /// expression, a `;`, a closing bracket, or a block's `do`/`end` (brackets jumped).
    fn statement_end(&self, index: usize) -> usize {
        let mut at = index;
        while at < self.tokens.len() {
            if at > index && self.tokens[at].newline_before && !self.continues(at - 1) {
                return at;
            }
            match self.kind(at) {
                Some(Kind::Punct(";" | ")" | "]" | "}")) => return at,
                Some(Kind::Ident(word))
                    if matches!(word.as_str(), "do" | "end" | "if" | "unless") && at > index =>
                {
                    return at;
                }
                Some(Kind::Punct("(" | "[" | "{")) => match self.closing(at) {
                    Some(close) => at = close,
                    None => return self.tokens.len(),
                },
                _ => {}
            }
            at += 1;
        }
        at
    }

    /// Whether an expression goes on past a line break after this token.
    fn continues(&self, index: usize) -> bool {
        matches!(
            self.kind(index),
            Some(Kind::Punct(
                "," | "||"
                    | "&&"
                    | "+"
                    | "-"
                    | "*"
                    | "=>"
                    | "="
                    | "||="
                    | "."
                    | "&."
                    | "("
                    | "["
                    | "{"
                    | "|"
            )) | Some(Kind::Label(_))
        )
    }

    /// The call chain that starts at `index` (`A::B.m(x).n y do |z|`): each call, with the
    /// index of its block's last token when it has one.
    fn calls(&self, index: usize, within: Option<usize>) -> Vec<(RubyCall, Option<usize>)> {
        let mut calls = Vec::new();
        let (line, column) = self.position(index);
        // The receiver so far: a constant path, or a name.
        let mut receiver = match self.kind(index) {
            Some(Kind::Ident(word) | Kind::Const(word)) => word.clone(),
            _ => return calls,
        };
        let mut at = index + 1;
        while self.is(at, "::")
            && let Some(Kind::Const(next)) = self.kind(at + 1)
        {
            receiver = format!("{receiver}::{next}");
            at += 2;
        }
        // A bare call: `use_all`, `require 'x'`, `configure(...)`.
        let mut method: Option<String> = None;
        if matches!(self.kind(index), Some(Kind::Ident(_))) && at == index + 1 {
            method = Some(std::mem::take(&mut receiver));
        }
        loop {
            if method.is_none() {
                if !(self.is(at, ".") || self.is(at, "&.")) {
                    break;
                }
                let Some(Kind::Ident(name) | Kind::Const(name)) = self.kind(at + 1) else {
                    break;
                };
                method = Some(name.clone());
                at += 2;
            }
            let Some(name) = method.take() else { break };
            // `recv.attr = value`: an attribute assignment.
            if self.is(at, "=") && !receiver.is_empty() {
                let end = self.statement_end(at + 1);
                calls.push((
                    RubyCall {
                        receiver: receiver.clone(),
                        method: format!("{name}="),
                        args: vec![self.arg(at + 1, end)],
                        block: None,
                        within,
                        line,
                        column,
                        order: index,
                    },
                    None,
                ));
                return calls;
            }
            let (args, next) = if self.is(at, "(") && !self.tokens[at].newline_before {
                let Some(close) = self.closing(at) else { break };
                (self.args(at + 1, close), close + 1)
            } else if self.command_args_start(at) {
                let end = self.command_end(at);
                (self.args(at, end), end)
            } else {
                (Vec::new(), at)
            };
            at = next;
            let (block, block_end) = self.block(at);
            if block.is_some() {
                at = block_end.map_or(at, |end| end + 1);
            }
            let bare_name_without_call = receiver.is_empty()
                && args.is_empty()
                && block.is_none()
                && !self.is(next.saturating_sub(1), ")");
            if !bare_name_without_call {
                calls.push((
                    RubyCall {
                        receiver: receiver.clone(),
                        method: name.clone(),
                        args,
                        block,
                        within,
                        line,
                        column,
                        order: index,
                    },
                    block_end,
                ));
            }
            receiver = if receiver.is_empty() {
                name
            } else {
                format!("{receiver}.{name}")
            };
        }
        calls
    }

    /// Whether command arguments (without parentheses) start at `index`, on the same line.
    fn command_args_start(&self, index: usize) -> bool {
        let Some(token) = self.tokens.get(index) else {
            return false;
        };
        if token.newline_before {
            return false;
        }
        match &token.kind {
            Kind::Str(_) | Kind::Symbol(_) | Kind::Number(_) | Kind::Const(_) | Kind::Label(_) => {
                true
            }
            Kind::Ident(word) => !KEYWORDS.contains(&word.as_str()) || word == "self",
            Kind::Punct(p) => matches!(*p, "[" | "->" | "::" | "!" | "*"),
        }
    }

    /// The end of command arguments starting at `index`: the line's end (unless it ends in a
    /// comma or an operator), a `do`, a modifier `if`/`unless`, or a closing bracket.
    fn command_end(&self, index: usize) -> usize {
        let mut at = index;
        while at < self.tokens.len() {
            if at > index && self.tokens[at].newline_before && !self.continues(at - 1) {
                return at;
            }
            match self.kind(at) {
                Some(Kind::Punct(";" | ")" | "]" | "}")) => return at,
                Some(Kind::Ident(word))
                    if matches!(word.as_str(), "do" | "if" | "unless" | "end") =>
                {
                    return at;
                }
                Some(Kind::Punct("(" | "[" | "{")) => match self.closing(at) {
                    Some(close) => at = close,
                    None => return self.tokens.len(),
                },
                _ => {}
            }
            at += 1;
        }
        at
    }

    /// A block at `index` (`do |c| ... end` or `{ |c| ... }`): its parameter and the index
    /// of its last token.
    fn block(&self, index: usize) -> (Option<Block>, Option<usize>) {
        let end = if self.word(index) == Some("do") {
            self.ends.get(index).copied().flatten()
        } else if self.is(index, "{") && !self.tokens[index].newline_before {
            self.closing(index)
        } else {
            return (None, None);
        };
        let param = (self.is(index + 1, "|"))
            .then(|| self.word(index + 2).map(String::from))
            .flatten();
        (Some(Block { param }), end)
    }

    fn args(&self, from: usize, end: usize) -> Vec<Arg> {
        self.split(from, end, ",")
            .into_iter()
            .map(|(start, stop)| self.arg(start, stop))
            .collect()
    }

    /// An argument: `key: value`, `'key' => value`, or a value.
    fn arg(&self, start: usize, end: usize) -> Arg {
        if let Some(Kind::Label(key)) = self.kind(start) {
            let (line, column) = self.position(start + 1);
            return Arg {
                key: Some(key.clone()),
                value: self.value(start + 1, end),
                line,
                column,
            };
        }
        // `"key": value`.
        if let Some(Kind::Str(Some(key))) = self.kind(start)
            && self.is(start + 1, ":")
        {
            let (line, column) = self.position(start + 2);
            return Arg {
                key: Some(key.clone()),
                value: self.value(start + 2, end),
                line,
                column,
            };
        }
        // The first `=>` outside brackets (a linear look, whatever the nesting).
        let halves = self.split(start, end, "=>");
        if let [(key_start, arrow), ..] = halves.as_slice()
            && halves.len() > 1
            && *key_start == start
            && let Some(key) = self.key(*key_start, *arrow)
        {
            let arrow = *arrow;
            let (line, column) = self.position(arrow + 1);
            return Arg {
                key: Some(key),
                value: self.value(arrow + 1, end),
                line,
                column,
            };
        }
        let (line, column) = self.position(start);
        Arg {
            key: None,
            value: self.value(start, end),
            line,
            column,
        }
    }

    /// A hash key written in `start..end`: a string, a symbol or a constant path.
    fn key(&self, start: usize, end: usize) -> Option<String> {
        match (self.kind(start)?, end - start) {
            (Kind::Str(Some(text)) | Kind::Symbol(text), 1) => Some(text.clone()),
            _ => match self.value(start, end) {
                RubyValue::Const(path) => Some(path),
                _ => None,
            },
        }
    }

    /// The spans between `separator`s at bracket depth 0 in `from..end`.
    fn split(&self, from: usize, end: usize, separator: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let mut start = from;
        let mut at = from;
        while at < end {
            if self.is(at, separator) {
                if at > start {
                    spans.push((start, at));
                }
                start = at + 1;
            } else if matches!(self.kind(at), Some(Kind::Punct("(" | "[" | "{"))) {
                at = self.closing(at).unwrap_or(end).min(end);
            } else if self.word(at) == Some("do") {
                at = self.ends.get(at).copied().flatten().unwrap_or(end).min(end);
            }
            at += 1;
        }
        if end > start {
            spans.push((start, end));
        }
        spans
    }

    fn value(&self, start: usize, end: usize) -> RubyValue {
        match self.depth.enter() {
            Some(_level) if start < end => self.value_inner(start, end),
            _ => RubyValue::Other,
        }
    }

    fn value_inner(&self, start: usize, end: usize) -> RubyValue {
        let alternatives = self.split(start, end, "||");
        if alternatives.len() > 1 {
            return RubyValue::Or(
                alternatives
                    .iter()
                    .map(|&(s, e)| self.value(s, e))
                    .collect(),
            );
        }
        let operands = self.split(start, end, "+");
        if operands.len() > 1 {
            return RubyValue::Concat(operands.iter().map(|&(s, e)| self.value(s, e)).collect());
        }
        if start + 1 == end {
            return match self.kind(start) {
                Some(Kind::Str(Some(text))) => RubyValue::Str(text.clone()),
                Some(Kind::Symbol(text)) => RubyValue::Symbol(text.clone()),
                Some(Kind::Number(text)) => RubyValue::Number(text.clone()),
                Some(Kind::Const(word)) => RubyValue::Const(word.clone()),
                Some(Kind::Ident(word)) => match word.as_str() {
                    "true" => RubyValue::Bool(true),
                    "false" => RubyValue::Bool(false),
                    "nil" => RubyValue::Nil,
                    _ if KEYWORDS.contains(&word.as_str()) => RubyValue::Other,
                    _ => RubyValue::Name(word.clone()),
                },
                _ => RubyValue::Other,
            };
        }
        if self.is(start, "{") && self.closing(start) == Some(end - 1) {
            let entries = self
                .args(start + 1, end - 1)
                .into_iter()
                .filter_map(|arg| Some((arg.key.clone()?, arg)))
                .collect();
            return RubyValue::Hash(entries);
        }
        if self.is(start, "[") && self.closing(start) == Some(end - 1) {
            return RubyValue::Array(self.args(start + 1, end - 1));
        }
        if matches!(self.kind(start), Some(Kind::Const(word)) if word == "ENV") {
            return self.env_read(start, end);
        }
        let mut calls = self.calls(start, None);
        match calls.pop() {
            Some((call, None)) if self.chain_end(start) == end => RubyValue::Call {
                receiver: call.receiver,
                method: call.method,
                args: call.args,
            },
            None if self.chain_end(start) == end => match self.kind(start) {
                Some(Kind::Const(_)) => {
                    let mut path = String::new();
                    for at in start..end {
                        match self.kind(at) {
                            Some(Kind::Const(word)) => path.push_str(word),
                            Some(Kind::Punct("::")) => path.push_str("::"),
                            _ => return RubyValue::Other,
                        }
                    }
                    RubyValue::Const(path)
                }
                _ => RubyValue::Other,
            },
            _ => RubyValue::Other,
        }
    }

    /// Where a call chain starting at `start` ends (past its arguments in parentheses).
    fn chain_end(&self, start: usize) -> usize {
        let mut at = start + 1;
        loop {
            if (self.is(at, "::") || self.is(at, ".") || self.is(at, "&."))
                && matches!(self.kind(at + 1), Some(Kind::Ident(_) | Kind::Const(_)))
            {
                at += 2;
            } else if self.is(at, "(") && !self.tokens[at].newline_before {
                match self.closing(at) {
                    Some(close) => at = close + 1,
                    None => return self.tokens.len(),
                }
            } else {
                return at;
            }
        }
    }

    /// `ENV['X']` or `ENV.fetch('X', default)` (or with a block: `{ 'default' }`).
    fn env_read(&self, start: usize, end: usize) -> RubyValue {
        let string = |at: usize| match self.kind(at) {
            Some(Kind::Str(Some(text))) => Some(text.clone()),
            _ => None,
        };
        if self.is(start + 1, "[")
            && self.closing(start + 1) == Some(start + 3)
            && end == start + 4
            && let Some(name) = string(start + 2)
        {
            return RubyValue::Env {
                name,
                default: None,
            };
        }
        if self.is(start + 1, ".")
            && self.word(start + 2) == Some("fetch")
            && self.is(start + 3, "(")
            && let Some(close) = self.closing(start + 3)
        {
            let args = self.args(start + 4, close);
            let Some(RubyValue::Str(name)) = args.first().map(|a| a.value.clone()) else {
                return RubyValue::Other;
            };
            let block_default = (self.is(close + 1, "{")
                && self.closing(close + 1) == Some(end - 1))
            .then(|| self.value(close + 2, end - 1));
            if close + 1 != end && block_default.is_none() {
                return RubyValue::Other;
            }
            let default = args.get(1).map(|a| a.value.clone()).or(block_default);
            return RubyValue::Env {
                name,
                default: default.map(Box::new),
            };
        }
        RubyValue::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INITIALIZER: &str = r##"# config/initializers/opentelemetry.rb
require 'opentelemetry/sdk'
require_relative '../lib/tracing'

ENV['OTEL_TRACES_EXPORTER'] ||= 'console'
ENV["OTEL_SERVICE_NAME"] = "frontend"

=begin
OpenTelemetry::SDK.configure
=end
OpenTelemetry::SDK.configure do |c|
  c.service_name = ENV.fetch('SERVICE_NAME', 'frontend')
  c.use 'OpenTelemetry::Instrumentation::Sinatra', { record_frontend_span: true }
  c.add_span_processor(
    OpenTelemetry::SDK::Trace::Export::BatchSpanProcessor.new(
      OpenTelemetry::Exporter::OTLP::Exporter.new(endpoint: "#{host}/v1/traces", headers: { 'x-honeycomb-team' => ENV['HONEYCOMB_API_KEY'] })
    )
  )
end
Tracer = OpenTelemetry.tracer_provider.tracer('frontend')
"##;

    #[test]
    fn reads_requires_env_writes_and_the_configure_block() {
        let source = parse(INITIALIZER);
        let requires: Vec<(&str, bool, u32)> = source
            .requires
            .iter()
            .map(|r| (r.path.as_str(), r.relative, r.line))
            .collect();
        assert_eq!(
            requires,
            [("opentelemetry/sdk", false, 2), ("../lib/tracing", true, 3)]
        );
        let writes: Vec<(&str, &RubyValue, bool, u32, u32)> = source
            .env_writes
            .iter()
            .map(|w| (w.name.as_str(), &w.value, w.if_unset, w.line, w.column))
            .collect();
        assert_eq!(
            writes,
            [
                (
                    "OTEL_TRACES_EXPORTER",
                    &RubyValue::Str("console".into()),
                    true,
                    5,
                    1
                ),
                (
                    "OTEL_SERVICE_NAME",
                    &RubyValue::Str("frontend".into()),
                    false,
                    6,
                    1
                ),
            ]
        );
        assert_eq!(source.configures_sdk, Some((11, 1)));
        assert!(source.names_service);
        let calls: Vec<(String, Option<usize>, u32, u32)> = source
            .calls
            .iter()
            .map(|c| (c.callee(), c.within, c.line, c.column))
            .collect();
        assert_eq!(
            calls,
            [
                ("OpenTelemetry::SDK.configure".to_string(), None, 11, 1),
                ("c.service_name=".to_string(), Some(0), 12, 3),
                ("ENV.fetch".to_string(), Some(0), 12, 20),
                ("c.use".to_string(), Some(0), 13, 3),
                ("c.add_span_processor".to_string(), Some(0), 14, 3),
                (
                    "OpenTelemetry::SDK::Trace::Export::BatchSpanProcessor.new".to_string(),
                    Some(0),
                    15,
                    5
                ),
                (
                    "OpenTelemetry::Exporter::OTLP::Exporter.new".to_string(),
                    Some(0),
                    16,
                    7
                ),
                ("OpenTelemetry.tracer_provider".to_string(), None, 20, 10),
                (
                    "OpenTelemetry.tracer_provider.tracer".to_string(),
                    None,
                    20,
                    10
                ),
            ]
        );
        assert_eq!(
            source.calls[0].block,
            Some(Block {
                param: Some("c".into())
            })
        );
        assert_eq!(
            source.calls[1].args[0].value,
            RubyValue::Env {
                name: "SERVICE_NAME".into(),
                default: Some(Box::new(RubyValue::Str("frontend".into())))
            }
        );
        let exporter = &source.calls[6];
        assert_eq!(exporter.args[0].key.as_deref(), Some("endpoint"));
        assert_eq!(exporter.args[0].value, RubyValue::Other);
        let RubyValue::Hash(headers) = &exporter.args[1].value else {
            panic!("{:?}", exporter.args[1]);
        };
        assert_eq!(headers[0].0, "x-honeycomb-team");
        assert_eq!(
            headers[0].1.value,
            RubyValue::Env {
                name: "HONEYCOMB_API_KEY".into(),
                default: None
            }
        );
        assert_eq!(source.assignments[0].name, "Tracer");
    }

    #[test]
    fn commands_without_parentheses_and_brace_blocks() {
        let source = parse(
            "OpenTelemetry::SDK.configure { |config| config.use_all }\nputs 'x' if ok\nexporter = OpenTelemetry::SDK::Trace::Export::ConsoleSpanExporter.new\n",
        );
        let calls: Vec<(String, Option<usize>)> = source
            .calls
            .iter()
            .map(|c| (c.callee(), c.within))
            .collect();
        assert_eq!(
            calls,
            [
                ("OpenTelemetry::SDK.configure".to_string(), None),
                ("config.use_all".to_string(), Some(0)),
                ("puts".to_string(), None),
                (
                    "OpenTelemetry::SDK::Trace::Export::ConsoleSpanExporter.new".to_string(),
                    None
                ),
            ]
        );
        assert_eq!(
            source.assignments[0].value,
            RubyValue::Call {
                receiver: "OpenTelemetry::SDK::Trace::Export::ConsoleSpanExporter".into(),
                method: "new".into(),
                args: Vec::new()
            }
        );
    }

    #[test]
    fn strings_heredocs_and_comments_hide_code() {
        let text = "# OpenTelemetry::SDK.configure in a comment\nx = <<~SQL\n  OpenTelemetry::SDK.configure\nSQL\ny = \"OpenTelemetry::SDK.configure #{1}\"\nz = %w[OpenTelemetry::SDK.configure]\nrequire 'opentelemetry/sdk'\n";
        let source = parse(text);
        assert_eq!(source.configures_sdk, None);
        assert_eq!(source.requires.len(), 1);
        assert_eq!(source.requires[0].line, 7);
        assert!(!parse("c.service_name_of = 1\n").names_service);
        assert!(parse("c.service_name = 'frontend'\n").names_service);
    }

    #[test]
    fn broken_input_gives_what_it_can() {
        for text in [
            "",
            "do",
            "end end",
            "x = (",
            "ENV[",
            "ENV['X'] ||=",
            "<<~",
            "%w[",
            "'",
            "\"#{",
            "=begin",
            ":\"",
            "a ? b : c",
            "x = {a: }",
            "c.use",
            "/",
        ] {
            let _ = parse(text);
        }
        let deep = format!("x = {}1{}\n", "f(".repeat(5000), ")".repeat(5000));
        assert_eq!(parse(&deep).assignments.len(), 1);
    }
}
