//! `--format human`: each finding as `path:line:col`, its code and message, and the source line
//! with the range underlined; then a summary.

use std::path::Path;

use annotate_snippets::{Level, Renderer, Snippet};

use super::display_path;
use crate::rules::{Finding, Severity};
use crate::text::LineIndex;
use crate::workspace::FileReport;

pub fn render(reports: &[FileReport], cwd: &Path, colour: bool) -> String {
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let mut counts = [0usize; 4];
    let mut fixable = 0;
    for report in reports {
        let path = display_path(report, cwd);
        let index = LineIndex::new(&report.text);
        for finding in &report.findings {
            counts[finding.severity as usize] += 1;
            fixable += usize::from(!finding.fixes.is_empty());
            out.push_str(&render_one(&renderer, finding, &path, &report.text, &index));
            out.push_str("\n\n");
        }
    }
    let [hint, info, warning, error] = counts;
    let total = hint + info + warning + error;
    if total == 0 {
        out.push_str("No problems found.\n");
    } else {
        out.push_str(&format!(
            "Found {total} problem{} ({error} error{}, {warning} warning{}, {info} info, {hint} hint{}).",
            plural(total),
            plural(error),
            plural(warning),
            plural(hint)
        ));
        if fixable > 0 {
            out.push_str(&format!(
                " {fixable} can be fixed by the quick fixes in your editor."
            ));
        }
        out.push('\n');
    }
    out
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

fn render_one(
    renderer: &Renderer,
    finding: &Finding,
    path: &str,
    text: &str,
    index: &LineIndex,
) -> String {
    let label = finding
        .fixes
        .first()
        .map(|fix| format!("fix: {}", fix.title));
    let level = match finding.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Info,
        Severity::Hint => Level::Help,
    };
    // Only the lines of the finding go to the renderer, so huge files cost nothing extra.
    let first_line = index.line_of(finding.range.start.min(text.len()));
    let last_line = index.line_of(finding.range.end.min(text.len()));
    let excerpt_start = index.line_start(first_line);
    let excerpt_end = index.line_range(text, last_line).end.max(excerpt_start);
    let excerpt = &text[excerpt_start..excerpt_end];
    let span_start = finding.range.start.clamp(excerpt_start, excerpt_end) - excerpt_start;
    let span_end = finding.range.end.clamp(excerpt_start, excerpt_end) - excerpt_start;
    let mut annotation = level.span(span_start..span_end.max(span_start));
    if let Some(label) = &label {
        annotation = annotation.label(label);
    }
    let message = level.title(&finding.message).id(finding.code).snippet(
        Snippet::source(excerpt)
            .line_start(first_line + 1)
            .origin(path)
            .annotation(annotation),
    );
    let rendered = renderer.render(message).to_string();
    rendered
}
