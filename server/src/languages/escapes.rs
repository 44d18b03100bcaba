//! Failures a handler lets escape: `raise` (Python) and `throw` (JavaScript/TypeScript) written
//! in a handler's own body with no `try` around them that has an `except`/`catch`, the same inside
//! an `except`/`catch` block (a re-raise: the code saw the failure and chose to fail the
//! invocation, [`EscapeKind::Reraise`]), and Rust's `?` where it propagates an I/O or
//! request-parsing error out of a handler returning `Result`. Read for the error-handling rule;
//! one walk per handler, after the language module found the handlers.
//!
//! Deliberately narrow: statements in nested functions (closures, Rust `async` blocks) run
//! elsewhere; any `try` with an `except`/`catch` counts as handling what its body raises (the
//! exception types are not checked); raises in helpers are not followed; a raise under a test of
//! the HTTP method (`if event["httpMethod"] != "GET": raise ...`) guards a route the API never
//! sends another method to, so it is not read as reachable. In Rust only a `?` whose operand is
//! awaited (SDK `.send().await?`, HTTP clients, databases: a future in a handler is I/O) or parses
//! with `serde_json::from_str`/`from_slice`/`from_reader` or `lambda_http`'s `payload()` (the
//! request's body: a client's mistake) counts; a `?` on a builder or on serialising the handler's
//! own values fails only on a programming error, and `.unwrap()`/`panic!` are left alone for the
//! same reason (Rust writes them where failure is not expected).

use tree_sitter::Node;

use super::facts::{Escape, EscapeKind, FunctionId, HandlerBody, SourceFacts};
use crate::text::TextRange;

/// The syntax of one language, as far as this walk needs it.
struct Syntax {
    /// Node kinds whose bodies run elsewhere: the dialect's function kinds, and classes.
    functions: &'static [&'static str],
    classes: &'static [&'static str],
    raise: &'static str,
    /// A token every `raise` node's text holds (`raise`, `throw`, Rust's `?`): subtrees without
    /// it are skipped.
    raise_keyword: &'static str,
    try_statement: &'static str,
    /// The field or child kinds of a `try` that catch (its body is then protected).
    catch_kinds: &'static [&'static str],
    /// Node kinds of string literals that may span lines (re-indenting would change them).
    strings: &'static [&'static str],
    /// Whether a `raise` node lets a failure escape (Rust: which `?` operands count).
    escapes: fn(Node<'_>, &str) -> bool,
}

const PYTHON: Syntax = Syntax {
    functions: super::python::FUNCTION_KINDS,
    classes: &["class_definition"],
    raise: "raise_statement",
    raise_keyword: "raise",
    try_statement: "try_statement",
    catch_kinds: &["except_clause", "except_group_clause"],
    strings: &["string"],
    escapes: |_, _| true,
};

const JAVASCRIPT: Syntax = Syntax {
    functions: super::javascript::FUNCTION_KINDS,
    classes: &["class_declaration", "class"],
    raise: "throw_statement",
    raise_keyword: "throw",
    try_statement: "try_statement",
    catch_kinds: &["catch_clause"],
    strings: &["string", "template_string"],
    escapes: |_, _| true,
};

const RUST: Syntax = Syntax {
    // An `async` block is a future of its own: a `?` in it ends the block, not the handler.
    functions: &["function_item", "closure_expression", "async_block"],
    classes: &["impl_item", "trait_item", "mod_item"],
    raise: "try_expression",
    raise_keyword: "?",
    // Rust has no `try` statement: nothing catches a `?` but the function it returns from.
    try_statement: "",
    catch_kinds: &[],
    strings: &["string_literal", "raw_string_literal"],
    escapes: propagates_failure,
};

/// Python: escaping `raise` statements of every handler.
pub fn collect_python(root: Node<'_>, text: &str, facts: &mut SourceFacts) {
    collect(root, text, facts, &PYTHON, |function, text| {
        // A decorator may catch what the handler raises; only well-known ones that re-raise are
        // transparent.
        let decorated = function
            .parent()
            .filter(|parent| parent.kind() == "decorated_definition");
        if decorated.is_some_and(|decorated| has_opaque_decorator(decorated, text)) {
            return None;
        }
        let block = function.child_by_field_name("body")?;
        python_body(function, block, text)
    });
}

