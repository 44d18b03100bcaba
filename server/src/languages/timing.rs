//! How long handler code may wait, for the timeout rules: constant waits in JavaScript/TypeScript
//! (`await new Promise((r) => setTimeout(r, 12000))`, a local `sleep(ms)` helper, `await
//! setTimeout(ms)` from `timers/promises`) and Rust (`tokio::time::sleep(Duration::from_secs(12))`,
//! `std::thread::sleep`) and Python (`time.sleep(N)`), multiplied through constant-bound loops
//! (one walk, [`WaitSyntax`] per language); and HTTP calls
//! that have no timeout at all (Python `requests`/`urlopen`, Node `fetch`/`axios`).

use std::collections::HashSet;

use tree_sitter::Node;

use super::facts::{SourceFacts, UntimedCall, Wait};
use crate::text::TextRange;

fn text_of<'t>(node: Node<'_>, text: &'t str) -> &'t str {
    &text[node.byte_range()]
}

fn push_wait(waits: &mut Vec<Wait>, node: Node<'_>, text: &str, seconds: f64, repeats: u64) {
    waits.push(Wait {
        range: TextRange::of_node(&node),
        call: text_of(node, text).to_owned(),
        seconds: seconds * repeats as f64,
        repeats,
        function: None,
    });
}

fn number(node: Node<'_>, text: &str) -> Option<f64> {
    text_of(node, text).replace('_', "").parse::<f64>().ok()
}

// ---------------------------------------------------------------- JavaScript / TypeScript waits

/// JavaScript/TypeScript: constant waits and untimed HTTP calls.
pub fn collect_javascript(root: Node<'_>, text: &str, facts: &mut SourceFacts) {
    let sleepers = javascript_sleep_helpers(root, text);
    javascript_waits(root, text, &sleepers, 1, &mut facts.waits);
    // A client configured once (`axios.create({ timeout })`, `axios.defaults.timeout = ...`)
    // bounds every call; the file's calls are then left alone.
    let axios_configured = text.contains("axios.defaults.timeout") || text.contains("timeout:");
    let aliases = axios_aliases(text);
    javascript_untimed(
        root,
        text,
        &Untimed {
            axios_configured,
            aliases: &aliases,
            root,
        },
        &mut facts.untimed_calls,
    );
}

/// The names other than `axios` the file binds axios's default export to: `const http =
/// require('axios')`, `import client from "axios"`.
fn axios_aliases(text: &str) -> Vec<String> {
    let mut aliases = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let imports_axios = ["'axios'", "\"axios\"", "`axios`"]
            .iter()
            .any(|module| line.contains(module));
        if !imports_axios {
            continue;
        }
        let name = if let Some(rest) = line.strip_prefix("import ") {
            rest.split([' ', ',']).next()
        } else {
            ["const ", "let ", "var "]
                .iter()
                .find_map(|keyword| line.strip_prefix(keyword))
                .filter(|rest| rest.contains("require("))
                .and_then(|rest| rest.split([' ', '=']).next())
        };
        let is_identifier = |name: &str| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        };
        if let Some(name) = name.filter(|name| is_identifier(name) && *name != "axios") {
            aliases.push(name.to_owned());
        }
    }
    aliases
}

/// What the walk for untimed JavaScript calls knows of the file.
struct Untimed<'a> {
    /// A client configured once (`axios.create({ timeout })`): every call is left alone.
    axios_configured: bool,
    /// Other names of axios in the file.
    aliases: &'a [String],
    /// The file's tree, where the name of a URL is looked up.
    root: Node<'a>,
}

/// URL prefixes of the function's own execution environment. In Lambda, `localhost` is the
/// sandbox the function runs in: what answers there is an extension the function ships (the
/// AppConfig agent on port 2772, the Parameters and Secrets extension on 2773), not a remote
/// server that may hang; a call to it is not reported as waiting on a server.
const LOCAL_URL_PREFIXES: &[&str] = &[
    "http://localhost",
    "https://localhost",
    "http://127.0.0.1",
    "https://127.0.0.1",
];

