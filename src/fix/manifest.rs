//! Packages added to a Python manifest: lines appended to a requirements file, entries added
//! to `pyproject.toml`'s PEP 621 `[project] dependencies` list or Poetry's
//! `[tool.poetry.dependencies]` table, each in the file's own layout (newlines, quotes,
//! indentation, trailing commas). The result is read back with the parsers the lint uses and
//! must list the packages where installing the manifest installs them.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::text::{Change, Source, indentation};
use crate::knowledge::python::companion_version;
use crate::workspace::manifest::{
    normalize_name, parse_pyproject, parse_requirements, strip_comment,
};

/// What kind of manifest a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Requirements,
    Pyproject,
}

impl Kind {
    pub fn of(path: &str) -> Option<Kind> {
        match path.rsplit('/').next().unwrap_or(path) {
            "pyproject.toml" => Some(Kind::Pyproject),
            "Pipfile" | "setup.py" | "setup.cfg" | "package.json" => None,
            _ => Some(Kind::Requirements),
        }
    }
}

/// The packages of `packages` the manifest does not list yet.
pub fn missing<'p>(kind: Kind, text: &str, packages: &'p [String]) -> Vec<&'p String> {
    let listed: Vec<String> = match kind {
        Kind::Requirements => parse_requirements(text)
            .requirements
            .into_iter()
            .map(|r| r.name)
            .collect(),
        Kind::Pyproject => parse_pyproject(text)
            .map(|p| p.dependencies.into_iter().map(|r| r.name).collect())
            .unwrap_or_default(),
    };
    packages
        .iter()
        .filter(|p| !listed.contains(&normalize_name(p)))
        .collect()
}

/// The packages as the manifest will list them, pinned the way it pins: `==` the version its
/// other OpenTelemetry pins were released with, or the newest release known when the
/// requirements file pins every line but has no OpenTelemetry pin; as a bare name otherwise.
pub fn pinned(kind: Kind, text: &str, packages: &[&String]) -> Vec<String> {
    let pins = exact_pins(kind, text);
    let pin_anyway = kind == Kind::Requirements && pins_every_line(text);
    packages
        .iter()
        .map(
            |package| match companion_version(&normalize_name(package), &pins, pin_anyway) {
                Some(version) => format!("{package}=={version}"),
                None => package.to_string(),
            },
        )
        .collect()
}

/// `name==version` pairs: a requirements file's lines, or the quoted requirements of a
/// `pyproject.toml` (Poetry's tables pin otherwise, and are left unpinned).
fn exact_pins(kind: Kind, text: &str) -> Vec<(String, String)> {
    let requirements: Vec<&str> = match kind {
        Kind::Requirements => text.lines().map(strip_comment).collect(),
        Kind::Pyproject => text.split(['"', '\'']).skip(1).step_by(2).collect(),
    };
    requirements
        .into_iter()
        .filter_map(|requirement| {
            let (name, version) = requirement.split_once("==")?;
            let name = name.split('[').next()?.trim();
            let version: String = version
                .trim_start_matches('=')
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '!'))
                .collect();
            (!name.is_empty() && !version.is_empty()).then(|| (normalize_name(name), version))
        })
        .collect()
}

fn pins_every_line(text: &str) -> bool {
    let mut lines = text
        .lines()
        .map(|line| strip_comment(line).trim())
        .filter(|line| !line.is_empty() && !line.starts_with('-'))
        .peekable();
    lines.peek().is_some() && lines.all(|line| line.contains("=="))
}

pub fn add(kind: Kind, source: &Source, packages: &[&String]) -> Result<Vec<Change>, String> {
    match kind {
        Kind::Requirements => Ok(vec![append_lines(source, packages)]),
        Kind::Pyproject => add_to_pyproject(source, packages),
    }
}

