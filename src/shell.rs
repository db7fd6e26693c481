//! Splitting command lines into words the way a POSIX shell reads them, without expanding
//! anything. Compose splits a string `command:` this way, and Dockerfile shell-form `CMD`/`RUN`
//! run through `/bin/sh -c`; the rules look at the words (`opentelemetry-instrument`,
//! `--traces_exporter`, `pip install -r ...`). No crate keeps the byte offset of each word, which
//! findings need to point at the exact flag, so this is written here.

/// A word of a command line, or a control operator (`&&`, `||`, `;`, `|`, `&`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    /// Byte offset of the word's first character in the command line.
    pub offset: usize,
    pub operator: bool,
}

/// Splits `line` into words: quotes group and are removed, a backslash escapes the next
/// character (outside single quotes), `#` at the start of a word starts a comment, and control
/// operators are words of their own. An unterminated quote runs to the end of the line.
pub fn split(line: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut chars = line.char_indices().peekable();
    let mut current: Option<Word> = None;
    while let Some((offset, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => finish(&mut words, &mut current),
            '#' if current.is_none() => break,
            ';' | '&' | '|' => {
                finish(&mut words, &mut current);
                let mut text = c.to_string();
                if c != ';' && chars.peek().map(|&(_, next)| next) == Some(c) {
                    chars.next();
                    text.push(c);
                }
                words.push(Word {
                    text,
                    offset,
                    operator: true,
                });
            }
            _ => {
                let word = current.get_or_insert_with(|| Word {
                    text: String::new(),
                    offset,
                    operator: false,
                });
                match c {
                    '\'' => {
                        for (_, quoted) in chars.by_ref() {
                            if quoted == '\'' {
                                break;
                            }
                            word.text.push(quoted);
                        }
                    }
                    '"' => {
                        while let Some((_, quoted)) = chars.next() {
                            match quoted {
                                '"' => break,
                                '\\' => {
                                    if let Some((_, escaped)) = chars.next() {
                                        if !matches!(escaped, '"' | '\\' | '$' | '`') {
                                            word.text.push('\\');
                                        }
                                        word.text.push(escaped);
                                    }
                                }
                                _ => word.text.push(quoted),
                            }
                        }
                    }
                    '\\' => word
                        .text
                        .push(chars.next().map_or('\\', |(_, escaped)| escaped)),
                    _ => word.text.push(c),
                }
            }
        }
    }
    finish(&mut words, &mut current);
    words
}

fn finish(words: &mut Vec<Word>, current: &mut Option<Word>) {
    if let Some(word) = current.take() {
        words.push(word);
    }
}

/// The simple commands of a split line: runs of words between control operators.
pub fn commands(words: &[Word]) -> impl Iterator<Item = &[Word]> {
    words
        .split(|word| word.operator)
        .filter(|command| !command.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        split(line).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn quotes_group_words_and_are_removed() {
        assert_eq!(
            texts(r#"sh -c "opentelemetry-instrument flask run" 'a b' c\ d"#),
            [
                "sh",
                "-c",
                "opentelemetry-instrument flask run",
                "a b",
                "c d"
            ]
        );
        assert_eq!(texts(r#""a\"b\n""#), [r#"a"b\n"#]);
    }

    #[test]
    fn operators_are_words_of_their_own() {
        let words = split("pip install -r r.txt&&opentelemetry-bootstrap -a install; echo x|y");
        let texts: Vec<_> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "pip",
                "install",
                "-r",
                "r.txt",
                "&&",
                "opentelemetry-bootstrap",
                "-a",
                "install",
                ";",
                "echo",
                "x",
                "|",
                "y"
            ]
        );
        assert_eq!(commands(&words).count(), 4);
    }

    #[test]
    fn offsets_point_at_each_word() {
        let words = split("  flask  run --debug");
        assert_eq!(
            words.iter().map(|w| w.offset).collect::<Vec<_>>(),
            [2, 9, 13]
        );
    }

    #[test]
    fn a_comment_ends_the_line_and_unterminated_quotes_do_not_panic() {
        assert_eq!(texts("a b # c d"), ["a", "b"]);
        assert_eq!(texts("a#b"), ["a#b"]);
        assert_eq!(texts("a 'b c"), ["a", "b c"]);
        assert_eq!(texts("a \"b\\"), ["a", "b"]);
        assert_eq!(texts("\\"), ["\\"]);
    }
}