/// Whether a call's URL argument surely names the execution environment itself: a string
/// (template string, f-string) starting with a local prefix, a concatenation whose first part
/// does, or a name bound once in the file to one.
fn local_url(argument: Node<'_>, text: &str, root: Node<'_>, depth: usize) -> bool {
    if depth > 3 {
        return false;
    }
    match argument.kind() {
        "string" | "template_string" => {
            let literal = text_of(argument, text)
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .trim_start_matches(['"', '\'', '`']);
            LOCAL_URL_PREFIXES
                .iter()
                .any(|prefix| literal.starts_with(prefix))
        }
        "binary_expression" | "binary_operator" => {
            // `a + b + c` nests to the left: its first part is the leftmost operand.
            let mut first = argument;
            while matches!(first.kind(), "binary_expression" | "binary_operator") {
                match first.child_by_field_name("left") {
                    Some(left) => first = left,
                    None => return false,
                }
            }
            local_url(first, text, root, depth + 1)
        }
        "parenthesized_expression" => argument
            .named_child(0)
            .is_some_and(|inner| local_url(inner, text, root, depth + 1)),
        "identifier" => {
            let name = text_of(argument, text);
            let mut values = Vec::new();
            bound_values(root, text, name, &mut values);
            !values.is_empty()
                && values.len() <= 4
                && values
                    .iter()
                    .all(|value| local_url(*value, text, root, depth + 1))
        }
        _ => false,
    }
}

/// Every value a name is bound to in the file: `const NAME = value` (JavaScript) and
/// `NAME = value` (Python); a binding of any other form (an argument, a loop, a destructuring)
/// leaves the name's value unknown, and `values` then holds a `None`-like marker (the name node
/// itself, which is no local URL).
fn bound_values<'t>(node: Node<'t>, text: &str, name: &str, values: &mut Vec<Node<'t>>) {
    if values.len() > 4 {
        return;
    }
    let (target, value) = match node.kind() {
        "variable_declarator" => (
            node.child_by_field_name("name"),
            node.child_by_field_name("value"),
        ),
        "assignment" | "assignment_expression" | "augmented_assignment" => (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ),
        _ => (None, None),
    };
    if let Some(target) = target.filter(|target| text_of(*target, text) == name) {
        // An augmented assignment (`url += ...`) keeps the prefix; anything else replaces it.
        if node.kind() != "augmented_assignment" {
            values.push(value.unwrap_or(target));
        }
    } else if node.kind() == "formal_parameters"
        || node.kind() == "parameters"
        || node.kind() == "for_in_statement"
        || node.kind() == "for_statement"
    {
        // A parameter or loop variable of that name: a value from elsewhere.
        if super::mentions(node, text, &[name]) {
            let mut cursor = node.walk();
            let binds = node
                .named_children(&mut cursor)
                .any(|child| text_of(child, text) == name);
            if binds {
                values.push(node);
            }
        }
    }
    if !super::mentions(node, text, &[name]) {
        return;
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        bound_values(child, text, name, values);
    }
}

/// Names of local functions that wait their first parameter's milliseconds: a body that makes a
/// `new Promise` resolved by `setTimeout(resolve, ms)`.
fn javascript_sleep_helpers(root: Node<'_>, text: &str) -> HashSet<String> {
    let mut helpers = HashSet::new();
    // A helper's body holds `setTimeout(` once whitespace is taken out; so does the whole text
    // then. Most files have none: no walk.
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.contains("setTimeout(") {
        return helpers;
    }
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        let (name, function) = match node.kind() {
            "function_declaration" => (node.child_by_field_name("name"), Some(node)),
            "variable_declarator" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value").filter(|value| {
                    matches!(
                        value.kind(),
                        "arrow_function" | "function_expression" | "function"
                    )
                }),
            ),
            _ => continue,
        };
        let (Some(name), Some(function)) = (name, function) else {
            continue;
        };
        let Some(parameter) = first_parameter(function, text) else {
            continue;
        };
        let body = function
            .child_by_field_name("body")
            .map_or("", |body| text_of(body, text));
        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains("newPromise")
            && compact.contains(&format!(",{parameter})"))
            && compact.contains("setTimeout(")
        {
            helpers.insert(text_of(name, text).to_owned());
        }
    }
    helpers
}

fn first_parameter<'t>(function: Node<'_>, text: &'t str) -> Option<&'t str> {
    if let Some(parameter) = function.child_by_field_name("parameter") {
        return Some(text_of(parameter, text));
    }
    let parameters = function.child_by_field_name("parameters")?;
    let first = parameters.named_child(0)?;
    let name = match first.kind() {
        "required_parameter" | "optional_parameter" => first.child_by_field_name("pattern")?,
        _ => first,
    };
    (name.kind() == "identifier").then(|| text_of(name, text))
}

