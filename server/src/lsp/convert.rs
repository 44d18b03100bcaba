//! Conversions between the analysis' byte offsets and findings and LSP's positions, diagnostics and
//! edits, in the position encoding negotiated at `initialize`.

use std::collections::HashMap;
use std::path::Path;

use tower_lsp_server::ls_types::{
    ClientCapabilities, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Position, PositionEncodingKind, Range, TextEdit,
    Uri,
};

use super::store::Snapshot;
use crate::findings::{Edit, Finding, Severity};
use crate::rules::{self};
use crate::text::{Encoding, LineCol, LineIndex, TextChange, TextRange};

pub const SOURCE: &str = "gatelint";

/// `utf-8` when the client offers it (no conversion work for either side), else LSP's mandatory
/// default `utf-16`.
pub fn negotiate_encoding(capabilities: &ClientCapabilities) -> Encoding {
    let offers_utf8 = capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref())
        .is_some_and(|offered| offered.contains(&PositionEncodingKind::UTF8));
    if offers_utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

pub fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Chars => PositionEncodingKind::UTF32,
    }
}

pub fn line_col(position: Position) -> LineCol {
    LineCol {
        line: position.line,
        col: position.character,
    }
}

/// A text with its line index: what positions are converted against.
#[derive(Clone, Copy)]
pub struct Positions<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: Encoding,
}

impl<'a> Positions<'a> {
    pub fn of(snapshot: &'a Snapshot, encoding: Encoding) -> Self {
        Self {
            text: &snapshot.text,
            index: &snapshot.line_index,
            encoding,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let at = self.index.line_col(self.text, offset, self.encoding);
        Position::new(at.line, at.col)
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of a client position, clamped to the text.
    pub fn offset(&self, position: Position) -> usize {
        self.index
            .offset(self.text, line_col(position), self.encoding)
    }

    pub fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        TextRange::new(start, end)
    }
}

/// The text of a file other than the one analysed (for related information and edits in other
/// files), with the URI the client knows it by.
pub type OtherFile<'a> = dyn Fn(&Path) -> Option<(Uri, String)> + 'a;

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(
    finding: &Finding,
    snapshot: &Snapshot,
    encoding: Encoding,
    other_file: &OtherFile<'_>,
) -> Diagnostic {
    let here = Positions::of(snapshot, encoding);
    let code_description = rules::find_rule(finding.code)
        .and_then(|rule| rule.meta.url()?.parse::<Uri>().ok())
        .map(|href| CodeDescription { href });
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|related| {
            let location = if related.path == snapshot.path {
                Location::new(snapshot.uri.clone(), here.range(related.range))
            } else {
                let (uri, text) = other_file(&related.path)?;
                let index = LineIndex::new(&text);
                let there = Positions {
                    text: &text,
                    index: &index,
                    encoding,
                };
                Location::new(uri, there.range(related.range))
            };
            Some(DiagnosticRelatedInformation {
                location,
                message: related.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: here.range(finding.range),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.to_owned())),
        code_description,
        source: Some(SOURCE.to_owned()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A fix's edits as LSP text edits per document.
pub fn workspace_changes(
    edits: &[Edit],
    snapshot: &Snapshot,
    encoding: Encoding,
    other_file: &OtherFile<'_>,
) -> Option<HashMap<Uri, Vec<TextEdit>>> {
    let here = Positions::of(snapshot, encoding);
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in edits {
        match &edit.path {
            Some(path) if *path != snapshot.path => {
                // A fix that cannot be expressed whole is not offered at all.
                let (uri, text) = other_file(path)?;
                let index = LineIndex::new(&text);
                let there = Positions {
                    text: &text,
                    index: &index,
                    encoding,
                };
                changes.entry(uri).or_default().push(TextEdit::new(
                    there.range(edit.range),
                    edit.new_text.clone(),
                ));
            }
            _ => changes
                .entry(snapshot.uri.clone())
                .or_default()
                .push(TextEdit::new(here.range(edit.range), edit.new_text.clone())),
        }
    }
    Some(changes)
}

/// An editor's content change as the text layer takes it.
pub fn text_change(
    change: tower_lsp_server::ls_types::TextDocumentContentChangeEvent,
) -> TextChange {
    TextChange {
        range: change
            .range
            .map(|range| (line_col(range.start), line_col(range.end))),
        text: change.text,
    }
}

/// A problem in `gatelint.toml` as a diagnostic on that file (it is not an analysed document).
pub fn config_diagnostic(
    problem: &Finding,
    text: &str,
    index: &LineIndex,
    encoding: Encoding,
) -> Diagnostic {
    let positions = Positions {
        text,
        index,
        encoding,
    };
    Diagnostic {
        range: positions.range(problem.range),
        severity: Some(severity(problem.severity)),
        code: Some(NumberOrString::String(problem.code.to_owned())),
        source: Some(SOURCE.to_owned()),
        message: problem.message.clone(),
        ..Diagnostic::default()
    }
}

/// A location in a file given by its text.
pub fn location(uri: Uri, text: &str, range: TextRange, encoding: Encoding) -> Location {
    let index = LineIndex::new(text);
    let positions = Positions {
        text,
        index: &index,
        encoding,
    };
    Location::new(uri, positions.range(range))
}
