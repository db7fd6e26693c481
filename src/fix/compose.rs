//! Variables added to a compose service's own `environment`, in the block's own style: a map
//! (`KEY: value`) or a list (`- KEY=value`), at its indentation, after its last entry; or a new
//! `environment:` block when the service has none. The text is read as block YAML around the
//! service's key; anything else (flow style, an alias, keys merged in with `<<:`) is left to
//! the user, and the result must parse with the variables where they belong.

use super::text::{Change, Source, indentation, is_blank_or_comment};
use crate::workspace::yaml::{self, Node, NodeKind};

/// Adds `variables` (name, value) to the `environment` of the service whose key is at
/// `line`:`column`.
pub fn add_variables(
    source: &Source,
    service: &str,
    line: usize,
    column: usize,
    variables: &[(String, String)],
) -> Result<Vec<Change>, String> {
    let key_line = source
        .line(line)
        .ok_or_else(|| moved(service, line, column))?;
    let key_at = column.saturating_sub(1);
    if !names_key(key_line, key_at, service) {
        return Err(moved(service, line, column));
    }
    if !rest_opens_block(&key_line[key_line.find(':').unwrap_or(key_line.len()) + 1..]) {
        return Err(format!(
            "`services.{service}` is not a block mapping (flow style or an alias): add the variables by hand"
        ));
    }
    let body = block_lines(source, line, key_at);
    let Some(&first) = body.first() else {
        return Err(format!("`services.{service}` is empty"));
    };
    let child_indent = indentation(source.line(first).unwrap_or_default());
    let step = child_indent - key_at;
    let environment = body.iter().copied().find(|&l| {
        let text = source.line(l).unwrap_or_default();
        indentation(text) == child_indent && key_name(text.trim_start()) == Some("environment")
    });
    match environment {
        Some(environment) => {
            add_to_block(source, service, environment, child_indent, step, variables)
        }
        None => {
            let merges = body.iter().any(|&l| {
                let text = source.line(l).unwrap_or_default();
                indentation(text) == child_indent && text.trim_start().starts_with("<<:")
            });
            if merges {
                return Err(format!(
                    "`services.{service}` takes keys from a `<<:` merge, and an `environment` of its own would replace a merged one: add the variables by hand"
                ));
            }
            let last = last_content_line(source, &body).unwrap_or(line);
            let mut lines = vec![format!("{}environment:", " ".repeat(child_indent))];
            lines.extend(
                variables
                    .iter()
                    .map(|(name, value)| map_entry(child_indent + step, name, value)),
            );
            Ok(source
                .insert_lines_after(last, &lines)
                .into_iter()
                .collect())
        }
    }
}

fn add_to_block(
    source: &Source,
    service: &str,
    environment: usize,
    child_indent: usize,
    step: usize,
    variables: &[(String, String)],
) -> Result<Vec<Change>, String> {
    let key_text = source.line(environment).unwrap_or_default();
    let after_key = &key_text[key_text.find(':').map_or(key_text.len(), |at| at + 1)..];
    if !rest_opens_block(after_key) {
        return Err(format!(
            "`services.{service}.environment` is not a block (flow style or an alias): add the variables by hand"
        ));
    }
    // Entries are indented deeper than the key; a list may also sit at the key's own
    // indentation (`environment:` then `- KEY=value` below it).
    let entries: Vec<usize> = (environment + 1..=source.line_count())
        .take_while(|&l| {
            let text = source.line(l).unwrap_or_default();
            is_blank_or_comment(text)
                || indentation(text) > child_indent
                || (indentation(text) == child_indent && text.trim_start().starts_with('-'))
        })
        .filter(|&l| !is_blank_or_comment(source.line(l).unwrap_or_default()))
        .collect();
    let Some(&first) = entries.first() else {
        let lines: Vec<String> = variables
            .iter()
            .map(|(name, value)| map_entry(child_indent + step, name, value))
            .collect();
        return Ok(source
            .insert_lines_after(environment, &lines)
            .into_iter()
            .collect());
    };
    let first_text = source.line(first).unwrap_or_default();
    let entry_indent = indentation(first_text);
    let list_prefix = list_item_prefix(first_text);
    let own_names: Vec<String> = entries
        .iter()
        .filter_map(|&l| source.line(l))
        .filter(|text| indentation(text) == entry_indent)
        .filter_map(|text| match list_item_prefix(text) {
            Some(prefix) => Some(
                unquote(&text[prefix.len()..])
                    .split('=')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            ),
            None => key_name(text.trim_start()).map(str::to_string),
        })
        .collect();
    if let Some((name, _)) = variables.iter().find(|(name, _)| own_names.contains(name)) {
        return Err(format!(
            "`services.{service}.environment` already sets {name}"
        ));
    }
    let lines: Vec<String> = variables
        .iter()
        .map(|(name, value)| match list_prefix {
            Some(prefix) => format!("{prefix}{name}={value}"),
            None => map_entry(entry_indent, name, value),
        })
        .collect();
    let last = entries.last().copied().unwrap_or(first);
    Ok(source
        .insert_lines_after(last, &lines)
        .into_iter()
        .collect())
}

