//! Python handlers: `def handler(event, context)` at module level, the helpers they return
//! through, and the dicts (`{...}`, `dict(...)`, built up through `resp["key"] = ...`) they return.

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use super::facts::*;
use super::pipeline::bindings::{Bindings, KeyAssignment, Update};
use super::pipeline::endings::{self, NonObjects, Otherwise, Shape};
use super::pipeline::evidence::Evidence;
use super::pipeline::flow::{Dialect, Responses, Returned};
use super::pipeline::scopes::{ScopeIndex, ScopeKind};
use super::pipeline::values::{arithmetic, negated, reaching_kind, same_kind};
use super::pipeline::{calls, roles, MAX_DEPTH};
use super::query::{grammar_query_set, KeptMatches, Matches, QueryFile};
use crate::files::Language;
use crate::text::TextRange;

fn python() -> tree_sitter::Language {
    tree_sitter_python::LANGUAGE.into()
}

grammar_query_set!(
    QUERIES,
    python(),
    [
        "python/functions.scm",
        "python/returns.scm",
        "python/bindings.scm",
        "python/objects.scm",
        "python/evidence.scm",
        "python/imports.scm",
        "python/scopes.scm",
        "python/calls.scm",
        "python/branches.scm",
    ]
);

/// Statements after which nothing in the same block runs.
const EXITS: &[&str] = &[
    "raise_statement",
    "return_statement",
    "continue_statement",
    "break_statement",
];

const FUNCTIONS: QueryFile = QueryFile(0);
const RETURNS: QueryFile = QueryFile(1);
const BINDINGS: QueryFile = QueryFile(2);
const OBJECTS: QueryFile = QueryFile(3);
const EVIDENCE: QueryFile = QueryFile(4);
const IMPORTS: QueryFile = QueryFile(5);
const SCOPES: QueryFile = QueryFile(6);
const CALLS: QueryFile = QueryFile(7);
const BRANCHES: QueryFile = QueryFile(8);

/// Function-like node kinds (`scopes.scm` captures them as `@function` and `@lambda`): bodies
/// that run when called (the escapes walk skips them).
pub(super) const FUNCTION_KINDS: &[&str] = &["function_definition", "lambda"];

/// Names a handler's first parameter commonly has.
const EVENT_NAMES: &[&str] = &[
    "event", "evt", "ev", "e", "_event", "_evt", "_e", "_", "request", "req", "payload",
];
/// Names a handler's second parameter commonly has.
const CONTEXT_NAMES: &[&str] = &[
    "context",
    "ctx",
    "_context",
    "_ctx",
    "lambda_context",
    "_",
    "__",
    "c",
    "_c",
];

pub fn extract(
    tree: &Tree,
    text: &str,
    named: &[&str],
    kept: Option<&mut Option<KeptMatches>>,
) -> SourceFacts {
    let root = tree.root_node();
    let matches = match kept {
        Some(kept) => QUERIES.run_kept(tree, text, kept),
        None => QUERIES.run(root, text),
    };
    let scopes = ScopeIndex::from_captures(
        &matches,
        SCOPES,
        &[
            ("function", ScopeKind::Function),
            ("lambda", ScopeKind::Lambda),
            ("class", ScopeKind::Class),
        ],
    );
    let mut extractor = Extractor {
        text,
        named: named.iter().map(|name| (*name).to_owned()).collect(),
        scopes,
        facts: SourceFacts::empty(Language::Python),
        by_node: HashMap::new(),
        event_params: HashMap::new(),
        bindings: Bindings::default(),
        definitions: Vec::new(),
    };
    extractor.bindings.branches =
        ScopeIndex::from_captures(&matches, BRANCHES, &[("branch", ScopeKind::Block)]);
    extractor.collect_functions(&matches);
    extractor.collect_bindings(&matches);
    extractor.collect_responses(&matches);
    extractor.collect_non_objects(&matches);
    extractor.collect_evidence(&matches);
    extractor.collect_edit_context(root, &matches);
    super::escapes::collect_python(root, text, &mut extractor.facts);
    super::timing::collect_python(root, text, &mut extractor.facts);
    calls::build(
        &mut extractor.facts,
        &extractor.definitions,
        &matches,
        CALLS,
        &extractor.scopes,
        &extractor.bindings,
        text,
    );
    extractor.facts
}

struct Extractor<'t> {
    text: &'t str,
    /// The names the project's templates give this file's handlers.
    named: Vec<String>,
    scopes: ScopeIndex,
    facts: SourceFacts,
    /// Function definition node id → its index in `facts.functions` (all top-level functions,
    /// whether or not they turn out to be handlers or helpers).
    by_node: HashMap<usize, (FunctionId, Node<'t>)>,
    /// Handler id → the name of its event parameter.
    event_params: HashMap<FunctionId, &'t str>,
    bindings: Bindings<'t>,
    /// Every module-level function and its name, in document order: the call graph's nodes.
    definitions: Vec<(Node<'t>, &'t str)>,
}

