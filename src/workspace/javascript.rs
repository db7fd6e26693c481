//! The imports, calls and declarations of a JavaScript or TypeScript file, from a small
//! tokenizer rather than a parser: enough to know that `tracing.js` requires
//! `@opentelemetry/sdk-node`, builds `new OTLPTraceExporter({ url: process.env.X })` and calls
//! `sdk.start()`, and never fooled by the traps of the language: strings, template literals
//! (whose `${...}` hold code), comments and regular expression literals. TypeScript's type
//! syntax is mostly skipped over. Garbage in gives best effort out, never a panic.

pub use crate::knowledge::languages::EnvWriteMode;
pub use crate::knowledge::node::EnvSyntax;

/// What a file does, in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsSource {
    pub imports: Vec<JsImport>,
    pub calls: Vec<JsCall>,
    /// `const name = value` (also `let`, `var`, and `name = value`), in order.
    pub declarations: Vec<Declaration>,
    /// `process.env.X` and `import.meta.env.X`, wherever they are read.
    pub env_reads: Vec<EnvRead>,
    /// `process.env.X = v`, `??= v`, `||= v`: the code sets its own environment.
    pub env_writes: Vec<EnvWrite>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// `import ... from 'm'`, `import 'm'`, `export ... from 'm'`.
    Static,
    /// `require('m')`.
    Require,
    /// `import('m')`.
    Dynamic,
}

