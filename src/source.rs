//! Files as the tool reads them: bounded in size, checked to be text, and the positions that
//! every finding points at.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Workspace files larger than this are reported and skipped: no compose file, Dockerfile or
/// manifest is anywhere near it, and reading a stray 50 MB log as YAML would only waste time.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A 1-based position in a workspace file; `file` is relative to the workspace root (with `/`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
}

impl Location {
    pub fn new(file: &Arc<str>, line: u32, column: u32) -> Self {
        Location {
            file: Arc::clone(file),
            line: line.max(1),
            column: column.max(1),
        }
    }

    /// The start of a file, for facts about a file as a whole (it is missing, it is binary).
    pub fn file_start(file: &Arc<str>) -> Self {
        Location::new(file, 1, 1)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Why a file could not be read as text. `Display` is one line, without the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    Io(String),
    TooLarge { bytes: u64 },
    Binary { line: u32 },
    NotUtf8 { line: u32 },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => write!(f, "file not found"),
            ReadError::Io(reason) => write!(f, "cannot read: {reason}"),
            ReadError::TooLarge { bytes } => write!(
                f,
                "file is {:.1} MB, over the {} MB limit for a workspace file; skipped",
                *bytes as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ),
            ReadError::Binary { line } => {
                write!(f, "binary file (NUL byte on line {line}); skipped")
            }
            ReadError::NotUtf8 { line } => {
                write!(f, "not UTF-8 text (invalid byte on line {line}); skipped")
            }
        }
    }
}

impl ReadError {
    /// The line the problem was found on, for the finding's position.
    pub fn line(&self) -> u32 {
        match self {
            ReadError::Binary { line } | ReadError::NotUtf8 { line } => *line,
            _ => 1,
        }
    }
}

/// Reads a workspace file as UTF-8 text, refusing what is too large or not text, and dropping a
/// UTF-8 byte order mark (Windows editors write one; YAML and Dockerfile parsers choke on it).
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    // Checked before opening: opening a FIFO would block until a writer appears.
    let metadata = std::fs::metadata(path).map_err(|e| io_error(&e))?;
    if metadata.is_dir() {
        return Err(ReadError::Io("is a directory".into()));
    }
    if !metadata.is_file() {
        return Err(ReadError::Io("not a regular file".into()));
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(&e))?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            bytes: metadata.len(),
        });
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // `take` bounds files that grow while we read them (or lie about their size, like /proc).
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    into_text(bytes)
}

fn into_text(mut bytes: Vec<u8>) -> Result<String, ReadError> {
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err(ReadError::Binary {
            line: line_of(&bytes, nul),
        });
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        ReadError::NotUtf8 {
            line: line_of(e.as_bytes(), offset),
        }
    })
}

fn line_of(bytes: &[u8], offset: usize) -> u32 {
    let newlines = bytes[..offset].iter().filter(|&&b| b == b'\n').count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

fn io_error(error: &std::io::Error) -> ReadError {
    match error.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::PermissionDenied => ReadError::Io("permission denied".into()),
        _ => ReadError::Io(error.to_string()),
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// The 1-based lines and columns (in characters) of many byte offsets of one text, as a parser
/// meets them: each is counted on from the one asked before, so a file read in order costs one
/// pass however many positions it has (`line_column` for each would rescan the file from its
/// start, quadratic in a 100,000-line file). Offsets before the last one are found from their
/// line's start.
#[derive(Debug)]
pub struct Positions<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// The last offset asked for, and its line and column.
    last: Cell<(usize, u32, u32)>,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Positions {
            text,
            line_starts,
            last: Cell::new((0, 1, 1)),
        }
    }

    /// The position of byte `offset` (clamped to the text; inside a character, of that
    /// character).
    pub fn of(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line_index];
        let (last_offset, last_line, last_column) = self.last.get();
        let line = u32::try_from(line_index + 1).unwrap_or(u32::MAX);
        let (from, column) = if last_line == line && last_offset <= offset {
            (last_offset, last_column)
        } else {
            (line_start, 1)
        };
        let between = self.text.as_bytes()[from..offset]
            .iter()
            .filter(|&&byte| (byte & 0xC0) != 0x80)
            .count();
        let column = column.saturating_add(u32::try_from(between).unwrap_or(u32::MAX));
        self.last.set((offset, line, column));
        (line, column)
    }
}

/// Finds `needle` in `text` at or after the 1-based (`line`, `column`), looking at most a few
/// lines ahead, and returns its 1-based position. Parsers report where a value starts; findings
/// want the exact token inside it (`--traces_exporter` inside a command string).
pub fn find_from(text: &str, line: u32, column: u32, needle: &str) -> Option<(u32, u32)> {
    let first = line.checked_sub(1)? as usize;
    find_in(text.lines().skip(first), line, column, needle)
}