impl<'t> Extractor<'t> {
    fn node_text(&self, node: Node<'_>) -> &'t str {
        TextRange::of_node(&node).slice(self.text)
    }

    /// Every module-level function; the ones that look like handlers become handlers, and the
    /// ones a handler returns through become helpers (to a fixpoint).
    fn collect_functions(&mut self, matches: &Matches<'_, 't>) {
        let mut candidates = Vec::new();
        matches.each(FUNCTIONS, |captures| {
            let (Some(function), Some(name), Some(parameters)) = (
                captures.get("function"),
                captures.get("name"),
                captures.get("parameters"),
            ) else {
                return;
            };
            if !self.scopes.is_top_level(function) {
                return;
            }
            candidates.push((function, name, parameters));
        });
        let mut roles: Vec<Option<Role>> = Vec::new();
        let mut nodes = Vec::new();
        for (function, name, parameters) in &candidates {
            let names = positional_parameters(*parameters, self.text);
            let function_name = self.node_text(*name);
            let role = handler_reason(function_name, &names)
                .or_else(|| {
                    self.named
                        .iter()
                        .any(|named| named == function_name)
                        .then_some(super::NAMED_BY_TEMPLATE)
                })
                .map(|reason| Role::Handler { reason });
            if role.is_some() {
                if let Some(event) = names.first() {
                    self.event_params.insert(FunctionId(roles.len()), event);
                }
            }
            roles.push(role);
            nodes.push((*function, *name, function_name));
            self.definitions.push((*function, function_name));
        }
        // Helpers: a function whose call a handler or helper returns.
        let names = roles::by_name(nodes.iter().map(|(_, _, name)| *name));
        let index_of: HashMap<usize, usize> = nodes
            .iter()
            .enumerate()
            .map(|(index, (function, _, _))| (function.id(), index))
            .collect();
        let mut returned_calls: Vec<(usize, usize)> = Vec::new();
        matches.each(RETURNS, |captures| {
            let Some(value) = captures.get("value") else {
                return;
            };
            let Some(owner) = self
                .scopes
                .enclosing_function(value)
                .and_then(|f| index_of.get(&f))
            else {
                return;
            };
            for callee in returned_callees(value, self.text) {
                if let Some(&callee) = names.get(callee) {
                    returned_calls.push((*owner, callee));
                }
            }
        });
        roles::settle(&mut roles, &returned_calls);
        let mut event_params = HashMap::new();
        for (index, settled) in roles::renumber(roles).into_iter().enumerate() {
            let Some((id, role)) = settled else { continue };
            let (function, name, function_name) = nodes[index];
            if let Some(event) = self.event_params.get(&FunctionId(index)) {
                event_params.insert(id, *event);
            }
            self.by_node.insert(function.id(), (id, function));
            self.facts.functions.push(Function {
                name: function_name.to_owned(),
                name_range: TextRange::of_node(&name),
                range: TextRange::of_node(&function),
                role,
                api_evidence: None,
                other_source_evidence: None,
                payload_evidence: None,
            });
        }
        self.event_params = event_params;
    }

    fn collect_bindings(&mut self, matches: &Matches<'_, 't>) {
        let text = self.text;
        let scopes = &self.scopes;
        let bindings = &mut self.bindings;
        matches.each(BINDINGS, |captures| {
            let value = captures.get("value");
            if let (Some(binding), Some(target), Some(value)) =
                (captures.get("binding"), captures.get("target"), value)
            {
                let name = TextRange::of_node(&target).slice(text);
                bindings.bind(scopes, binding, name, Some(value), None);
            } else if let (Some(assignment), Some(target), Some(key), Some(value)) = (
                captures.get("item_assignment"),
                captures.get("item_target"),
                captures.get("item_key"),
                value,
            ) {
                let target = TextRange::of_node(&target).slice(text);
                bindings.assign(scopes, assignment, target, key, value);
            } else if let (Some(update), Some(target), Some(arguments)) = (
                captures.get("update"),
                captures.get("update_target"),
                captures.get("update_arguments"),
            ) {
                let target = TextRange::of_node(&target).slice(text);
                bindings.update(scopes, update, target, arguments);
            } else if let (Some(name), Some(clause)) =
                (captures.get("error_name"), captures.get("error_clause"))
            {
                let mut cursor = clause.walk();
                let block = clause
                    .named_children(&mut cursor)
                    .find(|child| child.kind() == "block");
                if let (Some(block), "identifier") = (block, name.kind()) {
                    bindings.bind_error(scopes, block, TextRange::of_node(&name).slice(text));
                }
            }
        });
    }

    fn collect_responses(&mut self, matches: &Matches<'_, 't>) {
        // Returned by handlers and helpers.
        let mut returned = Vec::new();
        matches.each(RETURNS, |captures| {
            if let Some(value) = captures.get("value") {
                if let Some(&(id, _)) = self
                    .scopes
                    .enclosing_function(value)
                    .and_then(|f| self.by_node.get(&f))
                {
                    returned.push((id, value));
                }
            }
        });
        let mut responses = Responses::default();
        for (function, value) in returned {
            responses.returned(&*self, Origin::Returned { function }, value, 0);
        }
        // Literals with `statusCode` and another response key, wherever they stand.
        matches.each(OBJECTS, |captures| {
            if let Some(node) = captures.get("dict").or_else(|| captures.get("dict_call")) {
                responses.literal(&*self, node, |node| {
                    is_sample_data(node, self.text) || is_call_input(node)
                });
            }
        });
        self.facts.responses = responses.finish();
    }

    /// What handlers answer that is no object: `return None`, a bare `return`, a string, number
    /// or list, and paths that fall off the end of the body. Only handlers that answer through
    /// `return` are read: not `async def` (a coroutine), not generators, not behind a decorator
    /// that is not known to pass the result through.
    fn collect_non_objects(&mut self, matches: &Matches<'_, 't>) {
        let mut judged: HashMap<usize, FunctionId> = HashMap::new();
        // Built on first use: most files have no handler to judge.
        let call_sites = std::cell::OnceCell::new();
        let text = self.text;
        let calls = || call_sites.get_or_init(|| super::CallSites::new(text));
        for &(id, function) in self.by_node.values() {
            if !self.facts.function(id).role.is_handler() {
                continue;
            }
            let Some(body) = function.child_by_field_name("body") else {
                continue;
            };
            let is_async = function
                .child(0)
                .is_some_and(|child| child.kind() == "async");
            let decorated = function
                .parent()
                .filter(|parent| parent.kind() == "decorated_definition");
            let own = self.facts.function(id);
            if is_async
                || calls().calls(&own.name, own.name_range.start)
                || super::mentions(body, self.text, &["yield"])
                || decorated.is_some_and(|decorated| {
                    super::escapes::has_opaque_decorator(decorated, self.text)
                })
            {
                continue;
            }
            judged.insert(function.id(), id);
            let text = self.text;
            self.facts
                .non_objects
                .extend(endings::fall_off(id, body, text, &|node| {
                    statement_shape(node, text)
                }));
        }
        let reader = NonObjects {
            dialect: self,
            language: Language::Python,
            exits: EXITS,
            classify: |value| self.classify(value, 0).kind,
        };
        let mut found = Vec::new();
        matches.each(RETURNS, |captures| {
            let Some(statement) = captures.get("any_return") else {
                return;
            };
            let Some(&handler) = self
                .scopes
                .enclosing_function(statement)
                .and_then(|function| judged.get(&function))
            else {
                return;
            };
            let mut cursor = statement.walk();
            let value = statement
                .named_children(&mut cursor)
                .find(|child| child.kind() != "comment");
            reader.returned(handler, statement, value, &mut found);
        });
        self.facts.non_objects.extend(found);
        self.facts
            .non_objects
            .sort_by_key(|found| found.range.start);
    }

    /// The entries of a dict literal or `dict(...)` call.
    fn object_entries(&self, node: Node<'t>, depth: usize) -> Option<(Vec<Entry>, ObjectShape)> {
        match node.kind() {
            "dictionary" => {
                let mut entries = Vec::new();
                let mut shape = ObjectShape::Complete;
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "pair" => {
                            let (Some(key), Some(value)) = (
                                child.child_by_field_name("key"),
                                child.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            match string_literal(key, self.text) {
                                Some(key_text) => entries.push(Entry {
                                    key: key_text,
                                    key_range: TextRange::of_node(&key),
                                    bare_key: false,
                                    value: self.classify(value, depth + 1),
                                    assigned_later: false,
                                }),
                                None => shape = ObjectShape::Opaque,
                            }
                        }
                        "comment" => {}
                        _ => shape = ObjectShape::Opaque,
                    }
                }
                Some((entries, shape))
            }
            "call" => self.argument_entries(node.child_by_field_name("arguments")?, depth),
            _ => None,
        }
    }

