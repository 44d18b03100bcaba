//! Where the name a JSON fix writes does not name the standard library: `json` in Python (the
//! module), `JSON` in JavaScript and TypeScript (the global). A fix that wrote `json.dumps(x)`
//! inside a function with a local variable `json` would call that variable instead; it must not
//! change which binding a name resolves to (see `fixes::serialize_json`).
//!
//! One walk of the tree, with the ancestors kept on a stack (never `Node::parent`, which descends
//! from the root on each call). It errs on the side of "rebound": a scope counts as rebinding the
//! name when the name appears in it anywhere but the few places that only read it (`json.dumps`,
//! `import json`), and a block counts as its whole function. A fix then takes the longer spelling
//! (`_json.dumps`, `globalThis.JSON.stringify`), which is right either way.

use tree_sitter::{Node, Tree};

use crate::files::Language;
use crate::text::TextRange;

/// What a JSON fix needs to know about the name it writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonName {
    /// The ranges (functions, classes, or the whole file) in which the name is rebound.
    pub rebound: Vec<TextRange>,
    /// Python: whether the module already imports `json as _json` at its top level.
    pub has_alias_import: bool,
}

/// The alias a Python fix imports the module under where `json` is rebound.
pub const PYTHON_JSON_ALIAS: &str = "_json";

/// Reads where the JSON name of `language` is rebound in `tree`. Rust writes `json!` or
/// `serde_json::json!`, macros no local variable hides: nothing to read.
pub fn json_name(language: Language, tree: &Tree, text: &str) -> JsonName {
    json_name_walk(language, tree, text, true)
}

/// [`json_name`]; `prune` skips every subtree whose text does not hold the name (it can hold
/// neither a use of the name nor `import json as _json`), so the walk descends only towards the
/// name's occurrences; a test compares it with the walk of every node.
fn json_name_walk(language: Language, tree: &Tree, text: &str, prune: bool) -> JsonName {
    let name = match language {
        Language::Python => "json",
        Language::JavaScript | Language::TypeScript => "JSON",
        Language::Rust => return JsonName::default(),
    };
    let occurrences: Vec<usize> = text.match_indices(name).map(|(at, _)| at).collect();
    if occurrences.is_empty() {
        return JsonName::default();
    }
    let holds_name = |node: Node<'_>| {
        let first = occurrences.partition_point(|&at| at < node.start_byte());
        occurrences
            .get(first)
            .is_some_and(|&at| at + name.len() <= node.end_byte())
    };
    let mut found = JsonName::default();
    // Each entry: a node's kind, and the field it fills in its parent.
    let mut ancestors: Vec<(&str, Option<&str>)> = Vec::new();
    // The ranges of the functions and classes around the node, innermost last.
    let mut scopes: Vec<TextRange> = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let field = cursor.field_name();
        let is_name = matches!(
            node.kind(),
            "identifier"
                | "shorthand_property_identifier_pattern"
                | "shorthand_property_identifier"
        ) && node.utf8_text(text.as_bytes()) == Ok(name);
        if is_name {
            match binding_scope(language, &ancestors, field, &scopes) {
                Binding::Read => {}
                Binding::In(Some(scope)) => found.rebound.push(scope),
                Binding::In(None) => found.rebound.push(TextRange::new(0, text.len())),
            }
        }
        if language == Language::Python
            && node.kind() == "aliased_import"
            && scopes.is_empty()
            && is_json_alias(node, text)
        {
            found.has_alias_import = true;
        }
        if (!prune || holds_name(node)) && cursor.goto_first_child() {
            ancestors.push((node.kind(), field));
            if is_scope(language, node.kind()) {
                scopes.push(TextRange::of_node(&node));
            }
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                found.rebound.sort();
                found.rebound.dedup();
                return found;
            }
            ancestors.pop();
            if is_scope(language, cursor.node().kind()) {
                scopes.pop();
            }
        }
    }
}

/// Whether `at` lies where the JSON name is rebound.
pub fn is_rebound(name: &JsonName, at: usize) -> bool {
    name.rebound
        .iter()
        .any(|range| range.start <= at && at < range.end.max(range.start + 1))
}

enum Binding {
    /// A use that reads the standard name (`json.dumps`, `import json`).
    Read,
    /// A binding (or a use not known to be a read) in the scope of this range; `None` for the
    /// module.
    In(Option<TextRange>),
}

fn is_scope(language: Language, kind: &str) -> bool {
    match language {
        Language::Python => matches!(kind, "function_definition" | "lambda" | "class_definition"),
        _ => matches!(
            kind,
            "function_declaration"
                | "function_expression"
                | "function"
                | "generator_function_declaration"
                | "generator_function"
                | "arrow_function"
                | "method_definition"
                | "class_declaration"
                | "class"
        ),
    }
}

