//! JavaScript and TypeScript handlers (filled in by the JS/TS extractor).

use tree_sitter::Tree;

use super::facts::SourceFacts;
use super::{FileKind, Language};

pub fn extract(kind: FileKind, _tree: &Tree, _text: &str) -> SourceFacts {
    SourceFacts::empty(kind.language().unwrap_or(Language::JavaScript))
}
