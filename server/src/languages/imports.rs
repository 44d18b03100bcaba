//! The modules a handler file imports when Lambda loads it: Python `import x` / `from x import y`
//! and JavaScript `import ... from 'x'`, `export ... from 'x'` and `require('x')` written at the
//! file's top level. An import inside a function, a `try`, an `if` or a conditional expression
//! runs only maybe (or its failure is caught), so it is not one of them.

use tree_sitter::{Node, Tree};

use super::facts::Import;
use crate::files::FileKind;
use crate::text::TextRange;

/// Nodes below which a `require(...)` runs only maybe: later (functions, classes' methods) or
/// under a condition.
const DEFERRED_JAVASCRIPT: &[&str] = &[
    "function_expression",
    "function_declaration",
    "generator_function",
    "generator_function_declaration",
    "arrow_function",
    "method_definition",
    "class_body",
    "ternary_expression",
    "binary_expression",
    "augmented_assignment_expression",
    "statement_block",
];

/// Texts that change where imports are looked up: with one, what an import finds is unknown.
const IMPORT_PATH_CHANGES: &[&str] = &[
    "sys.path",
    "site.addsitedir",
    "NODE_PATH",
    "module.paths",
    "app-module-path",
];

/// The imports that run when the file is loaded, in document order; none when the file changes
/// where imports are looked up (`sys.path`, `NODE_PATH`).
pub fn collect(kind: FileKind, tree: &Tree, text: &str) -> Vec<Import> {
    if IMPORT_PATH_CHANGES
        .iter()
        .any(|change| text.contains(change))
    {
        return Vec::new();
    }
    let root = tree.root_node();
    let mut found = Vec::new();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        match kind {
            FileKind::Python => python_statement(statement, text, &mut found),
            FileKind::JavaScript | FileKind::TypeScript | FileKind::Tsx => {
                javascript_statement(statement, text, &mut found)
            }
            FileKind::Rust
            | FileKind::YamlTemplate
            | FileKind::JsonTemplate
            | FileKind::Terraform => return found,
        }
    }
    found
}

/// JavaScript: the first statement at the top level that only an ES module may hold (`import`
/// other than TypeScript's `import x = require()`, `export`).
pub fn module_syntax(kind: FileKind, tree: &Tree) -> Option<TextRange> {
    if kind != FileKind::JavaScript {
        return None;
    }
    let root = tree.root_node();
    let mut cursor = root.walk();
    let first = root
        .named_children(&mut cursor)
        .find(|statement| matches!(statement.kind(), "import_statement" | "export_statement"));
    // Its keyword (`import`, `export`): the statement itself may span the file.
    first
        .and_then(|statement| statement.child(0))
        .map(|keyword| TextRange::of_node(&keyword))
}

fn push(found: &mut Vec<Import>, node: Node<'_>, text: &str) {
    let range = TextRange::of_node(&node);
    let module = range.slice(text).to_owned();
    if !module.is_empty() {
        found.push(Import {
            module,
            range,
            members: Vec::new(),
        });
    }
}

/// `import a.b, c as d` and `from a.b import c` (`from . import x` is local: recorded with its
/// dots, which no package name has).
fn python_statement(statement: Node<'_>, text: &str, found: &mut Vec<Import>) {
    match statement.kind() {
        "import_statement" => {
            let mut cursor = statement.walk();
            for name in statement.children_by_field_name("name", &mut cursor) {
                let module = match name.kind() {
                    "aliased_import" => name.child_by_field_name("name"),
                    _ => Some(name),
                };
                if let Some(module) = module {
                    push(found, module, text);
                }
            }
        }
        "import_from_statement" => {
            if let Some(module) = statement.child_by_field_name("module_name") {
                push(found, module, text);
                let mut cursor = statement.walk();
                let members: Vec<String> = statement
                    .children_by_field_name("name", &mut cursor)
                    .filter_map(|name| match name.kind() {
                        "aliased_import" => name.child_by_field_name("name"),
                        _ => Some(name),
                    })
                    .map(|name| TextRange::of_node(&name).slice(text).to_owned())
                    .collect();
                if let Some(last) = found.last_mut() {
                    last.members = members;
                }
            }
        }
        _ => {}
    }
}