/// JavaScript/TypeScript: escaping `throw` statements of every handler, and errors a callback
/// handler passes to its callback.
pub fn collect_javascript(root: Node<'_>, text: &str, facts: &mut SourceFacts) {
    collect(root, text, facts, &JAVASCRIPT, |function, text| {
        let block = function.child_by_field_name("body")?;
        if block.kind() != "statement_block" {
            return None;
        }
        javascript_body(function, block, text)
    });
    let mut failures = Vec::new();
    for (index, node) in handler_nodes(root, facts) {
        // Lambda's callback is the handler's third parameter.
        let callback = node
            .child_by_field_name("parameters")
            .and_then(|parameters| parameters.named_child(2))
            .filter(|parameter| parameter.kind() == "identifier")
            .map(|parameter| &text[parameter.byte_range()]);
        let (Some(callback), Some(body)) = (callback, node.child_by_field_name("body")) else {
            continue;
        };
        let mut calls = Vec::new();
        callback_errors(body, text, callback, &mut calls);
        failures.extend(calls.into_iter().map(|call| Escape {
            range: TextRange::of_node(&call),
            handler: FunctionId(index),
            kind: EscapeKind::CallbackError,
            serves_http: false,
            body: None,
        }));
    }
    facts.escapes.extend(failures);
}

/// The handlers of a file, by index into `facts.functions`, with their definition nodes.
fn handler_nodes<'t>(root: Node<'t>, facts: &SourceFacts) -> Vec<(usize, Node<'t>)> {
    facts
        .functions
        .iter()
        .enumerate()
        .filter(|(_, function)| function.role.is_handler())
        .filter_map(|(index, function)| {
            let node = root
                .descendant_for_byte_range(function.range.start, function.range.end)
                .filter(|node| TextRange::of_node(node) == function.range)?;
            Some((index, node))
        })
        .collect()
}

/// Calls of `callback` under `node`, outside nested functions, whose first argument is an error
/// (anything but `null`/`undefined`): `callback(err)`, `callback(new Error('...'))`.
fn callback_errors<'t>(node: Node<'t>, text: &str, callback: &str, calls: &mut Vec<Node<'t>>) {
    if !super::mentions(node, text, &[callback]) {
        return;
    }
    if JAVASCRIPT.functions.contains(&node.kind()) || JAVASCRIPT.classes.contains(&node.kind()) {
        return;
    }
    if node.kind() == "call_expression" {
        let callee = node
            .child_by_field_name("function")
            .map(|callee| &text[callee.byte_range()]);
        let first = node
            .child_by_field_name("arguments")
            .and_then(|arguments| arguments.named_child(0));
        if callee == Some(callback) {
            if let Some(first) = first {
                let value = &text[first.byte_range()];
                if !matches!(value, "null" | "undefined" | "void 0") {
                    calls.push(node);
                }
            }
            return;
        }
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        callback_errors(child, text, callback, calls);
    }
}

/// Rust: `?` that propagates an I/O or request-parsing error out of a handler returning `Result`.
/// `serves_http` says which handlers an HTTP adapter (`lambda_http`) runs or are typed for API
/// Gateway.
pub fn collect_rust(
    root: Node<'_>,
    text: &str,
    facts: &mut SourceFacts,
    serves_http: impl Fn(FunctionId) -> bool,
) {
    let before = facts.escapes.len();
    collect(root, text, facts, &RUST, |function, text| {
        let returns = function.child_by_field_name("return_type")?;
        let returns = &text[returns.byte_range()];
        let outer = returns.split('<').next().unwrap_or(returns).trim();
        if outer != "Result" && !outer.ends_with("::Result") {
            return None;
        }
        // Never wrapped: the code chose `Result`, and a fix would have to pick a response type.
        Some((function.child_by_field_name("body")?, None))
    });
    for escape in &mut facts.escapes[before..] {
        escape.kind = EscapeKind::Propagate;
        escape.serves_http = serves_http(escape.handler);
    }
}

