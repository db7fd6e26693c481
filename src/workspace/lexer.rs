//! What the hand-written lexers of Go and Ruby share: walking a source's bytes while keeping
//! the line and the column (in characters) of every token, and whether a line break came
//! before it (both languages end statements there), plus the table of matching brackets that
//! their readers jump with. What a token is stays each language's own.

/// A token of a language's own kind `K`, where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Token<K> {
    pub kind: K,
    pub line: u32,
    pub column: u32,
    /// A line break comes before it.
    pub newline_before: bool,
}

/// The bytes of a source, walked once, front to back.
pub struct Cursor<'a> {
    pub source: &'a str,
    pub bytes: &'a [u8],
    pub i: usize,
    line: usize,
    line_start: usize,
    /// The column (in characters) of byte `column_at` of the current line: columns are
    /// counted forward from the last token's, so a long line is walked once.
    column_at: usize,
    column: usize,
    newline_before: bool,
}

/// Where a token starts, taken before its bytes are consumed.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    byte: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(source: &'a str) -> Self {
        Cursor {
            source,
            bytes: source.as_bytes(),
            i: 0,
            line: 1,
            line_start: 0,
            column_at: 0,
            column: 1,
            newline_before: true,
        }
    }

    pub fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.i + ahead).copied()
    }

    pub fn at_end(&self) -> bool {
        self.i >= self.bytes.len()
    }

    pub fn start(&self) -> Start {
        Start {
            byte: self.i,
            line: self.line,
            line_start: self.line_start,
        }
    }

    /// Steps over one byte, counting the line it ends.
    pub fn bump(&mut self) {
        if self.peek(0) == Some(b'\n') {
            self.line += 1;
            self.line_start = self.i + 1;
            self.column_at = self.line_start;
            self.column = 1;
            self.newline_before = true;
        }
        self.i += 1;
    }

    /// Steps over the rest of the line, not its line break.
    pub fn skip_line(&mut self) {
        while self.peek(0).is_some_and(|c| c != b'\n') {
            self.i += 1;
        }
    }

    /// Steps to just after `end` (or to the end of the source), counting lines.
    pub fn skip_past(&mut self, end: &[u8]) {
        while !self.at_end() {
            if self.bytes[self.i..].starts_with(end) {
                for _ in 0..end.len() {
                    self.bump();
                }
                return;
            }
            self.bump();
        }
    }

    /// The source from `start` to here.
    pub fn text_from(&self, start: Start) -> &'a str {
        self.source.get(start.byte..self.i).unwrap_or_default()
    }

    /// A token that began at `start` and ends here.
    pub fn token<K>(&mut self, kind: K, start: Start) -> Token<K> {
        let column = if start.line_start != self.line_start || start.byte < self.column_at {
            // It began on an earlier line (a multi-line string).
            let before = self
                .source
                .get(start.line_start..start.byte)
                .unwrap_or_default();
            before.chars().count() + 1
        } else {
            let between = self
                .source
                .get(self.column_at..start.byte)
                .unwrap_or_default();
            self.column += between.chars().count();
            self.column_at = start.byte;
            self.column
        };
        let token = Token {
            kind,
            line: to_u32(start.line),
            column: to_u32(column),
            newline_before: self.newline_before,
        };
        self.newline_before = false;
        token
    }
}

pub fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// For each opening bracket, the index of its closing one (`None` when unclosed), given what
/// opens and closes: `Some((true, b'('))` for `(`, `Some((false, b'('))` for `)`. A closing
/// bracket without its opening one on top of the stack is skipped, so that one stray bracket
/// does not unpair the rest of the file; work stays linear.
pub fn match_brackets<K>(
    tokens: &[Token<K>],
    bracket: impl Fn(&K) -> Option<(bool, u8)>,
) -> Vec<Option<usize>> {
    let mut matching = vec![None; tokens.len()];
    let mut open: Vec<(usize, u8)> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        match bracket(&token.kind) {
            Some((true, kind)) => open.push((index, kind)),
            Some((false, kind)) if open.last().is_some_and(|(_, k)| *k == kind) => {
                if let Some((at, _)) = open.pop() {
                    matching[at] = Some(index);
                }
            }
            _ => {}
        }
    }
    matching
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let mut cursor = Cursor::new("é x\n  y");
        let mut tokens = Vec::new();
        while !cursor.at_end() {
            match cursor.peek(0) {
                Some(c) if c.is_ascii_whitespace() => cursor.bump(),
                Some(_) => {
                    let start = cursor.start();
                    while cursor.peek(0).is_some_and(|c| !c.is_ascii_whitespace()) {
                        cursor.bump();
                    }
                    let text = cursor.text_from(start).to_string();
                    tokens.push(cursor.token(text, start));
                }
                None => break,
            }
        }
        let found: Vec<(String, u32, u32, bool)> = tokens
            .into_iter()
            .map(|t| (t.kind, t.line, t.column, t.newline_before))
            .collect();
        assert_eq!(
            found,
            [
                ("é".to_string(), 1, 1, true),
                ("x".to_string(), 1, 3, false),
                ("y".to_string(), 2, 3, true)
            ]
        );
    }

    #[test]
    fn a_stray_closing_bracket_does_not_unpair_the_rest() {
        let kinds = ["(", "]", "(", ")", ")"];
        let tokens: Vec<Token<&str>> = kinds
            .iter()
            .map(|k| Token {
                kind: *k,
                line: 1,
                column: 1,
                newline_before: false,
            })
            .collect();
        let matching = match_brackets(&tokens, |k| match *k {
            "(" => Some((true, b'(')),
            ")" => Some((false, b'(')),
            "]" => Some((false, b'[')),
            _ => None,
        });
        assert_eq!(matching, [Some(4), None, Some(3), None, None]);
    }
}