fn binding_scope(
    language: Language,
    ancestors: &[(&str, Option<&str>)],
    field: Option<&str>,
    scopes: &[TextRange],
) -> Binding {
    let parent = ancestors.last().map(|(kind, _)| *kind);
    let grandparent = ancestors.len().checked_sub(2).map(|at| ancestors[at].0);
    let read = match language {
        Language::Python => match (parent, field) {
            (Some("attribute"), Some("object")) => true,
            (Some("keyword_argument"), Some("name")) => true,
            (Some("argument_list" | "return_statement"), _) => true,
            (Some("call"), Some("function")) => true,
            // `import json`, `import json.decoder`, `from json import dumps`.
            (Some("dotted_name"), _) => {
                let dotted_field = ancestors.last().and_then(|(_, field)| *field);
                matches!(grandparent, Some("import_statement"))
                    || (grandparent == Some("import_from_statement")
                        && dotted_field == Some("module_name"))
                    || grandparent == Some("aliased_import") && dotted_field == Some("name")
            }
            _ => false,
        },
        _ => matches!(
            (parent, field),
            (Some("member_expression"), Some("object"))
                | (Some("arguments" | "return_statement"), _)
                | (Some("call_expression"), Some("function"))
        ),
    };
    if read {
        return Binding::Read;
    }
    // A function's or class's own name is bound in the scope around it.
    let names_scope = field == Some("name") && parent.is_some_and(|kind| is_scope(language, kind));
    let scopes = if names_scope {
        &scopes[..scopes.len().saturating_sub(1)]
    } else {
        scopes
    };
    Binding::In(scopes.last().copied())
}

/// `import json as _json`.
fn is_json_alias(node: Node<'_>, text: &str) -> bool {
    let named = |field: &str| {
        node.child_by_field_name(field)
            .and_then(|child| child.utf8_text(text.as_bytes()).ok())
    };
    named("name") == Some("json") && named("alias") == Some(PYTHON_JSON_ALIAS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::languages::FileKind;

    fn rebound_at(kind: FileKind, text: &str, marker: &str) -> bool {
        let tree = crate::text::parse(kind, text, None).expect("parses");
        let language = match kind {
            FileKind::Python => Language::Python,
            FileKind::TypeScript => Language::TypeScript,
            _ => Language::JavaScript,
        };
        let name = json_name(language, &tree, text);
        is_rebound(&name, text.find(marker).expect("marker"))
    }

    #[test]
    fn python_local_names_hide_the_module_in_their_function_only() {
        let text = "import json\n\ndef handler(event, context):\n    json = event[\"body\"]\n    return {\"body\": HERE}\n\ndef other(event, context):\n    return {\"body\": THERE, \"x\": json.dumps(1)}\n";
        assert!(rebound_at(FileKind::Python, text, "HERE"));
        assert!(!rebound_at(FileKind::Python, text, "THERE"));
        for binding in [
            "def handler(json, context):\n    return HERE\n",
            "def handler(event, context):\n    for json in event:\n        pass\n    return HERE\n",
            "def handler(event, context):\n    with open(x) as json:\n        return HERE\n",
            "from flask import json\n\ndef handler(event, context):\n    return HERE\n",
            "import simplejson as json\n\ndef handler(event, context):\n    return HERE\n",
            "json = {}\n\ndef handler(event, context):\n    return HERE\n",
            "def outer():\n    json = 1\n    def handler(event, context):\n        return HERE\n",
        ] {
            assert!(rebound_at(FileKind::Python, binding, "HERE"), "{binding}");
        }
        for free in [
            "import json\n\ndef handler(event, context):\n    return json.dumps(HERE)\n",
            "import json.decoder\nfrom json import loads\n\ndef handler(event, context):\n    f(json=1)\n    return HERE\n",
            "def json_body():\n    pass\n\ndef handler(event, context):\n    return HERE\n",
            "def handler(event, context):\n    def json():\n        pass\n    return 1\n\ndef other():\n    return HERE\n",
        ] {
            assert!(!rebound_at(FileKind::Python, free, "HERE"), "{free}");
        }
        let tree = crate::text::parse(FileKind::Python, "import json as _json\n", None).unwrap();
        assert!(json_name(Language::Python, &tree, "import json as _json\n").has_alias_import);
    }

    /// The walk that skips subtrees without the name finds what the walk of every node finds,
    /// on every handler fixture.
    #[test]
    fn the_pruned_walk_agrees_with_the_full_walk() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");
        let mut compared = 0;
        for folder in ["python", "javascript", "typescript"] {
            for entry in std::fs::read_dir(format!("{fixtures}/{folder}")).expect("fixtures") {
                let path = entry.expect("entry").path();
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let Some(kind) = FileKind::detect(&path, &text) else {
                    continue;
                };
                let (Some(language), Some(tree)) =
                    (kind.language(), crate::text::parse(kind, &text, None))
                else {
                    continue;
                };
                assert_eq!(
                    json_name_walk(language, &tree, &text, true),
                    json_name_walk(language, &tree, &text, false),
                    "{}",
                    path.display()
                );
                compared += 1;
            }
        }
        assert!(compared > 50, "{compared}");
    }

    #[test]
    fn javascript_bindings_of_json_hide_the_global() {
        for binding in [
            "exports.handler = async (event) => { const JSON = event.body; return HERE; };",
            "function handler(JSON) { return HERE; }",
            "import JSON from 'json5';\nexport const handler = async () => HERE;",
            "const { JSON } = globalThis.lib;\nexport const handler = async () => HERE;",
        ] {
            assert!(
                rebound_at(FileKind::JavaScript, binding, "HERE"),
                "{binding}"
            );
        }
        for free in [
            "exports.handler = async (event) => ({ body: JSON.stringify(HERE) });",
            "const a = () => { const JSON = 1; };\nexports.handler = async () => HERE;",
        ] {
            assert!(!rebound_at(FileKind::JavaScript, free, "HERE"), "{free}");
        }
        let typescript = "export const handler = async (JSON: Codec) => HERE;";
        assert!(rebound_at(FileKind::TypeScript, typescript, "HERE"));
    }
}
