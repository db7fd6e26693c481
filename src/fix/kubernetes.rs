//! Kubernetes manifests: an annotation moves from a workload's own `metadata.annotations` to
//! its pod template's, in block style, with the indentation the file already uses; the maps it
//! needs (`metadata:`, `annotations:`) are created when the template has none.

use super::text::{Change, Source};
use crate::workspace::yaml;

/// After the edit: every document of the file still parses.
pub fn check(text: &str) -> Result<(), String> {
    yaml::parse_stream(text).map(|_| ()).map_err(|e| {
        format!(
            "the edited file would not parse ({}:{}: {})",
            e.line, e.column, e.message
        )
    })
}

/// The annotation whose key starts `line` moves under the pod template whose `metadata:` (or,
/// when it has none, `template:`) key is on `template_line`.
pub fn move_annotation(
    source: &Source,
    line: usize,
    template_line: usize,
    name: &str,
    value: &str,
) -> Result<Vec<Change>, String> {
    let changed = |what: &str| format!("the file changed since it was read: {what}");
    let text = source
        .line(line)
        .ok_or_else(|| changed(&format!("line {line} is gone")))?;
    if !text.trim_start().starts_with(name) || text.contains('{') {
        return Err(format!(
            "`{name}` is not on a line of its own at line {line}: move it by hand"
        ));
    }
    let mut changes = vec![remove(source, line)?];
    let template = source
        .line(template_line)
        .ok_or_else(|| changed(&format!("line {template_line} is gone")))?;
    let template_indent = indent(template);
    let child = child_indent(source, template_line).ok_or_else(|| {
        format!(
            "the pod template at line {template_line} is not in block style: move `{name}` by hand"
        )
    })?;
    let step = " ".repeat(child - template_indent);
    let entry = format!("{name}: {}", quoted(value));
    let newline = source.newline();
    let after_template = source.next_line_start(template_line);
    let key = template.trim_start();
    let insertion = if key.starts_with("metadata:") {
        if key.trim_end() != "metadata:" {
            return Err(format!(
                "the pod template's metadata at line {template_line} is not in block style: move `{name}` by hand"
            ));
        }
        let pad = " ".repeat(child);
        match find_child(source, template_line, child, "annotations:") {
            Some(annotations) => {
                let entries = child_indent(source, annotations).unwrap_or(child + step.len());
                Change::insert(
                    source.next_line_start(annotations),
                    format!("{}{entry}{newline}", " ".repeat(entries)),
                )
            }
            None => Change::insert(
                after_template,
                format!("{pad}annotations:{newline}{pad}{step}{entry}{newline}"),
            ),
        }
    } else {
        // `template:` without `metadata:`: both maps are new.
        let pad = " ".repeat(child);
        Change::insert(
            after_template,
            format!(
                "{pad}metadata:{newline}{pad}{step}annotations:{newline}{pad}{step}{step}{entry}{newline}"
            ),
        )
    };
    changes.push(insertion);
    Ok(changes)
}

/// Deletes an annotation's line, and the `annotations:` line above it when it was the only
/// entry.
fn remove(source: &Source, line: usize) -> Result<Change, String> {
    let start = source
        .line_start(line)
        .ok_or_else(|| format!("line {line} is gone"))?;
    let end = source.next_line_start(line);
    let own = indent(source.line(line).unwrap_or_default());
    let previous = line.checked_sub(1).and_then(|l| source.line(l));
    let next_is_sibling = source
        .line(line + 1)
        .is_some_and(|next| !next.trim().is_empty() && indent(next) >= own);
    let previous_is_sibling = previous.is_some_and(|p| indent(p) >= own);
    match previous {
        Some(header)
            if header.trim() == "annotations:" && !next_is_sibling && !previous_is_sibling =>
        {
            let header_start = source.line_start(line - 1).unwrap_or(start);
            Ok(Change::delete(header_start..end))
        }
        _ => Ok(Change::delete(start..end)),
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The indentation of the first entry under the key on `line`, if it has entries in block style.
fn child_indent(source: &Source, line: usize) -> Option<usize> {
    let own = indent(source.line(line)?);
    (line + 1..=source.line_count())
        .filter_map(|l| source.line(l))
        .find(|text| !text.trim().is_empty() && !text.trim_start().starts_with('#'))
        .map(indent)
        .filter(|&child| child > own)
}

/// The line of the entry `key` directly under the key on `line` (entries at `child` columns).
fn find_child(source: &Source, line: usize, child: usize, key: &str) -> Option<usize> {
    for l in line + 1..=source.line_count() {
        let text = source.line(l)?;
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        }
        let at = indent(text);
        if at < child {
            return None;
        }
        if at == child && text.trim_end().ends_with(key) && text.trim() == key {
            return Some(l);
        }
    }
    None
}

/// A YAML double-quoted scalar.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::super::text::apply;
    use super::*;

    const ANNOTATION: &str = "instrumentation.opentelemetry.io/inject-python";

    fn moved(text: &str, line: usize, template_line: usize) -> String {
        let source = Source::new(text);
        let changes = move_annotation(&source, line, template_line, ANNOTATION, "true").unwrap();
        apply(text, &changes)
    }

    #[test]
    fn joins_the_template_annotations() {
        let text = "metadata:\n  name: api\n  annotations:\n    instrumentation.opentelemetry.io/inject-python: \"true\"\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n      annotations:\n        a: b\n    spec: {}\n";
        assert_eq!(
            moved(text, 4, 7),
            "metadata:\n  name: api\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n      annotations:\n        instrumentation.opentelemetry.io/inject-python: \"true\"\n        a: b\n    spec: {}\n"
        );
    }

    #[test]
    fn creates_the_maps_it_needs() {
        let text = "metadata:\n  name: api\n  annotations:\n    team: shop\n    instrumentation.opentelemetry.io/inject-python: \"true\"\nspec:\n  template:\n    spec: {}\n";
        assert_eq!(
            moved(text, 5, 7),
            "metadata:\n  name: api\n  annotations:\n    team: shop\nspec:\n  template:\n    metadata:\n      annotations:\n        instrumentation.opentelemetry.io/inject-python: \"true\"\n    spec: {}\n"
        );
        let text = "metadata:\n  name: api\n  annotations:\n    instrumentation.opentelemetry.io/inject-python: \"true\"\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec: {}\n";
        assert_eq!(
            moved(text, 4, 7),
            "metadata:\n  name: api\nspec:\n  template:\n    metadata:\n      annotations:\n        instrumentation.opentelemetry.io/inject-python: \"true\"\n      labels: {app: api}\n    spec: {}\n"
        );
    }

    #[test]
    fn flow_style_is_left_to_the_user() {
        let text = "metadata:\n  annotations: {instrumentation.opentelemetry.io/inject-python: \"true\"}\nspec:\n  template:\n    spec: {}\n";
        let source = Source::new(text);
        assert!(move_annotation(&source, 2, 4, ANNOTATION, "true").is_err());
    }
}
