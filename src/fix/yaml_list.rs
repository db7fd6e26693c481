//! A YAML list gains an item, in the list's own style: `[a, b]` becomes `[a, b, c]`; a block
//! list gets a line `- c` after its item, with that item's indentation.

use super::text::{Change, Source};

/// `item` after the list item `after`, which starts at `line`:`column`.
pub fn add_item(
    source: &Source,
    line: usize,
    column: usize,
    after: &str,
    item: &str,
) -> Result<Change, String> {
    let changed =
        || format!("the file changed since it was read: `{after}` is no longer at {line}:{column}");
    let start = source.offset(line, column).ok_or_else(changed)?;
    let text = source.line(line).ok_or_else(changed)?;
    let line_start = source.line_start(line).ok_or_else(changed)?;
    if !source.text[start..].starts_with(after) {
        return Err(changed());
    }
    let before = &text[..start - line_start];
    match before.trim_end().strip_suffix('-') {
        // A block list: the same dash at the same indentation, on a line of its own.
        Some(indent) if indent.trim().is_empty() => {
            let next = source.next_line_start(line);
            let newline = if next == source.text.len() && !source.text.ends_with('\n') {
                format!("{}{indent}- {item}", source.newline())
            } else {
                format!("{indent}- {item}{}", source.newline())
            };
            Ok(Change::insert(next, newline))
        }
        // A flow list: the item follows in the brackets.
        _ if before.contains('[') => Ok(Change::insert(start + after.len(), format!(", {item}"))),
        _ => Err(format!(
            "`{after}` at {line}:{column} is not in a list this fix knows how to extend: add `{item}` by hand"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::apply;
    use super::*;

    fn add(text: &str, line: usize, column: usize, after: &str, item: &str) -> String {
        let source = Source::new(text);
        let change = add_item(&source, line, column, after, item).unwrap();
        apply(text, &[change])
    }

    #[test]
    fn extends_a_flow_list_in_place() {
        assert_eq!(
            add(
                "    traces:\n      exporters: [debug]\n",
                2,
                19,
                "debug",
                "otlp/honeycomb"
            ),
            "    traces:\n      exporters: [debug, otlp/honeycomb]\n"
        );
    }

    #[test]
    fn extends_a_block_list_with_a_line_of_its_own() {
        let text = "      exporters:\r\n        - debug\r\n      processors: []\r\n";
        assert_eq!(
            add(text, 2, 11, "debug", "otlp/honeycomb"),
            "      exporters:\r\n        - debug\r\n        - otlp/honeycomb\r\n      processors: []\r\n"
        );
        assert_eq!(
            add("x:\n  - debug", 2, 5, "debug", "y"),
            "x:\n  - debug\n  - y"
        );
    }

    #[test]
    fn refuses_what_changed_or_is_no_list() {
        let source = Source::new("exporters: [logging]\n");
        assert!(add_item(&source, 1, 13, "debug", "x").is_err());
        let source = Source::new("exporter: debug\n");
        assert!(add_item(&source, 1, 12, "debug", "x").is_err());
    }
}