fn javascript_waits(
    node: Node<'_>,
    text: &str,
    sleepers: &HashSet<String>,
    repeats: u64,
    waits: &mut Vec<Wait>,
) {
    // Only an `await` waits.
    if !super::mentions(node, text, &["await"]) {
        return;
    }
    if let Some(millis) = javascript_wait_millis(node, text, sleepers) {
        push_wait(waits, node, text, millis / 1000.0, repeats);
        return;
    }
    let (loop_body, bound) = match node.kind() {
        "for_statement" => (
            node.child_by_field_name("body").map(|body| body.id()),
            counted_for_bound(node, text).unwrap_or(1),
        ),
        _ => (None, 1),
    };
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        let child_repeats = if Some(child.id()) == loop_body {
            repeats.saturating_mul(bound)
        } else {
            repeats
        };
        javascript_waits(child, text, sleepers, child_repeats, waits);
    }
}

/// Milliseconds an awaited expression surely waits: `await new Promise((r) => setTimeout(r, N))`,
/// `await sleep(N)` with a local helper, `await setTimeout(N)` (`timers/promises`).
fn javascript_wait_millis(node: Node<'_>, text: &str, sleepers: &HashSet<String>) -> Option<f64> {
    if node.kind() != "await_expression" {
        return None;
    }
    let awaited = node.named_child(0)?;
    match awaited.kind() {
        "new_expression" => {
            let constructor = awaited.child_by_field_name("constructor")?;
            if text_of(constructor, text) != "Promise" {
                return None;
            }
            let executor = awaited.child_by_field_name("arguments")?.named_child(0)?;
            let body = executor.child_by_field_name("body")?;
            // The executor's own `setTimeout(resolve, N)`.
            let call = if body.kind() == "call_expression" {
                body
            } else {
                let statement = body.named_child(0)?;
                if body.named_child_count() != 1 || statement.kind() != "expression_statement" {
                    return None;
                }
                statement.named_child(0)?
            };
            if call.kind() != "call_expression"
                || call
                    .child_by_field_name("function")
                    .map(|f| text_of(f, text))
                    != Some("setTimeout")
            {
                return None;
            }
            let delay = call.child_by_field_name("arguments")?.named_child(1)?;
            (delay.kind() == "number")
                .then(|| number(delay, text))
                .flatten()
        }
        "call_expression" => {
            let callee = text_of(awaited.child_by_field_name("function")?, text);
            if callee != "setTimeout" && !sleepers.contains(callee) {
                return None;
            }
            let delay = awaited.child_by_field_name("arguments")?.named_child(0)?;
            (delay.kind() == "number")
                .then(|| number(delay, text))
                .flatten()
        }
        _ => None,
    }
}

/// Iterations of `for (let i = A; i < B; i++)` with constant bounds.
fn counted_for_bound(node: Node<'_>, text: &str) -> Option<u64> {
    let initializer = node.child_by_field_name("initializer")?;
    let condition = node.child_by_field_name("condition")?;
    let declarator = if initializer.kind() == "variable_declarator" {
        initializer
    } else {
        initializer.named_child(0)?
    };
    let start = number(declarator.child_by_field_name("value")?, text)?;
    let comparison = if condition.kind() == "expression_statement" {
        condition.named_child(0)?
    } else {
        condition
    };
    if comparison.kind() != "binary_expression" {
        return None;
    }
    let operator = comparison.child_by_field_name("operator")?;
    let end = number(comparison.child_by_field_name("right")?, text)?;
    let count = match text_of(operator, text) {
        "<" => end - start,
        "<=" => end - start + 1.0,
        _ => return None,
    };
    (count >= 1.0 && count.fract() == 0.0 && count < 1e6).then_some(count as u64)
}

// ---------------------------------------------------------------- JavaScript untimed calls

const AXIOS_METHODS: &[(&str, usize)] = &[
    ("axios", 1),
    ("axios.get", 1),
    ("axios.delete", 1),
    ("axios.head", 1),
    ("axios.options", 1),
    ("axios.request", 0),
    ("axios.post", 2),
    ("axios.put", 2),
    ("axios.patch", 2),
];

