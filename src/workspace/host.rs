//! The host launcher: an app started on this machine, not in a container. A Procfile entry
//! (honcho, foreman), a `package.json` script that starts a server (`start`, `dev`, `serve`),
//! a Makefile, Justfile or Taskfile target or a script that runs `node`, `python`, a Python
//! web server (`flask run`, `uvicorn`, `gunicorn`) or `go run`, for an app whose manifest and
//! entry point no container builds. It runs in the folder of its manifest, on this machine's
//! network, with the environment of the shell that starts it (its `OTEL_*`, `HONEYCOMB_*` and
//! `NODE_OPTIONS` variables), what the launcher file exports, the assignments before the
//! command, and `.env` where something loads it: the command (`node --env-file`, `-r
//! dotenv/config`, `dotenv -e`), the launcher (honcho, foreman, `source .env`), or the app's
//! own code (`load_dotenv()`, `dotenv.config()`), which never overrides the environment.

use std::collections::HashMap;

use super::launch::{self, Command, LaunchKind, LaunchScript, Word};
use super::workload::{
    CommandLine, EnvEntry, EnvFileRef, Launcher, Text, Topology, WorkloadSpec, relative_path,
};

/// What the workspace's files say, for the launcher.
pub struct Paths<'a> {
    /// The compose project directory, as a workspace path (`.` without compose files).
    pub project_dir: &'a str,
    /// Whether a workspace path exists.
    pub exists: &'a dyn Fn(&str) -> bool,
    /// Whether a container builds this folder (a build context of the workspace).
    pub built: &'a dyn Fn(&str) -> bool,
    /// The name of the workspace's folder, for an app at its root.
    pub root_name: &'a str,
}

/// The variables a process on this machine inherits from the shell that starts it and that
/// tracing reads: the SDK's, Honeycomb's, and those that load it (`NODE_OPTIONS`).
fn inherited(name: &str) -> bool {
    name.starts_with("OTEL_")
        || name.starts_with("HONEYCOMB_")
        || matches!(name, "NODE_OPTIONS" | "JAVA_TOOL_OPTIONS")
}

/// How much a launcher says about how an app is started, when several start the same one:
/// a Procfile entry is what `honcho start` runs; a `package.json` `start` script what
/// `npm start` runs; a development script, a target or a script less so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Authority {
    Procfile,
    PackageStart,
    PackageDev,
    Target,
    Script,
}

/// The language of an app started on this machine, by the manifest that says it is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum App {
    Node,
    Python,
    Go,
}

impl App {
    fn manifests(self) -> &'static [&'static str] {
        match self {
            App::Node => &["package.json"],
            App::Python => &["requirements.txt", "pyproject.toml", "Pipfile", "setup.py"],
            App::Go => &["go.mod"],
        }
    }
}

