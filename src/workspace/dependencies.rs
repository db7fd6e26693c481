//! The dependency lists of the ecosystems read only for which packages they name: Go's
//! `go.mod`, Ruby's `Gemfile`, Maven's `pom.xml`, Gradle's `build.gradle(.kts)`, .NET's
//! `*.csproj` and PHP's `composer.json` and `composer.lock`. Each is a list of names with positions; what the
//! names mean is for `crate::knowledge` to say.

use crate::source::Positions;

pub use crate::knowledge::ecosystems::Ecosystem;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// As the ecosystem names it: a Go module path, a gem, `group:artifact`, a NuGet id, a
    /// Composer `vendor/package`.
    pub name: String,
    pub version: Option<String>,
    pub line: u32,
    pub column: u32,
    /// Only for development or tests (a Gemfile `group :test`, `require-dev`,
    /// `testImplementation`), or only required by other modules (Go's `// indirect`).
    pub secondary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyList {
    pub ecosystem: Ecosystem,
    pub dependencies: Vec<Dependency>,
}

impl DependencyList {
    pub fn find(&self, name: &str) -> Option<&Dependency> {
        self.dependencies.iter().find(|d| d.name == name)
    }
}

/// Reads a manifest; never fails (what the tool would reject is skipped, and the build
/// reports it).
pub fn parse(ecosystem: Ecosystem, text: &str) -> DependencyList {
    let dependencies = match ecosystem {
        Ecosystem::Go => go_mod(text),
        Ecosystem::Ruby => gemfile(text),
        Ecosystem::Maven => pom(text),
        Ecosystem::Gradle => gradle(text),
        Ecosystem::NuGet => csproj(text),
        Ecosystem::Composer => composer(text),
    };
    DependencyList {
        ecosystem,
        dependencies,
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn column_of(line: &str, byte: usize) -> u32 {
    to_u32(line[..byte.min(line.len())].chars().count() + 1)
}

/// `require x v1` and `require ( ... )` blocks, with `// indirect` marked.
fn go_mod(text: &str) -> Vec<Dependency> {
    let mut dependencies = Vec::new();
    let mut in_block = false;
    for (index, line) in text.lines().enumerate() {
        let (code, comment) = line.split_once("//").unwrap_or((line, ""));
        let trimmed = code.trim();
        let entry = if in_block {
            if trimmed == ")" {
                in_block = false;
                continue;
            }
            trimmed
        } else if let Some(rest) = trimmed.strip_prefix("require") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        let mut words = entry.split_whitespace();
        let Some(name) = words.next() else { continue };
        let byte = line.find(name).unwrap_or(0);
        dependencies.push(Dependency {
            name: name.trim_matches('"').to_string(),
            version: words.next().map(String::from),
            line: to_u32(index + 1),
            column: column_of(line, byte),
            secondary: comment.trim() == "indirect",
        });
    }
    dependencies
}

/// `gem "name", "~> 1.0"` lines, inside `group :development, :test do ... end` blocks marked.
fn gemfile(text: &str) -> Vec<Dependency> {
    let mut dependencies = Vec::new();
    // For each open `do` block: whether it is a development/test group.
    let mut blocks: Vec<bool> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let code = line.split('#').next().unwrap_or_default();
        let trimmed = code.trim();
        if trimmed == "end" {
            blocks.pop();
            continue;
        }
        if trimmed.ends_with(" do") || trimmed.contains(" do |") {
            let development = trimmed.starts_with("group")
                && !trimmed.contains(":production")
                && (trimmed.contains(":development") || trimmed.contains(":test"));
            blocks.push(development);
            continue;
        }
        let Some(rest) = trimmed.strip_prefix("gem ") else {
            continue;
        };
        let mut quoted = rest.split(['"', '\'']).skip(1).step_by(2);
        let Some(name) = quoted.next().filter(|n| !n.is_empty()) else {
            continue;
        };
        let inline_group = rest.contains("group:") || rest.contains(":group =>");
        let development = inline_group && (rest.contains(":development") || rest.contains(":test"));
        let byte = line.find(name).unwrap_or(0);
        dependencies.push(Dependency {
            name: name.to_string(),
            version: quoted.next().map(String::from),
            line: to_u32(index + 1),
            column: column_of(line, byte),
            secondary: development || blocks.iter().any(|&dev| dev),
        });
    }
    dependencies
}

/// The text of the first `<tag>...</tag>` in `block`.
fn xml_element<'a>(block: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = block.find(&open)? + open.len();
    let end = block[start..].find(&format!("</{tag}>"))?;
    Some(block[start..start + end].trim())
}

