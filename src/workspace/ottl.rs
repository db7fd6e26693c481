//! The OpenTelemetry Transformation Language (OTTL): the statements and conditions of a
//! collector's `transform`, `filter` and `routing` components. The collector parses every one
//! at start and refuses its config when one does not parse, so a statement is checked here with
//! the language's own grammar: its lexer rules in their order, its productions as a PEG, and the
//! grammar's own custom errors (an editor where a converter belongs, and the reverse).
//!
//! Source: open-telemetry/opentelemetry-collector-contrib `pkg/ottl/grammar.go` (`buildLexer`,
//! `parsedStatement`, `booleanExpression`, `value`, `mathExpression`, `mapValue`, `list`), read
//! at its 2025 revisions; what later releases added (maps, keys that are expressions, list
//! comprehensions) is accepted, so that a newer statement is never called broken.
//!
//! Offsets are in characters from the start of the statement. Each rule's result is remembered
//! by position, so backtracking never does the same work twice: the parse is linear, and its
//! recursion is bounded by [`MAX_NESTING`].

use super::nesting::{Depth, MAX_NESTING};

/// What a piece of OTTL is meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `set(attributes["x"], "y") where name == "z"`: an editor, optionally with a condition.
    Statement,
    /// `attributes["x"] == "y"`: a boolean expression alone (filter, routing `condition`).
    Condition,
}

/// Why a statement does not parse, and where (in characters from its start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OttlError {
    pub offset: usize,
    pub message: String,
}

/// A function a statement calls: an editor (`set`) or a converter (`IsMatch`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    pub offset: usize,
}

/// Parses `text` as `form`, returning the functions it calls.
pub fn parse(text: &str, form: Form) -> Result<Vec<Call>, OttlError> {
    let chars: Vec<char> = text.chars().collect();
    let tokens = lex(&chars)?;
    let depth = Depth::new(MAX_NESTING);
    let mut parser = Parser::new(&chars, tokens, &depth);
    let end = match form {
        Form::Statement => parser.statement(0),
        Form::Condition => parser.bool_expr(0),
    };
    if let Some(offset) = parser.too_deep {
        return Err(OttlError {
            offset,
            message: format!("it nests more than {MAX_NESTING} levels deep"),
        });
    }
    match end {
        Some(end) if parser.kind(end) == Kind::End => {}
        Some(end) => {
            parser.fail(end, "the end of the statement");
            return Err(parser.error());
        }
        None => return Err(parser.error()),
    }
    let calls = parser.calls();
    if let Some(first) = calls.first()
        && form == Form::Statement
        && first.offset == parser.tokens[0].start
        && !starts_lowercase(&first.name)
    {
        return Err(OttlError {
            offset: first.offset,
            message: format!(
                "editor names must start with a lowercase letter but got '{}'",
                first.name
            ),
        });
    }
    let skip = usize::from(form == Form::Statement);
    if let Some(editor) = calls.iter().skip(skip).find(|c| starts_lowercase(&c.name)) {
        return Err(OttlError {
            offset: editor.offset,
            message: format!(
                "converter names must start with an uppercase letter but got '{}'",
                editor.name
            ),
        });
    }
    Ok(calls)
}

fn starts_lowercase(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bytes,
    Float,
    Int,
    String,
    Not,
    Or,
    And,
    Comparison,
    AddSub,
    MultDiv,
    Boolean,
    Equal,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Colon,
    Comma,
    Dot,
    LBracket,
    RBracket,
    Uppercase,
    Lowercase,
    End,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

/// Go's `\s`.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// Go's `\w`, for `\b`.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn lex(chars: &[char]) -> Result<Vec<Token>, OttlError> {
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if is_space(chars[at]) {
            at += 1;
            continue;
        }
        let Some((kind, length)) = token_at(chars, at) else {
            let excerpt: String = chars[at..].iter().take(20).collect();
            return Err(OttlError {
                offset: at,
                message: format!("invalid input text {excerpt:?}"),
            });
        };
        tokens.push(Token {
            kind,
            start: at,
            end: at + length,
        });
        at += length;
    }
    tokens.push(Token {
        kind: Kind::End,
        start: chars.len(),
        end: chars.len(),
    });
    Ok(tokens)
}

