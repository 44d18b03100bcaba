//! JavaScript and TypeScript handlers: the exported functions Lambda can call (`exports.handler`,
//! `export const handler`, `module.exports = { handler }`, `middy(base)` wrappers, functions typed
//! with `aws-lambda` handler types), the helpers they return through, and the object literals they
//! return or pass to `callback(null, ...)`, built up through `response.body = ...` and
//! `Object.assign(response, {...})`.

use std::collections::HashMap;
use std::sync::LazyLock;

use tree_sitter::{Node, Query, Tree};

use super::facts::*;
use super::pipeline::bindings::{Bindings, KeyAssignment, Update};
use super::pipeline::endings::{self, NonObjects, Otherwise, Shape};
use super::pipeline::evidence::Evidence;
use super::pipeline::flow::{Dialect, Responses, Returned};
use super::pipeline::scopes::{ScopeIndex, ScopeKind};
use super::pipeline::values::{arithmetic, reaching_kind, same_kind};
use super::pipeline::{calls, roles, MAX_DEPTH};
use super::query::{compile, for_each_match, KeptMatches, Matches, QueryFile, QuerySet};
use crate::files::{FileKind, Language};
use crate::knowledge::frameworks;
use crate::text::TextRange;

/// The queries of one grammar, run in one pass: the JavaScript ones compile for all three
/// grammars (TypeScript shares the JavaScript node names); `types`, run on signatures only,
/// mentions TypeScript-only nodes.
struct Queries {
    all: QuerySet,
    types: Option<Query>,
}

/// Statements after which nothing in the same block runs.
const EXITS: &[&str] = &[
    "throw_statement",
    "return_statement",
    "continue_statement",
    "break_statement",
];

const FUNCTIONS: QueryFile = QueryFile(0);
const EXPORTS: QueryFile = QueryFile(1);
const BINDINGS: QueryFile = QueryFile(2);
const RETURNS: QueryFile = QueryFile(3);
const OBJECTS: QueryFile = QueryFile(4);
const EVIDENCE: QueryFile = QueryFile(5);
const CALLS: QueryFile = QueryFile(6);
const BRANCHES: QueryFile = QueryFile(7);

macro_rules! query_files {
    ($($file:literal),* $(,)?) => {
        [$(($file, include_str!(concat!("../../../grammars/", $file)))),*]
    };
}

impl Queries {
    fn new(language: tree_sitter::Language, typed: bool) -> Self {
        let files = query_files!(
            "javascript/functions.scm",
            "javascript/exports.scm",
            "javascript/bindings.scm",
            "javascript/returns.scm",
            "javascript/objects.scm",
            "javascript/evidence.scm",
            "javascript/calls.scm",
            "javascript/branches.scm",
        );
        let [types] = query_files!("typescript/types.scm");
        Self {
            all: QuerySet::new(&language, &files),
            types: typed.then(|| compile(&language, types.1, types.0)),
        }
    }
}

static JAVASCRIPT: LazyLock<Queries> =
    LazyLock::new(|| Queries::new(tree_sitter_javascript::LANGUAGE.into(), false));
static TYPESCRIPT: LazyLock<Queries> =
    LazyLock::new(|| Queries::new(tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(), true));
static TSX: LazyLock<Queries> =
    LazyLock::new(|| Queries::new(tree_sitter_typescript::LANGUAGE_TSX.into(), true));

fn queries(kind: FileKind) -> &'static Queries {
    match kind {
        FileKind::TypeScript => &TYPESCRIPT,
        FileKind::Tsx => &TSX,
        _ => &JAVASCRIPT,
    }
}

/// Names a handler's first parameter commonly has.
const EVENT_NAMES: &[&str] = &[
    "event", "evt", "ev", "e", "_event", "_evt", "_e", "_", "request", "req", "_req", "payload",
    "input",
];
/// Names a handler's second parameter commonly has.
const CONTEXT_NAMES: &[&str] = &["context", "ctx", "_context", "_ctx", "_", "__", "c", "_c"];
/// Second parameters of web-framework functions (`(req, res)`, `(request, reply)`): not Lambda.
const FRAMEWORK_SECOND_PARAMETERS: &[&str] =
    &["res", "response", "reply", "next", "h", "resp", "_res"];
/// Names of the Node callback parameter.
const CALLBACK_NAMES: &[&str] = &["callback", "cb", "done", "_callback", "next"];
/// Prefixes of the `aws-lambda` handler and event type names (`APIGatewayProxyHandler`,
/// `SQSHandler`, `APIGatewayProxyEventV2`, ...).
const AWS_TYPE_PREFIXES: &[&str] = &[
    "APIGateway",
    "ALB",
    "SQS",
    "SNS",
    "S3",
    "EventBridge",
    "DynamoDB",
    "Kinesis",
    "Scheduled",
    "CloudWatch",
    "CloudFormation",
    "CloudFront",
    "Cognito",
    "Firehose",
    "LambdaFunctionURL",
    "Custom",
    "MSK",
    "SES",
];

pub fn extract(
    kind: FileKind,
    tree: &Tree,
    text: &str,
    named: &[&str],
    kept: Option<&mut Option<KeptMatches>>,
) -> SourceFacts {
    let language = kind.language().unwrap_or(Language::JavaScript);
    let root = tree.root_node();
    let matches = match kept {
        Some(kept) => queries(kind).all.run_kept(tree, text, kept),
        None => queries(kind).all.run(root, text),
    };
    // Every function node is a scope (JavaScript binds `var`/`let`/`const` per function here).
    let scopes =
        ScopeIndex::from_captures(&matches, FUNCTIONS, &[("function", ScopeKind::Function)]);
    let mut extractor = Extractor {
        text,
        named: named.iter().map(|name| (*name).to_owned()).collect(),
        queries: queries(kind),
        matches,
        scopes,
        facts: SourceFacts::empty(language),
        candidates: Vec::new(),
        by_node: HashMap::new(),
        bindings: Bindings::default(),
        unknown_wrapped: Vec::new(),
    };
    extractor.bindings.branches = ScopeIndex::from_captures(
        &extractor.matches,
        BRANCHES,
        &[("branch", ScopeKind::Block)],
    );
    extractor.collect_bindings();
    extractor.collect_functions();
    extractor.collect_middy_streaming();
    extractor.collect_responses();
    extractor.collect_non_objects();
    extractor.collect_evidence();
    super::escapes::collect_javascript(root, text, &mut extractor.facts);
    super::timing::collect_javascript(root, text, &mut extractor.facts);
    let definitions: Vec<(Node<'_>, &str)> = extractor
        .candidates
        .iter()
        .map(|candidate| (candidate.node, candidate.name))
        .collect();
    calls::build(
        &mut extractor.facts,
        &definitions,
        &extractor.matches,
        CALLS,
        &extractor.scopes,
        &extractor.bindings,
        text,
    );
    extractor.facts
}

/// An exported name and the wrapper call it is exported through (`middy`).
type Export<'t> = (&'t str, Option<&'t str>);
/// A function's name node, the declarator binding it, the export it is defined in, and the
/// wrapper call it is passed to (`const main = handler(async (event) => ...)`).
type NameSite<'t> = (
    Node<'t>,
    Option<Node<'t>>,
    Option<Export<'t>>,
    Option<&'t str>,
);
/// An event read (`event.body`, `const { body } = event`): the read, the object, the keys.
type EventRead<'t> = (Node<'t>, &'t str, Vec<(String, Node<'t>)>);

/// A named module-level function, before we know its role.
struct Candidate<'t> {
    node: Node<'t>,
    name: &'t str,
    name_node: Node<'t>,
    /// The variable declarator that binds it (`const handler: Handler = ...`), for its type.
    declarator: Option<Node<'t>>,
    parameters: Vec<Parameter<'t>>,
    /// Exported names, with the wrapper call it is exported through (`middy`).
    exports: Vec<Export<'t>>,
    /// Whether it is exported through a call gatelint does not know (`export const main =
    /// handler(base)`): the handler is what that call returns, not this function.
    wrapped_unknown: bool,
    role: Option<Role>,
}

/// A positional parameter: its name when it is a plain identifier, its pattern, its type.
struct Parameter<'t> {
    name: Option<&'t str>,
    pattern: Node<'t>,
    type_annotation: Option<Node<'t>>,
}

struct Extractor<'t> {
    text: &'t str,
    /// The names the project's templates give this file's handlers.
    named: Vec<String>,
    queries: &'static Queries,
    /// Every query file's matches over the whole file, from one pass.
    matches: Matches<'static, 't>,
    scopes: ScopeIndex,
    facts: SourceFacts,
    candidates: Vec<Candidate<'t>>,
    /// Function node id → the handler or helper it is in `facts.functions`.
    by_node: HashMap<usize, FunctionId>,
    bindings: Bindings<'t>,
    /// Byte ranges of functions passed to a call gatelint does not know (`handler(async (event)
    /// => data)` with a project's own wrapper): the handler is what the call returns, so these
    /// functions are not judged and what they return is no response.
    unknown_wrapped: Vec<std::ops::Range<usize>>,
}

