//! The imports, calls and assignments of a Java, Kotlin or C# file, from a small tokenizer
//! rather than a parser: enough to know that `Tracing.java` builds
//! `OtlpGrpcSpanExporter.builder().setEndpoint("http://collector:4317").build()`, or that
//! `Program.cs` calls `AddOtlpExporter(o => { o.Endpoint = new Uri(...); })`, and never fooled by
//! what hides code: strings (text blocks, verbatim and interpolated strings), character literals
//! and comments. Generic arguments before a call (`GetValue<string>(...)`) are skipped over.
//! Garbage in gives best effort out, never a panic; nesting is bounded.

/// Which language's literals to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Java,
    Kotlin,
    CSharp,
}

impl Dialect {
    /// The dialect of a source file, by its extension.
    pub fn of_file(name: &str) -> Option<Dialect> {
        let extension = name.rsplit_once('.')?.1;
        match extension {
            "java" => Some(Dialect::Java),
            "kt" | "kts" => Some(Dialect::Kotlin),
            "cs" => Some(Dialect::CSharp),
            _ => None,
        }
    }
}

/// What a file does, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClikeSource {
    pub imports: Vec<Import>,
    pub calls: Vec<Call>,
    pub assignments: Vec<Assignment>,
}

/// `import a.b.C;`, `using A.B;`: the dotted path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub path: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The dotted name before `(`; a call on a call's result adds `()`:
    /// `OtlpGrpcSpanExporter.builder().setEndpoint`.
    pub callee: String,
    /// `new Callee(...)`.
    pub new: bool,
    pub args: Vec<Arg>,
    /// Position of the callee's first token (or of `new`).
    pub line: u32,
    pub column: u32,
    /// Position of the called name (`setEndpoint`).
    pub name_line: u32,
    pub name_column: u32,
    /// The tokens it spans, from its callee to its closing parenthesis (the calls of one
    /// fluent chain start at the same token).
    pub span: (usize, usize),
    /// The tokens of its parentheses: what lies between them is written inside the call.
    pub parens: (usize, usize),
}

impl Call {
    /// The called name: the callee's last part.
    pub fn name(&self) -> &str {
        self.callee.rsplit('.').next().unwrap_or(&self.callee)
    }

    /// Whether this call is written inside `other`'s parentheses (a lambda's body included).
    pub fn within(&self, other: &Call) -> bool {
        self.span.0 > other.parens.0 && self.span.1 < other.parens.1
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// A named argument's name (C# `name: value`, Kotlin `name = value`).
    pub name: Option<String>,
    pub value: Value,
    pub line: u32,
    pub column: u32,
}

/// `target = value`: a declaration (`var endpoint = ...`), a field or property
/// (`o.Endpoint = ...`), an object initializer's entry (`{ Endpoint = ... }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The dotted name assigned to (`o.Endpoint`, `endpoint`).
    pub target: String,
    pub value: Value,
    /// Position of the value.
    pub line: u32,
    pub column: u32,
    /// The token of its `=`, to compare with calls' spans.
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string literal (an interpolated one without holes).
    Str(String),
    Number(String),
    Bool(bool),
    Null,
    /// A dotted name: `endpoint`, `OtlpExportProtocol.HttpProtobuf`.
    Name(String),
    Call {
        callee: String,
        new: bool,
        args: Vec<Arg>,
    },
    /// `configuration["OTEL_ENDPOINT"]`.
    Index {
        base: String,
        key: Box<Value>,
    },
    /// `o => { ... }`, `(a, b) -> ...`: its parameters, and the tokens of its body.
    Lambda {
        params: Vec<String>,
        body: (usize, usize),
    },
    /// `a + b`.
    Concat(Vec<Value>),
    /// `a ?? b` (C#), `a ?: b` (Kotlin).
    Coalesce(Vec<Value>),
    Other,
}

/// Files larger than this are generated code, not a service's setup.
pub const MAX_SOURCE_BYTES: usize = 512 * 1024;

/// How deep expressions are read: setup code nests a few levels; generated code may nest
/// thousands, which must not exhaust the stack.
const MAX_DEPTH: usize = 32;