/// The first of the grammar's lexer rules that matches at `at` (their order matters: `-1` is a
/// number, not a minus), and its length.
fn token_at(chars: &[char], at: usize) -> Option<(Kind, usize)> {
    let rest = &chars[at..];
    let digits = |from: usize| {
        rest.get(from..).map_or(0, |tail| {
            tail.iter().take_while(|c| c.is_ascii_digit()).count()
        })
    };
    let sign = usize::from(matches!(rest.first(), Some('-' | '+')));
    // `0x[a-fA-F0-9]+`
    if rest.starts_with(&['0', 'x']) {
        let hex = rest[2..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        if hex > 0 {
            return Some((Kind::Bytes, 2 + hex));
        }
    }
    // `[-+]?\d*\.\d+([eE][-+]?\d+)?`
    let whole = digits(sign);
    if rest.get(sign + whole) == Some(&'.') {
        let fraction = digits(sign + whole + 1);
        if fraction > 0 {
            let mut length = sign + whole + 1 + fraction;
            if matches!(rest.get(length), Some('e' | 'E')) {
                let exponent_sign = usize::from(matches!(rest.get(length + 1), Some('-' | '+')));
                let exponent = digits(length + 1 + exponent_sign);
                if exponent > 0 {
                    length += 1 + exponent_sign + exponent;
                }
            }
            return Some((Kind::Float, length));
        }
    }
    // `[-+]?\d+`
    if whole > 0 {
        return Some((Kind::Int, sign + whole));
    }
    // `"(\\.|[^\\"])*"`: `.` is any character but a line break.
    if rest.first() == Some(&'"') {
        let mut i = 1;
        while i < rest.len() {
            match rest[i] {
                '"' => return Some((Kind::String, i + 1)),
                '\\' if rest.get(i + 1).is_some_and(|c| *c != '\n') => i += 2,
                '\\' => break,
                _ => i += 1,
            }
        }
    }
    let word = |word: &str| {
        let length = word.chars().count();
        (rest.len() >= length
            && rest.iter().zip(word.chars()).all(|(a, b)| *a == b)
            && !rest.get(length).is_some_and(|c| is_word(*c)))
        .then_some(length)
    };
    for (text, kind) in [("not", Kind::Not), ("or", Kind::Or), ("and", Kind::And)] {
        if let Some(length) = word(text) {
            return Some((kind, length));
        }
    }
    let next = rest.get(1).copied();
    match (rest[0], next) {
        ('=' | '!' | '>' | '<', Some('=')) => return Some((Kind::Comparison, 2)),
        ('>' | '<', _) => return Some((Kind::Comparison, 1)),
        ('+' | '-', _) => return Some((Kind::AddSub, 1)),
        ('/' | '*', _) => return Some((Kind::MultDiv, 1)),
        _ => {}
    }
    for text in ["true", "false"] {
        if let Some(length) = word(text) {
            return Some((Kind::Boolean, length));
        }
    }
    let single = match rest[0] {
        '=' => Some(Kind::Equal),
        '(' => Some(Kind::LParen),
        ')' => Some(Kind::RParen),
        '{' => Some(Kind::LBrace),
        '}' => Some(Kind::RBrace),
        ':' => Some(Kind::Colon),
        ',' => Some(Kind::Comma),
        '.' => Some(Kind::Dot),
        '[' => Some(Kind::LBracket),
        ']' => Some(Kind::RBracket),
        _ => None,
    };
    if let Some(kind) = single {
        return Some((kind, 1));
    }
    // `[A-Z][A-Z0-9_]*` and `[a-z][a-z0-9_]*`: `IsMatch` is four tokens, which names join.
    let run = |first: fn(&char) -> bool, kind: Kind| {
        first(&rest[0]).then(|| {
            let tail = rest[1..]
                .iter()
                .take_while(|c| first(c) || c.is_ascii_digit() || **c == '_')
                .count();
            (kind, 1 + tail)
        })
    };
    run(char::is_ascii_uppercase, Kind::Uppercase)
        .or_else(|| run(char::is_ascii_lowercase, Kind::Lowercase))
}

/// The productions whose results are remembered by position.
#[derive(Clone, Copy)]
enum Rule {
    Value,
    Math,
    BoolExpr,
    BoolValue,
}

const RULES: usize = 4;

/// Not tried yet; tried and failed; or tried and ended before token `n - 2`.
const UNKNOWN: u32 = 0;
const FAILED: u32 = 1;

struct Parser<'a> {
    chars: &'a [char],
    tokens: Vec<Token>,
    memo: [Vec<u32>; RULES],
    /// The furthest token a rule failed at, and what it wanted there.
    farthest: usize,
    expected: Vec<&'static str>,
    depth: &'a Depth,
    too_deep: Option<usize>,
}

