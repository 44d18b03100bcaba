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
    /// The template's line break (`\r\n` in a CRLF file), written for every newline a fix
    /// inserts.
    newline: &'static str,
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
        let mut crlf = false;
        for line in inline.text.split_inclusive('\n') {
            let written_line = template_text[template_offset..]
                .split_inclusive('\n')
                .next()?;
            let content = written_line
                .get(indent_width.min(written_line.len())..)
                .unwrap_or("");
            // Blank lines may be written with less indentation than the block; a template with
            // CRLF line endings holds `\r\n` where YAML reads `\n`.
            let same = content == line
                || (line.trim().is_empty() && written_line.trim().is_empty())
                || content
                    .strip_suffix("\r\n")
                    .zip(line.strip_suffix('\n'))
                    .is_some_and(|(content, line)| content == line);
            crlf |= written_line.ends_with("\r\n") && !line.ends_with("\r\n");
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
            newline: if crlf { "\r\n" } else { "\n" },
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
        text.replace('\n', &format!("{}{}", self.newline, self.indent))
    }
}

/// What the parser saw at a syntax error of inline code at `range`: the token it lacked
/// (`missing ":"`) or the text it could not place (`unexpected "return {"`).
pub fn syntax_view(tree: &tree_sitter::Tree, code: &str, range: TextRange) -> String {
    let node = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end);
    if let Some(node) = node.filter(|node| node.is_missing()) {
        return format!("missing `{}`", node.kind());
    }
    let line_end = code[range.start.min(code.len())..]
        .find('\n')
        .map_or(code.len(), |at| range.start + at);
    let end = range.end.clamp(range.start, line_end);
    let mut shown = code[range.start.min(code.len())..end].trim().to_owned();
    if shown.chars().count() > 40 {
        shown = shown.chars().take(40).collect::<String>() + "...";
    }
    if shown.is_empty() {
        "unexpected end of the code".to_owned()
    } else {
        format!("unexpected `{shown}`")
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::context::FileContext;
    use crate::languages::FileKind;
    use crate::text::Document;

    /// Inline code in a template with CRLF line endings is checked like the same code with LF,
    /// and a fix inserts CRLF breaks: no lone `\n` in the fixed template.
    #[test]
    fn inline_code_in_a_crlf_template_is_checked() {
        let lf = "Resources:\n  Ping:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n      InlineCode: |\n        import os\n\n        def handler(event, context):\n            region = os.environ.get(\"AWS_REGION\", \"unknown\")\n            return {\"statusCode\": 200, \"body\": {\"region\": region}}\n      Events:\n        Ping:\n          Type: Api\n          Properties: {Path: /ping, Method: get}\n";
        let crlf = lf.replace('\n', "\r\n");
        let findings = |text: &str| {
            let document = Document::new(Some(FileKind::YamlTemplate), text.to_owned());
            analyze(
                Some(FileKind::YamlTemplate),
                document.tree(),
                text,
                &FileContext::default(),
            )
        };
        let (from_lf, from_crlf) = (findings(lf), findings(&crlf));
        assert_eq!(from_lf.len(), 1, "{from_lf:?}");
        assert_eq!(from_crlf.len(), 1, "{from_crlf:?}");
        assert_eq!(from_crlf[0].code, from_lf[0].code);
        assert_eq!(from_crlf[0].range.slice(&crlf), "{\"region\": region}");
        for fix in &from_crlf[0].fixes {
            let fixed = crate::fixes::apply(&crlf, &fix.edits);
            assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
            assert!(findings(&fixed).is_empty(), "{fixed:?}");
        }
    }
}