fn javascript_untimed(
    node: Node<'_>,
    text: &str,
    file: &Untimed<'_>,
    calls: &mut Vec<UntimedCall>,
) {
    // Every callee looked for is `fetch` or names `axios` (or one of its other names).
    if !super::mentions(node, text, &["fetch", "axios"])
        && !file
            .aliases
            .iter()
            .any(|alias| super::mentions(node, text, &[alias.as_str()]))
    {
        return;
    }
    if node.kind() == "call_expression" {
        if let (Some(function), Some(arguments)) = (
            node.child_by_field_name("function"),
            node.child_by_field_name("arguments"),
        ) {
            let callee = text_of(function, text);
            let mut cursor = arguments.walk();
            let args: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
            let local = args
                .first()
                .is_some_and(|url| local_url(*url, text, file.root, 0));
            if callee == "fetch" && !args.is_empty() && !local {
                let bounded = match args.get(1) {
                    None => false,
                    Some(options) if options.kind() == "object" => {
                        has_key(*options, text, &["signal"])
                    }
                    // Options built elsewhere may carry a signal.
                    Some(_) => true,
                };
                if !bounded && !bounded_by_timer(node, text) {
                    calls.push(UntimedCall {
                        range: TextRange::of_node(&node),
                        callee: callee.to_owned(),
                        remedy: "pass `signal: AbortSignal.timeout(ms)`",
                        function: None,
                    });
                }
            }
            // `http.get(...)` where `http` is axios reads as `axios.get(...)`.
            let (root, member) = callee.split_once('.').unwrap_or((callee, ""));
            let as_axios = if file.aliases.iter().any(|alias| alias == root) {
                if member.is_empty() {
                    "axios".to_owned()
                } else {
                    format!("axios.{member}")
                }
            } else {
                callee.to_owned()
            };
            if let Some((_, config_at)) = AXIOS_METHODS.iter().find(|(name, _)| *name == as_axios) {
                if !file.axios_configured && !args.is_empty() && !local {
                    let config = args.get(*config_at);
                    let bounded = match config {
                        None => false,
                        Some(config) if config.kind() == "object" => {
                            has_key(*config, text, &["timeout", "signal"])
                        }
                        Some(_) => true,
                    };
                    if !bounded && !bounded_by_timer(node, text) {
                        calls.push(UntimedCall {
                            range: TextRange::of_node(&node),
                            callee: callee.to_owned(),
                            remedy: "pass `timeout: ms` in its config",
                            function: None,
                        });
                    }
                }
            }
        }
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        javascript_untimed(child, text, file, calls);
    }
}

/// Whether the wait for a call is bounded by a timer around it, up to its statement: raced
/// (`Promise.race([call, timer])`), given a deadline (bluebird's `.timeout(ms)` on a promise
/// holding it), or passed to a timeout helper (`pTimeout(call, ms)`, `withTimeout(call, ms)`).
/// The request may go on, but the handler stops waiting.
fn bounded_by_timer(call: Node<'_>, text: &str) -> bool {
    let mut node = call;
    while let Some(parent) = node.parent() {
        if parent.kind().ends_with("statement") || parent.kind() == "statement_block" {
            return false;
        }
        if parent.kind() == "call_expression" {
            let callee = parent
                .child_by_field_name("function")
                .map_or("", |callee| text_of(callee, text));
            let last = callee.rsplit('.').next().unwrap_or(callee);
            let lower = last.to_ascii_lowercase();
            // `X.timeout(ms)` bounds X; `race`, `pTimeout`, `withTimeout` bound their arguments.
            if lower == "race" || (lower.contains("timeout") && lower != "settimeout") {
                return true;
            }
        }
        node = parent;
    }
    false
}

/// Whether an object literal has one of `keys` (or a spread that may carry it).
fn has_key(object: Node<'_>, text: &str, keys: &[&str]) -> bool {
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .any(|entry| match entry.kind() {
            "spread_element" => true,
            "shorthand_property_identifier" => keys.contains(&text_of(entry, text)),
            "pair" => entry.child_by_field_name("key").is_some_and(|key| {
                keys.contains(&text_of(key, text).trim_matches(|c| c == '"' || c == '\''))
            }),
            _ => false,
        });
    found
}

// ---------------------------------------------------------------- Python untimed calls

const REQUESTS_CALLS: &[&str] = &[
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.delete",
    "requests.head",
    "requests.options",
    "requests.request",
];

