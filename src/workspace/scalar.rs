//! Where each character of a YAML scalar's value is written in its file, so that a finding
//! inside a value (an OTTL statement's bad token) points at its own line and column, whatever
//! the scalar's style: plain, `"double"` (escapes), `'single'` (`''`), `|` literal or `>`
//! folded block, over one line or several (YAML 1.2 §7.3, §8.1: line folding, block
//! indentation).
//!
//! The value is decoded again from the file's text and compared with the value the YAML
//! parser gave: when the two differ (an explicit indentation indicator, a tab, a style not
//! followed here) there is no answer, and callers point at the scalar itself.

/// The `(line, column)` of each character of `value`, a scalar whose node starts at `line` and
/// `column` (1-based, in characters) of `text`; `None` when the text there does not decode to
/// `value`.
pub fn char_positions(text: &str, line: u32, column: u32, value: &str) -> Option<Vec<(u32, u32)>> {
    let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let wanted: Vec<char> = value.chars().collect();
    let row = line.checked_sub(1)? as usize;
    let start = column.checked_sub(1)? as usize;
    let first = *lines.get(row)?.get(start)?;
    let mut decoder = Decoder {
        lines: &lines,
        out: Vec::with_capacity(wanted.len()),
        limit: wanted.len(),
    };
    match (first, block_header(&lines, row, start)) {
        ('"' | '\'', _) => decoder.quoted(row, start + 1, first),
        ('|' | '>', _) => decoder.block(row, start, first == '>'),
        (_, Some((header_row, at))) => decoder.block(header_row, at, lines[header_row][at] == '>'),
        _ => decoder.plain(row, start),
    }
    let decoded = decoder.out;
    if decoded.len() < wanted.len() {
        // A block's trailing line breaks (its chomping) are not decoded.
        let missing = &wanted[decoded.len()..];
        if !missing.iter().all(|c| *c == '\n') {
            return None;
        }
    }
    let matches = decoded.iter().zip(&wanted).all(|((c, _), w)| c == w);
    if !matches || decoded.is_empty() && !wanted.is_empty() {
        return None;
    }
    let last = decoded.last().map(|(_, p)| *p);
    let mut positions: Vec<(u32, u32)> = decoded.into_iter().map(|(_, p)| p).collect();
    positions.truncate(wanted.len());
    while positions.len() < wanted.len() {
        positions.push(last?);
    }
    Some(positions)
}

/// The `|` or `>` that starts the block a scalar is the content of, when the parser places
/// the scalar at its first content line (serde-saphyr does): the node is the first text of its
/// line, and the line above ends with a block header (`- |`, `key: >-`).
fn block_header(lines: &[Vec<char>], row: usize, start: usize) -> Option<(usize, usize)> {
    if lines.get(row)?[..start].iter().any(|c| *c != ' ') {
        return None;
    }
    let above = row.checked_sub(1)?;
    let line = &lines[above];
    let text: String = line.iter().collect();
    let text = text.split(" #").next().unwrap_or_default().trim_end();
    let word = text.rsplit(' ').next()?;
    let is_header = word.starts_with(['|', '>'])
        && word.len() <= 3
        && word[1..]
            .chars()
            .all(|c| matches!(c, '+' | '-') || c.is_ascii_digit());
    if !is_header {
        return None;
    }
    let at = text.chars().count() - word.chars().count();
    Some((above, at))
}

struct Decoder<'a> {
    lines: &'a [Vec<char>],
    out: Vec<(char, (u32, u32))>,
    /// Decoding stops once this many characters are out.
    limit: usize,
}