/// Calls whose parentheses hold more tokens than this keep no argument values.
const MAX_ARGUMENT_TOKENS: usize = 2_048;

/// Words without which a file does not set up, configure or name OpenTelemetry (compared in
/// lower case): such files are not read further.
const SETUP_MARKERS: [&str; 4] = ["opentelemetry", "honeycomb", "otel", "otlp"];

pub fn parse(source: &str, dialect: Dialect) -> ClikeSource {
    if source.len() > MAX_SOURCE_BYTES {
        return ClikeSource::default();
    }
    let lower = source.to_ascii_lowercase();
    if !SETUP_MARKERS.iter().any(|m| lower.contains(m)) {
        return ClikeSource::default();
    }
    let tokens = Lexer::new(source, dialect).run();
    let matching = match_brackets(&tokens);
    let reader = Reader {
        tokens: &tokens,
        matching: &matching,
        dialect,
    };
    reader.read()
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Ident(String),
    Str(String),
    /// An interpolated string with holes: its value is not known.
    Interpolated,
    Number(String),
    Char,
    Punct(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    kind: Kind,
    line: u32,
    column: u32,
}

/// Punctuators, longest first.
const PUNCTUATORS: [&str; 28] = [
    "??=", ">>=", "<<=", "...", "=>", "->", "::", "?.", "??", "?:", "==", "!=", "<=", ">=", "&&",
    "||", "+=", "-=", "*=", "/=", "++", "--", "(", ")", "[", "]", "{", "}",
];
const SINGLE_PUNCTUATORS: &str = ".,;:=+-*/%<>!?&|^~@#";

struct Lexer {
    chars: Vec<char>,
    i: usize,
    line: usize,
    column: usize,
    dialect: Dialect,
    tokens: Vec<Token>,
}

impl Lexer {
    fn new(source: &str, dialect: Dialect) -> Self {
        Lexer {
            chars: source.chars().collect(),
            i: 0,
            line: 1,
            column: 1,
            dialect,
            tokens: Vec::new(),
        }
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn starts_with(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(k, c)| self.peek(k) == Some(c))
    }

    /// Moves past one character, keeping the line and column.
    fn bump(&mut self) {
        if self.peek(0) == Some('\n') {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        self.i += 1;
    }

    fn bump_n(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }

    fn run(mut self) -> Vec<Token> {
        while let Some(c) = self.peek(0) {
            let (line, column) = (to_u32(self.line), to_u32(self.column));
            let kind = match c {
                c if c.is_whitespace() => {
                    self.bump();
                    continue;
                }
                '/' if self.peek(1) == Some('/') => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                    continue;
                }
                '/' if self.peek(1) == Some('*') => {
                    self.bump_n(2);
                    while self.peek(0).is_some() && !self.starts_with("*/") {
                        self.bump();
                    }
                    self.bump_n(2);
                    continue;
                }
                // C# preprocessor lines (`#region`, `#if DEBUG`).
                '#' if self.dialect == Dialect::CSharp && self.at_line_start() => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                    continue;
                }
                '"' if self.starts_with("\"\"\"") => self.raw_string(false),
                '"' => self.string(false, false),
                '@' if self.dialect == Dialect::CSharp && self.peek(1) == Some('"') => {
                    self.bump();
                    self.string(true, false)
                }
                '$' if self.dialect == Dialect::CSharp
                    && matches!(self.peek(1), Some('"' | '@')) =>
                {
                    self.bump();
                    let verbatim = self.peek(0) == Some('@');
                    if verbatim {
                        self.bump();
                    }
                    if self.starts_with("\"\"\"") {
                        self.raw_string(true)
                    } else {
                        self.string(verbatim, true)
                    }
                }
                '\'' => self.char_literal(),
                c if c.is_ascii_digit() => {
                    let mut text = String::new();
                    while let Some(c) = self
                        .peek(0)
                        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_'))
                    {
                        text.push(c);
                        self.bump();
                    }
                    Kind::Number(text)
                }
                c if c.is_alphabetic() || c == '_' || c == '$' => {
                    let mut text = String::new();
                    while let Some(c) = self
                        .peek(0)
                        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
                    {
                        text.push(c);
                        self.bump();
                    }
                    Kind::Ident(text)
                }
                // A Kotlin backtick name.
                '`' => {
                    self.bump();
                    let mut text = String::new();
                    while let Some(c) = self.peek(0).filter(|c| !matches!(c, '`' | '\n')) {
                        text.push(c);
                        self.bump();
                    }
                    self.bump();
                    Kind::Ident(text)
                }
                _ => match PUNCTUATORS.iter().find(|p| self.starts_with(p)) {
                    Some(p) => {
                        self.bump_n(p.chars().count());
                        Kind::Punct(p)
                    }
                    None => {
                        let single = SINGLE_PUNCTUATORS
                            .find(c)
                            .map(|at| &SINGLE_PUNCTUATORS[at..at + c.len_utf8()]);
                        self.bump();
                        match single {
                            Some(p) => Kind::Punct(p),
                            None => continue,
                        }
                    }
                },
            };
            self.tokens.push(Token { kind, line, column });
        }
        self.tokens
    }

    fn at_line_start(&self) -> bool {
        self.chars[..self.i]
            .iter()
            .rev()
            .take_while(|c| **c != '\n')
            .all(|c| c.is_whitespace())
    }

    /// `"..."`; verbatim (C# `@"..."`: no escapes, `""` is a quote, may span lines) or
    /// interpolated (C# `$"..."`, Kotlin `"...$x..."`, whose holes make the value unknown).
    fn string(&mut self, verbatim: bool, interpolated: bool) -> Kind {
        self.bump();
        let mut text = String::new();
        let mut holes = false;
        while let Some(c) = self.peek(0) {
            match c {
                '"' if verbatim && self.peek(1) == Some('"') => {
                    text.push('"');
                    self.bump_n(2);
                }
                '"' => {
                    self.bump();
                    break;
                }
                '\n' if !verbatim => break,
                '\\' if !verbatim => {
                    let escaped = match self.peek(1) {
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('r') => '\r',
                        Some(other) => other,
                        None => break,
                    };
                    text.push(escaped);
                    self.bump_n(2);
                }
                '{' if interpolated && self.peek(1) == Some('{') => {
                    text.push('{');
                    self.bump_n(2);
                }
                '{' if interpolated => {
                    holes = true;
                    self.skip_hole();
                }
                '$' if self.dialect == Dialect::Kotlin
                    && self
                        .peek(1)
                        .is_some_and(|n| n == '{' || n.is_alphabetic() || n == '_') =>
                {
                    holes = true;
                    self.bump();
                    if self.peek(0) == Some('{') {
                        self.skip_hole();
                    }
                }
                c => {
                    text.push(c);
                    self.bump();
                }
            }
        }
        if holes {
            Kind::Interpolated
        } else {
            Kind::Str(text)
        }
    }

    /// An interpolation hole `{...}`, nested braces included.
    fn skip_hole(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek(0) {
            self.bump();
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                '\n' if depth == 0 => return,
                _ => {}
            }
        }
    }

    /// `"""..."""`: Java and Kotlin text blocks, C# raw strings (more quotes may open them).
    fn raw_string(&mut self, interpolated: bool) -> Kind {
        let mut quotes = 0;
        while self.peek(0) == Some('"') {
            quotes += 1;
            self.bump();
        }
        let close = "\"".repeat(quotes);
        let mut text = String::new();
        let mut holes = false;
        while self.peek(0).is_some() && !self.starts_with(&close) {
            let c = self.peek(0).unwrap_or_default();
            if (interpolated && c == '{') || (self.dialect == Dialect::Kotlin && c == '$') {
                holes = true;
            }
            text.push(c);
            self.bump();
        }
        self.bump_n(quotes);
        // A text block's content starts on the line after its opening quotes.
        let text = text.strip_prefix('\n').unwrap_or(&text).to_string();
        if holes {
            Kind::Interpolated
        } else {
            Kind::Str(text)
        }
    }

    fn char_literal(&mut self) -> Kind {
        self.bump();
        while let Some(c) = self.peek(0) {
            match c {
                '\\' => self.bump_n(2),
                '\'' | '\n' => {
                    if c == '\'' {
                        self.bump();
                    }
                    break;
                }
                _ => self.bump(),
            }
        }
        Kind::Char
    }
}

