//! `--format json`: the contract's JSON object (1-based lines, columns in Unicode scalar values).

use std::io::Write;
use std::path::Path;

use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use super::display_path;
use crate::findings::Finding;
use crate::rules::REGISTRY;
use crate::text::{Encoding, LineIndex, TextRange};
use crate::workspace::{normalize, FileReport, WorkspaceIndex};

/// Writes the reports as one JSON object; related locations in other files are positioned in
/// the texts the index holds (the same texts the analysis read), not re-read from disk. Each
/// diagnostic is built and written in turn: built whole first, every diagnostic's value and a
/// copy of them all were a fifth of the peak memory of a run over 50,000 files.
pub fn write(
    reports: &[FileReport],
    index: &WorkspaceIndex,
    cwd: &Path,
    out: impl Write,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    let output = Output {
        reports,
        index,
        cwd,
    };
    serde_json::to_writer_pretty(&mut out, &output)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The contract's object: `{"diagnostics": [...], "version": 1}`, keys in that order.
struct Output<'a> {
    reports: &'a [FileReport],
    index: &'a WorkspaceIndex,
    cwd: &'a Path,
}

impl Serialize for Output<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("Output", 2)?;
        object.serialize_field("diagnostics", &Diagnostics(self))?;
        object.serialize_field("version", &1)?;
        object.end()
    }
}

struct Diagnostics<'a>(&'a Output<'a>);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Output {
            reports,
            index,
            cwd,
        } = self.0;
        let count = reports.iter().map(|report| report.findings.len()).sum();
        let mut diagnostics = serializer.serialize_seq(Some(count))?;
        for report in reports.iter().filter(|report| !report.findings.is_empty()) {
            let line_index = LineIndex::new(&report.text);
            let path = display_path(report, cwd);
            for finding in &report.findings {
                diagnostics.serialize_element(&diagnostic(
                    finding,
                    &path,
                    &report.text,
                    &line_index,
                    index,
                    cwd,
                ))?;
            }
        }
        diagnostics.end()
    }
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