/// Whether a Rust `?` propagates a failure worth reporting: its operand (seen through
/// `.map_err(..)`, `.context(..)` and parentheses) is awaited, or parses the request
/// (`serde_json::from_str`/`from_slice`/`from_reader`, `lambda_http`'s `.payload()`).
fn propagates_failure(node: Node<'_>, text: &str) -> bool {
    let mut operand = node.named_child(0);
    for _ in 0..super::pipeline::MAX_DEPTH {
        let Some(current) = operand else {
            return false;
        };
        match current.kind() {
            "await_expression" => return true,
            "parenthesized_expression" => operand = current.named_child(0),
            "call_expression" => {
                let Some(function) = current.child_by_field_name("function") else {
                    return false;
                };
                if function.kind() == "field_expression" {
                    let method = function
                        .child_by_field_name("field")
                        .map_or("", |field| &text[field.byte_range()]);
                    match method {
                        "map_err" | "context" | "with_context" => {
                            operand = function.child_by_field_name("value");
                            continue;
                        }
                        "payload" => return true,
                        _ => return false,
                    }
                }
                let callee = &text[function.byte_range()];
                let callee = callee.split("::<").next().unwrap_or(callee);
                return matches!(
                    callee,
                    "serde_json::from_str" | "serde_json::from_slice" | "serde_json::from_reader"
                );
            }
            _ => return false,
        }
    }
    false
}

/// Whether a `decorated_definition` has a decorator that is not known to be transparent (it
/// may catch what the function raises, or change what it returns).
pub(super) fn has_opaque_decorator(decorated: Node<'_>, text: &str) -> bool {
    let mut cursor = decorated.walk();
    let opaque = decorated
        .named_children(&mut cursor)
        .filter(|child| child.kind() == "decorator")
        .any(|decorator| !is_transparent_decorator(&text[decorator.byte_range()]));
    opaque
}

/// Decorators that log, trace or measure and re-raise what the handler raises.
fn is_transparent_decorator(decorator: &str) -> bool {
    [
        "inject_lambda_context",
        "capture_lambda_handler",
        "log_metrics",
        "xray_recorder.capture",
    ]
    .iter()
    .any(|name| decorator.contains(name))
}

/// `body_of` returns the function's body block and its fix layout (`None` inside: no fix), or
/// `None` outright when the handler must not be read at all.
fn collect<'t>(
    root: Node<'t>,
    text: &str,
    facts: &mut SourceFacts,
    syntax: &Syntax,
    body_of: impl Fn(Node<'t>, &str) -> Option<(Node<'t>, Option<HandlerBody>)>,
) {
    for (index, node) in handler_nodes(root, facts) {
        let Some((block, mut body)) = body_of(node, text) else {
            continue;
        };
        if body.is_some() && has_multiline_string(block, text, syntax) {
            body = None;
        }
        let mut raises = Vec::new();
        walk(block, text, syntax, false, &mut raises);
        facts
            .escapes
            .extend(raises.into_iter().map(|(raise, in_catch)| Escape {
                range: TextRange::of_node(&raise),
                handler: FunctionId(index),
                kind: if in_catch {
                    EscapeKind::Reraise
                } else {
                    EscapeKind::Raise
                },
                serves_http: false,
                // The code chose to fail in its `except`/`catch`: wrapping it would undo that.
                body: if in_catch { None } else { body.clone() },
            }));
    }
}