/// Python: `time.sleep(N)` / `await asyncio.sleep(N)` with a constant `N` (through
/// `for _ in range(K)` loops); `requests.*` without `timeout=` and `urlopen(...)` without a
/// timeout. (`httpx` has a 5 s default timeout, so its calls are bounded.)
pub fn collect_python(root: Node<'_>, text: &str, facts: &mut SourceFacts) {
    waits(&PYTHON_WAITS, root, text, 1, &mut facts.waits);
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        // Every callee looked for names `requests.` or `urlopen`.
        if !super::mentions(node, text, &["requests.", "urlopen"]) {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        if node.kind() != "call" {
            continue;
        }
        let (Some(function), Some(arguments)) = (
            node.child_by_field_name("function"),
            node.child_by_field_name("arguments"),
        ) else {
            continue;
        };
        let callee = text_of(function, text);
        let mut cursor = arguments.walk();
        let args: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
        let keyword = |name: &str| {
            args.iter().any(|arg| {
                (arg.kind() == "keyword_argument"
                    && arg.child_by_field_name("name").is_some_and(|n| text_of(n, text) == name))
                    // `**kwargs` may carry it.
                    || arg.kind() == "dictionary_splat"
            })
        };
        let positional = args
            .iter()
            .filter(|arg| !matches!(arg.kind(), "keyword_argument" | "dictionary_splat"))
            .count();
        let untimed = if REQUESTS_CALLS.contains(&callee) {
            (!keyword("timeout")).then_some("pass `timeout=` (seconds)")
        } else if matches!(
            callee,
            "urlopen" | "urllib.request.urlopen" | "request.urlopen"
        ) {
            // `urlopen(url, data, timeout)`.
            (!keyword("timeout") && positional < 3).then_some("pass `timeout=` (seconds)")
        } else {
            None
        };
        if let Some(remedy) = untimed {
            let local = args
                .first()
                .filter(|url| !matches!(url.kind(), "keyword_argument" | "dictionary_splat"))
                .is_some_and(|url| local_url(*url, text, root, 0));
            if args.is_empty() || local {
                continue;
            }
            facts.untimed_calls.push(UntimedCall {
                range: TextRange::of_node(&node),
                callee: callee.to_owned(),
                remedy,
                function: None,
            });
        }
    }
    facts.untimed_calls.sort_by_key(|call| call.range.start);
}

/// The callees that wait for their first argument's number of seconds.
const PYTHON_SLEEP_CALLS: &[&str] = &["time.sleep", "asyncio.sleep", "sleep"];

fn python_sleep_seconds(call: Node<'_>, text: &str) -> Option<f64> {
    let callee = text_of(call.child_by_field_name("function")?, text);
    let argument = call.child_by_field_name("arguments")?.named_child(0)?;
    if !PYTHON_SLEEP_CALLS.contains(&callee) || !matches!(argument.kind(), "integer" | "float") {
        return None;
    }
    number(argument, text)
}

/// The number of iterations of `range(K)` / `range(A, B)` with constant bounds.
fn python_range_count(node: Node<'_>, text: &str) -> Option<u64> {
    if node.kind() != "call"
        || node
            .child_by_field_name("function")
            .map(|f| text_of(f, text))
            != Some("range")
    {
        return None;
    }
    let arguments = node.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let numbers: Vec<i64> = arguments
        .named_children(&mut cursor)
        .map(|argument| {
            (argument.kind() == "integer")
                .then(|| text_of(argument, text).parse().ok())
                .flatten()
        })
        .collect::<Option<_>>()?;
    let count = match numbers.as_slice() {
        [end] => *end,
        [start, end] => end - start,
        _ => return None,
    };
    u64::try_from(count).ok()
}

// ---------------------------------------------------------------- Rust waits

/// Rust: `tokio::time::sleep(Duration::from_secs(N))`, `std::thread::sleep(...)`, multiplied
/// through `for _ in 0..K` loops.
pub fn collect_rust(root: Node<'_>, text: &str, facts: &mut SourceFacts) {
    waits(&RUST_WAITS, root, text, 1, &mut facts.waits);
}

/// How many times a loop of `language` (`for _ in range(K)`, `for (let i = 0; i < K; i++)`,
/// `for _ in 0..K`) runs its body, when its bound is constant: the same reading the waits walk
/// uses, for the calls a loop makes.
pub(super) fn loop_bound(
    language: crate::files::Language,
    node: Node<'_>,
    text: &str,
) -> Option<u64> {
    use crate::files::Language;
    let syntax = match language {
        Language::Python => &PYTHON_WAITS,
        Language::Rust => &RUST_WAITS,
        Language::JavaScript | Language::TypeScript => {
            return (node.kind() == "for_statement")
                .then(|| counted_for_bound(node, text))
                .flatten();
        }
    };
    if node.kind() != syntax.for_loop {
        return None;
    }
    (syntax.bound)(node.child_by_field_name(syntax.iterable)?, text)
}

// ---------------------------------------------------------------- Constant waits, one walk

