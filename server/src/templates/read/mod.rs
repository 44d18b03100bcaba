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
    /// Read in pieces, each parsed by tree-sitter on its own (a large JSON template): no tree of
    /// the whole text was needed.
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
    /// an edit leaves the piece alone); empty for YAML.
    pub entries: Vec<Entry>,
}

/// The text a template was read from before an edit, and what reading it found.
#[derive(Clone, Copy)]
pub struct Previous<'a> {
    pub text: &'a str,
    pub read: &'a TemplateRead,
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
                let mut read = read_after(kind, &tree, &blanked, None);
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
        if let Some(read) = read_json_in_pieces(text, previous, true) {
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
            let mut read = read_yaml_in_pieces(text, MAX_PIECE_LINES, previous);
            if !read.errors.is_empty() {
                read = read_yaml_in_pieces(text, 0, previous);
            }
            pieces = read.pieces;
            (read.root, read.errors, read.first_error, Syntax::Yaml)
        }
        // tree-sitter's error recovery may swallow much more than the bad line; parsing each
        // top-level section and each resource on its own keeps the damage to where it is.
        FileKind::YamlTemplate if tree.root_node().has_error() => {
            let read = read_yaml_in_pieces(text, 0, previous);
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
