//! The GitHub job summary (`$GITHUB_STEP_SUMMARY` with `--format github`): the checklist, the
//! routes drawn as a Mermaid graph with broken hops in red, and the findings listed.

use std::process::Command;

/// The job summary `lint --format github` appends for a fixture.
fn summary(fixture: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("summary.md");
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", &format!("fixtures/{fixture}"), "--format", "github"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("GITHUB_STEP_SUMMARY", &file)
        .output()
        .unwrap();
    assert!(output.status.code().is_some_and(|c| c < 2), "{output:?}");
    std::fs::read_to_string(&file).unwrap()
}

/// The lines of the summary's Mermaid block.
fn mermaid(summary: &str) -> Vec<&str> {
    let start = summary.find("```mermaid\n").expect("no Mermaid graph");
    summary[start..]
        .lines()
        .skip(1)
        .take_while(|line| *line != "```")
        .collect()
}

#[test]
fn a_broken_receiver_is_a_red_edge_and_its_findings_are_listed() {
    let summary = summary("collector/receiver-default-localhost");
    assert!(summary.starts_with("### otel-doctor\n"), "{summary}");
    assert!(summary.contains("| ❌ | api | 1 error |"), "{summary}");
    assert!(summary.contains("\n2 errors, 0 warnings\n"), "{summary}");
    let graph = mermaid(&summary);
    assert_eq!(graph[0], "flowchart LR");
    assert!(graph.contains(&"  n0[\"api\"]"), "{graph:?}");
    assert!(graph.contains(&"  n1{{\"otel-collector\"}}"), "{graph:?}");
    // Labels are wrapped with <br>: read them whole.
    let edges: Vec<String> = graph
        .iter()
        .filter(|l| l.contains("-->"))
        .map(|l| l.replace("<br>", " "))
        .collect();
    assert_eq!(edges.len(), 2, "{graph:?}");
    assert!(edges.contains(&"  n0 -->|\":4318 (http/protobuf) ✗ receiver otlp listens on localhost:4318 (the default) only (otel-collector.yaml:5:7)\"| n1".to_string()), "{edges:?}");
    assert!(edges.contains(&"  n2 -->|\":4317 (grpc) ✗ receiver otlp listens on localhost:4317 (the default) only (otel-collector.yaml:4:7)\"| n1".to_string()), "{edges:?}");
    let red: Vec<&&str> = graph
        .iter()
        .filter(|l| l.starts_with("  linkStyle ") && l.contains("stroke:#cf222e"))
        .collect();
    assert_eq!(red.len(), 2, "{graph:?}");
    // Both findings, with where they are (from the repository root) and the fix.
    let findings = &summary[summary.find("#### Findings").expect("no findings")..];
    let rows: Vec<&str> = findings
        .lines()
        .filter(|l| l.starts_with("| ❌ |"))
        .collect();
    assert_eq!(rows.len(), 2, "{findings}");
    assert!(rows[0].contains(
        "| `collector/receiver-localhost` | `fixtures/collector/receiver-default-localhost/otel-collector.yaml:4` |"
    ));
    assert!(rows[0].contains("<br>**fix:** under `grpc:` add endpoint: 0.0.0.0:4317 |"));
}

#[test]
fn a_working_route_through_two_collectors_is_drawn_without_red() {
    let summary = summary("collector/agent-gateway");
    let graph = mermaid(&summary);
    for edge in [
        "  n0 -->|\":4318 (http/protobuf)\"| n1",
        "  n1 -->|\"traces: otlp/gateway\"| n2",
        "  n2 -->|\"traces: otlp/honeycomb\"| n3",
    ] {
        assert!(graph.contains(&edge), "no {edge}: {graph:?}");
    }
    assert!(graph.contains(&"  n3[(\"Honeycomb US<br>api.honeycomb.io:443\")]"));
    assert!(!graph.iter().any(|l| l.contains("linkStyle")), "{graph:?}");
    assert!(!summary.contains("#### Findings"), "{summary}");
}

#[test]
fn a_hint_keeps_its_indentation_in_the_findings_table() {
    let summary = summary("collector/key-not-passed");
    assert!(
        summary.contains(
            "**fix:** pass it to the container:<br>&nbsp;&nbsp;otel-collector:<br>&nbsp;&nbsp;&nbsp;&nbsp;environment:<br>"
        ),
        "{summary}"
    );
}
