//! An `opentelemetry-instrument` flag and its value taken out of a command, wherever the
//! command is written: a shell string (compose `command:`, a Dockerfile `CMD` in shell form, a
//! start script), a JSON or YAML flow list (`["opentelemetry-instrument", "--flag", "v"]`), or a
//! YAML block list (one `- word` per line). The flag is searched from the position the rule
//! saw it at, on that line; its value must be the one the rule saw.

use super::text::{Change, Source};

/// Removes `flag value` (or `flag=value`) from the command on `line`, at or after `column`.
pub fn remove_flag(
    source: &Source,
    line: usize,
    column: usize,
    flag: &str,
    value: &str,
) -> Result<Change, String> {
    let changed = || {
        format!("the file changed since it was read: `{flag} {value}` is no longer on line {line}")
    };
    let text = source.line(line).ok_or_else(changed)?;
    let line_start = source.line_start(line).ok_or_else(changed)?;
    let from = source
        .offset(line, column)
        .ok_or_else(changed)?
        .saturating_sub(line_start);
    let at = find_word(text, from, flag).ok_or_else(changed)?;
    let quote = quote_before(text, at);
    let word_start = at - usize::from(quote.is_some());
    let after_flag = &text[at + flag.len()..];
    // `--flag=value`: one word.
    if let Some(rest) = after_flag.strip_prefix('=') {
        let rest = rest.strip_prefix(value).ok_or_else(changed)?;
        let word_end = text.len() - rest.len() + closing(rest, quote).ok_or_else(changed)?;
        return Ok(remove_words(source, line, word_start, word_end));
    }
    let after_flag_word =
        text.len() - after_flag.len() + closing(after_flag, quote).ok_or_else(changed)?;
    let between = &text[after_flag_word..];
    // Flow list: `"--flag", "value"`.
    if quote.is_some() && between.trim_start().starts_with(',') {
        let comma = after_flag_word + between.find(',').unwrap_or_default();
        let value_start = comma + 1 + spaces(&text[comma + 1..]);
        let value_end = quoted_word(text, value_start, value).ok_or_else(changed)?;
        return Ok(remove_words(source, line, word_start, value_end));
    }
    // Block list: `- --flag` then `- value` on the next line.
    if list_item_prefix(&text[..word_start]) && nothing_but_a_comment(between) {
        let next = source.line(line + 1).ok_or_else(changed)?;
        let item = next.trim_start().strip_prefix('-').ok_or_else(changed)?;
        let item = item.split(" #").next().unwrap_or_default().trim();
        if unquoted(item) != value {
            return Err(changed());
        }
        return source.delete_lines(line, line + 1).ok_or_else(changed);
    }
    // Shell words: `--flag value`.
    if quote.is_some() || !between.starts_with([' ', '\t']) {
        return Err(changed());
    }
    let value_start = after_flag_word + spaces(between);
    if matches!(text[value_start..].trim(), "" | "\\") {
        return Err(format!(
            "`{flag}` and its value are on different lines: remove them by hand"
        ));
    }
    let value_end = quoted_word(text, value_start, value)
        .or_else(|| plain_word(text, value_start, value))
        .ok_or_else(changed)?;
    Ok(remove_words(source, line, word_start, value_end))
}

/// Where `word` starts on the line at or after `from`, as a whole word.
fn find_word(text: &str, from: usize, word: &str) -> Option<usize> {
    let mut search = from.min(text.len());
    while let Some(found) = text.get(search..)?.find(word) {
        let at = search + found;
        let before = text[..at].chars().next_back();
        if before.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '[' | ',')) {
            return Some(at);
        }
        search = at + word.len();
    }
    None
}

fn quote_before(text: &str, at: usize) -> Option<char> {
    text[..at]
        .chars()
        .next_back()
        .filter(|c| matches!(c, '"' | '\''))
}

/// The length of the closing quote at the start of `rest`, if the word is quoted; the word
/// must end there.
fn closing(rest: &str, quote: Option<char>) -> Option<usize> {
    match quote {
        Some(q) => rest.starts_with(q).then_some(q.len_utf8()),
        None => (rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with('"'))
            .then_some(0),
    }
}

/// The end of `"value"` or `'value'` starting at `start`.
fn quoted_word(text: &str, start: usize, value: &str) -> Option<usize> {
    let rest = &text[start..];
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let inner = rest[1..].strip_prefix(value)?;
    inner
        .starts_with(quote)
        .then_some(start + 1 + value.len() + 1)
}

/// The end of a bare `value` starting at `start`.
fn plain_word(text: &str, start: usize, value: &str) -> Option<usize> {
    let rest = text[start..].strip_prefix(value)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with('"'))
        .then_some(start + value.len())
}

