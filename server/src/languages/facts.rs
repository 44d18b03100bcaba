//! The language-neutral model of a handler file that every language module produces and the
//! handler rules read: functions (handlers and the helpers they return through) and response
//! objects with their entries and classified values, each with its exact source range.

use crate::files::Language;
use crate::knowledge::proxy::{self, PayloadVersion};
use crate::text::TextRange;

/// Everything the handler rules need to know about one source file.
#[derive(Clone, Debug)]
pub struct SourceFacts {
    pub language: Language,
    pub functions: Vec<Function>,
    pub responses: Vec<ResponseObject>,
    /// Facts the quick fixes need about the file (imports present, where to add one).
    pub edit_context: EditContext,
    /// Waits whose duration the file states (`time.sleep(12)`), for the time-budget rules.
    pub waits: Vec<Wait>,
    /// Failures that leave a handler's own body: `raise`/`throw` no surrounding `try` handles (also
    /// inside an `except`/`catch` block), and Rust `?` on I/O or on parsing the request.
    pub escapes: Vec<Escape>,
    /// HTTP calls made with no timeout (`requests.get(url)`, `fetch(url)`).
    pub untimed_calls: Vec<UntimedCall>,
    /// The file's named functions and the calls between them, for following a handler into
    /// the helpers it calls.
    pub calls: CallGraph,
    /// Where a handler answers with no object at all: `return None`, a bare `return`, a string,
    /// number or list, or a path that falls off the end of its body.
    pub non_objects: Vec<NonObject>,
    /// The modules the file imports when Lambda loads it (see [`super::imports`]).
    pub imports: Vec<Import>,
    /// JavaScript: the first top-level `import` or `export` statement, which only an ES module
    /// may hold.
    pub module_syntax: Option<TextRange>,
    /// Handlers written to stream their response (`awslambda.streamifyResponse(...)`, Middy's
    /// streaming execution mode, Rust's `run_with_streaming_response`): they write a response
    /// stream, so what they return is not a buffered answer.
    pub streaming: Vec<StreamingHandler>,
}

/// A handler written for response streaming, and how it shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamingHandler {
    /// The name it is exported as (the one a template's `Handler` uses).
    pub name: String,
    /// The handler in [`SourceFacts::functions`], when the pipeline judges its body (a Middy
    /// handler, a Rust handler); a function passed to `awslambda.streamifyResponse` is none.
    pub function: Option<FunctionId>,
}

/// A module a file imports when it is loaded: at its top level and unconditionally (not in a
/// function, a `try`, an `if` or a conditional expression, which may never run or catch the
/// failure), so that a module the package lacks fails the load.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// As written: `aws-sdk/clients/s3`, `@aws-sdk/client-s3`, `requests.adapters`, `./util`,
    /// `.models`.
    pub module: String,
    /// Where the module's name is written (inside the quotes in JavaScript).
    pub range: TextRange,
    /// Python `from module import a, b`: the names imported, which may be submodules.
    pub members: Vec<String>,
}

/// The named functions of one file (the dialect's handler candidates: Python and JavaScript
/// module-level functions, Rust function items) and the calls they make to each other by a plain
/// name (`helper(...)`, `await helper(...)`, `helper().await`).
#[derive(Clone, Debug, Default)]
pub struct CallGraph {
    pub definitions: Vec<Definition>,
    /// Calls whose callee is known (one definition of the name, not shadowed where it is called)
    /// and which run before the caller goes on: made in the caller's own body (not in a nested
    /// function or callback), and awaited (or returned, in JavaScript) when the callee is async.
    pub calls: Vec<LocalCall>,
}

/// A named function of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub name: String,
    /// The whole definition.
    pub range: TextRange,
}

/// A call from one definition to another, by the callee's name.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalCall {
    /// Indexes into [`CallGraph::definitions`].
    pub caller: usize,
    pub callee: usize,
    pub range: TextRange,
    /// How many times the constant-bound loops around it in the caller run it (1 outside loops).
    pub repeats: u64,
}

