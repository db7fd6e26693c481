//! Which file an image has at a path, and what put it there. Every instruction of a stage that
//! makes, moves or may hide files is remembered in order: `ADD <url>`, `COPY` (from the
//! context, another stage or another image), and what `RUN` does to files — downloads
//! (`wget URL`, `wget -O`, `curl -o`/`-O`/`--output`, `curl URL > file`), archives unpacked
//! (`unzip -d`, `tar -x -C`), `mv`/`cp`, `chmod`/`chown` — each in the folder the command runs
//! in. A path is then looked up backwards through that history, and through `COPY --from`
//! into the history of the stage it copies from.

use crate::resolve::image_path::{is_within, join_image_path};
use crate::source::Location;

/// Something an instruction did to the image's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileEvent {
    /// A file written at `path`: downloaded, or added from a URL.
    Made {
        path: String,
        /// The URL it came from, when one is known.
        origin: Option<String>,
        by: Location,
        /// `ADD <url>` writes mode 600 owned by root: only root can read it.
        private: bool,
    },
    /// Files whose names are not known here, under `folder` (an archive unpacked there).
    Unpacked { folder: String, by: Location },
    /// `mv`/`cp from to`: what is at `to` (or at `to/<name of from>`) came from `from`.
    Moved { from: String, to: String },
    /// `COPY sources destination` from the build context, another stage or another image.
    Copied {
        from: CopySource,
        sources: Vec<String>,
        destination: String,
        /// The destination is a folder (it ends in `/`, or several sources go there).
        into_folder: bool,
        by: Location,
    },
    /// A command not followed here: it may make any file it names, and anything in a folder
    /// it is given (`./download-agent.sh agent`).
    Opaque {
        text: String,
        /// Its arguments, as image paths.
        paths: Vec<String>,
        by: Location,
    },
    /// `rm` of these paths: nothing is there afterwards.
    Removed { paths: Vec<String>, recursive: bool },
    /// `chmod`/`chown` of these paths (and, with `-R`, what is below them).
    ModeChanged {
        paths: Vec<String>,
        recursive: bool,
        /// Whether everyone can read them afterwards (`chmod 600` says no).
        readable: bool,
    },
}

/// Where a `COPY` takes its files from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopySource {
    Context,
    /// A stage of the same Dockerfile, by index.
    Stage(usize),
    /// Another image (`COPY --from=ghcr.io/x/agent:1 /agent.jar /app/`).
    Image,
}

/// What an image has at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileAt {
    /// An instruction made it, from `origin` (a URL or a file) when known.
    Made {
        by: Location,
        origin: Option<String>,
        /// Only root can read it.
        private: bool,
    },
    /// Something may have put it there: a folder copied over its folder, an archive unpacked
    /// there, a command not followed here that names it.
    Maybe,
    /// Nothing in the history puts a file there.
    Absent,
}

/// The file histories of a Dockerfile's stages, for lookups through `COPY --from`.
pub trait Stages {
    fn history(&self, stage: usize) -> &[FileEvent];
    /// Whether a stage starts from an image that brings no files of the app's own (a public
    /// language image, `scratch`): what its history does not make, it does not have.
    fn starts_clean(&self, stage: usize) -> bool;
}

/// How deep `COPY --from` chains are followed.
const MAX_STAGE_HOPS: usize = 8;

/// What `history` leaves at `path`.
pub fn file_at(history: &[FileEvent], path: &str, stages: &dyn Stages) -> FileAt {
    lookup(history, path, stages, 0)
}

