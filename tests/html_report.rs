//! `--format html`: one self-contained page (nothing to fetch: no script, no stylesheet, no
//! image, no font; a Content-Security-Policy that forbids any load) with the checklist, the
//! routes drawn as inline SVG (broken hops red) and every finding with its code frame and its
//! fix; then opened in headless Chromium, which renders it and takes a screenshot (its path is
//! in the test's output). Chromium is Debian's `chromium`; `.ci/run` installs it and sets
//! OTEL_DOCTOR_BROWSER_TESTS=required, without which a machine lacking it skips that part.

use std::path::{Path, PathBuf};
use std::process::Command;

fn html(fixture: &str) -> (String, Option<i32>) {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", &format!("fixtures/{fixture}"), "--format", "html"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .output()
        .unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code(),
    )
}

/// Every place a page can name something to load.
fn loads(page: &str) -> Vec<String> {
    let lower = page.to_ascii_lowercase();
    let mut found = Vec::new();
    for pattern in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "<use",
        "@import",
        " src=",
        "srcset=",
        "xlink:href",
        "@font-face",
    ] {
        if lower.contains(pattern) {
            found.push(pattern.to_string());
        }
    }
    // `url(#arrow)` names a marker of the page itself; any other url() is a load.
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        if !rest.starts_with('#') {
            found.push(format!("url({}", &rest[..rest.len().min(30)]));
        }
    }
    found
}

#[test]
fn the_page_is_self_contained_with_the_checklist_routes_and_findings() {
    let (page, code) = html("collector/receiver-default-localhost");
    assert_eq!(
        code,
        Some(1),
        "the exit code is the verdict's, whatever the format"
    );
    assert!(
        page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{page}"
    );
    assert!(page.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    ));
    assert_eq!(
        loads(&page),
        Vec::<String>::new(),
        "the page loads something"
    );
    // The verdict states the facts, as the human report does.
    assert!(
        page.contains(
            "<p class=\"verdict fail\">✗ 2 errors, 0 warnings — Honeycomb will receive nothing from api and worker.</p>"
        ),
        "{page}"
    );
    // Links go to the rule pages (a click, not a load).
    for link in page.split("href=\"").skip(1) {
        let target = &link[..link.find('"').unwrap()];
        assert!(
            target.starts_with(&format!(
                "{}/blob/main/docs/rules/",
                env!("CARGO_PKG_REPOSITORY")
            )),
            "{target}"
        );
    }
    // The checklist: the workspace, the two services and the collector.
    assert_eq!(page.matches("<tr class=\"fail\">").count(), 3, "{page}");
    assert_eq!(page.matches("<tr class=\"pass\">").count(), 1);
    // The routes: both services' hops to the collector are broken, in red.
    let svg = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    assert_eq!(svg.matches("<g class=\"hop broken\">").count(), 2, "{svg}");
    assert_eq!(svg.matches("<g class=\"node service\">").count(), 2);
    assert_eq!(svg.matches("<g class=\"node collector\">").count(), 1);
    // The findings, each with its rule's page, where it is, and the fix.
    assert_eq!(page.matches("<article class=\"finding error\">").count(), 2);
    assert!(page.contains("<span class=\"where\">otel-collector.yaml:4:7</span>"));
    // Each with its code frame: the line, and the offending word marked.
    assert!(page.contains(
        "<pre class=\"frame\"><span class=\"line-number\">4</span>      <mark>grpc</mark>:</pre>"
    ), "{page}");
    assert!(page.contains(
        "<div class=\"fix\"><span>fix</span><pre>under `grpc:` add endpoint: 0.0.0.0:4317</pre></div>"
    ));
}

#[test]
fn text_from_the_workspace_is_escaped() {
    let (page, _) = html("cruddur");
    // A hint of this workspace quotes a header with its single quotes.
    assert!(page.contains("&#39;x-honeycomb-team&#39;"), "{page}");
    assert!(!page.contains("'x-honeycomb-team'"));
}

/// Debian's Chromium, if this machine has it.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|program| Command::new(program).arg("--version").output().is_ok())
}

/// Runs headless Chromium on `page` (a file) with the flags that work on these machines (a
/// fresh profile, no background networking: nothing leaves the machine) and `extra`.
fn run_chromium(program: &Path, page: &Path, profile: &Path, extra: &[&str]) -> String {
    let output = Command::new(program)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Should the page name a host after all, it would not resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--hide-scrollbars",
            "--window-size=1280,1100",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn chromium_renders_the_page_and_takes_a_screenshot() {
    let Some(program) = chromium() else {
        assert!(
            std::env::var("OTEL_DOCTOR_BROWSER_TESTS").as_deref() != Ok("required"),
            "OTEL_DOCTOR_BROWSER_TESTS=required, and there is no chromium"
        );
        eprintln!("chromium is not installed: the HTML report is not rendered");
        return;
    };
    let (page, _) = html("collector/receiver-default-localhost");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&out).unwrap();
    let file = out.join("report.html");
    std::fs::write(&file, &page).unwrap();
    let profile = tempfile::tempdir().unwrap();
    // What Chromium made of the page: every part is there, nothing was dropped.
    let dom = run_chromium(&program, &file, profile.path(), &["--dump-dom"]);
    for part in [
        "<h2>Checklist</h2>",
        "<h2>Where the spans go</h2>",
        "<g class=\"hop broken\">",
        "<article class=\"finding error\">",
        "<mark>grpc</mark>",
    ] {
        assert!(dom.contains(part), "Chromium's DOM lacks {part}: {dom}");
    }
    let screenshot = out.join("report.png");
    let _ = std::fs::remove_file(&screenshot);
    run_chromium(
        &program,
        &file,
        profile.path(),
        &[&format!("--screenshot={}", screenshot.display())],
    );
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // A blank 1280x1100 page compresses to a few kilobytes; this one has text and a drawing.
    assert!(png.len() > 30_000, "{} bytes: a blank page?", png.len());
    eprintln!("screenshot of the HTML report: {}", screenshot.display());
}