impl<'t> Extractor<'t> {
    fn node_text(&self, node: Node<'_>) -> &'t str {
        TextRange::of_node(&node).slice(self.text)
    }

    fn collect_bindings(&mut self) {
        let text = self.text;
        let scopes = &self.scopes;
        let bindings = &mut self.bindings;
        // Caught errors are bound after the pass, and only when the file throws nothing but
        // errors (a `catch` of `throw { statusCode: 400 }` receives a response, not an error).
        let mut caught = Vec::new();
        let mut throws_values = false;
        self.matches.each(BINDINGS, |captures| {
            if let (Some(binding), Some(target), Some(value)) = (
                captures.get("binding"),
                captures.get("target"),
                captures.get("value"),
            ) {
                let name = TextRange::of_node(&target).slice(text);
                bindings.bind(scopes, binding, name, Some(value), None);
            } else if let (Some(destructuring), Some(pattern)) =
                (captures.get("destructuring"), captures.get("pattern"))
            {
                let mut names = Vec::new();
                pattern_names(pattern, &mut names);
                for name in names {
                    let name = TextRange::of_node(&name).slice(text);
                    let from = Some(destructuring.start_byte());
                    bindings.bind(scopes, destructuring, name, None, from);
                }
            } else if let (Some(assignment), Some(target), Some(key), Some(value)) = (
                captures.get("member_assignment"),
                captures.get("member_target"),
                captures.get("member_key"),
                captures.get("value"),
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
            } else if let (Some(name), Some(block)) =
                (captures.get("error_name"), captures.get("error_block"))
            {
                // A `catch` whose `try` cannot throw never runs (SAM's Node "hello world":
                // `try { response = { statusCode: 200, body: JSON.stringify({...}) } } catch (err)
                // { return err; }`): what it returns is dead code.
                if !guards_nothing(block, text) {
                    caught.push((TextRange::of_node(&name).slice(text), block));
                }
            } else if let (Some(callee), Some(callback)) =
                (captures.get("callback_callee"), captures.get("callback"))
            {
                if let Some((name, body)) = error_first_parameter(callee, callback, text) {
                    caught.push((name, body));
                }
            } else if captures.get("thrown_value").is_some() {
                throws_values = true;
            }
        });
        if !throws_values {
            for (name, block) in caught {
                bindings.bind_error(scopes, block, name);
            }
        }
        // Parameters shadow outer names: `(body) => ({ statusCode: 200, body })`.
        self.matches.each(FUNCTIONS, |captures| {
            let Some(function) = captures.get("function") else {
                return;
            };
            let mut names = Vec::new();
            if let Some(parameters) = function.child_by_field_name("parameters") {
                pattern_names(parameters, &mut names);
            } else if let Some(parameter) = function.child_by_field_name("parameter") {
                pattern_names(parameter, &mut names);
            }
            for name in names {
                bindings.bind_parameter(function, TextRange::of_node(&name).slice(text));
            }
        });
    }

    /// Named module-level functions; the exported or handler-typed ones become handlers, and the
    /// ones a handler returns through become helpers (to a fixpoint).
    fn collect_functions(&mut self) {
        let mut function_nodes = Vec::new();
        self.matches.each(FUNCTIONS, |captures| {
            if let Some(function) = captures.get("function") {
                function_nodes.push(function);
            }
        });
        for function in function_nodes {
            if !self.scopes.is_top_level(function) || function.kind() == "method_definition" {
                continue;
            }
            let Some((name_node, declarator, direct_export, wrapper)) =
                self.function_name(function)
            else {
                continue;
            };
            if let Some(wrapper) = wrapper {
                if !self.is_transparent_wrapper(wrapper) {
                    if self.is_streamify(wrapper) {
                        // Streamed: no function of the file's answers; the export is known.
                        let name = direct_export
                            .map_or_else(|| self.node_text(name_node), |(exported, _)| exported);
                        self.facts.streaming.push(StreamingHandler {
                            name: name.to_owned(),
                            function: None,
                        });
                    }
                    self.unknown_wrapped.push(function.byte_range());
                    continue;
                }
            }
            let name = self.node_text(name_node);
            let mut exports = Vec::new();
            if let Some((exported, wrapper)) = direct_export {
                exports.push((exported, wrapper));
            }
            self.candidates.push(Candidate {
                node: function,
                name,
                name_node,
                declarator,
                parameters: positional_parameters(function, self.text),
                exports,
                wrapped_unknown: false,
                role: None,
            });
        }
        self.collect_exports();
        let named = &self.named;
        for candidate in &mut self.candidates {
            let named_export = !candidate.wrapped_unknown
                && candidate
                    .exports
                    .iter()
                    .any(|(name, _)| named.iter().any(|named| named == name));
            candidate.role = handler_reason(candidate, self.text, self.queries)
                .or_else(|| named_export.then_some(super::NAMED_BY_TEMPLATE))
                .map(|reason| Role::Handler { reason });
        }
        // Helpers: a function whose call a handler or helper returns (or passes to its callback).
        let mut returned_calls: Vec<(usize, usize)> = Vec::new();
        let names = roles::by_name(self.candidates.iter().map(|candidate| candidate.name));
        let by_function: HashMap<usize, usize> = self
            .candidates
            .iter()
            .enumerate()
            .map(|(index, candidate)| (candidate.node.id(), index))
            .collect();
        for (owner, value) in self.returned_values() {
            let Some(&owner) = by_function.get(&owner) else {
                continue;
            };
            for callee in returned_callees(value, self.text) {
                if let Some(&callee) = names.get(callee) {
                    returned_calls.push((owner, callee));
                }
            }
        }
        for (owner, _, argument) in self.callback_results() {
            for callee in returned_callees(argument, self.text) {
                if let Some(&callee) = names.get(callee) {
                    returned_calls.push((owner, callee));
                }
            }
        }
        let mut roles: Vec<Option<Role>> = self
            .candidates
            .iter()
            .map(|candidate| candidate.role.clone())
            .collect();
        roles::settle(&mut roles, &returned_calls);
        for (candidate, role) in self.candidates.iter_mut().zip(&roles) {
            candidate.role.clone_from(role);
        }
        for (candidate, settled) in self.candidates.iter().zip(roles::renumber(roles)) {
            let Some((id, role)) = settled else {
                continue;
            };
            self.by_node.insert(candidate.node.id(), id);
            self.facts.functions.push(Function {
                name: candidate.name.to_owned(),
                name_range: TextRange::of_node(&candidate.name_node),
                range: TextRange::of_node(&candidate.node),
                role,
                api_evidence: None,
                other_source_evidence: None,
                payload_evidence: None,
            });
        }
    }

    /// The name a module-level function is bound to, the declarator binding it, and the export it
    /// is defined in (`exports.handler = async (event) => ...`), with the wrapper call around it.
    fn function_name(&self, function: Node<'t>) -> Option<NameSite<'t>> {
        if let Some(name) = function.child_by_field_name("name") {
            if !matches!(
                function.kind(),
                "function_declaration" | "generator_function_declaration"
            ) {
                // A named function expression is named by where it is bound.
                return self.bound_name(function);
            }
            let exported = function
                .parent()
                .filter(|parent| parent.kind() == "export_statement")
                .filter(|parent| parent.child_by_field_name("declaration") == Some(function))
                .filter(|parent| !has_default(*parent))
                .map(|_| (self.node_text(name), None));
            return Some((name, None, exported, None));
        }
        self.bound_name(function)
    }

    fn bound_name(&self, function: Node<'t>) -> Option<NameSite<'t>> {
        // Climb out of wrappers: `middy(async (event) => ...).use(...)`.
        let mut anchor = function;
        let mut wrapper = None;
        loop {
            let parent = anchor.parent()?;
            match parent.kind() {
                "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
                    anchor = parent;
                }
                "arguments" => {
                    let first = first_named(parent);
                    let call = parent.parent()?;
                    if first != Some(anchor) || call.kind() != "call_expression" {
                        return None;
                    }
                    wrapper = Some(self.node_text(wrapper_root(call)?));
                    anchor = call;
                }
                "member_expression"
                    if anchor.kind() == "call_expression"
                        && parent.child_by_field_name("object") == Some(anchor) =>
                {
                    let call = parent.parent()?;
                    if call.kind() != "call_expression" {
                        return None;
                    }
                    anchor = call;
                }
                _ => break,
            }
        }
        let parent = anchor.parent()?;
        match parent.kind() {
            "variable_declarator" => {
                let name = parent
                    .child_by_field_name("name")
                    .filter(|name| name.kind() == "identifier")?;
                let declaration = parent.parent()?;
                let exported = declaration
                    .parent()
                    .filter(|statement| statement.kind() == "export_statement")
                    .map(|_| (self.node_text(name), wrapper));
                Some((name, Some(parent), exported, wrapper))
            }
            "assignment_expression" => {
                let left = parent.child_by_field_name("left")?;
                let exported = export_target(left, self.text)?;
                let property = left.child_by_field_name("property")?;
                Some((property, None, Some((exported, wrapper)), wrapper))
            }
            "pair" => {
                let key = parent.child_by_field_name("key")?;
                let object = parent.parent()?;
                let assignment = object.parent()?;
                let left = assignment.child_by_field_name("left")?;
                if assignment.kind() != "assignment_expression"
                    || self.node_text(left) != "module.exports"
                    || key.kind() != "property_identifier"
                {
                    return None;
                }
                Some((key, None, Some((self.node_text(key), wrapper)), wrapper))
            }
            _ => None,
        }
    }

    /// Exports that name a local function (`export { handler }`, `module.exports = { handler }`,
    /// `exports.handler = middy(base)`).
    fn collect_exports(&mut self) {
        let text = self.text;
        let mut exports: Vec<(&'t str, Node<'t>)> = Vec::new();
        self.matches.each(EXPORTS, |captures| {
            if let (Some(_), Some(name), Some(value)) = (
                captures.get("export"),
                captures.get("name"),
                captures.get("value"),
            ) {
                exports.push((TextRange::of_node(&name).slice(text), value));
            } else if let Some(object) = captures.get("object") {
                let mut cursor = object.walk();
                for child in object.named_children(&mut cursor) {
                    match child.kind() {
                        "shorthand_property_identifier" => {
                            exports.push((TextRange::of_node(&child).slice(text), child));
                        }
                        "pair" => {
                            if let (Some(key), Some(value)) = (
                                child.child_by_field_name("key"),
                                child.child_by_field_name("value"),
                            ) {
                                exports.push((TextRange::of_node(&key).slice(text), value));
                            }
                        }
                        _ => {}
                    }
                }
            } else if let Some(specifier) = captures.get("specifier") {
                let Some(local) = specifier.child_by_field_name("name") else {
                    return;
                };
                let exported = specifier.child_by_field_name("alias").unwrap_or(local);
                exports.push((TextRange::of_node(&exported).slice(text), local));
            } else if let Some(declaration) = captures.get("declaration") {
                if declaration.kind() != "lexical_declaration"
                    && declaration.kind() != "variable_declaration"
                {
                    return;
                }
                let mut cursor = declaration.walk();
                for declarator in declaration.named_children(&mut cursor) {
                    if let (Some(name), Some(value)) = (
                        declarator.child_by_field_name("name"),
                        declarator.child_by_field_name("value"),
                    ) {
                        if name.kind() == "identifier" && !is_function_node(value) {
                            exports.push((TextRange::of_node(&name).slice(text), value));
                        }
                    }
                }
            }
        });
        for (exported, value) in exports {
            if let Some((index, wrapper)) = self.resolve_function(value, None, 0) {
                if let Some(wrapper) =
                    wrapper.filter(|wrapper| !self.is_transparent_wrapper(wrapper))
                {
                    if self.is_streamify(wrapper) {
                        self.facts.streaming.push(StreamingHandler {
                            name: exported.to_owned(),
                            function: None,
                        });
                    }
                    self.candidates[index].wrapped_unknown = true;
                    continue;
                }
                let candidate = &mut self.candidates[index];
                if !candidate.exports.iter().any(|(name, _)| *name == exported) {
                    candidate.exports.push((exported, wrapper));
                }
            }
        }
    }

    /// Whether a wrapper call (`middy`, `Sentry.wrapHandler`) comes from a library whose wrapped
    /// handler answers with what the wrapped function returns.
    fn is_transparent_wrapper(&self, wrapper: &str) -> bool {
        let root = wrapper.split('.').next().unwrap_or(wrapper);
        frameworks::is_transparent_wrapper(self.text, root)
            && (!frameworks::is_middy(self.text, root)
                || frameworks::middy_middlewares_preserve_response(self.text))
    }

    /// Whether a wrapper call is the Node.js runtimes' `streamifyResponse` (`awslambda.
    /// streamifyResponse`, destructured, imported or bound under another name).
    fn is_streamify(&self, wrapper: &str) -> bool {
        let last = wrapper.rsplit('.').next().unwrap_or(wrapper);
        let streamify = frameworks::STREAMIFY_RESPONSE;
        last == streamify
            || self.text.contains(&format!("{streamify} as {wrapper}"))
            || self.text.contains(&format!("{streamify}: {wrapper}"))
            || (!wrapper.contains('.')
                && self
                    .bindings
                    .module_level(wrapper)
                    .is_some_and(|bound| self.node_text(bound).ends_with(streamify)))
    }

    /// Handlers Middy runs in its streaming execution mode: Middy wraps them in
    /// `awslambda.streamifyResponse` and streams what they return.
    fn collect_middy_streaming(&mut self) {
        if !frameworks::middy_streams(self.text) {
            return;
        }
        for candidate in &self.candidates {
            let Some(&id) = self.by_node.get(&candidate.node.id()) else {
                continue;
            };
            for (exported, wrapper) in &candidate.exports {
                let root = wrapper.map(|wrapper| wrapper.split('.').next().unwrap_or(wrapper));
                if root.is_some_and(|root| frameworks::is_middy(self.text, root)) {
                    self.facts.streaming.push(StreamingHandler {
                        name: (*exported).to_owned(),
                        function: Some(id),
                    });
                }
            }
        }
    }

    /// Whether a response-shaped literal is handed to a callback parameter of a function that is
    /// no handler or helper of the file (`responseCb(err, { statusCode: 0 })` in a browser
    /// socket client): that function's caller receives it, not Lambda. Lambda's own convention,
    /// `callback(null, result)`, still answers.
    fn passed_to_other_callback(&self, object: Node<'t>) -> bool {
        let Some(arguments) = object
            .parent()
            .filter(|parent| parent.kind() == "arguments")
        else {
            return false;
        };
        let Some(call) = arguments
            .parent()
            .filter(|call| call.kind() == "call_expression")
        else {
            return false;
        };
        let Some(callee) = call
            .child_by_field_name("function")
            .filter(|callee| callee.kind() == "identifier")
        else {
            return false;
        };
        let name = self.node_text(callee);
        // A parameter (bound in a function, with no value the file states).
        let parameter = self
            .bindings
            .visible(&self.scopes, call, name)
            .is_some_and(|binding| binding.scope.is_some() && binding.value.is_none());
        if !parameter {
            return false;
        }
        // Inside a handler or helper it may carry the answer (a promise's `resolve`).
        let in_handler = self
            .scopes
            .binding_chain(call)
            .into_iter()
            .flatten()
            .any(|scope| self.by_node.contains_key(&scope));
        let lambda_success = CALLBACK_NAMES.contains(&name)
            && first_named(arguments)
                .is_some_and(|first| matches!(first.kind(), "null" | "undefined"));
        !in_handler && !lambda_success
    }

    /// The candidate function an exported expression stands for, and the wrapper it goes through.
    fn resolve_function(
        &self,
        value: Node<'t>,
        wrapper: Option<&'t str>,
        depth: usize,
    ) -> Option<(usize, Option<&'t str>)> {
        if depth > MAX_DEPTH {
            return None;
        }
        match value.kind() {
            "identifier" | "shorthand_property_identifier" => {
                let name = self.node_text(value);
                if let Some(index) = self.candidates.iter().position(|c| c.name == name) {
                    return Some((index, wrapper));
                }
                let bound = self.bindings.module_level(name)?;
                self.resolve_function(bound, wrapper, depth + 1)
            }
            "call_expression" => {
                let function = value.child_by_field_name("function")?;
                if function.kind() == "member_expression" {
                    let object = function.child_by_field_name("object")?;
                    if object.kind() == "call_expression" {
                        return self.resolve_function(object, wrapper, depth + 1);
                    }
                }
                let root = wrapper_root(value)?;
                let first = first_named(value.child_by_field_name("arguments")?)?;
                self.resolve_function(first, Some(self.node_text(root)), depth + 1)
            }
            "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
                self.resolve_function(first_named(value)?, wrapper, depth + 1)
            }
            _ if is_function_node(value) => self
                .candidates
                .iter()
                .position(|c| c.node.id() == value.id())
                .map(|index| (index, wrapper)),
            _ => None,
        }
    }

    /// (function node id, returned expression) for every return and arrow expression body.
    fn returned_values(&self) -> Vec<(usize, Node<'t>)> {
        let mut returned = Vec::new();
        self.matches.each(RETURNS, |captures| {
            if let (Some(arrow), Some(value)) = (captures.get("arrow"), captures.get("value")) {
                if value.kind() != "statement_block" {
                    returned.push((arrow.id(), value));
                }
            } else if let (Some(_), Some(value)) = (captures.get("return"), captures.get("value")) {
                if let Some(function) = self.scopes.enclosing_function(value) {
                    returned.push((function, value));
                }
            }
        });
        returned
    }

    /// (candidate index, call, result argument) for every `callback(null, result)` inside a
    /// handler whose third parameter is the callback.
    fn callback_results(&self) -> Vec<(usize, Node<'t>, Node<'t>)> {
        let mut calls = Vec::new();
        self.matches.each(CALLS, |captures| {
            if let (Some(call), Some(callee), Some(arguments)) = (
                captures.get("call"),
                captures.get("callee"),
                captures.get("arguments"),
            ) {
                calls.push((call, self.node_text(callee), arguments));
            }
        });
        let mut results = Vec::new();
        for (index, candidate) in self.candidates.iter().enumerate() {
            if !matches!(candidate.role, Some(Role::Handler { .. })) {
                continue;
            }
            let Some(callback) = candidate.parameters.get(2).and_then(|p| p.name) else {
                continue;
            };
            if !CALLBACK_NAMES.contains(&callback) {
                continue;
            }
            let range = candidate.node.byte_range();
            for (call, callee, arguments) in &calls {
                if *callee != callback || !range.contains(&call.start_byte()) {
                    continue;
                }
                let mut cursor = arguments.walk();
                let arguments: Vec<Node<'t>> = arguments
                    .named_children(&mut cursor)
                    .filter(|argument| argument.kind() != "comment")
                    .collect();
                if let [error, result] = arguments.as_slice() {
                    if matches!(error.kind(), "null" | "undefined") {
                        results.push((index, *call, *result));
                    }
                }
            }
        }
        results
    }

    fn collect_responses(&mut self) {
        let mut responses = Responses::default();
        for (function, value) in self.returned_values() {
            if let Some(&id) = self.by_node.get(&function) {
                responses.returned(&*self, Origin::Returned { function: id }, value, 0);
            }
        }
        for (index, _, result) in self.callback_results() {
            if let Some(&id) = self.by_node.get(&self.candidates[index].node.id()) {
                responses.returned(&*self, Origin::Callback { function: id }, result, 0);
            }
        }
        // Literals with `statusCode` and another response key, wherever they stand; the checks
        // that climb to the parent (a descent from the root each) come last.
        self.matches.each(OBJECTS, |captures| {
            if let Some(object) = captures.get("object") {
                let wrapped = |object: Node<'_>| {
                    self.unknown_wrapped
                        .iter()
                        .any(|range| range.contains(&object.start_byte()))
                };
                responses.literal(&*self, object, |object| {
                    wrapped(object)
                        || is_expectation(object, self.text)
                        || is_sample_data(object, self.text)
                        || is_call_input(object, self.text)
                        || self.passed_to_other_callback(object)
                });
            }
        });
        self.facts.responses = responses.finish();
    }

