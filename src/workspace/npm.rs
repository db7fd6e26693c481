//! npm's manifests: `package.json` (dependencies, devDependencies, scripts, `type`, with
//! positions) and the lockfiles of npm, Yarn and pnpm, read only for what they say is
//! installed: package names, whether each is only a development dependency, and the version
//! each pins for the project's own dependencies.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::source::Positions;
use crate::workspace::manifest::ManifestError;

/// A dependency or script as `package.json` writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    /// The version range, or the script's command.
    pub value: String,
    /// Where the key is written.
    pub line: u32,
    pub column: u32,
    /// Where the value's text starts (inside its quotes).
    pub value_line: u32,
    pub value_column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackageJson {
    /// `"type": "module"`: `.js` files are ES modules.
    pub module_type: Option<Entry>,
    /// The module `node .` (and `require` of the folder) loads.
    pub main: Option<String>,
    pub dependencies: Vec<Entry>,
    pub dev_dependencies: Vec<Entry>,
    pub optional_dependencies: Vec<Entry>,
    pub scripts: Vec<Entry>,
}

impl PackageJson {
    pub fn script(&self, name: &str) -> Option<&Entry> {
        self.scripts.iter().find(|s| s.name == name)
    }

    pub fn is_module(&self) -> bool {
        self.module_type
            .as_ref()
            .is_some_and(|t| t.value == "module")
    }

    /// Every dependency listed, in any list.
    pub fn all_dependencies(&self) -> impl Iterator<Item = &Entry> {
        self.dependencies
            .iter()
            .chain(&self.dev_dependencies)
            .chain(&self.optional_dependencies)
    }
}

pub fn parse_package_json(text: &str) -> Result<PackageJson, ManifestError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| ManifestError {
        line: u32::try_from(error.line()).unwrap_or(u32::MAX),
        column: u32::try_from(error.column()).unwrap_or(u32::MAX),
        message: error.to_string(),
    })?;
    let Some(object) = value.as_object() else {
        return Err(ManifestError {
            line: 1,
            column: 1,
            message: "package.json is not a JSON object".into(),
        });
    };
    let keys = json_keys(text);
    let positions = Positions::new(text);
    let entries = |section: &str| -> Vec<Entry> {
        keys.iter()
            .filter(|k| k.path.len() == 2 && k.path[0] == section)
            .filter_map(|k| {
                let value = object.get(section)?.get(&k.path[1])?.as_str()?;
                Some(entry(&positions, k, value))
            })
            .collect()
    };
    let module_type = keys
        .iter()
        .find(|k| k.path.len() == 1 && k.path[0] == "type")
        .and_then(|k| Some(entry(&positions, k, object.get("type")?.as_str()?)));
    Ok(PackageJson {
        module_type,
        main: object
            .get("main")
            .and_then(|n| n.as_str())
            .map(String::from),
        dependencies: entries("dependencies"),
        dev_dependencies: entries("devDependencies"),
        optional_dependencies: entries("optionalDependencies"),
        scripts: entries("scripts"),
    })
}

fn entry(positions: &Positions, key: &JsonKey, value: &str) -> Entry {
    let (line, column) = positions.of(key.offset);
    let (value_line, value_column) = positions.of(key.value_offset + 1);
    Entry {
        name: key.path.last().cloned().unwrap_or_default(),
        value: value.to_string(),
        line,
        column,
        value_line,
        value_column,
    }
}

/// A key of a JSON document: its path from the root, where its quote is, and where its value
/// starts.
pub(super) struct JsonKey {
    pub path: Vec<String>,
    pub offset: usize,
    value_offset: usize,
}

