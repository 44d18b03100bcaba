//! `--format human`: findings grouped by file, each as `path:line:col`, its code and message, and
//! the source line with the range underlined; then a summary counting each severity and the
//! findings `--fix` can fix.

use std::path::Path;

use annotate_snippets::{Level, Renderer, Snippet};

use super::display_path;
use crate::findings::{Finding, Severity};
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
    let mut editor_fixable = 0;
    for report in reports {
        if report.findings.is_empty() {
            continue;
        }
        let path = display_path(report, cwd);
        let index = LineIndex::new(&report.text);
        let count = report.findings.len();
        let heading = format!("{path} ({count} finding{})", plural(count));
        if colour {
            out.push_str(&format!("\x1b[1;4m{heading}\x1b[0m\n\n"));
        } else {
            out.push_str(&format!("{heading}\n\n"));
        }
        for finding in &report.findings {
            counts[finding.severity as usize] += 1;
            if finding.fixes.iter().any(|fix| fix.safe) {
                fixable += 1;
            } else if !finding.fixes.is_empty() {
                editor_fixable += 1;
            }
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
                "\n{fixable} fixable with `gatelint check --fix` (`--diff` to preview)."
            ));
        }
        if editor_fixable > 0 {
            out.push_str(&format!(
                "\n{editor_fixable} more with a quick fix to review in your editor."
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