    /// Entries given as call arguments: `dict(a=1)`, `update({"a": 1})`, `update(a=1)`.
    fn argument_entries(
        &self,
        arguments: Node<'t>,
        depth: usize,
    ) -> Option<(Vec<Entry>, ObjectShape)> {
        let mut entries = Vec::new();
        let mut shape = ObjectShape::Complete;
        let mut cursor = arguments.walk();
        for argument in arguments.named_children(&mut cursor) {
            match argument.kind() {
                "keyword_argument" => {
                    let (Some(name), Some(value)) = (
                        argument.child_by_field_name("name"),
                        argument.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    entries.push(Entry {
                        key: self.node_text(name).to_owned(),
                        key_range: TextRange::of_node(&name),
                        bare_key: true,
                        value: self.classify(value, depth + 1),
                        assigned_later: false,
                    });
                }
                "dictionary" => {
                    let (more, more_shape) = self.object_entries(argument, depth)?;
                    entries.extend(more);
                    if more_shape == ObjectShape::Opaque {
                        shape = ObjectShape::Opaque;
                    }
                }
                "comment" => {}
                _ => shape = ObjectShape::Opaque,
            }
        }
        Some((entries, shape))
    }

    /// What an expression evaluates to, as far as the file shows.
    fn classify(&self, node: Node<'t>, depth: usize) -> Value {
        let range = TextRange::of_node(&node);
        let value = |kind| Value {
            kind,
            range,
            defined_at: None,
        };
        if depth > MAX_DEPTH {
            return value(ValueKind::Unknown);
        }
        match node.kind() {
            "string" => value(classify_string(node, self.text)),
            "concatenated_string" => {
                let bytes = node.named_child(0).is_some_and(|first| {
                    matches!(classify_string(first, self.text), ValueKind::Bytes)
                });
                value(if bytes {
                    ValueKind::Bytes
                } else {
                    ValueKind::String
                })
            }
            "integer" => value(
                parse_integer(self.node_text(node)).map_or(ValueKind::Unknown, ValueKind::Integer),
            ),
            "float" => value(
                self.node_text(node)
                    .replace('_', "")
                    .parse()
                    .map_or(ValueKind::Unknown, ValueKind::Float),
            ),
            "true" => value(ValueKind::Bool(true)),
            "false" => value(ValueKind::Bool(false)),
            "none" => value(ValueKind::Null),
            "unary_operator" => {
                let operand = node
                    .child_by_field_name("argument")
                    .map(|argument| self.classify(argument, depth + 1));
                let negative = node
                    .child_by_field_name("operator")
                    .is_some_and(|op| self.node_text(op) == "-");
                value(negated(operand.map(|operand| operand.kind), negative))
            }
            "dictionary" => match self.object_entries(node, depth) {
                Some((entries, shape)) => value(ValueKind::Object(entries, shape)),
                None => value(ValueKind::Unknown),
            },
            "dictionary_comprehension" => value(ValueKind::Object(Vec::new(), ObjectShape::Opaque)),
            "list" | "tuple" | "set" => {
                let mut cursor = node.walk();
                let items = node
                    .named_children(&mut cursor)
                    .filter(|child| child.kind() != "comment")
                    .map(|child| self.classify(child, depth + 1))
                    .collect();
                value(ValueKind::Array(items))
            }
            "list_comprehension" | "set_comprehension" => value(ValueKind::Array(Vec::new())),
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => Value {
                    range,
                    ..self.classify(inner, depth + 1)
                },
                None => value(ValueKind::Unknown),
            },
            "binary_operator" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map(|op| self.node_text(op));
                let left = node
                    .child_by_field_name("left")
                    .map(|left| self.classify(left, depth + 1).kind);
                let right = node
                    .child_by_field_name("right")
                    .map(|right| self.classify(right, depth + 1).kind);
                let stringy =
                    |kind: &Option<ValueKind>| kind.as_ref().is_some_and(ValueKind::is_stringy);
                let bytes = |kind: &Option<ValueKind>| matches!(kind, Some(ValueKind::Bytes));
                match operator {
                    Some("+") if stringy(&left) || stringy(&right) => value(ValueKind::String),
                    Some("%") if stringy(&left) => value(ValueKind::String),
                    Some("+") if bytes(&left) || bytes(&right) => value(ValueKind::Bytes),
                    Some(operator) => match (&left, &right) {
                        (Some(left), Some(right)) => value(arithmetic(operator, left, right, &[])),
                        _ => value(ValueKind::Unknown),
                    },
                    None => value(ValueKind::Unknown),
                }
            }
            "conditional_expression" => {
                let mut cursor = node.walk();
                let parts: Vec<_> = node.named_children(&mut cursor).collect();
                match (parts.first(), parts.get(2)) {
                    (Some(a), Some(b)) => {
                        let (a, b) = (self.classify(*a, depth + 1), self.classify(*b, depth + 1));
                        value(same_kind(a.kind, b.kind))
                    }
                    _ => value(ValueKind::Unknown),
                }
            }
            "call" => value(self.classify_call(node, depth)),
            "identifier"
                if self
                    .bindings
                    .holds_error(&self.scopes, node, self.node_text(node)) =>
            {
                value(ValueKind::Error)
            }
            "identifier" => {
                let name = self.node_text(node);
                // Every binding that may reach the use (`x = None` then `if c: x = 1`): the kind
                // they share, or unknown; a parameter or other valueless binding is unknown.
                let bound: Option<Vec<Node<'t>>> = self
                    .bindings
                    .reaching(&self.scopes, node, name)
                    .and_then(|reaching| reaching.iter().map(|binding| binding.value).collect());
                match bound {
                    Some(bound) if !bound.is_empty() => {
                        let resolved: Vec<Value> = bound
                            .iter()
                            .map(|bound| self.classify(*bound, depth + 1))
                            .collect();
                        let defined_at = resolved.first().map(|resolved| resolved.range);
                        Value {
                            kind: reaching_kind(resolved.into_iter().map(|v| v.kind).collect()),
                            range,
                            defined_at,
                        }
                    }
                    _ => value(ValueKind::Unknown),
                }
            }
            _ => value(ValueKind::Unknown),
        }
    }

    fn classify_call(&self, call: Node<'t>, depth: usize) -> ValueKind {
        let Some(function) = call.child_by_field_name("function") else {
            return ValueKind::Unknown;
        };
        let callee = self.node_text(function);
        match callee {
            "dict" => {
                return match self.object_entries(call, depth) {
                    Some((entries, shape)) => ValueKind::Object(entries, shape),
                    None => ValueKind::Unknown,
                }
            }
            "list" | "sorted" | "tuple" => return ValueKind::Array(Vec::new()),
            "bytes" | "bytearray" => return ValueKind::Bytes,
            "str" | "repr" | "format" => return ValueKind::String,
            "len" | "int" | "float" | "round" | "sum" | "abs" => return ValueKind::Number,
            _ => {}
        }
        let last = callee.rsplit('.').next().unwrap_or(callee);
        if function.kind() == "attribute" {
            let module = callee.rsplit_once('.').map_or("", |(module, _)| module);
            match (module, last) {
                // Parsed JSON: an object whose keys the file does not show.
                ("json" | "simplejson" | "orjson", "loads") => {
                    return ValueKind::Object(Vec::new(), ObjectShape::Opaque)
                }
                ("orjson", "dumps") => return ValueKind::Bytes,
                (_, "dumps") => return ValueKind::String,
                ("base64", _) if last.ends_with("encode") || last.ends_with("decode") => {
                    return ValueKind::Bytes
                }
                ("gzip" | "zlib" | "bz2" | "lzma", "compress") => return ValueKind::Bytes,
                (_, "encode") => return ValueKind::Bytes,
                (
                    _,
                    "decode" | "format" | "join" | "strip" | "lower" | "upper" | "replace"
                    | "isoformat" | "hexdigest",
                ) => return ValueKind::String,
                _ => {}
            }
        } else if matches!(
            last,
            "b64encode" | "urlsafe_b64encode" | "b64decode" | "compress"
        ) {
            return ValueKind::Bytes;
        } else if last == "dumps" {
            return ValueKind::String;
        }
        ValueKind::Unknown
    }

    /// Which handlers show that they serve API Gateway.
    fn collect_evidence(&mut self, matches: &Matches<'_, 't>) {
        let mut found = Evidence::default();
        matches.each(EVIDENCE, |captures| {
            let (Some(object), Some(key), Some(read)) = (
                captures.get("object"),
                captures.get("key"),
                captures.get("read"),
            ) else {
                return;
            };
            let Some(&(id, _)) = self
                .scopes
                .enclosing_function(read)
                .and_then(|f| self.by_node.get(&f))
            else {
                return;
            };
            let Some(event) = self.event_params.get(&id) else {
                return;
            };
            if self.node_text(object) != *event {
                return;
            }
            if let Some(key_text) = string_literal(key, self.text) {
                let message = format!("reads `{event}[\"{key_text}\"]`");
                found.key_read(id, message, &key_text, TextRange::of_node(&read));
            }
        });
        // Type annotations and decorators naming an API Gateway event.
        let mut nodes: Vec<Option<Node<'t>>> = vec![None; self.facts.functions.len()];
        for (id, node) in self.by_node.values() {
            nodes[id.0] = Some(*node);
        }
        for (index, node) in nodes.into_iter().enumerate() {
            let Some(node) = node else { continue };
            let signature_end = node
                .child_by_field_name("body")
                .map_or(node.end_byte(), |body| body.start_byte());
            let start = node
                .parent()
                .filter(|parent| parent.kind() == "decorated_definition")
                .map_or(node.start_byte(), |p| p.start_byte());
            let signature = &self.text[start..signature_end];
            if let Some(at) = signature.find("APIGateway") {
                let word_end = signature[at..]
                    .find(|c: char| !c.is_alphanumeric() && c != '_')
                    .map_or(signature.len(), |n| at + n);
                found.api_type(
                    FunctionId(index),
                    &signature[at..word_end],
                    TextRange::new(start + at, start + word_end),
                );
            }
        }
        found.record(&mut self.facts.functions);
    }

    fn collect_edit_context(&mut self, root: Node<'t>, matches: &Matches<'_, 't>) {
        let mut has_json = false;
        matches.each(IMPORTS, |captures| {
            if captures
                .get("module")
                .is_some_and(|module| self.node_text(module) == "json")
            {
                has_json = true;
            }
        });
        self.facts.edit_context.has_json_import = has_json;
        // `import json` goes before the first import that is not `from __future__`, after any
        // docstring; with no imports, before the first statement.
        let mut cursor = root.walk();
        let mut insert_at = 0;
        let mut needs_blank_line = true;
        for child in root.named_children(&mut cursor) {
            let is_docstring = child.kind() == "expression_statement"
                && child.named_child(0).is_some_and(|n| n.kind() == "string");
            let is_future = child.kind() == "future_import_statement";
            if child.kind() == "comment" || is_docstring || is_future {
                insert_at = self.text[child.end_byte()..]
                    .find('\n')
                    .map_or(self.text.len(), |n| child.end_byte() + n + 1);
                continue;
            }
            insert_at = child.start_byte();
            needs_blank_line =
                !matches!(child.kind(), "import_statement" | "import_from_statement");
            break;
        }
        self.facts.edit_context.import_insert_at = insert_at;
        self.facts.edit_context.import_needs_blank_line = needs_blank_line;
    }
}