    /// What handlers answer that is no object: `return undefined`/`null`, a bare `return;`, a
    /// string, number or array, and paths that fall off the end of the body. Only `async`
    /// handlers answer through `return`: a plain function answers through its callback (or
    /// `context.succeed`), and one exported through a wrapper (`middy(...)`) answers through the
    /// wrapper's middleware; neither is read.
    fn collect_non_objects(&mut self) {
        let mut judged: HashMap<usize, FunctionId> = HashMap::new();
        // Built on first use: most files have no handler to judge.
        let call_sites = std::cell::OnceCell::new();
        let text = self.text;
        let calls = || call_sites.get_or_init(|| super::CallSites::new(text));
        for candidate in &self.candidates {
            let Some(&id) = self.by_node.get(&candidate.node.id()) else {
                continue;
            };
            if !matches!(candidate.role, Some(Role::Handler { .. })) {
                continue;
            }
            let is_async = candidate
                .node
                .child(0)
                .is_some_and(|child| child.kind() == "async");
            let wrapped = candidate
                .exports
                .iter()
                .any(|(_, wrapper)| wrapper.is_some());
            let own = self.node_text(candidate.node);
            let answers_otherwise = candidate.parameters.len() > 2
                || [".succeed(", ".done(", ".fail(", "callback("]
                    .iter()
                    .any(|call| own.contains(call));
            let called = calls().calls(candidate.name, candidate.name_node.start_byte());
            if !is_async || wrapped || answers_otherwise || called {
                continue;
            }
            judged.insert(candidate.node.id(), id);
            let Some(body) = candidate
                .node
                .child_by_field_name("body")
                .filter(|body| body.kind() == "statement_block")
            else {
                continue;
            };
            let text = self.text;
            self.facts
                .non_objects
                .extend(endings::fall_off(id, body, text, &|node| {
                    statement_shape(node, text)
                }));
        }
        let reader = NonObjects {
            dialect: self,
            language: self.facts.language,
            exits: EXITS,
            classify: |value| self.classify(value, 0).kind,
        };
        let mut found = Vec::new();
        self.matches.each(RETURNS, |captures| {
            if let (Some(arrow), Some(value)) = (captures.get("arrow"), captures.get("value")) {
                if let Some(&handler) = judged.get(&arrow.id()) {
                    if value.kind() != "statement_block" {
                        reader.returned(handler, value, Some(value), &mut found);
                    }
                }
                return;
            }
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
            reader.returned(handler, statement, first_named(statement), &mut found);
        });
        self.facts.non_objects.extend(found);
        self.facts
            .non_objects
            .sort_by_key(|found| found.range.start);
    }