impl<'a> Parser<'a> {
    fn new(chars: &'a [char], tokens: Vec<Token>, depth: &'a Depth) -> Self {
        let memo = std::array::from_fn(|_| vec![UNKNOWN; tokens.len()]);
        Parser {
            chars,
            tokens,
            memo,
            farthest: 0,
            expected: Vec::new(),
            depth,
            too_deep: None,
        }
    }

    fn kind(&self, at: usize) -> Kind {
        self.tokens.get(at).map_or(Kind::End, |t| t.kind)
    }

    fn text(&self, at: usize) -> String {
        self.tokens
            .get(at)
            .map(|t| self.chars[t.start..t.end].iter().collect())
            .unwrap_or_default()
    }

    fn is_keyword(&self, at: usize, keyword: &str) -> bool {
        self.kind(at) == Kind::Lowercase && self.text(at) == keyword
    }

    fn fail(&mut self, at: usize, wanted: &'static str) {
        if at > self.farthest {
            self.farthest = at;
            self.expected.clear();
        }
        if at == self.farthest && !self.expected.contains(&wanted) {
            self.expected.push(wanted);
        }
    }

    /// When everything a rule tried failed right where it started, says what it wanted as one
    /// thing ("a value") instead of every way a value can start.
    fn summarize(&mut self, at: usize, wanted: &'static str) {
        if self.farthest == at {
            self.expected = vec![wanted];
        }
    }

    fn token(&mut self, at: usize, kind: Kind, wanted: &'static str) -> Option<usize> {
        if self.kind(at) == kind {
            Some(at + 1)
        } else {
            self.fail(at, wanted);
            None
        }
    }

    fn keyword(&mut self, at: usize, keyword: &'static str) -> Option<usize> {
        if self.is_keyword(at, keyword) {
            Some(at + 1)
        } else {
            self.fail(at, "a keyword");
            None
        }
    }

    fn error(&self) -> OttlError {
        let token = self.tokens[self.farthest.min(self.tokens.len() - 1)];
        let found = match token.kind {
            Kind::End => "end of statement".to_string(),
            _ => format!("{:?}", self.text(self.farthest)),
        };
        let message = match self.expected.as_slice() {
            [] => format!("unexpected {found}"),
            wanted => format!("unexpected {found} (expected {})", wanted.join(" or ")),
        };
        OttlError {
            offset: token.start,
            message,
        }
    }

    /// Runs `rule` at `at` once; later calls at the same place get the remembered result.
    fn memoized(
        &mut self,
        rule: Rule,
        at: usize,
        parse: fn(&mut Self, usize) -> Option<usize>,
    ) -> Option<usize> {
        match self.memo[rule as usize].get(at).copied() {
            Some(FAILED) => return None,
            Some(UNKNOWN) | None => {}
            Some(end) => return Some(end as usize - 2),
        }
        let depth = self.depth;
        let Some(_level) = depth.enter() else {
            self.too_deep.get_or_insert(self.tokens[at].start);
            return None;
        };
        let result = parse(self, at);
        if let Some(slot) = self.memo[rule as usize].get_mut(at) {
            *slot = result.map_or(FAILED, |end| end as u32 + 2);
        }
        result
    }

    /// `(editor | converter) ('where' booleanExpression)?`
    fn statement(&mut self, at: usize) -> Option<usize> {
        let end = self
            .call(at, Kind::Lowercase)
            .or_else(|| self.call(at, Kind::Uppercase));
        let Some(end) = end else {
            self.summarize(at, "an editor such as set(...)");
            return None;
        };
        if self.is_keyword(end, "where") {
            return self.bool_expr(end + 1);
        }
        self.fail(end, "\"where\"");
        Some(end)
    }