/// Removes `start..end` of a line and one separator: the spaces (and comma, in a list) after
/// it, or, when nothing follows on the line, the ones before it.
fn remove_words(source: &Source, line: usize, start: usize, end: usize) -> Change {
    let text = source.line(line).unwrap_or_default();
    let base = source.line_start(line).unwrap_or_default();
    if list_item_prefix(&text[..start])
        && nothing_but_a_comment(&text[end..])
        && let Some(change) = source.delete_lines(line, line)
    {
        return change;
    }
    // A continuation line that holds only the words: the whole line goes.
    if text[..start].trim().is_empty()
        && text[end..].trim() == "\\"
        && let Some(change) = source.delete_lines(line, line)
    {
        return change;
    }
    let after = &text[end..];
    let trailing = after.len() - after.trim_start().len();
    let after_spaces = &after[trailing..];
    if let Some(rest) = after_spaces.strip_prefix(',') {
        let taken = trailing + 1 + spaces(rest);
        return Change::delete(base + start..base + end + taken);
    }
    if !after_spaces.is_empty() && !after_spaces.starts_with(['"', '\'', ']']) {
        return Change::delete(base + start..base + end + trailing);
    }
    // Last word (of the line, the string or the list): take the separator before it.
    let before = text[..start].trim_end();
    let before = before.strip_suffix(',').unwrap_or(before);
    let keep = if text[..start].trim_end().ends_with(',') {
        before.len()
    } else {
        text[..start].trim_end().len()
    };
    Change::delete(base + keep..base + end)
}

/// Whether the text before a word is a YAML block list item's `- `.
fn list_item_prefix(before: &str) -> bool {
    before
        .trim_start()
        .strip_prefix('-')
        .is_some_and(|rest| !rest.is_empty() && rest.trim().is_empty())
}

/// Whether the rest of a YAML line holds nothing but blanks or a comment.
fn nothing_but_a_comment(rest: &str) -> bool {
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
}

fn spaces(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '\t']).len()
}

fn unquoted(text: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::text::apply;
    use super::*;

    fn remove(text: &str, line: usize, column: usize) -> Result<String, String> {
        let source = Source::new(text);
        let change = remove_flag(&source, line, column, "--traces_exporter", "console")?;
        Ok(apply(text, &[change]))
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            remove(
                "command: opentelemetry-instrument --traces_exporter console flask run\n",
                1,
                10
            )
            .unwrap(),
            "command: opentelemetry-instrument flask run\n"
        );
        assert_eq!(
            remove(
                "CMD opentelemetry-instrument --traces_exporter=console python app.py",
                1,
                30
            )
            .unwrap(),
            "CMD opentelemetry-instrument python app.py"
        );
        assert_eq!(
            remove(
                "command: sh -c \"opentelemetry-instrument --traces_exporter console\"\n",
                1,
                16
            )
            .unwrap(),
            "command: sh -c \"opentelemetry-instrument\"\n"
        );
        assert_eq!(
            remove(
                "exec opentelemetry-instrument --traces_exporter 'console' x\n",
                1,
                1
            )
            .unwrap(),
            "exec opentelemetry-instrument x\n"
        );
    }

    #[test]
    fn a_continuation_line_of_only_the_flag_goes_whole() {
        assert_eq!(
            remove(
                "CMD opentelemetry-instrument \\\n    --traces_exporter console \\\n    flask run\n",
                2,
                5
            )
            .unwrap(),
            "CMD opentelemetry-instrument \\\n    flask run\n"
        );
    }

    #[test]
    fn flow_lists() {
        assert_eq!(
            remove(
                "CMD [\"opentelemetry-instrument\", \"--traces_exporter\", \"console\", \"flask\", \"run\"]\n",
                1,
                35
            )
            .unwrap(),
            "CMD [\"opentelemetry-instrument\", \"flask\", \"run\"]\n"
        );
        assert_eq!(
            remove(
                "command: ['opentelemetry-instrument', '--traces_exporter', 'console']\n",
                1,
                1
            )
            .unwrap(),
            "command: ['opentelemetry-instrument']\n"
        );
        assert_eq!(
            remove(
                "CMD [\"opentelemetry-instrument\", \"--traces_exporter=console\", \"x\"]",
                1,
                1
            )
            .unwrap(),
            "CMD [\"opentelemetry-instrument\", \"x\"]"
        );
    }

    #[test]
    fn block_lists() {
        let text = "command:\n  - opentelemetry-instrument\n  - \"--traces_exporter\"\n  - console\n  - flask\n";
        assert_eq!(
            remove(text, 3, 5).unwrap(),
            "command:\n  - opentelemetry-instrument\n  - flask\n"
        );
        let text = "command:\n  - opentelemetry-instrument\n  - --traces_exporter # no\n  - console # spans\n  - x\n";
        assert_eq!(
            remove(text, 3, 5).unwrap(),
            "command:\n  - opentelemetry-instrument\n  - x\n"
        );
        let text = "command:\n  - opentelemetry-instrument\n  - --traces_exporter=console";
        assert_eq!(
            remove(text, 3, 5).unwrap(),
            "command:\n  - opentelemetry-instrument"
        );
    }

    #[test]
    fn another_value_or_no_flag_is_a_changed_file() {
        assert!(
            remove(
                "command: opentelemetry-instrument --traces_exporter otlp x\n",
                1,
                1
            )
            .unwrap_err()
            .contains("changed")
        );
        assert!(remove("command: opentelemetry-instrument x\n", 1, 1).is_err());
        assert!(remove("command: x --traces_exporter_y console\n", 1, 1).is_err());
        assert!(
            remove("CMD x --traces_exporter \\\n  console\n", 1, 1)
                .unwrap_err()
                .contains("different lines")
        );
    }
}
