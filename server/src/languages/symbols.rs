//! The names a module makes callable from outside, which is what a template's `Handler` can name:
//! Python module-level functions, assignments and imports; JavaScript/TypeScript exports (ESM
//! `export`, CommonJS `exports.x =` / `module.exports = {...}`). When the file binds names in a way
//! gatelint cannot follow (`from x import *`, `module.exports = require(...)`, `export * from`),
//! the answer is "unknown", and nothing is flagged.

use tree_sitter::{Node, Tree};

use crate::files::FileKind;
use crate::text::TextRange;

/// One name the module exposes, and where it is defined (for go-to-definition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub range: TextRange,
    /// Whether it is surely a function (a `def`, a function declaration or expression), which a
    /// fix may offer as the handler.
    pub is_function: bool,
}

/// The names a handler module exposes; `None` when it cannot be known from the file.
pub fn exported_names(kind: FileKind, tree: &Tree, text: &str) -> Option<Vec<Symbol>> {
    let root = tree.root_node();
    match kind {
        FileKind::Python => python(root, text),
        FileKind::JavaScript | FileKind::TypeScript | FileKind::Tsx => javascript(root, text),
        _ => None,
    }
}

fn symbol(node: Node<'_>, text: &str) -> Symbol {
    Symbol {
        name: text[node.byte_range()].to_owned(),
        range: TextRange::of_node(&node),
        is_function: false,
    }
}

fn function_symbol(node: Node<'_>, text: &str) -> Symbol {
    Symbol {
        is_function: true,
        ..symbol(node, text)
    }
}

fn is_function_node(node: Option<Node<'_>>) -> bool {
    node.is_some_and(|node| {
        matches!(
            node.kind(),
            "function_expression" | "arrow_function" | "function" | "generator_function"
        )
    })
}

fn python(root: Node<'_>, text: &str) -> Option<Vec<Symbol>> {
    let mut names = Vec::new();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        python_statement(statement, text, &mut names)?;
    }
    Some(names)
}

/// Adds the names one module-level statement binds; `None` for a binding gatelint cannot follow.
fn python_statement(statement: Node<'_>, text: &str, names: &mut Vec<Symbol>) -> Option<()> {
    match statement.kind() {
        "function_definition" => {
            names.extend(
                statement
                    .child_by_field_name("name")
                    .map(|n| function_symbol(n, text)),
            );
        }
        "class_definition" => {
            names.extend(
                statement
                    .child_by_field_name("name")
                    .map(|n| symbol(n, text)),
            );
        }
        "decorated_definition" => {
            if let Some(definition) = statement.child_by_field_name("definition") {
                python_statement(definition, text, names)?;
            }
        }
        "expression_statement" => {
            let mut cursor = statement.walk();
            for child in statement.named_children(&mut cursor) {
                if child.kind() == "assignment" {
                    collect_targets(child.child_by_field_name("left"), text, names);
                }
            }
        }
        "import_from_statement" => {
            let mut cursor = statement.walk();
            for child in statement.named_children(&mut cursor) {
                if child.kind() == "wildcard_import" {
                    return None;
                }
            }
            let mut cursor = statement.walk();
            for name in statement.children_by_field_name("name", &mut cursor) {
                let bound = match name.kind() {
                    "aliased_import" => name.child_by_field_name("alias"),
                    _ => Some(name),
                };
                names.extend(bound.map(|node| symbol(node, text)));
            }
        }
        "import_statement" => {
            let mut cursor = statement.walk();
            for name in statement.children_by_field_name("name", &mut cursor) {
                let bound = match name.kind() {
                    "aliased_import" => name.child_by_field_name("alias"),
                    _ => name.named_child(0),
                };
                names.extend(bound.map(|node| symbol(node, text)));
            }
        }
        // Definitions under `if`/`try` at module level: take every name any branch binds.
        "if_statement" | "try_statement" | "with_statement" | "block" | "else_clause"
        | "elif_clause" | "except_clause" | "finally_clause" => {
            let mut cursor = statement.walk();
            for child in statement.named_children(&mut cursor) {
                python_statement(child, text, names)?;
            }
        }
        _ => {}
    }
    Some(())
}