    /// A function name: an uppercase or lowercase token and the tokens that follow it.
    fn name(&mut self, at: usize, first: Kind) -> Option<usize> {
        let wanted = if first == Kind::Uppercase {
            "a converter name"
        } else {
            "an editor name"
        };
        let mut end = self.token(at, first, wanted)?;
        while matches!(self.kind(end), Kind::Uppercase | Kind::Lowercase) {
            end += 1;
        }
        Some(end)
    }

    /// `name '(' (argument (',' argument)*)? ')' key*`
    fn call(&mut self, at: usize, first: Kind) -> Option<usize> {
        let end = self.name(at, first)?;
        let mut end = self.token(end, Kind::LParen, "\"(\"")?;
        if self.kind(end) != Kind::RParen {
            end = self.argument(end)?;
            while self.kind(end) == Kind::Comma {
                end = self.argument(end + 1)?;
            }
        }
        let end = self.token(end, Kind::RParen, "\",\" or \")\"")?;
        Some(self.keys(end))
    }

    /// `(name '=')? (value | ConverterName)`
    fn argument(&mut self, at: usize) -> Option<usize> {
        let named = self
            .name(at, Kind::Lowercase)
            .and_then(|end| (self.kind(end) == Kind::Equal).then_some(end + 1));
        let start = named.unwrap_or(at);
        let end = self
            .value(start)
            .or_else(|| self.name(start, Kind::Uppercase));
        if end.is_none() {
            self.summarize(start, "an argument");
        }
        end
    }

    fn keys(&mut self, mut at: usize) -> usize {
        while let Some(end) = self.key(at) {
            at = end;
        }
        at
    }

    /// `'[' (String | Int | mathExpression) ']'`
    fn key(&mut self, at: usize) -> Option<usize> {
        let start = self.token(at, Kind::LBracket, "\"[\"")?;
        let end = match self.kind(start) {
            Kind::String | Kind::Int if self.kind(start + 1) == Kind::RBracket => start + 1,
            _ => self.math(start)?,
        };
        self.token(end, Kind::RBracket, "\"]\"")
    }

    fn value(&mut self, at: usize) -> Option<usize> {
        self.memoized(Rule::Value, at, Self::parse_value)
    }

    /// `'nil' | literal | mathExpression | Bytes | String | Boolean | Enum | FunctionName |
    /// map | list`
    fn parse_value(&mut self, at: usize) -> Option<usize> {
        if self.is_keyword(at, "nil") {
            return Some(at + 1);
        }
        if let Some(end) = self.math_literal(at)
            && !matches!(self.kind(end), Kind::AddSub | Kind::MultDiv)
        {
            return Some(end);
        }
        if let Some(end) = self.math(at) {
            return Some(end);
        }
        match self.kind(at) {
            Kind::Bytes | Kind::String | Kind::Boolean => return Some(at + 1),
            Kind::Uppercase if self.kind(at + 1) != Kind::Lowercase => return Some(at + 1),
            Kind::Uppercase => return self.name(at, Kind::Uppercase),
            Kind::LBrace => return self.map(at),
            Kind::LBracket => return self.list(at),
            _ => {}
        }
        self.summarize(at, "a value");
        None
    }

    /// `editor | converter | Float | Int | path`: an editor here is the grammar's own error,
    /// which `parse` reports once the statement has parsed.
    fn math_literal(&mut self, at: usize) -> Option<usize> {
        match self.kind(at) {
            Kind::Float | Kind::Int => Some(at + 1),
            Kind::Uppercase => self.call(at, Kind::Uppercase),
            Kind::Lowercase => self.call(at, Kind::Lowercase).or_else(|| self.path(at)),
            _ => {
                self.fail(at, "a value");
                None
            }
        }
    }

    /// `field ('.' field)*`, a field being `Lowercase key*`.
    fn path(&mut self, at: usize) -> Option<usize> {
        let mut end = self.token(at, Kind::Lowercase, "a path")?;
        end = self.keys(end);
        while self.kind(end) == Kind::Dot {
            let Some(field) = self.token(end + 1, Kind::Lowercase, "a field name") else {
                break;
            };
            end = self.keys(field);
        }
        Some(end)
    }

