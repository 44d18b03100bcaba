//! `--format json`: the contract's JSON object (1-based lines, columns in Unicode scalar values).

use std::path::Path;

use serde_json::{json, Value};

use super::display_path;
use crate::findings::Finding;
use crate::rules::REGISTRY;
use crate::text::{Encoding, LineIndex, TextRange};
use crate::workspace::{normalize, FileReport, WorkspaceIndex};

/// Renders the reports; related locations in other files are positioned in the texts the index
/// holds (the same texts the analysis read), not re-read from disk.
pub fn render(reports: &[FileReport], index: &WorkspaceIndex, cwd: &Path) -> String {
    let mut diagnostics = Vec::new();
    for report in reports {
        let line_index = LineIndex::new(&report.text);
        let path = display_path(report, cwd);
        for finding in &report.findings {
            diagnostics.push(diagnostic(
                finding,
                &path,
                &report.text,
                &line_index,
                index,
                cwd,
            ));
        }
    }
    let mut out =
        serde_json::to_string_pretty(&json!({ "version": 1, "diagnostics": diagnostics }))
            .expect("JSON values always serialise");
    out.push('\n');
    out
}

fn diagnostic(
    finding: &Finding,
    path: &str,
    text: &str,
    index: &LineIndex,
    workspace: &WorkspaceIndex,
    cwd: &Path,
) -> Value {
    let category = REGISTRY
        .iter()
        .find(|rule| rule.meta.code == finding.code)
        .map_or("config", |rule| rule.meta.category.as_str());
    // An edit of another file is positioned in that file's text; a fix with an edit of a file
    // that cannot be read is left out.
    let fixes: Vec<Value> = finding
        .fixes
        .iter()
        .filter_map(|fix| {
            let edits: Option<Vec<Value>> = fix
                .edits
                .iter()
                .map(|edit| {
                    let (shown, at) = match &edit.path {
                        None => (path.to_owned(), range(edit.range, text, index)),
                        Some(other) => {
                            let other_text = other_text(workspace, other)?;
                            let other_index = LineIndex::new(&other_text);
                            (
                                relative(other, cwd),
                                range(edit.range, &other_text, &other_index),
                            )
                        }
                    };
                    Some(json!({ "path": shown, "range": at, "new_text": edit.new_text }))
                })
                .collect();
            Some(json!({ "title": fix.title, "edits": edits? }))
        })
        .collect();
    let related: Vec<Value> = finding
        .related
        .iter()
        .filter_map(|related| {
            let other = workspace.text(&normalize(&related.path))?;
            let other_index = LineIndex::new(&other);
            Some(json!({
                "path": relative(&related.path, cwd),
                "range": range(related.range, &other, &other_index),
                "message": related.message,
            }))
        })
        .collect();
    json!({
        "path": path,
        "code": finding.code,
        "category": category,
        "severity": finding.severity.as_str(),
        "message": finding.message,
        "range": range(finding.range, text, index),
        "fixes": fixes,
        "related": related,
    })
}

/// The text of another file a fix edits: as the index holds it, else as it is on disk (a
/// manifest), read through the guarded reader.
fn other_text(workspace: &WorkspaceIndex, path: &Path) -> Option<std::sync::Arc<str>> {
    workspace.text(&normalize(path)).or_else(|| {
        crate::reader::read_text(path, workspace.boundary())
            .ok()
            .map(std::sync::Arc::from)
    })
}

fn range(range: TextRange, text: &str, index: &LineIndex) -> Value {
    let position = |offset| {
        let at = index.line_col(text, offset, Encoding::Chars);
        json!({ "line": at.line + 1, "column": at.col + 1 })
    };
    json!({ "start": position(range.start), "end": position(range.end) })
}

fn relative(path: &Path, cwd: &Path) -> String {
    let path = path.strip_prefix(cwd).unwrap_or(path);
    path.to_string_lossy().replace('\\', "/")
}