/// Collects the escaping raises under `node`, each with whether it stands in an
/// `except`/`catch` block.
fn walk<'t>(
    node: Node<'t>,
    text: &str,
    syntax: &Syntax,
    in_catch: bool,
    raises: &mut Vec<(Node<'t>, bool)>,
) {
    if !super::mentions(node, text, &[syntax.raise_keyword]) {
        return;
    }
    if syntax.functions.contains(&node.kind()) || syntax.classes.contains(&node.kind()) {
        return;
    }
    if node.kind() == "if_statement" && is_method_guard(node, text) {
        return;
    }
    if node.kind() == syntax.raise && (syntax.escapes)(node, text) {
        raises.push((node, in_catch));
        // A Rust `?` may hold another in its operand; the outer one is reported.
        return;
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
    if node.kind() == syntax.try_statement {
        let catches = children
            .iter()
            .any(|child| syntax.catch_kinds.contains(&child.kind()));
        if catches {
            // The protected body is skipped; what the handlers raise escapes as a re-raise;
            // `else`/`finally` still escape.
            let body = node.child_by_field_name("body").map(|body| body.id());
            for child in children {
                if Some(child.id()) != body {
                    let handler = syntax.catch_kinds.contains(&child.kind());
                    walk(child, text, syntax, in_catch || handler, raises);
                }
            }
            return;
        }
    }
    for child in children {
        walk(child, text, syntax, in_catch, raises);
    }
}

/// Whether an `if` tests the request's HTTP method or route (`event["httpMethod"]`,
/// `requestContext.http.method`, a `method` variable, `routeKey`, `resource`, `path`): API Gateway
/// sends the handler only the methods and paths its routes declare, so the branch for the others
/// (a `raise`, or no `else` at all) never runs.
pub(super) fn is_method_guard(node: Node<'_>, text: &str) -> bool {
    node.child_by_field_name("condition")
        .is_some_and(|condition| {
            let condition = text[condition.byte_range()].to_ascii_lowercase();
            ["method", "routekey", "resource", "path"]
                .iter()
                .any(|marker| condition.contains(marker))
        })
}

fn has_multiline_string(node: Node<'_>, text: &str, syntax: &Syntax) -> bool {
    // Rows advance at line feeds only: a node without one spans no lines.
    if !super::mentions(node, text, &["\n"]) {
        return false;
    }
    if syntax.strings.contains(&node.kind()) && node.start_position().row != node.end_position().row
    {
        return true;
    }
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .any(|child| has_multiline_string(child, text, syntax));
    found
}

/// The start of the line holding `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |newline| newline + 1)
}

/// The whitespace before `node` on its line, when only whitespace precedes it.
fn indentation(node: Node<'_>, text: &str) -> Option<String> {
    let prefix = &text[line_start(text, node.start_byte())..node.start_byte()];
    prefix
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then(|| prefix.to_owned())
}

fn layout(function: Node<'_>, first: Node<'_>, last: Node<'_>, text: &str) -> Option<HandlerBody> {
    let indent = indentation(first, text)?;
    // The indentation of the line the function starts on (`def`, `export const handler = ...`).
    let outer_start = line_start(text, function.start_byte());
    let outer: String = text[outer_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let unit = indent.strip_prefix(outer.as_str())?.to_owned();
    if unit.is_empty() {
        return None;
    }
    Some(HandlerBody {
        range: TextRange::new(line_start(text, first.start_byte()), last.end_byte()),
        indent,
        unit,
    })
}

fn python_body<'t>(
    function: Node<'t>,
    block: Node<'t>,
    text: &str,
) -> Option<(Node<'t>, Option<HandlerBody>)> {
    let mut cursor = block.walk();
    let statements: Vec<Node<'t>> = block.named_children(&mut cursor).collect();
    let is_docstring = |node: &Node<'_>| {
        node.kind() == "expression_statement"
            && node.named_child_count() == 1
            && node
                .named_child(0)
                .is_some_and(|child| child.kind() == "string")
    };
    let first = statements
        .iter()
        .position(|statement| !is_docstring(statement))
        .and_then(|at| statements.get(at));
    let layout = match (first, statements.last()) {
        // `def handler(event, context): return ...` on one line cannot be wrapped line-wise.
        (Some(first), Some(last)) if first.start_position().row > function.start_position().row => {
            layout(function, *first, *last, text)
        }
        _ => None,
    };
    Some((block, layout))
}

fn javascript_body<'t>(
    function: Node<'t>,
    block: Node<'t>,
    text: &str,
) -> Option<(Node<'t>, Option<HandlerBody>)> {
    // Only an `async` handler answers through `return`; a callback handler needs `callback(...)`.
    let is_async = function
        .child(0)
        .is_some_and(|child| child.kind() == "async");
    let mut cursor = block.walk();
    let statements: Vec<Node<'t>> = block.named_children(&mut cursor).collect();
    let layout = match (statements.first(), statements.last()) {
        (Some(first), Some(last))
            if is_async
                && first.start_position().row > block.start_position().row
                && last.end_position().row < block.end_position().row =>
        {
            layout(function, *first, *last, text)
        }
        _ => None,
    };
    Some((block, layout))
}
