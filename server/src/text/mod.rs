//! Text: byte ranges, the line index that converts them to every position encoding, and documents
//! (a rope plus its tree-sitter tree, edited incrementally).
//!
//! Everything in the analysis core speaks byte offsets into UTF-8 text. Conversion to the 1-based
//! line/column of the CLI and to the UTF-8/UTF-16 positions of LSP happens only here.

mod document;
mod line_index;
mod shift;
mod syntax;

pub use document::{
    parse, Document, PendingParse, TextChange, MAX_TREE_DEPTH, MAX_UNNAMED_RUN, MAX_YAML_INDENT,
};
pub use line_index::{floor_char_boundary, Encoding, LineCol, LineIndex};
pub use shift::Shift;
pub use syntax::{error_ranges, first_syntax_error};

/// A half-open range of byte offsets into a file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Whether the ranges share at least one position (touching counts, as editors expect for
    /// a cursor placed right after a squiggle).
    pub fn touches(&self, other: TextRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    pub fn of_node(node: &tree_sitter::Node<'_>) -> Self {
        Self::new(node.start_byte(), node.end_byte())
    }

    /// The part of the range on its first line (all of it when it is on one line).
    pub fn first_line(&self, text: &str) -> TextRange {
        let end = self
            .slice(text)
            .find('\n')
            .map_or(self.end, |at| self.start + at);
        TextRange::new(self.start, end)
    }

    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// A fixed linear congruential sequence for the randomised tests: the same numbers on every run
/// from the same `seed`; each call gives one below `bound` (or 0 for a bound of 0).
#[cfg(test)]
pub(crate) fn test_sequence(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % bound.max(1)
    }
}
