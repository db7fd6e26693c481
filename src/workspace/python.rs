//! The imports and calls of a Python file, from a small tokenizer rather than a parser: enough
//! to know that `app.py` imports `opentelemetry.sdk.trace`, calls
//! `trace.set_tracer_provider(...)` and builds `OTLPSpanExporter(endpoint="...")`, and never
//! fooled by strings or comments. Garbage in gives best effort out, never a panic.

use std::borrow::Borrow;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PythonSource {
    pub imports: Vec<Import>,
    pub calls: Vec<Call>,
    /// `name = value` statements (plain and dotted targets), in order.
    pub assignments: Vec<Assignment>,
    /// `base[key] = value` statements (`os.environ["X"] = "v"`), in order.
    pub item_assignments: Vec<ItemAssignment>,
    /// `class Name(Base, ...):` definitions, with the names their bodies bind.
    pub classes: Vec<ClassDef>,
    /// Names an import binds that the file also binds otherwise, sorted: as assignment, loop
    /// or `as` targets, parameters, functions or classes. In `def handler(event, context):`
    /// the name `context` is not what `from opentelemetry import context` bound.
    pub rebound: Vec<String>,
}

/// `endpoint = os.environ.get("X", "d")`: a name bound to a value the code passes on later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub target: String,
    pub value: ArgValue,
    pub line: u32,
    pub column: u32,
}

/// `os.environ["X"] = value`: an item of a dotted name set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemAssignment {
    pub base: String,
    pub key: ArgValue,
    pub value: ArgValue,
    pub line: u32,
    pub column: u32,
}

/// A class definition: its bases as written, and the names its body binds at its own level
/// (`field: str = "x"`, `field: int`, `model_config = ...`). A class nested in another names
/// its enclosing class (`class Config:` inside a settings class).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassDef {
    pub name: String,
    pub bases: Vec<String>,
    pub enclosing: Option<String>,
    pub fields: Vec<ClassField>,
    pub line: u32,
    pub column: u32,
}

/// `name: annotation = value` (or without annotation, or without value) in a class body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassField {
    pub name: String,
    pub value: Option<Arg>,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// `import a.b` / `from a.b import c` → `a.b`; relative imports keep their dots (`.mod`).
    pub module: String,
    /// `from m import a, b as c`: the names; `None` for `import m`.
    pub names: Option<Vec<ImportedName>>,
    /// `import m as alias`.
    pub alias: Option<String>,
    /// Position of the `import` / `from` keyword.
    pub line: u32,
    pub column: u32,
    /// Position of the module's name (of its first dot, for a relative import).
    pub module_line: u32,
    pub module_column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedName {
    pub name: String,
    pub alias: Option<String>,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The dotted name before `(`; a call on a call's result adds `()`:
    /// `FlaskInstrumentor().instrument_app(app)` → `FlaskInstrumentor().instrument_app`.
    /// Calls on other expressions (`x[0](1)`, `"s".join(x)`) are not reported.
    pub callee: String,
    /// Position of the callee's first token.
    pub line: u32,
    pub column: u32,
    /// Position of the name called: the callee's last part (`instrument_app` above).
    pub name_line: u32,
    pub name_column: u32,
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    pub keyword: Option<String>,
    pub value: ArgValue,
    /// Position of the value's first token.
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    /// A string literal (adjacent literals joined, escapes decoded); never an f-string.
    Str(String),
    Bool(bool),
    None,
    Number(String),
    /// A dotted name such as `app` or `os.environ`.
    Name(String),
    /// A call with a dotted callee: `os.getenv("X", "d")`.
    Call(String, Vec<Arg>),
    /// A subscript with a dotted base: `os.environ["X"]`.
    Subscript(String, Box<ArgValue>),
    /// A tuple or list: `(("k", v),)`, `[a, b]`.
    Sequence(Vec<ArgValue>),
    /// A dict display: `{"k": v}`.
    Dict(Vec<(ArgValue, ArgValue)>),
    /// Operands joined by `+`: `os.getenv("HOST") + "/v1/traces"`.
    Concat(Vec<ArgValue>),
    Other,
}

pub fn parse(source: &str) -> PythonSource {
    let tokens = tokenize(source);
    let closing = matching_parens(&tokens);
    let imports = imports(&tokens);
    let rebound = rebound(&tokens, &imports);
    PythonSource {
        imports,
        calls: calls(&tokens, &closing),
        assignments: assignments(&tokens),
        item_assignments: item_assignments(&tokens),
        classes: classes(&tokens),
        rebound,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Name(String),
    /// `None` for f-strings, whose value is not known.
    Str(Option<String>),
    Number(String),
    Op(char),
    /// The end of a logical line.
    Newline,
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    line: u32,
    column: u32,
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Python tokens with 1-based positions (columns in characters). Newlines inside brackets and
/// after a backslash continue the logical line, as in Python.
fn tokenize(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line, mut line_start) = (0usize, 1usize, 0usize);
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let at =
            |line: usize, line_start: usize, i: usize| (to_u32(line), to_u32(i - line_start + 1));
        match c {
            '\n' => {
                if depth == 0
                    && tokens
                        .last()
                        .is_some_and(|t: &Token| t.kind != Kind::Newline)
                {
                    let (line, column) = at(line, line_start, i);
                    tokens.push(Token {
                        kind: Kind::Newline,
                        line,
                        column,
                    });
                }
                line += 1;
                line_start = i + 1;
                i += 1;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
                line_start = i;
            }
            c if c.is_whitespace() => i += 1,
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let (l, column) = at(line, line_start, start);
                if let Some(&quote) = chars
                    .get(i)
                    .filter(|q| matches!(q, '"' | '\''))
                    .filter(|_| is_string_prefix(&word))
                {
                    let (value, end, newlines, last_start) = string(&chars, i, quote, &word);
                    tokens.push(Token {
                        kind: Kind::Str(value),
                        line: l,
                        column,
                    });
                    i = end;
                    if newlines > 0 {
                        line += newlines;
                        line_start = last_start;
                    }
                } else {
                    tokens.push(Token {
                        kind: Kind::Name(word),
                        line: l,
                        column,
                    });
                }
            }
            '"' | '\'' => {
                let (l, column) = at(line, line_start, i);
                let (value, end, newlines, last_start) = string(&chars, i, c, "");
                tokens.push(Token {
                    kind: Kind::Str(value),
                    line: l,
                    column,
                });
                i = end;
                if newlines > 0 {
                    line += newlines;
                    line_start = last_start;
                }
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
                {
                    i += 1;
                }
                let (l, column) = at(line, line_start, start);
                tokens.push(Token {
                    kind: Kind::Number(chars[start..i].iter().collect()),
                    line: l,
                    column,
                });
            }
            c => {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                let (l, column) = at(line, line_start, i);
                tokens.push(Token {
                    kind: Kind::Op(c),
                    line: l,
                    column,
                });
                i += 1;
            }
        }
    }
    tokens
}