/// A path from a definition to one it reaches through calls: the calls made, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct CallPath {
    pub calls: Vec<usize>,
    /// The product of the calls' repeats.
    pub repeats: u64,
}

impl CallGraph {
    /// The definition whose whole range is `range` (a handler's).
    pub fn definition_at(&self, range: TextRange) -> Option<usize> {
        self.definitions
            .iter()
            .position(|definition| definition.range == range)
    }

    /// The definitions `from` reaches through calls (not itself), each by its shortest path (the
    /// first in document order among equally short ones), at most the pipeline's one `MAX_DEPTH`
    /// calls deep; a cycle is followed once.
    pub fn reached_from(&self, from: usize) -> Vec<(usize, CallPath)> {
        self.reached_from_in(&self.by_caller(), from)
    }

    /// The calls each definition makes (indices in `calls`), by definition: built once for all
    /// the starts [`CallGraph::reached_from_in`] is asked about.
    pub fn by_caller(&self) -> Vec<Vec<usize>> {
        let mut by_caller: Vec<Vec<usize>> = vec![Vec::new(); self.definitions.len()];
        for (index, call) in self.calls.iter().enumerate() {
            by_caller[call.caller].push(index);
        }
        by_caller
    }

    /// [`CallGraph::reached_from`], given [`CallGraph::by_caller`]: it costs what `from`
    /// reaches, not the whole graph (a bundle's thousands of handlers each reach a few helpers).
    pub fn reached_from_in(&self, by_caller: &[Vec<usize>], from: usize) -> Vec<(usize, CallPath)> {
        let mut paths: std::collections::HashMap<usize, CallPath> =
            std::collections::HashMap::new();
        let mut frontier = vec![from];
        let mut reached = Vec::new();
        for _ in 0..super::pipeline::MAX_DEPTH {
            let mut next = Vec::new();
            for &caller in &frontier {
                let base = paths.get(&caller).cloned().unwrap_or(CallPath {
                    calls: Vec::new(),
                    repeats: 1,
                });
                for &index in by_caller.get(caller).map_or(&[][..], Vec::as_slice) {
                    let call = &self.calls[index];
                    if call.callee == from || paths.contains_key(&call.callee) {
                        continue;
                    }
                    let mut path = base.clone();
                    path.calls.push(index);
                    path.repeats = path.repeats.saturating_mul(call.repeats);
                    paths.insert(call.callee, path.clone());
                    reached.push((call.callee, path));
                    next.push(call.callee);
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        reached
    }
}

/// A handler answering with something that is no object: read by the no-proxy-response rule
/// only for handlers that answer through `return` (not Node callback handlers, not handlers
/// behind a wrapper or an unknown decorator; the dialect decides).
#[derive(Clone, Debug, PartialEq)]
pub struct NonObject {
    pub handler: FunctionId,
    /// The `return` statement, the returned value, or the statement the body falls off after
    /// (its first line).
    pub range: TextRange,
    pub what: NonObjectKind,
    /// A fall-off past an `if` on the request's method or route with no `else`: reachable only
    /// when the API sends a method or path the branches do not name (a route with `ANY`).
    pub route_dispatch: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NonObjectKind {
    /// `return None` / `return undefined` / `return null`.
    Null,
    /// `return` / `return;`.
    BareReturn,
    /// A path through the body completes without `return` or `raise`/`throw`.
    FallsOff(FallOff),
    /// A string, number, boolean or list/array (its description, `a string`, `a list`, ...).
    Value(&'static str),
    /// A caught exception or error object (`return err` in a `catch`/`except`).
    Error,
}

/// How a path falls off the end of a function body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FallOff {
    /// After this statement, the last of its path.
    After,
    /// When no branch of this `if` (`switch`, `match`) runs.
    NoBranch,
    /// When this loop ends (or breaks).
    LoopEnds,
}

/// An HTTP call that waits as long as the server takes: no timeout, no abort signal.
#[derive(Clone, Debug, PartialEq)]
pub struct UntimedCall {
    pub range: TextRange,
    /// The callee as written (`requests.get`, `fetch`).
    pub callee: String,
    /// What would bound it (`timeout=`, an `AbortSignal`).
    pub remedy: &'static str,
    /// The definition ([`CallGraph::definitions`]) whose own body makes it, when it is one.
    pub function: Option<usize>,
}

/// A failure that leaves a handler's own body (not a nested function) with no `try` around it
/// that has an `except`/`catch`: a `raise`/`throw`, one in an `except`/`catch` block, or a Rust
/// `?` that propagates an I/O or request-parsing error out of the handler.
#[derive(Clone, Debug, PartialEq)]
pub struct Escape {
    pub range: TextRange,
    pub handler: FunctionId,
    pub kind: EscapeKind,
    /// The handler is run by an HTTP adapter (Rust's `lambda_http`) or typed for API Gateway: it
    /// serves an HTTP front door whatever it returns.
    pub serves_http: bool,
    /// The handler's statements, for a fix that wraps them; `None` when they cannot be re-indented
    /// safely (a multi-line string literal, statements on the line of the opening brace).
    pub body: Option<HandlerBody>,
}

/// How a failure leaves the handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscapeKind {
    /// A `raise`/`throw` outside any `except`/`catch` block.
    Raise,
    /// A `raise`/`throw` inside an `except`/`catch` block: the code saw the failure and chose to
    /// fail the invocation.
    Reraise,
    /// A Rust `?` on an awaited call (I/O) or on parsing with `serde_json::from_*`.
    Propagate,
    /// A Node callback handler passing an error to its callback (`callback(error)`,
    /// `return cb(new Error(...))`): the invocation fails, as a `throw` would.
    CallbackError,
}

/// A handler's statements as a block of whole lines.
#[derive(Clone, Debug, PartialEq)]
pub struct HandlerBody {
    /// From the start of the first statement's line (after a docstring) to the end of the last.
    pub range: TextRange,
    /// The indentation of the statements.
    pub indent: String,
    /// One level of indentation as the file writes it.
    pub unit: String,
}

/// A call that waits a constant time, multiplied through the constant-bound loops around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    /// The call (`time.sleep(12)`).
    pub range: TextRange,
    /// The call as written, for messages.
    pub call: String,
    /// Seconds this call waits in total over the loops around it.
    pub seconds: f64,
    /// How many times the loops around it run it (1 outside loops).
    pub repeats: u64,
    /// The definition ([`CallGraph::definitions`]) whose own body makes it, when it is one.
    pub function: Option<usize>,
}

impl SourceFacts {
    pub fn empty(language: Language) -> Self {
        Self {
            language,
            functions: Vec::new(),
            responses: Vec::new(),
            edit_context: EditContext::default(),
            waits: Vec::new(),
            escapes: Vec::new(),
            untimed_calls: Vec::new(),
            calls: CallGraph::default(),
            non_objects: Vec::new(),
            imports: Vec::new(),
            module_syntax: None,
            streaming: Vec::new(),
        }
    }

    /// Whether a handler is written for response streaming (see [`SourceFacts::streaming`]).
    pub fn streams(&self, id: FunctionId) -> bool {
        let name = &self.function(id).name;
        self.streaming
            .iter()
            .any(|streaming| streaming.function == Some(id) || streaming.name == *name)
    }

    pub fn function(&self, id: FunctionId) -> &Function {
        &self.functions[id.0]
    }

    pub fn handlers(&self) -> impl Iterator<Item = &Function> {
        self.functions
            .iter()
            .filter(|function| function.role.is_handler())
    }
}

/// Index of a function in [`SourceFacts::functions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FunctionId(pub usize);

/// A function the analysis cares about.
#[derive(Clone, Debug)]
pub struct Function {
    /// The name a template's `Handler` would use (`lambda_handler`, `handler`, `main`, ...).
    pub name: String,
    pub name_range: TextRange,
    /// The whole definition.
    pub range: TextRange,
    pub role: Role,
    /// Whether the function shows it serves API Gateway: it reads a key only API Gateway events
    /// have (`event["httpMethod"]`, `event.pathParameters`) or is typed `APIGatewayProxyEvent`.
    pub api_evidence: Option<ApiEvidence>,
    /// Whether it reads event keys API Gateway events do not have (`event["Records"]`,
    /// `event.orderId`, an authorizer's `methodArn`): it is (also) invoked some other way.
    pub other_source_evidence: Option<ApiEvidence>,
    /// What shows which proxy payload format it was written for (`event["rawPath"]` is 2.0,
    /// `event.httpMethod` 1.0, a `...V2` type 2.0), read when no template says.
    pub payload_evidence: Option<PayloadEvidence>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// An entry point Lambda can call, and why we think so.
    Handler { reason: &'static str },
    /// A function whose result a handler (or another helper) returns.
    Helper { of: FunctionId },
}

impl Role {
    pub fn is_handler(&self) -> bool {
        matches!(self, Role::Handler { .. })
    }
}

/// What shows where a function's events come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiEvidence {
    pub what: String,
    pub range: TextRange,
    /// The proxy payload format it belongs to, when only one format has it.
    pub payload: Option<PayloadVersion>,
    /// A type (checked only at compile time), not a read of the event.
    pub is_type: bool,
}

impl ApiEvidence {
    /// A type in the signature (`APIGatewayProxyEventV2`, `SQSEvent`, ...).
    pub fn typed(name: &str, range: TextRange) -> Self {
        Self {
            what: format!("is typed `{name}`"),
            range,
            payload: proxy::payload_of_type(name),
            is_type: true,
        }
    }

    /// A read of the event's `key`, described by `what`.
    pub fn key(what: String, key: &str, range: TextRange) -> Self {
        Self {
            what,
            range,
            payload: proxy::payload_of_event_key(key),
            is_type: false,
        }
    }
}

/// The proxy payload format a function's code shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadEvidence {
    pub version: PayloadVersion,
    /// The first read of an event key only that format has (types are not checked at run time).
    pub read: Option<ApiEvidence>,
    /// Whether other evidence shows the other format too: code written for both.
    pub mixed: bool,
}

impl PayloadEvidence {
    /// The format the code is written for, unless it handles both.
    pub fn only(&self) -> Option<PayloadVersion> {
        (!self.mixed).then_some(self.version)
    }
}

impl Function {
    /// Records evidence of where its events come from (see [`record_evidence`]).
    pub fn record_evidence(&mut self, evidence: ApiEvidence, is_api: bool) {
        record_evidence(
            evidence,
            is_api,
            &mut self.api_evidence,
            &mut self.other_source_evidence,
            &mut self.payload_evidence,
        );
    }
}

/// Records `evidence` on a function: the first API Gateway and the first other-source evidence
/// each, and the first that shows the payload format.
pub fn record_evidence(
    evidence: ApiEvidence,
    is_api: bool,
    api: &mut Option<ApiEvidence>,
    other: &mut Option<ApiEvidence>,
    payload: &mut Option<PayloadEvidence>,
) {
    if let (true, Some(version)) = (is_api, evidence.payload) {
        match payload {
            None => {
                *payload = Some(PayloadEvidence {
                    version,
                    read: (!evidence.is_type).then(|| evidence.clone()),
                    mixed: false,
                })
            }
            Some(seen) if seen.version != version => seen.mixed = true,
            Some(seen) if seen.read.is_none() && !evidence.is_type => {
                seen.read = Some(evidence.clone());
            }
            Some(_) => {}
        }
    }
    let slot = if is_api { api } else { other };
    if slot.is_none() {
        *slot = Some(evidence);
    }
}

/// How a response object came to be considered one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Returned (directly or through a local variable) by a handler or one of its helpers.
    Returned { function: FunctionId },
    /// Passed as the result to a Node callback: `callback(null, {...})`.
    Callback { function: FunctionId },
    /// A literal with a `statusCode` key and response keys, wherever it stands.
    StatusCodeLiteral,
}

