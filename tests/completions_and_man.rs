//! What packagers install next to the binary: shell completions and manual pages, checked by
//! the shells and by `man` themselves where they are installed.

use std::path::Path;
use std::process::{Command, Output};

fn doctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .env_clear()
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

const SUBCOMMANDS: [&str; 6] = ["check", "lint", "key", "canary", "explain", "completions"];

/// Whether a program can be run (checks that need one skip without it, and say so).
fn installed(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

#[test]
fn completions_for_every_shell_know_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout(&doctor(&["completions", shell]));
        for subcommand in SUBCOMMANDS {
            assert!(
                script.contains(subcommand),
                "{shell} completions lack `{subcommand}`"
            );
        }
        assert!(script.contains("format"), "{shell} completions lack flags");
    }
}

#[test]
fn shells_accept_their_completion_scripts() {
    let dir = tempfile::tempdir().unwrap();
    // bash is always there; zsh and fish are checked where they are installed.
    for (shell, check) in [("bash", "-n"), ("zsh", "-n"), ("fish", "--no-execute")] {
        if shell != "bash" && !installed(shell) {
            eprintln!("{shell} is not installed: its completions are not syntax-checked");
            continue;
        }
        let path = dir.path().join(format!("otel-doctor.{shell}"));
        std::fs::write(&path, stdout(&doctor(&["completions", shell]))).unwrap();
        let status = Command::new(shell).arg(check).arg(&path).status().unwrap();
        assert!(status.success(), "{shell} {check} rejects the completions");
    }
}

/// What bash offers for the words of `line` (the last one being completed), through the
/// function that `complete -p otel-doctor` names after sourcing the script.
fn bash_offers(line: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("otel-doctor.bash");
    std::fs::write(&path, stdout(&doctor(&["completions", "bash"]))).unwrap();
    let words: Vec<String> = line.iter().map(|w| format!("'{w}'")).collect();
    let current = line.last().unwrap();
    let previous = line[line.len() - 2];
    let script = format!(
        "source {}; function=$(complete -p otel-doctor | sed -E 's/.*-F ([^ ]+).*/\\1/'); \
         COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{joined}'; COMP_POINT=${{#COMP_LINE}}; \
         \"$function\" otel-doctor '{current}' '{previous}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        words = words.join(" "),
        cword = line.len() - 1,
        joined = line.join(" "),
    );
    let output = Command::new("bash").arg("-c").arg(script).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_offers_the_subcommands() {
    assert_eq!(bash_offers(&["otel-doctor", "li"]), ["lint", "listen"]);
}

/// Past the first word: clap_complete's script for a hyphenated name completed nothing there.
#[test]
fn bash_completion_works_past_the_first_word() {
    assert_eq!(bash_offers(&["otel-doctor", "lint", "--fo"]), ["--format"]);
    assert_eq!(
        bash_offers(&["otel-doctor", "check", "--format", ""]),
        ["human", "json", "sarif", "junit", "github"]
    );
    let deps: Vec<String> = otel_doctor::rules::all()
        .map(|r| r.meta().id.to_string())
        .filter(|id| id.starts_with("deps/"))
        .collect();
    assert!(deps.len() > 2);
    assert_eq!(bash_offers(&["otel-doctor", "explain", "deps/"]), deps);
    // Network flags are offered only where there is a network.
    assert!(
        bash_offers(&["otel-doctor", "lint", "--"])
            .iter()
            .all(|f| f != "--endpoint")
    );
    assert!(
        bash_offers(&["otel-doctor", "check", "--"])
            .iter()
            .any(|f| f == "--endpoint")
    );
}

/// README's install lines work in a fresh home: they create the folders they write into, and
/// bash then completes past the first word from the installed file.
#[test]
fn readme_completion_install_lines_work_in_a_fresh_home() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let lines: Vec<&str> = readme
        .lines()
        .filter(|l| l.contains("otel-doctor completions ") && l.contains('>'))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let home = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_otel-doctor"),
        bin.path().join("otel-doctor"),
    )
    .unwrap();
    for line in &lines {
        let output = Command::new("bash")
            .args(["-euc", line])
            .env("HOME", home.path())
            .env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for file in [
        ".local/share/bash-completion/completions/otel-doctor",
        ".zfunc/_otel-doctor",
        ".config/fish/completions/otel-doctor.fish",
    ] {
        let text = std::fs::read_to_string(home.path().join(file)).unwrap();
        assert!(text.contains("explain"), "{file}");
    }
}

#[test]
fn the_manual_page_is_roff_with_the_usual_sections() {
    let page = stdout(&doctor(&["man"]));
    assert!(page.contains(".TH otel-doctor 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "no {section}");
    }
    assert!(page.contains("HONEYCOMB_API_KEY"), "the env feature is off");
    assert!(page.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn out_dir_writes_one_page_per_subcommand_and_man_renders_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    stdout(&doctor(&["man", "--out-dir", out.to_str().unwrap()]));
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    // One page per subcommand the command line has, and the top page.
    let command = <otel_doctor::cli::Cli as clap::CommandFactory>::command();
    let mut expected: Vec<String> = command
        .get_subcommands()
        .map(|s| format!("otel-doctor-{}.1", s.get_name()))
        .chain(["otel-doctor.1".to_string()])
        .collect();
    expected.sort();
    assert_eq!(pages, expected);
    assert!(pages.contains(&"otel-doctor-lint.1".to_string()));
    for page in &pages {
        let roff = std::fs::read_to_string(out.join(page)).unwrap();
        let name = page.trim_end_matches(".1");
        assert!(roff.contains(&format!(".TH {name} 1")), "{page}");
        // propagate_version: subcommand pages carry the version too.
        assert!(
            roff.contains(&format!("otel-doctor {}", env!("CARGO_PKG_VERSION"))),
            "{page}"
        );
        if installed("man") {
            assert_renders(&out.join(page), name);
        }
    }
}

fn assert_renders(page: &Path, name: &str) {
    let output = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "man -l {}", page.display());
    assert!(text.contains("NAME") && text.contains(name), "{text}");
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(!errors.contains("warning"), "{errors}");
}
