//! What the policy layer needs from a file's text after the text is gone, taken in one pass
//! while the file is read: its ignore pragmas (`# otel-doctor: ignore[rule/id]`) and a digest of
//! each line's content, which fingerprints findings without their line numbers.

use std::sync::Arc;

use crate::source::Location;

/// What pragmas start with, after the comment marker.
const PRAGMA_PREFIX: &str = "otel-doctor:";
/// The one directive there is.
const IGNORE: &str = "ignore";

/// `# otel-doctor: ignore[rule/id, other/id]`: silences those rules on its own line and on the
/// next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragma {
    /// Where the comment starts.
    pub location: Location,
    /// The rule ids it names, each where it is written. Empty when the pragma is malformed
    /// (`# otel-doctor: ignore`, `# otel-doctor: ignroe[x]`): it then silences nothing.
    pub rules: Vec<(String, Location)>,
    /// Written after other text of the same comment (`# noqa: E402 otel-doctor: ignore[x]`):
    /// a pragma starts its own comment, so this one silences nothing either.
    pub embedded: bool,
}

impl Pragma {
    /// Whether it covers a finding on `line`.
    pub fn covers(&self, line: u32) -> bool {
        line == self.location.line || line == self.location.line + 1
    }

    /// Whether it silences anything at all.
    pub fn is_well_formed(&self) -> bool {
        !self.rules.is_empty() && !self.embedded
    }
}

/// The pragmas and line digests of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    pub pragmas: Vec<Pragma>,
    /// One per line: the line's content with whitespace collapsed and any pragma removed, so
    /// that re-indenting a line or adding an ignore to it keeps its findings' fingerprints.
    digests: Vec<u64>,
}

impl LineIndex {
    /// Reads a file's text once. `file` is the path findings use. Runs over every file the
    /// tool reads, so it is a plain byte loop; pragmas are looked for only in files that
    /// mention one.
    pub fn scan(file: &Arc<str>, text: &str) -> Self {
        let marker = comment_marker(file);
        let may_have_pragmas = text.contains(PRAGMA_PREFIX);
        let mut index = LineIndex {
            pragmas: Vec::new(),
            digests: Vec::with_capacity(text.len() / 32),
        };
        let mut start = 0;
        let mut number: u32 = 1;
        loop {
            let end = text[start..].find('\n').map_or(text.len(), |at| start + at);
            let line = &text[start..end];
            let mut content = line;
            if may_have_pragmas && let Some((at, pragma)) = pragma(file, number, line, marker) {
                index.pragmas.push(pragma);
                content = &line[..at];
            }
            index.digests.push(digest_words(content.as_bytes()));
            if end == text.len() {
                break;
            }
            start = end + 1;
            number = number.saturating_add(1);
        }
        index
    }

    /// The digest of a 1-based line's content, if the file has that line.
    pub fn digest(&self, line: u32) -> Option<u64> {
        self.digests.get(line.checked_sub(1)? as usize).copied()
    }
}

/// How a comment starts in a file, by its name: `//` in JavaScript and TypeScript, `#` in
/// YAML, Dockerfiles, env files, requirements, TOML and Python.
fn comment_marker(file: &str) -> &'static str {
    const SLASH_SLASH: [&str; 8] = [".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"];
    if SLASH_SLASH
        .iter()
        .any(|extension| file.ends_with(extension))
    {
        "//"
    } else {
        "#"
    }
}

/// The pragma on a line, and the byte where its comment starts.
fn pragma(file: &Arc<str>, number: u32, line: &str, marker: &str) -> Option<(usize, Pragma)> {
    let starts_comment = line.match_indices(marker).find_map(|(at, _)| {
        let rest = line[at + marker.len()..].trim_start();
        rest.starts_with(PRAGMA_PREFIX).then_some((at, at, rest))
    });
    let (at, directive_at, after_marker) = match starts_comment {
        Some(found) => found,
        None => embedded(line, marker)?,
    };
    let column = |byte: usize| u32::try_from(line[..byte].chars().count() + 1).unwrap_or(u32::MAX);
    let location = Location::new(file, number, column(directive_at));
    let directive = after_marker[PRAGMA_PREFIX.len()..].trim_start();
    let mut rules = Vec::new();
    if let Some(list) = directive
        .strip_prefix(IGNORE)
        .and_then(|rest| rest.trim_start().strip_prefix('['))
        && let Some(end) = list.find(']')
    {
        let list_start = line.len() - list.len();
        let mut offset = list_start;
        for part in list[..end].split(',') {
            let id = part.trim();
            if !id.is_empty() {
                let id_start = offset + (part.len() - part.trim_start().len());
                rules.push((
                    id.to_string(),
                    Location::new(file, number, column(id_start)),
                ));
            }
            offset += part.len() + 1;
        }
    }
    let embedded = directive_at != at;
    Some((
        at,
        Pragma {
            location,
            rules,
            embedded,
        },
    ))
}

