//! A file's text as `fix` edits it: lines by number (1-based, as findings count them), columns
//! in characters, the file's own newline, and changes that keep everything else byte for byte.

use std::ops::Range;

/// One change to the text as it was read: the bytes of `range` become `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub range: Range<usize>,
    pub text: String,
}

impl Change {
    pub fn insert(at: usize, text: String) -> Self {
        Change {
            range: at..at,
            text,
        }
    }

    pub fn delete(range: Range<usize>) -> Self {
        Change {
            range,
            text: String::new(),
        }
    }
}

/// The text of one file, with where each line starts.
pub struct Source<'a> {
    pub text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .filter(|&start| start < text.len() || start == 0)
            .collect();
        Source { text, starts }
    }

    /// How many lines there are (a final newline does not start another one).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The newline this file uses: CRLF when its first line ends with one.
    pub fn newline(&self) -> &'static str {
        match self.text.find('\n') {
            Some(at) if self.text[..at].ends_with('\r') => "\r\n",
            _ => "\n",
        }
    }

    /// Where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// Where a line's content ends, before its newline.
    pub fn line_end(&self, line: usize) -> Option<usize> {
        let start = self.line_start(line)?;
        let end = self.starts.get(line).copied().unwrap_or(self.text.len());
        let content = &self.text[start..end];
        let content = content.strip_suffix('\n').unwrap_or(content);
        let content = content.strip_suffix('\r').unwrap_or(content);
        Some(start + content.len())
    }

    /// Where the next line starts (the end of the text after the last line).
    pub fn next_line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    /// A line's content, without its newline.
    pub fn line(&self, line: usize) -> Option<&'a str> {
        Some(&self.text[self.line_start(line)?..self.line_end(line)?])
    }

    /// The byte offset of a 1-based line and character column.
    pub fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let start = self.line_start(line)?;
        let content = self.line(line)?;
        let skip = column.checked_sub(1)?;
        let within = content
            .char_indices()
            .map(|(at, _)| at)
            .chain(std::iter::once(content.len()))
            .nth(skip)?;
        Some(start + within)
    }

    /// The 1-based line that holds byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    /// Inserts whole lines after `line`, before its newline, so a last line without one stays
    /// without one.
    pub fn insert_lines_after(&self, line: usize, lines: &[String]) -> Option<Change> {
        let at = self.line_end(line)?;
        let newline = self.newline();
        let text: String = lines.iter().map(|l| format!("{newline}{l}")).collect();
        Some(Change::insert(at, text))
    }

    /// Deletes lines `first..=last` with their newlines; when they are the last lines, the
    /// newline before them goes instead, so the file keeps its ending.
    pub fn delete_lines(&self, first: usize, last: usize) -> Option<Change> {
        let start = self.line_start(first)?;
        let after = self.next_line_start(last);
        if after < self.text.len() || self.text[..after].ends_with('\n') {
            return Some(Change::delete(start..after));
        }
        let before = if first > 1 {
            self.line_end(first - 1)?
        } else {
            start
        };
        Some(Change::delete(before..self.text.len()))
    }
}

/// How many spaces a line is indented by.
pub fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether a line holds nothing but blanks or a `#` comment.
pub fn is_blank_or_comment(line: &str) -> bool {
    let content = line.trim_start();
    content.is_empty() || content.starts_with('#')
}

/// Applies changes to the text they were made against, from the last position to the first
/// (so the positions of the others stay right). Changes at the same position keep their order.
pub fn apply(text: &str, changes: &[Change]) -> String {
    let mut ordered: Vec<(usize, &Change)> = changes.iter().enumerate().collect();
    ordered.sort_by_key(|(order, change)| (change.range.start, change.range.end, *order));
    let mut out = text.to_string();
    for (_, change) in ordered.into_iter().rev() {
        out.replace_range(change.range.clone(), &change.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_in_characters() {
        let source = Source::new("a: é\r\nb: 2\r\n");
        assert_eq!(source.line_count(), 2);
        assert_eq!(source.line(1), Some("a: é"));
        assert_eq!(source.line(2), Some("b: 2"));
        assert_eq!(source.line(3), None);
        assert_eq!(source.newline(), "\r\n");
        assert_eq!(source.offset(1, 4), Some(3));
        assert_eq!(source.offset(1, 5), Some(5));
        assert_eq!(source.offset(2, 1), Some(7));
        assert_eq!(source.line_of(7), 2);
        assert_eq!(source.line_of(0), 1);
    }

    #[test]
    fn inserted_lines_keep_the_newline_style_and_a_missing_final_newline() {
        let text = "a: 1\r\nb: 2";
        let source = Source::new(text);
        let change = source.insert_lines_after(2, &["c: 3".to_string()]).unwrap();
        assert_eq!(apply(text, &[change]), "a: 1\r\nb: 2\r\nc: 3");
    }

    #[test]
    fn deleting_the_last_lines_keeps_the_ending() {
        let text = "a\nb\nc";
        let source = Source::new(text);
        let change = source.delete_lines(2, 3).unwrap();
        assert_eq!(apply(text, &[change]), "a");
        let text = "a\nb\nc\n";
        let source = Source::new(text);
        assert_eq!(apply(text, &[source.delete_lines(2, 2).unwrap()]), "a\nc\n");
        assert_eq!(apply(text, &[source.delete_lines(3, 3).unwrap()]), "a\nb\n");
    }

    #[test]
    fn changes_apply_from_the_end() {
        let text = "0123456789";
        let changes = [
            Change::insert(2, "x".into()),
            Change::delete(5..7),
            Change::insert(2, "y".into()),
        ];
        assert_eq!(apply(text, &changes), "01xy234789");
    }
}