/// Whether the line holds `service:` at byte `at` (the name may be quoted).
fn names_key(line: &str, at: usize, service: &str) -> bool {
    let Some(rest) = line.get(at..) else {
        return false;
    };
    if !line[..at].chars().all(|c| c == ' ') {
        return false;
    }
    key_name(rest) == Some(service)
}

/// The key a `key: ...` line starts with, unquoted.
fn key_name(text: &str) -> Option<&str> {
    for quote in ['"', '\''] {
        if let Some(rest) = text.strip_prefix(quote) {
            let end = rest.find(quote)?;
            return rest[end + 1..]
                .trim_start()
                .starts_with(':')
                .then_some(&rest[..end]);
        }
    }
    let colon = text.find(':')?;
    let after = &text[colon + 1..];
    (after.is_empty() || after.starts_with([' ', '\t'])).then_some(text[..colon].trim_end())
}

/// Whether what follows a key's colon leaves its value to the lines below: nothing, a
/// comment, or an anchor (`&otel`); not a flow collection, an alias or a scalar.
fn rest_opens_block(rest: &str) -> bool {
    let rest = rest.trim_start();
    let rest = match rest.strip_prefix('&') {
        Some(anchor) => anchor
            .find(char::is_whitespace)
            .map_or("", |end| anchor[end..].trim_start()),
        None => rest,
    };
    rest.is_empty() || rest.starts_with('#')
}

/// The lines of the block under a key indented by `indent`: every line after it up to the next
/// one indented as little (blank and comment lines do not end it).
fn block_lines(source: &Source, key_line: usize, indent: usize) -> Vec<usize> {
    (key_line + 1..=source.line_count())
        .take_while(|&l| {
            let text = source.line(l).unwrap_or_default();
            is_blank_or_comment(text) || indentation(text) > indent
        })
        .filter(|&l| !is_blank_or_comment(source.line(l).unwrap_or_default()))
        .collect()
}

/// The last line that is not blank or a comment: a comment after it belongs to what follows.
fn last_content_line(source: &Source, lines: &[usize]) -> Option<usize> {
    lines
        .iter()
        .rev()
        .copied()
        .find(|&l| !is_blank_or_comment(source.line(l).unwrap_or_default()))
}

/// `      - ` for a list item line: what comes before the item's text.
fn list_item_prefix(line: &str) -> Option<&str> {
    let indent = indentation(line);
    let rest = line[indent..].strip_prefix('-')?;
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    (spaces > 0).then(|| &line[..indent + 1 + spaces])
}

fn unquote(text: &str) -> &str {
    text.trim_start_matches(['"', '\''])
}

fn map_entry(indent: usize, name: &str, value: &str) -> String {
    format!("{}{name}: {}", " ".repeat(indent), scalar(value))
}

/// A value as a YAML scalar compose reads as that string: plain when nothing in it means
/// something else to YAML, double-quoted otherwise (`yes`, `1.0`, `a: b`).
fn scalar(value: &str) -> String {
    const SPECIAL_WORDS: [&str; 11] = [
        "y", "yes", "n", "no", "on", "off", "true", "false", "null", "~", "",
    ];
    let plain = !SPECIAL_WORDS.contains(&value.to_ascii_lowercase().as_str())
        && value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '$')
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with([' ', ':'])
        && value.chars().all(|c| !c.is_control())
        && value.parse::<f64>().is_err();
    if plain {
        value.to_string()
    } else {
        serde_json::Value::String(value.to_string()).to_string()
    }
}

fn moved(service: &str, line: usize, column: usize) -> String {
    format!(
        "the file changed since it was read: `services.{service}` is no longer at {line}:{column}"
    )
}