    /// The entries of an object literal; spreads and computed keys make it opaque. Entries whose
    /// value is the literal `undefined` are left out, as `JSON.stringify` leaves them out.
    fn object_entries(&self, node: Node<'t>, depth: usize) -> (Vec<Entry>, ObjectShape) {
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
                    let key_text = match key.kind() {
                        "property_identifier" | "number" => {
                            Some((self.node_text(key).to_owned(), true))
                        }
                        "string" => string_literal(key, self.text).map(|key| (key, false)),
                        _ => None,
                    };
                    let Some((key_text, bare_key)) = key_text else {
                        shape = ObjectShape::Opaque;
                        continue;
                    };
                    if strip_transparent(value).kind() == "undefined" {
                        continue;
                    }
                    entries.push(Entry {
                        key: key_text,
                        key_range: TextRange::of_node(&key),
                        bare_key,
                        value: self.classify(value, depth + 1),
                        assigned_later: false,
                    });
                }
                "shorthand_property_identifier" => entries.push(Entry {
                    key: self.node_text(child).to_owned(),
                    key_range: TextRange::of_node(&child),
                    bare_key: true,
                    value: self.classify(child, depth + 1),
                    assigned_later: false,
                }),
                "method_definition" => {
                    match child
                        .child_by_field_name("name")
                        .filter(|name| name.kind() == "property_identifier")
                    {
                        Some(name) => entries.push(Entry {
                            key: self.node_text(name).to_owned(),
                            key_range: TextRange::of_node(&name),
                            bare_key: true,
                            value: Value {
                                kind: ValueKind::Unknown,
                                range: TextRange::of_node(&child),
                                defined_at: None,
                            },
                            assigned_later: false,
                        }),
                        None => shape = ObjectShape::Opaque,
                    }
                }
                "comment" => {}
                _ => shape = ObjectShape::Opaque,
            }
        }
        (entries, shape)
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
            "string" => value(
                string_literal(node, self.text).map_or(ValueKind::String, ValueKind::StringLiteral),
            ),
            "template_string" => value(classify_template(node, self.text)),
            "number" => value(parse_number(self.node_text(node))),
            "true" => value(ValueKind::Bool(true)),
            "false" => value(ValueKind::Bool(false)),
            "null" | "undefined" => value(ValueKind::Null),
            "unary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map(|op| self.node_text(op));
                let operand = node
                    .child_by_field_name("argument")
                    .map(|argument| self.classify(argument, depth + 1).kind);
                match (operator, operand) {
                    (Some("-"), Some(ValueKind::Integer(n))) => value(ValueKind::Integer(-n)),
                    (Some("-"), Some(ValueKind::Float(n))) => value(ValueKind::Float(-n)),
                    (Some("+"), Some(kind @ (ValueKind::Integer(_) | ValueKind::Float(_)))) => {
                        value(kind)
                    }
                    (Some("typeof"), _) => value(ValueKind::String),
                    _ => value(ValueKind::Unknown),
                }
            }
            "object" => {
                let (entries, shape) = self.object_entries(node, depth);
                value(ValueKind::Object(entries, shape))
            }
            "array" => {
                let mut cursor = node.walk();
                let items = node
                    .named_children(&mut cursor)
                    .filter(|child| !matches!(child.kind(), "comment" | "spread_element"))
                    .map(|child| self.classify(child, depth + 1))
                    .collect();
                value(ValueKind::Array(items))
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => match transparent_inner(node) {
                Some(inner) => Value {
                    range,
                    ..self.classify(inner, depth + 1)
                },
                None => value(ValueKind::Unknown),
            },
            "binary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map(|op| self.node_text(op));
                let stringy = |field: &str| {
                    node.child_by_field_name(field)
                        .is_some_and(|side| self.classify(side, depth + 1).kind.is_stringy())
                };
                match operator {
                    Some("+") if stringy("left") || stringy("right") => value(ValueKind::String),
                    Some(operator) => {
                        let side = |field: &str| {
                            node.child_by_field_name(field)
                                .map_or(ValueKind::Unknown, |side| {
                                    self.classify(side, depth + 1).kind
                                })
                        };
                        value(arithmetic(
                            operator,
                            &side("left"),
                            &side("right"),
                            &["-", "*", "/", "%", "**"],
                        ))
                    }
                    None => value(ValueKind::Unknown),
                }
            }
            "ternary_expression" => {
                let branch = |field: &str| {
                    node.child_by_field_name(field)
                        .map(|branch| self.classify(branch, depth + 1).kind)
                };
                match (branch("consequence"), branch("alternative")) {
                    (Some(a), Some(b)) => value(same_kind(a, b)),
                    _ => value(ValueKind::Unknown),
                }
            }
            "call_expression" => value(self.classify_call(node)),
            "identifier" | "shorthand_property_identifier"
                if self
                    .bindings
                    .holds_error(&self.scopes, node, self.node_text(node)) =>
            {
                value(ValueKind::Error)
            }
            "identifier" | "shorthand_property_identifier" => {
                let name = self.node_text(node);
                // Every binding that may reach the use (`let x = null` then `if (c) x = 1`): the
                // kind they share, or unknown; a parameter or destructured name is unknown.
                let bound: Option<Vec<Node<'t>>> = self
                    .bindings
                    .reaching(&self.scopes, node, name)
                    .and_then(|reaching| reaching.iter().map(|binding| binding.value).collect())
                    .filter(|bound: &Vec<Node<'t>>| {
                        !bound.is_empty()
                            && bound
                                .iter()
                                .all(|bound| !bound.byte_range().contains(&node.start_byte()))
                    });
                match bound {
                    Some(bound) => {
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
                    None => value(ValueKind::Unknown),
                }
            }
            "member_expression"
                if node
                    .child_by_field_name("property")
                    .is_some_and(|property| self.node_text(property) == "length") =>
            {
                value(ValueKind::Number)
            }
            _ => value(ValueKind::Unknown),
        }
    }

    /// Calls whose result is known to be a string: `JSON.stringify(x)`, `String(x)`,
    /// `x.toString()`, `parts.join(",")`; anything else (`Buffer.from(...)`) is unknown.
    fn classify_call(&self, call: Node<'t>) -> ValueKind {
        let Some(function) = call.child_by_field_name("function") else {
            return ValueKind::Unknown;
        };
        match function.kind() {
            "identifier" => match self.node_text(function) {
                "String" | "encodeURIComponent" | "encodeURI" => ValueKind::String,
                "Number" | "parseInt" | "parseFloat" => ValueKind::Number,
                _ => ValueKind::Unknown,
            },
            "member_expression" => {
                let object = function
                    .child_by_field_name("object")
                    .map(|object| self.node_text(object));
                let property = function
                    .child_by_field_name("property")
                    .map(|property| self.node_text(property));
                match (object, property) {
                    (Some("JSON"), Some("stringify")) => ValueKind::String,
                    // Parsed JSON: an object whose keys the file does not show.
                    (Some("JSON"), Some("parse")) => {
                        ValueKind::Object(Vec::new(), ObjectShape::Opaque)
                    }
                    (Some("Math"), Some(_)) | (Some("Number"), Some("parseInt" | "parseFloat")) => {
                        ValueKind::Number
                    }
                    (
                        _,
                        Some(
                            "toString" | "join" | "toISOString" | "toUTCString" | "toFixed"
                            | "toUpperCase" | "toLowerCase" | "trim" | "padStart" | "padEnd"
                            | "toLocaleString" | "toDateString",
                        ),
                    ) => ValueKind::String,
                    _ => ValueKind::Unknown,
                }
            }
            _ => ValueKind::Unknown,
        }
    }

    /// Which handlers show that they serve API Gateway.
    fn collect_evidence(&mut self) {
        let mut reads: Vec<EventRead<'t>> = Vec::new();
        let text = self.text;
        self.matches.each(EVIDENCE, |captures| {
            let (Some(read), Some(object)) = (captures.get("read"), captures.get("object")) else {
                return;
            };
            let object_name = TextRange::of_node(&object).slice(text);
            if let Some(key) = captures.get("key") {
                let key_text = match key.kind() {
                    "property_identifier" => Some(TextRange::of_node(&key).slice(text).to_owned()),
                    _ => string_literal(key, text),
                };
                if let Some(key_text) = key_text {
                    reads.push((read, object_name, vec![(key_text, read)]));
                }
            } else if let Some(pattern) = captures.get("pattern") {
                reads.push((read, object_name, pattern_keys(pattern, text)));
            }
        });
        // By position, so that each handler looks at the reads inside it only.
        reads.sort_by_key(|(read, _, _)| read.start_byte());
        let mut found = Evidence::default();
        for candidate in &self.candidates {
            if !matches!(candidate.role, Some(Role::Handler { .. })) {
                continue;
            }
            let Some(&index) = self.by_node.get(&candidate.node.id()) else {
                continue;
            };
            // Typed with an API Gateway type.
            if let Some((name, range)) = signature_types(candidate, self.text, self.queries)
                .into_iter()
                .find(|(name, _)| name.starts_with("APIGateway"))
            {
                found.api_type(index, &name, range);
            }
            let Some(first) = candidate.parameters.first() else {
                continue;
            };
            // A destructured event: `async ({ pathParameters, body }) => ...`.
            if matches!(first.pattern.kind(), "object_pattern") {
                for (key, node) in pattern_keys(first.pattern, self.text) {
                    let message = format!("destructures `{key}` from its event");
                    found.key_read(index, message, &key, TextRange::of_node(&node));
                }
            }
            let Some(event) = first.name else {
                continue;
            };
            let range = candidate.node.byte_range();
            let first = reads.partition_point(|(read, _, _)| read.start_byte() < range.start);
            let inside = reads[first..]
                .iter()
                .take_while(|(read, _, _)| read.start_byte() < range.end);
            for (_, object, keys) in inside {
                if object != &event {
                    continue;
                }
                for (key, node) in keys {
                    let message = format!("reads `{event}.{key}`");
                    found.key_read(index, message, key, TextRange::of_node(node));
                }
            }
        }
        found.record(&mut self.facts.functions);
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
            "object" => Returned::Object(value),
            "parenthesized_expression"
            | "await_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => Returned::Through(transparent_inner(value).into_iter().collect()),
            "ternary_expression" => Returned::Through(
                ["consequence", "alternative"]
                    .into_iter()
                    .filter_map(|field| value.child_by_field_name(field))
                    .collect(),
            ),
            "identifier" => Returned::Name,
            _ => Returned::Other,
        }
    }

    fn bound_object(&self, bound: Node<'t>) -> Option<Node<'t>> {
        Some(strip_transparent(bound)).filter(|bound| bound.kind() == "object")
    }

    fn object_entries(&self, object: Node<'t>) -> Option<(Vec<Entry>, ObjectShape)> {
        Some(Extractor::object_entries(self, object, 0))
    }

    fn assigned_entry(&self, assignment: &KeyAssignment<'t>) -> Option<Entry> {
        let (key, bare_key) = match assignment.key.kind() {
            "property_identifier" => (self.node_text(assignment.key).to_owned(), true),
            "string" => (string_literal(assignment.key, self.text)?, false),
            _ => return None,
        };
        Some(Entry {
            key,
            key_range: TextRange::of_node(&assignment.key),
            bare_key,
            value: self.classify(assignment.value, 0),
            assigned_later: true,
        })
    }

    /// `Object.assign(target, {...}, ...)`: the entries of every source after the target.
    fn updated_entries(&self, update: &Update<'t>) -> (Vec<Entry>, ObjectShape) {
        let mut entries = Vec::new();
        let mut shape = ObjectShape::Complete;
        let mut cursor = update.arguments.walk();
        for source in update
            .arguments
            .named_children(&mut cursor)
            .filter(|argument| argument.kind() != "comment")
            .skip(1)
        {
            let source = strip_transparent(source);
            if source.kind() != "object" {
                shape = ObjectShape::Opaque;
                continue;
            }
            let (more, more_shape) = Extractor::object_entries(self, source, 0);
            entries.extend(more);
            if more_shape == ObjectShape::Opaque {
                shape = ObjectShape::Opaque;
            }
        }
        (entries, shape)
    }

    fn response_object(
        &self,
        node: Node<'t>,
        entries: Vec<Entry>,
        shape: ObjectShape,
        origin: Origin,
    ) -> ResponseObject {
        let style = object_style(node, self.text);
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

/// Why a candidate is a handler, if it is one.
fn handler_reason(
    candidate: &Candidate<'_>,
    text: &str,
    queries: &Queries,
) -> Option<&'static str> {
    // Exported only through a call gatelint does not know: the handler is that call's result.
    if candidate.wrapped_unknown && candidate.exports.is_empty() {
        return None;
    }
    if let Some((_, wrapper)) = candidate
        .exports
        .iter()
        .find(|(name, _)| *name == "handler")
    {
        return Some(match wrapper {
            Some(_) => "is wrapped (e.g. by `middy(...)`) and exported as `handler`",
            None => "is exported as `handler`",
        });
    }
    let types = signature_types(candidate, text, queries);
    if types.iter().any(|(name, _)| is_aws_lambda_type(name)) {
        return Some("is typed with an `aws-lambda` handler or event type");
    }
    let names: Vec<Option<&str>> = candidate.parameters.iter().map(|p| p.name).collect();
    let event_like = |name: Option<&str>| {
        name.is_some_and(|name| {
            EVENT_NAMES.contains(&name) || name.to_ascii_lowercase().ends_with("event")
        })
    };
    let framework = names
        .get(1)
        .copied()
        .flatten()
        .is_some_and(|second| FRAMEWORK_SECOND_PARAMETERS.contains(&second));
    if !candidate.exports.is_empty()
        && names.len() <= 3
        && event_like(names.first().copied().flatten())
        && !framework
    {
        return Some("is exported and takes an event");
    }
    if let [event, Some(context), ..] = names.as_slice() {
        if names.len() <= 3 && event_like(*event) && CONTEXT_NAMES.contains(context) {
            return Some("takes (event, context)");
        }
    }
    None
}

/// Whether a type name is one of the `aws-lambda` handler or event types.
fn is_aws_lambda_type(name: &str) -> bool {
    if name == "Handler" {
        return true;
    }
    let shaped = ["Handler", "HandlerV2", "Event", "EventV2"]
        .iter()
        .any(|suffix| name.ends_with(suffix));
    shaped
        && AWS_TYPE_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// Type names in a candidate's declared type and its parameters' types (TypeScript only).
fn signature_types(
    candidate: &Candidate<'_>,
    text: &str,
    queries: &Queries,
) -> Vec<(String, TextRange)> {
    let Some(types) = &queries.types else {
        return Vec::new();
    };
    let mut nodes: Vec<Node<'_>> = Vec::new();
    if let Some(annotation) = candidate
        .declarator
        .and_then(|declarator| declarator.child_by_field_name("type"))
    {
        nodes.push(annotation);
    }
    nodes.extend(
        candidate
            .parameters
            .iter()
            .filter_map(|p| p.type_annotation),
    );
    let mut found = Vec::new();
    for node in nodes {
        for_each_match(types, node, text, |captures| {
            if let Some(name) = captures.get("type") {
                let range = TextRange::of_node(&name);
                found.push((range.slice(text).to_owned(), range));
            }
        });
    }
    found
}

/// The positional parameters of a function.
fn positional_parameters<'t>(function: Node<'t>, text: &'t str) -> Vec<Parameter<'t>> {
    if let Some(parameter) = function.child_by_field_name("parameter") {
        return vec![Parameter {
            name: Some(TextRange::of_node(&parameter).slice(text)),
            pattern: parameter,
            type_annotation: None,
        }];
    }
    let Some(parameters) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = parameters.walk();
    let mut result = Vec::new();
    for parameter in parameters.named_children(&mut cursor) {
        let (pattern, type_annotation) = match parameter.kind() {
            "comment" => continue,
            "required_parameter" | "optional_parameter" => (
                parameter
                    .child_by_field_name("pattern")
                    .unwrap_or(parameter),
                parameter.child_by_field_name("type"),
            ),
            _ => (parameter, None),
        };
        let pattern = if pattern.kind() == "assignment_pattern" {
            pattern.child_by_field_name("left").unwrap_or(pattern)
        } else {
            pattern
        };
        let name =
            (pattern.kind() == "identifier").then(|| TextRange::of_node(&pattern).slice(text));
        result.push(Parameter {
            name,
            pattern,
            type_annotation,
        });
    }
    result
}

/// The identifiers a binding pattern binds (`a`, `{ b, c: d }`, `[e = 1, ...f]`).
fn pattern_names<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    match node.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => out.push(node),
        "assignment_pattern" | "object_assignment_pattern" => {
            if let Some(left) = node.child_by_field_name("left") {
                pattern_names(left, out);
            }
        }
        "pair_pattern" => {
            if let Some(value) = node.child_by_field_name("value") {
                pattern_names(value, out);
            }
        }
        "required_parameter" | "optional_parameter" => {
            if let Some(pattern) = node.child_by_field_name("pattern") {
                pattern_names(pattern, out);
            }
        }
        "object_pattern" | "array_pattern" | "formal_parameters" | "rest_pattern" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                pattern_names(child, out);
            }
        }
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = node.walk();
            for declarator in node.named_children(&mut cursor) {
                if let Some(name) = declarator.child_by_field_name("name") {
                    pattern_names(name, out);
                }
            }
        }
        _ => {}
    }
}