fn collect_targets(target: Option<Node<'_>>, text: &str, names: &mut Vec<Symbol>) {
    let Some(target) = target else {
        return;
    };
    match target.kind() {
        "identifier" => names.push(symbol(target, text)),
        "pattern_list" | "tuple_pattern" | "list_pattern" => {
            let mut cursor = target.walk();
            for child in target.named_children(&mut cursor) {
                collect_targets(Some(child), text, names);
            }
        }
        _ => {}
    }
}

fn javascript(root: Node<'_>, text: &str) -> Option<Vec<Symbol>> {
    let mut names = Vec::new();
    let mut saw_export = false;
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        match statement.kind() {
            "export_statement" => {
                saw_export = true;
                js_export(statement, text, &mut names)?;
            }
            "expression_statement" => {
                let Some(expression) = statement.named_child(0) else {
                    continue;
                };
                if expression.kind() != "assignment_expression" {
                    continue;
                }
                let (Some(left), Some(right)) = (
                    expression.child_by_field_name("left"),
                    expression.child_by_field_name("right"),
                ) else {
                    continue;
                };
                let target = &text[left.byte_range()];
                if target == "module.exports" {
                    saw_export = true;
                    // Only an object literal says which names are exported.
                    if right.kind() != "object" {
                        return None;
                    }
                    js_object_keys(right, text, &mut names)?;
                } else if let Some(name) = target
                    .strip_prefix("module.exports.")
                    .or_else(|| target.strip_prefix("exports."))
                {
                    saw_export = true;
                    let property = left.child_by_field_name("property").unwrap_or(left);
                    names.push(Symbol {
                        name: name.to_owned(),
                        range: TextRange::of_node(&property),
                        is_function: is_function_node(Some(right)),
                    });
                }
            }
            _ => {}
        }
    }
    // An export assigned below the top level (`if (inLambda) { exports.main = ... }`) may
    // exist: the names are not known.
    if assigns_nested_export(text, &names) {
        return None;
    }
    // A file that exports nothing gatelint recognises may still export through a pattern it does
    // not know (`Object.assign(exports, ...)`): do not claim to know its names.
    saw_export.then_some(names)
}

/// Whether the text assigns `exports.name = ...` for a name the top-level statements did not
/// export.
fn assigns_nested_export(text: &str, names: &[Symbol]) -> bool {
    text.match_indices("exports.").any(|(at, _)| {
        let rest = &text[at + "exports.".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            .collect();
        let after = rest[name.len()..].trim_start();
        !name.is_empty()
            && after.starts_with('=')
            && !after.starts_with("==")
            && !names.iter().any(|symbol| symbol.name == name)
    })
}

fn js_export(statement: Node<'_>, text: &str, names: &mut Vec<Symbol>) -> Option<()> {
    // `export * from "./x"` re-exports names the file does not list.
    if statement.child_by_field_name("source").is_some()
        && statement
            .named_children(&mut statement.walk())
            .all(|child| child.kind() != "export_clause")
    {
        return None;
    }
    // `export default function handler() {}` exports `default`, whatever the function's own name.
    let mut children = statement.walk();
    let default_declaration = statement
        .children(&mut children)
        .any(|child| child.kind() == "default")
        .then(|| statement.child_by_field_name("declaration"))
        .flatten();
    if let Some(declaration) = default_declaration {
        names.push(Symbol {
            name: "default".into(),
            range: TextRange::of_node(&declaration),
            is_function: declaration.kind().contains("function"),
        });
        return Some(());
    }
    if let Some(declaration) = statement.child_by_field_name("declaration") {
        match declaration.kind() {
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = declaration.walk();
                for declarator in declaration.named_children(&mut cursor) {
                    if let Some(name) = declarator
                        .child_by_field_name("name")
                        .filter(|name| name.kind() == "identifier")
                    {
                        names.push(Symbol {
                            is_function: is_function_node(declarator.child_by_field_name("value")),
                            ..symbol(name, text)
                        });
                    }
                }
            }
            kind => names.extend(declaration.child_by_field_name("name").map(|name| Symbol {
                is_function: kind.contains("function"),
                ..symbol(name, text)
            })),
        }
        return Some(());
    }
    let mut cursor = statement.walk();
    let mut is_default = false;
    for child in statement.children(&mut cursor) {
        match child.kind() {
            "default" => is_default = true,
            "export_clause" => {
                let mut specifiers = child.walk();
                for specifier in child.named_children(&mut specifiers) {
                    let exported = specifier
                        .child_by_field_name("alias")
                        .or_else(|| specifier.child_by_field_name("name"));
                    names.extend(exported.map(|name| symbol(name, text)));
                }
            }
            _ => {}
        }
    }
    if is_default {
        names.push(Symbol {
            name: "default".into(),
            range: TextRange::of_node(&statement),
            is_function: false,
        });
    }
    Some(())
}