/// The app a command starts on this machine, and how much its launcher says so.
pub fn workload(
    command: &Command,
    script: &LaunchScript,
    shell: &HashMap<String, String>,
    paths: &Paths,
) -> Option<(WorkloadSpec, Authority)> {
    let authority = match command.kind {
        LaunchKind::Procfile => Authority::Procfile,
        LaunchKind::PackageJson => {
            let name = command.target.as_deref().unwrap_or_default();
            match name {
                "start" => Authority::PackageStart,
                _ if ["dev", "serve", "start"].iter().any(|w| name.contains(w)) => {
                    Authority::PackageDev
                }
                _ => return None,
            }
        }
        LaunchKind::Makefile | LaunchKind::Justfile | LaunchKind::Taskfile => Authority::Target,
        LaunchKind::Script => Authority::Script,
    };
    let mut start = Start::default();
    let words = start.unwrap(command, command.program());
    let (app, entry) = recognize(words)?;
    // `npm start` names the package of the folder it runs in.
    let from = match &entry {
        Some(entry) => launch::join_folder(&command.cwd, entry),
        None => launch::join_folder(&command.cwd, "placeholder"),
    };
    let folder = manifest_folder(app, &from, paths)?;
    if (paths.built)(&folder) || (paths.exists)(&launch::join_folder(&folder, "Dockerfile")) {
        return None;
    }
    let name = match command.kind {
        LaunchKind::Procfile => command.target.clone().unwrap_or_default(),
        _ if folder == "." => paths.root_name.to_string(),
        _ => folder.rsplit('/').next().unwrap_or(&folder).to_string(),
    };
    let location = words[0].location.clone();
    let text = |value: String| Text {
        value,
        raw: String::new(),
        location: location.clone(),
        uses: Vec::new(),
        interpolated: true,
    };
    let mut environment: Vec<EnvEntry> = shell
        .iter()
        .filter(|(name, _)| inherited(name))
        .map(|(name, value)| EnvEntry {
            name: name.clone(),
            location: location.clone(),
            value: Some(Text {
                raw: format!("${name}"),
                ..text(value.clone())
            }),
            merged_at: None,
            inherited: true,
        })
        .collect();
    environment.sort_by(|a, b| a.name.cmp(&b.name));
    environment.extend(
        script
            .assigned
            .iter()
            .filter(|a| a.exported && inherited(&a.name))
            .filter_map(|assigned| {
                Some(EnvEntry {
                    name: assigned.name.clone(),
                    location: assigned.location.clone(),
                    value: Some(Text {
                        value: assigned.value.clone()?,
                        raw: assigned.value.clone()?,
                        location: assigned.location.clone(),
                        uses: Vec::new(),
                        interpolated: true,
                    }),
                    merged_at: None,
                    inherited: false,
                })
            }),
    );
    environment.extend(
        command
            .assignments
            .iter()
            .chain(&start.assignments)
            .filter_map(assignment),
    );
    let project = |path: &str| relative_path(paths.project_dir, path);
    let env_file = |path: &str, loaded_by_code: bool| EnvFileRef {
        path: text(project(path)),
        required: false,
        loaded_by_code,
    };
    // The code's `.env` lies under everything else; then those the launcher loads.
    let mut env_files = vec![env_file(&dotenv_of(app, &folder, paths), true)];
    env_files.extend(
        script
            .env_files
            .iter()
            .chain(&start.env_files)
            .map(|(path, _)| env_file(path, false)),
    );
    let spec = WorkloadSpec {
        name,
        location: location.clone(),
        launcher: Launcher::Host,
        image: None,
        build: None,
        environment,
        env_files,
        command: Some(CommandLine::Exec(words.iter().map(word_text).collect())),
        entrypoint: None,
        network_mode: Some(text("host".to_string())),
        extends: None,
        topology: Topology::default(),
        volumes: Vec::new(),
        ports: Vec::new(),
        code_dir: Some(text(project(&folder))),
    };
    Some((spec, authority))
}

/// What runners on the way to the app add: `cross-env NAME=value`, `dotenv -e FILE --`.
#[derive(Default)]
struct Start {
    assignments: Vec<Word>,
    env_files: Vec<(String, crate::source::Location)>,
}

impl Start {
    /// The words from the app's own program on, after runners that only prepare its
    /// environment (`command::resolve` sees through the others: `npx`, `poetry run`, ...).
    fn unwrap<'a>(&mut self, command: &Command, mut words: &'a [Word]) -> &'a [Word] {
        loop {
            let Some((first, rest)) = words.split_first() else {
                return words;
            };
            match basename(&first.text) {
                "cross-env" => {
                    let count = rest
                        .iter()
                        .take_while(|w| w.text.contains('=') && !w.text.starts_with('-'))
                        .count();
                    self.assignments.extend(rest[..count].iter().cloned());
                    words = &rest[count..];
                }
                // dotenv-cli: `dotenv [-e FILE]... -- command`.
                "dotenv" => {
                    let Some(end) = rest.iter().position(|w| w.text == "--") else {
                        return words;
                    };
                    let mut files: Vec<String> = rest[..end]
                        .windows(2)
                        .filter(|pair| pair[0].text == "-e")
                        .map(|pair| launch::join_folder(&command.cwd, &pair[1].text))
                        .collect();
                    if files.is_empty() {
                        files.push(launch::join_folder(&command.cwd, ".env"));
                    }
                    self.env_files
                        .extend(files.into_iter().map(|file| (file, first.location.clone())));
                    words = &rest[end + 1..];
                }
                _ => {
                    self.env_files.extend(node_env_files(command, words));
                    return words;
                }
            }
        }
    }
}

/// `node --env-file=.env` (Node 20.6), `node -r dotenv/config`: the file is loaded before the
/// app runs.
fn node_env_files(command: &Command, words: &[Word]) -> Vec<(String, crate::source::Location)> {
    let mut files = Vec::new();
    let mut iter = words.iter().peekable();
    while let Some(word) = iter.next() {
        let text = word.text.as_str();
        if let Some(file) = text
            .strip_prefix("--env-file=")
            .or_else(|| text.strip_prefix("--env-file-if-exists="))
        {
            files.push((
                launch::join_folder(&command.cwd, file),
                word.location.clone(),
            ));
        } else if text == "--env-file" {
            if let Some(file) = iter.next() {
                files.push((
                    launch::join_folder(&command.cwd, &file.text),
                    word.location.clone(),
                ));
            }
        } else if matches!(text, "-r" | "--require" | "--import")
            && iter.peek().is_some_and(|next| next.text == "dotenv/config")
        {
            files.push((
                launch::join_folder(&command.cwd, ".env"),
                word.location.clone(),
            ));
        }
    }
    files
}

