//! The checklist streams: in a terminal, the offline steps are printed at once and a spinner
//! turns beside the network step while it waits (here on a black-holed endpoint: a loopback
//! listener that accepts and never answers); out of a terminal there is no spinner at all; and
//! the human report fits the width it is given.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const FAKE_KEY: &str = "hcaik_0000000000000000000000000000000000000000000000000000000000";

/// Accepts connections on 127.0.0.1 and never answers; returns its URL.
fn black_hole() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    url
}

fn fixture() -> String {
    format!("{}/fixtures/cruddur", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn in_a_terminal_the_lint_steps_come_at_once_and_a_spinner_turns_on_the_network_step() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("`script` (util-linux) is not installed: no pty to run in");
        return;
    }
    let url = black_hole();
    // `script` gives the command a pty for stdout and stderr, and copies what it shows.
    let command = format!(
        "{} check {} --endpoint {url} --timeout 120",
        env!("CARGO_BIN_EXE_otel-doctor"),
        fixture()
    );
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "xterm")
        .env("HONEYCOMB_API_KEY", FAKE_KEY)
        .env("OTEL_DOCTOR_HONEYCOMB_API_URL", &url)
        .env("OTEL_DOCTOR_HONEYCOMB_API_URL_EU", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buffer) {
            if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut raw = String::new();
    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let shown = |seen: &str| {
        seen.contains("[✗] backend-flask")
            && seen.contains("deps/otel-not-installed")
            && ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
                .iter()
                .any(|frame| {
                    seen.contains(&format!("{frame} key"))
                        || seen.contains(&format!("{frame} canary"))
                })
    };
    while !shown(&seen) && Instant::now() < deadline {
        if let Ok(bytes) = receiver.recv_timeout(Duration::from_millis(200)) {
            raw.push_str(&String::from_utf8_lossy(&bytes));
            seen = without_styles(&raw);
        }
    }
    let seen: String = seen.chars().take(3000).collect();
    // The network step is still waiting on the black hole (its bound is 120 s): what was
    // seen was printed while it ran, not at the end.
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        shown(&seen),
        "no lint steps and spinner while waiting: {seen:?}"
    );
    assert!(running, "the run was over: {seen:?}");
    assert!(
        !seen.contains("✗ 2 errors"),
        "the verdict came before the network step"
    );
    assert!(!seen.contains(FAKE_KEY), "{seen:?}");
}

/// The text without its ANSI styles (`ESC [ ... m`, and the spinner's `ESC [2K`).
fn without_styles(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn out_of_a_terminal_there_is_no_spinner_and_no_timing() {
    let url = black_hole();
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["check", &fixture(), "--endpoint", &url, "--timeout", "1"])
        .env_clear()
        .env("HONEYCOMB_API_KEY", FAKE_KEY)
        .env("OTEL_DOCTOR_HONEYCOMB_API_URL", &url)
        .env("OTEL_DOCTOR_HONEYCOMB_API_URL_EU", &url)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("[✗] canary"), "{text}");
    assert!(!text.contains(" ms"), "timings are for -v: {text}");
    let verdict = text.find("\n✗ ").unwrap();
    assert!(text.find("[✗] canary").unwrap() < verdict, "{text}");
}

#[test]
fn columns_sets_the_width_and_nothing_is_wider() {
    for (columns, args) in [
        ("60", &["lint", "-v"][..]),
        ("60", &["rules"][..]),
        ("100", &["lint"][..]),
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_otel-doctor"));
        command.args(args);
        if args[0] == "lint" {
            command.arg(fixture());
        }
        let output = command
            .env_clear()
            .env("COLUMNS", columns)
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        let width: usize = columns.parse().unwrap();
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= width, "{args:?} at {columns}: {widest}\n{text}");
        if columns == "100" {
            assert!(widest > 80, "COLUMNS=100 is not used: {widest}");
        }
    }
    // Without COLUMNS and out of a terminal: 80.
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", &fixture()])
        .env_clear()
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
}

#[test]
fn each_finding_shows_its_source_line_with_a_caret() {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", &fixture()])
        .env_clear()
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(
            "    ✗ honeycomb/key-unset  docker-compose.yml:11:7\n         |\n      11 |       OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_…\n         |       ^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        ),
        "{text}"
    );
}