/// The keys of the first two levels of a JSON object, with their byte offsets. The text has
/// already been validated by serde_json, which keeps no positions.
pub(super) fn json_keys(text: &str) -> Vec<JsonKey> {
    const MAX_DEPTH: usize = 2;
    let bytes = text.as_bytes();
    let mut keys = Vec::new();
    // The key of each open object (`None` for arrays and the root).
    let mut path: Vec<Option<String>> = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(bytes.len());
                i += 1;
                let mut after = i;
                while after < bytes.len() && bytes[after].is_ascii_whitespace() {
                    after += 1;
                }
                if bytes.get(after) == Some(&b':') {
                    let raw = text.get(start + 1..end).unwrap_or_default();
                    let name = serde_json::from_str::<String>(&format!("\"{raw}\""))
                        .unwrap_or_else(|_| raw.to_string());
                    let depth = path.len();
                    let mut value_offset = after + 1;
                    while value_offset < bytes.len() && bytes[value_offset].is_ascii_whitespace() {
                        value_offset += 1;
                    }
                    if (1..=MAX_DEPTH).contains(&depth) && path.iter().skip(1).all(Option::is_some)
                    {
                        let mut full: Vec<String> =
                            path.iter().skip(1).flatten().cloned().collect();
                        full.push(name.clone());
                        keys.push(JsonKey {
                            path: full,
                            offset: start,
                            value_offset,
                        });
                    }
                    pending = Some((name, start));
                    i = after + 1;
                }
                continue;
            }
            b'{' => path.push(pending.take().map(|(name, _)| name)),
            b'[' => {
                pending = None;
                path.push(None);
            }
            b'}' | b']' => {
                path.pop();
            }
            b',' => pending = None,
            _ => {}
        }
        i += 1;
    }
    keys
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    Npm,
    Yarn,
    Pnpm,
}

/// What a lockfile installs: every package name, and whether it is only needed for
/// development (`true` when every copy of it is a dev dependency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lockfile {
    pub kind: LockKind,
    pub packages: BTreeMap<String, bool>,
    /// Whether the lockfile says which packages are for development only (npm's and pnpm's
    /// do; Yarn's does not).
    pub marks_dev: bool,
    /// The versions it pins for the project's own dependencies, by package name.
    pub pins: BTreeMap<String, Vec<Pin>>,
}

/// A version a lockfile resolved for a dependency of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The range it was resolved for, when the lockfile records it (Yarn's `name@^1.0.0`,
    /// pnpm's `specifier`); npm's lockfile keeps the one version `node_modules/name` holds.
    pub range: Option<String>,
    pub version: String,
}

impl Lockfile {
    pub fn file_name(kind: LockKind) -> &'static str {
        match kind {
            LockKind::Npm => "package-lock.json",
            LockKind::Yarn => "yarn.lock",
            LockKind::Pnpm => "pnpm-lock.yaml",
        }
    }

    fn add(&mut self, name: &str, dev: bool) {
        if name.is_empty() {
            return;
        }
        let entry = self.packages.entry(name.to_string()).or_insert(dev);
        *entry &= dev;
    }

    fn pin(&mut self, name: &str, range: Option<&str>, version: &str) {
        // pnpm writes a version's peers after it: `1.30.1(@opentelemetry/api@1.9.0)`.
        let version = version.split('(').next().unwrap_or(version);
        let version = version.trim().trim_matches(['"', '\'']);
        if name.is_empty() || version.is_empty() {
            return;
        }
        self.pins.entry(name.to_string()).or_default().push(Pin {
            range: range.map(|r| r.trim_start_matches("npm:").to_string()),
            version: version.to_string(),
        });
    }

    /// The version installed for the project's dependency `name` that `package.json` asks
    /// for with `range`: the one resolved for that range, else the one the project's
    /// `node_modules` holds, else the only version the lockfile has. What the lockfile says
    /// wins over the range: a lockfile not updated since `package.json` changed still
    /// installs what it pins (`npm ci`).
    pub fn pinned(&self, name: &str, range: &str) -> Option<&str> {
        let pins = self.pins.get(name)?;
        pins.iter()
            .find(|p| p.range.as_deref() == Some(range))
            .or_else(|| pins.iter().find(|p| p.range.is_none()))
            .map(|pin| pin.version.as_str())
            .or_else(|| {
                let first = pins.first()?;
                pins.iter()
                    .all(|p| p.version == first.version)
                    .then_some(first.version.as_str())
            })
    }
}