fn is_string_prefix(word: &str) -> bool {
    word.len() <= 2
        && word
            .chars()
            .all(|c| matches!(c.to_ascii_lowercase(), 'r' | 'b' | 'u' | 'f'))
}

/// A string literal starting at `start` (its opening quote): its value (`None` for an
/// f-string), where it ends, how many newlines it spans and where its last line starts.
fn string(
    chars: &[char],
    start: usize,
    quote: char,
    prefix: &str,
) -> (Option<String>, usize, usize, usize) {
    let raw = prefix.to_ascii_lowercase().contains('r');
    let formatted = prefix.to_ascii_lowercase().contains('f');
    let triple = chars.get(start + 1) == Some(&quote) && chars.get(start + 2) == Some(&quote);
    let mut i = start + if triple { 3 } else { 1 };
    let (mut newlines, mut last_start) = (0, 0);
    let mut value = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c == quote
            && (!triple || (chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote)))
        {
            i += if triple { 3 } else { 1 };
            return ((!formatted).then_some(value), i, newlines, last_start);
        }
        if c == '\n' {
            if !triple {
                break;
            }
            newlines += 1;
            last_start = i + 1;
        }
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            if next == '\n' {
                newlines += 1;
                last_start = i + 2;
            }
            if raw {
                value.push(c);
                value.push(next);
            } else {
                match next {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    '\n' => {}
                    other => value.push(other),
                }
            }
            i += 2;
            continue;
        }
        value.push(c);
        i += 1;
    }
    // Unterminated: the rest of the line (or file) is the string.
    (None, i, newlines, last_start)
}

fn name(token: Option<&Token>) -> Option<&str> {
    match token.map(|t| &t.kind) {
        Some(Kind::Name(name)) => Some(name),
        _ => None,
    }
}

fn is_op(token: Option<&Token>, op: char) -> bool {
    token.is_some_and(|t| t.kind == Kind::Op(op))
}

/// Where a statement may start: the file start, after a newline, `;` or a block's `:`.
fn starts_statement(tokens: &[Token], index: usize) -> bool {
    index == 0
        || matches!(
            tokens[index - 1].kind,
            Kind::Newline | Kind::Op(';') | Kind::Op(':')
        )
}

fn imports(tokens: &[Token]) -> Vec<Import> {
    let mut imports = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        if !starts_statement(tokens, index) {
            continue;
        }
        match name(Some(token)) {
            Some("import") => plain_imports(tokens, index, &mut imports),
            Some("from") => {
                if let Some(import) = from_import(tokens, index) {
                    imports.push(import);
                }
            }
            _ => {}
        }
    }
    imports
}

/// A dotted name starting at `index`, and the index after it.
fn dotted(tokens: &[Token], mut index: usize) -> (String, usize) {
    let mut text = String::new();
    while let Some(part) = name(tokens.get(index)) {
        text.push_str(part);
        index += 1;
        if is_op(tokens.get(index), '.') && name(tokens.get(index + 1)).is_some() {
            text.push('.');
            index += 1;
        } else {
            break;
        }
    }
    (text, index)
}

/// `import a.b as c, d`: one `Import` per module.
fn plain_imports(tokens: &[Token], keyword: usize, out: &mut Vec<Import>) {
    let at = &tokens[keyword];
    let mut index = keyword + 1;
    loop {
        let (module, next) = dotted(tokens, index);
        if module.is_empty() {
            return;
        }
        let start = &tokens[index];
        index = next;
        let alias = (name(tokens.get(index)) == Some("as")).then(|| {
            index += 2;
            name(tokens.get(index - 1)).unwrap_or_default().to_string()
        });
        out.push(Import {
            module,
            names: None,
            alias,
            line: at.line,
            column: at.column,
            module_line: start.line,
            module_column: start.column,
        });
        if !is_op(tokens.get(index), ',') {
            return;
        }
        index += 1;
    }
}

