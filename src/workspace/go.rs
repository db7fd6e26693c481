//! The imports, functions, calls and declarations of a Go file, from a small tokenizer rather
//! than a parser: enough to know that `main.go` imports `otlptracehttp`, calls
//! `otlptracehttp.New(ctx, otlptracehttp.WithEndpoint("collector:4318"))` inside `initTracer`,
//! which `main` calls, and hands the exporter to `sdktrace.WithBatcher(exp)`. Strings (raw and
//! interpreted), runes and comments never fool it. Garbage in gives best effort out, never a
//! panic; values nest only so deep.

use super::lexer::{Cursor, Token, match_brackets};
use super::nesting::Depth;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoSource {
    /// `package main`.
    pub package: Option<String>,
    pub imports: Vec<GoImport>,
    /// Functions and methods declared at the top level, in order.
    pub functions: Vec<Function>,
    /// Every call, nested ones included, in the order written.
    pub calls: Vec<GoCall>,
    /// `x := v`, `x = v`, `var x = v` (the first name of a multiple assignment), in order.
    pub declarations: Vec<Declaration>,
    /// `select {}` and `for {`: where a function waits forever (a server's main loop).
    pub waits: Vec<Wait>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoImport {
    pub path: String,
    /// `otlp "go.opentelemetry.io/..."`; `_` and `.` as written.
    pub alias: Option<String>,
    pub line: u32,
    pub column: u32,
}

impl GoImport {
    /// The name the import binds in the file: its alias, else the path's last element (a
    /// major-version suffix such as `/v2` dropped, as Go names the package).
    pub fn local_name(&self) -> &str {
        if let Some(alias) = &self.alias {
            return alias;
        }
        let mut parts = self.path.rsplit('/');
        let last = parts.next().unwrap_or(&self.path);
        let is_major_version = last.len() > 1
            && last.starts_with('v')
            && last[1..].bytes().all(|b| b.is_ascii_digit());
        match parts.next() {
            Some(before) if is_major_version => before,
            _ => last,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    /// `func (s *Server) Start()`: a method, called on a value, never by its name alone.
    pub method: bool,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoCall {
    /// The dotted name before `(`; a call on a call's result adds `()`:
    /// `otel.Tracer("x").Start(ctx, "y")` → `otel.Tracer().Start`.
    pub callee: String,
    pub args: Vec<Arg>,
    /// The last argument is spread: `otlptracehttp.New(ctx, opts...)`.
    pub spread: bool,
    /// Position of the callee's first token.
    pub line: u32,
    pub column: u32,
    /// The top-level function it is written in (index into `functions`).
    pub function: Option<usize>,
    pub order: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    pub value: GoValue,
    /// Position of the value's first token.
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoValue {
    /// A string literal, escapes decoded.
    Str(String),
    Number(String),
    Bool(bool),
    Nil,
    /// A dotted name: `endpoint`, `otlptracehttp.GzipCompression`.
    Name(String),
    Call {
        callee: String,
        args: Vec<Arg>,
        spread: bool,
    },
    /// `map[string]string{"k": v}`, `[]otlptracehttp.Option{...}`, `&tls.Config{...}`: the type
    /// as written and the elements, each with its key when it has one.
    Composite {
        type_name: String,
        elements: Vec<(Option<Arg>, Arg)>,
    },
    /// Operands joined by `+`.
    Concat(Vec<GoValue>),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub name: String,
    pub value: GoValue,
    /// Position of the name.
    pub line: u32,
    pub column: u32,
    /// Position of the value's first token.
    pub value_line: u32,
    pub value_column: u32,
    pub function: Option<usize>,
    pub order: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    pub function: Option<usize>,
    pub line: u32,
    pub column: u32,
}

/// How deep values may nest (calls in calls, composites in composites) before the rest is
/// left unread: real setup code nests a handful of levels.
const MAX_VALUE_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ident(String),
    Str(String),
    /// A rune or number literal, as written.
    Literal(String),
    Punct(&'static str),
}

/// Punctuators, longest first.
const PUNCTUATORS: [&str; 47] = [
    "<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^", "(", ")", "[", "]", "{", "}", ",",
    ";", ".", ":", "=", "+", "-", "*", "/", "%", "&", "|", "^", "<", ">", "!",
];

pub fn parse(source: &str) -> GoSource {
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
    let reader = Reader {
        tokens: &tokens,
        matching: &matching,
        depth: Depth::new(MAX_VALUE_DEPTH),
    };
    reader.read()
}

fn tokenize(source: &str) -> Vec<Token<Kind>> {
    let mut cursor = Cursor::new(source);
    let mut tokens = Vec::new();
    while let Some(c) = cursor.peek(0) {
        let start = cursor.start();
        match c {
            c if c.is_ascii_whitespace() => cursor.bump(),
            b'/' if cursor.peek(1) == Some(b'/') => cursor.skip_line(),
            b'/' if cursor.peek(1) == Some(b'*') => {
                cursor.i += 2;
                cursor.skip_past(b"*/");
            }
            b'"' => {
                let value = interpreted_string(&mut cursor);
                tokens.push(cursor.token(Kind::Str(value), start));
            }
            b'`' => {
                cursor.i += 1;
                let from = cursor.i;
                cursor.skip_past(b"`");
                let end = cursor.i.saturating_sub(1).max(from);
                let value = source.get(from..end).unwrap_or_default().replace('\r', "");
                tokens.push(cursor.token(Kind::Str(value), start));
            }
            b'\'' => {
                cursor.i += 1;
                while let Some(c) = cursor.peek(0) {
                    cursor.i += 1;
                    match c {
                        b'\\' => cursor.i += 1,
                        b'\'' | b'\n' => break,
                        _ => {}
                    }
                }
                cursor.i = cursor.i.min(cursor.bytes.len());
                let text = cursor.text_from(start).to_string();
                tokens.push(cursor.token(Kind::Literal(text), start));
            }
            c if c.is_ascii_digit()
                || (c == b'.' && cursor.peek(1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                while cursor
                    .peek(0)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_')
                {
                    cursor.i += 1;
                }
                let text = cursor.text_from(start).to_string();
                tokens.push(cursor.token(Kind::Literal(text), start));
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while cursor
                    .peek(0)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
                {
                    cursor.i += 1;
                }
                let text = cursor.text_from(start).to_string();
                tokens.push(cursor.token(Kind::Ident(text), start));
            }
            _ => {
                let rest = &cursor.bytes[cursor.i..];
                match PUNCTUATORS.iter().find(|p| rest.starts_with(p.as_bytes())) {
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

/// A `"..."` string, escapes decoded; an unterminated one ends at the line's end.
fn interpreted_string(cursor: &mut Cursor) -> String {
    cursor.i += 1;
    let mut value = Vec::new();
    while let Some(c) = cursor.peek(0) {
        match c {
            b'"' => {
                cursor.i += 1;
                break;
            }
            b'\n' => break,
            b'\\' => {
                match cursor.peek(1) {
                    Some(b'n') => value.push(b'\n'),
                    Some(b't') => value.push(b'\t'),
                    Some(b'r') => value.push(b'\r'),
                    Some(other) => value.push(other),
                    None => {}
                }
                cursor.i += 2;
            }
            c => {
                value.push(c);
                cursor.i += 1;
            }
        }
    }
    cursor.i = cursor.i.min(cursor.bytes.len());
    String::from_utf8_lossy(&value).into_owned()
}

/// Keywords that may stand before `(` or `{` but never name a call or a value.
const KEYWORDS: [&str; 25] = [
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

struct Reader<'a> {
    tokens: &'a [Token<Kind>],
    matching: &'a [Option<usize>],
    depth: Depth,
}

impl Reader<'_> {
    fn ident(&self, index: usize) -> Option<&str> {
        match self.tokens.get(index).map(|t| &t.kind) {
            Some(Kind::Ident(word)) => Some(word),
            _ => None,
        }
    }

    /// An identifier that names something (not a keyword).
    fn name(&self, index: usize) -> Option<&str> {
        self.ident(index).filter(|w| !KEYWORDS.contains(w))
    }

    fn is(&self, index: usize, punct: &str) -> bool {
        matches!(self.tokens.get(index).map(|t| &t.kind), Some(Kind::Punct(p)) if *p == punct)
    }

    fn closing(&self, index: usize) -> Option<usize> {
        self.matching.get(index).copied().flatten()
    }

    fn position(&self, index: usize) -> (u32, u32) {
        self.tokens
            .get(index)
            .map_or((1, 1), |t| (t.line, t.column))
    }

    /// Whether a statement may start at `index`: at a line's start, after `;`, `{` or `}`.
    fn starts_statement(&self, index: usize) -> bool {
        index == 0
            || self.tokens[index].newline_before
            || self.is(index - 1, ";")
            || self.is(index - 1, "{")
            || self.is(index - 1, "}")
    }

    fn read(&self) -> GoSource {
        let mut source = GoSource::default();
        // The function being read, and the index of its body's closing brace.
        let mut current: Option<(usize, usize)> = None;
        let mut index = 0;
        while index < self.tokens.len() {
            if current.is_some_and(|(_, end)| index > end) {
                current = None;
            }
            let function = current.map(|(f, _)| f);
            let after_dot = index > 0 && self.is(index - 1, ".");
            match self.ident(index) {
                Some("package") if source.package.is_none() => {
                    source.package = self.ident(index + 1).map(String::from);
                }
                Some("import") if current.is_none() => {
                    index = self.imports(index + 1, &mut source.imports);
                    continue;
                }
                Some("func") if current.is_none() => {
                    if let Some((declared, open, close)) = self.function(index) {
                        source.functions.push(declared);
                        current = Some((source.functions.len() - 1, close));
                        // The header names no call.
                        index = open + 1;
                        continue;
                    }
                }
                Some("select") if self.is(index + 1, "{") && self.is(index + 2, "}") => {
                    let (line, column) = self.position(index);
                    source.waits.push(Wait {
                        function,
                        line,
                        column,
                    });
                }
                Some("for") if self.is(index + 1, "{") => {
                    let (line, column) = self.position(index);
                    source.waits.push(Wait {
                        function,
                        line,
                        column,
                    });
                }
                Some("var") => {
                    if let Some(declaration) = self.var(index + 1, function, index) {
                        source.declarations.push(declaration);
                    }
                }
                Some(_) if !after_dot && self.name(index).is_some() => {
                    if self.starts_statement(index)
                        && let Some(declaration) = self.assignment(index, function)
                    {
                        source.declarations.push(declaration);
                    }
                    self.calls(index, function, &mut source.calls);
                }
                _ => {}
            }
            index += 1;
        }
        source
    }

    /// `import "p"`, `import x "p"` or `import ( ... )`; returns where reading goes on.
    fn imports(&self, index: usize, out: &mut Vec<GoImport>) -> usize {
        let (first, end) = match self.closing(index).filter(|_| self.is(index, "(")) {
            Some(close) => (index + 1, close),
            None => (index, (index + 2).min(self.tokens.len())),
        };
        let mut at = first;
        while at < end {
            let alias = match &self.tokens[at].kind {
                Kind::Ident(word) => Some(word.clone()),
                Kind::Punct(".") => Some(".".to_string()),
                _ => None,
            };
            let path_at = if alias.is_some() { at + 1 } else { at };
            if let Some(Kind::Str(path)) = self.tokens.get(path_at).map(|t| &t.kind) {
                let (line, column) = self.position(at);
                out.push(GoImport {
                    path: path.clone(),
                    alias,
                    line,
                    column,
                });
                at = path_at + 1;
            } else {
                at += 1;
            }
        }
        end + 1
    }

    /// `func name(...) ... {` or `func (r T) name(...) ... {`: the function and the indexes of
    /// its body's braces.
    fn function(&self, index: usize) -> Option<(Function, usize, usize)> {
        let mut at = index + 1;
        let method = self.is(at, "(");
        if method {
            at = self.closing(at)? + 1;
        }
        let name = self.ident(at)?.to_string();
        let (line, column) = self.position(at);
        at += 1;
        // Type parameters, then the parameters.
        if self.is(at, "[") {
            at = self.closing(at)? + 1;
        }
        if !self.is(at, "(") {
            return None;
        }
        at = self.closing(at)? + 1;
        // The results, then the body: the first `{` that no `interface`/`struct` opens,
        // before the declaration's line ends.
        while at < self.tokens.len() {
            if self.tokens[at].newline_before && !self.is(at, "{") {
                return None;
            }
            match &self.tokens[at].kind {
                Kind::Punct("(" | "[") => at = self.closing(at)?,
                Kind::Punct("{") if !matches!(self.ident(at - 1), Some("interface" | "struct")) => {
                    let body = self.closing(at)?;
                    return Some((
                        Function {
                            name,
                            method,
                            line,
                            column,
                        },
                        at,
                        body,
                    ));
                }
                Kind::Punct("{") => at = self.closing(at)?,
                _ => {}
            }
            at += 1;
        }
        None
    }

    /// `var x = v` or `var x T = v` (not `var ( ... )` groups, which setup code rarely uses).
    fn var(&self, index: usize, function: Option<usize>, order: usize) -> Option<Declaration> {
        let name = self.name(index)?.to_string();
        let equals = (index + 1..self.statement_end(index))
            .find(|&at| self.is(at, "="))
            .filter(|&at| !self.tokens[at].newline_before)?;
        let (line, column) = self.position(index);
        let (value_line, value_column) = self.position(equals + 1);
        Some(Declaration {
            name,
            value: self.value(equals + 1, self.statement_end(equals + 1)),
            line,
            column,
            value_line,
            value_column,
            function,
            order,
        })
    }

    /// `a, b := v` or `a = v` at the start of a statement, bound to its first name that is
    /// not `_`.
    fn assignment(&self, index: usize, function: Option<usize>) -> Option<Declaration> {
        let mut names = vec![index];
        let mut at = index + 1;
        while self.is(at, ",") && self.ident(at + 1).is_some() {
            names.push(at + 1);
            at += 2;
        }
        if !(self.is(at, ":=") || self.is(at, "=")) {
            return None;
        }
        let named = names.into_iter().find(|&n| self.ident(n) != Some("_"))?;
        let (line, column) = self.position(named);
        let (value_line, value_column) = self.position(at + 1);
        Some(Declaration {
            name: self.ident(named)?.to_string(),
            value: self.value(at + 1, self.statement_end(at + 1)),
            line,
            column,
            value_line,
            value_column,
            function,
            order: index,
        })
    }

    /// Where the statement that goes on at `index` ends: the first token past a line break
    /// after which Go inserts a semicolon, or a `;` (brackets are jumped over).
    fn statement_end(&self, index: usize) -> usize {
        let mut at = index;
        while at < self.tokens.len() {
            let token = &self.tokens[at];
            if at > index && token.newline_before && self.ends_line(at - 1) {
                return at;
            }
            match &token.kind {
                Kind::Punct(";") => return at,
                Kind::Punct(")" | "]" | "}") => return at,
                Kind::Punct("(" | "[" | "{") => match self.closing(at) {
                    Some(close) => at = close,
                    None => return self.tokens.len(),
                },
                _ => {}
            }
            at += 1;
        }
        at
    }

    /// Whether Go inserts a semicolon after this token at a line's end.
    fn ends_line(&self, index: usize) -> bool {
        match &self.tokens[index].kind {
            Kind::Ident(word) => {
                !KEYWORDS.contains(&word.as_str())
                    || matches!(
                        word.as_str(),
                        "break" | "continue" | "fallthrough" | "return"
                    )
            }
            Kind::Str(_) | Kind::Literal(_) => true,
            Kind::Punct(p) => matches!(*p, ")" | "]" | "}" | "++" | "--"),
        }
    }

    /// Records the call chain that starts at `index` (`a.b(x).c(y)`: `a.b` and `a.b().c`).
    fn calls(&self, index: usize, function: Option<usize>, out: &mut Vec<GoCall>) {
        let (mut callee, mut at) = self.dotted(index);
        let (line, column) = self.position(index);
        while self.is(at, "(") {
            let Some(close) = self.closing(at) else {
                return;
            };
            let (args, spread) = self.args(at + 1, close);
            out.push(GoCall {
                callee: callee.clone(),
                args,
                spread,
                line,
                column,
                function,
                order: index,
            });
            at = close + 1;
            if self.is(at, ".")
                && let Some(next) = self.ident(at + 1)
                && self.is(at + 2, "(")
            {
                callee = format!("{callee}().{next}");
                at += 2;
            } else {
                return;
            }
        }
    }

    /// The dotted name at `index` and the index after it.
    fn dotted(&self, index: usize) -> (String, usize) {
        let mut name = self.ident(index).unwrap_or_default().to_string();
        let mut at = index + 1;
        while self.is(at, ".")
            && let Some(next) = self.ident(at + 1)
        {
            name.push('.');
            name.push_str(next);
            at += 2;
        }
        (name, at)
    }

    /// The arguments between `from` and the closing `)` at `end`, and whether the last one is
    /// spread (`opts...`).
    fn args(&self, from: usize, end: usize) -> (Vec<Arg>, bool) {
        let mut spread = false;
        let args = self
            .split(from, end, ",")
            .into_iter()
            .map(|(start, mut stop)| {
                if stop > start && self.is(stop - 1, "...") {
                    spread = true;
                    stop -= 1;
                }
                self.arg(start, stop)
            })
            .collect();
        (args, spread)
    }

    fn arg(&self, start: usize, end: usize) -> Arg {
        let (line, column) = self.position(start);
        Arg {
            value: self.value(start, end),
            line,
            column,
        }
    }

    /// The spans between `separator`s at bracket depth 0 in `from..end`; empty spans dropped.
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
            } else if matches!(self.tokens[at].kind, Kind::Punct("(" | "[" | "{")) {
                at = self.closing(at).unwrap_or(end).min(end);
            }
            at += 1;
        }
        if end > start {
            spans.push((start, end));
        }
        spans
    }

    /// The value written in `start..end`.
    fn value(&self, start: usize, end: usize) -> GoValue {
        match self.depth.enter() {
            Some(_level) if start < end => self.value_inner(start, end),
            _ => GoValue::Other,
        }
    }

    fn value_inner(&self, start: usize, end: usize) -> GoValue {
        let operands = self.split(start, end, "+");
        if operands.len() > 1 {
            return GoValue::Concat(operands.iter().map(|&(s, e)| self.value(s, e)).collect());
        }
        let start = if self.is(start, "&") {
            start + 1
        } else {
            start
        };
        if start + 1 == end {
            match &self.tokens[start].kind {
                Kind::Str(text) => return GoValue::Str(text.clone()),
                Kind::Literal(text) => return GoValue::Number(text.clone()),
                Kind::Ident(word) => {
                    return match word.as_str() {
                        "true" => GoValue::Bool(true),
                        "false" => GoValue::Bool(false),
                        "nil" => GoValue::Nil,
                        _ if KEYWORDS.contains(&word.as_str()) => GoValue::Other,
                        _ => GoValue::Name(word.clone()),
                    };
                }
                Kind::Punct(_) => return GoValue::Other,
            }
        }
        if self.is(end - 1, "}")
            && let Some(open) = (start..end - 1).find(|&at| self.is(at, "{"))
            && self.closing(open) == Some(end - 1)
        {
            return self.composite(start, open, end - 1);
        }
        if self.name(start).is_none() {
            return GoValue::Other;
        }
        let (mut callee, mut at) = self.dotted(start);
        let mut value = GoValue::Name(callee.clone());
        while self.is(at, "(") {
            let Some(close) = self.closing(at) else {
                return GoValue::Other;
            };
            let (args, spread) = self.args(at + 1, close);
            value = GoValue::Call {
                callee: callee.clone(),
                args,
                spread,
            };
            at = close + 1;
            if self.is(at, ".")
                && let Some(next) = self.ident(at + 1)
            {
                callee = format!("{callee}().{next}");
                at += 2;
                if !self.is(at, "(") {
                    return GoValue::Other;
                }
            }
        }
        if at == end { value } else { GoValue::Other }
    }

    /// `T{...}` whose type is written in `start..open`: only types (`map[string]string`,
    /// `[]pkg.Option`, `pkg.Config`), not an `if x {` block.
    fn composite(&self, start: usize, open: usize, close: usize) -> GoValue {
        let is_type = (start..open).all(|at| match &self.tokens[at].kind {
            Kind::Ident(word) => word == "map" || !KEYWORDS.contains(&word.as_str()),
            Kind::Punct(p) => matches!(*p, "." | "[" | "]" | "*"),
            Kind::Literal(_) => self.is(at.wrapping_sub(1), "["),
            Kind::Str(_) => false,
        });
        if !is_type || start == open {
            return GoValue::Other;
        }
        let type_name: String = (start..open)
            .map(|at| match &self.tokens[at].kind {
                Kind::Ident(word) | Kind::Literal(word) => word.as_str(),
                Kind::Punct(p) => p,
                Kind::Str(_) => "",
            })
            .collect();
        let elements = self
            .split(open + 1, close, ",")
            .into_iter()
            .map(|(s, e)| match self.split(s, e, ":").as_slice() {
                [(ks, ke), (vs, ve)] => (Some(self.arg(*ks, *ke)), self.arg(*vs, *ve)),
                _ => (None, self.arg(s, e)),
            })
            .collect();
        GoValue::Composite {
            type_name,
            elements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETUP: &str = r#"package main

import (
	"context"
	"os"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// initTracer sets up "tracing" (not a string).
func initTracer(ctx context.Context) (*sdktrace.TracerProvider, error) {
	exp, err := otlptracehttp.New(ctx,
		otlptracehttp.WithEndpoint("otel-collector:4317"),
		otlptracehttp.WithInsecure(),
		otlptracehttp.WithHeaders(map[string]string{"x-honeycomb-team": os.Getenv("KEY")}),
	)
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	otel.SetTracerProvider(tp)
	return tp, nil
}

func main() {
	ctx := context.Background()
	tp, _ := initTracer(ctx)
	defer func() { _ = tp.Shutdown(ctx) }()
	_, span := otel.Tracer(`svc`).Start(ctx, "work")
	span.End()
	select {}
}
"#;

    #[test]
    fn reads_imports_functions_calls_and_declarations() {
        let source = parse(SETUP);
        assert_eq!(source.package.as_deref(), Some("main"));
        let imports: Vec<(&str, &str)> = source
            .imports
            .iter()
            .map(|i| (i.path.as_str(), i.local_name()))
            .collect();
        assert_eq!(
            imports,
            [
                ("context", "context"),
                ("os", "os"),
                ("go.opentelemetry.io/otel", "otel"),
                (
                    "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp",
                    "otlptracehttp"
                ),
                ("go.opentelemetry.io/otel/sdk/trace", "sdktrace"),
            ]
        );
        let functions: Vec<&str> = source.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(functions, ["initTracer", "main"]);
        let calls: Vec<(&str, u32, u32, Option<usize>)> = source
            .calls
            .iter()
            .map(|c| (c.callee.as_str(), c.line, c.column, c.function))
            .collect();
        assert_eq!(
            calls,
            [
                ("otlptracehttp.New", 14, 14, Some(0)),
                ("otlptracehttp.WithEndpoint", 15, 3, Some(0)),
                ("otlptracehttp.WithInsecure", 16, 3, Some(0)),
                ("otlptracehttp.WithHeaders", 17, 3, Some(0)),
                ("os.Getenv", 17, 67, Some(0)),
                ("sdktrace.NewTracerProvider", 22, 8, Some(0)),
                ("sdktrace.WithBatcher", 22, 35, Some(0)),
                ("otel.SetTracerProvider", 23, 2, Some(0)),
                ("context.Background", 28, 9, Some(1)),
                ("initTracer", 29, 11, Some(1)),
                ("tp.Shutdown", 30, 21, Some(1)),
                ("otel.Tracer", 31, 13, Some(1)),
                ("otel.Tracer().Start", 31, 13, Some(1)),
                ("span.End", 32, 2, Some(1)),
            ]
        );
        let new = &source.calls[0];
        assert_eq!(new.args.len(), 4);
        assert_eq!(
            new.args[1].value,
            GoValue::Call {
                callee: "otlptracehttp.WithEndpoint".into(),
                args: vec![Arg {
                    value: GoValue::Str("otel-collector:4317".into()),
                    line: 15,
                    column: 30
                }],
                spread: false
            }
        );
        let GoValue::Call { args, .. } = &new.args[3].value else {
            panic!("{:?}", new.args[3]);
        };
        let GoValue::Composite {
            type_name,
            elements,
        } = &args[0].value
        else {
            panic!("{:?}", args[0]);
        };
        assert_eq!(type_name, "map[string]string");
        assert_eq!(
            elements[0].0.as_ref().map(|k| &k.value),
            Some(&GoValue::Str("x-honeycomb-team".into()))
        );
        let declared: Vec<(&str, Option<usize>)> = source
            .declarations
            .iter()
            .map(|d| (d.name.as_str(), d.function))
            .collect();
        assert_eq!(
            declared,
            [
                ("exp", Some(0)),
                ("tp", Some(0)),
                ("ctx", Some(1)),
                ("tp", Some(1)),
                ("span", Some(1)),
            ]
        );
        assert!(matches!(
            &source.declarations[0].value,
            GoValue::Call { callee, .. } if callee == "otlptracehttp.New"
        ));
        assert_eq!(
            source.waits,
            [Wait {
                function: Some(1),
                line: 33,
                column: 2
            }]
        );
    }

    #[test]
    fn spread_options_appends_and_concatenation() {
        let source = parse(
            "package main\nvar opts = []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(host + \":4317\")}\nfunc f() {\n\topts = append(opts, otlptracegrpc.WithInsecure())\n\tc := otlptracegrpc.NewClient(opts...)\n}\n",
        );
        let client = source
            .calls
            .iter()
            .find(|c| c.callee == "otlptracegrpc.NewClient")
            .unwrap();
        assert!(client.spread);
        assert_eq!(client.args[0].value, GoValue::Name("opts".into()));
        let GoValue::Composite { elements, .. } = &source.declarations[0].value else {
            panic!("{:?}", source.declarations[0]);
        };
        let GoValue::Call { args, .. } = &elements[0].1.value else {
            panic!();
        };
        assert_eq!(
            args[0].value,
            GoValue::Concat(vec![
                GoValue::Name("host".into()),
                GoValue::Str(":4317".into())
            ])
        );
        assert_eq!(source.declarations[1].name, "opts");
        assert!(matches!(
            &source.declarations[1].value,
            GoValue::Call { callee, .. } if callee == "append"
        ));
    }

    #[test]
    fn blocks_are_not_composites_and_methods_are_marked() {
        let source = parse(
            "package x\nfunc (s *Server) Run() error {\n\tif ok {\n\t\tgo s.serve()\n\t}\n\tfor i := range xs {\n\t}\n\treturn nil\n}\nfunc g(v interface{}) struct{ A int } { return struct{ A int }{1} }\n",
        );
        assert_eq!(source.functions.len(), 2);
        assert!(source.functions[0].method);
        assert_eq!(source.functions[1].name, "g");
        assert!(source.waits.is_empty());
        assert_eq!(source.calls[0].callee, "s.serve");
    }

    #[test]
    fn broken_input_gives_what_it_can() {
        for text in [
            "",
            "func",
            "func (",
            "package main\nfunc main() { x := f(\n",
            "\"unterminated",
            "`raw",
            "'",
            "import (",
            "}}}{{{",
        ] {
            let _ = parse(text);
        }
        let deep = format!(
            "package main\nvar x = {}1{}\n",
            "f(".repeat(5000),
            ")".repeat(5000)
        );
        assert_eq!(parse(&deep).declarations.len(), 1);
    }
}
