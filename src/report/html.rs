//! `--format html`: the report as one self-contained page to open or attach (a CI artifact):
//! the checklist, the routes drawn (inline SVG), and every finding with its fix. Nothing is
//! fetched: styles are inline, there is no script, and a Content-Security-Policy forbids any
//! load, so the page looks the same offline and leaks nothing when opened.

use std::fmt::Write;

use super::graph::Graph;
use super::verdict::Verdict;
use super::{Report, Status, TOOL_NAME, TOOL_REPOSITORY, TOOL_VERSION, inactive_reason};
use crate::finding::{Finding, name_services};
use crate::rules;

pub fn render(report: &Report) -> String {
    let counts = report.counts();
    let verdict = Verdict::of(report);
    let status = verdict.status();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{TOOL_NAME} · {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        html(&report.root)
    );
    let services = report.services.len();
    let _ = write!(
        out,
        "<header>\n<h1>{TOOL_NAME}</h1>\n<p class=\"meta\">{TOOL_NAME} {TOOL_VERSION} · workspace \
         <code>{}</code> · {services} service{}</p>\n\
         <p class=\"verdict {}\">{} {} error{}, {} warning{} — {}</p>\n",
        html(&report.root),
        plural(services),
        status.as_str(),
        symbol(status),
        counts.errors,
        plural(counts.errors),
        counts.warnings,
        plural(counts.warnings),
        html(&verdict.describe()),
    );
    if let Some(tally) = super::inactive_summary(&counts) {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", html(&tally));
    }
    out.push_str("</header>\n");

    out.push_str("<section id=\"checklist\">\n<h2>Checklist</h2>\n<table>\n");
    for step in &report.steps {
        let _ = write!(
            out,
            "<tr class=\"{status}\"><td class=\"status\" title=\"{status}\">{}</td>\
             <th scope=\"row\">{}</th><td>{}",
            symbol(step.status),
            html(&step.title),
            html(&step.summary),
            status = step.status.as_str(),
        );
        for detail in &step.details {
            let _ = write!(out, "<br><span class=\"detail\">{}</span>", html(detail));
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</table>\n</section>\n");

    let graph = Graph::of(report);
    if !graph.edges.is_empty() {
        out.push_str("<section id=\"routes\">\n<h2>Where the spans go</h2>\n");
        if graph.nodes.len() <= MAX_DRAWN_NODES {
            let _ = writeln!(out, "<div class=\"drawing\">{}</div>", graph.svg());
        } else {
            let _ = writeln!(
                out,
                "<p>{} services, collectors and destinations: too many to draw; the JSON \
                 report lists each service's <code>route</code>.</p>",
                graph.nodes.len()
            );
        }
        out.push_str("</section>\n");
    }

    let (active, inactive): (Vec<&Finding>, Vec<&Finding>) =
        report.findings.iter().partition(|f| f.is_active());
    out.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    if active.is_empty() {
        out.push_str("<p>None.</p>\n");
    }
    for finding in &active {
        finding_html(report, finding, &mut out);
    }
    if !inactive.is_empty() {
        let _ = writeln!(
            out,
            "<details>\n<summary>{} finding{} that do not count (ignored inline, or in the \
             baseline)</summary>",
            inactive.len(),
            plural(inactive.len())
        );
        for finding in &inactive {
            finding_html(report, finding, &mut out);
        }
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
    let _ = write!(
        out,
        "<footer>Written by {TOOL_NAME} {TOOL_VERSION}. Each rule links to its page in the \
         repository; this file loads nothing.</footer>\n</body>\n</html>\n"
    );
    out
}

/// The largest route graph drawn.
const MAX_DRAWN_NODES: usize = 400;

fn finding_html(report: &Report, finding: &Finding, out: &mut String) {
    let severity = finding.severity.as_str();
    let page = rules::find(finding.rule)
        .map(|rule| format!("{TOOL_REPOSITORY}/blob/main/{}", rule.meta().doc_path()));
    let rule = match page {
        Some(page) => format!("<a href=\"{}\">{}</a>", html(&page), html(finding.rule)),
        None => html(finding.rule),
    };
    let _ = write!(
        out,
        "<article class=\"finding {severity}\">\n<h3><span class=\"badge\">{severity}</span> \
         {rule}"
    );
    if let Some(location) = &finding.location {
        let _ = write!(
            out,
            " <span class=\"where\">{}</span>",
            html(&location.to_string())
        );
    }
    out.push_str("</h3>\n");
    if let Some(reason) = inactive_reason(finding) {
        let _ = writeln!(out, "<p class=\"inactive\">{}</p>", html(&reason));
    }
    if let Some(location) = &finding.location
        && let Some(source) = report
            .source_lines
            .get(&(location.file.clone(), location.line))
    {
        code_frame(location.line, location.column, source, out);
    }
    let _ = writeln!(out, "<p>{}</p>", html(&finding.message));
    if finding.services.len() > 1 {
        let _ = writeln!(
            out,
            "<p class=\"services\">affects {} services: {}</p>",
            finding.services.len(),
            html(&name_services(&finding.services))
        );
    }
    let _ = writeln!(
        out,
        "<div class=\"fix\"><span>fix</span><pre>{}</pre></div>\n</article>",
        html(&finding.hint)
    );
}

/// The finding's source line, its number in the gutter and the offending word marked, as
/// the human report's code frame shows it.
fn code_frame(line: u32, column: u32, source: &str, out: &mut String) {
    let (chars, span) = super::frame_line(source, column);
    let text = |from: usize, to: usize| html(&chars[from..to].iter().collect::<String>());
    let end = span.end.min(chars.len());
    let _ = writeln!(
        out,
        "<pre class=\"frame\"><span class=\"line-number\">{line}</span>{}<mark>{}</mark>{}</pre>",
        text(0, span.start),
        text(span.start, end),
        text(end, chars.len()),
    );
}

fn symbol(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Warn => "!",
        Status::Fail => "✗",
        Status::Skip => "–",
        Status::Unverified => "?",
    }
}

/// Text in HTML content and attribute values.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Light and dark, from the system's setting; GitHub's colours.
const STYLE: &str = "
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff;
  --panel: #f6f8fa; --line: #d1d9e0; --red: #cf222e; --yellow: #9a6700; --green: #1a7f37;
  --blue: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #f0f6fc; --muted: #9198a1;
  --bg: #0d1117; --panel: #151b23; --line: #3d444d; --red: #f85149; --yellow: #d29922;
  --green: #3fb950; --blue: #4493f8; } }
body { font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; padding: 24px; max-width: 1200px; }
h1 { font-size: 24px; margin: 0; } h2 { font-size: 18px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; margin-top: 32px; } h3 { font-size: 14px; margin: 0 0 6px; }
code, pre, .where { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 13px; }
.meta { color: var(--muted); margin: 4px 0; }
.verdict { font-size: 16px; font-weight: 600; margin: 8px 0; }
.verdict.fail, tr.fail .status { color: var(--red); }
.verdict.warn, tr.warn .status, .verdict.unverified, tr.unverified .status {
  color: var(--yellow); }
.verdict.pass, tr.pass .status { color: var(--green); }
tr.skip, .detail, .verdict.skip { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; vertical-align: top; padding: 4px 8px;
  border-bottom: 1px solid var(--line); }
td.status { font-weight: 700; width: 1em; } th { white-space: nowrap; }
.finding { border: 1px solid var(--line); border-left: 4px solid var(--muted);
  border-radius: 6px; padding: 10px 14px; margin: 12px 0; background: var(--panel); }
.finding.error { border-left-color: var(--red); }
.finding.warning { border-left-color: var(--yellow); }
.finding p { margin: 4px 0; }
.badge { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 10px;
  color: #fff; background: var(--muted); }
.error .badge { background: var(--red); } .warning .badge { background: var(--yellow); }
.where { color: var(--muted); font-weight: 400; margin-left: 6px; }
a { color: var(--blue); }
.services, .inactive { color: var(--muted); }
.frame { margin: 6px 0; padding: 6px 10px; overflow-x: auto; background: var(--bg);
  border: 1px solid var(--line); border-radius: 6px; }
.frame .line-number { color: var(--muted); user-select: none; margin-right: 12px; }
.frame mark { background: none; color: inherit; text-decoration: underline wavy var(--red);
  text-underline-offset: 3px; }
.warning .frame mark { text-decoration-color: var(--yellow); }
.fix { display: flex; gap: 8px; align-items: baseline; }
.fix span { font-weight: 600; }
.fix pre { margin: 0; white-space: pre-wrap; }
.drawing { overflow-x: auto; }
svg.routes text { font: 12px system-ui, sans-serif; fill: var(--fg); text-anchor: middle; }
svg.routes .hop path { fill: none; stroke: var(--muted); stroke-width: 1.5; }
svg.routes .hop text { fill: var(--muted); paint-order: stroke; stroke: var(--bg);
  stroke-width: 4px; }
svg.routes .hop.broken path { stroke: var(--red); stroke-width: 2.5; }
svg.routes .hop.broken text { fill: var(--red); }
svg.routes .hop.unknown path { stroke-dasharray: 5 4; }
svg.routes .node rect { stroke: var(--line); stroke-width: 1.5; fill: var(--panel); }
svg.routes .service rect { stroke: var(--blue); }
svg.routes .collector rect { stroke: var(--yellow); }
svg.routes .destination rect { stroke: var(--green); }
svg.routes .node text { font-size: 13px; }
svg.routes .node text.address { font-size: 11px; fill: var(--muted); }
footer { color: var(--muted); margin-top: 32px; font-size: 12px; }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