/// `import x from 'm'`, `import 'm'`, `export { x } from 'm'` and the `require('m')` calls of a
/// top-level statement that run with it. TypeScript's `import type` loads nothing.
fn javascript_statement(statement: Node<'_>, text: &str, found: &mut Vec<Import>) {
    match statement.kind() {
        "import_statement" | "export_statement" => {
            let type_only = {
                let mut cursor = statement.walk();
                let only = statement
                    .children(&mut cursor)
                    .take(2)
                    .any(|child| child.kind() == "type");
                only
            };
            if let Some(source) = statement.child_by_field_name("source") {
                if !type_only {
                    push_string(found, source, text);
                }
            } else if statement.kind() == "export_statement" {
                // `export const s3 = require('aws-sdk')`.
                requires_within(statement, text, found, 0);
            }
        }
        "expression_statement" | "lexical_declaration" | "variable_declaration"
            if super::mentions(statement, text, &["require"]) =>
        {
            requires_within(statement, text, found, 0);
        }
        _ => {}
    }
}

/// The `require('m')` calls under `node` that run when it does (not in a nested function or
/// under a condition), bounded in depth like every walk.
fn requires_within(node: Node<'_>, text: &str, found: &mut Vec<Import>, depth: usize) {
    if depth > super::pipeline::MAX_DEPTH * 4 || DEFERRED_JAVASCRIPT.contains(&node.kind()) {
        return;
    }
    if node.kind() == "call_expression" {
        let callee = node.child_by_field_name("function");
        let arguments = node.child_by_field_name("arguments");
        if let (Some(callee), Some(arguments)) = (callee, arguments) {
            if callee.kind() == "identifier" && TextRange::of_node(&callee).slice(text) == "require"
            {
                let mut cursor = arguments.walk();
                let listed: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
                if let [only] = listed.as_slice() {
                    if only.kind() == "string" {
                        push_string(found, *only, text);
                    }
                }
                return;
            }
        }
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if super::mentions(child, text, &["require"]) {
            requires_within(child, text, found, depth + 1);
        }
    }
}

/// A string literal's content (between its quotes).
fn push_string(found: &mut Vec<Import>, string: Node<'_>, text: &str) {
    if string.kind() != "string" {
        return;
    }
    let range = TextRange::of_node(&string);
    if range.len() < 2 {
        return;
    }
    let inner = TextRange::new(range.start + 1, range.end - 1);
    let module = inner.slice(text);
    if !module.is_empty() && !module.contains(['\\', '\n']) {
        found.push(Import {
            module: module.to_owned(),
            range: inner,
            members: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(kind: FileKind, text: &str) -> Vec<String> {
        let tree = crate::text::parse(kind, text, None).expect("parses");
        collect(kind, &tree, text)
            .into_iter()
            .map(|import| import.module)
            .collect()
    }

    #[test]
    fn python_top_level_imports_only() {
        let text = "import os, requests as r\nfrom yaml import safe_load\nfrom . import models\nfrom .util import x\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\nif TYPE_CHECKING:\n    import mypy_boto3_s3\ndef handler(event, context):\n    import pandas\n";
        assert_eq!(
            modules(FileKind::Python, text),
            ["os", "requests", "yaml", ".", ".util"]
        );
    }

    #[test]
    fn javascript_loaded_imports_only() {
        let text = "import AWS from 'aws-sdk';\nimport './side';\nexport { a } from \"lib\";\nconst S3 = require('aws-sdk/clients/s3');\nconst { v4 } = require('uuid').v4;\nconst maybe = process.env.X ? require('x') : null;\nfunction later() { return require('later'); }\ntry { require('optional'); } catch (e) {}\nconst lazy = () => import('dynamic');\nrequire(name);\n";
        assert_eq!(
            modules(FileKind::JavaScript, text),
            ["aws-sdk", "./side", "lib", "aws-sdk/clients/s3", "uuid"]
        );
    }

    #[test]
    fn typescript_type_imports_load_nothing() {
        let text = "import type { Handler } from 'aws-lambda';\nimport { S3 } from 'aws-sdk';\n";
        assert_eq!(modules(FileKind::TypeScript, text), ["aws-sdk"]);
    }
}