/// After the edit: the file still parses, and each service's `environment` has each variable.
pub fn check(text: &str, added: &[(&str, &str)]) -> Result<(), String> {
    let root = yaml::parse(text).map_err(|e| {
        format!(
            "the edited file would not parse ({}:{}: {})",
            e.line, e.column, e.message
        )
    })?;
    for (service, name) in added {
        let environment = root
            .get("services")
            .and_then(|s| s.get(service))
            .and_then(|s| s.get("environment"));
        if !environment.is_some_and(|e| sets(e, name)) {
            return Err(format!(
                "{name} did not land in `services.{service}.environment`: add it by hand"
            ));
        }
    }
    Ok(())
}

fn sets(environment: &Node, name: &str) -> bool {
    match &environment.kind {
        NodeKind::Map(entries) => entries.iter().any(|(key, _)| key.name == name),
        NodeKind::Seq(items) => items.iter().any(|item| {
            item.as_scalar()
                .is_some_and(|text| text.split('=').next() == Some(name))
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::apply;
    use super::*;

    fn add(text: &str, line: usize, column: usize, name: &str, value: &str) -> String {
        let source = Source::new(text);
        let changes = add_variables(
            &source,
            "api",
            line,
            column,
            &[(name.to_string(), value.to_string())],
        )
        .unwrap();
        apply(text, &changes)
    }

    #[test]
    fn adds_after_the_last_map_entry_at_its_indentation() {
        let text = "services:\n  api:\n    environment:\n        A: 1 # one\n        # about B\n        B: |\n          two\n    # next\n    image: x\n";
        assert_eq!(
            add(text, 2, 3, "C", "api"),
            "services:\n  api:\n    environment:\n        A: 1 # one\n        # about B\n        B: |\n          two\n        C: api\n    # next\n    image: x\n"
        );
    }

    #[test]
    fn adds_a_list_item_like_the_others() {
        let text =
            "services:\n  api:\n    environment:\n    - \"A=1\"\n    - B=2\n  db:\n    image: x\n";
        assert_eq!(
            add(text, 2, 3, "C", "x=${K}"),
            "services:\n  api:\n    environment:\n    - \"A=1\"\n    - B=2\n    - C=x=${K}\n  db:\n    image: x\n"
        );
    }

    #[test]
    fn adds_the_block_when_there_is_none() {
        let text = "services:\n   api:\n      image: x\n      # trailing comment\n   db: {}\n";
        assert_eq!(
            add(text, 2, 4, "C", "yes"),
            "services:\n   api:\n      image: x\n      environment:\n         C: \"yes\"\n      # trailing comment\n   db: {}\n"
        );
    }

    #[test]
    fn fills_an_empty_environment() {
        let text = "services:\n  api:\n    environment:\n    image: x\n";
        assert_eq!(
            add(text, 2, 3, "C", "1.5"),
            "services:\n  api:\n    environment:\n      C: \"1.5\"\n    image: x\n"
        );
    }

    #[test]
    fn refuses_what_text_edits_cannot_do_safely() {
        let refuse = |text: &str| {
            add_variables(&Source::new(text), "api", 2, 3, &[("C".into(), "v".into())]).unwrap_err()
        };
        assert!(refuse("services:\n  api:\n    environment: {A: 1}\n").contains("flow style"));
        assert!(refuse("services:\n  api:\n    environment: *env\n").contains("alias"));
        assert!(refuse("services:\n  api:\n    <<: *base\n    image: x\n").contains("merge"));
        assert!(refuse("services:\n  api: {image: x}\n").contains("not a block"));
        assert!(refuse("services:\n  web:\n    image: x\n").contains("changed"));
        assert!(
            refuse("services:\n  api:\n    environment:\n      C: 1\n").contains("already sets C")
        );
    }

    #[test]
    fn an_anchored_block_is_still_a_block() {
        let text = "services:\n  api: &api\n    environment: &env\n      A: 1\n";
        assert_eq!(
            add(text, 2, 3, "C", "v"),
            "services:\n  api: &api\n    environment: &env\n      A: 1\n      C: v\n"
        );
    }

    #[test]
    fn the_check_finds_the_variable_in_either_style() {
        assert!(
            check(
                "services:\n  api:\n    environment:\n      C: v\n",
                &[("api", "C")]
            )
            .is_ok()
        );
        assert!(
            check(
                "services:\n  api:\n    environment:\n      - C=v\n",
                &[("api", "C")]
            )
            .is_ok()
        );
        assert!(check("services:\n  api:\n    image: x\n", &[("api", "C")]).is_err());
        assert!(check("services: [\n", &[]).is_err());
    }
}