/// `find_from` over the lines that start at `line`.
fn find_in<'a>(
    lines: impl Iterator<Item = &'a str>,
    line: u32,
    column: u32,
    needle: &str,
) -> Option<(u32, u32)> {
    const LOOKAHEAD_LINES: usize = 8;
    for (index, source_line) in lines.take(LOOKAHEAD_LINES).enumerate() {
        let start_char = if index == 0 {
            column.saturating_sub(1) as usize
        } else {
            0
        };
        let start_byte = source_line
            .char_indices()
            .nth(start_char)
            .map_or(source_line.len(), |(byte, _)| byte);
        if let Some(found) = source_line[start_byte..].find(needle) {
            let char_column = source_line[..start_byte + found].chars().count() + 1;
            return Some((line + index as u32, char_column as u32));
        }
    }
    None
}

/// A file's text with where each of its lines starts: a compose file of thousands of services
/// is searched for thousands of words, each from its own line, without rescanning the file.
#[derive(Debug, Clone, Default)]
pub struct SourceText {
    text: String,
    line_starts: Vec<usize>,
}

impl SourceText {
    pub fn new(text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        SourceText { text, line_starts }
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Text that a position can be searched in.
pub trait Locate {
    /// `find_from` in this text.
    fn find_from(&self, line: u32, column: u32, needle: &str) -> Option<(u32, u32)>;
}

impl Locate for String {
    fn find_from(&self, line: u32, column: u32, needle: &str) -> Option<(u32, u32)> {
        find_from(self, line, column, needle)
    }
}

impl Locate for SourceText {
    fn find_from(&self, line: u32, column: u32, needle: &str) -> Option<(u32, u32)> {
        let start = *self.line_starts.get(line.checked_sub(1)? as usize)?;
        find_in(self.text[start..].lines(), line, column, needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_indexed_text_finds_what_the_plain_one_finds() {
        let text = "a: 1\nb: x --flag y\n\nc: --flag\n";
        let indexed = SourceText::new(text.to_string());
        for (line, column) in [(1, 1), (2, 1), (2, 8), (3, 1), (4, 1), (9, 1)] {
            assert_eq!(
                indexed.find_from(line, column, "--flag"),
                find_from(text, line, column, "--flag"),
                "{line}:{column}"
            );
        }
        assert_eq!(indexed.find_from(2, 1, "--flag"), Some((2, 6)));
    }

    #[test]
    fn text_with_a_nul_byte_is_binary_on_its_line() {
        assert_eq!(
            into_text(b"FROM x\nRUN \0".to_vec()),
            Err(ReadError::Binary { line: 2 })
        );
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        assert_eq!(
            into_text(b"a\nb\nc\xff".to_vec()),
            Err(ReadError::NotUtf8 { line: 3 })
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(
            into_text(b"\xEF\xBB\xBFservices:".to_vec()).unwrap(),
            "services:"
        );
    }

    #[test]
    fn find_from_searches_from_the_column_then_the_next_lines() {
        let text = "command: a --x b --x\n  --y\n";
        assert_eq!(find_from(text, 1, 10, "--x"), Some((1, 12)));
        assert_eq!(find_from(text, 1, 13, "--x"), Some((1, 18)));
        assert_eq!(find_from(text, 1, 10, "--y"), Some((2, 3)));
        assert_eq!(find_from(text, 1, 1, "--z"), None);
        assert_eq!(find_from(text, 0, 1, "a"), None);
    }

    #[test]
    fn line_column_counts_lines_and_characters() {
        assert_eq!(line_column("ab\ncé\nx", 0), (1, 1));
        assert_eq!(line_column("ab\ncé\nx", 4), (2, 2));
        assert_eq!(line_column("ab\ncé\nx", 7), (3, 1));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    #[test]
    fn positions_agree_with_line_column_in_any_order() {
        let text = "ab\ncé\nx\n\nlast line";
        let positions = Positions::new(text);
        let offsets: Vec<usize> = (0..=text.len() + 2)
            .chain((0..text.len()).rev())
            .chain([5, 2, 9, 0])
            .filter(|&at| text.is_char_boundary(at.min(text.len())))
            .collect();
        for offset in offsets {
            assert_eq!(
                positions.of(offset),
                line_column(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn find_from_counts_columns_in_characters() {
        assert_eq!(find_from("é: --x", 1, 1, "--x"), Some((1, 4)));
    }
}