/// An object (dict, object literal, `json!` object, `dict(...)` call) that becomes a proxy response.
#[derive(Clone, Debug)]
pub struct ResponseObject {
    /// The literal itself.
    pub range: TextRange,
    /// Where object-level findings are shown: the literal's first line.
    pub anchor: TextRange,
    pub entries: Vec<Entry>,
    /// A spread (`**base`, `...base`) or other entries whose keys are unknown: presence checks
    /// (missing `statusCode`) must not fire.
    pub opaque: bool,
    pub origin: Origin,
    pub style: ObjectStyle,
}

impl ResponseObject {
    /// A response object; findings about it as a whole are shown on its first line.
    pub fn new(
        range: TextRange,
        text: &str,
        entries: Vec<Entry>,
        shape: ObjectShape,
        origin: Origin,
        style: ObjectStyle,
    ) -> Self {
        Self {
            range,
            anchor: range.first_line(text),
            entries,
            opaque: shape == ObjectShape::Opaque,
            origin,
            style,
        }
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|entry| entry.key == key)
    }

    /// The function whose response this is, when known.
    pub fn function(&self) -> Option<FunctionId> {
        match self.origin {
            Origin::Returned { function } | Origin::Callback { function } => Some(function),
            Origin::StatusCodeLiteral => None,
        }
    }
}