#[derive(Deserialize)]
struct NpmLock {
    #[serde(default)]
    packages: BTreeMap<String, NpmLockEntry>,
    #[serde(default)]
    dependencies: BTreeMap<String, NpmLockV1Entry>,
}

#[derive(Deserialize)]
struct NpmLockEntry {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default, rename = "devOptional")]
    dev_optional: bool,
}

#[derive(Deserialize)]
struct NpmLockV1Entry {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    dependencies: BTreeMap<String, NpmLockV1Entry>,
}

pub fn parse_lockfile(kind: LockKind, text: &str) -> Result<Lockfile, ManifestError> {
    let mut lockfile = Lockfile {
        kind,
        packages: BTreeMap::new(),
        marks_dev: kind != LockKind::Yarn,
        pins: BTreeMap::new(),
    };
    match kind {
        LockKind::Npm => read_npm_lock(text, &mut lockfile)?,
        LockKind::Yarn => read_yarn_lock(text, &mut lockfile),
        LockKind::Pnpm => {
            read_pnpm_lock(text, &mut lockfile);
            read_pnpm_pins(text, &mut lockfile);
        }
    }
    Ok(lockfile)
}

fn read_npm_lock(text: &str, lockfile: &mut Lockfile) -> Result<(), ManifestError> {
    let lock: NpmLock = serde_json::from_str(text).map_err(|error| ManifestError {
        line: u32::try_from(error.line()).unwrap_or(u32::MAX),
        column: u32::try_from(error.column()).unwrap_or(u32::MAX),
        message: error.to_string(),
    })?;
    for (path, entry) in &lock.packages {
        // `node_modules/a/node_modules/@s/b` installs `@s/b`; `""` is the project itself.
        let Some((_, name)) = path.rsplit_once("node_modules/") else {
            continue;
        };
        lockfile.add(name, entry.dev || entry.dev_optional);
        // `node_modules/name` (not nested under another package) is what the project loads.
        if let (Some(top), Some(version)) = (path.strip_prefix("node_modules/"), &entry.version)
            && !top.contains("/node_modules/")
        {
            lockfile.pin(top, None, version);
        }
    }
    fn v1(entries: &BTreeMap<String, NpmLockV1Entry>, lockfile: &mut Lockfile, depth: usize) {
        const MAX_DEPTH: usize = 32;
        for (name, entry) in entries {
            lockfile.add(name, entry.dev);
            if depth < MAX_DEPTH {
                v1(&entry.dependencies, lockfile, depth + 1);
            }
        }
    }
    if lock.packages.is_empty() {
        v1(&lock.dependencies, lockfile, 0);
        for (name, entry) in &lock.dependencies {
            if let Some(version) = &entry.version {
                lockfile.pin(name, None, version);
            }
        }
    }
    Ok(())
}

/// `"@scope/name@^1.0.0", name@npm:^2:` → the names before each range; the block's
/// `version "1.2.3"` (Yarn 1) or `version: 1.2.3` (Yarn 2+) is what each range resolved to.
fn read_yarn_lock(text: &str, lockfile: &mut Lockfile) {
    let mut specs: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.starts_with(' ') {
            let body = line.trim();
            let version = body
                .strip_prefix("version ")
                .or_else(|| body.strip_prefix("version:"));
            if let Some(version) = version {
                for spec in specs.drain(..) {
                    let name = package_of_spec(spec);
                    let range = spec.get(name.len() + 1..);
                    lockfile.pin(name, range, version);
                }
            }
            continue;
        }
        specs.clear();
        if line.starts_with('#') || !line.trim_end().ends_with(':') {
            continue;
        }
        let header = line.trim_end().trim_end_matches(':').trim_matches('"');
        for spec in header.split(',') {
            let spec = spec.trim().trim_matches('"');
            lockfile.add(package_of_spec(spec), false);
            specs.push(spec);
        }
    }
}

