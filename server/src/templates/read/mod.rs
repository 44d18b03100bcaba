//! Reading a template file into the model robustly, around two limits of tree-sitter-yaml:
//!
//! - Its scanner keeps row numbers in 16 bits, so a YAML text longer than 32,767 lines does not
//!   parse. Such a text is parsed in pieces cut at top-level keys and at `Resources` entries (each
//!   piece a block mapping of its own, well under the limit), and the value trees are stitched
//!   back with their byte offsets in the whole text.
//! - It rejects some YAML that CloudFormation loads (see [`loader_accepts`]). A second parser,
//!   libyaml (as PyYAML and cfn-lint use it), decides whether the text is really invalid: only then is the syntax error reported. Either
//!   way the regions tree-sitter could not read are kept in the model, and rules stay silent
//!   about the resources holding them.

mod edit;
mod json;
mod loader;
pub mod placeholders;
mod yaml;

use std::sync::Arc;

use tree_sitter::Tree;

use super::model::{Dialect, Syntax, Template};
use super::value::{self, Entry};
use super::{serverless, terraform};
use crate::files::FileKind;
use crate::text::{error_ranges, first_syntax_error, TextRange};

pub use json::{read_json_in_pieces, JSON_PIECES_MIN_BYTES};
pub use loader::loader_accepts;
use yaml::read_yaml_in_pieces;
pub use yaml::MAX_PIECE_LINES;

/// A template read from a file, and what could not be read.
#[derive(Debug)]
pub struct TemplateRead {
    /// `None` for an empty document or one that is not a mapping at all.
    pub template: Option<Template>,
    /// The syntax error to report: tree-sitter's first error, unless a YAML loader accepts
    /// the text (then the grammar is at fault, not the file).
    pub syntax_error: Option<TextRange>,
    /// For a YAML text read in pieces, each piece's tree: the next read of an edited text parses
    /// again only the piece the edit touched.
    pub pieces: Vec<ParsedPiece>,
    /// Read in pieces, each parsed by tree-sitter on its own (a large JSON template, a YAML
    /// template longer than tree-sitter-yaml parses whole): no tree of the whole text was needed.
    pub in_pieces: bool,
    /// A Terraform file's blocks: the configuration of its folder is compiled from those of its
    /// files (see [`super::TemplateModel::configuration`]), none parsed again.
    pub terraform: Option<std::sync::Arc<terraform::Blocks>>,
}

/// One piece of a text read in pieces, and its tree (of the piece's text alone).
#[derive(Debug)]
pub struct ParsedPiece {
    pub range: TextRange,
    pub tree: Tree,
    /// For a piece of a JSON text, the members of `Resources` it holds (reused with the tree when
    /// an edit leaves the piece alone); empty for YAML. Shared, not copied, from one read to the
    /// next: their ranges are of the text they were read from (see [`ParsedPiece::read_at`]).
    pub entries: Arc<Vec<Entry>>,
    /// For a piece of a YAML text without syntax errors that defines no anchor and reads no alias
    /// (see [`value::YamlPieces::read_alone`]), its value (reused with the tree when an edit
    /// leaves the piece alone); `None` otherwise, and for JSON. Shared like `entries`.
    pub value: Option<Arc<value::Value>>,
    /// Where the piece started in the text its `entries` or `value` were read from: their ranges
    /// are that far from where the piece starts now.
    pub read_at: usize,
}

impl ParsedPiece {
    /// How far the piece moved since its `entries` or `value` were read, to start at `start`.
    fn moved_to(&self, start: usize) -> isize {
        start as isize - self.read_at as isize
    }

    /// Its `entries`, with ranges in the text it is now part of.
    pub fn entries_here(&self) -> Vec<Entry> {
        let mut entries = (*self.entries).clone();
        value::shift_entries(&mut entries, self.moved_to(self.range.start));
        entries
    }

    /// Its `value`, with ranges in the text it is now part of.
    pub fn value_here(&self) -> Option<value::Value> {
        let mut value = (**self.value.as_ref()?).clone();
        value.shift(self.moved_to(self.range.start));
        Some(value)
    }
}

/// The text a template was read from before an edit, and what reading it found.
#[derive(Clone, Copy)]
pub struct Previous<'a> {
    pub text: &'a str,
    pub read: &'a TemplateRead,
}