impl Decoder<'_> {
    fn full(&self) -> bool {
        self.out.len() >= self.limit
    }

    fn push(&mut self, c: char, row: usize, index: usize) {
        self.out.push((c, (row as u32 + 1, index as u32 + 1)));
    }

    /// A line break inside a flow scalar: trailing spaces go, the break is one space, or one
    /// `\n` per empty line that follows; returns where the next line's text starts.
    fn fold(&mut self, row: usize) -> Option<(usize, usize)> {
        while self
            .out
            .last()
            .is_some_and(|(c, _)| *c == ' ' || *c == '\t')
        {
            self.out.pop();
        }
        let end = self.lines.get(row).map_or(0, Vec::len);
        let mut next = row + 1;
        let mut empty = 0;
        while let Some(line) = self.lines.get(next) {
            if line.iter().all(|c| *c == ' ' || *c == '\t') {
                empty += 1;
                next += 1;
            } else {
                break;
            }
        }
        let line = self.lines.get(next)?;
        if empty == 0 {
            self.push(' ', row, end);
        }
        for _ in 0..empty {
            self.push('\n', row, end);
        }
        let indent = line
            .iter()
            .take_while(|c| **c == ' ' || **c == '\t')
            .count();
        Some((next, indent))
    }

    fn quoted(&mut self, mut row: usize, mut index: usize, quote: char) {
        while !self.full() {
            let Some(line) = self.lines.get(row) else {
                return;
            };
            let Some(&c) = line.get(index) else {
                match self.fold(row) {
                    Some((next, at)) => (row, index) = (next, at),
                    None => return,
                }
                continue;
            };
            match c {
                '\'' if quote == '\'' => {
                    if line.get(index + 1) == Some(&'\'') {
                        self.push('\'', row, index);
                        index += 2;
                    } else {
                        return;
                    }
                }
                '"' if quote == '"' => return,
                '\\' if quote == '"' => {
                    let Some(&escape) = line.get(index + 1) else {
                        // An escaped line break joins the lines without a space.
                        let Some(next) = self.lines.get(row + 1) else {
                            return;
                        };
                        index = next
                            .iter()
                            .take_while(|c| **c == ' ' || **c == '\t')
                            .count();
                        row += 1;
                        continue;
                    };
                    let (decoded, length) = match escape {
                        'x' => (hex(line, index + 2, 2), 4),
                        'u' => (hex(line, index + 2, 4), 6),
                        'U' => (hex(line, index + 2, 8), 10),
                        other => (simple_escape(other), 2),
                    };
                    let Some(decoded) = decoded else {
                        return;
                    };
                    self.push(decoded, row, index);
                    index += length;
                }
                _ => {
                    self.push(c, row, index);
                    index += 1;
                }
            }
        }
    }

    fn plain(&mut self, mut row: usize, mut index: usize) {
        while !self.full() {
            let Some(line) = self.lines.get(row) else {
                return;
            };
            match line.get(index) {
                Some(&c) => {
                    self.push(c, row, index);
                    index += 1;
                }
                None => match self.fold(row) {
                    Some((next, at)) => (row, index) = (next, at),
                    None => return,
                },
            }
        }
    }

    /// A `|` or `>` block: its lines after the header, at the first line's indentation.
    fn block(&mut self, row: usize, index: usize, folded: bool) {
        let header = &self.lines[row][index + 1..];
        if header
            .iter()
            .take_while(|c| !c.is_whitespace())
            .any(char::is_ascii_digit)
        {
            return;
        }
        let is_blank = |line: &Vec<char>| line.iter().all(|c| *c == ' ');
        let Some(first) = self.lines[row + 1..].iter().position(|l| !is_blank(l)) else {
            return;
        };
        let indent = self.lines[row + 1 + first]
            .iter()
            .take_while(|c| **c == ' ')
            .count();
        let mut current = row + 1;
        while !self.full() {
            let Some(line) = self.lines.get(current) else {
                return;
            };
            if !is_blank(line) && line.iter().take_while(|c| **c == ' ').count() < indent {
                return;
            }
            for (at, c) in line.iter().enumerate().skip(indent) {
                self.push(*c, current, at);
            }
            // `>` folds a break between two lines of text (not more indented) into a space.
            let next_is_text = self
                .lines
                .get(current + 1)
                .is_some_and(|next| !is_blank(next) && next.get(indent).is_some_and(|c| *c != ' '));
            let this_is_text = line.get(indent).is_some_and(|c| *c != ' ');
            let joiner = if folded && this_is_text && next_is_text {
                ' '
            } else {
                '\n'
            };
            self.push(joiner, current, line.len());
            current += 1;
        }
    }
}

fn hex(line: &[char], from: usize, digits: usize) -> Option<char> {
    let text: String = line.get(from..from + digits)?.iter().collect();
    char::from_u32(u32::from_str_radix(&text, 16).ok()?)
}

/// YAML 1.2's one-character escapes (§5.7).
fn simple_escape(c: char) -> Option<char> {
    Some(match c {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\x0b',
        'f' => '\x0c',
        'r' => '\r',
        'e' => '\x1b',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `needle` of the value is, as `line:column`.
    fn at(text: &str, line: u32, column: u32, value: &str, needle: &str) -> Option<String> {
        let positions = char_positions(text, line, column, value)?;
        let offset = value.find(needle)?;
        let index = value[..offset].chars().count();
        let (l, c) = positions[index];
        Some(format!("{l}:{c}"))
    }

    #[test]
    fn every_style_maps_back_to_the_file() {
        let plain = "s:\n  - set(attributes[\"x\"], 1)\n";
        assert_eq!(
            at(plain, 2, 5, "set(attributes[\"x\"], 1)", "1)").as_deref(),
            Some("2:26")
        );
        let double = "s:\n  - \"set(attributes[\\\"x\\\"], 1)\"\n";
        assert_eq!(
            at(double, 2, 5, "set(attributes[\"x\"], 1)", "1)").as_deref(),
            Some("2:29")
        );
        let single = "s:\n  - 'set(attributes[\"it''s\"], 1)'\n";
        assert_eq!(
            at(single, 2, 5, "set(attributes[\"it's\"], 1)", "1)").as_deref(),
            Some("2:31")
        );
        let literal = "s:\n  - |\n    set(attributes[\"x\"],\n      1)\n";
        assert_eq!(
            at(literal, 2, 5, "set(attributes[\"x\"],\n  1)\n", "1)").as_deref(),
            Some("4:7")
        );
        // serde-saphyr places a block scalar at its first line of content.
        assert_eq!(
            at(literal, 3, 5, "set(attributes[\"x\"],\n  1)\n", "1)").as_deref(),
            Some("4:7")
        );
        let folded = "s:\n  - >\n    set(attributes[\"x\"],\n    1)\n";
        assert_eq!(
            at(folded, 2, 5, "set(attributes[\"x\"], 1)\n", "1)").as_deref(),
            Some("4:5")
        );
        let folded_plain = "s:\n  - set(attributes[\"x\"],\n    1)\n";
        assert_eq!(
            at(folded_plain, 2, 5, "set(attributes[\"x\"], 1)", "1)").as_deref(),
            Some("3:5")
        );
    }

    #[test]
    fn no_answer_when_the_text_does_not_decode_to_the_value() {
        assert_eq!(char_positions("a: b\n", 1, 4, "c"), None);
        assert_eq!(char_positions("a: |2\n   x\n", 1, 4, " x\n"), None);
        assert_eq!(char_positions("a: b\n", 9, 4, "b"), None);
    }
}