/// Whether entries with a `statusCode` and another response key make a response literal,
/// wherever it stands. A `statusCode` whose value is itself a dict or list is no response: it is
/// a JSON schema's `properties`, a mapping of documentation, a table of test cases.
pub fn is_status_code_literal(entries: &[Entry]) -> bool {
    entries.iter().any(|entry| {
        entry.key == "statusCode"
            && !matches!(
                entry.value.kind,
                ValueKind::Object(..) | ValueKind::Array(_)
            )
    }) && entries
        .iter()
        .any(|entry| crate::knowledge::proxy::OTHER_RESPONSE_KEYS.contains(&entry.key.as_str()))
}

/// How to write a new entry into this object so that it matches its neighbours.
#[derive(Clone, Debug)]
pub struct ObjectStyle {
    /// Where a new first entry goes (just after the opening delimiter).
    pub insert_at: usize,
    /// Text to put after the inserted entry (`", "` or `",\n    "` when there are entries).
    pub separator: String,
    /// The form of an entry.
    pub entry_form: EntryForm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryForm {
    /// `"key": value` (Python dict, JSON-like `json!`, JS with quoted keys).
    QuotedKey,
    /// `key: value` (JS/TS object literal with bare keys).
    BareKey,
    /// `key=value` (Python `dict(...)` call).
    Keyword,
}

impl ObjectStyle {
    /// The style of an object whose entries are the children of `container`, the first being
    /// `first`: a new entry goes before the first one, separated like the existing ones (on the
    /// same line, or on a line of its own with the first entry's indentation).
    pub fn of(
        container: tree_sitter::Node<'_>,
        first: Option<tree_sitter::Node<'_>>,
        text: &str,
        entry_form: EntryForm,
    ) -> Self {
        let Some(first) = first else {
            return Self {
                insert_at: container.start_byte() + 1,
                separator: String::new(),
                entry_form,
            };
        };
        let separator = if container.start_position().row == first.start_position().row {
            ", ".to_owned()
        } else {
            let line_start = text[..first.start_byte()].rfind('\n').map_or(0, |n| n + 1);
            format!(",\n{}", &text[line_start..first.start_byte()])
        };
        Self {
            insert_at: first.start_byte(),
            separator,
            entry_form,
        }
    }