impl<'t> Dialect<'t> for Extractor<'t> {
    fn text(&self) -> &'t str {
        self.text
    }

    fn scopes(&self) -> &ScopeIndex {
        &self.scopes
    }

    fn bindings(&self) -> &Bindings<'t> {
        &self.bindings
    }

    fn returned(&self, value: Node<'t>) -> Returned<'t> {
        match value.kind() {
            "dictionary" | "call" if is_object_node(value, self.text) => Returned::Object(value),
            "parenthesized_expression" | "await" => {
                Returned::Through(value.named_child(0).into_iter().collect())
            }
            "conditional_expression" => {
                // `a if condition else b`: children are a, condition, b.
                let mut cursor = value.walk();
                let parts: Vec<_> = value.named_children(&mut cursor).collect();
                Returned::Through(
                    [parts.first(), parts.get(2)]
                        .into_iter()
                        .flatten()
                        .copied()
                        .collect(),
                )
            }
            "identifier" => Returned::Name,
            _ => Returned::Other,
        }
    }

    fn bound_object(&self, bound: Node<'t>) -> Option<Node<'t>> {
        is_object_node(bound, self.text).then_some(bound)
    }

    fn object_entries(&self, object: Node<'t>) -> Option<(Vec<Entry>, ObjectShape)> {
        Extractor::object_entries(self, object, 0)
    }

    fn assigned_entry(&self, assignment: &KeyAssignment<'t>) -> Option<Entry> {
        Some(Entry {
            key: string_literal(assignment.key, self.text)?,
            key_range: TextRange::of_node(&assignment.key),
            bare_key: false,
            value: self.classify(assignment.value, 0),
            assigned_later: true,
        })
    }

    fn updated_entries(&self, update: &Update<'t>) -> (Vec<Entry>, ObjectShape) {
        self.argument_entries(update.arguments, 0)
            .unwrap_or((Vec::new(), ObjectShape::Opaque))
    }

    fn response_object(
        &self,
        node: Node<'t>,
        entries: Vec<Entry>,
        shape: ObjectShape,
        origin: Origin,
    ) -> ResponseObject {
        let entry_form = if node.kind() == "call" {
            EntryForm::Keyword
        } else {
            EntryForm::QuotedKey
        };
        let style = object_style(node, self.text, entry_form);
        ResponseObject::new(
            TextRange::of_node(&node),
            self.text,
            entries,
            shape,
            origin,
            style,
        )
    }
}

/// What a Python statement is, for [`endings::ending`].
fn statement_shape<'t>(node: Node<'t>, text: &str) -> Shape<'t> {
    let block_statements = |block: Option<Node<'t>>| -> Vec<Node<'t>> {
        let Some(block) = block else {
            return Vec::new();
        };
        let mut cursor = block.walk();
        let statements = block
            .named_children(&mut cursor)
            .filter(|child| child.kind() != "comment")
            .collect();
        statements
    };
    // The block of a clause (`else:`, `except E as e:`, `case x:`): its `body`/`consequence`
    // field, or its last block child.
    let clause_block = |clause: Node<'t>| -> Option<Node<'t>> {
        clause
            .child_by_field_name("body")
            .or_else(|| clause.child_by_field_name("consequence"))
            .or_else(|| {
                let mut cursor = clause.walk();
                let last = clause
                    .named_children(&mut cursor)
                    .filter(|child| child.kind() == "block")
                    .last();
                last
            })
    };
    match node.kind() {
        "block" => Shape::Sequence(block_statements(Some(node))),
        "return_statement" | "raise_statement" | "break_statement" | "continue_statement" => {
            Shape::Exits
        }
        "expression_statement" => {
            let Some(expression) = node.named_child(0) else {
                return Shape::Plain;
            };
            let call = match expression.kind() {
                "call" => Some(expression),
                "await" => expression
                    .named_child(0)
                    .filter(|inner| inner.kind() == "call"),
                _ => None,
            };
            let Some(callee) = call.and_then(|call| call.child_by_field_name("function")) else {
                return Shape::Plain;
            };
            let callee = &text[callee.byte_range()];
            if matches!(
                callee,
                "sys.exit" | "exit" | "quit" | "os._exit" | "os.abort"
            ) {
                Shape::Exits
            } else if endings::may_not_return(callee) {
                Shape::Unknown
            } else {
                Shape::Plain
            }
        }
        "assert_statement" => {
            let never = node
                .named_child(0)
                .is_some_and(|condition| matches!(condition.kind(), "false" | "none"));
            if never {
                Shape::Exits
            } else {
                Shape::Plain
            }
        }
        "pass_statement"
        | "import_statement"
        | "import_from_statement"
        | "future_import_statement"
        | "delete_statement"
        | "global_statement"
        | "nonlocal_statement"
        | "print_statement"
        | "type_alias_statement"
        | "function_definition"
        | "class_definition"
        | "decorated_definition" => Shape::Plain,
        "if_statement" => {
            let mut arms = vec![block_statements(node.child_by_field_name("consequence"))];
            let mut otherwise = Otherwise::Falls;
            let mut cursor = node.walk();
            for clause in node.children_by_field_name("alternative", &mut cursor) {
                if clause.kind() == "else_clause" {
                    otherwise = Otherwise::Exhaustive;
                }
                arms.push(block_statements(clause_block(clause)));
            }
            // `if True:` always runs its first arm: not read.
            let constant = node
                .child_by_field_name("condition")
                .is_some_and(|condition| matches!(condition.kind(), "true" | "integer"));
            if constant && otherwise == Otherwise::Falls {
                otherwise = Otherwise::Unknown;
            }
            Shape::Branches { arms, otherwise }
        }
        "for_statement" | "while_statement" => {
            // A loop's `else` runs when it ends without `break`: not read.
            if node.child_by_field_name("alternative").is_some() {
                return Shape::Unknown;
            }
            let infinite = node.kind() == "while_statement"
                && node
                    .child_by_field_name("condition")
                    .is_some_and(|condition| {
                        condition.kind() == "true"
                            || (condition.kind() == "integer"
                                && &text[condition.byte_range()] != "0")
                    });
            let breaks = node.child_by_field_name("body").is_some_and(|body| {
                endings::has_break(body, text, "break_statement", LOOP_OR_SCOPE_KINDS)
            });
            Shape::Loop { infinite, breaks }
        }
        "with_statement" => Shape::Sequence(node.child_by_field_name("body").into_iter().collect()),
        "try_statement" => {
            let mut cursor = node.walk();
            let clauses: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
            if clauses
                .iter()
                .any(|clause| clause.kind() == "finally_clause")
            {
                return Shape::Unknown;
            }
            // The body, then `else:` when it completes; or one of the handlers.
            let mut first = block_statements(node.child_by_field_name("body"));
            let mut arms = Vec::new();
            for clause in clauses {
                match clause.kind() {
                    "else_clause" => first.extend(block_statements(clause_block(clause))),
                    "except_clause" | "except_group_clause" => {
                        arms.push(block_statements(clause_block(clause)))
                    }
                    _ => {}
                }
            }
            arms.insert(0, first);
            Shape::Branches {
                arms,
                otherwise: Otherwise::Exhaustive,
            }
        }
        "match_statement" => {
            let Some(body) = node.child_by_field_name("body") else {
                return Shape::Unknown;
            };
            let mut cursor = body.walk();
            let cases: Vec<Node<'t>> = body
                .named_children(&mut cursor)
                .filter(|case| case.kind() == "case_clause")
                .collect();
            let wildcard = cases.iter().any(|case| {
                let head = text[case.byte_range()].split(':').next().unwrap_or("");
                head.split_whitespace().collect::<Vec<_>>() == ["case", "_"]
            });
            Shape::Branches {
                arms: cases
                    .into_iter()
                    .map(|case| block_statements(clause_block(case)))
                    .collect(),
                // A `match` without `case _` may still cover every value: not known.
                otherwise: if wildcard {
                    Otherwise::Exhaustive
                } else {
                    Otherwise::Unknown
                },
            }
        }
        _ => Shape::Unknown,
    }
}