/// The keys an object pattern reads (`{ pathParameters, body: raw = "" }`), with their nodes.
fn pattern_keys<'t>(pattern: Node<'t>, text: &str) -> Vec<(String, Node<'t>)> {
    let mut keys = Vec::new();
    let mut cursor = pattern.walk();
    for child in pattern.named_children(&mut cursor) {
        let key = match child.kind() {
            "shorthand_property_identifier_pattern" => Some(child),
            "object_assignment_pattern" => child.child_by_field_name("left"),
            "pair_pattern" => child.child_by_field_name("key"),
            _ => None,
        };
        if let Some(key) = key {
            let key_text = match key.kind() {
                "string" => string_literal(key, text),
                _ => Some(TextRange::of_node(&key).slice(text).to_owned()),
            };
            if let Some(key_text) = key_text {
                keys.push((key_text, key));
            }
        }
    }
    keys
}

/// Every function-like node kind (what `functions.scm` captures as `@function`): scopes, and
/// bodies that run when called (the escapes walk skips them).
pub(super) const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "function",
    "generator_function",
    "arrow_function",
    "method_definition",
];

/// What a JavaScript/TypeScript statement is, for [`endings::ending`].
fn statement_shape<'t>(node: Node<'t>, text: &str) -> Shape<'t> {
    let statements = |container: Node<'t>| -> Vec<Node<'t>> {
        let mut cursor = container.walk();
        let statements = container
            .named_children(&mut cursor)
            .filter(|child| child.kind() != "comment")
            .collect();
        statements
    };
    match node.kind() {
        "statement_block" => Shape::Sequence(statements(node)),
        "return_statement" | "throw_statement" | "break_statement" | "continue_statement" => {
            Shape::Exits
        }
        "expression_statement" => {
            let call = node
                .named_child(0)
                .map(|expression| match expression.kind() {
                    "await_expression" => first_named(expression).unwrap_or(expression),
                    _ => expression,
                });
            let Some(callee) = call
                .filter(|call| call.kind() == "call_expression")
                .and_then(|call| call.child_by_field_name("function"))
            else {
                return Shape::Plain;
            };
            let callee = &text[callee.byte_range()];
            if callee == "process.exit" {
                Shape::Exits
            } else if endings::may_not_return(callee) {
                Shape::Unknown
            } else {
                Shape::Plain
            }
        }
        "lexical_declaration"
        | "variable_declaration"
        | "function_declaration"
        | "generator_function_declaration"
        | "class_declaration"
        | "empty_statement"
        | "debugger_statement"
        | "import_statement" => Shape::Plain,
        "if_statement" => {
            let mut arms = Vec::new();
            arms.extend(node.child_by_field_name("consequence").map(|arm| vec![arm]));
            let alternative = node
                .child_by_field_name("alternative")
                .and_then(first_named);
            let constant = node
                .child_by_field_name("condition")
                .and_then(first_named)
                .is_some_and(|condition| matches!(condition.kind(), "true" | "number"));
            let otherwise = match alternative {
                Some(alternative) => {
                    arms.push(vec![alternative]);
                    Otherwise::Exhaustive
                }
                None if constant => Otherwise::Unknown,
                None => Otherwise::Falls,
            };
            Shape::Branches { arms, otherwise }
        }
        "for_in_statement" => Shape::Loop {
            infinite: false,
            breaks: false,
        },
        "for_statement" | "while_statement" => {
            let condition = node.child_by_field_name("condition");
            let infinite = match node.kind() {
                // `for (;;)`: no condition (an empty statement stands for it).
                "for_statement" => condition.is_none_or(|condition| {
                    condition.kind() == "empty_statement"
                        || text[condition.byte_range()].trim_end_matches(';').trim() == "true"
                }),
                _ => condition
                    .and_then(first_named)
                    .is_some_and(|condition| condition.kind() == "true"),
            };
            let breaks = node.child_by_field_name("body").is_some_and(|body| {
                endings::has_break(body, text, "break_statement", BREAK_TARGETS)
            });
            Shape::Loop { infinite, breaks }
        }
        "try_statement" => {
            if node.child_by_field_name("finalizer").is_some() {
                return Shape::Unknown;
            }
            let mut arms: Vec<Vec<Node<'t>>> = Vec::new();
            arms.extend(node.child_by_field_name("body").map(|body| vec![body]));
            arms.extend(
                node.child_by_field_name("handler")
                    .and_then(|handler| handler.child_by_field_name("body"))
                    .map(|body| vec![body]),
            );
            Shape::Branches {
                arms,
                otherwise: Otherwise::Exhaustive,
            }
        }
        "switch_statement" => {
            let Some(body) = node.child_by_field_name("body") else {
                return Shape::Unknown;
            };
            let cases = statements(body);
            if cases
                .iter()
                .any(|case| endings::has_break(*case, text, "break_statement", BREAK_TARGETS))
            {
                return Shape::Breaks;
            }
            // Cases fall through into the next: the last case's statements end every path into
            // it; without `default` the switch may still cover every value (a union type).
            let Some(last) = cases.last() else {
                return Shape::Unknown;
            };
            let mut cursor = last.walk();
            let last_statements: Vec<Node<'t>> = last
                .children_by_field_name("body", &mut cursor)
                .filter(|child| child.kind() != "comment")
                .collect();
            let has_default = cases.iter().any(|case| case.kind() == "switch_default");
            Shape::Branches {
                arms: vec![last_statements],
                otherwise: if has_default {
                    Otherwise::Exhaustive
                } else {
                    Otherwise::Unknown
                },
            }
        }
        _ => Shape::Unknown,
    }
}