/// `<dependency>` blocks: `groupId:artifactId`, test scope marked.
fn pom(text: &str) -> Vec<Dependency> {
    let positions = Positions::new(text);
    let mut dependencies = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("<dependency>") {
        let start = from + start;
        let Some(length) = text[start..].find("</dependency>") else {
            break;
        };
        let block = &text[start..start + length];
        if let (Some(group), Some(artifact)) = (
            xml_element(block, "groupId"),
            xml_element(block, "artifactId"),
        ) {
            let at = block.find("<artifactId>").map_or(start, |a| start + a);
            let (line, column) = positions.of(at);
            dependencies.push(Dependency {
                name: format!("{group}:{artifact}"),
                version: xml_element(block, "version").map(String::from),
                line,
                column,
                secondary: xml_element(block, "scope") == Some("test"),
            });
        }
        from = start + length;
    }
    dependencies
}

/// Gradle: every quoted `group:artifact(:version)` coordinate, and the map form
/// `group: 'g', name: 'a'`; test configurations marked.
fn gradle(text: &str) -> Vec<Dependency> {
    let mut dependencies = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let secondary = code.trim_start().starts_with("test");
        let mut push = |name: String, version: Option<String>, byte: usize| {
            dependencies.push(Dependency {
                name,
                version,
                line: to_u32(index + 1),
                column: column_of(line, byte),
                secondary,
            });
        };
        if code.contains("group:") && code.contains("name:") {
            let value = |key: &str| {
                let rest = &code[code.find(key)? + key.len()..];
                let rest = rest.trim_start();
                let quote = rest.chars().next()?;
                let rest = &rest[quote.len_utf8()..];
                Some(rest[..rest.find(quote)?].to_string())
            };
            if let (Some(group), Some(name)) = (value("group:"), value("name:")) {
                let byte = code.find("group:").unwrap_or(0);
                push(format!("{group}:{name}"), value("version:"), byte);
            }
            continue;
        }
        let mut rest = code;
        let mut offset = 0;
        while let Some(open) = rest.find(['"', '\'']) {
            let quote = &rest[open..open + 1];
            let Some(length) = rest[open + 1..].find(quote) else {
                break;
            };
            let literal = &rest[open + 1..open + 1 + length];
            let parts: Vec<&str> = literal.split(':').collect();
            let is_coordinate = (2..=4).contains(&parts.len())
                && parts[..2].iter().all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                });
            if is_coordinate {
                push(
                    format!("{}:{}", parts[0], parts[1]),
                    parts.get(2).map(|v| v.to_string()),
                    offset + open + 1,
                );
            }
            offset += open + 1 + length + 1;
            rest = &rest[open + 1 + length + 1..];
        }
    }
    dependencies
}

/// `<PackageReference Include="Name" Version="1.0" />`.
fn csproj(text: &str) -> Vec<Dependency> {
    let positions = Positions::new(text);
    let mut dependencies = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("<PackageReference") {
        let start = from + start;
        let end = text[start..].find('>').map_or(text.len(), |e| start + e);
        let element = &text[start..end];
        let attribute = |name: &str| {
            let rest = &element[element.find(&format!("{name}=\""))? + name.len() + 2..];
            Some(rest[..rest.find('"')?].to_string())
        };
        if let Some(name) = attribute("Include") {
            let (line, column) = positions.of(start);
            dependencies.push(Dependency {
                name,
                version: attribute("Version"),
                line,
                column,
                secondary: false,
            });
        }
        from = end;
    }
    dependencies
}

/// `require` and `require-dev` of `composer.json`; or, for `composer.lock`, every package
/// it installs (`packages`, and `packages-dev` as secondary) with its locked version.
fn composer(text: &str) -> Vec<Dependency> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    if value
        .get("packages")
        .is_some_and(serde_json::Value::is_array)
    {
        return composer_lock(text, &value);
    }
    // Each name where the document writes it, from one pass over its keys.
    let keys = super::npm::json_keys(text);
    let positions = Positions::new(text);
    let mut dependencies = Vec::new();
    for (section, secondary) in [("require", false), ("require-dev", true)] {
        let Some(entries) = value.get(section).and_then(|s| s.as_object()) else {
            continue;
        };
        for key in keys
            .iter()
            .filter(|k| k.path.len() == 2 && k.path[0] == section)
        {
            let Some(version) = entries.get(&key.path[1]) else {
                continue;
            };
            let (line, column) = positions.of(key.offset);
            dependencies.push(Dependency {
                name: key.path[1].clone(),
                version: version.as_str().map(String::from),
                line,
                column,
                secondary,
            });
        }
    }
    dependencies
}

