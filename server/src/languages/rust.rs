//! Rust handlers: functions the Lambda runtime calls (`service_fn(handler)`, or typed
//! `LambdaEvent<ApiGatewayProxyRequest>` / returning `ApiGatewayProxyResponse`), the helpers they
//! return through, the `json!({...})` objects they return, and `ApiGatewayProxyResponse { .. }`
//! struct expressions.
//!
//! Handlers written with `lambda_http` return `Response::builder()...`, a `serde_json::Value` or
//! anything else that implements `IntoResponse`; `lambda_http` turns that into a well-formed proxy
//! response itself, so what such handlers return is never read as a proxy response here.

mod token_tree;

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Tree};

use self::token_tree::{parse_float, parse_integer, string_content, Reader, ResolveIdentifier};
use super::facts::*;
use super::pipeline::bindings::{Bindings, KeyAssignment, Update, Window};
use super::pipeline::evidence::Evidence;
use super::pipeline::flow::{Dialect, Responses, Returned};
use super::pipeline::scopes::{ScopeIndex, ScopeKind};
use super::pipeline::{calls, roles, MAX_DEPTH};
use super::query::{for_each_match, grammar_query, grammar_query_set, Matches, QueryFile};
use crate::files::Language;
use crate::text::TextRange;

fn rust() -> tree_sitter::Language {
    tree_sitter_rust::LANGUAGE.into()
}

// The queries run over the whole file, in one pass; `returns.scm` runs on one function at a time.
grammar_query_set!(
    QUERIES,
    rust(),
    [
        "rust/functions.scm",
        "rust/service_fn.scm",
        "rust/bindings.scm",
        "rust/objects.scm",
        "rust/evidence.scm",
        "rust/scopes.scm",
        "rust/calls.scm",
    ]
);
const FUNCTIONS: QueryFile = QueryFile(0);
const SERVICE_FN: QueryFile = QueryFile(1);
const BINDINGS: QueryFile = QueryFile(2);
const OBJECTS: QueryFile = QueryFile(3);
const EVIDENCE: QueryFile = QueryFile(4);
const SCOPES: QueryFile = QueryFile(5);
const CALLS: QueryFile = QueryFile(6);
grammar_query!(RETURNS, rust(), "rust/returns.scm");

/// `aws_lambda_events` types that only API Gateway sends or accepts.
const API_TYPES: &[&str] = &[
    "ApiGatewayProxyRequest",
    "ApiGatewayV2httpRequest",
    "ApiGatewayProxyResponse",
    "ApiGatewayV2httpResponse",
];

/// `aws_lambda_events` types of other sources' events: a handler that takes one is invoked by
/// that source (S3, a queue, a stream, a schedule), whatever it returns (a handler taking an
/// `S3Event` and answering an `ApiGatewayProxyResponse` serves no API).
const OTHER_SOURCE_EVENT_TYPES: &[&str] = &[
    "S3Event",
    "SqsEvent",
    "SnsEvent",
    "KinesisEvent",
    "KinesisFirehoseEvent",
    "EventBridgeEvent",
    "CloudWatchEvent",
    "KafkaEvent",
    "DynamoDbEvent",
];

/// Proxy response structs, and how their fields map to the JSON keys they serialise to. Fields
/// missing here (`cookies` on the 2.0 struct) are not read: the type already guarantees them.
const RESPONSE_STRUCT_FIELDS: &[(&str, &str)] = &[
    ("status_code", "statusCode"),
    ("headers", "headers"),
    ("multi_value_headers", "multiValueHeaders"),
    ("body", "body"),
    ("is_base64_encoded", "isBase64Encoded"),
];