/// `from .a.b import (c, d as e)`.
fn from_import(tokens: &[Token], keyword: usize) -> Option<Import> {
    let at = &tokens[keyword];
    let mut index = keyword + 1;
    let start = tokens.get(index)?;
    let mut module = String::new();
    while is_op(tokens.get(index), '.') {
        module.push('.');
        index += 1;
    }
    // `from . import x`: no module name after the dots.
    if name(tokens.get(index)) != Some("import") {
        let (dotted_name, next) = dotted(tokens, index);
        module.push_str(&dotted_name);
        index = next;
    }
    if module.is_empty() || name(tokens.get(index)) != Some("import") {
        return None;
    }
    index += 1;
    let parenthesized = is_op(tokens.get(index), '(');
    if parenthesized {
        index += 1;
    }
    let mut names = Vec::new();
    while let Some(token) = tokens.get(index) {
        match &token.kind {
            Kind::Name(imported) => {
                let alias = (name(tokens.get(index + 1)) == Some("as"))
                    .then(|| name(tokens.get(index + 2)).unwrap_or_default().to_string());
                names.push(ImportedName {
                    name: imported.clone(),
                    alias: alias.clone(),
                    line: token.line,
                    column: token.column,
                });
                index += if alias.is_some() { 3 } else { 1 };
            }
            Kind::Op('*') => {
                names.push(ImportedName {
                    name: "*".into(),
                    alias: None,
                    line: token.line,
                    column: token.column,
                });
                index += 1;
            }
            Kind::Op(',') => index += 1,
            _ => break,
        }
    }
    Some(Import {
        module,
        names: Some(names),
        alias: None,
        line: at.line,
        column: at.column,
        module_line: start.line,
        module_column: start.column,
    })
}