impl<'a> Previous<'a> {
    /// The piece of this read holding the same text as `range` of the edited text (`new_len`
    /// bytes long) when the edit left it alone: wholly before the edit, at the same place, or
    /// wholly after it, moved by the edit.
    fn unchanged_piece(
        &self,
        range: TextRange,
        new_len: usize,
        unchanged: edit::Unchanged,
    ) -> Option<&'a ParsedPiece> {
        let old = if range.end <= unchanged.prefix {
            range
        } else if range.start >= new_len - unchanged.suffix {
            let old_of = |at: usize| (at + unchanged.old_len).checked_sub(new_len);
            TextRange::new(old_of(range.start)?, old_of(range.end)?)
        } else {
            return None;
        };
        let pieces = &self.read.pieces;
        let found = pieces
            .binary_search_by_key(&old.start, |parsed| parsed.range.start)
            .ok()?;
        Some(&pieces[found]).filter(|parsed| parsed.range == old)
    }
}

/// Reads a template file; `tree` is tree-sitter's parse of the whole `text`.
pub fn read(kind: FileKind, tree: &Tree, text: &str) -> TemplateRead {
    read_after(kind, tree, text, None)
}

/// [`read`], given what reading the text before an edit found: the same result, with the trees of
/// the pieces the edit left alone reused.
pub fn read_after(
    kind: FileKind,
    tree: &Tree,
    text: &str,
    previous: Option<Previous<'_>>,
) -> TemplateRead {
    read_with(kind, tree, text, previous, true)
}

/// [`read`] of a text read once (a file from disk, not an open document): the trees of the pieces
/// a large template is read in are freed as soon as each is read, not kept for a next edit (the
/// pieces of a 3.3 MB YAML template held at once were half of `check`'s peak memory on it).
pub fn read_once(kind: FileKind, tree: &Tree, text: &str) -> TemplateRead {
    read_with(kind, tree, text, None, false)
}

/// [`read_after`], keeping the pieces' trees for the next edit or not.
fn read_with(
    kind: FileKind,
    tree: &Tree,
    text: &str,
    previous: Option<Previous<'_>>,
    keep_trees: bool,
) -> TemplateRead {
    if kind == FileKind::Terraform {
        let blocks = terraform::Blocks::read(tree, text);
        let mut template = terraform::compile(&[(&blocks, 0)], &[], None);
        // Read alone: the other `.tf` files of its folder may declare what it lacks.
        template.partial = true;
        return TemplateRead {
            template: Some(template),
            // Terraform reports its own syntax errors; tree-sitter-hcl may also reject what
            // older Terraform versions accept. What could not be read stays unknown.
            syntax_error: None,
            pieces: Vec::new(),
            in_pieces: false,
            terraform: Some(std::sync::Arc::new(blocks)),
        };
    }
    if kind.is_template() {
        if let Some((blanked, tags)) = placeholders::blank(
            text,
            if kind == FileKind::JsonTemplate {
                placeholders::Host::Json
            } else {
                placeholders::Host::Yaml
            },
        ) {
            if let Some(tree) = crate::text::parse(kind, &blanked, None) {
                let mut read = read_with(kind, &tree, &blanked, None, keep_trees);
                if let Some(template) = &mut read.template {
                    template.placeholders = tags;
                }
                // Trees of the blanked text: never reused for the next edit's text.
                read.pieces.clear();
                return read;
            }
        }
    }
    let mut pieces = Vec::new();
    if kind == FileKind::JsonTemplate
        && text.len() >= JSON_PIECES_MIN_BYTES
        && !tree.root_node().has_error()
    {
        if let Some(read) = read_json_in_pieces(text, previous, keep_trees) {
            return read;
        }
    }
    let (root, errors, first_error, syntax) = match kind {
        FileKind::JsonTemplate => (
            value::from_json(tree, text),
            error_ranges(tree),
            first_syntax_error(tree, text),
            Syntax::Json,
        ),
        FileKind::YamlTemplate if line_count(text) > MAX_PIECE_LINES => {
            return read_long_yaml(text, previous, keep_trees);
        }
        // tree-sitter's error recovery may swallow much more than the bad line; parsing each
        // top-level section and each resource on its own keeps the damage to where it is.
        FileKind::YamlTemplate if tree.root_node().has_error() => {
            let read = read_yaml_in_pieces(text, 0, previous, keep_trees);
            pieces = read.pieces;
            (read.root, read.errors, read.first_error, Syntax::Yaml)
        }
        FileKind::YamlTemplate => (
            value::from_yaml(tree, text),
            error_ranges(tree),
            first_syntax_error(tree, text),
            Syntax::Yaml,
        ),
        _ => {
            return TemplateRead {
                template: None,
                syntax_error: None,
                pieces: Vec::new(),
                in_pieces: false,
                terraform: None,
            }
        }
    };
    assemble(text, root, errors, first_error, syntax, pieces)
}

/// Whether a template is read without the tree of its whole text (see [`read_without_tree`]): a
/// YAML text over [`MAX_PIECE_LINES`] lines, read in pieces, without template tags (a text with
/// tags is blanked and read again from the start).
pub fn reads_without_tree(kind: FileKind, text: &str) -> bool {
    kind == FileKind::YamlTemplate
        && line_count(text) > MAX_PIECE_LINES
        && placeholders::blank(text, placeholders::Host::Yaml).is_none()
}

