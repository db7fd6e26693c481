//! Code hints paste: the lines a hint indents are a program that parses, and every class it
//! calls is imported by the hint itself.

mod support;

use std::io::Write;
use std::path::Path;
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

/// The languages whose code hints are checked here, by the extension of the file a finding
/// is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    Go,
    Java,
    CSharp,
    Ruby,
}

impl Code {
    fn of_file(file: &str) -> Option<Code> {
        let extension = file.rsplit('.').next()?;
        match extension {
            "go" => Some(Code::Go),
            "java" | "kt" => Some(Code::Java),
            "cs" => Some(Code::CSharp),
            "rb" => Some(Code::Ruby),
            _ => None,
        }
    }
}

/// Every code hint (a hint with indented lines) that `lint` prints for a finding in a Go,
/// Java, C# or Ruby file of the fixtures, once each, with where it came from.
fn code_hints_of_other_languages() -> Vec<(Code, String, String)> {
    let mut expected = Vec::new();
    support::fixture_list::expected_files(Path::new("fixtures"), &mut expected);
    let mut hints: Vec<(Code, String, String)> = Vec::new();
    for file in expected {
        let dir = file.parent().unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let listed: serde_json::Value = serde_json::from_str(&text).unwrap();
        let in_code = |f: &serde_json::Value| {
            f.as_str()
                .and_then(|f| f.split_whitespace().nth(1))
                .and_then(|at| Code::of_file(at.split(':').next()?))
                .is_some()
        };
        if !listed["findings"].as_array().unwrap().iter().any(in_code) {
            continue;
        }
        let mut command = Command::new(env!("CARGO_BIN_EXE_otel-doctor"));
        command
            .args(["lint", "--format", "json"])
            .arg(dir)
            .env_clear();
        for (name, value) in listed["env"].as_object().into_iter().flatten() {
            command.env(name, value.as_str().unwrap());
        }
        let output = command.output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        for finding in report["findings"].as_array().unwrap() {
            let (Some(language), Some(hint)) = (
                finding["file"].as_str().and_then(Code::of_file),
                finding["hint"].as_str(),
            ) else {
                continue;
            };
            if code(hint).is_empty() || hints.iter().any(|(_, h, _)| h == hint) {
                continue;
            }
            let source = format!("{} ({})", dir.display(), finding["rule"]);
            hints.push((language, hint.to_string(), source));
        }
    }
    hints
}

/// Brackets that close in order and strings that end, outside comments: `Err` names the
/// first thing that does not.
fn balanced(code: &str, language: Code) -> Result<(), String> {
    let mut open: Vec<char> = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if language != Code::Ruby && chars.peek() == Some(&'/') => {
                chars.by_ref().take_while(|c| *c != '\n').for_each(drop);
            }
            '#' if language == Code::Ruby => {
                chars.by_ref().take_while(|c| *c != '\n').for_each(drop);
            }
            '"' | '\'' | '`' => {
                let mut closed = false;
                while let Some(inner) = chars.next() {
                    match inner {
                        '\\' if c != '`' => {
                            chars.next();
                        }
                        '\n' if c != '`' => return Err(format!("{c} string ends with its line")),
                        _ if inner == c => {
                            closed = true;
                            break;
                        }
                        _ => {}
                    }
                }
                if !closed {
                    return Err(format!("unterminated {c} string"));
                }
            }
            '(' | '[' | '{' => open.push(c),
            ')' | ']' | '}' => {
                let wanted = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if open.pop() != Some(wanted) {
                    return Err(format!("unmatched {c}"));
                }
            }
            _ => {}
        }
    }
    match open.last() {
        Some(c) => Err(format!("unclosed {c}")),
        None => Ok(()),
    }
}