/// How a language spells a constant wait and a constant-bound loop, for the one waits walk
/// (JavaScript's promise-wrapped timers have a walk of their own).
struct WaitSyntax {
    /// The kind of a call node.
    call: &'static str,
    /// The seconds a call waits, when it is a sleep with a constant duration.
    seconds: fn(Node<'_>, &str) -> Option<f64>,
    /// The kind of a `for` loop, and the field of what it iterates over.
    for_loop: &'static str,
    iterable: &'static str,
    /// The iterations of a constant range (`range(K)`, `0..K`).
    bound: fn(Node<'_>, &str) -> Option<u64>,
    /// Kinds whose bodies run when called, not where they are written (lambdas, closures).
    deferred: &'static [&'static str],
}

const PYTHON_WAITS: WaitSyntax = WaitSyntax {
    call: "call",
    seconds: python_sleep_seconds,
    for_loop: "for_statement",
    iterable: "right",
    bound: python_range_count,
    deferred: &["lambda"],
};

const RUST_WAITS: WaitSyntax = WaitSyntax {
    call: "call_expression",
    seconds: rust_sleep_seconds,
    for_loop: "for_expression",
    iterable: "value",
    bound: rust_range_count,
    deferred: &["closure_expression"],
};

/// Finds sleeps with a constant duration, multiplied by the bounds of the constant-bound loops
/// around them; a loop with an unknown bound counts once (a lower bound of its waiting).
fn waits(syntax: &WaitSyntax, node: Node<'_>, text: &str, repeats: u64, found: &mut Vec<Wait>) {
    // Every sleep callee names `sleep`.
    if !super::mentions(node, text, &["sleep"]) {
        return;
    }
    if node.kind() == syntax.call {
        if let Some(seconds) = (syntax.seconds)(node, text) {
            push_wait(found, node, text, seconds, repeats);
            return;
        }
    }
    let (loop_body, bound) = if node.kind() == syntax.for_loop {
        (
            node.child_by_field_name("body").map(|body| body.id()),
            node.child_by_field_name(syntax.iterable)
                .and_then(|iterable| (syntax.bound)(iterable, text))
                .unwrap_or(1),
        )
    } else {
        (None, 1)
    };
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if syntax.deferred.contains(&child.kind()) {
            continue;
        }
        let child_repeats = if Some(child.id()) == loop_body {
            repeats.saturating_mul(bound)
        } else {
            repeats
        };
        waits(syntax, child, text, child_repeats, found);
    }
}

fn rust_sleep_seconds(call: Node<'_>, text: &str) -> Option<f64> {
    let callee = text_of(call.child_by_field_name("function")?, text);
    let sleeps = matches!(
        callee,
        "sleep" | "tokio::time::sleep" | "time::sleep" | "std::thread::sleep" | "thread::sleep"
    );
    if !sleeps {
        return None;
    }
    let duration = call.child_by_field_name("arguments")?.named_child(0)?;
    if duration.kind() != "call_expression" {
        return None;
    }
    let constructor = text_of(duration.child_by_field_name("function")?, text);
    let amount = duration.child_by_field_name("arguments")?.named_child(0)?;
    if !matches!(amount.kind(), "integer_literal" | "float_literal") {
        return None;
    }
    let value = rust_number(text_of(amount, text))?;
    let scale = match constructor.rsplit("::").next()? {
        "from_secs" | "from_secs_f64" | "from_secs_f32" | "new" => 1.0,
        "from_millis" => 0.001,
        _ => return None,
    };
    Some(value * scale)
}

/// A Rust numeric literal's value (`12`, `1_500`, `12u64`, `0.5f64`).
fn rust_number(literal: &str) -> Option<f64> {
    let digits = literal.replace('_', "");
    let suffixes = [
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "f32", "f64",
    ];
    let bare = suffixes
        .iter()
        .find_map(|suffix| digits.strip_suffix(suffix))
        .unwrap_or(&digits);
    bare.parse().ok()
}

/// Iterations of `0..K` / `0..=K` with literal bounds.
fn rust_range_count(range: Node<'_>, text: &str) -> Option<u64> {
    if range.kind() != "range_expression" {
        return None;
    }
    let start = rust_number(text_of(range.named_child(0)?, text))?;
    let end = rust_number(text_of(range.named_child(1)?, text))?;
    let inclusive = text_of(range, text).contains("..=");
    let count = if inclusive {
        end - start + 1.0
    } else {
        end - start
    };
    (count >= 1.0 && count.fract() == 0.0 && count < 1e6).then_some(count as u64)
}