pub fn extract(tree: &Tree, text: &str) -> SourceFacts {
    let root = tree.root_node();
    let matches = QUERIES.run(root, text);
    let scopes = ScopeIndex::from_captures(
        &matches,
        SCOPES,
        &[
            ("function", ScopeKind::Function),
            ("lambda", ScopeKind::Lambda),
            ("block", ScopeKind::Block),
        ],
    );
    let mut extractor = Extractor {
        text,
        scopes,
        facts: SourceFacts::empty(Language::Rust),
        by_node: HashMap::new(),
        converted: HashSet::new(),
        bindings: Bindings::default(),
        definitions: Vec::new(),
    };
    extractor.collect_bindings(&matches);
    extractor.collect_functions(root, &matches);
    extractor.collect_responses(&matches);
    extractor.collect_evidence(&matches);
    extractor.facts.edit_context.has_json_import = uses_bare_json_macro(&matches);
    super::timing::collect_rust(root, text, &mut extractor.facts);
    // Handlers `lambda_http` runs, or typed for API Gateway, answer an HTTP front door.
    let serves_http: HashSet<FunctionId> = extractor
        .by_node
        .values()
        .filter(|(id, node)| {
            let signature = Signature::of(*node, text);
            extractor.converted.contains(id)
                || (signature.api_type().is_some() && signature.other_source_type().is_none())
        })
        .map(|(id, _)| *id)
        .collect();
    super::escapes::collect_rust(root, text, &mut extractor.facts, |id| {
        serves_http.contains(&id)
    });
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
    scopes: ScopeIndex,
    facts: SourceFacts,
    /// Function item node id → its id and node, for handlers and helpers only.
    by_node: HashMap<usize, (FunctionId, Node<'t>)>,
    /// Handlers (and their helpers) whose `json!` values are not read as payload 1.0 responses:
    /// `lambda_http` ones (it converts what they return into a response itself) and ones typed for
    /// HTTP API payload 2.0 (`ApiGatewayV2httpRequest`), where a plain object is a valid answer and
    /// `cookies` a valid key, which the analysis cannot yet tell from payload 1.0.
    converted: HashSet<FunctionId>,
    /// `let name = value;` (visible after it inside its block) and `name["key"] = value;`.
    bindings: Bindings<'t>,
    /// Every function item and its name, in document order: the call graph's nodes.
    definitions: Vec<(Node<'t>, &'t str)>,
}

/// A function item before we know its role.
struct Candidate<'t> {
    node: Node<'t>,
    name: Node<'t>,
    role: Option<Role>,
    converted: bool,
    /// Passed to `service_fn` inside a streaming runtime call (`run_with_streaming_response`).
    streamed: bool,
}

