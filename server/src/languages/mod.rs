//! Languages: which kind a file is, its tree-sitter grammar and queries, and — for handler
//! languages — the extraction of [`SourceFacts`] (handlers, helpers and the response values they
//! return) that the rules read. Each language module turns its syntax into the same neutral model.

mod escapes;
pub mod facts;
mod javascript;
mod python;
mod query;
mod rust;
mod scopes;
pub mod shadowing;
pub mod symbols;
mod timing;

pub use facts::*;

use std::path::Path;

/// What a file is to gatelint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Python,
    JavaScript,
    TypeScript,
    /// TypeScript with JSX (`.tsx`), which has its own grammar.
    Tsx,
    Rust,
    /// A SAM/CloudFormation template in YAML (`templates/` reads it).
    YamlTemplate,
    /// A SAM/CloudFormation template in JSON.
    JsonTemplate,
}

/// The language of a handler file, as the rules and fixes see it (TypeScript and TSX are one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Rust,
}

impl FileKind {
    /// Detects a file's kind from its name, and for YAML/JSON from its content: only files that look
    /// like CloudFormation templates are templates; other YAML/JSON is not gatelint's business.
    pub fn detect(path: &Path, text: &str) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase());
        match extension.as_deref() {
            Some("py" | "pyi") => Some(FileKind::Python),
            Some("js" | "mjs" | "cjs" | "jsx") => Some(FileKind::JavaScript),
            Some("ts" | "mts" | "cts") if !name.ends_with(".d.ts") => Some(FileKind::TypeScript),
            Some("tsx") => Some(FileKind::Tsx),
            Some("rs") => Some(FileKind::Rust),
            Some("yaml" | "yml" | "template") if crate::templates::looks_like_template(text) => {
                Some(FileKind::YamlTemplate)
            }
            Some("json") if crate::templates::looks_like_template(text) => {
                Some(FileKind::JsonTemplate)
            }
            None if text.starts_with("#!") => {
                let first_line = text.lines().next().unwrap_or("");
                if first_line.contains("python") {
                    Some(FileKind::Python)
                } else if first_line.contains("node") {
                    Some(FileKind::JavaScript)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    pub fn tree_sitter_language(self) -> tree_sitter::Language {
        match self {
            FileKind::Python => tree_sitter_python::LANGUAGE.into(),
            FileKind::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            FileKind::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            FileKind::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            FileKind::Rust => tree_sitter_rust::LANGUAGE.into(),
            FileKind::YamlTemplate => tree_sitter_yaml::LANGUAGE.into(),
            FileKind::JsonTemplate => tree_sitter_json::LANGUAGE.into(),
        }
    }

    /// The handler language of this kind; `None` for templates.
    pub fn language(self) -> Option<Language> {
        match self {
            FileKind::Python => Some(Language::Python),
            FileKind::JavaScript => Some(Language::JavaScript),
            FileKind::TypeScript | FileKind::Tsx => Some(Language::TypeScript),
            FileKind::Rust => Some(Language::Rust),
            FileKind::YamlTemplate | FileKind::JsonTemplate => None,
        }
    }

    pub fn is_template(self) -> bool {
        matches!(self, FileKind::YamlTemplate | FileKind::JsonTemplate)
    }
}

impl Language {
    /// The token that starts a line comment, for suppressions and fixture annotations.
    pub fn line_comment(self) -> &'static str {
        match self {
            Language::Python => "#",
            Language::JavaScript | Language::TypeScript | Language::Rust => "//",
        }
    }
}

/// Extracts the facts the handler rules read from a parsed handler file; `None` for templates.
/// Whether the text of `node` holds one of `needles`. A walk that reports only nodes whose text
/// must hold a needle (a call whose callee names `sleep`, a `raise`) skips a subtree without one:
/// it cannot hold what the walk looks for, and most code is such subtrees.
pub(crate) fn mentions(node: tree_sitter::Node<'_>, text: &str, needles: &[&str]) -> bool {
    text.get(node.byte_range())
        .is_some_and(|own| needles.iter().any(|needle| own.contains(needle)))
}

/// The ancestors of `node` under `root` (the tree's root), nearest first: what calling `parent()`
/// over and over gives, found in one descent from the root, where each `parent()` call makes a
/// descent of its own.
pub(crate) fn ancestors<'t>(
    root: tree_sitter::Node<'t>,
    node: tree_sitter::Node<'t>,
) -> Vec<tree_sitter::Node<'t>> {
    let mut chain = Vec::new();
    let mut current = root;
    while current != node {
        chain.push(current);
        match current.child_with_descendant(node) {
            Some(next) => current = next,
            None => break,
        }
    }
    chain.reverse();
    chain
}

pub fn extract(kind: FileKind, tree: &tree_sitter::Tree, text: &str) -> Option<SourceFacts> {
    let mut facts = match kind {
        FileKind::Python => python::extract(tree, text),
        FileKind::JavaScript | FileKind::TypeScript | FileKind::Tsx => {
            javascript::extract(kind, tree, text)
        }
        FileKind::Rust => rust::extract(tree, text),
        FileKind::YamlTemplate | FileKind::JsonTemplate => return None,
    };
    facts.edit_context.json_name = shadowing::json_name(facts.language, tree, text);
    Some(facts)
}

/// Whether `text` passes the variable `name` to a serialiser (`dumps(`, `JSON.stringify(`) as its
/// first argument: `json.dumps(response, indent=4)`, `JSON.stringify(response)`.
pub(crate) fn is_serialised(text: &str, call: &str, name: &str) -> bool {
    text.match_indices(call).any(|(at, _)| {
        let rest = text[at + call.len()..].trim_start();
        rest.strip_prefix(name)
            .is_some_and(|after| after.trim_start().starts_with([',', ')']))
    })
}