    /// `'{' (String ':' value ','?)* '}'`
    fn map(&mut self, at: usize) -> Option<usize> {
        let mut end = self.token(at, Kind::LBrace, "\"{\"")?;
        while self.kind(end) == Kind::String {
            end = self.token(end + 1, Kind::Colon, "\":\"")?;
            end = self.value(end)?;
            if self.kind(end) == Kind::Comma {
                end += 1;
            }
        }
        self.token(end, Kind::RBrace, "\"}\" or a string key")
    }

    /// `'[' value* (',' value)* ']'`, or a comprehension `[value for x in value (if
    /// condition)?]`.
    fn list(&mut self, at: usize) -> Option<usize> {
        let start = self.token(at, Kind::LBracket, "\"[\"")?;
        if let Some(end) = self.comprehension(start) {
            return Some(end);
        }
        let mut end = start;
        while let Some(next) = self.value(end) {
            end = next;
        }
        while self.kind(end) == Kind::Comma {
            end = self.value(end + 1)?;
        }
        self.token(end, Kind::RBracket, "\",\" or \"]\"")
    }

    fn comprehension(&mut self, at: usize) -> Option<usize> {
        let end = self.value(at)?;
        let end = self.keyword(end, "for")?;
        let end = self.token(end, Kind::Lowercase, "a name")?;
        let end = self.keyword(end, "in")?;
        let mut end = self.value(end)?;
        if self.is_keyword(end, "if") {
            end = self.bool_expr(end + 1)?;
        }
        self.token(end, Kind::RBracket, "\"]\"")
    }

    fn math(&mut self, at: usize) -> Option<usize> {
        self.memoized(Rule::Math, at, Self::parse_math)
    }

    /// `addSubTerm (OpAddSub addSubTerm)*`, a term being `mathValue (OpMultDiv mathValue)*`.
    fn parse_math(&mut self, at: usize) -> Option<usize> {
        let mut end = self.term(at)?;
        while self.kind(end) == Kind::AddSub {
            match self.term(end + 1) {
                Some(next) => end = next,
                None => break,
            }
        }
        Some(end)
    }

    fn term(&mut self, at: usize) -> Option<usize> {
        let mut end = self.math_value(at)?;
        while self.kind(end) == Kind::MultDiv {
            match self.math_value(end + 1) {
                Some(next) => end = next,
                None => break,
            }
        }
        Some(end)
    }

    /// `literal | '(' mathExpression ')'`
    fn math_value(&mut self, at: usize) -> Option<usize> {
        if self.kind(at) == Kind::LParen {
            let end = self.math(at + 1)?;
            return self.token(end, Kind::RParen, "\")\"");
        }
        self.math_literal(at)
    }

    fn bool_expr(&mut self, at: usize) -> Option<usize> {
        self.memoized(Rule::BoolExpr, at, Self::parse_bool_expr)
    }

    /// `term (OpOr term)*`, a term being `booleanValue (OpAnd booleanValue)*`.
    fn parse_bool_expr(&mut self, at: usize) -> Option<usize> {
        let mut end = self.bool_term(at)?;
        while self.kind(end) == Kind::Or {
            end = self.bool_term(end + 1)?;
        }
        Some(end)
    }

    fn bool_term(&mut self, at: usize) -> Option<usize> {
        let mut end = self.bool_value(at)?;
        while self.kind(end) == Kind::And {
            end = self.bool_value(end + 1)?;
        }
        Some(end)
    }

    fn bool_value(&mut self, at: usize) -> Option<usize> {
        self.memoized(Rule::BoolValue, at, Self::parse_bool_value)
    }

    /// `OpNot? (comparison | Boolean | converter | '(' booleanExpression ')')`
    fn parse_bool_value(&mut self, at: usize) -> Option<usize> {
        let start = if self.kind(at) == Kind::Not {
            at + 1
        } else {
            at
        };
        if let Some(left) = self.value(start) {
            if self.kind(left) == Kind::Comparison
                && let Some(end) = self.value(left + 1)
            {
                return Some(end);
            }
            self.fail(left, "a comparison operator");
        }
        match self.kind(start) {
            Kind::Boolean => return Some(start + 1),
            Kind::Uppercase => {
                if let Some(end) = self.call(start, Kind::Uppercase) {
                    return Some(end);
                }
            }
            Kind::LParen => {
                let inner = self.bool_expr(start + 1)?;
                return self.token(inner, Kind::RParen, "\")\"");
            }
            _ => {}
        }
        self.summarize(start, "a condition");
        None
    }