/// Nodes a `break` does not leave through: nested loops and function or class bodies.
const LOOP_OR_SCOPE_KINDS: &[&str] = &[
    "for_statement",
    "while_statement",
    "function_definition",
    "lambda",
    "class_definition",
];

/// Why a module-level function with these positional parameters is a handler, if it is one.
fn handler_reason(name: &str, parameters: &[&str]) -> Option<&'static str> {
    if parameters.len() != 2 {
        return None;
    }
    let (event, context) = (parameters[0], parameters[1]);
    if CONTEXT_NAMES.contains(&context) && (EVENT_NAMES.contains(&event) || event.contains("event"))
    {
        return Some("takes (event, context)");
    }
    if name == "handler" || name == "lambda_handler" || name.ends_with("_handler") {
        return Some("is named like a Lambda handler and takes two parameters");
    }
    None
}

/// The names of a definition's positional parameters (`self` excluded); `*args` and
/// `**kwargs` make it no handler-shaped signature, so they return an empty list.
fn positional_parameters<'t>(parameters: Node<'t>, text: &'t str) -> Vec<&'t str> {
    let mut names = Vec::new();
    let mut cursor = parameters.walk();
    for parameter in parameters.named_children(&mut cursor) {
        let name = match parameter.kind() {
            "identifier" => Some(parameter),
            "typed_parameter" => parameter
                .named_child(0)
                .filter(|n| n.kind() == "identifier"),
            "default_parameter" | "typed_default_parameter" => {
                parameter.child_by_field_name("name")
            }
            "list_splat_pattern" | "dictionary_splat_pattern" => return Vec::new(),
            _ => None,
        };
        if let Some(name) = name {
            let name = TextRange::of_node(&name).slice(text);
            if name != "self" && name != "cls" {
                names.push(name);
            }
        }
    }
    names
}