/// What the code uses that nothing in it imports, read by the project's own lexers and
/// parsers: Go package qualifiers that are neither imported nor assigned, Java/C# classes
/// called by name that no `import` names (C#: OpenTelemetry extension methods without a
/// `using OpenTelemetry...`), Ruby `OpenTelemetry::...` constants that no `require` loads.
fn unimported(code: &str, language: Code) -> Vec<String> {
    use otel_doctor::workspace::{clike, go, ruby};
    let mut missing: Vec<String> = match language {
        Code::Go => {
            let source = go::parse(code);
            let mut known: Vec<&str> = source.imports.iter().map(|i| i.local_name()).collect();
            known.extend(source.declarations.iter().map(|d| d.name.as_str()));
            source
                .calls
                .iter()
                .filter_map(|call| call.callee.split_once('.').map(|(q, _)| q))
                .filter(|qualifier| !known.contains(qualifier))
                .map(String::from)
                .collect()
        }
        Code::Java | Code::CSharp => {
            let dialect = if language == Code::Java {
                clike::Dialect::Java
            } else {
                clike::Dialect::CSharp
            };
            let source = clike::parse(code, dialect);
            let imported = |name: &str| {
                source
                    .imports
                    .iter()
                    .any(|i| i.path.rsplit('.').next() == Some(name))
            };
            let mut missing: Vec<String> = source
                .calls
                .iter()
                .map(|call| call.callee.split('.').next().unwrap_or_default())
                .filter(|name| name.starts_with(|c: char| c.is_ascii_uppercase()))
                .filter(|name| !imported(name))
                .map(String::from)
                .collect();
            let otel_extension = source
                .calls
                .iter()
                .any(|call| call.callee.contains("Otlp") || call.callee.contains("OpenTelemetry"));
            let otel_using = source
                .imports
                .iter()
                .any(|i| i.path.starts_with("OpenTelemetry"));
            if language == Code::CSharp && otel_extension && !otel_using {
                missing.push("using OpenTelemetry.Trace".to_string());
            }
            missing
        }
        Code::Ruby => {
            let source = ruby::parse(code);
            let required: Vec<String> = source.requires.iter().map(|r| r.path.clone()).collect();
            source
                .calls
                .iter()
                .map(|call| &call.receiver)
                .filter(|receiver| receiver.starts_with("OpenTelemetry::"))
                .filter(|receiver| {
                    let path = receiver.to_ascii_lowercase().replace("::", "/");
                    !required.iter().any(|r| path.starts_with(r.as_str()))
                })
                .cloned()
                .collect()
        }
    };
    missing.sort();
    missing.dedup();
    missing
}

/// The language's own checker, when this machine has it: `ruby -c`, and `gofmt -e` on the
/// snippet's imports and statements wrapped in a function.
fn compiler_check(code: &str, language: Code) -> Option<Result<(), String>> {
    let (program, args, text): (&str, &[&str], String) = match language {
        Code::Ruby => ("ruby", &["-c"], code.to_string()),
        Code::Go => {
            let (imports, body) = match code.find("\n)\n") {
                Some(end) if code.starts_with("import") => code.split_at(end + 3),
                _ => ("", code),
            };
            let wrapped = format!("package main\n\n{imports}\nfunc snippet() {{\n{body}}}\n");
            ("gofmt", &["-e"], wrapped)
        }
        Code::Java | Code::CSharp => return None,
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    Some(match output.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
    })
}

#[test]
fn go_java_dotnet_and_ruby_code_hints_paste() {
    let hints = code_hints_of_other_languages();
    for language in [Code::Go, Code::Java, Code::CSharp, Code::Ruby] {
        assert!(
            hints.iter().any(|(l, _, _)| *l == language),
            "no fixture prints a {language:?} code hint"
        );
    }
    for (language, hint, source) in &hints {
        let code = code(hint);
        balanced(&code, *language).unwrap_or_else(|e| panic!("{source}: {e}\n{code}"));
        assert_eq!(
            unimported(&code, *language),
            Vec::<String>::new(),
            "{source}: {code}"
        );
        if let Some(checked) = compiler_check(&code, *language) {
            checked.unwrap_or_else(|e| panic!("{source}: {e}\n{code}"));
        }
    }
}

#[test]
fn the_paste_checks_catch_what_does_not_paste() {
    assert!(balanced("f(a, \"b)\n", Code::Go).is_err());
    assert!(balanced("f(a, g(b)\n", Code::Java).is_err());
    assert!(balanced("x = ')' # (\n", Code::Ruby).is_ok());
    assert_eq!(
        unimported("exp, err := otlptracehttp.New(ctx)\n", Code::Go),
        ["otlptracehttp"]
    );
    assert_eq!(
        unimported(
            "import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;\nSdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(e).build());\n",
            Code::Java
        ),
        ["SdkTracerProvider"]
    );
    assert_eq!(
        unimported(
            "builder.Services.AddOpenTelemetry().WithTracing(t => t.AddOtlpExporter());\n",
            Code::CSharp
        ),
        ["using OpenTelemetry.Trace"]
    );
    assert_eq!(
        unimported(
            "require 'opentelemetry/sdk'\nOpenTelemetry::Exporter::OTLP::Exporter.new\n",
            Code::Ruby
        ),
        ["OpenTelemetry::Exporter::OTLP::Exporter"]
    );
}