fn lookup(history: &[FileEvent], path: &str, stages: &dyn Stages, hops: usize) -> FileAt {
    let mut path = path.to_string();
    // A later `chmod`/`chown` decides who can read it.
    let mut readable_later: Option<bool> = None;
    for event in history.iter().rev() {
        match event {
            FileEvent::ModeChanged {
                paths,
                recursive,
                readable,
            } => {
                let covers = paths
                    .iter()
                    .any(|p| *p == path || (*recursive && is_within(&path, p)));
                if covers && readable_later.is_none() {
                    readable_later = Some(*readable);
                }
            }
            FileEvent::Made {
                path: made,
                origin,
                by,
                private,
            } if *made == path => {
                return FileAt::Made {
                    by: by.clone(),
                    origin: origin.clone(),
                    private: readable_later.map_or(*private, |readable| !readable),
                };
            }
            FileEvent::Unpacked { folder, .. } if is_within(&path, folder) => {
                return FileAt::Maybe;
            }
            FileEvent::Moved { from, to } => {
                if let Some(source) = moved_source(from, to, &path) {
                    path = source;
                }
            }
            FileEvent::Copied {
                from,
                sources,
                destination,
                into_folder,
                by,
            } => {
                let copy = Copy {
                    from,
                    sources,
                    destination,
                    into_folder: *into_folder,
                    by,
                };
                match copy.brings(&path, stages, hops) {
                    Some(FileAt::Made {
                        by,
                        origin,
                        private,
                    }) => {
                        return FileAt::Made {
                            by,
                            origin,
                            private: readable_later.map_or(private, |readable| !readable),
                        };
                    }
                    Some(other) => return other,
                    None => {}
                }
            }
            FileEvent::Opaque { text, by, .. } if mentions(text, &path) => {
                return FileAt::Made {
                    by: by.clone(),
                    origin: url_in(text),
                    private: readable_later == Some(false),
                };
            }
            FileEvent::Opaque { paths, .. }
                if paths.iter().any(|p| *p != path && is_within(&path, p)) =>
            {
                return FileAt::Maybe;
            }
            FileEvent::Removed { paths, recursive }
                if paths
                    .iter()
                    .any(|p| *p == path || (*recursive && is_within(&path, p))) =>
            {
                return FileAt::Absent;
            }
            _ => {}
        }
    }
    FileAt::Absent
}

/// The path a file at `path` had before `mv`/`cp from to`, if that command put it there.
fn moved_source(from: &str, to: &str, path: &str) -> Option<String> {
    let name = from.rsplit('/').next().unwrap_or(from);
    let to = to.trim_end_matches('/');
    let into = format!("{to}/{name}");
    if path == to || path == into {
        return Some(from.to_string());
    }
    // A folder moved: into an existing folder, or renamed.
    [into.as_str(), to].iter().find_map(|target| {
        let rest = path.strip_prefix(&format!("{target}/"))?;
        Some(format!("{}/{rest}", from.trim_end_matches('/')))
    })
}

/// A `COPY` of the history.
struct Copy<'a> {
    from: &'a CopySource,
    sources: &'a [String],
    destination: &'a str,
    into_folder: bool,
    by: &'a Location,
}

impl Copy<'_> {
    /// What it brings to `path`: `None` when it does not bring it.
    fn brings(&self, path: &str, stages: &dyn Stages, hops: usize) -> Option<FileAt> {
        let destination = self.destination.trim_end_matches('/');
        for source in self.sources {
            let name = source
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(source);
            let lands = if self.into_folder {
                format!("{destination}/{name}")
            } else {
                self.destination.to_string()
            };
            if lands == path {
                return Some(match self.from {
                    CopySource::Stage(stage) => {
                        match in_stage(*stage, &join_image_path("/", source), stages, hops) {
                            // Docker fails the build when a source is missing: whatever made
                            // it under that name is not followed here.
                            FileAt::Absent => FileAt::Maybe,
                            found => found,
                        }
                    }
                    CopySource::Context | CopySource::Image => FileAt::Made {
                        by: self.by.clone(),
                        origin: Some(source.clone()),
                        private: false,
                    },
                });
            }
            // A folder copied over the path's folder may hold it.
            let is_url = source.starts_with("http://") || source.starts_with("https://");
            let Some(rest) = path.strip_prefix(&format!("{destination}/")) else {
                continue;
            };
            if is_url || looks_like_file(source) {
                continue;
            }
            match self.from {
                CopySource::Stage(stage) => {
                    let within = format!(
                        "{}/{rest}",
                        join_image_path("/", source).trim_end_matches('/')
                    );
                    match in_stage(*stage, &within, stages, hops) {
                        FileAt::Absent if stages.starts_clean(*stage) => {}
                        FileAt::Absent => return Some(FileAt::Maybe),
                        found => return Some(found),
                    }
                }
                CopySource::Context | CopySource::Image => return Some(FileAt::Maybe),
            }
        }
        None
    }
}