/// Plain function names whose calls an expression returns: `f(...)`, `await f(...)`,
/// `a(...) if c else b(...)`.
fn returned_callees<'t>(value: Node<'t>, text: &'t str) -> Vec<&'t str> {
    match value.kind() {
        "call" => value
            .child_by_field_name("function")
            .filter(|function| function.kind() == "identifier")
            .map(|function| vec![TextRange::of_node(&function).slice(text)])
            .unwrap_or_default(),
        "await" | "parenthesized_expression" => value
            .named_child(0)
            .map(|inner| returned_callees(inner, text))
            .unwrap_or_default(),
        "conditional_expression" => {
            let mut cursor = value.walk();
            let parts: Vec<_> = value.named_children(&mut cursor).collect();
            [parts.first(), parts.get(2)]
                .into_iter()
                .flatten()
                .flat_map(|part| returned_callees(*part, text))
                .collect()
        }
        _ => Vec::new(),
    }
}

fn is_object_node(node: Node<'_>, text: &str) -> bool {
    match node.kind() {
        "dictionary" => true,
        "call" => node
            .child_by_field_name("function")
            .is_some_and(|f| TextRange::of_node(&f).slice(text) == "dict"),
        _ => false,
    }
}

/// The content of a plain string literal (no interpolation, not bytes).
fn string_literal(node: Node<'_>, text: &str) -> Option<String> {
    match classify_string(node, text) {
        ValueKind::StringLiteral(content) => Some(content),
        _ => None,
    }
}