/// `composer.lock`'s packages, each at the line of its `"name"`.
fn composer_lock(text: &str, value: &serde_json::Value) -> Vec<Dependency> {
    let positions = Positions::new(text);
    let mut dependencies = Vec::new();
    for (section, secondary) in [("packages", false), ("packages-dev", true)] {
        let Some(packages) = value.get(section).and_then(|s| s.as_array()) else {
            continue;
        };
        for package in packages {
            let Some(name) = package.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let (line, column) = text
                .find(&format!("\"name\": \"{name}\""))
                .map_or((1, 1), |offset| positions.of(offset));
            dependencies.push(Dependency {
                name: name.to_string(),
                version: package
                    .get("version")
                    .and_then(|v| v.as_str())
                    .map(String::from),
                line,
                column,
                secondary,
            });
        }
    }
    dependencies
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &DependencyList) -> Vec<(&str, u32, u32, bool)> {
        list.dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.line, d.column, d.secondary))
            .collect()
    }

    #[test]
    fn go_mod_requires() {
        let text = "module example.com/app\n\ngo 1.22\n\nrequire go.opentelemetry.io/otel v1.28.0\n\nrequire (\n\tgo.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc v1.28.0\n\tgithub.com/x/y v1.0.0 // indirect\n)\n";
        let list = parse(Ecosystem::Go, text);
        assert_eq!(
            names(&list),
            [
                ("go.opentelemetry.io/otel", 5, 9, false),
                (
                    "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc",
                    8,
                    2,
                    false
                ),
                ("github.com/x/y", 9, 2, true),
            ]
        );
    }

    #[test]
    fn gemfile_gems_and_groups() {
        let text = "source 'https://rubygems.org'\ngem \"sinatra\", \"~> 4.2\"\ngem 'opentelemetry-sdk'\ngroup :development, :test do\n  gem 'rspec'\nend\ngem 'pry', group: :development\n# gem 'commented'\n";
        let list = parse(Ecosystem::Ruby, text);
        assert_eq!(
            names(&list),
            [
                ("sinatra", 2, 6, false),
                ("opentelemetry-sdk", 3, 6, false),
                ("rspec", 5, 8, true),
                ("pry", 7, 6, true),
            ]
        );
        assert_eq!(list.dependencies[0].version.as_deref(), Some("~> 4.2"));
    }

    #[test]
    fn maven_and_gradle_coordinates() {
        let pom_text = "<project>\n  <dependencies>\n    <dependency>\n      <groupId>io.opentelemetry</groupId>\n      <artifactId>opentelemetry-api</artifactId>\n    </dependency>\n    <dependency>\n      <groupId>junit</groupId>\n      <artifactId>junit</artifactId>\n      <scope>test</scope>\n    </dependency>\n  </dependencies>\n</project>\n";
        assert_eq!(
            names(&parse(Ecosystem::Maven, pom_text)),
            [
                ("io.opentelemetry:opentelemetry-api", 5, 7, false),
                ("junit:junit", 9, 7, true)
            ]
        );
        let gradle_text = "dependencies {\n    implementation(\"io.opentelemetry:opentelemetry-api:${otelApiVersion}\")\n    agent 'io.opentelemetry.javaagent:opentelemetry-javaagent:2.24.0'\n    implementation group: 'io.opentelemetry', name: 'opentelemetry-sdk', version: '1.36.0'\n    testImplementation('org.springframework.boot:spring-boot-starter-test')\n}\n";
        let list = parse(Ecosystem::Gradle, gradle_text);
        assert_eq!(
            names(&list),
            [
                ("io.opentelemetry:opentelemetry-api", 2, 21, false),
                (
                    "io.opentelemetry.javaagent:opentelemetry-javaagent",
                    3,
                    12,
                    false
                ),
                ("io.opentelemetry:opentelemetry-sdk", 4, 20, false),
                (
                    "org.springframework.boot:spring-boot-starter-test",
                    5,
                    25,
                    true
                ),
            ]
        );
        assert_eq!(list.dependencies[1].version.as_deref(), Some("2.24.0"));
    }

    #[test]
    fn composer_lock_packages_with_their_versions() {
        let lock = "{\n    \"content-hash\": \"0\",\n    \"packages\": [\n        {\n            \"name\": \"open-telemetry/sdk\",\n            \"version\": \"1.2.0\"\n        }\n    ],\n    \"packages-dev\": [\n        {\n            \"name\": \"phpunit/phpunit\",\n            \"version\": \"10.5.0\"\n        }\n    ]\n}\n";
        let list = parse(Ecosystem::Composer, lock);
        assert_eq!(
            names(&list),
            [
                ("open-telemetry/sdk", 5, 13, false),
                ("phpunit/phpunit", 11, 13, true)
            ]
        );
        assert_eq!(list.dependencies[0].version.as_deref(), Some("1.2.0"));
    }

    #[test]
    fn csproj_and_composer_packages() {
        let csproj_text = "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <ItemGroup>\n    <PackageReference Include=\"Honeycomb.OpenTelemetry\" Version=\"1.5.0\" />\n  </ItemGroup>\n</Project>\n";
        assert_eq!(
            names(&parse(Ecosystem::NuGet, csproj_text)),
            [("Honeycomb.OpenTelemetry", 3, 5, false)]
        );
        let composer_text = "{\n  \"require\": {\n    \"open-telemetry/sdk\": \"^1.0\"\n  },\n  \"require-dev\": {\"phpunit/phpunit\": \"^10\"}\n}\n";
        assert_eq!(
            names(&parse(Ecosystem::Composer, composer_text)),
            [
                ("open-telemetry/sdk", 3, 5, false),
                ("phpunit/phpunit", 5, 19, true)
            ]
        );
    }
}