/// Nodes a `break` does not leave through: nested loops, `switch`es and functions.
const BREAK_TARGETS: &[&str] = &[
    "for_statement",
    "for_in_statement",
    "while_statement",
    "do_statement",
    "switch_statement",
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "function",
    "generator_function",
    "arrow_function",
    "method_definition",
    "class_declaration",
    "class",
];

fn is_function_node(node: Node<'_>) -> bool {
    FUNCTION_KINDS.contains(&node.kind())
}

fn first_named(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    let first = node
        .named_children(&mut cursor)
        .find(|child| child.kind() != "comment");
    first
}

fn has_default(export: Node<'_>) -> bool {
    let mut cursor = export.walk();
    let found = export
        .children(&mut cursor)
        .any(|child| child.kind() == "default");
    found
}

/// The name a wrapper call starts from: `middy` in `middy(base)` or `middy(base).use(x)`.
fn wrapper_root(call: Node<'_>) -> Option<Node<'_>> {
    let function = call.child_by_field_name("function")?;
    match function.kind() {
        "identifier" => Some(function),
        "member_expression" => {
            let object = function.child_by_field_name("object")?;
            match object.kind() {
                "call_expression" => wrapper_root(object),
                "identifier" => Some(function),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `exports.name` or `module.exports.name`: the exported name.
fn export_target<'t>(left: Node<'t>, text: &'t str) -> Option<&'t str> {
    if left.kind() != "member_expression" {
        return None;
    }
    let object = left.child_by_field_name("object")?;
    let property = left.child_by_field_name("property")?;
    let object_text = TextRange::of_node(&object).slice(text);
    (object_text == "exports" || object_text == "module.exports")
        .then(|| TextRange::of_node(&property).slice(text))
}

/// The expression inside a parenthesis, `await`, `as`, `satisfies`, `!` or `<T>` cast.
fn transparent_inner(node: Node<'_>) -> Option<Node<'_>> {
    match node.kind() {
        "type_assertion" => {
            let mut cursor = node.walk();
            let last = node
                .named_children(&mut cursor)
                .filter(|child| child.kind() != "type_arguments")
                .last();
            last
        }
        _ => first_named(node),
    }
}

/// The node under parentheses and type-only wrappers (`as`, `satisfies`, `!`).
fn strip_transparent(mut node: Node<'_>) -> Node<'_> {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
    ) {
        match transparent_inner(node) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// Plain function names whose calls an expression returns: `f(...)`, `await f(...)`,
/// `c ? a(...) : b(...)`.
fn returned_callees<'t>(value: Node<'t>, text: &'t str) -> Vec<&'t str> {
    match value.kind() {
        "call_expression" => value
            .child_by_field_name("function")
            .filter(|function| function.kind() == "identifier")
            .map(|function| vec![TextRange::of_node(&function).slice(text)])
            .unwrap_or_default(),
        "await_expression"
        | "parenthesized_expression"
        | "as_expression"
        | "satisfies_expression"
        | "non_null_expression" => first_named(value)
            .map(|inner| returned_callees(inner, text))
            .unwrap_or_default(),
        "ternary_expression" => ["consequence", "alternative"]
            .into_iter()
            .filter_map(|field| value.child_by_field_name(field))
            .flat_map(|branch| returned_callees(branch, text))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether an object literal is an expected value in a test (`expect(x).toEqual({...})`,
/// `assert.deepStrictEqual(x, {...})`): it describes a response, it is not one.
fn is_expectation(object: Node<'_>, text: &str) -> bool {
    let Some(call) = object
        .parent()
        .filter(|parent| parent.kind() == "arguments")
        .and_then(|arguments| arguments.parent())
    else {
        return false;
    };
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    if function.kind() != "member_expression" {
        return false;
    }
    let property = function
        .child_by_field_name("property")
        .map_or("", |property| TextRange::of_node(&property).slice(text));
    let object_text = function
        .child_by_field_name("object")
        .map_or("", |object| TextRange::of_node(&object).slice(text));
    property.starts_with("to") || object_text == "assert" || object_text.starts_with("expect")
}

/// Whether `block` (a `catch` clause's body) catches from a `try` block that cannot throw: one
/// made only of assignments, declarations and returns of literals, names and object or array
/// literals, and `JSON.stringify` of such values. Any other call, `await`, `new`, property read
/// or `throw` may throw.
fn guards_nothing(block: Node<'_>, text: &str) -> bool {
    let Some(guarded) = block
        .parent()
        .filter(|clause| clause.kind() == "catch_clause")
        .and_then(|clause| clause.parent())
        .and_then(|statement| statement.child_by_field_name("body"))
    else {
        return false;
    };
    fn inert(node: Node<'_>, text: &str, depth: usize) -> bool {
        if depth == 0 {
            return false;
        }
        match node.kind() {
            "statement_block"
            | "expression_statement"
            | "return_statement"
            | "lexical_declaration"
            | "variable_declaration"
            | "variable_declarator"
            | "assignment_expression"
            | "object"
            | "array"
            | "pair"
            | "parenthesized_expression"
            | "arguments"
            | "template_string"
            | "string"
            | "number"
            | "true"
            | "false"
            | "null"
            | "undefined"
            | "identifier"
            | "property_identifier"
            | "shorthand_property_identifier"
            | "string_fragment"
            | "escape_sequence"
            | "comment" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                children
                    .into_iter()
                    .all(|child| inert(child, text, depth - 1))
            }
            "call_expression" => {
                node.child_by_field_name("function").is_some_and(|callee| {
                    TextRange::of_node(&callee).slice(text) == "JSON.stringify"
                }) && node
                    .child_by_field_name("arguments")
                    .is_some_and(|arguments| inert(arguments, text, depth - 1))
            }
            _ => false,
        }
    }
    inert(guarded, text, 64)
}

/// Whether a response-shaped literal that no handler returns is an argument of a call or a
/// `new` (`log({...})`, `new Response({...})`, `buildResponse({...})`), or stored on another
/// object: input to code gatelint does not follow, which may serialise or reshape it, so not
/// itself the answer. The calls that
/// answer with their argument (`context.succeed(...)`, `context.done(null, ...)`,
/// `Promise.resolve(...)`) are not among them.
fn is_call_input(object: Node<'_>, text: &str) -> bool {
    // Stored on another object (`request.response = {...}` in a middy middleware,
    // `this.result = {...}`): what reads it later, and whether it is the answer, is not known.
    if object.parent().is_some_and(|parent| {
        parent.kind() == "assignment_expression"
            && parent
                .child_by_field_name("left")
                .is_some_and(|left| left.kind() == "member_expression")
    }) {
        return true;
    }
    let Some(call) = object
        .parent()
        .filter(|parent| parent.kind() == "arguments")
        .and_then(|arguments| arguments.parent())
    else {
        return false;
    };
    let callee = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("constructor"))
        .map_or("", |callee| TextRange::of_node(&callee).slice(text));
    let answers_with_it = callee == "Promise.resolve"
        || callee.ends_with(".succeed")
        || callee.ends_with(".done")
        || callee == "callback"
        || callee == "cb";
    !answers_with_it
}

/// Whether a response-shaped literal that no handler returns is data about responses rather than
/// one: an element of an array (examples, test cases) or serialised through the variable it
/// initialises (`JSON.stringify(response)` is a string; serialised on the spot, it is a call's
/// input, see [`is_call_input`]).
fn is_sample_data(object: Node<'_>, text: &str) -> bool {
    let Some(parent) = object.parent() else {
        return false;
    };
    match parent.kind() {
        "array" => true,
        "variable_declarator" => parent
            .child_by_field_name("name")
            .filter(|name| name.kind() == "identifier")
            .is_some_and(|name| {
                super::is_serialised(
                    text,
                    "JSON.stringify(",
                    TextRange::of_node(&name).slice(text),
                )
            }),
        _ => false,
    }
}

/// The content of a plain string literal.
fn string_literal(node: Node<'_>, text: &str) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let mut content = String::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        let child_text = TextRange::of_node(&child).slice(text);
        match child.kind() {
            "string_fragment" | "escape_sequence" => content.push_str(child_text),
            _ => return None,
        }
    }
    Some(content)
}

/// The first parameter of `callback` (an inline function, the last argument of a call of
/// `callee`) and the callback's body, when the parameter surely holds an error: named `err` or
/// `error` (`fs.readFile(path, (err, data) => ...)`, `.catch((error) => ...)`), or `e` in a
/// `.catch(...)` handler. Array and promise methods whose callbacks take values
/// (`.map((error) => ...)`, `.then((err) => ...)`) are left out.
fn error_first_parameter<'t>(
    callee: Node<'t>,
    callback: Node<'t>,
    text: &'t str,
) -> Option<(&'t str, Node<'t>)> {
    let method = match callee.kind() {
        "member_expression" => callee
            .child_by_field_name("property")
            .map(|property| TextRange::of_node(&property).slice(text)),
        _ => None,
    };
    const VALUE_CALLBACKS: &[&str] = &[
        "then",
        "finally",
        "map",
        "flatMap",
        "forEach",
        "filter",
        "find",
        "findIndex",
        "some",
        "every",
        "reduce",
        "reduceRight",
        "sort",
        "on",
        "once",
        "addListener",
    ];
    if method.is_some_and(|method| VALUE_CALLBACKS.contains(&method)) {
        return None;
    }
    let first = match callback.child_by_field_name("parameters") {
        Some(parameters) => parameters.named_child(0)?,
        None => callback.child_by_field_name("parameter")?,
    };
    if first.kind() != "identifier" {
        return None;
    }
    let name = TextRange::of_node(&first).slice(text);
    let is_error = matches!(name, "err" | "error") || (name == "e" && method == Some("catch"));
    let body = callback.child_by_field_name("body")?;
    is_error.then_some((name, body))
}

fn classify_template(node: Node<'_>, text: &str) -> ValueKind {
    let mut content = String::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_fragment" | "escape_sequence" => {
                content.push_str(TextRange::of_node(&child).slice(text))
            }
            _ => return ValueKind::String,
        }
    }
    ValueKind::StringLiteral(content)
}

/// A JavaScript number literal; numbers with an integral value are integers (`200.0` serialises
/// as `200`).
fn parse_number(literal: &str) -> ValueKind {
    let digits = literal.replace('_', "").to_ascii_lowercase();
    let radix = |prefix: &str, radix: u32| {
        digits
            .strip_prefix(prefix)
            .and_then(|rest| i64::from_str_radix(rest, radix).ok())
    };
    if let Some(number) = radix("0x", 16)
        .or_else(|| radix("0o", 8))
        .or_else(|| radix("0b", 2))
    {
        return ValueKind::Integer(number);
    }
    if let Some(big) = digits.strip_suffix('n') {
        return big.parse().map_or(ValueKind::Unknown, ValueKind::Integer);
    }
    if let Ok(integer) = digits.parse::<i64>() {
        return ValueKind::Integer(integer);
    }
    match digits.parse::<f64>() {
        Ok(float) if float.fract() == 0.0 && float.abs() < 1e15 => ValueKind::Integer(float as i64),
        Ok(float) => ValueKind::Float(float),
        Err(_) => ValueKind::Unknown,
    }
}

/// Where and how a new entry is inserted into an object literal: quoted keys when the object's
/// keys are all quoted, bare keys otherwise; `", "` on one line, a new indented line otherwise.
fn object_style(node: Node<'_>, text: &str) -> ObjectStyle {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|child| child.kind() != "comment")
        .collect();
    let keys: Vec<Node<'_>> = children
        .iter()
        .filter(|child| child.kind() == "pair")
        .filter_map(|pair| pair.child_by_field_name("key"))
        .collect();
    let quoted = !keys.is_empty()
        && keys.len() == children.len()
        && keys.iter().all(|key| key.kind() == "string");
    let entry_form = if quoted {
        EntryForm::QuotedKey
    } else {
        EntryForm::BareKey
    };
    ObjectStyle::of(node, children.first().copied(), text, entry_form)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: FileKind, source: &str) -> SourceFacts {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&kind.tree_sitter_language())
            .expect("the grammar loads");
        let tree = parser
            .parse(source, None)
            .expect("the parser returns a tree");
        extract(kind, &tree, source, &[], None)
    }

    fn streaming_names(source: &str) -> Vec<String> {
        facts(FileKind::JavaScript, source)
            .streaming
            .into_iter()
            .map(|streaming| streaming.name)
            .collect()
    }

    #[test]
    fn knows_handlers_written_for_streaming() {
        let direct = "export const handler = awslambda.streamifyResponse(async (event, stream) => {\n  stream.end();\n});";
        assert_eq!(streaming_names(direct), ["handler"]);
        let aliased = "const streamify = awslambda.streamifyResponse;\nexports.chat = streamify(async (event, stream) => { stream.end(); });";
        assert_eq!(streaming_names(aliased), ["chat"]);
        let wrapped_later = "async function run(event, stream) { stream.end(); }\nexports.handler = awslambda.streamifyResponse(run);";
        assert_eq!(streaming_names(wrapped_later), ["handler"]);
        let middy = "import middy from '@middy/core';\nimport { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';\nexport const handler = middy(async (event) => ({ statusCode: 200, body: 'x' }), { executionMode: executionModeStreamifyResponse });";
        let middy_facts = facts(FileKind::JavaScript, middy);
        assert_eq!(middy_facts.streaming.len(), 1);
        assert!(middy_facts.streams(FunctionId(0)));
        // Buffered: a plain handler, and Middy without its streaming mode.
        let buffered = "export const handler = async (event) => ({ statusCode: 200, body: 'x' });";
        assert!(streaming_names(buffered).is_empty());
        let plain_middy = "import middy from '@middy/core';\nexport const handler = middy(async (event) => ({ statusCode: 200, body: 'x' }));";
        assert!(streaming_names(plain_middy).is_empty());
    }

    fn handler_names(facts: &SourceFacts) -> Vec<&str> {
        facts
            .handlers()
            .map(|function| function.name.as_str())
            .collect()
    }

    #[test]
    fn every_query_compiles_for_its_grammars() {
        for queries in [&*JAVASCRIPT, &*TYPESCRIPT, &*TSX] {
            std::hint::black_box(&queries.all);
        }
        assert!(JAVASCRIPT.types.is_none());
        assert!(TYPESCRIPT
            .types
            .as_ref()
            .is_some_and(|q| q.pattern_count() > 0));
        assert!(TSX.types.as_ref().is_some_and(|q| q.pattern_count() > 0));
    }

    #[test]
    fn finds_handlers_in_every_export_form() {
        let source = r#"
import middy from '@middy/core';
import parser from '@middy/http-json-body-parser';
import handler from './libs/handler-lib';
exports.a = async (event) => {};
module.exports.b = function (event, context) {};
function c(evt) {}
const d = async (req) => {};
module.exports = { c, renamed: d };
export function e(event) {}
function main(event) {}
export { main as handler };
const base = async (payload) => {};
export const wrapped = middy(base).use(parser());
function helper(x) {}
export function express(req, res) {}
async function inner(event, context) {}
export const routed = handler(inner);
export const inline = handler(async (event, context) => ({ ok: true }));
"#;
        let facts = facts(FileKind::JavaScript, source);
        assert_eq!(
            handler_names(&facts),
            vec!["a", "b", "c", "d", "e", "main", "base"]
        );
        let main = facts.handlers().find(|f| f.name == "main").expect("main");
        assert_eq!(
            main.role,
            Role::Handler {
                reason: "is exported as `handler`"
            }
        );
    }

    #[test]
    fn typed_handlers_and_evidence() {
        let source = r#"
import type { APIGatewayProxyHandler } from 'aws-lambda';
const get: APIGatewayProxyHandler = async (input) => ({ statusCode: 200, body: '' });
const worker: SQSHandler = async (records) => { return { batchItemFailures: [] }; };
"#;
        let facts = facts(FileKind::TypeScript, source);
        assert_eq!(handler_names(&facts), vec!["get", "worker"]);
        let get = &facts.functions[0];
        assert_eq!(
            get.api_evidence.as_ref().map(|e| e.what.as_str()),
            Some("is typed `APIGatewayProxyHandler`")
        );
        assert!(facts.functions[1].api_evidence.is_none());
    }

    #[test]
    fn resolves_values_through_scopes_and_later_assignments() {
        let source = r#"
const body = { outer: true };
const respond = (body) => ({ statusCode: 200, body });
exports.handler = async (event) => {
  const headers = { 'X-Id': event.requestContext.requestId };
  const response = { statusCode: 200, headers };
  response.body = JSON.stringify({ ok: true });
  response["isBase64Encoded"] = false;
  Object.assign(response, { multiValueHeaders: { a: ['1'] } });
  if (event.path === '/x') return respond(201);
  return response;
};
"#;
        let facts = facts(FileKind::JavaScript, source);
        assert_eq!(facts.responses.len(), 2);
        let helper = &facts.responses[0];
        assert!(matches!(helper.origin, Origin::Returned { .. }));
        let shadowed = helper.entry("body").expect("body");
        assert!(matches!(shadowed.value.kind, ValueKind::Unknown));
        let response = &facts.responses[1];
        let keys: Vec<&str> = response.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "statusCode",
                "headers",
                "body",
                "isBase64Encoded",
                "multiValueHeaders"
            ]
        );
        let headers = response.entry("headers").expect("headers");
        assert!(headers.bare_key);
        assert!(matches!(headers.value.kind, ValueKind::Object(..)));
        assert!(headers.value.defined_at.is_some());
        let body = response.entry("body").expect("body");
        assert!(body.assigned_later && matches!(body.value.kind, ValueKind::String));
        assert_eq!(response.style.entry_form, EntryForm::BareKey);
    }

    #[test]
    fn classifies_literals_and_transparent_wrappers() {
        let source = r#"
export const handler = async (event) => {
  return {
    "statusCode": (404 as number)!,
    "body": `id ${event.pathParameters.id}`,
    "headers": { "a": 1.0, "b": null, "c": 'x' + 1, "d": undefined },
  } satisfies Result;
};
"#;
        let facts = facts(FileKind::TypeScript, source);
        let response = &facts.responses[0];
        assert_eq!(response.style.entry_form, EntryForm::QuotedKey);
        assert!(response.style.separator.starts_with(",\n    "));
        assert!(matches!(
            response.entry("statusCode").map(|e| &e.value.kind),
            Some(ValueKind::Integer(404))
        ));
        assert!(matches!(
            response.entry("body").map(|e| &e.value.kind),
            Some(ValueKind::String)
        ));
        let Some(ValueKind::Object(headers, _)) = response.entry("headers").map(|e| &e.value.kind)
        else {
            panic!("headers is an object");
        };
        let kinds: Vec<&ValueKind> = headers.iter().map(|e| &e.value.kind).collect();
        assert!(matches!(
            kinds.as_slice(),
            [ValueKind::Integer(1), ValueKind::Null, ValueKind::String]
        ));
    }

    #[test]
    fn spreads_make_objects_opaque_and_callbacks_are_responses() {
        let source = r#"
exports.handler = (event, context, callback) => {
  const base = { statusCode: 200 };
  callback(null, { ...base, body: event.body });
};
"#;
        let facts = facts(FileKind::JavaScript, source);
        let response = facts
            .responses
            .iter()
            .find(|r| matches!(r.origin, Origin::Callback { .. }))
            .expect("the callback result");
        assert!(response.opaque);
    }
}