fn classify_string(node: Node<'_>, text: &str) -> ValueKind {
    if node.kind() != "string" {
        return ValueKind::Unknown;
    }
    let mut prefix = String::new();
    let mut content = String::new();
    let mut interpolated = false;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        let child_text = TextRange::of_node(&child).slice(text);
        match child.kind() {
            "string_start" => {
                prefix = child_text
                    .trim_end_matches(['"', '\''])
                    .to_ascii_lowercase()
            }
            "string_content" => content.push_str(child_text),
            "interpolation" => interpolated = true,
            "escape_sequence" => content.push_str(child_text),
            _ => {}
        }
    }
    if prefix.contains('b') {
        ValueKind::Bytes
    } else if interpolated {
        ValueKind::String
    } else {
        ValueKind::StringLiteral(content)
    }
}

fn parse_integer(text: &str) -> Option<i64> {
    let digits = text.replace('_', "").to_ascii_lowercase();
    if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(octal) = digits.strip_prefix("0o") {
        i64::from_str_radix(octal, 8).ok()
    } else if let Some(binary) = digits.strip_prefix("0b") {
        i64::from_str_radix(binary, 2).ok()
    } else {
        digits.parse().ok()
    }
}

/// Where and how a new entry is inserted into a dict literal or `dict(...)` call.
fn object_style(node: Node<'_>, text: &str, entry_form: EntryForm) -> ObjectStyle {
    let container = if node.kind() == "call" {
        node.child_by_field_name("arguments").unwrap_or(node)
    } else {
        node
    };
    let mut cursor = container.walk();
    let first = container
        .named_children(&mut cursor)
        .find(|child| child.kind() != "comment");
    ObjectStyle::of(container, first, text, entry_form)
}

/// Whether a response-shaped literal that no handler returns is an argument of a call
/// (`log({...})`, `Response(**{...})`, `build_response({...})`) or stored on another object:
/// input to code gatelint does not follow, which may serialise or reshape it, so not itself the
/// answer.
fn is_call_input(object: Node<'_>) -> bool {
    let parent = object.parent();
    // Stored on another object (`self.response = {...}`): what reads it later is not known.
    if parent.is_some_and(|parent| {
        parent.kind() == "assignment"
            && parent
                .child_by_field_name("left")
                .is_some_and(|left| matches!(left.kind(), "attribute" | "subscript"))
    }) {
        return true;
    }
    let in_arguments = |node: Option<Node<'_>>| node.is_some_and(|n| n.kind() == "argument_list");
    in_arguments(parent)
        || parent.is_some_and(|parent| {
            matches!(parent.kind(), "keyword_argument" | "dictionary_splat")
                && in_arguments(parent.parent())
        })
}