fn js_object_keys(object: Node<'_>, text: &str, names: &mut Vec<Symbol>) -> Option<()> {
    let mut cursor = object.walk();
    for member in object.named_children(&mut cursor) {
        match member.kind() {
            "shorthand_property_identifier" => names.push(symbol(member, text)),
            "pair" | "method_definition" => {
                let key = member
                    .child_by_field_name("key")
                    .or_else(|| member.child_by_field_name("name"))?;
                let name = text[key.byte_range()].trim_matches(['"', '\'']).to_owned();
                names.push(Symbol {
                    name,
                    range: TextRange::of_node(&key),
                    is_function: member.kind() == "method_definition"
                        || is_function_node(member.child_by_field_name("value")),
                });
            }
            "comment" => {}
            // A spread or computed key: the names are not all known.
            _ => return None,
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(kind: FileKind, source: &str) -> Option<Vec<String>> {
        let document = crate::text::Document::new(Some(kind), source.to_owned());
        let tree = document.tree().expect("handler files are parsed");
        exported_names(kind, tree, source)
            .map(|symbols| symbols.into_iter().map(|symbol| symbol.name).collect())
    }

    #[test]
    fn python_module_level_names() {
        let source = "import json\nfrom x import a as b, c\n\n@wrap\ndef handler(e, c):\n    pass\n\nother = make()\ntry:\n    def late(): pass\nexcept ImportError:\n    pass\n";
        assert_eq!(
            names(FileKind::Python, source),
            Some(vec![
                "json".into(),
                "b".into(),
                "c".into(),
                "handler".into(),
                "other".into(),
                "late".into()
            ])
        );
        assert_eq!(names(FileKind::Python, "from x import *\n"), None);
    }

    #[test]
    fn javascript_exports() {
        let esm = "export const handler = async () => {};\nexport async function other() {}\nconst x = 1;\nexport { x as renamed };\n";
        assert_eq!(
            names(FileKind::JavaScript, esm),
            Some(vec!["handler".into(), "other".into(), "renamed".into()])
        );
        // Exported only when running in Lambda: which names exist is not known.
        let conditional =
            "export {};\nif (process.env.LAMBDA_TASK_ROOT) {\n  exports.main = (e: any) => e;\n}\n";
        assert_eq!(names(FileKind::TypeScript, conditional), None);
        let cjs = "exports.handler = async () => {};\nmodule.exports.second = f;\n";
        assert_eq!(
            names(FileKind::JavaScript, cjs),
            Some(vec!["handler".into(), "second".into()])
        );
        assert_eq!(
            names(
                FileKind::JavaScript,
                "module.exports = { handler, 'quoted': f };\n"
            ),
            Some(vec!["handler".into(), "quoted".into()])
        );
        assert_eq!(
            names(FileKind::JavaScript, "module.exports = require('./x');\n"),
            None
        );
        assert_eq!(names(FileKind::TypeScript, "export * from './x';\n"), None);
        assert_eq!(names(FileKind::JavaScript, "const a = 1;\n"), None);
        // A named default export is `default` to Lambda (`index.default`), not its own name.
        assert_eq!(
            names(
                FileKind::JavaScript,
                "export default async function handler() {}\n"
            ),
            Some(vec!["default".into()])
        );
    }
}
