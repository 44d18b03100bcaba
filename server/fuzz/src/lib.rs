//! What the fuzz targets share: one file's text through the whole path from bytes to findings, as
//! `gatelint check` and the language server take it.

use std::path::Path;

use gatelint::analysis;
use gatelint::config::{Config, SourceFile};
use gatelint::context::FileContext;
use gatelint::languages::FileKind;
use gatelint::text::Document;

/// Analyses `data` (when it is UTF-8, as gatelint reads files) as a file of `kind`, whatever its
/// content looks like, then applies the default configuration (suppression comments included).
/// A panic anywhere, even one the analysis catches and reports, aborts the fuzzer: libFuzzer's
/// panic hook sees it first.
pub fn analyze_as(kind: FileKind, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let document = Document::new(Some(kind), text.to_owned());
    let findings = analysis::analyze(Some(kind), document.tree(), text, &FileContext::default());
    for finding in &findings {
        assert!(
            finding.range.start <= finding.range.end && finding.range.end <= text.len(),
            "finding {} out of the text: {:?}",
            finding.code,
            finding.range
        );
    }
    // Every fix applies to the text it was computed on: same-file edits on character boundaries.
    for fix in findings.iter().flat_map(|finding| &finding.fixes) {
        for edit in fix.edits.iter().filter(|edit| edit.path.is_none()) {
            assert!(
                text.is_char_boundary(edit.range.start) && text.is_char_boundary(edit.range.end),
                "fix {:?} edits {:?}, not on character boundaries",
                fix.title,
                edit.range
            );
        }
        let _ = gatelint::fixes::apply(text, &fix.edits);
    }
    let file = SourceFile {
        kind: Some(kind),
        tree: document.tree(),
        text,
    };
    let _ = Config::default().finish(&file, findings);
    // What `check` does: detection by name and content, then the same analysis.
    let name = match kind {
        FileKind::Python => "app.py",
        FileKind::JavaScript => "app.js",
        FileKind::TypeScript => "app.ts",
        FileKind::Tsx => "app.tsx",
        FileKind::Rust => "main.rs",
        FileKind::YamlTemplate => "template.yaml",
        FileKind::JsonTemplate => "template.json",
        FileKind::Terraform => "main.tf",
    };
    let _ = gatelint::workspace::analyze_text(
        Path::new(name),
        text,
        &Config::default(),
        &FileContext::default(),
    );
}