    pub fn entry_text(&self, key: &str, value: &str) -> String {
        match self.entry_form {
            EntryForm::QuotedKey => format!("\"{key}\": {value}"),
            EntryForm::BareKey => format!("{key}: {value}"),
            EntryForm::Keyword => format!("{key}={value}"),
        }
    }
}

/// One key of a response object.
#[derive(Clone, Debug)]
pub struct Entry {
    pub key: String,
    /// The key as written (string literal or identifier), for renames.
    pub key_range: TextRange,
    /// Whether the key is written as a bare identifier (`statusCode:` in JS, `statusCode=` in Python).
    pub bare_key: bool,
    pub value: Value,
    /// Set by an assignment after the literal (`resp["body"] = ...`, `resp.body = ...`).
    pub assigned_later: bool,
}

/// An expression, classified by what it evaluates to as far as the file shows.
#[derive(Clone, Debug)]
pub struct Value {
    pub kind: ValueKind,
    /// The expression where it is used (an identifier stays the identifier, even when resolved).
    pub range: TextRange,
    /// Where the value was defined, when resolved through a variable.
    pub defined_at: Option<TextRange>,
}

#[derive(Clone, Debug)]
pub enum ValueKind {
    /// A string whose content the file states.
    StringLiteral(String),
    /// A string built at run time (f-string, template literal, `json.dumps`, `str()`, `+`).
    String,
    Integer(i64),
    Float(f64),
    /// A number whose value the file does not state (`len(items)`, `int(x)`).
    Number,
    Bool(bool),
    Null,
    Object(Vec<Entry>, ObjectShape),
    Array(Vec<Value>),
    /// Python `bytes` (literal `b"..."`, `.encode()`, `base64.b64encode(...)`, `orjson.dumps(...)`).
    Bytes,
    /// A caught exception or error: a name bound by `catch (err)`, `except E as e`, or the first
    /// parameter of an error-first callback passed inline, not reassigned.
    Error,
    /// Anything the file does not pin down.
    Unknown,
}

/// Whether an object value's entries are all known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectShape {
    Complete,
    /// Has spreads or computed keys.
    Opaque,
}

