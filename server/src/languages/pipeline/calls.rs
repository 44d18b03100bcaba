//! The file's call graph: which of its named functions call which others by a plain name, so
//! that the timing rules can follow a handler into its helpers. One reading for every language,
//! from the captures of each dialect's `calls.scm`:
//!
//! - `@call` with `@callee`: a call of a plain name (`helper(...)`);
//! - `@awaited`: a call whose result the caller waits for (`await helper(...)`,
//!   `helper().await`, and in JavaScript `return helper(...)`, which the runtime awaits);
//! - `@loop`: a loop, whose constant bound (read by `timing::loop_bound`) multiplies the calls in
//!   its body.
//!
//! A call counts only when it surely runs before its caller goes on: it is made in the caller's
//! own body (a call in a nested function, lambda or callback runs whenever that is called, which
//! the file does not say), and an async callee is awaited (an unawaited coroutine or future does
//! not run, and an unawaited promise does not hold the response). Its callee must be known: one
//! definition of the name, not rebound (a parameter or an assignment of the same name) in a scope
//! around the call.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::bindings::Bindings;
use super::scopes::ScopeIndex;
use crate::languages::facts::{CallGraph, Definition, LocalCall, SourceFacts};
use crate::languages::query::{Matches, QueryFile};
use crate::text::TextRange;

/// Builds the call graph of `definitions` (function nodes with their names, in document order)
/// from the captures of `file`, and attributes the file's waits and untimed calls to the
/// definition whose own body makes them.
pub(in crate::languages) fn build<'t>(
    facts: &mut SourceFacts,
    definitions: &[(Node<'t>, &'t str)],
    matches: &Matches<'_, 't>,
    file: QueryFile,
    scopes: &ScopeIndex,
    bindings: &Bindings<'t>,
    text: &'t str,
) {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for (_, name) in definitions {
        *count.entry(name).or_default() += 1;
    }
    // A name defined twice is ambiguous: which definition runs depends on the order of execution.
    let by_name: HashMap<&str, usize> = definitions
        .iter()
        .enumerate()
        .filter(|(_, (_, name))| count[name] == 1)
        .map(|(index, (_, name))| (*name, index))
        .collect();
    let by_node: HashMap<usize, usize> = definitions
        .iter()
        .enumerate()
        .map(|(index, (node, _))| (node.id(), index))
        .collect();
    let mut sites = Vec::new();
    let mut awaited = HashSet::new();
    let mut loops = Vec::new();
    matches.each(file, |captures| {
        if let (Some(call), Some(callee)) = (captures.get("call"), captures.get("callee")) {
            sites.push((call, callee));
        }
        if let Some(call) = captures.get("awaited") {
            awaited.insert(call.id());
        }
        if let Some(node) = captures.get("loop") {
            loops.push(node);
        }
    });
    // The constant-bound loops, with their bodies and the definition whose body runs them.
    let loops: Vec<(TextRange, u64, Option<usize>)> = loops
        .into_iter()
        .filter_map(|node| {
            let bound = super::super::timing::loop_bound(facts.language, node, text)?;
            let body = node.child_by_field_name("body")?;
            (bound > 1).then(|| {
                (
                    TextRange::of_node(&body),
                    bound,
                    scopes.enclosing_function(node),
                )
            })
        })
        .collect();
    let mut calls = Vec::new();
    for (call, callee) in sites {
        let name = TextRange::of_node(&callee).slice(text);
        let Some(&target) = by_name.get(name) else {
            continue;
        };
        let Some(caller_node) = scopes.enclosing_function(call) else {
            continue;
        };
        let Some(&caller) = by_node.get(&caller_node) else {
            continue;
        };
        let (definition, _) = definitions[target];
        if caller == target
            || (is_async(definition, text) && !awaited.contains(&call.id()))
            || binds_parameter(definitions[caller].0, name, text)
            || bindings.rebinds(scopes, call, name, definition.id())
        {
            continue;
        }
        let range = TextRange::of_node(&call);
        let repeats = loops
            .iter()
            .filter(|(body, _, function)| {
                *function == Some(caller_node) && body.start <= range.start && range.end <= body.end
            })
            .fold(1u64, |repeats, (_, bound, _)| {
                repeats.saturating_mul(*bound)
            });
        calls.push(LocalCall {
            caller,
            callee: target,
            range,
            repeats,
        });
    }
    let owner = |range: TextRange| by_node.get(&scopes.enclosing_function_of(range)?).copied();
    for wait in &mut facts.waits {
        wait.function = owner(wait.range);
    }
    for call in &mut facts.untimed_calls {
        call.function = owner(call.range);
    }
    facts.calls = CallGraph {
        definitions: definitions
            .iter()
            .map(|(node, name)| Definition {
                name: (*name).to_owned(),
                range: TextRange::of_node(node),
            })
            .collect(),
        calls,
    };
}