/// A name an import binds: `imported` is `default`, `*` (the whole module) or an export name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub imported: String,
    pub local: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsImport {
    pub specifier: String,
    pub kind: ImportKind,
    pub bindings: Vec<Binding>,
    /// Position of the `import`/`require`/`export` keyword.
    pub line: u32,
    pub column: u32,
    /// Where in the file it is, to compare with other imports and calls.
    pub order: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsCall {
    /// The dotted name before `(`; a call on a call's result adds `()`:
    /// `trace.getTracer('x').startSpan('y')` → `trace.getTracer().startSpan`.
    pub callee: String,
    /// `new Callee(...)`.
    pub new: bool,
    pub args: Vec<Arg>,
    /// Position of the callee's first token (or of `new`).
    pub line: u32,
    pub column: u32,
    pub order: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    pub value: JsValue,
    /// Position of the value's first token.
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRead {
    pub name: String,
    pub syntax: EnvSyntax,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvWrite {
    pub name: String,
    pub value: JsValue,
    pub mode: EnvWriteMode,
    /// Position of `process`.
    pub line: u32,
    pub column: u32,
    /// Position of the value.
    pub value_line: u32,
    pub value_column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub name: String,
    pub value: JsValue,
    pub line: u32,
    pub column: u32,
    pub order: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsValue {
    /// A string literal, or a template literal without substitutions.
    Str(String),
    /// A template literal with substitutions: its text and expressions, in order.
    Template(Vec<JsValue>),
    Number(String),
    Bool(bool),
    Null,
    Undefined,
    /// A dotted name: `config`, `opentelemetry.NodeSDK`.
    Name(String),
    /// `process.env.X`, `import.meta.env.X`.
    Env(String, EnvSyntax),
    Call {
        callee: String,
        new: bool,
        args: Vec<Arg>,
    },
    /// An object literal: its plain `key: value` entries (and shorthand `key`).
    Object(Vec<(String, Arg)>),
    Array(Vec<Arg>),
    /// `a || b`, `a ?? b`.
    Or(Vec<JsValue>),
    /// `a + b`.
    Concat(Vec<JsValue>),
    Other,
}

impl JsValue {
    /// An object literal's entry.
    pub fn entry(&self, key: &str) -> Option<&Arg> {
        match self {
            JsValue::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Files larger than this are bundles or generated code, not the service's own setup.
pub const MAX_SOURCE_BYTES: usize = 512 * 1024;

/// Words without which a file's calls, declarations and variables do not matter here: it
/// neither sets up OpenTelemetry, nor configures the bundler's variables, nor sets an
/// OpenTelemetry or Honeycomb variable. Of other files only the imports are read, which tell
/// what loads what.
const SETUP_MARKERS: [&str; 6] = [
    "opentelemetry",
    "honeycomb",
    "@vercel/otel",
    "envPrefix",
    "OTEL_",
    "HONEYCOMB_",
];

pub fn parse(source: &str) -> JsSource {
    read_source(source, !SETUP_MARKERS.iter().any(|m| source.contains(m)))
}

fn read_source(source: &str, imports_only: bool) -> JsSource {
    if source.len() > MAX_SOURCE_BYTES {
        return JsSource::default();
    }
    let tokens = tokenize(source);
    let (matching, opening) = match_brackets(&tokens);
    let reader = Reader {
        source,
        tokens: &tokens,
        matching: &matching,
        opening: &opening,
        depth: std::cell::Cell::new(0),
        imports_only,
    };
    reader.read()
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ident(Span),
    Str(String),
    Number(Span),
    Punct(&'static str),
    /// `` `text${ `` of a template with substitutions.
    TemplateHead(String),
    /// `` }text${ ``.
    TemplateMiddle(String),
    /// `` }text` ``.
    TemplateTail(String),
    Regex,
}

/// Where a word is in the source: words are not copied, most are never looked at twice.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn of(self, source: &str) -> &str {
        source.get(self.start..self.end).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    line: u32,
    column: u32,
    /// A line break comes before it (automatic semicolon insertion ends statements there).
    newline_before: bool,
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Punctuators, longest first.
const PUNCTUATORS: [&str; 53] = [
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=",
    "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "**", "<<", ">>", "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "%", "&",
    "|", "^", "!", "~", "?",
];
/// Single punctuators not in the list above (kept apart so `/` can be told from a regex).
const OTHER_PUNCTUATORS: [&str; 5] = [":", "=", ".", "/", "@"];

/// Keywords after which `/` starts a regular expression, not a division.
const REGEX_AFTER: [&str; 14] = [
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

struct Lexer<'a> {
    source: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: usize,
    line_start: usize,
    /// The column (in characters) of byte `column_at` of the current line: columns are counted
    /// forward from the last token's, so that a long non-ASCII line is walked once.
    column_at: usize,
    column: usize,
    tokens: Vec<Token>,
    newline_before: bool,
    /// For each open `{` or template substitution: whether it is a template's `${`.
    braces: Vec<bool>,
}

fn tokenize(source: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        source,
        bytes: source.as_bytes(),
        i: 0,
        line: 1,
        line_start: 0,
        column_at: 0,
        column: 1,
        tokens: Vec::new(),
        newline_before: true,
        braces: Vec::new(),
    };
    // A shebang line is not JavaScript.
    if lexer.bytes.starts_with(b"#!") {
        lexer.skip_line();
    }
    lexer.run();
    lexer.tokens
}

/// Bytes of identifiers: ASCII letters, digits, `_`, `$`, and any non-ASCII character (the
/// Unicode letters JavaScript allows; other non-ASCII is rare outside strings).
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.i + ahead).copied()
    }

    fn newline(&mut self) {
        self.line += 1;
        self.line_start = self.i + 1;
        self.column_at = self.line_start;
        self.column = 1;
        self.newline_before = true;
    }

    fn skip_line(&mut self) {
        while self.i < self.bytes.len() && self.bytes[self.i] != b'\n' {
            self.i += 1;
        }
    }

    /// The 1-based column, in characters, of byte `start` of the current line.
    fn column_of(&mut self, start: usize, line_start: usize) -> u32 {
        if line_start != self.line_start || start < self.column_at {
            // A token that began on an earlier line (a multi-line string or template).
            let before = self.source.get(line_start..start).unwrap_or_default();
            return to_u32(before.chars().count() + 1);
        }
        let between = self.source.get(self.column_at..start).unwrap_or_default();
        self.column += between.chars().count();
        self.column_at = start;
        to_u32(self.column)
    }

    fn push(&mut self, kind: Kind, start: usize, line: usize, line_start: usize) {
        let column = self.column_of(start, line_start);
        self.tokens.push(Token {
            kind,
            line: to_u32(line),
            column,
            newline_before: self.newline_before,
        });
        self.newline_before = false;
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            let (start, line, line_start) = (self.i, self.line, self.line_start);
            match c {
                b'\n' => {
                    self.newline();
                    self.i += 1;
                }
                c if c.is_ascii_whitespace() => self.i += 1,
                b'/' if self.peek(1) == Some(b'/') => self.skip_line(),
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
                b'/' if self.regex_allowed() => {
                    if !self.regex() {
                        self.i = start + 1;
                        self.push(Kind::Punct("/"), start, line, line_start);
                    }
                }
                b'\'' | b'"' => {
                    let value = self.string(c);
                    self.push(Kind::Str(value), start, line, line_start);
                }
                b'`' => {
                    self.i += 1;
                    self.template(true, start, line, line_start);
                }
                b'}' if self.braces.last() == Some(&true) => {
                    self.braces.pop();
                    self.i += 1;
                    self.template(false, start, line, line_start);
                }
                c if c.is_ascii_digit()
                    || (c == b'.' && self.peek(1).is_some_and(|d| d.is_ascii_digit())) =>
                {
                    while self
                        .peek(0)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_')
                    {
                        self.i += 1;
                    }
                    let span = Span { start, end: self.i };
                    self.push(Kind::Number(span), start, line, line_start);
                }
                c if is_word_byte(c) && !c.is_ascii_digit() => {
                    while self.peek(0).is_some_and(is_word_byte) {
                        self.i += 1;
                    }
                    let span = Span { start, end: self.i };
                    self.push(Kind::Ident(span), start, line, line_start);
                }
                _ => self.punctuator(start, line, line_start),
            }
        }
    }

    fn block_comment(&mut self) {
        self.i += 2;
        while let Some(c) = self.peek(0) {
            if c == b'*' && self.peek(1) == Some(b'/') {
                self.i += 2;
                return;
            }
            if c == b'\n' {
                self.newline();
            }
            self.i += 1;
        }
    }

    fn punctuator(&mut self, start: usize, line: usize, line_start: usize) {
        let rest = &self.bytes[self.i..];
        let first = rest.first().copied();
        let found = PUNCTUATORS
            .iter()
            .chain(OTHER_PUNCTUATORS.iter())
            .find(|p| p.as_bytes().first().copied() == first && rest.starts_with(p.as_bytes()))
            .copied();
        match found {
            // `a?.5:b` is a conditional, not optional chaining.
            Some("?.") if self.peek(2).is_some_and(|c| c.is_ascii_digit()) => {
                self.i += 1;
                self.push(Kind::Punct("?"), start, line, line_start);
            }
            Some(punct) => {
                self.i += punct.len();
                match punct {
                    "{" => self.braces.push(false),
                    "}" => {
                        self.braces.pop();
                    }
                    _ => {}
                }
                self.push(Kind::Punct(punct), start, line, line_start);
            }
            // `#private`, `\u...`, and other characters that do not matter here.
            None => self.i += 1,
        }
    }

    /// Whether a `/` here starts a regular expression: after an operator, an opening bracket,
    /// a keyword that takes an expression, or at the start.
    fn regex_allowed(&self) -> bool {
        match self.tokens.last().map(|t| &t.kind) {
            None => true,
            Some(Kind::Ident(word)) => REGEX_AFTER.contains(&word.of(self.source)),
            Some(Kind::Punct(p)) => !matches!(*p, ")" | "]" | "}"),
            Some(Kind::TemplateHead(_) | Kind::TemplateMiddle(_)) => true,
            Some(_) => false,
        }
    }

    /// A regular expression literal; false (nothing consumed for good) when the line ends
    /// first, which means it was a division after all.
    fn regex(&mut self) -> bool {
        let (start, line, line_start) = (self.i, self.line, self.line_start);
        self.i += 1;
        let mut in_class = false;
        while let Some(c) = self.peek(0) {
            match c {
                b'\n' => return false,
                b'\\' => self.i += 1,
                b'[' => in_class = true,
                b']' => in_class = false,
                b'/' if !in_class => {
                    self.i += 1;
                    while self.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) {
                        self.i += 1;
                    }
                    self.push(Kind::Regex, start, line, line_start);
                    return true;
                }
                _ => {}
            }
            self.i += 1;
        }
        false
    }

    /// The text of a string or template, escapes decoded, from raw bytes.
    fn decoded(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// A quoted string; an unterminated one ends at the line's end (JSX text such as
    /// `<p>Don't</p>` must not swallow the rest of the file).
    fn string(&mut self, quote: u8) -> String {
        self.i += 1;
        let mut value = Vec::new();
        while let Some(c) = self.peek(0) {
            match c {
                c if c == quote => {
                    self.i += 1;
                    return Self::decoded(&value);
                }
                b'\n' => return Self::decoded(&value),
                b'\\' => {
                    match self.peek(1) {
                        Some(b'\n') => {
                            self.i += 1;
                            self.newline();
                            self.i += 1;
                            continue;
                        }
                        Some(b'n') => value.push(b'\n'),
                        Some(b't') => value.push(b'\t'),
                        Some(other) => value.push(other),
                        None => {}
                    }
                    self.i += 2;
                }
                c => {
                    value.push(c);
                    self.i += 1;
                }
            }
        }
        Self::decoded(&value)
    }

    /// The text of a template literal up to its end or its next `${`.
    fn template(&mut self, head: bool, start: usize, line: usize, line_start: usize) {
        let mut text = Vec::new();
        while let Some(c) = self.peek(0) {
            match c {
                b'`' => {
                    self.i += 1;
                    self.push(Self::template_end(head, &text), start, line, line_start);
                    return;
                }
                b'$' if self.peek(1) == Some(b'{') => {
                    self.i += 2;
                    self.braces.push(true);
                    let text = Self::decoded(&text);
                    let kind = if head {
                        Kind::TemplateHead(text)
                    } else {
                        Kind::TemplateMiddle(text)
                    };
                    self.push(kind, start, line, line_start);
                    return;
                }
                b'\\' => {
                    match self.peek(1) {
                        Some(b'\n') => {
                            self.i += 1;
                            self.newline();
                            self.i += 1;
                            continue;
                        }
                        Some(next) => text.push(next),
                        None => {}
                    }
                    self.i += 2;
                }
                b'\n' => {
                    text.push(b'\n');
                    self.newline();
                    self.i += 1;
                }
                c => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
        // Unterminated: the rest of the file was the template.
        self.push(Self::template_end(head, &text), start, line, line_start);
    }

    /// The token a template's last part makes: a whole template without `${` is a string.
    fn template_end(head: bool, text: &[u8]) -> Kind {
        let text = Self::decoded(text);
        if head {
            Kind::Str(text)
        } else {
            Kind::TemplateTail(text)
        }
    }
}

/// For each opening bracket (or template head), the index of its closing one; and for each
/// closing one, its opening one.
fn match_brackets(tokens: &[Token]) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let mut matching = vec![None; tokens.len()];
    let mut opening = vec![None; tokens.len()];
    let mut open: Vec<(usize, &str)> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let (opens, closes) = match &token.kind {
            Kind::Punct(p @ ("(" | "[" | "{")) => (Some(*p), None),
            Kind::Punct(")") => (None, Some("(")),
            Kind::Punct("]") => (None, Some("[")),
            Kind::Punct("}") => (None, Some("{")),
            Kind::TemplateHead(_) => (Some("`"), None),
            Kind::TemplateTail(_) => (None, Some("`")),
            _ => (None, None),
        };
        if let Some(kind) = opens {
            open.push((index, kind));
        }
        if let Some(kind) = closes
            && let Some(at) = open.iter().rposition(|(_, k)| *k == kind)
        {
            matching[open[at].0] = Some(index);
            opening[index] = Some(open[at].0);
            open.truncate(at);
        }
    }
    (matching, opening)
}

/// Keywords that look like a callee before `(` but are not calls.
const NOT_CALLEES: [&str; 14] = [
    "if",
    "for",
    "while",
    "switch",
    "catch",
    "function",
    "return",
    "typeof",
    "with",
    "await",
    "super",
    "import",
    "require",
    "constructor",
];

/// Words that start a statement: a declaration's value ends before one on a new line.
const STATEMENT_WORDS: [&str; 16] = [
    "const", "let", "var", "function", "class", "import", "export", "if", "for", "while", "return",
    "try", "throw", "switch", "async", "module",
];

struct Reader<'a> {
    source: &'a str,
    tokens: &'a [Token],
    matching: &'a [Option<usize>],
    opening: &'a [Option<usize>],
    /// How deep `value` is nested: minified code nests deeper than any setup worth reading.
    depth: std::cell::Cell<usize>,
    /// Read the imports and nothing else.
    imports_only: bool,
}

impl Reader<'_> {
    fn ident(&self, index: usize) -> Option<&str> {
        match self.tokens.get(index).map(|t| &t.kind) {
            Some(Kind::Ident(word)) => Some(word.of(self.source)),
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

    fn string(&self, index: usize) -> Option<&str> {
        match self.tokens.get(index).map(|t| &t.kind) {
            Some(Kind::Str(value)) => Some(value),
            _ => None,
        }
    }

    fn closing(&self, index: usize) -> Option<usize> {
        self.matching.get(index).copied().flatten()
    }

    fn after_dot(&self, index: usize) -> bool {
        index > 0 && matches!(self.punct(index - 1), Some("." | "?."))
    }

    fn read(&self) -> JsSource {
        let mut source = JsSource::default();
        for index in 0..self.tokens.len() {
            let Some(word) = self.ident(index) else {
                continue;
            };
            if self.after_dot(index) {
                continue;
            }
            match word {
                "import" => self.import(index, &mut source),
                "export" => self.export(index, &mut source),
                "require" if self.is(index + 1, "(") => {
                    if let Some(import) = self.require(index) {
                        source.imports.push(import);
                    }
                }
                _ if self.imports_only => {}
                "process" => self.process_env(index, &mut source),
                "const" | "let" | "var" => {
                    if let Some(declaration) = self.declaration(index + 1) {
                        source.declarations.push(declaration);
                    }
                }
                _ => {
                    let plain_assignment = self.is(index + 1, "=")
                        && (index == 0
                            || self.tokens[index].newline_before
                            || self.is(index - 1, ";"));
                    if plain_assignment && let Some(declaration) = self.declaration(index) {
                        source.declarations.push(declaration);
                    }
                    self.calls(index, &mut source);
                }
            }
        }
        source
    }

    fn position(&self, index: usize) -> (u32, u32) {
        self.tokens
            .get(index)
            .map_or((1, 1), |t| (t.line, t.column))
    }

    fn import(&self, index: usize, source: &mut JsSource) {
        let (line, column) = self.position(index);
        if self.is(index + 1, "(") {
            if let Some(specifier) = self.string(index + 2) {
                source.imports.push(JsImport {
                    specifier: specifier.to_string(),
                    kind: ImportKind::Dynamic,
                    bindings: self.bound_by(index, "*"),
                    line,
                    column,
                    order: index,
                });
            }
            return;
        }
        if self.is(index + 1, ".") {
            if !self.imports_only
                && self.ident(index + 2) == Some("meta")
                && self.is(index + 3, ".")
                && self.ident(index + 4) == Some("env")
                && self.is(index + 5, ".")
                && let Some(name) = self.ident(index + 6)
            {
                let (line, column) = self.position(index);
                source.env_reads.push(EnvRead {
                    name: name.to_string(),
                    syntax: EnvSyntax::ImportMetaEnv,
                    line,
                    column,
                });
            }
            return;
        }
        // `import type { X } from 'm'` is erased by the compiler.
        if self.ident(index + 1) == Some("type")
            && !self.is(index + 2, ",")
            && self.ident(index + 2) != Some("from")
        {
            return;
        }
        // `import x = require('m')` (TypeScript) is read as the `require`.
        let mut bindings = Vec::new();
        let mut at = index + 1;
        const MAX_CLAUSE: usize = 512;
        while at < self.tokens.len() && at < index + MAX_CLAUSE {
            if let Some(specifier) = self.string(at) {
                source.imports.push(JsImport {
                    specifier: specifier.to_string(),
                    kind: ImportKind::Static,
                    bindings,
                    line,
                    column,
                    order: index,
                });
                return;
            }
            match (&self.tokens[at].kind, self.ident(at)) {
                (_, Some("from")) => {}
                (_, Some("require") | Some("import")) => return,
                (Kind::Punct("{"), _) => {
                    let Some(end) = self.closing(at) else { return };
                    bindings.extend(self.named_bindings(at + 1, end, "as"));
                    at = end;
                }
                (Kind::Punct("*"), _) => {
                    if self.ident(at + 1) == Some("as")
                        && let Some(local) = self.ident(at + 2)
                    {
                        bindings.push(Binding {
                            imported: "*".into(),
                            local: local.to_string(),
                        });
                        at += 2;
                    }
                }
                (Kind::Punct(","), _) => {}
                (_, Some(local)) => bindings.push(Binding {
                    imported: "default".into(),
                    local: local.to_string(),
                }),
                _ => return,
            }
            at += 1;
        }
    }

    /// `{ A, B as C, type D }` (imports, `as`) or `{ A, B: C, D = x }` (destructuring, `:`).
    fn named_bindings(&self, start: usize, end: usize, rename: &str) -> Vec<Binding> {
        let mut bindings = Vec::new();
        let mut at = start;
        while at < end {
            let entry_end = (at..end).find(|&i| self.is(i, ",")).unwrap_or(end);
            let mut words: Vec<&str> = (at..entry_end).filter_map(|i| self.ident(i)).collect();
            if words.first() == Some(&"type") && words.len() > 1 {
                words.remove(0);
            }
            let renamed = (at..entry_end).any(|i| {
                self.ident(i) == Some(rename) && rename == "as" || self.is(i, ":") && rename == ":"
            });
            match (words.as_slice(), renamed) {
                ([imported, .., local], true) => bindings.push(Binding {
                    imported: imported.to_string(),
                    local: local.to_string(),
                }),
                ([name, ..], false) if !self.is(at, "...") => bindings.push(Binding {
                    imported: name.to_string(),
                    local: name.to_string(),
                }),
                _ => {}
            }
            at = entry_end + 1;
        }
        bindings
    }

    fn export(&self, index: usize, source: &mut JsSource) {
        let (line, column) = self.position(index);
        let from_at = match (self.punct(index + 1), self.ident(index + 1)) {
            (Some("{"), _) => self.closing(index + 1).map(|end| end + 1),
            (Some("*"), _) if self.ident(index + 2) == Some("as") => Some(index + 4),
            (Some("*"), _) => Some(index + 2),
            _ => None,
        };
        if let Some(from_at) = from_at
            && self.ident(from_at) == Some("from")
            && let Some(specifier) = self.string(from_at + 1)
        {
            source.imports.push(JsImport {
                specifier: specifier.to_string(),
                kind: ImportKind::Static,
                bindings: Vec::new(),
                line,
                column,
                order: index,
            });
        }
    }

    /// `require('m')` and what it is bound to: `const x = require('m')`,
    /// `const { A, B: C } = require('m')`, `const x = require('m').Y`.
    fn require(&self, index: usize) -> Option<JsImport> {
        let specifier = self.string(index + 2)?;
        if !self.is(index + 3, ")") {
            return None;
        }
        let (line, column) = self.position(index);
        let member = self
            .is(index + 4, ".")
            .then(|| self.ident(index + 5))
            .flatten();
        Some(JsImport {
            specifier: specifier.to_string(),
            kind: ImportKind::Require,
            bindings: self.bound_by(index, member.unwrap_or("*")),
            line,
            column,
            order: index,
        })
    }

    /// What `const x = require('m')` or `const { A, B: C } = await import('m')` binds, for
    /// the `require`/`import` at `index`; `whole` is what a plain name stands for.
    fn bound_by(&self, index: usize, whole: &str) -> Vec<Binding> {
        let mut at = index;
        if at >= 1 && self.ident(at - 1) == Some("await") {
            at -= 1;
        }
        if at < 2 || !self.is(at - 1, "=") {
            return Vec::new();
        }
        if let Some(local) = self.ident(at - 2) {
            return vec![Binding {
                imported: whole.to_string(),
                local: local.to_string(),
            }];
        }
        match self.opening.get(at - 2).copied().flatten() {
            Some(open) if self.is(at - 2, "}") => self.named_bindings(open + 1, at - 2, ":"),
            _ => Vec::new(),
        }
    }

    fn process_env(&self, index: usize, source: &mut JsSource) {
        if !(self.is(index + 1, ".") && self.ident(index + 2) == Some("env")) {
            return;
        }
        let (name, after) = match self.punct(index + 3) {
            Some(".") => (self.ident(index + 4), index + 5),
            Some("[") if self.is(index + 5, "]") => (self.string(index + 4), index + 6),
            _ => (None, index),
        };
        let Some(name) = name else {
            return;
        };
        let (line, column) = self.position(index);
        let mode = match self.punct(after) {
            Some("=") => Some(EnvWriteMode::Overwrite),
            Some("??=") => Some(EnvWriteMode::IfUnset),
            Some("||=") => Some(EnvWriteMode::IfUnsetOrEmpty),
            _ => None,
        };
        let Some(mode) = mode else {
            source.env_reads.push(EnvRead {
                name: name.to_string(),
                syntax: EnvSyntax::ProcessEnv,
                line,
                column,
            });
            return;
        };
        let start = after + 1;
        let mut value = self.value(start, self.expression_end(start));
        let mut mode = mode;
        // `process.env.X = process.env.X || 'v'` fills X only when it is unset or empty.
        if let JsValue::Or(parts) = &value
            && mode == EnvWriteMode::Overwrite
            && matches!(parts.first(), Some(JsValue::Env(read, EnvSyntax::ProcessEnv)) if read == name)
        {
            let mut rest: Vec<JsValue> = parts[1..].to_vec();
            value = if rest.len() == 1 {
                rest.remove(0)
            } else {
                JsValue::Or(rest)
            };
            mode = EnvWriteMode::IfUnsetOrEmpty;
        }
        let (value_line, value_column) = self.position(start);
        source.env_writes.push(EnvWrite {
            name: name.to_string(),
            value,
            mode,
            line,
            column,
            value_line,
            value_column,
        });
    }

    /// `name (: Type)? = value` starting at the name.
    fn declaration(&self, index: usize) -> Option<Declaration> {
        let name = self.ident(index)?;
        let mut at = index + 1;
        if self.is(at, ":") {
            // A type annotation runs to the `=` at this depth.
            at = self.skip_to(at, |reader, i| reader.is(i, "=") || reader.is(i, ";"))?;
        }
        if !self.is(at, "=") {
            return None;
        }
        let start = at + 1;
        let end = self.expression_end(start);
        let (line, column) = self.position(index);
        Some(Declaration {
            name: name.to_string(),
            value: self.value(start, end),
            line,
            column,
            order: index,
        })
    }

    /// The first index from `from` where `stop` holds, skipping bracketed groups.
    fn skip_to(&self, from: usize, stop: impl Fn(&Self, usize) -> bool) -> Option<usize> {
        let mut at = from;
        while at < self.tokens.len() {
            if stop(self, at) {
                return Some(at);
            }
            at = self.closing(at).unwrap_or(at) + 1;
        }
        None
    }

    /// Where the expression starting at `start` ends: a `;` or `,` at its depth, a closing
    /// bracket, or a new statement on the next line.
    fn expression_end(&self, start: usize) -> usize {
        let mut at = start;
        while at < self.tokens.len() {
            let token = &self.tokens[at];
            match &token.kind {
                Kind::Punct(";" | "," | ")" | "]" | "}") => return at,
                Kind::Ident(word)
                    if at > start
                        && token.newline_before
                        && (STATEMENT_WORDS.contains(&word.of(self.source))
                            || self.ends_expression(at - 1)) =>
                {
                    return at;
                }
                Kind::Str(_) | Kind::Number(_)
                    if at > start && token.newline_before && self.ends_expression(at - 1) =>
                {
                    return at;
                }
                _ => {}
            }
            at = self.closing(at).unwrap_or(at) + 1;
        }
        self.tokens.len()
    }

    /// Whether an expression can end with this token (so a line break after it ends the
    /// statement when the next line starts a new one).
    fn ends_expression(&self, index: usize) -> bool {
        matches!(
            self.tokens[index].kind,
            Kind::Ident(_)
                | Kind::Str(_)
                | Kind::Number(_)
                | Kind::TemplateTail(_)
                | Kind::Regex
                | Kind::Punct(")" | "]" | "}")
        )
    }

    /// Records the calls of a member chain starting at `index`: `a.b(x).c(y)` records `a.b`
    /// and `a.b().c`.
    fn calls(&self, index: usize, source: &mut JsSource) {
        let Some(first) = self.ident(index) else {
            return;
        };
        if NOT_CALLEES.contains(&first) {
            return;
        }
        let is_new = index > 0 && self.ident(index - 1) == Some("new");
        let start = if is_new { index - 1 } else { index };
        let mut callee = first.to_string();
        let mut at = index + 1;
        let mut first_call = true;
        loop {
            match self.punct(at) {
                Some("." | "?.") => {
                    let Some(name) = self.ident(at + 1) else {
                        return;
                    };
                    callee.push('.');
                    callee.push_str(name);
                    at += 2;
                }
                Some("<") if is_new && first_call => {
                    // `new Map<string, X>()`: type arguments.
                    let Some(close) =
                        (at..self.tokens.len().min(at + 64)).find(|&i| self.is(i, ">"))
                    else {
                        return;
                    };
                    at = close + 1;
                }
                Some("(") => {
                    let Some(close) = self.closing(at) else {
                        return;
                    };
                    // `name(params) {` is a function or method definition.
                    if self.is(close + 1, "{") || self.is(close + 1, "=>") {
                        return;
                    }
                    let (line, column) = self.position(start);
                    source.calls.push(JsCall {
                        callee: callee.clone(),
                        new: is_new && first_call,
                        args: self.args(at, close),
                        line,
                        column,
                        order: index,
                    });
                    first_call = false;
                    callee.push_str("()");
                    at = close + 1;
                }
                _ => return,
            }
        }
    }

    /// The arguments between `open` and `close`, split at commas of this depth.
    fn args(&self, open: usize, close: usize) -> Vec<Arg> {
        let mut args = Vec::new();
        let mut at = open + 1;
        while at < close {
            let end = self
                .skip_to(at, |reader, i| i >= close || reader.is(i, ","))
                .unwrap_or(close)
                .min(close);
            if end > at {
                let (line, column) = self.position(at);
                args.push(Arg {
                    value: self.value(at, end),
                    line,
                    column,
                });
            }
            at = end + 1;
        }
        args
    }

    /// The value of the expression `tokens[start..end]`.
    fn value(&self, start: usize, end: usize) -> JsValue {
        const MAX_DEPTH: usize = 48;
        if start >= end || self.depth.get() >= MAX_DEPTH {
            return JsValue::Other;
        }
        self.depth.set(self.depth.get() + 1);
        let value = self.value_at_depth(start, end);
        self.depth.set(self.depth.get() - 1);
        value
    }

    fn value_at_depth(&self, start: usize, end: usize) -> JsValue {
        const MAX_PARTS: usize = 32;
        let mut start = start;
        while self.ident(start) == Some("await") && start + 1 < end {
            start += 1;
        }
        // TypeScript's `x as T`, `x satisfies T` and `x!` do not change the value.
        let end = self
            .split_points(start, end, |r, i| {
                matches!(r.ident(i), Some("as" | "satisfies"))
            })
            .first()
            .copied()
            .unwrap_or(end);
        let end = if end > start + 1 && self.is(end - 1, "!") {
            end - 1
        } else {
            end
        };
        let ors = self.split_points(start, end, |r, i| matches!(r.punct(i), Some("||" | "??")));
        if !ors.is_empty() {
            return JsValue::Or(self.parts(start, end, &ors, MAX_PARTS));
        }
        if !self
            .split_points(start, end, |r, i| {
                matches!(
                    r.punct(i),
                    Some("?" | "&&" | "==" | "===" | "!=" | "!==" | "-" | "*" | "/")
                )
            })
            .is_empty()
        {
            return JsValue::Other;
        }
        let pluses = self.split_points(start, end, |r, i| r.is(i, "+"));
        if !pluses.is_empty() {
            return JsValue::Concat(self.parts(start, end, &pluses, MAX_PARTS));
        }
        self.primary(start, end)
    }

    /// Indices in `start..end` at this depth where `at` holds.
    fn split_points(
        &self,
        start: usize,
        end: usize,
        at: impl Fn(&Self, usize) -> bool,
    ) -> Vec<usize> {
        let mut points = Vec::new();
        let mut index = start;
        while index < end {
            if index > start && at(self, index) {
                points.push(index);
            }
            index = self.closing(index).unwrap_or(index) + 1;
        }
        points
    }

    fn parts(&self, start: usize, end: usize, points: &[usize], max: usize) -> Vec<JsValue> {
        let mut parts = Vec::new();
        let mut from = start;
        for &point in points.iter().take(max) {
            parts.push(self.value(from, point));
            from = point + 1;
        }
        parts.push(self.value(from, end));
        parts
    }

    fn primary(&self, start: usize, end: usize) -> JsValue {
        let single = end == start + 1;
        let token = &self.tokens[start];
        match &token.kind {
            Kind::Str(value) if single => JsValue::Str(value.clone()),
            Kind::Number(value) if single => JsValue::Number(value.of(self.source).to_string()),
            Kind::Ident(word) if single => match word.of(self.source) {
                "true" => JsValue::Bool(true),
                "false" => JsValue::Bool(false),
                "null" => JsValue::Null,
                "undefined" => JsValue::Undefined,
                _ => self.chain(start, end, false),
            },
            Kind::TemplateHead(_) if self.closing(start) == Some(end - 1) => {
                self.template(start, end - 1)
            }
            Kind::Punct("{") if self.closing(start) == Some(end - 1) => self.object(start, end - 1),
            Kind::Punct("[") if self.closing(start) == Some(end - 1) => {
                JsValue::Array(self.args(start, end - 1))
            }
            Kind::Punct("(") if self.closing(start) == Some(end - 1) => {
                self.value(start + 1, end - 1)
            }
            Kind::Ident(word) if word.of(self.source) == "new" => self.chain(start + 1, end, true),
            Kind::Ident(_) => self.chain(start, end, false),
            _ => JsValue::Other,
        }
    }

    fn template(&self, head: usize, tail: usize) -> JsValue {
        let mut parts = Vec::new();
        let mut text_at = head;
        loop {
            match &self.tokens[text_at].kind {
                Kind::TemplateHead(text)
                | Kind::TemplateMiddle(text)
                | Kind::TemplateTail(text) => {
                    if !text.is_empty() {
                        parts.push(JsValue::Str(text.clone()));
                    }
                }
                _ => return JsValue::Other,
            }
            if text_at >= tail {
                break;
            }
            let next = (text_at + 1..=tail)
                .find(|&i| {
                    matches!(
                        self.tokens[i].kind,
                        Kind::TemplateMiddle(_) | Kind::TemplateTail(_)
                    ) && self.depth_between(text_at + 1, i)
                })
                .unwrap_or(tail);
            parts.push(self.value(text_at + 1, next));
            text_at = next;
        }
        JsValue::Template(parts)
    }

    /// Whether `end` is reached from `start` at the same depth.
    fn depth_between(&self, start: usize, end: usize) -> bool {
        let mut at = start;
        while at < end {
            at = self.closing(at).unwrap_or(at) + 1;
        }
        at == end
    }

    fn object(&self, open: usize, close: usize) -> JsValue {
        let mut entries = Vec::new();
        let mut at = open + 1;
        while at < close {
            let end = self
                .skip_to(at, |reader, i| i >= close || reader.is(i, ","))
                .unwrap_or(close)
                .min(close);
            let key = match &self.tokens[at].kind {
                Kind::Ident(word) => Some(word.of(self.source).to_string()),
                Kind::Str(value) => Some(value.clone()),
                _ => None,
            };
            if let Some(key) = key {
                if self.is(at + 1, ":") && at + 2 <= end {
                    let (line, column) = self.position(at + 2);
                    entries.push((
                        key,
                        Arg {
                            value: self.value(at + 2, end),
                            line,
                            column,
                        },
                    ));
                } else if end == at + 1 {
                    let (line, column) = self.position(at);
                    entries.push((
                        key.clone(),
                        Arg {
                            value: JsValue::Name(key),
                            line,
                            column,
                        },
                    ));
                }
            }
            at = end + 1;
        }
        JsValue::Object(entries)
    }

    /// `a.b.c`, `a.b(x)`, `process.env.X`, `import.meta.env.X`.
    fn chain(&self, start: usize, end: usize, is_new: bool) -> JsValue {
        let Some(first) = self.ident(start) else {
            return JsValue::Other;
        };
        let mut names = vec![first.to_string()];
        let mut at = start + 1;
        let mut last_call: Option<(String, Vec<Arg>)> = None;
        while at < end {
            match self.punct(at) {
                Some("." | "?.") => {
                    let Some(name) = self.ident(at + 1) else {
                        return JsValue::Other;
                    };
                    names.push(name.to_string());
                    at += 2;
                    last_call = None;
                }
                Some("[") if self.closing(at).is_some_and(|c| c < end) => {
                    let close = self.closing(at).unwrap_or(at);
                    match self.string(at + 1).filter(|_| close == at + 2) {
                        Some(key) => names.push(key.to_string()),
                        None => return JsValue::Other,
                    }
                    at = close + 1;
                    last_call = None;
                }
                Some("<") if is_new => {
                    let Some(close) = (at..end).find(|&i| self.is(i, ">")) else {
                        return JsValue::Other;
                    };
                    at = close + 1;
                }
                Some("(") if self.closing(at).is_some_and(|c| c < end) => {
                    let close = self.closing(at).unwrap_or(at);
                    last_call = Some((names.join("."), self.args(at, close)));
                    if let Some(last) = names.last_mut() {
                        last.push_str("()");
                    }
                    at = close + 1;
                }
                _ => return JsValue::Other,
            }
        }
        if let Some((callee, args)) = last_call {
            return JsValue::Call {
                callee,
                new: is_new,
                args,
            };
        }
        if is_new {
            // `new Foo` without arguments.
            return JsValue::Call {
                callee: names.join("."),
                new: true,
                args: Vec::new(),
            };
        }
        match names.as_slice() {
            [process, env, name] if process == "process" && env == "env" => {
                JsValue::Env(name.clone(), EnvSyntax::ProcessEnv)
            }
            [import, meta, env, name] if import == "import" && meta == "meta" && env == "env" => {
                JsValue::Env(name.clone(), EnvSyntax::ImportMetaEnv)
            }
            _ => JsValue::Name(names.join(".")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fact of a file, whatever it mentions.
    fn parse(source: &str) -> JsSource {
        read_source(source, false)
    }

    fn specifiers(source: &JsSource) -> Vec<(&str, ImportKind, u32)> {
        source
            .imports
            .iter()
            .map(|i| (i.specifier.as_str(), i.kind, i.line))
            .collect()
    }

    #[test]
    fn imports_requires_and_reexports() {
        let dynamic = parse("const { NodeSDK: Sdk } = await import('@opentelemetry/sdk-node');\n");
        assert_eq!(dynamic.imports[0].bindings[0].imported, "NodeSDK");
        assert_eq!(dynamic.imports[0].bindings[0].local, "Sdk");
        let source = parse(
            "'use strict';\nconst { NodeSDK } = require('@opentelemetry/sdk-node');\nimport express, { Router as R } from \"express\";\nimport * as api from '@opentelemetry/api'\nimport './tracing.js'\nimport type { Span } from '@opentelemetry/api';\nexport * from './lib';\nconst x = require('x').Y;\nconst m = await import('./dyn.mjs');\n",
        );
        assert_eq!(
            specifiers(&source),
            [
                ("@opentelemetry/sdk-node", ImportKind::Require, 2),
                ("express", ImportKind::Static, 3),
                ("@opentelemetry/api", ImportKind::Static, 4),
                ("./tracing.js", ImportKind::Static, 5),
                ("./lib", ImportKind::Static, 7),
                ("x", ImportKind::Require, 8),
                ("./dyn.mjs", ImportKind::Dynamic, 9),
            ]
        );
        let bindings = |i: usize| -> Vec<(String, String)> {
            source.imports[i]
                .bindings
                .iter()
                .map(|b| (b.imported.clone(), b.local.clone()))
                .collect()
        };
        assert_eq!(bindings(0), [("NodeSDK".into(), "NodeSDK".into())]);
        assert_eq!(
            bindings(1),
            [
                ("default".into(), "express".into()),
                ("Router".into(), "R".into())
            ]
        );
        assert_eq!(bindings(2), [("*".into(), "api".into())]);
        assert_eq!(bindings(5), [("Y".into(), "x".into())]);
    }

    #[test]
    fn strings_comments_templates_and_regexes_hide_nothing_and_fake_nothing() {
        let source = parse(
            "// require('commented')\n/* import 'x' from 'y' */\nconst s = \"require('in-a-string')\";\nconst r = /require\\('re'\\)[/]/g;\nconst t = `${require('in-template')} and require('not-code') ${`nested ${x}`}`;\nconst d = a / b / c; require('after-division');\n",
        );
        let found: Vec<&str> = source
            .imports
            .iter()
            .map(|i| i.specifier.as_str())
            .collect();
        assert_eq!(found, ["in-template", "after-division"]);
    }

    #[test]
    fn calls_with_object_arguments() {
        let source = parse(
            "const exporter = new OTLPTraceExporter({\n  url: process.env.OTLP_URL || 'http://collector:4318/v1/traces',\n  headers: { 'x-honeycomb-team': process.env.HONEYCOMB_API_KEY },\n});\nnew NodeSDK({ traceExporter: exporter }).start();\ntrace.getTracer('x').startSpan(`span ${n}`);\n",
        );
        let callees: Vec<(&str, bool, u32, u32)> = source
            .calls
            .iter()
            .map(|c| (c.callee.as_str(), c.new, c.line, c.column))
            .collect();
        assert_eq!(
            callees,
            [
                ("OTLPTraceExporter", true, 1, 18),
                ("NodeSDK", true, 5, 1),
                ("NodeSDK().start", false, 5, 1),
                ("trace.getTracer", false, 6, 1),
                ("trace.getTracer().startSpan", false, 6, 1),
            ]
        );
        let options = &source.calls[0].args[0].value;
        let url = options.entry("url").unwrap();
        assert_eq!(
            url.value,
            JsValue::Or(vec![
                JsValue::Env("OTLP_URL".into(), EnvSyntax::ProcessEnv),
                JsValue::Str("http://collector:4318/v1/traces".into())
            ])
        );
        assert_eq!((url.line, url.column), (2, 8));
        let headers = options.entry("headers").unwrap();
        assert_eq!(
            headers.value.entry("x-honeycomb-team").unwrap().value,
            JsValue::Env("HONEYCOMB_API_KEY".into(), EnvSyntax::ProcessEnv)
        );
        assert_eq!(source.declarations[0].name, "exporter");
        assert!(matches!(
            &source.declarations[0].value,
            JsValue::Call { callee, new: true, .. } if callee == "OTLPTraceExporter"
        ));
    }

    #[test]
    fn declarations_end_at_the_next_statement_without_semicolons() {
        let source = parse(
            "const a = 'x'\nconst b: string = `${process.env.HOST}/v1/traces`\nlet c = import.meta.env.VITE_URL as string\nsdk = new HoneycombSDK(config)\n",
        );
        let values: Vec<(&str, &JsValue)> = source
            .declarations
            .iter()
            .map(|d| (d.name.as_str(), &d.value))
            .collect();
        assert_eq!(values[0], ("a", &JsValue::Str("x".into())));
        assert_eq!(
            values[1],
            (
                "b",
                &JsValue::Template(vec![
                    JsValue::Env("HOST".into(), EnvSyntax::ProcessEnv),
                    JsValue::Str("/v1/traces".into())
                ])
            )
        );
        assert_eq!(
            values[2],
            (
                "c",
                &JsValue::Env("VITE_URL".into(), EnvSyntax::ImportMetaEnv)
            )
        );
        assert_eq!(values[3].0, "sdk");
        let reads: Vec<(&str, EnvSyntax)> = source
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.syntax))
            .collect();
        assert_eq!(
            reads,
            [
                ("HOST", EnvSyntax::ProcessEnv),
                ("VITE_URL", EnvSyntax::ImportMetaEnv)
            ]
        );
    }

    #[test]
    fn definitions_are_not_calls() {
        let source = parse(
            "function start(a) { return a }\nclass X { start() { sdk.start(); } }\nconst f = (x) => x;\nif (ok) { go(); }\n",
        );
        let callees: Vec<&str> = source.calls.iter().map(|c| c.callee.as_str()).collect();
        assert_eq!(callees, ["sdk.start", "go"]);
    }

    #[test]
    fn files_that_set_nothing_up_give_their_imports_only() {
        let source = super::parse(
            "const express = require('express');\nexpress().listen(process.env.PORT);\n",
        );
        assert_eq!(source.imports.len(), 1);
        assert!(source.calls.is_empty() && source.env_reads.is_empty());
        let source = super::parse(
            "const { NodeSDK } = require('@opentelemetry/sdk-node');\nnew NodeSDK().start();\n",
        );
        assert_eq!(source.calls.len(), 2);
    }

    #[test]
    fn environment_writes_and_their_modes() {
        let parsed = parse(
            "process.env.OTEL_SERVICE_NAME ??= 'api';\nprocess.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ||= `http://${host}:4318`\nprocess.env.OTEL_TRACES_EXPORTER = 'otlp'\nprocess.env.OTEL_EXPORTER_OTLP_PROTOCOL = process.env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf'\nif (process.env.OTEL_SDK_DISABLED === 'true') {}\n",
        );
        let writes: Vec<(&str, EnvWriteMode, u32, u32)> = parsed
            .env_writes
            .iter()
            .map(|w| (w.name.as_str(), w.mode, w.line, w.value_column))
            .collect();
        assert_eq!(
            writes,
            [
                ("OTEL_SERVICE_NAME", EnvWriteMode::IfUnset, 1, 35),
                (
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    EnvWriteMode::IfUnsetOrEmpty,
                    2,
                    48
                ),
                ("OTEL_TRACES_EXPORTER", EnvWriteMode::Overwrite, 3, 36),
                (
                    "OTEL_EXPORTER_OTLP_PROTOCOL",
                    EnvWriteMode::IfUnsetOrEmpty,
                    4,
                    43
                ),
            ]
        );
        assert_eq!(
            parsed.env_writes[3].value,
            JsValue::Str("http/protobuf".into())
        );
        let reads: Vec<&str> = parsed.env_reads.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(reads, ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SDK_DISABLED"]);
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "`${",
            "'",
            "/",
            "require(",
            "import {",
            "new X<",
            "a = ",
            "}}}",
            "`a${b}c${",
            "#!/usr/bin/env node\nrequire('x')",
            "x?.5:1",
            "<p>Don't</p>; require('after-jsx')",
        ] {
            let _ = parse(text);
        }
        assert_eq!(
            parse("<p>Don't</p>;\nrequire('after-jsx')").imports[0].specifier,
            "after-jsx"
        );
    }
}