impl<'t> Extractor<'t> {
    fn node_text(&self, node: Node<'_>) -> &'t str {
        TextRange::of_node(&node).slice(self.text)
    }

    fn collect_bindings(&mut self, matches: &Matches<'static, 't>) {
        let text = self.text;
        let scopes = &self.scopes;
        let bindings = &mut self.bindings;
        matches.each(BINDINGS, |captures| {
            let Some(value) = captures.get("value") else {
                return;
            };
            if let (Some(binding), Some(target)) = (captures.get("binding"), captures.get("target"))
            {
                let name = TextRange::of_node(&target).slice(text);
                bindings.bind(scopes, binding, name, Some(value), None);
            } else if let (Some(assignment), Some(target), Some(key)) = (
                captures.get("item_assignment"),
                captures.get("item_target"),
                captures.get("item_key"),
            ) {
                let target = TextRange::of_node(&target).slice(text);
                bindings.assign(scopes, assignment, target, key, value);
            }
        });
    }

    /// Every function item; handlers by how the runtime is given them or by their types, helpers
    /// by being returned through (to a fixpoint). Other functions are dropped.
    fn collect_functions(&mut self, root: Node<'t>, matches: &Matches<'static, 't>) {
        let mut candidates: Vec<Candidate<'t>> = Vec::new();
        matches.each(FUNCTIONS, |captures| {
            if let (Some(node), Some(name)) = (captures.get("function"), captures.get("name")) {
                candidates.push(Candidate {
                    node,
                    name,
                    role: None,
                    converted: false,
                    streamed: false,
                });
            }
        });
        self.definitions = candidates
            .iter()
            .map(|candidate| (candidate.node, self.node_text(candidate.name)))
            .collect();
        let names = roles::by_name(
            candidates
                .iter()
                .map(|candidate| self.node_text(candidate.name)),
        );
        let http_only = uses_lambda_http_only(root, self.text);
        // Passed to `service_fn`.
        matches.each(SERVICE_FN, |captures| {
            let (Some(call), Some(handler)) = (captures.get("call"), captures.get("handler"))
            else {
                return;
            };
            let runner = runner_of(call, self.text);
            let converted =
                http_only || runner.is_some_and(|runner| runner.starts_with("lambda_http::"));
            let streamed = runner.is_some_and(is_streaming_runner);
            let passed = match handler.kind() {
                "identifier" => vec![self.node_text(handler)],
                "closure_expression" => called_names(handler, self.text),
                _ => Vec::new(),
            };
            for name in passed {
                if let Some(&index) = names.get(name) {
                    let candidate = &mut candidates[index];
                    candidate.role = Some(Role::Handler {
                        reason: "is passed to service_fn",
                    });
                    candidate.converted |= converted;
                    candidate.streamed |= streamed;
                }
            }
        });
        // Typed like a handler.
        for candidate in &mut candidates {
            let signature = Signature::of(candidate.node, self.text);
            candidate.converted |= signature.is_lambda_http() || signature.is_payload_v2();
            if candidate.role.is_none() {
                candidate.role = signature
                    .handler_reason()
                    .map(|reason| Role::Handler { reason });
            }
        }
        // Helpers: a function whose call a handler or helper returns.
        let mut returned_calls: Vec<(usize, usize)> = Vec::new();
        for (owner, candidate) in candidates.iter().enumerate() {
            for leaf in self.returned_leaves_of(candidate.node) {
                if let Some(&callee) =
                    called_function(leaf, self.text).and_then(|name| names.get(name))
                {
                    if callee != owner {
                        returned_calls.push((owner, callee));
                    }
                }
            }
        }
        let mut roles: Vec<Option<Role>> = candidates
            .iter_mut()
            .map(|candidate| candidate.role.take())
            .collect();
        // A helper of a converted handler is converted too.
        for (callee, owner) in roles::settle(&mut roles, &returned_calls) {
            candidates[callee].converted = candidates[owner].converted;
        }
        for (candidate, settled) in candidates.into_iter().zip(roles::renumber(roles)) {
            let Some((id, role)) = settled else {
                continue;
            };
            if candidate.converted {
                self.converted.insert(id);
            }
            // Run by a streaming runtime, or answering with a `StreamResponse`.
            let returns_stream = Signature::of(candidate.node, self.text)
                .return_type
                .is_some_and(|(_, written)| written.contains("StreamResponse"));
            if role.is_handler() && (candidate.streamed || returns_stream) {
                self.facts.streaming.push(StreamingHandler {
                    name: self.node_text(candidate.name).to_owned(),
                    function: Some(id),
                });
            }
            self.by_node
                .insert(candidate.node.id(), (id, candidate.node));
            self.facts.functions.push(Function {
                name: self.node_text(candidate.name).to_owned(),
                name_range: TextRange::of_node(&candidate.name),
                range: TextRange::of_node(&candidate.node),
                role,
                api_evidence: None,
                other_source_evidence: None,
                payload_evidence: None,
            });
        }
    }

    /// The expressions a function returns: its body's tail and its `return`s, seen through
    /// `Ok(...)`, `.await`, `?`, blocks, `if` and `match`.
    fn returned_leaves_of(&self, function: Node<'t>) -> Vec<Node<'t>> {
        let mut leaves = Vec::new();
        if let Some(tail) = function.child_by_field_name("body").and_then(block_tail) {
            returned_leaves(tail, self.text, &mut leaves, 0);
        }
        for_each_match(&RETURNS, function, self.text, |captures| {
            if let (Some(ret), Some(value)) = (captures.get("return"), captures.get("value")) {
                if self.scopes.enclosing_function(ret) == Some(function.id()) {
                    returned_leaves(value, self.text, &mut leaves, 0);
                }
            }
        });
        leaves
    }

    fn collect_responses(&mut self, matches: &Matches<'static, 't>) {
        let mut responses = Responses::default();
        // Returned by handlers and helpers.
        let functions: Vec<(FunctionId, Node<'t>)> = self.by_node.values().copied().collect();
        for (function, node) in functions {
            if self.converted.contains(&function) {
                continue;
            }
            for leaf in self.returned_leaves_of(node) {
                responses.returned(&*self, Origin::Returned { function }, leaf, 0);
            }
        }
        // `json!` literals with `statusCode` and another response key, and response structs,
        // wherever they stand.
        matches.each(OBJECTS, |captures| {
            if let (Some(_), Some(arguments)) = (captures.get("json"), captures.get("arguments")) {
                if let Some(object) = object_argument(arguments) {
                    responses.literal(&*self, object, |object| self.inside_converted(object));
                }
            } else if let (Some(node), Some(fields)) =
                (captures.get("struct"), captures.get("fields"))
            {
                responses.push(self.struct_response(node, fields));
            }
        });
        self.facts.responses = responses.finish();
    }

    /// Whether a node sits in a `lambda_http` handler (or helper), whose results are converted.
    fn inside_converted(&self, node: Node<'t>) -> bool {
        let mut current = node.parent();
        while let Some(candidate) = current {
            if candidate.kind() == "function_item" {
                return match self.by_node.get(&candidate.id()) {
                    Some((id, _)) => self.converted.contains(id),
                    // Not found as a handler (its `service_fn` may be in another file).
                    None => {
                        let signature = Signature::of(candidate, self.text);
                        signature.is_lambda_http() || signature.is_payload_v2()
                    }
                };
            }
            current = candidate.parent();
        }
        false
    }

    /// `ApiGatewayProxyResponse { status_code: 200, body: Some(...), ..Default::default() }`: the
    /// fields as the JSON keys they serialise to. The type guarantees every key and value type,
    /// so only what a field's value states (a status out of range) can be wrong.
    fn struct_response(&self, node: Node<'t>, fields: Node<'t>) -> ResponseObject {
        let mut entries = Vec::new();
        let mut has_base = false;
        let mut cursor = fields.walk();
        for field in fields.named_children(&mut cursor) {
            let (name, value) = match field.kind() {
                "field_initializer" => (
                    field.child_by_field_name("field"),
                    field.child_by_field_name("value"),
                ),
                // `ApiGatewayProxyResponse { status_code, .. }`: the local of that name.
                "shorthand_field_initializer" => (field.named_child(0), field.named_child(0)),
                "base_field_initializer" => {
                    has_base = true;
                    continue;
                }
                _ => continue,
            };
            let (Some(name), Some(value)) = (name, value) else {
                continue;
            };
            let field_name = self.node_text(name);
            let Some((_, key)) = RESPONSE_STRUCT_FIELDS
                .iter()
                .find(|(field, _)| *field == field_name)
            else {
                continue;
            };
            let value = if *key == "statusCode" {
                self.classify(value, 0)
            } else {
                // The field's type is fixed; what it holds at run time is not ours to judge.
                Value {
                    kind: ValueKind::Unknown,
                    range: TextRange::of_node(&value),
                    defined_at: None,
                }
            };
            entries.push(Entry {
                key: (*key).to_owned(),
                key_range: TextRange::of_node(&name),
                bare_key: true,
                value,
                assigned_later: false,
            });
        }
        let range = TextRange::of_node(&node);
        let mut cursor = fields.walk();
        let first = fields.named_children(&mut cursor).next();
        ResponseObject {
            range,
            anchor: range.first_line(self.text),
            // Without a base (`..Default::default()`), a struct missing `status_code` would not
            // compile; either way its keys are the type's, so presence checks have nothing to say.
            opaque: has_base || !entries.iter().any(|entry| entry.key == "statusCode"),
            entries,
            origin: Origin::StatusCodeLiteral,
            style: object_style(fields, first, self.text, EntryForm::BareKey),
        }
    }

    /// The value of `name["key"] = value;`. The slot holds a `serde_json::Value`, so only a
    /// `json!(...)` (read inside the macro) or a local bound to a `json!` object or array is
    /// classified: a fix written into the bare slot would have to convert to `Value` itself.
    fn assigned_value(&self, node: Node<'t>) -> Value {
        let value = self.classify(node, 0);
        let keep = node.kind() == "macro_invocation"
            || matches!(value.kind, ValueKind::Object(..) | ValueKind::Array(_));
        if keep {
            value
        } else {
            Value {
                kind: ValueKind::Unknown,
                ..value
            }
        }
    }

    fn reader(&self) -> Reader<'_, 't> {
        Reader {
            text: self.text,
            resolve: self,
        }
    }

    /// What a Rust expression (a `let` value, an assigned value, a struct field) evaluates to.
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
        let literal = self.node_text(node);
        match node.kind() {
            "string_literal" | "raw_string_literal" => value(
                string_content(node, self.text).map_or(ValueKind::String, ValueKind::StringLiteral),
            ),
            "integer_literal" => {
                value(parse_integer(literal).map_or(ValueKind::Unknown, ValueKind::Integer))
            }
            "float_literal" => {
                value(parse_float(literal).map_or(ValueKind::Unknown, ValueKind::Float))
            }
            "boolean_literal" => value(ValueKind::Bool(literal == "true")),
            "unary_expression" if literal.starts_with('-') => {
                match node
                    .named_child(0)
                    .map(|operand| self.classify(operand, depth + 1).kind)
                {
                    Some(ValueKind::Integer(n)) => value(ValueKind::Integer(-n)),
                    Some(ValueKind::Float(n)) => value(ValueKind::Float(-n)),
                    _ => value(ValueKind::Unknown),
                }
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => Value {
                    range,
                    ..self.classify(inner, depth + 1)
                },
                None => value(ValueKind::Unknown),
            },
            "macro_invocation" => {
                let name = node
                    .child_by_field_name("macro")
                    .map(|name| self.node_text(name))
                    .unwrap_or("");
                let arguments = node
                    .named_children(&mut node.walk())
                    .find(|child| child.kind() == "token_tree");
                match (name.rsplit("::").next(), arguments) {
                    // The value is what is written inside `json!(...)`; fixes then edit it in
                    // a `json!` context, where `.to_string()` and literals are valid values.
                    (Some("json"), Some(arguments)) => {
                        self.reader().macro_argument(arguments, depth + 1)
                    }
                    (Some("format"), _) => value(ValueKind::String),
                    _ => value(ValueKind::Unknown),
                }
            }
            "call_expression" => value(self.classify_call(node)),
            "try_expression" => value(
                node.named_child(0)
                    .filter(|call| call.kind() == "call_expression")
                    .and_then(|call| call.child_by_field_name("function"))
                    .filter(|function| {
                        matches!(
                            self.node_text(*function),
                            "serde_json::to_string" | "to_string" | "serde_json::to_string_pretty"
                        )
                    })
                    .map_or(ValueKind::Unknown, |_| ValueKind::String),
            ),
            "identifier" => self.identifier(node, depth + 1),
            _ => value(ValueKind::Unknown),
        }
    }

    /// `x.to_string()`, `String::from(..)`: calls that certainly yield a string.
    fn classify_call(&self, call: Node<'t>) -> ValueKind {
        let Some(function) = call.child_by_field_name("function") else {
            return ValueKind::Unknown;
        };
        match function.kind() {
            "field_expression" => {
                let method = function
                    .child_by_field_name("field")
                    .map(|field| self.node_text(field));
                match method {
                    Some("to_string" | "to_uppercase" | "to_lowercase") => ValueKind::String,
                    _ => ValueKind::Unknown,
                }
            }
            "scoped_identifier"
                if matches!(self.node_text(function), "String::from" | "String::new") =>
            {
                ValueKind::String
            }
            _ => ValueKind::Unknown,
        }
    }

    /// Which handlers show that they serve API Gateway.
    fn collect_evidence(&mut self, matches: &Matches<'static, 't>) {
        let mut found = Evidence::default();
        // Types in the signature.
        for &(id, node) in self.by_node.values() {
            let signature = Signature::of(node, self.text);
            if let Some((name, range)) = signature.other_source_type() {
                found.other_type(id, name, range);
            } else if let Some((name, range)) = signature.api_type() {
                found.api_type(id, name, range);
            }
        }
        // Reads of API Gateway event keys from the event.
        matches.each(EVIDENCE, |captures| {
            let (Some(object), Some(key), Some(read)) = (
                captures.get("object"),
                captures.get("key"),
                captures.get("read"),
            ) else {
                return;
            };
            let Some(key_text) = string_content(key, self.text) else {
                return;
            };
            let Some(&(id, function)) = self
                .scopes
                .enclosing_function(read)
                .and_then(|f| self.by_node.get(&f))
            else {
                return;
            };
            if !self.facts.function(id).role.is_handler() {
                return;
            }
            let object_text = self.node_text(object);
            if self
                .event_names(function)
                .iter()
                .any(|name| object_text == name)
            {
                let message = format!("reads `{object_text}[\"{key_text}\"]`");
                found.key_read(id, message, &key_text, TextRange::of_node(&read));
            }
        });
        found.record(&mut self.facts.functions);
    }

    /// How a handler's code names its event: the first parameter `event`, `event.payload`, and
    /// locals taken from it (`let (payload, _context) = event.into_parts();`,
    /// `let payload = event.payload;`); a destructured `LambdaEvent { payload, .. }` names `payload`.
    fn event_names(&self, function: Node<'t>) -> Vec<String> {
        let Some(parameter) = function
            .child_by_field_name("parameters")
            .and_then(|parameters| parameters.named_child(0))
            .and_then(|parameter| parameter.child_by_field_name("pattern"))
        else {
            return Vec::new();
        };
        let mut names: Vec<String> = Vec::new();
        match parameter.kind() {
            "identifier" => {
                let event = self.node_text(parameter);
                names.push(event.to_owned());
                names.push(format!("{event}.payload"));
            }
            "struct_pattern" => {
                let mut cursor = parameter.walk();
                for field in parameter.named_children(&mut cursor) {
                    if field.kind() != "field_pattern" {
                        continue;
                    }
                    let bound = field
                        .child_by_field_name("pattern")
                        .or_else(|| field.named_child(0));
                    if let Some(bound) = bound {
                        names.push(self.node_text(bound).to_owned());
                    }
                }
            }
            _ => {}
        }
        let body = TextRange::of_node(&function);
        let mut locals = Vec::new();
        let mut cursor = function.walk();
        let mut stack = vec![function];
        while let Some(node) = stack.pop() {
            if node.kind() == "let_declaration" && body.contains(node.start_byte()) {
                let (Some(pattern), Some(value)) = (
                    node.child_by_field_name("pattern"),
                    node.child_by_field_name("value"),
                ) else {
                    continue;
                };
                let value_text = self.node_text(value);
                let from_event = names.iter().any(|name| {
                    value_text == name
                        || value_text == format!("{name}.payload")
                        || value_text == format!("{name}.into_parts()")
                        || value_text == format!("{name}.payload.clone()")
                });
                if from_event {
                    let first = if pattern.kind() == "tuple_pattern" {
                        pattern.named_child(0)
                    } else {
                        Some(pattern)
                    };
                    if let Some(first) = first.filter(|p| p.kind() == "identifier") {
                        locals.push(self.node_text(first).to_owned());
                    }
                }
                continue;
            }
            stack.extend(node.named_children(&mut cursor));
        }
        names.extend(locals);
        names
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

    /// The leaves `returned_leaves_of` gives are already seen through `Ok(...)`, `.await`, `?`,
    /// blocks, `if` and `match`.
    fn returned(&self, leaf: Node<'t>) -> Returned<'t> {
        match leaf.kind() {
            "macro_invocation" => {
                json_object(leaf, self.text).map_or(Returned::Other, Returned::Object)
            }
            "identifier" => Returned::Name,
            _ => Returned::Other,
        }
    }

    fn bound_object(&self, bound: Node<'t>) -> Option<Node<'t>> {
        json_object(bound, self.text)
    }

    fn object_entries(&self, object: Node<'t>) -> Option<(Vec<Entry>, ObjectShape)> {
        Some(self.reader().object(object, 0))
    }

    fn assigned_entry(&self, assignment: &KeyAssignment<'t>) -> Option<Entry> {
        Some(Entry {
            key: string_content(assignment.key, self.text)?,
            key_range: TextRange::of_node(&assignment.key),
            bare_key: false,
            value: self.assigned_value(assignment.value),
            assigned_later: true,
        })
    }

    /// Rust records no updates: a `serde_json::Value` is changed through the methods
    /// `hidden_changes` looks for.
    fn updated_entries(&self, _update: &Update<'t>) -> (Vec<Entry>, ObjectShape) {
        (Vec::new(), ObjectShape::Opaque)
    }

    /// Changed through the `serde_json::Value` API: keys we cannot see.
    fn hidden_changes(&self, window: Window<'_>) -> bool {
        let between = self.text.get(window.from..window.to).unwrap_or("");
        ["as_object_mut()", "get_mut(", "pointer_mut(", "take()"]
            .iter()
            .any(|method| between.contains(&format!("{}.{method}", window.name)))
    }

    fn response_object(
        &self,
        object: Node<'t>,
        entries: Vec<Entry>,
        shape: ObjectShape,
        origin: Origin,
    ) -> ResponseObject {
        let range = TextRange::of_node(&object);
        let style = object_style(
            object,
            token_tree::inner_tokens(object).first().copied(),
            self.text,
            EntryForm::QuotedKey,
        );
        ResponseObject::new(range, self.text, entries, shape, origin, style)
    }
}

impl<'t> ResolveIdentifier<'t> for Extractor<'t> {
    /// A local bound to a literal, a `json!` value or a string-building call is what it is bound to.
    fn identifier(&self, identifier: Node<'t>, depth: usize) -> Value {
        let range = TextRange::of_node(&identifier);
        let unknown = Value {
            kind: ValueKind::Unknown,
            range,
            defined_at: None,
        };
        if depth > MAX_DEPTH {
            return unknown;
        }
        let name = self.node_text(identifier);
        let Some(bound) = self
            .bindings
            .visible(&self.scopes, identifier, name)
            .and_then(|binding| binding.value)
        else {
            return unknown;
        };
        // Rebound after use: `let body = body.to_string();` reads the earlier `body`.
        if bound.start_byte() <= identifier.start_byte()
            && identifier.end_byte() <= bound.end_byte()
        {
            return unknown;
        }
        let resolved = self.classify(bound, depth + 1);
        Value {
            kind: resolved.kind,
            range,
            defined_at: Some(resolved.range),
        }
    }
}

/// What a function's signature says about it.
struct Signature<'t> {
    parameters: Vec<(Node<'t>, &'t str)>,
    return_type: Option<(Node<'t>, &'t str)>,
    /// Whether the file uses the `lambda_http` crate: only then are `Request` and `Response` its
    /// types (a `lambda_runtime` handler often declares structs of those names).
    uses_lambda_http: bool,
}

impl<'t> Signature<'t> {
    fn of(function: Node<'t>, text: &'t str) -> Self {
        let typed = |node: Node<'t>| (node, TextRange::of_node(&node).slice(text));
        let mut parameters = Vec::new();
        if let Some(list) = function.child_by_field_name("parameters") {
            let mut cursor = list.walk();
            for parameter in list.named_children(&mut cursor) {
                if let Some(kind) = parameter.child_by_field_name("type") {
                    parameters.push(typed(kind));
                }
            }
        }
        Signature {
            parameters,
            return_type: function.child_by_field_name("return_type").map(typed),
            uses_lambda_http: text.contains("lambda_http"),
        }
    }

    fn handler_reason(&self) -> Option<&'static str> {
        if self
            .parameters
            .iter()
            .any(|(_, kind)| kind.contains("LambdaEvent<"))
        {
            return Some("takes a LambdaEvent");
        }
        if self.return_type.is_some_and(|(_, kind)| {
            contains_word(kind, "ApiGatewayProxyResponse")
                || contains_word(kind, "ApiGatewayV2httpResponse")
        }) {
            return Some("returns an API Gateway proxy response");
        }
        None
    }

    /// Takes a `lambda_http::Request` or returns `impl IntoResponse` / `Response<Body>`.
    fn is_lambda_http(&self) -> bool {
        if !self.uses_lambda_http
            || self
                .parameters
                .iter()
                .any(|(_, kind)| kind.contains("LambdaEvent<"))
        {
            return false;
        }
        let request = self.parameters.iter().any(|(_, kind)| {
            let path = kind.split('<').next().unwrap_or(kind).trim();
            path == "Request" || path.ends_with("::Request")
        });
        let response = self.return_type.is_some_and(|(_, kind)| {
            contains_word(kind, "IntoResponse") || contains_word(kind, "Response")
        });
        request || response
    }

    /// Typed for an HTTP API with payload 2.0.
    fn is_payload_v2(&self) -> bool {
        self.parameters
            .iter()
            .chain(self.return_type.iter())
            .any(|(_, kind)| {
                contains_word(kind, "ApiGatewayV2httpRequest")
                    || contains_word(kind, "ApiGatewayV2httpResponse")
            })
    }

    /// The first other source's event type a parameter names, and where.
    fn other_source_type(&self) -> Option<(&'static str, TextRange)> {
        self.parameters.iter().find_map(|(node, kind)| {
            OTHER_SOURCE_EVENT_TYPES.iter().find_map(|name| {
                word_at(kind, name).map(|at| {
                    let start = node.start_byte() + at;
                    (*name, TextRange::new(start, start + name.len()))
                })
            })
        })
    }

    /// The first API Gateway type named in the signature, and where.
    fn api_type(&self) -> Option<(&'static str, TextRange)> {
        self.parameters
            .iter()
            .chain(self.return_type.iter())
            .find_map(|(node, kind)| {
                API_TYPES.iter().find_map(|name| {
                    word_at(kind, name).map(|at| {
                        let start = node.start_byte() + at;
                        (*name, TextRange::new(start, start + name.len()))
                    })
                })
            })
    }
}

/// Where `word` occurs in `text` as a whole identifier.
fn word_at(text: &str, word: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

fn contains_word(text: &str, word: &str) -> bool {
    word_at(text, word).is_some()
}

/// The last expression of a block, when it has no semicolon (the block's value).
fn block_tail(block: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = block.walk();
    let last = block
        .named_children(&mut cursor)
        .filter(|child| !matches!(child.kind(), "line_comment" | "block_comment"))
        .last()?;
    match last.kind() {
        // `if`/`match`/blocks at the end are wrapped in a statement without a semicolon.
        "expression_statement" => {
            let last_token = last.child(last.child_count().checked_sub(1)?)?;
            if last_token.kind() == ";" {
                None
            } else {
                last.named_child(0)
            }
        }
        "let_declaration" | "empty_statement" => None,
        kind if kind.ends_with("_item") || kind == "attribute_item" => None,
        _ => Some(last),
    }
}

/// The expressions `value` returns, seen through `Ok(...)`, `.await`, `?`, parentheses, blocks,
/// `if`/`else` and `match` arms.
fn returned_leaves<'t>(value: Node<'t>, text: &str, leaves: &mut Vec<Node<'t>>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut inner = |node: Option<Node<'t>>| {
        if let Some(node) = node {
            returned_leaves(node, text, leaves, depth + 1);
        }
    };
    match value.kind() {
        "call_expression" => {
            let wrapped = value
                .child_by_field_name("function")
                .is_some_and(|function| {
                    matches!(
                        TextRange::of_node(&function).slice(text),
                        "Ok" | "Some" | "Result::Ok" | "Option::Some"
                    )
                });
            let arguments = value
                .child_by_field_name("arguments")
                .filter(|arguments| arguments.named_child_count() == 1);
            match arguments {
                Some(arguments) if wrapped => inner(arguments.named_child(0)),
                _ => leaves.push(value),
            }
        }
        "await_expression"
        | "try_expression"
        | "parenthesized_expression"
        | "return_expression" => inner(value.named_child(0)),
        "block" | "unsafe_block" => inner(block_tail(value)),
        "async_block" => {
            let mut cursor = value.walk();
            let block = value
                .named_children(&mut cursor)
                .find(|child| child.kind() == "block");
            inner(block.and_then(block_tail));
        }
        "if_expression" => {
            inner(value.child_by_field_name("consequence"));
            inner(value.child_by_field_name("alternative"));
        }
        "else_clause" => inner(value.named_child(0)),
        "match_expression" => {
            if let Some(body) = value.child_by_field_name("body") {
                let mut cursor = body.walk();
                for arm in body.named_children(&mut cursor) {
                    if arm.kind() == "match_arm" {
                        inner(arm.child_by_field_name("value"));
                    }
                }
            }
        }
        _ => leaves.push(value),
    }
}

/// The plain function name a returned call calls: `helper(...)` → `helper`.
fn called_function<'t>(leaf: Node<'_>, text: &'t str) -> Option<&'t str> {
    if leaf.kind() != "call_expression" {
        return None;
    }
    leaf.child_by_field_name("function")
        .filter(|function| function.kind() == "identifier")
        .map(|function| TextRange::of_node(&function).slice(text))
}

/// The plain function names called inside a closure: `|event| handler(event, &client)`,
/// `move |e| async move { handler(e).await }`.
fn called_names<'t>(closure: Node<'_>, text: &'t str) -> Vec<&'t str> {
    let mut names = Vec::new();
    let mut stack = vec![closure];
    while let Some(node) = stack.pop() {
        if let Some(name) = called_function(node, text) {
            names.push(name);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    names
}

/// The `{...}` object of a `json!({...})` argument list.
fn object_argument(arguments: Node<'_>) -> Option<Node<'_>> {
    match token_tree::inner_tokens(arguments).as_slice() {
        [object] if token_tree::delimiter(*object) == Some("{") => Some(*object),
        _ => None,
    }
}

/// The object of a `json!({...})` / `serde_json::json!({...})` expression.
fn json_object<'t>(node: Node<'t>, text: &str) -> Option<Node<'t>> {
    if node.kind() != "macro_invocation" {
        return None;
    }
    let name = node.child_by_field_name("macro")?;
    let path = TextRange::of_node(&name).slice(text);
    if path != "json" && path != "serde_json::json" {
        return None;
    }
    let mut cursor = node.walk();
    let arguments = node
        .named_children(&mut cursor)
        .find(|child| child.kind() == "token_tree")?;
    object_argument(arguments)
}

/// Whether the file calls `json!` unqualified (so a fix may too).
fn uses_bare_json_macro(matches: &Matches<'_, '_>) -> bool {
    let mut found = false;
    matches.each(OBJECTS, |captures| {
        if let Some(json) = captures.get("json") {
            found |= json
                .child_by_field_name("macro")
                .is_some_and(|name| name.kind() == "identifier");
        }
    });
    found
}

/// Whether the file uses `lambda_http` and not `lambda_runtime` directly: its `run` and
/// `service_fn` are then `lambda_http`'s, and what its handlers return is converted.
fn uses_lambda_http_only(root: Node<'_>, text: &str) -> bool {
    let mut http = false;
    let mut runtime = false;
    let mut cursor = root.walk();
    for item in root.named_children(&mut cursor) {
        if item.kind() != "use_declaration" {
            continue;
        }
        let used = TextRange::of_node(&item).slice(text);
        http |= used.contains("lambda_http");
        runtime |= used.contains("lambda_runtime");
    }
    http && !runtime
}

/// The function a `service_fn(...)` call is passed to (`lambda_http::run`,
/// `run_with_streaming_response`), as written.
fn runner_of<'t>(call: Node<'_>, text: &'t str) -> Option<&'t str> {
    let mut current = call.parent();
    while let Some(node) = current {
        if node.kind() == "call_expression" {
            return node
                .child_by_field_name("function")
                .map(|function| TextRange::of_node(&function).slice(text));
        }
        if node.kind() != "arguments" {
            return None;
        }
        current = node.parent();
    }
    None
}

/// Whether a runtime entry point streams what the handler answers: `lambda_http`'s
/// `run_with_streaming_response`, `lambda_runtime::streaming::run`.
fn is_streaming_runner(runner: &str) -> bool {
    runner.ends_with("run_with_streaming_response") || runner.ends_with("streaming::run")
}

/// The first line of a range, where object-level findings are shown.
/// Where and how a new entry goes into an object, given its first entry (if any).
fn object_style(
    container: Node<'_>,
    first: Option<Node<'_>>,
    text: &str,
    entry_form: EntryForm,
) -> ObjectStyle {
    ObjectStyle::of(container, first, text, entry_form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_queries_compile() {
        std::sync::LazyLock::force(&QUERIES);
        assert!(RETURNS.pattern_count() > 0);
    }

    fn streaming_names(source: &str) -> Vec<String> {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_rust::LANGUAGE.into())
            .expect("the grammar loads");
        let tree = parser
            .parse(source, None)
            .expect("the parser returns a tree");
        extract(&tree, source)
            .streaming
            .into_iter()
            .map(|streaming| streaming.name)
            .collect()
    }

    #[test]
    fn knows_handlers_run_for_streaming() {
        let http = "async fn handler(request: Request) -> Result<Response<Body>, Error> { todo!() }\n\
                    async fn main() -> Result<(), Error> { lambda_http::run_with_streaming_response(service_fn(handler)).await }";
        assert_eq!(streaming_names(http), ["handler"]);
        let typed = "async fn handler(event: LambdaEvent<Value>) -> Result<StreamResponse<Body>, Error> { todo!() }\n\
                     async fn main() -> Result<(), Error> { run(service_fn(handler)).await }";
        assert_eq!(streaming_names(typed), ["handler"]);
        // A mention in a comment is not a streaming runtime.
        let buffered = "// see run_with_streaming_response\n\
                        async fn handler(event: LambdaEvent<Value>) -> Result<Value, Error> { Ok(json!({\"statusCode\": 200})) }\n\
                        async fn main() -> Result<(), Error> { run(service_fn(handler)).await }";
        assert!(streaming_names(buffered).is_empty());
    }
}
