//! Rust handlers (filled in by the Rust extractor).

use tree_sitter::Tree;

use super::facts::SourceFacts;
use super::Language;

pub fn extract(_tree: &Tree, _text: &str) -> SourceFacts {
    SourceFacts::empty(Language::Rust)
}