/// `@scope/name@range` → `@scope/name`.
fn package_of_spec(spec: &str) -> &str {
    let search_from = usize::from(spec.starts_with('@'));
    match spec[search_from..].find('@') {
        Some(at) => &spec[..search_from + at],
        None => spec,
    }
}

/// pnpm: the keys of `packages:` (`/name@1.0.0:`, `'@s/n@1.0.0(peer@2)':`, v5's
/// `/@s/n/1.0.0:`), each with `dev: true` when it is only for development.
fn read_pnpm_lock(text: &str, lockfile: &mut Lockfile) {
    let mut in_packages = false;
    let mut current: Option<String> = None;
    let finish = |current: &mut Option<String>, dev: bool, lockfile: &mut Lockfile| {
        if let Some(name) = current.take() {
            lockfile.add(&name, dev);
        }
    };
    for line in text.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            finish(&mut current, false, lockfile);
            in_packages = matches!(line.trim_end(), "packages:" | "snapshots:");
            continue;
        }
        if !in_packages {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        if indent == 2 && body.ends_with(':') {
            finish(&mut current, false, lockfile);
            let key = body.trim_end_matches(':').trim_matches(['\'', '"']);
            let key = key.split('(').next().unwrap_or(key).trim_start_matches('/');
            let name = if key[usize::from(key.starts_with('@'))..].contains('@') {
                package_of_spec(key)
            } else {
                // v5: `@scope/name/1.0.0` or `name/1.0.0`.
                key.rsplit_once('/').map_or(key, |(name, _)| name)
            };
            current = Some(name.to_string());
        } else if indent == 4 && body == "dev: true" {
            finish(&mut current, true, lockfile);
        }
    }
    finish(&mut current, false, lockfile);
}