/// For each opening bracket, the index of its closing one, and the other way round.
fn match_brackets(tokens: &[Token]) -> Vec<Option<usize>> {
    let mut matching = vec![None; tokens.len()];
    let mut open: Vec<(usize, &str)> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let Kind::Punct(p) = token.kind else { continue };
        let closes = match p {
            "(" | "[" | "{" => {
                open.push((index, p));
                continue;
            }
            ")" => "(",
            "]" => "[",
            "}" => "{",
            _ => continue,
        };
        if let Some(at) = open.iter().rposition(|(_, k)| *k == closes) {
            matching[open[at].0] = Some(index);
            matching[index] = Some(open[at].0);
            open.truncate(at);
        }
    }
    matching
}

/// Words that look like a callee before `(` but are not calls.
const NOT_CALLEES: [&str; 20] = [
    "if",
    "for",
    "foreach",
    "while",
    "switch",
    "catch",
    "return",
    "typeof",
    "sizeof",
    "nameof",
    "default",
    "lock",
    "using",
    "synchronized",
    "super",
    "this",
    "when",
    "fun",
    "throw",
    "checked",
];

/// Words after which a name and `(` are a call, not a method's declaration (`String
/// endpoint()` declares; `return endpoint()` calls).
const BEFORE_CALLS: [&str; 11] = [
    "return", "new", "await", "throw", "else", "yield", "in", "is", "case", "var", "val",
];

