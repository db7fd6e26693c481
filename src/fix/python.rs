//! Python code `fix` edits: beside a console exporter's span processor, the same statement
//! with an OTLP exporter (the console one stays: it may be wanted while debugging), and the
//! imports it needs after the file's own.

use super::text::{Change, Source};

const CONSOLE: &str = "ConsoleSpanExporter(";
const OTLP: &str = "OTLPSpanExporter";
const BATCH: &str = "BatchSpanProcessor";
const OTLP_IMPORT: &str =
    "from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter";
const BATCH_IMPORT: &str = "from opentelemetry.sdk.trace.export import BatchSpanProcessor";

/// The console exporter's statement on `line` gets its OTLP twin on the next line.
pub fn add_otlp_exporter(source: &Source, line: usize) -> Result<Vec<Change>, String> {
    let by_hand = |why: &str| {
        format!(
            "{why}: add `provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))` by hand"
        )
    };
    let text = source
        .line(line)
        .ok_or_else(|| format!("the file changed since it was read: it has no line {line}"))?;
    let console = text.find(CONSOLE).ok_or_else(|| {
        format!("the file changed since it was read: no ConsoleSpanExporter on line {line}")
    })?;
    if !text.contains("add_span_processor(")
        || text.matches('(').count() != text.matches(')').count()
    {
        return Err(by_hand(&format!(
            "the console exporter on line {line} is not handed to add_span_processor in one line"
        )));
    }
    let arguments_end = closing_paren(text, console + CONSOLE.len())
        .ok_or_else(|| by_hand("its arguments do not close on the line"))?;
    let twin = format!("{}{OTLP}(){}", &text[..console], &text[arguments_end + 1..])
        .replace("SimpleSpanProcessor(", &format!("{BATCH}("));
    let newline = source.newline();
    let next = source.next_line_start(line);
    let twin = if next == source.text.len() && !source.text.ends_with('\n') {
        format!("{newline}{twin}")
    } else {
        format!("{twin}{newline}")
    };
    let mut changes = vec![Change::insert(next, twin)];
    let imports: Vec<&str> = [(OTLP, OTLP_IMPORT), (BATCH, BATCH_IMPORT)]
        .into_iter()
        .filter(|(name, _)| !source.text.contains(name))
        .map(|(_, import)| import)
        .collect();
    if !imports.is_empty() {
        let after = imports_end(source)
            .ok_or_else(|| by_hand("the file has no import block to add the imports to"))?;
        let lines: String = imports.iter().map(|i| format!("{i}{newline}")).collect();
        changes.push(Change::insert(after, lines));
    }
    Ok(changes)
}

/// The byte offset of the `)` that closes the parenthesis opened just before `from`.
fn closing_paren(text: &str, from: usize) -> Option<usize> {
    let mut depth = 1;
    for (at, c) in text[from..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(from + at);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the file's leading imports end: after the last top-level `import`/`from` statement
/// that comes before any other statement (parenthesised and `\` continuations followed).
fn imports_end(source: &Source) -> Option<usize> {
    let mut end = None;
    let mut line = 1;
    while line <= source.line_count() {
        let text = source.line(line)?;
        let trimmed = text.trim();
        let statement = text.starts_with("import ") || text.starts_with("from ");
        if statement {
            let mut last = line;
            let mut open = text.matches('(').count() > text.matches(')').count();
            let mut continued = text.trim_end().ends_with('\\');
            while (open || continued) && last < source.line_count() {
                last += 1;
                let more = source.line(last)?;
                open = open && !more.contains(')');
                continued = more.trim_end().ends_with('\\');
            }
            end = Some(source.next_line_start(last));
            line = last + 1;
            continue;
        }
        let skippable = trimmed.is_empty()
            || trimmed.starts_with('#')
            || (end.is_none() && (trimmed.starts_with("\"\"\"") || trimmed.starts_with("'''")));
        if !skippable {
            break;
        }
        line += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::super::text::apply;
    use super::*;

    fn fix(text: &str, line: usize) -> Result<String, String> {
        let source = Source::new(text);
        add_otlp_exporter(&source, line).map(|changes| apply(text, &changes))
    }

    #[test]
    fn adds_the_otlp_twin_and_its_imports() {
        let text = "\"\"\"App.\"\"\"\nfrom opentelemetry import trace\nfrom opentelemetry.sdk.trace.export import (\n    ConsoleSpanExporter,\n    SimpleSpanProcessor,\n)\n\nprovider = TracerProvider()\nprovider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=sys.stderr)))\n";
        assert_eq!(
            fix(text, 9).unwrap(),
            "\"\"\"App.\"\"\"\nfrom opentelemetry import trace\nfrom opentelemetry.sdk.trace.export import (\n    ConsoleSpanExporter,\n    SimpleSpanProcessor,\n)\nfrom opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\nfrom opentelemetry.sdk.trace.export import BatchSpanProcessor\n\nprovider = TracerProvider()\nprovider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=sys.stderr)))\nprovider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\n"
        );
    }

    #[test]
    fn keeps_imports_the_file_has_and_the_indentation() {
        let text = "from x import BatchSpanProcessor, ConsoleSpanExporter\ndef setup():\n    p.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))";
        assert_eq!(
            fix(text, 3).unwrap(),
            "from x import BatchSpanProcessor, ConsoleSpanExporter\nfrom opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\ndef setup():\n    p.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))\n    p.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))"
        );
    }

    #[test]
    fn leaves_statements_over_several_lines_to_the_user() {
        let text = "import x\nprovider.add_span_processor(\n    SimpleSpanProcessor(ConsoleSpanExporter())\n)\n";
        assert!(fix(text, 3).unwrap_err().contains("by hand"));
        assert!(fix("import x\nexporter = ConsoleSpanExporter()\n", 2).is_err());
        assert!(fix("import x\n", 1).is_err());
    }
}