/// Whether a function is declared `async`: the keyword stands before its parameters (`async def`,
/// `async function`, `async (x) =>`, `pub async fn`).
fn is_async(function: Node<'_>, text: &str) -> bool {
    let parameters = function
        .child_by_field_name("parameters")
        .or_else(|| function.child_by_field_name("parameter"));
    let end = parameters.map_or(function.end_byte(), |parameters| parameters.start_byte());
    let head = &text[function.start_byte()..end];
    head.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == "async")
}

/// Whether `function` has a parameter called `name` (which shadows a function of that name).
fn binds_parameter(function: Node<'_>, name: &str, text: &str) -> bool {
    let Some(parameters) = function
        .child_by_field_name("parameters")
        .or_else(|| function.child_by_field_name("parameter"))
    else {
        return false;
    };
    let mut stack = vec![parameters];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier" && &text[node.byte_range()] == name {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::files::FileKind;
    use crate::languages::{extract, SourceFacts};
    use crate::text::Document;

    fn facts(kind: FileKind, source: &str) -> SourceFacts {
        let document = Document::new(Some(kind), source.to_owned());
        extract(kind, document.tree().expect("parsed"), source).expect("handler facts")
    }

    /// The names reached from `from`, with the repeats of their paths.
    fn reached(facts: &SourceFacts, from: &str) -> Vec<(String, u64)> {
        let graph = &facts.calls;
        let start = graph
            .definitions
            .iter()
            .position(|definition| definition.name == from)
            .expect("a definition");
        graph
            .reached_from(start)
            .into_iter()
            .map(|(to, path)| (graph.definitions[to].name.clone(), path.repeats))
            .collect()
    }

    #[test]
    fn follows_calls_through_cycles_and_loops() {
        let source = "def a():\n    for _ in range(3):\n        b()\n\ndef b():\n    a()\n    c()\n\ndef c():\n    b()\n\ndef handler(event, context):\n    a()\n";
        let facts = facts(FileKind::Python, source);
        assert_eq!(
            reached(&facts, "handler"),
            vec![("a".into(), 1), ("b".into(), 3), ("c".into(), 3)]
        );
        assert_eq!(reached(&facts, "c"), vec![("b".into(), 1), ("a".into(), 1)]);
    }

    #[test]
    fn stops_at_the_depth_bound() {
        let mut source = String::from("def handler(event, context):\n    f0()\n");
        for index in 0..20 {
            source.push_str(&format!("\ndef f{index}():\n    f{}()\n", index + 1));
        }
        let facts = facts(FileKind::Python, &source);
        assert_eq!(reached(&facts, "handler").len(), super::super::MAX_DEPTH);
    }

    #[test]
    fn skips_callbacks_unawaited_async_callees_and_ambiguous_names() {
        let source = "async function slow() {}\nfunction twice() {}\nfunction twice() {}\nfunction plain() {}\nexport const handler = async (event) => {\n  slow();\n  [1].map(() => plain());\n  twice();\n  return plain();\n};\n";
        let facts = facts(FileKind::JavaScript, source);
        assert_eq!(reached(&facts, "handler"), vec![("plain".into(), 1)]);
        let awaited = "async function slow() {}\nexport const handler = async (event) => {\n  for (let i = 0; i < 4; i++) {\n    await slow();\n  }\n};\n";
        let facts = self::facts(FileKind::JavaScript, awaited);
        assert_eq!(reached(&facts, "handler"), vec![("slow".into(), 4)]);
    }

    #[test]
    fn rust_awaits_and_loops() {
        let source = "async fn slow() {}\nfn settle() {}\nasync fn handler(event: Request) {\n    tokio::spawn(slow());\n    for _ in 0..5 {\n        settle();\n    }\n    slow().await;\n}\n";
        let facts = facts(FileKind::Rust, source);
        assert_eq!(
            reached(&facts, "handler"),
            vec![("settle".into(), 5), ("slow".into(), 1)]
        );
    }
}
