//! Java `.properties` files (the Java agent's configuration file, Spring Boot's
//! `application.properties`): `key=value`, `key: value` or `key value` entries, `#` and `!`
//! comments, `\` continuations and escapes, as `java.util.Properties.load` reads them. Every
//! entry keeps where its key and its value are written.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub key: String,
    pub value: String,
    pub line: u32,
    pub column: u32,
    /// Where the value starts (the key's position when it is empty).
    pub value_line: u32,
    pub value_column: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PropertiesFile {
    /// In the order written; a later entry of the same key wins.
    pub entries: Vec<Property>,
}

impl PropertiesFile {
    pub fn get(&self, key: &str) -> Option<&Property> {
        self.entries.iter().rev().find(|p| p.key == key)
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A logical line: its text with continuations joined, and for each of its characters the
/// line and column it is written at.
struct Logical {
    chars: Vec<(char, u32, u32)>,
}

pub fn parse(text: &str) -> PropertiesFile {
    let mut file = PropertiesFile::default();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let trimmed = line.trim_start_matches([' ', '\t', '\u{c}']);
        if trimmed.is_empty() || trimmed.starts_with(['#', '!']) {
            continue;
        }
        let mut logical = Logical { chars: Vec::new() };
        let mut current = (index, line);
        loop {
            let (number, text) = current;
            // Leading white space, of the first line and of each continuation, is not read.
            let start = text.len() - text.trim_start_matches([' ', '\t', '\u{c}']).len();
            let column_base = text[..start].chars().count();
            for (offset, c) in text[start..].chars().enumerate() {
                logical
                    .chars
                    .push((c, to_u32(number + 1), to_u32(column_base + offset + 1)));
            }
            if !ends_with_continuation(text) {
                break;
            }
            logical.chars.pop();
            match lines.next() {
                Some(next) => current = next,
                None => break,
            }
        }
        if let Some(property) = entry(&logical) {
            file.entries.push(property);
        }
    }
    file
}

/// An odd number of backslashes at the end of a line continues it.
fn ends_with_continuation(line: &str) -> bool {
    line.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1
}

fn entry(logical: &Logical) -> Option<Property> {
    let chars = &logical.chars;
    let (_, line, column) = *chars.first()?;
    let mut key = String::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at].0;
        if c == '\\' && at + 1 < chars.len() {
            key.push(unescape(chars, &mut at));
            continue;
        }
        if matches!(c, '=' | ':' | ' ' | '\t' | '\u{c}') {
            break;
        }
        key.push(c);
        at += 1;
    }
    // The separator: white space, then at most one `=` or `:`, then white space.
    while at < chars.len() && matches!(chars[at].0, ' ' | '\t' | '\u{c}') {
        at += 1;
    }
    if at < chars.len() && matches!(chars[at].0, '=' | ':') {
        at += 1;
        while at < chars.len() && matches!(chars[at].0, ' ' | '\t' | '\u{c}') {
            at += 1;
        }
    }
    let (value_line, value_column) = chars.get(at).map_or((line, column), |&(_, l, c)| (l, c));
    let mut value = String::new();
    while at < chars.len() {
        if chars[at].0 == '\\' && at + 1 < chars.len() {
            value.push(unescape(chars, &mut at));
        } else {
            value.push(chars[at].0);
            at += 1;
        }
    }
    Some(Property {
        key,
        value,
        line,
        column,
        value_line,
        value_column,
    })
}

/// The character a backslash escape at `at` stands for; moves past it.
fn unescape(chars: &[(char, u32, u32)], at: &mut usize) -> char {
    let next = chars[*at + 1].0;
    *at += 2;
    match next {
        't' => '\t',
        'n' => '\n',
        'r' => '\r',
        'f' => '\u{c}',
        'u' => {
            let hex: String = chars[*at..].iter().take(4).map(|(c, _, _)| *c).collect();
            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                Some(c) if hex.len() == 4 => {
                    *at += 4;
                    c
                }
                _ => 'u',
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_as_java_does() {
        let text = "# comment\n! also\notel.service.name=orders\notel.exporter.otlp.endpoint : http://collector:4318\nkey value with spaces\nlong = first, \\\n       second\nescaped\\:key=a\\u0041\nempty=\n";
        let file = parse(text);
        let entries: Vec<(&str, &str, u32, u32, u32, u32)> = file
            .entries
            .iter()
            .map(|p| {
                (
                    p.key.as_str(),
                    p.value.as_str(),
                    p.line,
                    p.column,
                    p.value_line,
                    p.value_column,
                )
            })
            .collect();
        assert_eq!(
            entries,
            [
                ("otel.service.name", "orders", 3, 1, 3, 19),
                (
                    "otel.exporter.otlp.endpoint",
                    "http://collector:4318",
                    4,
                    1,
                    4,
                    31
                ),
                ("key", "value with spaces", 5, 1, 5, 5),
                ("long", "first, second", 6, 1, 6, 8),
                ("escaped:key", "aA", 8, 1, 8, 14),
                ("empty", "", 9, 1, 9, 1),
            ]
        );
        assert_eq!(file.get("long").unwrap().value, "first, second");
    }
}
