//! Handler code written inside a template (`InlineCode: |` in SAM, `Code: ZipFile: |` in
//! CloudFormation), as an embedded document: its text, and the map from offsets in that text back
//! to offsets in the template, so findings and fixes land on the template's own lines.

use super::functions::{FunctionSpec, RuntimeFamily};
use crate::files::FileKind;
use crate::text::TextRange;

/// Inline handler code and where each of its lines sits in the template.
#[derive(Debug)]
pub struct Embedded {
    pub kind: FileKind,
    /// The code as Lambda receives it.
    pub code: String,
    /// The handler function's name (the part of `Handler` after the last dot).
    pub function_name: String,
    /// For each line of `code`: its start offset in `code` and in the template.
    lines: Vec<(usize, usize)>,
    /// The block scalar's indentation, added after every newline a fix inserts.
    indent: String,
}

impl Embedded {
    /// Reads the inline code of a Python or Node function written as a YAML literal block
    /// scalar (`|`, `|-`, `|+`). Other forms (folded `>`, quoted strings, JSON strings with
    /// escapes) have no line-for-line map back and are left alone.
    pub fn of(spec: &FunctionSpec, template_text: &str) -> Option<Embedded> {
        let inline = spec.inline_code.as_ref()?;
        let kind = match spec.family {
            RuntimeFamily::Python => FileKind::Python,
            RuntimeFamily::Node => FileKind::JavaScript,
            RuntimeFamily::Rust | RuntimeFamily::Other => return None,
        };
        let function_name = spec.handler.as_ref()?.text.rsplit('.').next()?.to_owned();
        let written = inline.range.slice(template_text);
        if !written.starts_with('|') {
            return None;
        }
        let header_end = written.find('\n')? + 1;
        let body_start = inline.range.start + header_end;
        let body = &template_text[body_start..inline.range.end.max(body_start)];
        let indent_width = body
            .lines()
            .find(|line| !line.trim().is_empty())?
            .chars()
            .take_while(|c| *c == ' ')
            .count();
        let mut lines = Vec::new();
        let mut code_offset = 0;
        let mut template_offset = body_start;
        for line in inline.text.split_inclusive('\n') {
            let written_line = template_text[template_offset..]
                .split_inclusive('\n')
                .next()?;
            let content = written_line
                .get(indent_width.min(written_line.len())..)
                .unwrap_or("");
            // Blank lines may be written with less indentation than the block.
            let same =
                content == line || (line.trim().is_empty() && written_line.trim().is_empty());
            if !same {
                return None;
            }
            let shift = if line.trim().is_empty() {
                0
            } else {
                indent_width
            };
            lines.push((code_offset, template_offset + shift));
            code_offset += line.len();
            template_offset += written_line.len();
        }
        Some(Embedded {
            kind,
            code: inline.text.clone(),
            function_name,
            lines,
            indent: " ".repeat(indent_width),
        })
    }

    /// The template offset of an offset in the code.
    pub fn map_offset(&self, offset: usize) -> Option<usize> {
        let line = self
            .lines
            .partition_point(|(start, _)| *start <= offset)
            .checked_sub(1)?;
        let (code_start, template_start) = self.lines[line];
        Some(template_start + (offset - code_start))
    }

    pub fn map_range(&self, range: TextRange) -> Option<TextRange> {
        Some(TextRange::new(
            self.map_offset(range.start)?,
            self.map_offset(range.end)?,
        ))
    }

    /// Text a fix inserts, indented to stay inside the block scalar.
    pub fn indent_inserted(&self, text: &str) -> String {
        text.replace('\n', &format!("\n{}", self.indent))
    }
}