impl ValueKind {
    /// A short description for messages: "a dict", "an object", "a list", "a number", ...
    pub fn describe(&self, language: Language) -> &'static str {
        let python = language == Language::Python;
        match self {
            ValueKind::StringLiteral(_) | ValueKind::String => "a string",
            ValueKind::Integer(_) | ValueKind::Float(_) | ValueKind::Number => "a number",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Null if python => "None",
            ValueKind::Null => "null",
            ValueKind::Object(..) if python => "a dict",
            ValueKind::Object(..) => "an object",
            ValueKind::Array(_) if python => "a list",
            ValueKind::Array(_) => "an array",
            ValueKind::Bytes => "bytes",
            ValueKind::Error if python => "an exception",
            ValueKind::Error => "an Error object",
            ValueKind::Unknown => "an unknown value",
        }
    }

    pub fn is_stringy(&self) -> bool {
        matches!(self, ValueKind::StringLiteral(_) | ValueKind::String)
    }
}

/// Facts about the file that fixes need.
#[derive(Clone, Debug, Default)]
pub struct EditContext {
    /// Python: whether `json` is imported as a module (`import json`); `json.dumps` is then usable.
    /// Rust: whether the file calls `json!` unqualified; a fix may then write `json!(...)`.
    pub has_json_import: bool,
    /// Python: where `import json` should be inserted (after the docstring, `__future__` imports
    /// and at the start of the other imports).
    pub import_insert_at: usize,
    /// Python: whether the inserted import needs a blank line after it (no imports follow).
    pub import_needs_blank_line: bool,
    /// Where the name a JSON fix writes (`json`, `JSON`) is rebound (`languages::shadowing`).
    pub json_name: super::shadowing::JsonName,
}