struct Reader<'a> {
    tokens: &'a [Token],
    matching: &'a [Option<usize>],
    dialect: Dialect,
}

impl Reader<'_> {
    fn ident(&self, index: usize) -> Option<&str> {
        match self.tokens.get(index).map(|t| &t.kind) {
            Some(Kind::Ident(word)) => Some(word),
            _ => None,
        }
    }

    fn punct(&self, index: usize) -> Option<&'static str> {
        match self.tokens.get(index).map(|t| &t.kind) {
            Some(Kind::Punct(p)) => Some(p),
            _ => None,
        }
    }

    fn is(&self, index: usize, punct: &str) -> bool {
        self.punct(index) == Some(punct)
    }

    fn closing(&self, index: usize) -> Option<usize> {
        self.matching.get(index).copied().flatten()
    }

    fn position(&self, index: usize) -> (u32, u32) {
        self.tokens
            .get(index)
            .map_or((1, 1), |t| (t.line, t.column))
    }

    fn read(&self) -> ClikeSource {
        let mut source = ClikeSource::default();
        for index in 0..self.tokens.len() {
            match (self.ident(index), self.punct(index)) {
                (Some("import" | "using"), _) => {
                    if let Some(import) = self.import(index) {
                        source.imports.push(import);
                    }
                }
                (Some(_), _) => {
                    if let Some(call) = self.call(index) {
                        source.calls.push(call);
                    }
                }
                (_, Some("=")) => {
                    if let Some(assignment) = self.assignment(index) {
                        source.assignments.push(assignment);
                    }
                }
                _ => {}
            }
        }
        source
    }

    /// `import [static] a.b.C[.*];` (Java, Kotlin without `;`), `[global] using [static]
    /// [Alias =] A.B;` (C#). A `using (...)` statement is not an import.
    fn import(&self, index: usize) -> Option<Import> {
        let mut at = index + 1;
        if matches!(self.ident(at), Some("static")) {
            at += 1;
        }
        if self.dialect == Dialect::CSharp && self.is(at + 1, "=") {
            at += 2;
        }
        let (line, column) = self.position(at);
        let mut path = String::new();
        let last_line = self.tokens.get(at)?.line;
        while let Some(token) = self.tokens.get(at) {
            match &token.kind {
                Kind::Ident(word) if path.is_empty() || path.ends_with('.') => path.push_str(word),
                Kind::Punct(".") if !path.is_empty() && !path.ends_with('.') => path.push('.'),
                Kind::Punct("*") if path.ends_with('.') => path.push('*'),
                _ => break,
            }
            at += 1;
        }
        let ends = match self.tokens.get(at) {
            None => true,
            Some(token) => {
                self.is(at, ";") || (self.dialect == Dialect::Kotlin && token.line > last_line)
            }
        };
        (ends && !path.is_empty() && !path.ends_with('.')).then_some(Import { path, line, column })
    }

    /// The index of the `(` that calls the name at `index`, past generic arguments
    /// (`GetValue<string>(`).
    fn call_paren(&self, index: usize) -> Option<usize> {
        match self.punct(index + 1)? {
            "(" => Some(index + 1),
            "<" => {
                let mut depth = 0usize;
                for at in index + 1..(index + 64).min(self.tokens.len()) {
                    match (&self.tokens[at].kind, self.punct(at)) {
                        (_, Some("<")) => depth += 1,
                        (_, Some(">")) => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                return self.is(at + 1, "(").then_some(at + 1);
                            }
                        }
                        (_, Some("." | "," | "?" | "[" | "]")) | (Kind::Ident(_), _) => {}
                        _ => return None,
                    }
                }
                None
            }
            _ => None,
        }
    }

    fn call(&self, index: usize) -> Option<Call> {
        let name = self.ident(index)?;
        let open = self.call_paren(index)?;
        if NOT_CALLEES.contains(&name) {
            return None;
        }
        let close = self.closing(open)?;
        let (callee, start) = self.callee(index)?;
        let new = start > 0 && self.ident(start - 1) == Some("new");
        // `SpanExporter otlp() {`: a method declared, not called.
        if !new && start > 0 {
            let declares = match &self.tokens[start - 1].kind {
                Kind::Ident(word) => !BEFORE_CALLS.contains(&word.as_str()),
                Kind::Punct(">" | "]") => true,
                _ => false,
            };
            if declares {
                return None;
            }
        }
        let first = if new { start - 1 } else { start };
        let (line, column) = self.position(first);
        let (name_line, name_column) = self.position(index);
        // The arguments of a call that spans most of a file (a `main` in one lambda) are not
        // read as values: the calls inside it are read on their own, and reading each
        // enclosing call's arguments again would cost the square of the file's length.
        let args = if close - open <= MAX_ARGUMENT_TOKENS {
            self.args(open, close, 0)
        } else {
            Vec::new()
        };
        Some(Call {
            callee,
            new,
            args,
            line,
            column,
            name_line,
            name_column,
            span: (first, close),
            parens: (open, close),
        })
    }

    /// The dotted callee ending at the name at `index`, and the index of its first token:
    /// `a.b().c` for `c` in `a.b(x).c(`.
    fn callee(&self, index: usize) -> Option<(String, usize)> {
        let mut parts = vec![self.ident(index)?.to_string()];
        let mut start = index;
        while start >= 2 && matches!(self.punct(start - 1), Some("." | "?.")) {
            let before = start - 2;
            match (&self.tokens[before].kind, self.punct(before)) {
                (Kind::Ident(word), _) => {
                    parts.push(word.clone());
                    start = before;
                }
                (_, Some(")")) => {
                    let open = self.closing(before)?;
                    let Some(word) = open.checked_sub(1).and_then(|at| self.ident(at)) else {
                        break;
                    };
                    parts.push(format!("{word}()"));
                    start = open - 1;
                }
                (_, Some("]")) => {
                    let open = self.closing(before)?;
                    start = open;
                    break;
                }
                _ => break,
            }
        }
        parts.reverse();
        Some((parts.join("."), start))
    }

    /// The arguments between the parentheses at `open` and `close`.
    fn args(&self, open: usize, close: usize, depth: usize) -> Vec<Arg> {
        self.split(open + 1, close, ",")
            .into_iter()
            .filter(|(start, end)| start < end)
            .map(|(start, end)| {
                let named = match (self.ident(start), self.punct(start + 1)) {
                    (Some(name), Some(":")) if self.dialect == Dialect::CSharp => Some(name),
                    (Some(name), Some("=")) if self.dialect == Dialect::Kotlin => Some(name),
                    _ => None,
                };
                let value_start = if named.is_some() { start + 2 } else { start };
                let (line, column) = self.position(value_start);
                Arg {
                    name: named.map(String::from),
                    value: self.value(value_start, end, depth + 1),
                    line,
                    column,
                }
            })
            .collect()
    }

    /// The ranges of `[start, end)` between the top-level `separator`s.
    fn split(&self, start: usize, end: usize, separator: &str) -> Vec<(usize, usize)> {
        let mut parts = Vec::new();
        let mut from = start;
        let mut at = start;
        while at < end {
            if self.is(at, separator) {
                parts.push((from, at));
                from = at + 1;
            } else if let Some(close) = self.opening_at(at) {
                at = close;
            }
            at += 1;
        }
        parts.push((from, end));
        parts
    }

    /// The closing bracket of an opening one at `at`.
    fn opening_at(&self, at: usize) -> Option<usize> {
        matches!(self.punct(at), Some("(" | "[" | "{"))
            .then(|| self.closing(at))
            .flatten()
    }

    /// `target = value` at the `=` at `index`.
    fn assignment(&self, index: usize) -> Option<Assignment> {
        let mut start = index.checked_sub(1)?;
        let mut target = self.ident(start)?.to_string();
        while start >= 2 && self.is(start - 1, ".") {
            let word = self.ident(start - 2)?;
            target = format!("{word}.{target}");
            start -= 2;
        }
        let end = self.expression_end(index + 1);
        let (line, column) = self.position(index + 1);
        Some(Assignment {
            target,
            value: self.value(index + 1, end, 0),
            line,
            column,
            at: index,
        })
    }

    /// Where an expression starting at `start` ends: the first top-level `;` or `,`, or the
    /// bracket that closes around it.
    fn expression_end(&self, start: usize) -> usize {
        let mut at = start;
        while at < self.tokens.len() {
            if let Some(";" | "," | ")" | "]" | "}") = self.punct(at) {
                return at;
            }
            match self.opening_at(at) {
                Some(close) => at = close + 1,
                None => at += 1,
            }
        }
        at
    }

    fn value(&self, start: usize, end: usize, depth: usize) -> Value {
        if start >= end || depth > MAX_DEPTH {
            return Value::Other;
        }
        let arrow = if self.dialect == Dialect::CSharp {
            "=>"
        } else {
            "->"
        };
        if let Some(at) = (start..end).find(|&at| self.is(at, arrow) && self.top_level(start, at)) {
            return self.lambda(start, at, end);
        }
        for (operator, combine) in [
            ("??", Value::Coalesce as fn(Vec<Value>) -> Value),
            ("?:", Value::Coalesce),
            ("+", Value::Concat),
        ] {
            let parts = self.split(start, end, operator);
            if parts.len() > 1 {
                return combine(
                    parts
                        .into_iter()
                        .map(|(s, e)| self.value(s, e, depth + 1))
                        .collect(),
                );
            }
        }
        self.primary(start, end, depth)
    }

    /// Whether `at` is outside every bracket opened since `start`.
    fn top_level(&self, start: usize, at: usize) -> bool {
        let mut index = start;
        while index < at {
            match self.opening_at(index) {
                Some(close) if close >= at => return false,
                Some(close) => index = close + 1,
                None => index += 1,
            }
        }
        true
    }

    fn lambda(&self, start: usize, arrow: usize, end: usize) -> Value {
        let params = (start..arrow)
            .filter_map(|at| self.ident(at))
            .map(String::from)
            .collect();
        let body = match self.opening_at(arrow + 1) {
            Some(close) if self.is(arrow + 1, "{") => (arrow + 1, close),
            _ => (arrow, end),
        };
        Value::Lambda { params, body }
    }

    fn primary(&self, start: usize, end: usize, depth: usize) -> Value {
        let last = end - 1;
        if start == last {
            return match &self.tokens[start].kind {
                Kind::Str(text) => Value::Str(text.clone()),
                Kind::Number(text) => Value::Number(text.clone()),
                Kind::Ident(word) => match word.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    _ => Value::Name(word.clone()),
                },
                _ => Value::Other,
            };
        }
        if self.is(start, "(") {
            return match self.closing(start) {
                Some(close) if close == last => self.value(start + 1, last, depth + 1),
                // A cast: `(String) value`.
                Some(close) if close < last => self.value(close + 1, end, depth + 1),
                _ => Value::Other,
            };
        }
        let new = self.ident(start) == Some("new");
        let chain_start = if new { start + 1 } else { start };
        // A chain of names, calls and an indexer: `a.b(x).c`, `new Uri("...")`,
        // `configuration["X"]`.
        let mut parts: Vec<String> = Vec::new();
        let mut at = chain_start;
        let mut last_call: Option<(usize, usize)> = None;
        while at < end {
            let Some(word) = self.ident(at) else {
                return Value::Other;
            };
            let open = self.call_paren(at).filter(|&open| open < end);
            match open.and_then(|open| Some((open, self.closing(open)?))) {
                Some((open, close)) => {
                    parts.push(format!("{word}()"));
                    last_call = Some((open, close));
                    at = close + 1;
                }
                None => {
                    parts.push(word.to_string());
                    last_call = None;
                    at += 1;
                }
            }
            if at == end {
                break;
            }
            match self.punct(at) {
                Some("." | "?.") => at += 1,
                Some("[") if self.closing(at) == Some(last) => {
                    let key = self.value(at + 1, last, depth + 1);
                    return Value::Index {
                        base: parts.join("."),
                        key: Box::new(key),
                    };
                }
                // `new Options { ... }`: an object initializer, read as assignments.
                Some("{") if new && self.closing(at) == Some(last) => break,
                _ => return Value::Other,
            }
        }
        match last_call {
            Some((open, close)) => {
                let mut callee = parts.join(".");
                callee.truncate(callee.len() - 2);
                Value::Call {
                    callee,
                    new,
                    args: self.args(open, close, depth),
                }
            }
            None if new => Value::Call {
                callee: parts.join("."),
                new,
                args: Vec::new(),
            },
            None => Value::Name(parts.join(".")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(source: &ClikeSource) -> Vec<(&str, u32, u32)> {
        source
            .calls
            .iter()
            .map(|c| (c.callee.as_str(), c.name_line, c.name_column))
            .collect()
    }

    #[test]
    fn java_builders_imports_and_strings() {
        let text = r#"package app;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import static java.util.Objects.requireNonNullElse;

class Tracing {
  // OtlpHttpSpanExporter.builder() in a comment
  /* and "in" a block */
  String s = "OtlpHttpSpanExporter.create()";
  char q = '"';
  SpanExporter exporter() {
    return OtlpGrpcSpanExporter.builder()
        .setEndpoint(System.getenv("OTLP") + "/v1")
        .addHeader("x-honeycomb-team", requireNonNullElse(System.getenv("KEY"), ""))
        .build();
  }
  String block = """
      otel "quoted"
      """;
}
"#;
        let source = parse(text, Dialect::Java);
        let imports: Vec<&str> = source.imports.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            imports,
            [
                "io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter",
                "java.util.Objects.requireNonNullElse"
            ]
        );
        assert_eq!(
            calls(&source),
            [
                ("OtlpGrpcSpanExporter.builder", 11, 33),
                ("OtlpGrpcSpanExporter.builder().setEndpoint", 12, 10),
                ("System.getenv", 12, 29),
                (
                    "OtlpGrpcSpanExporter.builder().setEndpoint().addHeader",
                    13,
                    10
                ),
                ("requireNonNullElse", 13, 40),
                ("System.getenv", 13, 66),
                (
                    "OtlpGrpcSpanExporter.builder().setEndpoint().addHeader().build",
                    14,
                    10
                ),
            ]
        );
        let set_endpoint = &source.calls[1];
        assert_eq!(
            set_endpoint.args[0].value,
            Value::Concat(vec![
                Value::Call {
                    callee: "System.getenv".into(),
                    new: false,
                    args: vec![Arg {
                        name: None,
                        value: Value::Str("OTLP".into()),
                        line: 12,
                        column: 36
                    }]
                },
                Value::Str("/v1".into())
            ])
        );
        let block = source.assignments.iter().find(|a| a.target == "block");
        assert_eq!(
            block.map(|a| &a.value),
            Some(&Value::Str("      otel \"quoted\"\n      ".into()))
        );
    }

    #[test]
    fn csharp_lambdas_initializers_and_generics() {
        let text = r#"using OpenTelemetry.Trace;
using Alias = OpenTelemetry.Exporter;
#region setup
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOpenTelemetry()
    .WithTracing(tracing => tracing
        .AddAspNetCoreInstrumentation()
        .AddOtlpExporter(o =>
        {
            o.Endpoint = new Uri(builder.Configuration["Otlp:Endpoint"] ?? @"http://c:4318/v1/traces");
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            o.Headers = $"x-honeycomb-team={key}";
        }));
var port = builder.Configuration.GetValue<int>("Port");
using (var scope = app.Services.CreateScope()) { }
"#;
        let source = parse(text, Dialect::CSharp);
        let imports: Vec<&str> = source.imports.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(imports, ["OpenTelemetry.Trace", "OpenTelemetry.Exporter"]);
        let names: Vec<&str> = source.calls.iter().map(Call::name).collect();
        assert_eq!(
            names,
            [
                "CreateBuilder",
                "AddOpenTelemetry",
                "WithTracing",
                "AddAspNetCoreInstrumentation",
                "AddOtlpExporter",
                "Uri",
                "GetValue",
                "CreateScope"
            ]
        );
        let with_tracing = &source.calls[2];
        let exporter = &source.calls[4];
        assert!(exporter.within(with_tracing));
        assert_eq!(
            exporter.callee,
            "tracing.AddAspNetCoreInstrumentation().AddOtlpExporter"
        );
        let Value::Lambda { params, body } = &exporter.args[0].value else {
            panic!("not a lambda: {:?}", exporter.args[0].value);
        };
        assert_eq!(params, &["o"]);
        let inside: Vec<(&str, &Value)> = source
            .assignments
            .iter()
            .filter(|a| a.at > body.0 && a.at < body.1)
            .map(|a| (a.target.as_str(), &a.value))
            .collect();
        assert_eq!(inside.len(), 3);
        assert_eq!(inside[0].0, "o.Endpoint");
        let Value::Call { callee, new, args } = inside[0].1 else {
            panic!("not a call");
        };
        assert_eq!((callee.as_str(), *new), ("Uri", true));
        assert_eq!(
            args[0].value,
            Value::Coalesce(vec![
                Value::Index {
                    base: "builder.Configuration".into(),
                    key: Box::new(Value::Str("Otlp:Endpoint".into()))
                },
                Value::Str("http://c:4318/v1/traces".into())
            ])
        );
        assert_eq!(
            inside[1].1,
            &Value::Name("OtlpExportProtocol.HttpProtobuf".into())
        );
        assert_eq!(inside[2].1, &Value::Other);
        assert_eq!((source.calls[5].line, source.calls[5].column), (10, 26));
    }

    #[test]
    fn declarations_are_not_calls_and_unreadable_input_is_survived() {
        let source = parse(
            "class A { @Bean public SpanExporter otlp() { return create(\"otel\"); } }",
            Dialect::Java,
        );
        let names: Vec<&str> = source.calls.iter().map(Call::name).collect();
        assert_eq!(names, ["create"]);
        assert_eq!(
            parse("no markers here", Dialect::Java),
            ClikeSource::default()
        );
        let deep = format!("otel({}x{})", "(".repeat(5000), ")".repeat(5000));
        let _ = parse(&deep, Dialect::Java);
        let _ = parse("otel(\"unterminated", Dialect::CSharp);
        let _ = parse("otel $\"{unterminated", Dialect::CSharp);
    }
}