    /// Every function the parsed statement calls: a name (tokens joined, as the grammar joins
    /// them) right before `(`. `where`, `for`, `in` and `if` start no name.
    fn calls(&self) -> Vec<Call> {
        let mut calls = Vec::new();
        let mut name: Option<(String, usize)> = None;
        for (index, token) in self.tokens.iter().enumerate() {
            match token.kind {
                Kind::Lowercase
                    if ["where", "for", "in", "if"].contains(&self.text(index).as_str()) =>
                {
                    name = None;
                }
                Kind::Uppercase | Kind::Lowercase => {
                    let text = self.text(index);
                    match &mut name {
                        Some((joined, _)) => joined.push_str(&text),
                        None => name = Some((text, token.start)),
                    }
                }
                Kind::LParen => {
                    if let Some((name, offset)) = name.take() {
                        calls.push(Call { name, offset });
                    }
                }
                _ => name = None,
            }
        }
        calls
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(text: &str) -> Result<Vec<String>, String> {
        parse(text, Form::Statement)
            .map(|calls| calls.into_iter().map(|c| c.name).collect())
            .map_err(|e| format!("{}: {}", e.offset, e.message))
    }

    fn condition(text: &str) -> Result<(), String> {
        parse(text, Form::Condition)
            .map(|_| ())
            .map_err(|e| format!("{}: {}", e.offset, e.message))
    }

    #[test]
    fn editors_with_paths_literals_and_where_clauses() {
        for text in [
            r#"set(attributes["http.route"], "/users")"#,
            r#"set(span.attributes["deployment"], "prod") where resource.attributes["service.name"] == "api""#,
            r#"delete_key(resource.attributes, "process.command_line")"#,
            r#"keep_keys(attributes, ["a", "b"])"#,
            r#"set(attributes["n"], 1) where attributes["m"] >= -1.5e3"#,
            r#"set(attributes["b"], 0xDEADbeef)"#,
            r#"set(attributes["x"], nil) where name != nil and not IsMatch(name, "^GET ")"#,
            r#"set(status.code, STATUS_CODE_ERROR) where attributes["http.status_code"] >= 500"#,
            r#"replace_pattern(attributes["http.url"], "token=[^&]*", "token=***")"#,
            r#"set(attributes["list"], [1, 2.5, "three", true, nil])"#,
            r#"set(attributes["m"], {"a": 1, "b": {"c": [1]}})"#,
            r#"set(attributes["t"], Concat([attributes["a"], "-", attributes["b"]], ""))"#,
            r#"set(attributes["d"], (end_time_unix_nano - start_time_unix_nano) / 1000000)"#,
            r#"set(attributes["r"], resource.attributes["k"][0]["inner"])"#,
            r#"replace_all_matches(attributes, "*token*", "***", SHA256)"#,
            r#"merge_maps(cache, ParseJSON(body), "upsert") where IsMatch(body, "^\\{")"#,
            r#"set(attributes["x"], "y") where (name == "a" or name == "b") and kind == SPAN_KIND_SERVER"#,
            r#"truncate_all(attributes, limit=100)"#,
            r#"set(attributes["x"], attributes[attributes["key"]])"#,
            r#"set(attributes["ids"], [x for x in attributes["list"] if x != ""])"#,
            r#"route() where resource.attributes["tenant"] == "acme""#,
            "set(attributes[\"a\"],\n  \"b\")\n  where name == \"x\"",
        ] {
            assert!(statement(text).is_ok(), "{text}: {:?}", statement(text));
        }
        assert_eq!(
            statement(r#"set(attributes["x"], Concat([name, "y"], "")) where IsMatch(name, "a")"#),
            Ok(vec!["set".into(), "Concat".into(), "IsMatch".into()])
        );
    }

    #[test]
    fn conditions_alone() {
        for text in [
            r#"attributes["http.route"] == "/health""#,
            r#"IsMatch(name, ".*healthz.*")"#,
            "true",
            r#"not (resource.attributes["env"] == "dev" or resource.attributes["env"] == "test")"#,
            r#"request["X-Tenant"] == "acme""#,
            r#"Len(attributes) > 10 and duration > 5 * 1000"#,
        ] {
            assert!(condition(text).is_ok(), "{text}: {:?}", condition(text));
        }
    }

    #[test]
    fn what_the_collector_refuses_and_where() {
        let cases: [(&str, Form, &str); 12] = [
            (
                r#"set(attributes["x"], "y""#,
                Form::Statement,
                "24: unexpected end of statement (expected \",\" or \")\")",
            ),
            (
                r#"set(attributes['x'], "y")"#,
                Form::Statement,
                "15: invalid input text \"'x'], \\\"y\\\")\"",
            ),
            (
                r#"set(attributes["x"], "y") where name = "a""#,
                Form::Statement,
                "37: unexpected \"=\" (expected \"(\" or \"[\" or a comparison operator)",
            ),
            (
                r#"Set(attributes["x"], "y")"#,
                Form::Statement,
                "0: editor names must start with a lowercase letter but got 'Set'",
            ),
            (
                r#"set(attributes["x"], concat(["a"], ""))"#,
                Form::Statement,
                "21: converter names must start with an uppercase letter but got 'concat'",
            ),
            (
                r#"set(attributes["x"], "y") if name == "a""#,
                Form::Statement,
                "26: unexpected \"if\" (expected \"[\" or \"where\" or the end of the statement)",
            ),
            (
                r#"attributes["x"] == "y" && name == "z""#,
                Form::Condition,
                "23: invalid input text \"&& name == \\\"z\\\"\"",
            ),
            (
                r#"attributes["x"]"#,
                Form::Condition,
                "15: unexpected end of statement (expected \"[\" or a comparison operator)",
            ),
            (
                r#"set(attributes["x"], "unterminated)"#,
                Form::Statement,
                "21: invalid input text \"\\\"unterminated)\"",
            ),
            (
                r#"name == "a" and"#,
                Form::Condition,
                "15: unexpected end of statement (expected a condition)",
            ),
            (
                "",
                Form::Statement,
                "0: unexpected end of statement (expected an editor such as set(...))",
            ),
            (
                r#"set(attributes["x"], "y") where attributes["a"] == "b""#,
                Form::Condition,
                "26: unexpected \"where\" (expected \"[\" or a comparison operator)",
            ),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(text, form, expected)| {
                let got = parse(text, *form).map_err(|e| format!("{}: {}", e.offset, e.message));
                (got.as_ref().err().map(String::as_str) != Some(*expected))
                    .then(|| format!("{text}\n  got {got:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn lexer_rules_in_their_order() {
        let kinds = |text: &str| -> Vec<Kind> {
            let chars: Vec<char> = text.chars().collect();
            lex(&chars).unwrap().iter().map(|t| t.kind).collect()
        };
        use Kind::*;
        assert_eq!(kinds("x -1"), [Lowercase, Int, End]);
        assert_eq!(kinds("x - 1"), [Lowercase, AddSub, Int, End]);
        assert_eq!(kinds("nothing not"), [Lowercase, Not, End]);
        assert_eq!(kinds("true_x true"), [Lowercase, Boolean, End]);
        assert_eq!(
            kinds("IsMatch"),
            [Uppercase, Lowercase, Uppercase, Lowercase, End]
        );
        assert_eq!(
            kinds(".5 1.5e-3 0x0f 0xg"),
            [Float, Float, Bytes, Int, Lowercase, End]
        );
        assert_eq!(
            kinds(r#""a\"b" == != <= <"#),
            [String, Comparison, Comparison, Comparison, Comparison, End]
        );
    }

    #[test]
    fn nesting_is_bounded_and_work_is_linear() {
        let deep = format!("set(x, {}1{})", "(".repeat(5000), ")".repeat(5000));
        let error = parse(&deep, Form::Statement).unwrap_err();
        assert!(error.message.contains("levels deep"), "{error:?}");
        // Every alternative of a parenthesis is tried once per position, not once per path.
        let wide = format!("{}a == b{}", "(".repeat(60), ")".repeat(60));
        assert!(parse(&wide, Form::Condition).is_ok());
        let long = vec!["name == \"a\""; 5000].join(" or ");
        assert!(parse(&long, Form::Condition).is_ok());
    }
}