/// [`read_once`] of a template that [`reads_without_tree`], without parsing its whole text: a
/// parse `check` would only throw away, since tree-sitter-yaml cannot read the text whole (its
/// rows are 16-bit) and the pieces are parsed either way. `None` when a piece could not be parsed
/// at all (nested deeper than gatelint reads, or too complex): then the whole text's parse
/// decides, as for every file, whether it is read at all.
pub fn read_without_tree(text: &str) -> Option<TemplateRead> {
    let (read, unparsed) = read_long_yaml_pieces(text, None, false);
    (!unparsed).then_some(read)
}

/// [`read_without_tree`] of an edited document, given what reading the text before the edit
/// found: the pieces the edit left alone keep their trees (and, without anchors or aliases,
/// their values), and the pieces' trees are kept for the next edit. The same result as
/// [`read_after`] of the whole text's tree gives, without that tree.
pub fn read_without_tree_after(text: &str, previous: Option<Previous<'_>>) -> Option<TemplateRead> {
    let (read, unparsed) = read_long_yaml_pieces(text, previous, true);
    (!unparsed).then_some(read)
}

/// The byte ranges of the pieces a YAML text longer than tree-sitter-yaml parses whole is parsed
/// in (see [`read_without_tree`]); `None` for a text parsed whole. The benchmark's parse floor of
/// such a text parses these: a whole parse of it is no reading of the file.
pub fn yaml_piece_ranges(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    (line_count(text) > MAX_PIECE_LINES).then(|| {
        yaml::split_pieces(text, yaml::RUN_LINES)
            .into_iter()
            .map(|piece| piece.start..piece.end)
            .collect()
    })
}

/// A YAML text over [`MAX_PIECE_LINES`] lines, read in pieces cut by line count, or at every
/// section and resource when one of those pieces has a syntax error.
fn read_long_yaml(text: &str, previous: Option<Previous<'_>>, keep_trees: bool) -> TemplateRead {
    read_long_yaml_pieces(text, previous, keep_trees).0
}

/// [`read_long_yaml`], and whether a piece could not be parsed at all.
fn read_long_yaml_pieces(
    text: &str,
    previous: Option<Previous<'_>>,
    keep_trees: bool,
) -> (TemplateRead, bool) {
    let mut read = read_yaml_in_pieces(text, yaml::RUN_LINES, previous, keep_trees);
    if !read.errors.is_empty() {
        read = read_yaml_in_pieces(text, 0, previous, keep_trees);
    }
    let mut assembled = assemble(
        text,
        read.root,
        read.errors,
        read.first_error,
        Syntax::Yaml,
        read.pieces,
    );
    assembled.in_pieces = true;
    (assembled, read.unparsed)
}

/// The template of the value read from a text, with what could not be read.
fn assemble(
    text: &str,
    root: Option<value::Value>,
    errors: Vec<TextRange>,
    first_error: Option<TextRange>,
    syntax: Syntax,
    pieces: Vec<ParsedPiece>,
) -> TemplateRead {
    let syntax_error = match first_error {
        Some(_) if syntax == Syntax::Yaml && loader_accepts(text) => None,
        // A file that only mentions templates (an npm log named `template.yml`): not one.
        Some(_)
            if !has_template_keys(root.as_ref())
                && !root.as_ref().is_some_and(serverless::is_service) =>
        {
            None
        }
        other => other,
    };
    let template = root.map(|root| {
        let mut template = if syntax == Syntax::Yaml && serverless::is_service(&root) {
            let mut template = Template::from_value(serverless::compile(&root), syntax);
            template.dialect = Dialect::ServerlessFramework;
            template.source = Some(root);
            template
        } else {
            Template::from_value(root, syntax)
        };
        let errors = match syntax {
            Syntax::Yaml => yaml::outside_inert_sections(text, errors),
            Syntax::Json => errors,
        };
        template.mark_unread(errors);
        template
    });
    TemplateRead {
        template,
        syntax_error,
        pieces,
        in_pieces: false,
        terraform: None,
    }
}

/// Whether what could be read of a file is a mapping with a template's top-level keys.
fn has_template_keys(root: Option<&value::Value>) -> bool {
    root.is_some_and(|root| {
        root.entries().iter().any(|entry| {
            matches!(
                entry.key.as_str(),
                "AWSTemplateFormatVersion" | "Resources" | "Transform" | "Globals"
            )
        })
    })
}

fn line_count(text: &str) -> usize {
    // Counting bytes is fast even on a 5 MB file; a final line without a newline counts too.
    text.bytes().filter(|&byte| byte == b'\n').count() + 1
}

#[cfg(test)]
mod tests;
