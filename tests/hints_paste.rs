//! Code hints paste: the lines a hint indents are a program that parses, and every class it
//! calls is imported by the hint itself.

use std::io::Write;
use std::process::{Command, Stdio};

fn hint(fixture: &str, rule: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", "--format", "json", &format!("fixtures/{fixture}")])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("{fixture}: no {rule}"));
    finding["hint"].as_str().unwrap().to_string()
}

/// The hint's indented lines, dedented: the code to paste.
fn code(hint: &str) -> String {
    hint.lines()
        .filter_map(|line| line.strip_prefix("  "))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn python_parses(code: &str) -> Result<(), String> {
    let mut child = Command::new("python3")
        .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(code.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    match output.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
    }
}

/// Capitalised names the code calls (`OTLPSpanExporter(`) that no line of it imports.
fn unimported_classes(code: &str) -> Vec<String> {
    let mut missing = Vec::new();
    for (at, _) in code.match_indices('(') {
        let name: String = code[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let imported = code.lines().any(|line| {
            (line.contains("import")
                || line.contains("require(")
                || line.trim_end_matches(',').trim() == name)
                && line.contains(name.as_str())
        });
        if name.starts_with(|c: char| c.is_ascii_uppercase()) && !imported {
            missing.push(name);
        }
    }
    missing
}

#[test]
fn python_code_hints_parse_and_carry_their_imports() {
    for (fixture, rule) in [
        ("rules/code/console-exporter/fires", "code/console-exporter"),
        (
            "rules/code/no-tracer-provider/fires",
            "code/no-tracer-provider",
        ),
    ] {
        let hint = hint(fixture, rule);
        let code = code(&hint);
        assert!(code.contains("OTLPSpanExporter()"), "{fixture}: {hint}");
        python_parses(&code).unwrap_or_else(|e| panic!("{fixture}: {e}\n{code}"));
        assert_eq!(
            unimported_classes(&code),
            Vec::<String>::new(),
            "{fixture}: {code}"
        );
    }
}

#[test]
fn node_code_hints_carry_their_imports() {
    let hint = hint(
        "rules/code/no-tracer-provider/fires-node",
        "code/no-tracer-provider",
    );
    let code = code(&hint);
    assert!(code.contains("new NodeSDK("), "{hint}");
    assert_eq!(unimported_classes(&code), Vec::<String>::new(), "{code}");
}
