//! Languages: which kind a file is, its tree-sitter grammar and queries, and — for handler
//! languages — the extraction of [`SourceFacts`] (handlers, helpers and the response values they
//! return) that the rules read. Each language module turns its syntax into the same neutral model.

mod escapes;
pub mod facts;
pub mod grammar_gaps;
pub mod imports;
mod javascript;
mod pipeline;
mod python;
mod query;
mod rust;
pub mod shadowing;
pub mod symbols;
mod timing;

use std::collections::HashMap;

pub use facts::*;
pub use query::KeptMatches;

pub use crate::files::{FileKind, Language};

/// Whether the text of `node` holds one of `needles`. A walk that reports only nodes whose text
/// must hold a needle (a call whose callee names `sleep`, a `raise`) skips a subtree without one:
/// it cannot hold what the walk looks for, and most code is such subtrees.
pub(crate) fn mentions(node: tree_sitter::Node<'_>, text: &str, needles: &[&str]) -> bool {
    text.get(node.byte_range())
        .is_some_and(|own| needles.iter().any(|needle| own.contains(needle)))
}

/// Why a function the runtime's conventions would not call a handler is one: a template names it.
pub(crate) const NAMED_BY_TEMPLATE: &str = "is named as a handler by a template";

/// Extracts the facts the handler rules read from a parsed handler file; `None` for templates.
pub fn extract(kind: FileKind, tree: &tree_sitter::Tree, text: &str) -> Option<SourceFacts> {
    extract_named(kind, tree, text, &[])
}

/// [`extract`], given the names the project's templates give as handlers of this file (the
/// function part of `Handler: app.get_order`): a module-level function (Python) or an export
/// (Node) of one of those names is a handler whatever its parameters.
pub fn extract_named(
    kind: FileKind,
    tree: &tree_sitter::Tree,
    text: &str,
    named: &[&str],
) -> Option<SourceFacts> {
    extract_kept(kind, tree, text, named, None)
}

/// [`extract_named`] of a version of an open document, given what the query pass over its
/// previous version kept (see [`KeptMatches`]): the query pass searches again only the top-level
/// definitions the edits since changed, and `kept` then holds this version's. The facts are the
/// ones [`extract_named`] gives.
pub fn extract_kept(
    kind: FileKind,
    tree: &tree_sitter::Tree,
    text: &str,
    named: &[&str],
    kept: Option<&mut Option<KeptMatches>>,
) -> Option<SourceFacts> {
    let mut facts = match kind {
        FileKind::Python => python::extract(tree, text, named, kept),
        FileKind::JavaScript | FileKind::TypeScript | FileKind::Tsx => {
            javascript::extract(kind, tree, text, named, kept)
        }
        FileKind::Rust => rust::extract(tree, text),
        FileKind::YamlTemplate | FileKind::JsonTemplate | FileKind::Terraform => return None,
    };
    facts.edit_context.json_name = shadowing::json_name(facts.language, tree, text);
    facts.imports = imports::collect(kind, tree, text);
    facts.module_syntax = imports::module_syntax(kind, tree);
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

/// The plain calls a text makes (`name(`, not `obj.name(`), indexed once per file by the name
/// called: asking whether the file calls one of its thousands of functions (a bundle) costs the
/// calls of that name, not a scan of the whole text per function.
pub(crate) struct CallSites<'t> {
    /// Where each called name starts, by name.
    by_name: HashMap<&'t str, Vec<usize>>,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl<'t> CallSites<'t> {
    pub(crate) fn new(text: &'t str) -> CallSites<'t> {
        let mut by_name: HashMap<&'t str, Vec<usize>> = HashMap::new();
        for (paren, _) in text.match_indices('(') {
            let before = &text[..paren];
            let start = before
                .char_indices()
                .rev()
                .take_while(|&(_, c)| is_name_char(c))
                .last()
                .map_or(paren, |(at, _)| at);
            if start == paren || before[..start].ends_with('.') {
                continue;
            }
            by_name.entry(&text[start..paren]).or_default().push(start);
        }
        CallSites { by_name }
    }

    /// Whether the file calls the function `name` (defined with its name at `defined_at`): a
    /// plain `name(` other than its definition. A function the file itself calls is a helper,
    /// whatever its signature suggests (`def validate(event, context)` returning None when the
    /// request is fine).
    pub(crate) fn calls(&self, name: &str, defined_at: usize) -> bool {
        self.by_name
            .get(name)
            .is_some_and(|starts| starts.iter().any(|&at| at != defined_at))
    }
}

#[cfg(test)]
mod tests {
    use super::CallSites;

    /// The index of plain calls answers as the scan per function it replaced (issue #21 item 9:
    /// that scan made a bundle of thousands of functions quadratic): a call other than the
    /// definition counts; a method call, a longer name or a name without `(` does not.
    #[test]
    fn call_sites_count_plain_calls_other_than_the_definition() {
        let text = "function go(e){return e}\nfunction run(e){return go(e)}\nobj.stop(1); restart(2); $x(3); _y (4); été(5)\n";
        let calls = CallSites::new(text);
        let defined = |name: &str| text.find(&format!("function {name}(")).unwrap() + 9;
        assert!(calls.calls("go", defined("go")));
        assert!(!calls.calls("run", defined("run")), "only its definition");
        assert!(!calls.calls("stop", 0), "a method call");
        assert!(!calls.calls("start", 0), "part of a longer name");
        assert!(calls.calls("restart", 0));
        assert!(calls.calls("$x", 0));
        assert!(!calls.calls("_y", 0), "not followed by `(`");
        assert!(calls.calls("été", 0));
    }
}
