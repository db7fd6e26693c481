//! Data flows one way: no two sibling modules of `src/` may use each other, directly or
//! through others (`finding` ↔ `fix`, `probe::collector` ↔ `probe::target` were such cycles).
//! A module may use its ancestors' items and its own descendants; between siblings, data types
//! sit below the code that acts on them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The module path of a source file: `src/probe/target.rs` → `["probe", "target"]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without its tests, comments and string literals: what it really uses.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut code = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        code.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                }
                code.push_str("\"\"");
            }
            _ => code.push(c),
        }
    }
    code
}

/// The module paths a file names: `crate::a::b::...` and `super::a::...`.
fn references(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", module[..module.len().saturating_sub(1)].to_vec()),
    ] {
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let mut path = base.clone();
            for segment in code[at + prefix.len()..].split("::") {
                let name: String = segment
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                // Modules are lower-case; a type or a `{` ends the path.
                if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
                    break;
                }
                let whole = name.len() == segment.len();
                path.push(name);
                if !whole {
                    break;
                }
            }
            found.push(path);
        }
    }
    found
}

/// Every sibling-to-sibling use: at the first segment where the two paths differ.
fn sibling_edges(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let module = module_of(path.strip_prefix(root).unwrap());
            let code = code_of(&std::fs::read_to_string(&path).unwrap());
            for used in references(&code, &module) {
                let shared = module.iter().zip(&used).take_while(|(a, b)| a == b).count();
                if shared >= module.len() || shared >= used.len() {
                    continue;
                }
                edges
                    .entry(module[..=shared].join("::"))
                    .or_default()
                    .insert(used[..=shared].join("::"));
            }
        }
    }
    edges
}

/// A cycle through `start`, if there is one.
fn cycle_through(edges: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut path = vec![start.to_string()];
    let mut seen = BTreeSet::new();
    fn walk(
        edges: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let here = path.last().unwrap().clone();
        for next in edges.get(&here).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(edges, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    walk(edges, start, &mut path, &mut seen).then_some(path)
}

#[test]
fn no_two_sibling_modules_use_each_other() {
    let edges = sibling_edges(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        edges.contains_key("finding"),
        "the scan found no uses at all: {edges:?}"
    );
    let cycles: Vec<String> = edges
        .keys()
        .filter_map(|module| cycle_through(&edges, module))
        .map(|cycle| cycle.join(" → "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_scan_sees_a_cycle_when_there_is_one() {
    let code = code_of("use crate::fix::Remedy; // crate::probe::x\nlet s = \"crate::y\";");
    assert_eq!(
        references(&code, &["finding".to_string()]),
        [vec!["fix".to_string()]]
    );
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("a".into());
    assert_eq!(cycle_through(&edges, "a").unwrap(), ["a", "b", "a"]);
}