/// pnpm: the versions of the root project's own dependencies, from the top-level
/// `dependencies:` (and dev, optional) sections, or those of the importer `.` (pnpm 9,
/// workspaces): `name: 1.0.0` (lockfile v5), or `name:` with `specifier:` and `version:`.
fn read_pnpm_pins(text: &str, lockfile: &mut Lockfile) {
    let is_section = |key: &str| {
        matches!(
            key,
            "dependencies" | "devDependencies" | "optionalDependencies"
        )
    };
    let mut in_importers = false;
    let mut in_root_importer = false;
    // The indent of the entries of the dependency section being read.
    let mut entries: Option<usize> = None;
    let mut current: Option<(String, Option<String>)> = None;
    for line in text.lines() {
        let body = line.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let (key, value) = match body.split_once(": ") {
            Some((key, value)) => (key, value.trim()),
            None => (body.trim_end_matches(':'), ""),
        };
        let key = key.trim_matches(['\'', '"']);
        match indent {
            0 => {
                in_importers = key == "importers";
                entries = is_section(key).then_some(2);
            }
            2 if in_importers => {
                in_root_importer = key == ".";
                entries = None;
            }
            4 if in_importers => {
                entries = (in_root_importer && is_section(key)).then_some(6);
            }
            _ => {}
        }
        let Some(entry_indent) = entries else {
            continue;
        };
        if indent == entry_indent {
            if !value.is_empty() {
                lockfile.pin(key, None, value);
            }
            current = Some((key.to_string(), None));
        } else if indent == entry_indent + 2
            && let Some((name, specifier)) = &mut current
        {
            match key {
                "specifier" => *specifier = Some(value.trim_matches(['\'', '"']).to_string()),
                "version" => {
                    let name = name.clone();
                    let specifier = specifier.clone();
                    lockfile.pin(&name, specifier.as_deref(), value);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_json_with_positions() {
        let text = "{\n  \"name\": \"frontend\",\n  \"type\": \"module\",\n  \"scripts\": {\n    \"start\": \"node -r ./tracing.js main.js\"\n  },\n  \"dependencies\": {\n    \"@opentelemetry/sdk-node\": \"^0.212.0\",\n    \"express\": \"^4.18.3\"\n  },\n  \"devDependencies\": { \"nodemon\": \"^3.0.1\" },\n  \"nested\": { \"dependencies\": { \"x\": \"1\" } }\n}\n";
        let parsed = parse_package_json(text).unwrap();
        assert!(parsed.is_module());
        let start = parsed.script("start").unwrap();
        assert_eq!(start.value, "node -r ./tracing.js main.js");
        assert_eq!((start.line, start.column), (5, 5));
        assert_eq!((start.value_line, start.value_column), (5, 15));
        let deps: Vec<(&str, u32, u32)> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.line, d.column))
            .collect();
        assert_eq!(deps, [("@opentelemetry/sdk-node", 8, 5), ("express", 9, 5)]);
        assert_eq!(parsed.dev_dependencies[0].name, "nodemon");
        assert_eq!(parsed.dev_dependencies[0].line, 11);
    }

    #[test]
    fn bad_json_is_one_line_with_a_position() {
        let error = parse_package_json("{\n  \"a\": 1,\n}\n").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(!error.message.contains('\n'));
    }

    #[test]
    fn npm_lockfiles_v1_and_v3() {
        let v3 = "{\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"x\"},\"node_modules/@opentelemetry/api\":{\"version\":\"1.9.0\"},\"node_modules/nodemon\":{\"dev\":true},\"node_modules/a/node_modules/@opentelemetry/api\":{\"dev\":true}}}";
        let lock = parse_lockfile(LockKind::Npm, v3).unwrap();
        assert_eq!(lock.packages.get("@opentelemetry/api"), Some(&false));
        assert_eq!(lock.packages.get("nodemon"), Some(&true));
        let v1 = "{\"lockfileVersion\":1,\"dependencies\":{\"express\":{\"version\":\"4\",\"dependencies\":{\"debug\":{\"version\":\"2\"}}},\"jest\":{\"dev\":true}}}";
        let lock = parse_lockfile(LockKind::Npm, v1).unwrap();
        assert_eq!(lock.packages.get("debug"), Some(&false));
        assert_eq!(lock.packages.get("jest"), Some(&true));
    }

    #[test]
    fn yarn_and_pnpm_lockfiles() {
        let yarn = "# yarn lockfile v1\n\n\"@opentelemetry/api@^1.9.0\", \"@opentelemetry/api@^1.x\":\n  version \"1.9.0\"\n\nexpress@^4.18.3:\n  version \"4.18.3\"\n";
        let lock = parse_lockfile(LockKind::Yarn, yarn).unwrap();
        let names: Vec<&str> = lock.packages.keys().map(String::as_str).collect();
        assert_eq!(names, ["@opentelemetry/api", "express"]);
        assert!(!lock.marks_dev);
        let pnpm = "lockfileVersion: '6.0'\ndependencies:\n  express:\n    specifier: ^4\npackages:\n  /@opentelemetry/api@1.9.0:\n    resolution: {integrity: x}\n  /nodemon@3.0.1:\n    resolution: {integrity: y}\n    dev: true\n  '@opentelemetry/sdk-node@0.52.0(@opentelemetry/api@1.9.0)':\n    resolution: {integrity: z}\n  /@scope/old/1.0.0:\n    dev: false\n";
        let lock = parse_lockfile(LockKind::Pnpm, pnpm).unwrap();
        assert_eq!(lock.packages.get("@opentelemetry/api"), Some(&false));
        assert_eq!(lock.packages.get("nodemon"), Some(&true));
        assert_eq!(lock.packages.get("@opentelemetry/sdk-node"), Some(&false));
        assert_eq!(lock.packages.get("@scope/old"), Some(&false));
        assert!(!lock.packages.contains_key("express"));
    }

    #[test]
    fn lockfiles_pin_the_versions_of_the_project_dependencies() {
        let v3 = "{\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"x\"},\"node_modules/@opentelemetry/resources\":{\"version\":\"2.0.1\"},\"node_modules/a/node_modules/@opentelemetry/resources\":{\"version\":\"1.30.1\"}}}";
        let lock = parse_lockfile(LockKind::Npm, v3).unwrap();
        assert_eq!(
            lock.pinned("@opentelemetry/resources", "^1.30.0"),
            Some("2.0.1")
        );
        let v1 = "{\"lockfileVersion\":1,\"dependencies\":{\"@opentelemetry/resources\":{\"version\":\"1.30.1\",\"dependencies\":{\"x\":{\"version\":\"3.0.0\"}}}}}";
        let lock = parse_lockfile(LockKind::Npm, v1).unwrap();
        assert_eq!(
            lock.pinned("@opentelemetry/resources", "^1"),
            Some("1.30.1")
        );
        assert_eq!(lock.pinned("x", "^3"), None);

        let yarn = "# yarn lockfile v1\n\n\"@opentelemetry/resources@^1.30.0\":\n  version \"1.30.1\"\n\n\"@opentelemetry/resources@^2.0.0\", \"@opentelemetry/resources@~2.0.1\":\n  version \"2.0.1\"\n";
        let lock = parse_lockfile(LockKind::Yarn, yarn).unwrap();
        assert_eq!(
            lock.pinned("@opentelemetry/resources", "~2.0.1"),
            Some("2.0.1")
        );
        assert_eq!(
            lock.pinned("@opentelemetry/resources", "^1.30.0"),
            Some("1.30.1")
        );
        // Several versions, none for this range: not known.
        assert_eq!(lock.pinned("@opentelemetry/resources", "^1.0.0"), None);
        let berry = "__metadata:\n  version: 8\n\n\"@opentelemetry/api@npm:^1.9.0\":\n  version: 1.9.0\n  resolution: \"@opentelemetry/api@npm:1.9.0\"\n";
        let lock = parse_lockfile(LockKind::Yarn, berry).unwrap();
        assert_eq!(lock.pinned("@opentelemetry/api", "^1.9.0"), Some("1.9.0"));

        let pnpm9 = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      '@opentelemetry/resources':\n        specifier: ^1.30.0\n        version: 2.0.1(@opentelemetry/api@1.9.0)\n  packages/other:\n    dependencies:\n      '@opentelemetry/api':\n        specifier: ^1.8.0\n        version: 1.8.0\npackages:\n  '@opentelemetry/resources@2.0.1':\n    resolution: {integrity: x}\n";
        let lock = parse_lockfile(LockKind::Pnpm, pnpm9).unwrap();
        assert_eq!(
            lock.pinned("@opentelemetry/resources", "^1.30.0"),
            Some("2.0.1")
        );
        assert_eq!(lock.pinned("@opentelemetry/api", "^1.8.0"), None);
        let pnpm6 = "lockfileVersion: '6.0'\ndependencies:\n  '@opentelemetry/sdk-node':\n    specifier: ^0.52.0\n    version: 0.52.1\n";
        let lock = parse_lockfile(LockKind::Pnpm, pnpm6).unwrap();
        assert_eq!(
            lock.pinned("@opentelemetry/sdk-node", "^0.52.0"),
            Some("0.52.1")
        );
        let pnpm5 = "lockfileVersion: 5.4\nspecifiers:\n  '@opentelemetry/api': ^1.4.0\ndependencies:\n  '@opentelemetry/api': 1.4.1\n";
        let lock = parse_lockfile(LockKind::Pnpm, pnpm5).unwrap();
        assert_eq!(lock.pinned("@opentelemetry/api", "^1.4.0"), Some("1.4.1"));
    }
}