fn in_stage(stage: usize, path: &str, stages: &dyn Stages, hops: usize) -> FileAt {
    if hops >= MAX_STAGE_HOPS {
        return FileAt::Maybe;
    }
    lookup(stages.history(stage), path, stages, hops + 1)
}

/// A file name with an extension (`agent.jar`), not a folder or a pattern.
fn looks_like_file(source: &str) -> bool {
    let name = source.rsplit('/').next().unwrap_or(source);
    !source.contains(['*', '?'])
        && !source.ends_with('/')
        && name
            .rsplit_once('.')
            .is_some_and(|(stem, extension)| !stem.is_empty() && !extension.is_empty())
}

/// Whether a command's text names the file: its path, or its name as a word of its own.
fn mentions(text: &str, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    !name.is_empty() && (text.contains(path) || text.contains(name))
}

fn url_in(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|u| u.trim_matches(['"', '\'']).to_string())
}

/// What a simple command of a `RUN` does to files. `cwd` is the folder it runs in; `stdout`
/// where its output goes (`> file`); `words` are already substituted.
pub fn effects(
    program: &str,
    args: &[String],
    cwd: &str,
    stdout: Option<&str>,
    by: &Location,
) -> Vec<FileEvent> {
    let at = |path: &str| join_image_path(cwd, path);
    let made = |path: String, origin: Option<String>| FileEvent::Made {
        path,
        origin,
        by: by.clone(),
        private: false,
    };
    let operands: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    match program.rsplit('/').next().unwrap_or(program) {
        "wget" => wget(args, cwd, stdout)
            .into_iter()
            .map(|(path, url)| made(path, Some(url)))
            .collect(),
        "curl" => curl(args, cwd, stdout)
            .into_iter()
            .map(|(path, url)| made(path, Some(url)))
            .collect(),
        "unzip" => {
            let folder = option_value(args, &["-d"], &[]).map_or_else(|| cwd.to_string(), at);
            vec![FileEvent::Unpacked {
                folder,
                by: by.clone(),
            }]
        }
        "tar" if tar_extracts(args) => {
            let folder =
                option_value(args, &["-C"], &["--directory"]).map_or_else(|| cwd.to_string(), at);
            vec![FileEvent::Unpacked {
                folder,
                by: by.clone(),
            }]
        }
        "mv" | "cp" => {
            let target_directory = option_value(args, &["-t"], &["--target-directory"]);
            let (sources, to) = match (target_directory, operands.split_last()) {
                (Some(folder), _) => (operands.clone(), format!("{}/", at(folder))),
                (None, Some((last, sources))) if !sources.is_empty() => {
                    (sources.to_vec(), at(last))
                }
                _ => return Vec::new(),
            };
            sources
                .into_iter()
                .map(|source| FileEvent::Moved {
                    from: at(source),
                    to: to.clone(),
                })
                .collect()
        }
        // They make no file that matters here.
        "mkdir" | "touch" | "echo" | "true" | "ls" | "cat" | "test" | "[" => Vec::new(),
        "rm" => vec![FileEvent::Removed {
            paths: operands.iter().map(|p| at(p)).collect(),
            recursive: args.iter().any(|a| {
                a == "--recursive"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains(['r', 'R']))
            }),
        }],
        "chmod" | "chown" => {
            let Some((mode, paths)) = operands.split_first() else {
                return Vec::new();
            };
            let recursive = args.iter().any(|a| {
                a == "-R"
                    || a == "--recursive"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('R'))
            });
            // `chmod 600`/`chmod 750`: the last digit is what other users may do.
            let readable = program.ends_with("chown")
                || !mode.chars().all(|c| c.is_ascii_digit())
                || mode
                    .chars()
                    .last()
                    .and_then(|c| c.to_digit(8))
                    .is_some_and(|others| others & 4 != 0);
            vec![FileEvent::ModeChanged {
                paths: paths.iter().map(|p| at(p)).collect(),
                recursive,
                readable,
            }]
        }
        _ => {
            let text = std::iter::once(program)
                .chain(args.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ");
            vec![FileEvent::Opaque {
                text,
                paths: operands.iter().map(|p| at(p)).collect(),
                by: by.clone(),
            }]
        }
    }
}