/// After the edit, the manifest lists every package where its install installs it.
pub fn check(kind: Kind, text: &str, packages: &[&String]) -> Result<(), String> {
    let owned: Vec<String> = packages.iter().map(|p| p.to_string()).collect();
    let still_missing = missing(kind, text, &owned);
    if let Kind::Pyproject = kind {
        parse_pyproject(text).map_err(|e| {
            format!(
                "the edited file would not parse ({}:{}: {})",
                e.line, e.column, e.message
            )
        })?;
    }
    match still_missing.as_slice() {
        [] => Ok(()),
        missing => Err(format!(
            "{} did not land among the installed dependencies: add them by hand",
            missing
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// One package a line, at the end; a file without a final newline stays without one.
fn append_lines(source: &Source, packages: &[&String]) -> Change {
    let text = source.text;
    let newline = source.newline();
    let added: String = if text.is_empty() || text.ends_with('\n') {
        packages.iter().map(|p| format!("{p}{newline}")).collect()
    } else {
        packages.iter().map(|p| format!("{newline}{p}")).collect()
    };
    Change::insert(text.len(), added)
}

fn add_to_pyproject(source: &Source, packages: &[&String]) -> Result<Vec<Change>, String> {
    let document = DeTable::parse(source.text)
        .map_err(|e| format!("pyproject.toml does not parse: {}", e.message().trim()))?;
    let document = document.get_ref();
    if let Some(dependencies) = lookup(document, &["project", "dependencies"]) {
        return match dependencies.get_ref() {
            DeValue::Array(items) => {
                let spans: Vec<Range<usize>> = items.iter().map(|i| i.span()).collect();
                add_to_array(source, dependencies.span(), &spans, packages)
            }
            _ => Err("`[project] dependencies` is not a list: add the packages by hand".into()),
        };
    }
    if let Some(dependencies) = lookup(document, &["tool", "poetry", "dependencies"]) {
        return match dependencies.get_ref() {
            DeValue::Table(table) if !source.text[dependencies.span()].starts_with('{') => {
                add_to_table(source, table, packages)
            }
            _ => Err(
                "`[tool.poetry.dependencies]` is an inline table: add the packages by hand".into(),
            ),
        };
    }
    Err("pyproject.toml has neither a `[project] dependencies` list nor a `[tool.poetry.dependencies]` table: add the packages by hand".into())
}

fn lookup<'t, 'i>(table: &'t DeTable<'i>, path: &[&str]) -> Option<&'t toml::Spanned<DeValue<'i>>> {
    let (first, rest) = path.split_first()?;
    let value = table.get(*first)?;
    match (rest, value.get_ref()) {
        ([], _) => Some(value),
        (rest, DeValue::Table(inner)) => lookup(inner, rest),
        _ => None,
    }
}

/// Adds quoted requirements to a TOML array: one a line, indented like the last item, in a
/// multi-line array; after the last item in a one-line array.
fn add_to_array(
    source: &Source,
    array: Range<usize>,
    items: &[Range<usize>],
    packages: &[&String],
) -> Result<Vec<Change>, String> {
    let text = source.text;
    let close = array.end.saturating_sub(1);
    if !text[close..].starts_with(']') {
        return Err(
            "`[project] dependencies` is not written as a list: add the packages by hand".into(),
        );
    }
    let quote = items
        .last()
        .and_then(|last| text[last.clone()].chars().next())
        .filter(|c| matches!(c, '"' | '\''))
        .unwrap_or('"');
    let quoted = |p: &String| format!("{quote}{p}{quote}");
    let Some(last) = items.last() else {
        let list: Vec<String> = packages.iter().map(|p| quoted(p)).collect();
        return Ok(vec![Change::insert(array.start + 1, list.join(", "))]);
    };
    let after_last = &text[last.end..close];
    let comma = after_last
        .trim_start()
        .starts_with(',')
        .then(|| last.end + after_last.find(',').unwrap_or_default());
    let last_line = source.line_of(last.end.saturating_sub(1));
    if last_line == source.line_of(close) {
        let added: String = packages
            .iter()
            .map(|p| format!(", {}", quoted(p)))
            .collect();
        return Ok(vec![Change::insert(last.end, added)]);
    }
    let indent: String = source
        .line(source.line_of(last.start))
        .unwrap_or_default()
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let mut changes = Vec::new();
    if comma.is_none() {
        changes.push(Change::insert(last.end, ",".into()));
    }
    let lines: Vec<String> = packages
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let separator = if comma.is_some() || index + 1 < packages.len() {
                ","
            } else {
                ""
            };
            format!("{indent}{}{separator}", quoted(p))
        })
        .collect();
    let after_line = comma.map_or(last_line, |at| source.line_of(at));
    changes.extend(source.insert_lines_after(after_line, &lines));
    Ok(changes)
}

/// Adds `name = "*"` entries after the last entry of a TOML table written under its header.
fn add_to_table(
    source: &Source,
    table: &DeTable,
    packages: &[&String],
) -> Result<Vec<Change>, String> {
    let Some((key, value)) = table.iter().max_by_key(|(_, value)| value.span().end) else {
        return Err("`[tool.poetry.dependencies]` is empty: add the packages by hand".into());
    };
    let text = source.text;
    let quote = text[value.span()]
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''))
        .unwrap_or('"');
    let key_line = source.line_of(key.span().start);
    let indent = " ".repeat(indentation(source.line(key_line).unwrap_or_default()));
    let lines: Vec<String> = packages
        .iter()
        .map(|p| {
            let (name, version) = p.split_once("==").unwrap_or((p, "*"));
            format!("{indent}{name} = {quote}{version}{quote}")
        })
        .collect();
    let last_line = source.line_of(value.span().end.saturating_sub(1));
    Ok(source
        .insert_lines_after(last_line, &lines)
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::text::apply;
    use super::*;

    fn add_all(kind: Kind, text: &str, packages: &[&str]) -> Result<String, String> {
        let packages: Vec<String> = packages.iter().map(|p| p.to_string()).collect();
        let wanted = missing(kind, text, &packages);
        let source = Source::new(text);
        let changes = add(kind, &source, &wanted)?;
        let out = apply(text, &changes);
        check(kind, &out, &wanted)?;
        Ok(out)
    }

    #[test]
    fn requirements_keep_their_newlines() {
        let both = ["opentelemetry-sdk", "opentelemetry-api"];
        assert_eq!(
            add_all(Kind::Requirements, "flask\r\n", &both).unwrap(),
            "flask\r\nopentelemetry-sdk\r\nopentelemetry-api\r\n"
        );
        assert_eq!(
            add_all(Kind::Requirements, "# web\nflask==3.1.3", &both).unwrap(),
            "# web\nflask==3.1.3\nopentelemetry-sdk\nopentelemetry-api"
        );
        assert_eq!(
            add_all(Kind::Requirements, "", &both[..1]).unwrap(),
            "opentelemetry-sdk\n"
        );
    }

    #[test]
    fn added_packages_are_pinned_the_way_the_file_pins() {
        let http = String::from("opentelemetry-exporter-otlp-proto-http");
        let flask = String::from("opentelemetry-instrumentation-flask");
        let both = [&http, &flask];
        let pinned_sdk = "flask==3.1.0\nopentelemetry-sdk==1.27.0  # tracing\n";
        assert_eq!(
            pinned(Kind::Requirements, pinned_sdk, &both),
            [
                "opentelemetry-exporter-otlp-proto-http==1.27.0",
                "opentelemetry-instrumentation-flask==0.48b0"
            ]
        );
        let ranged = "flask>=3\nopentelemetry-sdk>=1.20\n";
        assert_eq!(
            pinned(Kind::Requirements, ranged, &both),
            [http.clone(), flask.clone()]
        );
        let all_pinned = "# web\nflask==3.1.0\ngunicorn==23.0.0\n";
        assert_eq!(
            pinned(Kind::Requirements, all_pinned, &[&http]),
            ["opentelemetry-exporter-otlp-proto-http==1.45.0"]
        );
        let pyproject = "[project]\ndependencies = [\n  \"opentelemetry-distro==0.48b0\",\n]\n";
        assert_eq!(
            pinned(Kind::Pyproject, pyproject, &[&http]),
            ["opentelemetry-exporter-otlp-proto-http==1.27.0"]
        );
    }

    #[test]
    fn listed_packages_are_not_added_again() {
        let packages: Vec<String> = vec!["opentelemetry_sdk".into(), "opentelemetry-api".into()];
        let wanted = missing(Kind::Requirements, "OpenTelemetry-SDK>=1\n", &packages);
        assert_eq!(wanted, [&packages[1]]);
    }

    #[test]
    fn pep_621_lists_in_each_layout() {
        let multi = "[project]\nname = \"api\"\ndependencies = [\n    \"flask>=3\",  # web\n]\n";
        assert_eq!(
            add_all(
                Kind::Pyproject,
                multi,
                &["opentelemetry-sdk", "opentelemetry-api"]
            )
            .unwrap(),
            "[project]\nname = \"api\"\ndependencies = [\n    \"flask>=3\",  # web\n    \"opentelemetry-sdk\",\n    \"opentelemetry-api\",\n]\n"
        );
        let no_trailing_comma = "[project]\ndependencies = [\n  'flask'\n]\n";
        assert_eq!(
            add_all(Kind::Pyproject, no_trailing_comma, &["a", "b"]).unwrap(),
            "[project]\ndependencies = [\n  'flask',\n  'a',\n  'b'\n]\n"
        );
        let one_line = "[project]\ndependencies = [\"flask\"]\n";
        assert_eq!(
            add_all(Kind::Pyproject, one_line, &["a"]).unwrap(),
            "[project]\ndependencies = [\"flask\", \"a\"]\n"
        );
        let empty = "[project]\ndependencies = []\n";
        assert_eq!(
            add_all(Kind::Pyproject, empty, &["a", "b"]).unwrap(),
            "[project]\ndependencies = [\"a\", \"b\"]\n"
        );
    }

    #[test]
    fn poetry_tables() {
        let text = "[tool.poetry]\nname = \"api\"\n\n[tool.poetry.dependencies]\npython = \"^3.12\"\nflask = { version = \"^3\", extras = [\"async\"] }\n\n[tool.poetry.group.dev.dependencies]\npytest = \"*\"\n";
        assert_eq!(
            add_all(Kind::Pyproject, text, &["opentelemetry-sdk"]).unwrap(),
            "[tool.poetry]\nname = \"api\"\n\n[tool.poetry.dependencies]\npython = \"^3.12\"\nflask = { version = \"^3\", extras = [\"async\"] }\nopentelemetry-sdk = \"*\"\n\n[tool.poetry.group.dev.dependencies]\npytest = \"*\"\n"
        );
    }

    #[test]
    fn what_is_not_a_list_or_a_table_is_refused() {
        assert!(add_all(Kind::Pyproject, "[project]\nname = \"x\"\n", &["a"]).is_err());
        assert!(
            add_all(
                Kind::Pyproject,
                "[tool.poetry]\ndependencies = { flask = \"*\" }\n",
                &["a"]
            )
            .is_err()
        );
        assert!(add_all(Kind::Pyproject, "[project\n", &["a"]).is_err());
    }
}