fn basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// Node's options that take a value, before the entry script.
const NODE_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "--env-file",
    "-e",
    "--eval",
    "--inspect-port",
    "--title",
    "--conditions",
    "-C",
    "--watch-path",
];

/// Python modules and scripts that are tools, not the app (`python -m pytest`).
const PYTHON_TOOLS: &[&str] = &[
    "pytest",
    "unittest",
    "pip",
    "venv",
    "virtualenv",
    "doctest",
    "pdb",
    "black",
    "ruff",
    "flake8",
    "mypy",
    "pylint",
    "isort",
    "coverage",
    "alembic",
    "build",
    "twine",
    "setup.py",
    "http.server",
    "json.tool",
    "ensurepip",
    "pipx",
    "poetry",
    "uv",
    "tox",
    "nox",
];

/// Python web servers whose command runs the app of the folder they start in.
const PYTHON_SERVERS: &[&str] = &[
    "flask",
    "uvicorn",
    "gunicorn",
    "hypercorn",
    "daphne",
    "fastapi",
    "waitress-serve",
    "granian",
    "opentelemetry-instrument",
];

/// Node.js runners of a script (`nodemon src/index.js`).
const NODE_RUNNERS: &[&str] = &["node", "nodemon", "ts-node", "ts-node-dev", "tsx", "bun"];

/// The app a command runs, and its entry file when it names one.
fn recognize(words: &[Word]) -> Option<(App, Option<String>)> {
    let (first, rest) = words.split_first()?;
    let program = basename(&first.text);
    let arguments = || {
        rest.iter()
            .map(|w| w.text.as_str())
            .filter(|w| !w.starts_with('-'))
    };
    if NODE_RUNNERS.contains(&program) {
        let mut iter = rest.iter();
        while let Some(word) = iter.next() {
            let text = word.text.as_str();
            if NODE_VALUE_OPTIONS.contains(&text) {
                iter.next();
            } else if !text.starts_with('-') {
                let entry = (text != ".").then(|| text.to_string());
                return Some((App::Node, entry));
            }
        }
        return None;
    }
    if matches!(program, "npm" | "yarn" | "pnpm") {
        let action = arguments().next()?;
        let starts = matches!(action, "start" | "dev" | "serve")
            || (action == "run" && arguments().nth(1).is_some_and(starts_server));
        return starts.then_some((App::Node, None));
    }
    if program.starts_with("python") {
        let mut iter = rest.iter();
        while let Some(word) = iter.next() {
            let text = word.text.as_str();
            if text == "-m" {
                let module = iter.next()?.text.as_str();
                let tool = PYTHON_TOOLS.contains(&module.split('.').next().unwrap_or(module))
                    || PYTHON_TOOLS.contains(&module);
                return (!tool).then_some((App::Python, None));
            }
            if text.starts_with('-') {
                continue;
            }
            let script = basename(text);
            if PYTHON_TOOLS.contains(&script) || !text.ends_with(".py") {
                return None;
            }
            // Django's management commands: only `runserver` serves the app.
            if script == "manage.py" && iter.next().is_none_or(|c| c.text != "runserver") {
                return None;
            }
            return Some((App::Python, Some(text.to_string())));
        }
        return None;
    }
    if PYTHON_SERVERS.contains(&program) {
        if program == "opentelemetry-instrument" {
            // Its flags take values: the program is the first word that names one.
            let program_at = rest.iter().position(|w| {
                let name = basename(&w.text);
                name.starts_with("python")
                    || (PYTHON_SERVERS.contains(&name) && name != "opentelemetry-instrument")
            })?;
            return recognize(&rest[program_at..]).map(|(_, entry)| (App::Python, entry));
        }
        return Some((App::Python, None));
    }
    if program == "go" && rest.first().is_some_and(|w| w.text == "run") {
        return Some((App::Go, None));
    }
    None
}

/// `dev`, `start:dev`, `serve`: a script that starts the app.
fn starts_server(script: &str) -> bool {
    ["start", "dev", "serve"].iter().any(|w| script.contains(w))
}

/// The folder of the app: the nearest folder, from the entry file's up to the workspace
/// root, that holds a manifest of its language.
fn manifest_folder(app: App, entry: &str, paths: &Paths) -> Option<String> {
    let mut folder = super::folder_of(entry).to_string();
    loop {
        if app
            .manifests()
            .iter()
            .any(|m| (paths.exists)(&launch::join_folder(&folder, m)))
        {
            return Some(folder);
        }
        if folder == "." {
            return None;
        }
        folder = super::folder_of(&folder).to_string();
    }
}