/// Whether a response-shaped literal that no handler returns is data about responses rather than
/// one: an element of a list, tuple or set (schema examples, test cases) or serialised through
/// the variable it is assigned to (`json.dumps(response)` is a string; serialised on the spot, it
/// is a call's input, see [`is_call_input`]).
fn is_sample_data(object: Node<'_>, text: &str) -> bool {
    let Some(parent) = object.parent() else {
        return false;
    };
    match parent.kind() {
        "list" | "tuple" | "set" => true,
        "assignment" => parent
            .child_by_field_name("left")
            .filter(|left| left.kind() == "identifier")
            .is_some_and(|left| {
                super::is_serialised(text, "dumps(", TextRange::of_node(&left).slice(text))
            }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_compile() {
        std::sync::LazyLock::force(&QUERIES);
    }

    fn facts(source: &str) -> SourceFacts {
        let tree =
            crate::text::Document::new(Some(crate::files::FileKind::Python), source.to_owned());
        extract(tree.tree().expect("parsed"), source, &[], None)
    }

    #[test]
    fn finds_handlers_and_the_helpers_they_return_through() {
        let facts = facts(
            "def ok(body):\n    return wrap(200, body)\n\ndef wrap(status, body):\n    return {\"statusCode\": status, \"body\": body}\n\n\
             def handler(event, context):\n    return ok(\"x\")\n\nclass C:\n    def handler(self, event, context):\n        return {}\n",
        );
        let names: Vec<(&str, bool)> = facts
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f.role.is_handler()))
            .collect();
        assert_eq!(names, [("ok", false), ("wrap", false), ("handler", true)]);
        assert_eq!(facts.responses.len(), 1);
        assert!(facts.functions.iter().all(|f| f.api_evidence.is_none()));
    }

    #[test]
    fn resolves_the_binding_visible_at_the_use() {
        let facts = facts(
            "import json\ndef handler(event, context):\n    body = {\"a\": 1}\n    body = json.dumps(body)\n    \
             return {\"statusCode\": 200, \"body\": body}\n",
        );
        let body = facts.responses[0].entry("body").expect("body entry");
        assert!(body.value.kind.is_stringy(), "{:?}", body.value.kind);
        assert!(facts.edit_context.has_json_import);
    }

    #[test]
    fn finds_the_paths_that_fall_off_the_end() {
        let ends = |body: &str| {
            let source = format!("def handler(event, context):\n{body}");
            facts(&source)
                .non_objects
                .iter()
                .map(|found| (found.range.slice(&source).to_owned(), found.what.clone()))
                .collect::<Vec<_>>()
        };
        let falls = |at: &str, how| vec![(at.to_owned(), NonObjectKind::FallsOff(how))];
        assert_eq!(
            ends("    if a:\n        return {}\n    elif b:\n        return {}\n"),
            falls("if a:", FallOff::NoBranch)
        );
        assert_eq!(
            ends("    try:\n        return {}\n    except E:\n        log(e)\n"),
            falls("log(e)", FallOff::After)
        );
        assert!(ends("    if a:\n        return {}\n    else:\n        raise E\n").is_empty());
        assert!(ends("    while True:\n        if a:\n            return {}\n").is_empty());
        assert!(ends("    try:\n        return {}\n    finally:\n        log()\n").is_empty());
        assert!(ends("    match a:\n        case 1:\n            return {}\n").is_empty());
        assert!(ends("    if a:\n        return {}\n    sys.exit(1)\n").is_empty());
        assert!(ends("    if a:\n        return {}\n    abort(404)\n").is_empty());
        assert_eq!(
            ends("    if a:\n        return {}\n    return\n"),
            vec![("return".to_owned(), NonObjectKind::BareReturn)]
        );
    }

    #[test]
    fn a_name_bound_on_several_branches_has_the_kind_they_share() {
        let body_kind = |body: &str| {
            let source = format!(
                "def handler(event, context):\n{body}    return {{\"statusCode\": 200, \"body\": x}}\n"
            );
            let facts = facts(&source);
            let kind = facts.responses[0]
                .entry("body")
                .expect("body")
                .value
                .kind
                .clone();
            format!("{kind:?}")
        };
        assert_eq!(body_kind("    x = 1\n"), "Integer(1)");
        assert_eq!(
            body_kind("    if a:\n        x = 1\n    else:\n        x = 2\n"),
            "Unknown"
        );
        assert_eq!(body_kind("    x = 1\n    if a:\n        x = 2\n"), "Number");
        assert_eq!(
            body_kind("    x = 's'\n    if a:\n        x = 2\n"),
            "Unknown"
        );
        assert_eq!(body_kind("    x = int(a) + int(b)\n"), "Number");
        assert_eq!(body_kind("    x = a * 2\n"), "Unknown");
        assert_eq!(body_kind("    with f:\n        x = len(a)\n"), "Number");
    }

    #[test]
    fn import_goes_after_the_docstring_and_future_imports() {
        let source = "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\n";
        let facts = facts(source);
        assert_eq!(
            &source[facts.edit_context.import_insert_at..],
            "import os\n"
        );
        assert!(!facts.edit_context.import_needs_blank_line);
    }
}
