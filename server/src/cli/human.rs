//! `--format human`: findings grouped by file, each as `path:line:col`, its code and message, and
//! the source line with the range underlined, and a note for each related location (the template
//! line that invokes a handler, ...); then a summary counting each severity and the findings
//! `--fix` can fix. Text from checked files reaches the terminal only through [`printable`]:
//! control characters are shown escaped, never interpreted.

use std::path::Path;

use annotate_snippets::{Level, Renderer, Snippet};

use super::display_path;
use crate::findings::{Finding, Related, Severity};
use crate::text::{Encoding, LineIndex};
use crate::workspace::{normalize, FileReport, WorkspaceIndex};

/// Renders the reports; related locations in other files are positioned in the texts the index
/// holds (the same texts the analysis read).
pub fn render(
    reports: &[FileReport],
    workspace: &WorkspaceIndex,
    cwd: &Path,
    colour: bool,
) -> String {
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
        let path = printable(&display_path(report, cwd));
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
            let related = related_notes(finding, workspace, cwd);
            out.push_str(&render_one(
                &renderer,
                finding,
                &path,
                &report.text,
                &index,
                &related,
                colour,
            ));
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
    related: &[String],
    colour: bool,
) -> String {
    let label = finding
        .fixes
        .first()
        .map(|fix| format!("fix: {}", printable(&fix.title)));
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
    let excerpt = Excerpt::new(&text[excerpt_start..excerpt_end]);
    let span_start = finding.range.start.clamp(excerpt_start, excerpt_end) - excerpt_start;
    let span_end = finding.range.end.clamp(excerpt_start, excerpt_end) - excerpt_start;
    let span_start = excerpt.offset(span_start);
    let span_end = excerpt.offset(span_end).max(span_start);
    let mut annotation = level.span(span_start..span_end);
    if let Some(label) = &label {
        annotation = annotation.label(label);
    }
    let title = printable(&finding.message);
    // No origin for the renderer: it would count the column in the text as shown (tabs
    // expanded, escapes spelt out). The `-->` line is written here, with the column the JSON
    // output gives (Unicode scalar values of the file's own line).
    let mut message = level.title(&title).id(finding.code).snippet(
        Snippet::source(&excerpt.text)
            .line_start(first_line + 1)
            .annotation(annotation),
    );
    for note in related {
        message = message.footer(Level::Note.title(note));
    }
    let rendered = renderer.render(message).to_string();
    let start = index.line_col(text, finding.range.start, Encoding::Chars);
    let shown_lines = excerpt.text.split('\n').count();
    let number_width = (first_line + shown_lines).to_string().len();
    let arrow = if colour {
        "\x1b[1m\x1b[94m-->\x1b[0m"
    } else {
        "-->"
    };
    let origin = format!(
        "{:number_width$}{arrow} {path}:{}:{}\n",
        "",
        start.line + 1,
        start.col + 1
    );
    // After the title's lines (a message is one line; kept general).
    let title_lines = title.split('\n').count();
    let mut out = String::with_capacity(rendered.len() + origin.len());
    let mut lines = rendered.split_inclusive('\n');
    for line in lines.by_ref().take(title_lines) {
        out.push_str(line);
    }
    out.push_str(&origin);
    out.extend(lines);
    out
}

/// One line per related location: its message, then where it is (`path:line:column`, 1-based,
/// columns in Unicode scalar values as in the JSON output), e.g. "GET /orders/{id} of OrdersApi
/// invokes GetOrder (payload format 1.0), template.yaml:31:9".
fn related_notes(finding: &Finding, workspace: &WorkspaceIndex, cwd: &Path) -> Vec<String> {
    finding
        .related
        .iter()
        .map(|related| {
            let path = related.path.strip_prefix(cwd).unwrap_or(&related.path);
            let path = path.to_string_lossy().replace('\\', "/");
            let at = position(related, workspace)
                .map(|(line, col)| format!(":{line}:{col}"))
                .unwrap_or_default();
            printable(&format!("{}, {path}{at}", related.message))
        })
        .collect()
}

/// The 1-based line and column where a related location starts, in the text the index holds.
fn position(related: &Related, workspace: &WorkspaceIndex) -> Option<(u32, u32)> {
    let text = workspace.text(&normalize(&related.path))?;
    let at = LineIndex::new(&text).line_col(&text, related.range.start, Encoding::Chars);
    Some((at.line + 1, at.col + 1))
}

/// `text` with every control character (C0, DEL, C1: `ESC]0;...`, `ESC[2J`, a lone carriage
/// return) and every bidirectional-text control written as a visible escape (`\u{1b}`), so what
/// a checked file holds is shown, never run by the terminal. Line feeds and tabs stay.
pub(crate) fn printable(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        if needs_escape(ch) {
            out.extend(ch.escape_unicode());
        } else {
            out.push(ch);
        }
    }
    out
}

