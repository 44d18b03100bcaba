//! Random edit sequences against a [`Document`]: after each batch, its text equals the text edited
//! independently, and its incrementally re-parsed tree equals a from-scratch parse of that text.
#![no_main]

use arbitrary::Arbitrary;
use gatelint::languages::FileKind;
use gatelint::text::{floor_char_boundary, Document, Encoding, LineIndex, TextChange};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    kind: u8,
    encoding: bool,
    initial: String,
    batches: Vec<Vec<Edit>>,
}

/// A replacement between two positions given as fractions of the text, so most land inside it.
#[derive(Arbitrary, Debug)]
struct Edit {
    start: u16,
    length: u8,
    text: String,
    whole: bool,
}

const KINDS: [FileKind; 8] = [
    FileKind::Python,
    FileKind::JavaScript,
    FileKind::TypeScript,
    FileKind::Tsx,
    FileKind::Rust,
    FileKind::YamlTemplate,
    FileKind::JsonTemplate,
    FileKind::Terraform,
];

fuzz_target!(|input: Input| {
    let kind = KINDS[usize::from(input.kind) % KINDS.len()];
    let encoding = if input.encoding {
        Encoding::Utf16
    } else {
        Encoding::Utf8
    };
    let mut expected = input.initial.clone();
    let mut document = Document::new(Some(kind), input.initial);
    for batch in input.batches.iter().take(16) {
        let mut changes = Vec::new();
        for edit in batch.iter().take(16) {
            if edit.whole {
                expected = edit.text.clone();
                changes.push(TextChange {
                    range: None,
                    text: edit.text.clone(),
                });
                continue;
            }
            // Positions are computed on the text as it is before this change, as LSP sends them.
            // Offsets inside a character, or between the `\r` and `\n` of a line break, are no
            // positions a client can send: move them back.
            let start = valid_offset(&expected, usize::from(edit.start) % (expected.len() + 1));
            let end = valid_offset(
                &expected,
                (start + usize::from(edit.length)).min(expected.len()),
            );
            let lines = LineIndex::new(&expected);
            let range = (
                lines.line_col(&expected, start, encoding),
                lines.line_col(&expected, end, encoding),
            );
            expected.replace_range(start..end, &edit.text);
            changes.push(TextChange {
                range: Some(range),
                text: edit.text.clone(),
            });
        }
        document.apply_changes(&changes, encoding);
        assert_eq!(document.text(), expected, "text after {changes:?}");
        let fresh = Document::new(Some(kind), expected.clone());
        let fresh = fresh.tree().map(|tree| tree.root_node().to_sexp());
        let incremental = document.tree().map(|tree| tree.root_node().to_sexp());
        assert_eq!(incremental, fresh, "tree after {changes:?} on {expected:?}");
    }
});

fn valid_offset(text: &str, offset: usize) -> usize {
    let offset = floor_char_boundary(text, offset);
    if offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
        offset - 1
    } else {
        offset
    }
}