/// The value of an option written `-d dir`, `-ddir`, `--directory dir` or `--directory=dir`.
fn option_value<'a>(args: &'a [String], short: &[&str], long: &[&str]) -> Option<&'a str> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        for flag in short.iter().chain(long) {
            if arg == flag {
                return iter.next().map(String::as_str);
            }
            if let Some(value) = arg.strip_prefix(&format!("{flag}=")) {
                return Some(value);
            }
            if short.contains(flag)
                && let Some(value) = arg.strip_prefix(flag).filter(|v| !v.is_empty())
            {
                return Some(value);
            }
        }
    }
    None
}

/// The file name a URL is saved under by `wget URL` and `curl -O URL`: its last path segment,
/// without query or fragment.
fn remote_name(url: &str) -> Option<String> {
    let without_query = url.split(['?', '#']).next().unwrap_or(url);
    let after_scheme = without_query
        .split_once("://")
        .map_or(without_query, |(_, r)| r);
    let (_, path) = after_scheme.split_once('/')?;
    let name = path.rsplit('/').next()?;
    (!name.is_empty()).then(|| name.to_string())
}

fn is_url(word: &str) -> bool {
    ["http://", "https://", "ftp://"]
        .iter()
        .any(|scheme| word.starts_with(scheme))
}

/// `wget [-q] [-O file | -P dir] URL...`: where each download lands, with its URL.
fn wget(args: &[String], cwd: &str, stdout: Option<&str>) -> Vec<(String, String)> {
    let urls: Vec<&String> = args.iter().filter(|a| is_url(a)).collect();
    let output = option_value(args, &["-O"], &["--output-document"]);
    let prefix = option_value(args, &["-P"], &["--directory-prefix"]);
    match (output, urls.first()) {
        (Some("-"), Some(url)) => stdout
            .map(|file| (join_image_path(cwd, file), url.to_string()))
            .into_iter()
            .collect(),
        (Some(file), Some(url)) => vec![(join_image_path(cwd, file), url.to_string())],
        (None, _) => {
            let folder = prefix.map_or_else(|| cwd.to_string(), |p| join_image_path(cwd, p));
            urls.iter()
                .filter_map(|url| {
                    let name = remote_name(url)?;
                    Some((join_image_path(&folder, &name), url.to_string()))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Short options of curl that take a value (the value is the next word, or the rest of a
/// group like `-fsSLo file`).
const CURL_SHORT_WITH_VALUE: &str = "oHXdAubceFmrtTwxyYzEKPQC";

/// Long options of curl that take a value and are common in Dockerfiles.
const CURL_LONG_WITH_VALUE: [&str; 14] = [
    "--output",
    "--output-dir",
    "--header",
    "--request",
    "--data",
    "--user",
    "--user-agent",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "--max-time",
    "--connect-timeout",
    "--proxy",
    "--cacert",
];

/// `curl [-fsSL] (-o file | -O | --output file) URL` or `curl URL > file`: where the body
/// lands, with its URL.
fn curl(args: &[String], cwd: &str, stdout: Option<&str>) -> Vec<(String, String)> {
    let mut output: Option<String> = None;
    let mut remote = false;
    let mut folder: Option<String> = None;
    let mut urls: Vec<String> = Vec::new();
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, value)) => (format!("--{name}"), Some(value.to_string())),
                None => (arg.clone(), None),
            };
            let value = if CURL_LONG_WITH_VALUE.contains(&name.as_str()) {
                inline.or_else(|| iter.next().cloned())
            } else {
                None
            };
            match name.as_str() {
                "--output" => output = value,
                "--output-dir" => folder = value,
                "--remote-name" | "--remote-name-all" => remote = true,
                _ => {}
            }
        } else if let Some(group) = arg.strip_prefix('-').filter(|g| !g.is_empty()) {
            for (index, flag) in group.char_indices() {
                if flag == 'O' {
                    remote = true;
                }
                if CURL_SHORT_WITH_VALUE.contains(flag) {
                    let rest = &group[index + flag.len_utf8()..];
                    let value = if rest.is_empty() {
                        iter.next().cloned()
                    } else {
                        Some(rest.to_string())
                    };
                    if flag == 'o' {
                        output = value;
                    }
                    break;
                }
            }
        } else if is_url(arg) {
            urls.push(arg.clone());
        }
    }
    let Some(url) = urls.first() else {
        return Vec::new();
    };
    let folder = folder.map_or_else(|| cwd.to_string(), |f| join_image_path(cwd, &f));
    let path = match (output.as_deref(), remote, stdout) {
        (Some("-"), _, Some(file)) => Some(join_image_path(cwd, file)),
        (Some("-"), _, None) => None,
        (Some(file), _, _) => Some(join_image_path(&folder, file)),
        (None, true, _) => remote_name(url).map(|name| join_image_path(&folder, &name)),
        (None, false, Some(file)) => Some(join_image_path(cwd, file)),
        (None, false, None) => None,
    };
    path.map(|path| (path, url.clone())).into_iter().collect()
}

/// `tar -x...`, `tar xzf`, `tar --extract`: the mode is extraction.
fn tar_extracts(args: &[String]) -> bool {
    args.iter().any(|a| a == "--extract" || a == "--get")
        || args.first().is_some_and(|first| {
            let mode = first.trim_start_matches('-');
            !first.starts_with("--") && mode.contains('x')
        })
        || args
            .iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('x'))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoStages(Vec<Vec<FileEvent>>);

    impl Stages for NoStages {
        fn history(&self, stage: usize) -> &[FileEvent] {
            self.0.get(stage).map_or(&[], Vec::as_slice)
        }
        fn starts_clean(&self, _: usize) -> bool {
            true
        }
    }

    fn run(line: &str, cwd: &str, stdout: Option<&str>) -> Vec<FileEvent> {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        let at = Location::new(&std::sync::Arc::from("Dockerfile"), 3, 1);
        effects(&words[0], &words[1..], cwd, stdout, &at)
    }

    fn made_paths(events: &[FileEvent]) -> Vec<(String, Option<String>)> {
        events
            .iter()
            .filter_map(|e| match e {
                FileEvent::Made { path, origin, .. } => Some((path.clone(), origin.clone())),
                _ => None,
            })
            .collect()
    }

    const URL: &str = "https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/download/v2.10.0/opentelemetry-javaagent.jar";

    #[test]
    fn downloads_land_where_the_tool_writes_them() {
        let cases = [
            (
                format!("wget -q {URL}"),
                None,
                "/app/opentelemetry-javaagent.jar",
            ),
            (
                format!("wget -O /opt/otel.jar {URL}"),
                None,
                "/opt/otel.jar",
            ),
            (
                format!("wget -P /opt {URL}"),
                None,
                "/opt/opentelemetry-javaagent.jar",
            ),
            (format!("curl -fsSLo otel.jar {URL}"), None, "/app/otel.jar"),
            (
                format!("curl -sSL -O {URL}"),
                None,
                "/app/opentelemetry-javaagent.jar",
            ),
            (
                format!("curl -H Accept:x --output /otel/a.jar {URL}"),
                None,
                "/otel/a.jar",
            ),
            (
                format!("curl --output-dir /otel -O {URL}"),
                None,
                "/otel/opentelemetry-javaagent.jar",
            ),
            (
                format!("curl -sSL {URL}"),
                Some("/tmp/agent.jar"),
                "/tmp/agent.jar",
            ),
        ];
        for (line, stdout, expected) in cases {
            let events = run(&line, "/app", stdout);
            assert_eq!(
                made_paths(&events),
                [(expected.to_string(), Some(URL.to_string()))],
                "{line}"
            );
        }
        assert!(made_paths(&run(&format!("curl -sSL {URL}"), "/app", None)).is_empty());
        let query = made_paths(&run(&format!("wget {URL}?raw=1"), "/", None));
        assert_eq!(query[0].0, "/opentelemetry-javaagent.jar");
    }

    #[test]
    fn files_are_followed_through_moves_copies_and_stages() {
        let mut build = run(&format!("curl -sSLo /tmp/agent.jar {URL}"), "/", None);
        build.extend(run("mkdir -p /agent", "/", None));
        build.extend(run("mv /tmp/agent.jar /agent/", "/", None));
        let stages = NoStages(vec![build.clone()]);
        assert!(matches!(
            file_at(&build, "/agent/agent.jar", &stages),
            FileAt::Made {
                origin: Some(_),
                private: false,
                ..
            }
        ));
        assert_eq!(file_at(&build, "/tmp/other.jar", &stages), FileAt::Absent);
        let by = Location::new(&std::sync::Arc::from("Dockerfile"), 9, 1);
        let copy = |sources: &[&str], destination: &str, into_folder: bool| FileEvent::Copied {
            from: CopySource::Stage(0),
            sources: sources.iter().map(|s| s.to_string()).collect(),
            destination: destination.to_string(),
            into_folder,
            by: by.clone(),
        };
        let exact = [copy(&["/agent/agent.jar"], "/app/otel.jar", false)];
        assert!(matches!(
            file_at(&exact, "/app/otel.jar", &stages),
            FileAt::Made { .. }
        ));
        let folder = [copy(&["/agent/"], "/opt/agent", false)];
        assert!(matches!(
            file_at(&folder, "/opt/agent/agent.jar", &stages),
            FileAt::Made { .. }
        ));
        assert_eq!(
            file_at(&folder, "/opt/agent/other.jar", &stages),
            FileAt::Absent
        );
        assert_eq!(file_at(&folder, "/app/agent.jar", &stages), FileAt::Absent);
    }

    #[test]
    fn archives_and_commands_not_followed_may_hold_anything() {
        let mut history = run("unzip agent.zip -d /opt/agent", "/", None);
        history.extend(run("tar -xzf tools.tgz -C /tools", "/", None));
        history.extend(run("./download.sh /app/otel.jar", "/", None));
        history.extend(run("./fetch-agent.sh agent", "/src", None));
        let stages = NoStages(Vec::new());
        assert_eq!(
            file_at(&history, "/src/agent/a.jar", &stages),
            FileAt::Maybe
        );
        assert_eq!(
            file_at(&history, "/opt/agent/x.jar", &stages),
            FileAt::Maybe
        );
        assert_eq!(file_at(&history, "/tools/a/b.jar", &stages), FileAt::Maybe);
        assert!(matches!(
            file_at(&history, "/app/otel.jar", &stages),
            FileAt::Made { .. }
        ));
        assert_eq!(file_at(&history, "/app/other.jar", &stages), FileAt::Absent);
        history.extend(run("rm -rf /tools", "/", None));
        assert_eq!(file_at(&history, "/tools/a/b.jar", &stages), FileAt::Absent);
    }

    #[test]
    fn modes_decide_who_reads_it() {
        let at = Location::new(&std::sync::Arc::from("Dockerfile"), 2, 1);
        let added = FileEvent::Made {
            path: "/app/otel.jar".into(),
            origin: Some(URL.into()),
            by: at,
            private: true,
        };
        let stages = NoStages(Vec::new());
        let private = |history: &[FileEvent]| match file_at(history, "/app/otel.jar", &stages) {
            FileAt::Made { private, .. } => private,
            other => panic!("{other:?}"),
        };
        assert!(private(std::slice::from_ref(&added)));
        let mut chmod = vec![added.clone()];
        chmod.extend(run("chmod 644 /app/otel.jar", "/", None));
        assert!(!private(&chmod));
        let mut chown = vec![added.clone()];
        chown.extend(run("chown -R app:app /app", "/", None));
        assert!(!private(&chown));
        let mut elsewhere = vec![added];
        elsewhere.extend(run("chmod -R a+r /opt", "/", None));
        assert!(private(&elsewhere));
    }
}