/// The names imports bind that something else binds too, scope-blind: a name rebound
/// anywhere counts. Each place an imported name is written is judged from the tokens around
/// it, so that the rest of the file costs a bit test per name.
fn rebound(tokens: &[Token], imports: &[Import]) -> Vec<String> {
    let mut imported: Vec<&str> = Vec::new();
    for import in imports {
        match (&import.names, &import.alias) {
            (Some(names), _) => {
                imported.extend(names.iter().map(|n| n.alias.as_deref().unwrap_or(&n.name)));
            }
            (None, Some(alias)) => imported.push(alias),
            (None, None) => imported.extend(import.module.split('.').next()),
        }
    }
    // Most names are not imported ones: a bit for each imported name's length and first
    // letter tells at once.
    let sketch = |name: &str| {
        let first = usize::from(name.bytes().next().unwrap_or_default());
        1u64 << ((name.len() * 7 + first) % 64)
    };
    let imported_sketch = imported.iter().fold(0, |mask, name| mask | sketch(name));
    let mut names: Vec<String> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let Kind::Name(word) = &token.kind else {
            continue;
        };
        if imported_sketch & sketch(word) != 0
            && imported.contains(&word.as_str())
            && binds(tokens, index)
        {
            names.push(word.clone());
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// Whether the name at `index` is bound there: an assignment or annotation target, a walrus,
/// a parameter, a loop or `lambda` target, `as` outside an import, a function or a class.
fn binds(tokens: &[Token], index: usize) -> bool {
    let previous = index.checked_sub(1).map(|p| &tokens[p]);
    let next = tokens.get(index + 1);
    let after = tokens.get(index + 2);
    match previous.and_then(|p| name(Some(p))) {
        Some("def" | "class" | "for" | "lambda") => return true,
        Some("as") => return !in_import(tokens, index),
        _ => {}
    }
    if is_op(next, ':') && is_op(after, '=') {
        return true;
    }
    if starts_statement(tokens, index) {
        // `x = ...`, `x: T = ...` (not `x == y`).
        return (is_op(next, '=') && !is_op(after, '=')) || is_op(next, ':');
    }
    (is_op(previous, ',') || is_op(previous, '(') || is_op(previous, '*'))
        && in_targets(tokens, index)
}

/// Whether the statement holding `index` is an import.
fn in_import(tokens: &[Token], index: usize) -> bool {
    let start = (0..=index)
        .rev()
        .find(|&i| starts_statement(tokens, i))
        .unwrap_or(0);
    matches!(name(tokens.get(start)), Some("import" | "from"))
}

/// Whether a name after `(`, `,` or `*` is among a `def`'s parameters or the targets of a
/// `for` or `lambda`: looking back, out of the brackets that hold it, to the statement's start.
fn in_targets(tokens: &[Token], index: usize) -> bool {
    let mut depth = 0usize;
    for i in (0..index).rev() {
        match &tokens[i].kind {
            Kind::Op(')' | ']' | '}') => depth += 1,
            // The bracket that holds the name: a `def`'s parameters, or a tuple among targets.
            Kind::Op('(') if depth == 0 && i >= 2 && name(tokens.get(i - 2)) == Some("def") => {
                return true;
            }
            Kind::Op('(' | '[' | '{') => depth = depth.saturating_sub(1),
            Kind::Name(word) if depth == 0 => match word.as_str() {
                "for" | "lambda" => return true,
                "in" => return false,
                _ => {}
            },
            _ => {}
        }
        if depth == 0 && starts_statement(tokens, i) {
            return false;
        }
    }
    false
}

/// Keywords that can stand before `(` without making a call.
const KEYWORDS: [&str; 19] = [
    "if", "elif", "while", "for", "in", "not", "and", "or", "is", "return", "yield", "assert",
    "del", "with", "as", "lambda", "await", "else", "except",
];

fn calls(tokens: &[Token], closing: &[Option<usize>]) -> Vec<Call> {
    // The callee of the call each `)` closes, for chains like `A().b()`.
    let mut callee_at_close: Vec<Option<usize>> = vec![None; tokens.len()];
    let mut calls: Vec<Call> = Vec::new();
    // The index of each call's first token.
    let mut firsts: Vec<usize> = Vec::new();
    for open in 0..tokens.len() {
        if !is_op(tokens.get(open), '(') || open == 0 {
            continue;
        }
        let Some((callee, first)) = callee(tokens, open, &callee_at_close, &calls, &firsts) else {
            continue;
        };
        firsts.push(first);
        let close = closing[open].unwrap_or(tokens.len());
        if close < tokens.len() {
            callee_at_close[close] = Some(calls.len());
        }
        calls.push(Call {
            callee,
            line: tokens[first].line,
            column: tokens[first].column,
            name_line: tokens[open - 1].line,
            name_column: tokens[open - 1].column,
            args: arguments(&tokens[open + 1..close.min(tokens.len())]),
        });
    }
    calls
}

/// `target = value` at the start of a statement (not `==`, not augmented, not unpacking).
fn assignments(tokens: &[Token]) -> Vec<Assignment> {
    let mut found = Vec::new();
    for start in 0..tokens.len() {
        if !starts_statement(tokens, start) || name(tokens.get(start)).is_none() {
            continue;
        }
        let mut at = start;
        let mut target = String::new();
        while let Some(part) = name(tokens.get(at)) {
            target.push_str(part);
            if is_op(tokens.get(at + 1), '.') && name(tokens.get(at + 2)).is_some() {
                target.push('.');
                at += 2;
            } else {
                break;
            }
        }
        let equals = at + 1;
        if !is_op(tokens.get(equals), '=') || is_op(tokens.get(equals + 1), '=') {
            continue;
        }
        let end = tokens[equals + 1..]
            .iter()
            .position(|t| t.kind == Kind::Newline || t.kind == Kind::Op(';'))
            .map_or(tokens.len(), |offset| equals + 1 + offset);
        let value: Vec<&Token> = tokens[equals + 1..end].iter().collect();
        if value.is_empty() {
            continue;
        }
        found.push(Assignment {
            target,
            value: classify(&value),
            line: tokens[start].line,
            column: tokens[start].column,
        });
    }
    found
}

/// The end of the statement that starts at `start`: its newline or `;`.
fn statement_end(tokens: &[Token], start: usize) -> usize {
    tokens[start..]
        .iter()
        .position(|t| t.kind == Kind::Newline || t.kind == Kind::Op(';'))
        .map_or(tokens.len(), |offset| start + offset)
}

/// `base[key] = value` at the start of a statement, with a dotted base (not `==`).
fn item_assignments(tokens: &[Token]) -> Vec<ItemAssignment> {
    let mut found = Vec::new();
    for start in 0..tokens.len() {
        if name(tokens.get(start)).is_none()
            || !starts_statement(tokens, start)
            || follows_annotation_colon(tokens, start)
        {
            continue;
        }
        // `a.b.c[`: told without building the name, which most statements do not need.
        let mut open = start + 1;
        while is_op(tokens.get(open), '.') && name(tokens.get(open + 1)).is_some() {
            open += 2;
        }
        if !is_op(tokens.get(open), '[') {
            continue;
        }
        let (base, _) = dotted(tokens, start);
        let end = statement_end(tokens, start);
        // The `]` that closes the subscript, then `=`.
        let mut depth = 0usize;
        let Some(close) = (open..end).find(|&i| {
            match tokens[i].kind {
                Kind::Op('(' | '[' | '{') => depth += 1,
                Kind::Op(')' | ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            depth == 0
        }) else {
            continue;
        };
        let equals = close + 1;
        if !is_op(tokens.get(equals), '=') || is_op(tokens.get(equals + 1), '=') {
            continue;
        }
        let key: Vec<&Token> = tokens[open + 1..close].iter().collect();
        let value: Vec<&Token> = tokens[equals + 1..end].iter().collect();
        if key.is_empty() || value.is_empty() {
            continue;
        }
        found.push(ItemAssignment {
            base,
            key: classify(&key),
            value: classify(&value),
            line: tokens[start].line,
            column: tokens[start].column,
        });
    }
    found
}

/// Whether the token at `index` comes right after an annotation's colon (`key: Optional[str]
/// = ...`), not after a block's (`else: ...`).
fn follows_annotation_colon(tokens: &[Token], index: usize) -> bool {
    index >= 2
        && is_op(tokens.get(index - 1), ':')
        && starts_statement(tokens, index - 2)
        && name(tokens.get(index - 2)).is_some_and(|n| !matches!(n, "else" | "try" | "finally"))
}

/// Every `class` statement, with the fields its body binds at its own indentation. A body
/// runs to the next statement indented no deeper than the `class` keyword.
fn classes(tokens: &[Token]) -> Vec<ClassDef> {
    let mut found: Vec<ClassDef> = Vec::new();
    // The classes whose bodies hold the current statement: (index in `found`, the column of
    // its `class`, the column of its body's statements once the first is seen).
    let mut open: Vec<(usize, u32, Option<u32>)> = Vec::new();
    let mut after_header: Option<usize> = None;
    for start in 0..tokens.len() {
        let token = &tokens[start];
        if !starts_statement(tokens, start) || token.kind == Kind::Newline {
            continue;
        }
        // Outside classes, only a `class` statement matters.
        if open.is_empty() && name(Some(token)) != Some("class") {
            continue;
        }
        let same_line_body = after_header == Some(start);
        if !same_line_body {
            while open
                .last()
                .is_some_and(|&(_, column, _)| token.column <= column)
            {
                open.pop();
            }
        }
        after_header = None;
        if let Some((class, _, body_column)) = open.last_mut() {
            // Only statements at the body's own indentation are the class's fields.
            let body_column = *body_column.get_or_insert(token.column);
            if token.column == body_column
                && let Some(field) = class_field(tokens, start)
            {
                found[*class].fields.push(field);
            }
        }
        if name(Some(token)) != Some("class") {
            continue;
        }
        let Some(class_name) = name(tokens.get(start + 1)) else {
            continue;
        };
        let mut at = start + 2;
        let mut bases = Vec::new();
        if is_op(tokens.get(at), '(') {
            at += 1;
            while at < tokens.len() && !is_op(tokens.get(at), ')') {
                let (base, next) = dotted(tokens, at);
                // `metaclass=X` and other keywords are not bases.
                if !base.is_empty() && !is_op(tokens.get(next), '=') {
                    bases.push(base);
                }
                at = if next > at { next } else { at + 1 };
                while at < tokens.len()
                    && !is_op(tokens.get(at), ',')
                    && !is_op(tokens.get(at), ')')
                {
                    at += 1;
                }
                if is_op(tokens.get(at), ',') {
                    at += 1;
                }
            }
            at += 1;
        }
        if !is_op(tokens.get(at), ':') {
            continue;
        }
        if tokens.get(at + 1).is_some_and(|t| t.kind != Kind::Newline) {
            after_header = Some(at + 1);
        }
        found.push(ClassDef {
            name: class_name.to_string(),
            bases,
            enclosing: open.last().map(|&(class, _, _)| found[class].name.clone()),
            fields: Vec::new(),
            line: token.line,
            column: token.column,
        });
        open.push((found.len() - 1, token.column, None));
    }
    found
}

/// `name (: annotation)? (= value)?` starting a statement in a class body.
fn class_field(tokens: &[Token], start: usize) -> Option<ClassField> {
    let field = name(tokens.get(start))?;
    if matches!(
        field,
        "def" | "class" | "async" | "if" | "for" | "return" | "pass"
    ) {
        return None;
    }
    let end = statement_end(tokens, start);
    let next = tokens.get(start + 1)?;
    let equals = match next.kind {
        Kind::Op('=') if !is_op(tokens.get(start + 2), '=') => Some(start + 1),
        Kind::Op(':') => {
            // The annotation runs to an `=` outside brackets, if any.
            let mut depth = 0usize;
            (start + 2..end).find(|&i| {
                match tokens[i].kind {
                    Kind::Op('(' | '[' | '{') => depth += 1,
                    Kind::Op(')' | ']' | '}') => depth = depth.saturating_sub(1),
                    _ => {}
                }
                depth == 0 && is_op(tokens.get(i), '=') && !is_op(tokens.get(i + 1), '=')
            })
        }
        _ => return None,
    };
    let value = equals.and_then(|equals| {
        let value: Vec<&Token> = tokens[equals + 1..end].iter().collect();
        let first = value.first()?;
        Some(Arg {
            keyword: None,
            value: classify(&value),
            line: first.line,
            column: first.column,
        })
    });
    let at = &tokens[start];
    Some(ClassField {
        name: field.to_string(),
        value,
        line: at.line,
        column: at.column,
    })
}

/// For every `(`, the index of its `)`.
fn matching_parens(tokens: &[Token]) -> Vec<Option<usize>> {
    let mut closing = vec![None; tokens.len()];
    let mut stack = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Op('(') => stack.push(index),
            Kind::Op(')') => {
                if let Some(open) = stack.pop() {
                    closing[open] = Some(index);
                }
            }
            _ => {}
        }
    }
    closing
}

/// The dotted callee before the `(` at `open`, and the index of its first token.
fn callee(
    tokens: &[Token],
    open: usize,
    callee_at_close: &[Option<usize>],
    calls: &[Call],
    firsts: &[usize],
) -> Option<(String, usize)> {
    let last = name(tokens.get(open - 1))?;
    if KEYWORDS.contains(&last) {
        return None;
    }
    let mut parts = vec![last.to_string()];
    let mut first = open - 1;
    while first >= 2 && is_op(tokens.get(first - 1), '.') {
        match (&tokens[first - 2].kind, callee_at_close[first - 2]) {
            (Kind::Name(part), _) => {
                parts.push(part.clone());
                first -= 2;
            }
            (Kind::Op(')'), Some(call)) => {
                parts.push(format!("{}()", calls[call].callee));
                first = firsts[call];
                break;
            }
            _ => return None,
        }
    }
    if first >= 1 && matches!(name(tokens.get(first - 1)), Some("def" | "class")) {
        return None;
    }
    parts.reverse();
    Some((parts.join("."), first))
}

/// Splits the tokens between a call's parentheses into arguments (the tokens of a call's own
/// arguments, or references to those of a call inside an argument).
fn arguments<T: Borrow<Token>>(tokens: &[T]) -> Vec<Arg> {
    let mut ends = Vec::new();
    let mut depth = 0usize;
    for (index, token) in tokens.iter().enumerate() {
        match token.borrow().kind {
            Kind::Op('(' | '[' | '{') => depth += 1,
            Kind::Op(')' | ']' | '}') => depth = depth.saturating_sub(1),
            Kind::Op(',') if depth == 0 => ends.push(index),
            _ => {}
        }
    }
    ends.push(tokens.len());
    // Sized exactly: every call of every file keeps its arguments until the services are
    // resolved, and a grown vector's spare room was half the memory of a large monorepo.
    let mut args = Vec::with_capacity(ends.len());
    let mut start = 0;
    for end in ends {
        args.extend(argument(&tokens[start..end]));
        start = end + 1;
    }
    args
}

fn argument<T: Borrow<Token>>(tokens: &[T]) -> Option<Arg> {
    let tokens: Vec<&Token> = tokens
        .iter()
        .map(Borrow::borrow)
        .filter(|t| t.kind != Kind::Newline)
        .collect();
    let first = tokens.first()?;
    let is_keyword = tokens.len() > 2
        && name(Some(first)).is_some()
        && is_op(tokens.get(1).copied(), '=')
        && !is_op(tokens.get(2).copied(), '=');
    let (keyword, value) = if is_keyword {
        (name(Some(first)).map(String::from), &tokens[2..])
    } else {
        (None, &tokens[..])
    };
    let start = value.first()?;
    Some(Arg {
        keyword,
        value: classify(value),
        line: start.line,
        column: start.column,
    })
}

/// The value of an argument: literals, dotted names, calls, subscripts, tuples, lists, dicts
/// and `+`; anything else is `Other`. Enough to follow `endpoint=os.getenv("X", "d")` and
/// `headers=(("x-honeycomb-team", key),)` without evaluating Python.
fn classify(tokens: &[&Token]) -> ArgValue {
    let mut reader = Expression { tokens, at: 0 };
    match reader.sum() {
        Some(value) if reader.at == tokens.len() => value,
        _ => ArgValue::Other,
    }
}

struct Expression<'a, 'b> {
    tokens: &'a [&'b Token],
    at: usize,
}

impl Expression<'_, '_> {
    fn peek(&self) -> Option<&Kind> {
        self.tokens.get(self.at).map(|t| &t.kind)
    }

    fn eat(&mut self, op: char) -> bool {
        let found = self.peek() == Some(&Kind::Op(op));
        self.at += usize::from(found);
        found
    }

    fn sum(&mut self) -> Option<ArgValue> {
        let mut operands = vec![self.atom()?];
        while self.eat('+') {
            operands.push(self.atom()?);
        }
        Some(if operands.len() == 1 {
            operands.pop()?
        } else {
            ArgValue::Concat(operands)
        })
    }

    fn atom(&mut self) -> Option<ArgValue> {
        match self.peek()? {
            Kind::Str(Some(_)) => {
                let mut text = String::new();
                while let Some(Kind::Str(Some(part))) = self.peek() {
                    text.push_str(part);
                    self.at += 1;
                }
                Some(ArgValue::Str(text))
            }
            Kind::Number(n) => {
                let number = ArgValue::Number(n.clone());
                self.at += 1;
                Some(number)
            }
            Kind::Name(_) => self.named(),
            Kind::Op(open @ ('(' | '[')) => {
                let open = *open;
                self.at += 1;
                let close = if open == '(' { ')' } else { ']' };
                let mut items = Vec::new();
                while !self.eat(close) {
                    items.push(self.sum()?);
                    if !self.eat(',') && self.peek() != Some(&Kind::Op(close)) {
                        return None;
                    }
                }
                // `(x)` is x; `(x,)` is a tuple.
                let single = open == '('
                    && items.len() == 1
                    && self.tokens.get(self.at - 2).map(|t| &t.kind) != Some(&Kind::Op(','));
                Some(if single {
                    items.pop()?
                } else {
                    ArgValue::Sequence(items)
                })
            }
            Kind::Op('{') => {
                self.at += 1;
                let mut pairs = Vec::new();
                while !self.eat('}') {
                    let key = self.sum()?;
                    if !self.eat(':') {
                        return None;
                    }
                    pairs.push((key, self.sum()?));
                    if !self.eat(',') && self.peek() != Some(&Kind::Op('}')) {
                        return None;
                    }
                }
                Some(ArgValue::Dict(pairs))
            }
            _ => None,
        }
    }

    /// `True`, `None`, `a.b`, `a.b(...)`, `a.b[...]`.
    fn named(&mut self) -> Option<ArgValue> {
        let mut dotted = String::new();
        while let Some(Kind::Name(part)) = self.peek() {
            dotted.push_str(part);
            self.at += 1;
            if !(self.peek() == Some(&Kind::Op('.'))
                && matches!(
                    self.tokens.get(self.at + 1).map(|t| &t.kind),
                    Some(Kind::Name(_))
                ))
            {
                break;
            }
            dotted.push('.');
            self.at += 1;
        }
        match dotted.as_str() {
            "True" => return Some(ArgValue::Bool(true)),
            "False" => return Some(ArgValue::Bool(false)),
            "None" => return Some(ArgValue::None),
            _ => {}
        }
        if self.eat('(') {
            let start = self.at;
            let mut depth = 1usize;
            while depth > 0 {
                match self.peek()? {
                    Kind::Op('(' | '[' | '{') => depth += 1,
                    Kind::Op(')' | ']' | '}') => depth -= 1,
                    _ => {}
                }
                self.at += 1;
            }
            let inner = arguments(&self.tokens[start..self.at - 1]);
            return Some(ArgValue::Call(dotted, inner));
        }
        if self.eat('[') {
            let key = self.sum()?;
            return self
                .eat(']')
                .then(|| ArgValue::Subscript(dotted, Box::new(key)));
        }
        Some(ArgValue::Name(dotted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRUDDUR: &str = r#"from flask import Flask
from flask_cors import CORS, cross_origin

# Honeycomb ----------
from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter

provider = TracerProvider()
processor = BatchSpanProcessor(OTLPSpanExporter())
provider.add_span_processor(processor)
trace.set_tracer_provider(provider)
tracer = trace.get_tracer(__name__)

app = Flask(__name__)
FlaskInstrumentor().instrument_app(app)

@app.route("/api/activities/home", methods=['GET'])
def data_home():
  with tracer.start_as_current_span("home-activites-mock-data") as span:
    span.set_attribute("app.now", now.isoformat())
  return data, 200

if __name__ == "__main__":
  app.run(debug=True)
"#;

    #[test]
    fn item_assignments_and_settings_classes() {
        let parsed = parse(
            "import os\nos.environ[\"OTEL_SERVICE_NAME\"] = \"api\"\nx[0] == 1\n\nclass Settings(BaseSettings, metaclass=M):\n    \"\"\"Settings.\"\"\"\n    model_config = SettingsConfigDict(env_prefix=\"APP_\")\n    otel_endpoint: str = \"http://localhost:4318\"\n    key: Optional[str] = Field(default=None, alias=\"HONEYCOMB_API_KEY\")\n    debug: bool\n\n    class Config:\n        env_prefix = \"OLD_\"\n\n    def url(self):\n        inner = 1\n        return inner\n\nclass Other: pass\nsettings = Settings()\n",
        );
        assert_eq!(parsed.item_assignments.len(), 1);
        let item = &parsed.item_assignments[0];
        assert_eq!(
            (item.base.as_str(), &item.key, &item.value, item.line),
            (
                "os.environ",
                &ArgValue::Str("OTEL_SERVICE_NAME".into()),
                &ArgValue::Str("api".into()),
                2
            )
        );
        let classes: Vec<String> = parsed
            .classes
            .iter()
            .map(|c| {
                let fields: Vec<&str> = c.fields.iter().map(|f| f.name.as_str()).collect();
                format!(
                    "{}({}) in {:?}: {}",
                    c.name,
                    c.bases.join(", "),
                    c.enclosing,
                    fields.join(" ")
                )
            })
            .collect();
        assert_eq!(
            classes,
            [
                "Settings(BaseSettings) in None: model_config otel_endpoint key debug",
                "Config() in Some(\"Settings\"): env_prefix",
                "Other() in None: ",
            ]
        );
        let endpoint = parsed.classes[0].fields[1].value.as_ref().unwrap();
        assert_eq!(
            (&endpoint.value, endpoint.line, endpoint.column),
            (&ArgValue::Str("http://localhost:4318".into()), 8, 26)
        );
        assert!(parsed.classes[0].fields[3].value.is_none());
    }

    #[test]
    fn imports_with_positions() {
        let parsed = parse(CRUDDUR);
        let modules: Vec<(&str, u32, u32)> = parsed
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.line, i.column))
            .collect();
        assert_eq!(
            modules,
            [
                ("flask", 1, 1),
                ("flask_cors", 2, 1),
                ("opentelemetry", 5, 1),
                ("opentelemetry.instrumentation.flask", 6, 1),
                (
                    "opentelemetry.exporter.otlp.proto.http.trace_exporter",
                    7,
                    1
                ),
                ("opentelemetry.sdk.trace", 8, 1),
                ("opentelemetry.sdk.trace.export", 9, 1),
            ]
        );
        let names: Vec<&str> = parsed.imports[6]
            .names
            .as_ref()
            .unwrap()
            .iter()
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "BatchSpanProcessor",
                "SimpleSpanProcessor",
                "ConsoleSpanExporter"
            ]
        );
    }

    #[test]
    fn calls_with_callees_positions_and_arguments() {
        let parsed = parse(CRUDDUR);
        let callees: Vec<(&str, u32, u32)> = parsed
            .calls
            .iter()
            .map(|c| (c.callee.as_str(), c.line, c.column))
            .collect();
        assert_eq!(
            callees,
            [
                ("TracerProvider", 11, 12),
                ("BatchSpanProcessor", 12, 13),
                ("OTLPSpanExporter", 12, 32),
                ("provider.add_span_processor", 13, 1),
                ("trace.set_tracer_provider", 14, 1),
                ("trace.get_tracer", 15, 10),
                ("Flask", 17, 7),
                ("FlaskInstrumentor", 18, 1),
                ("FlaskInstrumentor().instrument_app", 18, 1),
                ("app.route", 20, 2),
                ("tracer.start_as_current_span", 22, 8),
                ("span.set_attribute", 23, 5),
                ("now.isoformat", 23, 35),
                ("app.run", 27, 3),
            ]
        );
        let route = &parsed.calls[9];
        assert_eq!(
            route.args[0].value,
            ArgValue::Str("/api/activities/home".into())
        );
        assert_eq!(route.args[1].keyword.as_deref(), Some("methods"));
        assert_eq!(
            route.args[1].value,
            ArgValue::Sequence(vec![ArgValue::Str("GET".into())])
        );
        let run = parsed.calls.last().unwrap();
        assert_eq!(
            (run.args[0].keyword.as_deref(), &run.args[0].value),
            (Some("debug"), &ArgValue::Bool(true))
        );
        assert_eq!(
            parsed.calls[1].args[0].value,
            ArgValue::Call("OTLPSpanExporter".into(), Vec::new())
        );
    }

    #[test]
    fn assignments_bind_names_to_values() {
        let parsed = parse(
            "headers = ((\"x-honeycomb-team\", os.environ.get(\"K\")),)\nif a == b: pass\nself.endpoint = os.getenv(\"E\", \"http://d\")\nx += 1\n",
        );
        let targets: Vec<(&str, u32)> = parsed
            .assignments
            .iter()
            .map(|a| (a.target.as_str(), a.line))
            .collect();
        assert_eq!(targets, [("headers", 1), ("self.endpoint", 3)]);
        assert!(matches!(parsed.assignments[1].value, ArgValue::Call(..)));
    }

    #[test]
    fn argument_expressions_that_read_the_environment() {
        let parsed = parse(
            "OTLPSpanExporter(endpoint=os.getenv(\"OTLP_HOST\", \"http://collector:4317\") + \"/v1\", headers=((\"x-honeycomb-team\", os.environ[\"KEY\"]),), other={\"a\": 1})\n",
        );
        let args = &parsed.calls[0].args;
        let lookup = ArgValue::Call(
            "os.getenv".into(),
            vec![
                Arg {
                    keyword: None,
                    value: ArgValue::Str("OTLP_HOST".into()),
                    line: 1,
                    column: 37,
                },
                Arg {
                    keyword: None,
                    value: ArgValue::Str("http://collector:4317".into()),
                    line: 1,
                    column: 50,
                },
            ],
        );
        assert_eq!(
            args[0].value,
            ArgValue::Concat(vec![lookup, ArgValue::Str("/v1".into())])
        );
        assert_eq!(
            args[1].value,
            ArgValue::Sequence(vec![ArgValue::Sequence(vec![
                ArgValue::Str("x-honeycomb-team".into()),
                ArgValue::Subscript("os.environ".into(), Box::new(ArgValue::Str("KEY".into()))),
            ])])
        );
        assert_eq!(
            args[2].value,
            ArgValue::Dict(vec![(
                ArgValue::Str("a".into()),
                ArgValue::Number("1".into())
            )])
        );
    }

    #[test]
    fn positions_of_module_names_and_called_names() {
        let parsed = parse(
            "import os, opentelemetry.trace as t\nfrom  opentelemetry.sdk.trace import TracerProvider\nFlaskInstrumentor(a=(1, 2)).instrument_app(app)\nt.get_tracer(\n  __name__).start_span(\"x\")\n",
        );
        let modules: Vec<(u32, u32)> = parsed
            .imports
            .iter()
            .map(|i| (i.module_line, i.module_column))
            .collect();
        assert_eq!(modules, [(1, 8), (1, 12), (2, 7)]);
        let names: Vec<(&str, u32, u32)> = parsed
            .calls
            .iter()
            .map(|c| (c.callee.as_str(), c.name_line, c.name_column))
            .collect();
        assert_eq!(
            names,
            [
                ("FlaskInstrumentor", 3, 1),
                ("FlaskInstrumentor().instrument_app", 3, 29),
                ("t.get_tracer", 4, 3),
                ("t.get_tracer().start_span", 5, 13),
            ]
        );
    }

    #[test]
    fn names_rebound_other_than_by_imports() {
        let parsed = parse(
            "from opentelemetry import context, trace as t, baggage\nimport a as b, C, f, fh, gh, i, j, k, kw, u, v, w, handler, args, event, obj\ndef handler(event, context=None, *args, **kw):\n    return f(trace=1, x == y)\nfor i, (j, k) in x: pass\nwith open(p) as fh, g() as gh: pass\nclass C: pass\nf = lambda u, v: u\nif (w := 2): pass\nobj.attr = 1\nt.get_tracer(name=baggage)\n",
        );
        assert_eq!(
            parsed.rebound,
            [
                "C", "args", "context", "event", "f", "fh", "gh", "handler", "i", "j", "k", "kw",
                "u", "v", "w"
            ]
        );
    }

    #[test]
    fn strings_and_comments_hide_code() {
        let parsed = parse(
            "x = \"import opentelemetry\"  # import opentelemetry\n'''\ntrace.set_tracer_provider(x)\n'''\ndef f(a): pass\nclass C(Base): pass\nif (a): pass\n",
        );
        assert!(parsed.imports.is_empty());
        assert!(parsed.calls.is_empty(), "{:?}", parsed.calls);
    }

    #[test]
    fn import_forms() {
        let parsed = parse(
            "import a.b as c, d\nfrom . import x\nfrom .m import (\n    y as z,\n    w,\n)\ntry: import e\nexcept ImportError: pass\n",
        );
        let modules: Vec<(&str, Option<&str>)> = parsed
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.alias.as_deref()))
            .collect();
        assert_eq!(
            modules,
            [
                ("a.b", Some("c")),
                ("d", None),
                (".", None),
                (".m", None),
                ("e", None)
            ]
        );
        let names = parsed.imports[3].names.as_ref().unwrap();
        assert_eq!(
            (
                names[0].name.as_str(),
                names[0].alias.as_deref(),
                names[0].line
            ),
            ("y", Some("z"), 4)
        );
    }

    #[test]
    fn literal_arguments() {
        let parsed = parse(
            "OTLPSpanExporter(\n    endpoint=\"http://a\" \"/v1/traces\",\n    timeout=10, insecure=None, headers=h.x, *rest)\nf(f\"{x}\", r\"\\n\", 'it\\'s')\n",
        );
        let args = &parsed.calls[0].args;
        assert_eq!(args[0].value, ArgValue::Str("http://a/v1/traces".into()));
        assert_eq!((args[0].line, args[0].column), (2, 14));
        assert_eq!(args[1].value, ArgValue::Number("10".into()));
        assert_eq!(args[2].value, ArgValue::None);
        assert_eq!(args[3].value, ArgValue::Name("h.x".into()));
        assert_eq!(args[4].value, ArgValue::Other);
        let args = &parsed.calls[1].args;
        assert_eq!(args[0].value, ArgValue::Other);
        assert_eq!(args[1].value, ArgValue::Str("\\n".into()));
        assert_eq!(args[2].value, ArgValue::Str("it's".into()));
    }

    #[test]
    fn crlf_tabs_unicode_and_unterminated_strings() {
        let parsed = parse(
            "from opentelemetry import trace\r\n\tgrüße = trace.get_tracer(\"é\")\r\nx = 'never closed\n",
        );
        assert_eq!(parsed.imports.len(), 1);
        assert_eq!((parsed.calls[0].line, parsed.calls[0].column), (2, 10));
    }

    #[test]
    fn never_panics_on_generated_input() {
        let alphabet = [
            "import ", "from ", " as ", "(", ")", ",", ".", "\"", "'", "\"\"\"", "#", "\\\n", "\n",
            "=", "x", "@", ":", "f\"", "é",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..10_000 {
            let mut text = String::new();
            for _ in 0..(state % 48) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let _ = parse(&text);
        }
    }
}