/// The `.env` the app's code would load: the folder's, or for Python the nearest one above it
/// (`load_dotenv()` searches up from the calling file; Node's `dotenv` reads the current
/// folder's).
fn dotenv_of(app: App, folder: &str, paths: &Paths) -> String {
    let own = launch::join_folder(folder, ".env");
    if app != App::Python || (paths.exists)(&own) {
        return own;
    }
    let mut current = folder.to_string();
    while current != "." {
        current = super::folder_of(&current).to_string();
        let candidate = launch::join_folder(&current, ".env");
        if (paths.exists)(&candidate) {
            return candidate;
        }
    }
    own
}

fn word_text(word: &Word) -> Text {
    Text {
        value: word.plain(),
        raw: word.raw.clone(),
        location: word.location.clone(),
        uses: word.uses.clone(),
        interpolated: word.known,
    }
}

/// `NAME=value` before the command.
fn assignment(word: &Word) -> Option<EnvEntry> {
    let text = word.plain();
    let (name, value) = text.split_once('=')?;
    Some(EnvEntry {
        name: name.to_string(),
        location: word.location.clone(),
        value: Some(Text {
            value: value.to_string(),
            raw: word
                .raw
                .split_once('=')
                .map_or_else(String::new, |(_, raw)| raw.to_string()),
            ..word_text(word)
        }),
        merged_at: None,
        inherited: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn apps(
        file: &str,
        kind: LaunchKind,
        text: &str,
        files: &[&str],
    ) -> Vec<(WorkloadSpec, Authority)> {
        let shell = HashMap::from([
            ("OTEL_SERVICE_NAME".to_string(), "from-shell".to_string()),
            ("PATH".to_string(), "/usr/bin".to_string()),
        ]);
        let script = launch::read(&Arc::from(file), text, kind, &shell);
        let exists = |path: &str| files.contains(&path);
        let built = |folder: &str| folder == "worker";
        let paths = Paths {
            project_dir: ".",
            exists: &exists,
            built: &built,
            root_name: "shop",
        };
        script
            .commands
            .iter()
            .filter_map(|c| workload(c, &script, &shell, &paths))
            .collect()
    }

    #[test]
    fn a_procfile_starts_apps_with_their_env() {
        let found = apps(
            "Procfile",
            LaunchKind::Procfile,
            "web: OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 python api/app.py\nworker: node worker/index.js\nfront: npm start --prefix front\n",
            &[
                "api/requirements.txt",
                "api/app.py",
                "worker/package.json",
                "package.json",
            ],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        let (web, authority) = &found[0];
        assert_eq!(*authority, Authority::Procfile);
        assert_eq!(web.name, "web");
        assert_eq!(web.code_dir.as_ref().map(|d| d.value.as_str()), Some("api"));
        let names: Vec<&str> = web.environment.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT"]);
        assert!(web.environment[0].inherited);
        let files: Vec<(&str, bool)> = web
            .env_files
            .iter()
            .map(|f| (f.path.value.as_str(), f.loaded_by_code))
            .collect();
        assert_eq!(files, [("api/.env", true), (".env", false)]);
        assert_eq!(found[1].0.name, "front");
        assert_eq!(
            found[1].0.code_dir.as_ref().map(|d| d.value.as_str()),
            Some(".")
        );
    }

    #[test]
    fn package_scripts_that_start_the_app() {
        let package = "{\n  \"scripts\": {\n    \"start\": \"node --env-file=.env -r ./tracing.js server.js\",\n    \"test\": \"node --test\",\n    \"migrate\": \"node db/migrate.js\"\n  }\n}\n";
        let found = apps(
            "api/package.json",
            LaunchKind::PackageJson,
            package,
            &["api/package.json"],
        );
        assert_eq!(found.len(), 1);
        let (api, authority) = &found[0];
        assert_eq!(*authority, Authority::PackageStart);
        assert_eq!(api.name, "api");
        assert_eq!(api.location.to_string(), "api/package.json:3:15");
        assert!(
            api.env_files
                .iter()
                .any(|f| f.path.value == "api/.env" && !f.loaded_by_code)
        );
    }

    #[test]
    fn tools_tests_and_built_folders_are_not_apps() {
        let script = "python -m pytest\npython setup.py sdist\npython manage.py migrate\nnode worker/index.js\ngo run ./cmd/api\nuvicorn main:app --reload\n";
        let found = apps(
            "run.sh",
            LaunchKind::Script,
            script,
            &[
                "manage.py",
                "requirements.txt",
                "worker/package.json",
                "go.mod",
            ],
        );
        let names: Vec<&str> = found.iter().map(|(s, _)| s.name.as_str()).collect();
        assert_eq!(names, ["shop", "shop"]);
    }
}