/// `# noqa: E402 otel-doctor: ignore[x]`: an ignore written after other text of a comment (a
/// second tool's directive, a remark). Only `otel-doctor: ignore` counts here, so a comment
/// that mentions a host (`# see http://otel-doctor:4318`) is no pragma. Returns where the
/// comment starts, where the directive starts, and the text from the directive on.
fn embedded<'a>(line: &'a str, marker: &str) -> Option<(usize, usize, &'a str)> {
    let comment = line.find(marker)?;
    line[comment..]
        .match_indices(PRAGMA_PREFIX)
        .map(|(offset, _)| comment + offset)
        .find(|&at| {
            line[at + PRAGMA_PREFIX.len()..]
                .trim_start()
                .starts_with(IGNORE)
        })
        .map(|at| (comment, at, &line[at..]))
}

/// FNV-1a over the line's words, one space between them (so indentation, trailing blanks and
/// a `\r` do not count). Stable across Rust versions and runs, unlike `DefaultHasher`.
fn digest_words(line: &[u8]) -> u64 {
    let mut hash = Fnv::default();
    let mut space = false;
    let mut started = false;
    for &byte in line {
        if byte.is_ascii_whitespace() {
            space = started;
            continue;
        }
        if space {
            hash.write_byte(b' ');
            space = false;
        }
        hash.write_byte(byte);
        started = true;
    }
    hash.finish()
}

/// The 64-bit FNV-1a hash: tiny, dependency-free, and the same on every machine.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_byte(byte);
        }
    }

    fn write_byte(&mut self, byte: u8) {
        self.0 ^= u64::from(byte);
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(pragma: &Pragma) -> Vec<(&str, u32, u32)> {
        pragma
            .rules
            .iter()
            .map(|(id, at)| (id.as_str(), at.line, at.column))
            .collect()
    }

    #[test]
    fn pragmas_with_their_rules_and_columns() {
        let file: Arc<str> = Arc::from("docker-compose.yml");
        let text = "a: 1\n  # otel-doctor: ignore[config/x,  honeycomb/y ]\nb: 2  #otel-doctor:ignore[z/w]\n";
        let index = LineIndex::scan(&file, text);
        assert_eq!(index.pragmas.len(), 2);
        assert_eq!(
            (
                index.pragmas[0].location.line,
                index.pragmas[0].location.column
            ),
            (2, 3)
        );
        assert_eq!(
            ids(&index.pragmas[0]),
            [("config/x", 2, 25), ("honeycomb/y", 2, 36)]
        );
        assert_eq!(ids(&index.pragmas[1]), [("z/w", 3, 27)]);
        assert!(index.pragmas[0].covers(2) && index.pragmas[0].covers(3));
        assert!(!index.pragmas[0].covers(1) && !index.pragmas[0].covers(4));
    }

    #[test]
    fn malformed_pragmas_name_no_rule() {
        let file: Arc<str> = Arc::from("Dockerfile");
        for text in [
            "# otel-doctor: ignore",
            "# otel-doctor: ignroe[a/b]",
            "# otel-doctor: ignore[a/b",
            "# otel-doctor: ignore[]",
        ] {
            let index = LineIndex::scan(&file, text);
            assert_eq!(index.pragmas.len(), 1, "{text}");
            assert!(index.pragmas[0].rules.is_empty(), "{text}");
        }
    }

    #[test]
    fn an_ignore_after_other_text_of_a_comment_is_embedded() {
        let file: Arc<str> = Arc::from("app.py");
        let index = LineIndex::scan(
            &file,
            "import os  # noqa: E402 otel-doctor: ignore[code/no-flush]\n",
        );
        assert_eq!(index.pragmas.len(), 1);
        let pragma = &index.pragmas[0];
        assert!(pragma.embedded && !pragma.is_well_formed());
        assert_eq!((pragma.location.line, pragma.location.column), (1, 25));
        assert_eq!(ids(pragma), [("code/no-flush", 1, 45)]);
        // Two comments on one line: the second is a pragma of its own.
        let index = LineIndex::scan(
            &file,
            "import os  # noqa: E402  # otel-doctor: ignore[a/b]\n",
        );
        assert!(index.pragmas[0].is_well_formed());
        // A host name in a comment is no pragma.
        let index = LineIndex::scan(&file, "x = 1  # see http://otel-doctor:4318\n");
        assert!(index.pragmas.is_empty());
    }

    #[test]
    fn the_comment_marker_follows_the_language() {
        let js: Arc<str> = Arc::from("web/index.ts");
        let index = LineIndex::scan(
            &js,
            "x() // otel-doctor: ignore[code/a]\n# otel-doctor: ignore[code/b]",
        );
        assert_eq!(index.pragmas.len(), 1);
        assert_eq!(ids(&index.pragmas[0]), [("code/a", 1, 28)]);
        let url: Arc<str> = Arc::from("a.py");
        let index = LineIndex::scan(&url, "u = 'http://otel-doctor:4318'");
        assert!(index.pragmas.is_empty());
    }

    #[test]
    fn digests_ignore_indentation_and_pragmas_but_not_values() {
        let file: Arc<str> = Arc::from("docker-compose.yml");
        let index = LineIndex::scan(
            &file,
            "  A: x\r\nA:   x   # otel-doctor: ignore[a/b]\nA: y\n",
        );
        assert_eq!(index.digest(1), index.digest(2));
        assert_ne!(index.digest(1), index.digest(3));
        assert_eq!(index.digest(0), None);
        assert_eq!(index.digest(9), None);
    }
}