fn needs_escape(ch: char) -> bool {
    (ch.is_control() && ch != '\n' && ch != '\t')
        || matches!(ch, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The source lines of a finding as they are shown: control characters escaped (see
/// [`printable`]), tabs expanded to spaces (a terminal's tab stops are not the renderer's, so the
/// caret would drift), and every line break (`\n`, `\r\n`, a lone `\r`, as [`LineIndex`] counts
/// them) a `\n`; with the map from byte offsets of the source to byte offsets of the text shown.
struct Excerpt {
    text: String,
    /// For each byte offset of the source (and its end), the offset in `text`.
    map: Vec<usize>,
}

/// The width a tab is shown as.
const TAB_WIDTH: usize = 4;

impl Excerpt {
    fn new(source: &str) -> Self {
        let mut text = String::with_capacity(source.len() + 16);
        let mut map = Vec::with_capacity(source.len() + 1);
        let mut chars = source.chars().peekable();
        while let Some(ch) = chars.next() {
            let at = text.len();
            map.extend(std::iter::repeat_n(at, ch.len_utf8()));
            match ch {
                '\r' if chars.peek() == Some(&'\n') => {}
                '\r' | '\n' => text.push('\n'),
                '\t' => text.extend(std::iter::repeat_n(' ', TAB_WIDTH)),
                _ if needs_escape(ch) => text.extend(ch.escape_unicode()),
                _ => text.push(ch),
            }
        }
        map.push(text.len());
        Self { text, map }
    }

    /// Where a byte offset of the source lies in the text shown.
    fn offset(&self, source_offset: usize) -> usize {
        self.map
            .get(source_offset)
            .or(self.map.last())
            .copied()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::text::TextRange;

    fn finding(text: &str, what: &str, message: &str) -> Finding {
        let start = text.find(what).expect("the flagged text");
        Finding {
            code: "GL106",
            severity: Severity::Error,
            range: TextRange::new(start, start + what.len()),
            message: message.to_owned(),
            fixes: Vec::new(),
            related: Vec::new(),
        }
    }

    fn rendered(text: &str, finding: Finding) -> String {
        let report = FileReport {
            path: PathBuf::from("/work/app.py"),
            text: std::sync::Arc::from(text),
            findings: vec![finding],
        };
        render(
            &[report],
            &WorkspaceIndex::default(),
            Path::new("/work"),
            false,
        )
    }

    /// The column of the first `^` on the line after the one holding `source_line`, and the
    /// column where `what` starts on the shown source line.
    fn caret_and_target(out: &str, shown: &str, what: &str) -> (usize, usize) {
        let lines: Vec<&str> = out.lines().collect();
        let at = lines
            .iter()
            .position(|line| line.ends_with(shown))
            .unwrap_or_else(|| panic!("{shown:?} shown in\n{out}"));
        let target = lines[at].rfind(shown).expect("shown") + shown.find(what).expect("inside");
        let caret = lines[at + 1].find('^').expect("a caret line");
        (caret, target)
    }

    #[test]
    fn the_caret_stays_under_the_range_on_tab_indented_lines() {
        let text = "def handler(event, context):\n\t\treturn {\"body\": {\"id\": 1}}\n";
        let out = rendered(text, finding(text, "{\"id\": 1}", "body is a dict"));
        assert!(!out.contains('\t'), "{out}");
        // The column of the `-->` line is the JSON output's: Unicode scalar values of the line.
        assert!(out.contains("\n --> app.py:2:19\n"), "{out}");
        let (caret, target) =
            caret_and_target(&out, "        return {\"body\": {\"id\": 1}}", "{\"id\"");
        assert_eq!(caret, target, "{out}");
    }

    #[test]
    fn control_sequences_from_the_file_are_shown_escaped() {
        let text =
            "x = 1\nkey = \"\x1b]0;owned\x07\x1b[2J\" # \u{202e}gnp.exe\nbody = {\"a\": 1}\n";
        let message = "unknown key \"\x1b[2J\x1b]0;title\x07\"";
        let mut found = finding(text, "\x1b]0;owned", message);
        found.fixes.push(crate::rules::Fix {
            title: "rename \x1b[31m".into(),
            edits: Vec::new(),
            safe: false,
        });
        let out = rendered(text, found);
        for raw in ['\x1b', '\x07', '\u{202e}'] {
            assert!(!out.contains(raw), "{raw:?} printed raw:\n{out}");
        }
        assert!(
            out.contains(r#"unknown key "\u{1b}[2J\u{1b}]0;title\u{7}""#),
            "{out}"
        );
        let shown = r#"key = "\u{1b}]0;owned\u{7}\u{1b}[2J" # \u{202e}gnp.exe"#;
        assert!(out.contains(shown), "{out}");
        assert!(out.contains(r"fix: rename \u{1b}[31m"), "{out}");
        // The caret still starts under the escaped ESC.
        let (caret, target) = caret_and_target(&out, shown, r"\u{1b}]0;owned");
        assert_eq!(caret, target, "{out}");
    }

    #[test]
    fn lone_carriage_returns_are_line_breaks_as_the_line_index_counts_them() {
        let text = "a = 1\rb = 2\rreturn {\"body\": {\"id\": 1}}\r";
        let out = rendered(text, finding(text, "{\"id\": 1}", "body is a dict"));
        assert!(out.contains("app.py:3:"), "{out}");
        assert!(!out.contains('\r'), "{out}");
    }

    #[test]
    fn related_locations_are_noted_under_the_finding() {
        let text = "def handler(event, context):\n    return {\"body\": {\"id\": 1}}\n";
        let mut found = finding(text, "{\"id\": 1}", "body is a dict");
        found.related.push(Related {
            path: PathBuf::from("/work/template.yaml"),
            range: TextRange::new(0, 1),
            message: "GET /orders/{id} of OrdersApi invokes GetOrder".into(),
        });
        let out = rendered(text, found);
        assert!(
            out.contains("= note: GET /orders/{id} of OrdersApi invokes GetOrder, template.yaml"),
            "{out}"
        );
    }
}
