//! Runs the rules over one file. The CLI and the language server both call [`analyze`], so they
//! cannot disagree; what the workspace knows about the file (which API invokes its handlers) comes
//! in as a [`FileContext`].

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use tree_sitter::Tree;

use crate::knowledge::proxy::{PayloadVersion, AUTHORIZER_RESPONSE_MARKERS, OTHER_RESPONSE_KEYS};
use crate::languages::{
    self, FileKind, FunctionId, Origin, PayloadEvidence, ResponseObject, Role, SourceFacts,
};
use crate::rules::proxy_response::is_response_shaped;
use crate::rules::{
    self, Check, Edit, Finding, Fix, PayloadFormat, Related, ResponseContext, Sink, SourceContext,
    TemplateContext, REGISTRY,
};
use crate::templates::functions::{FunctionSpec, Invocation, LinkProblem};
use crate::templates::inline::Embedded;
use crate::templates::{self, Graph, IntegrationKind, TemplateModel};
use crate::text::{first_syntax_error, TextRange};

/// What the rest of the workspace says about a file: for a handler file, the template functions
/// whose `Handler` names its functions; for a template, what linking its functions to code found.
#[derive(Clone, Debug, Default)]
pub struct FileContext {
    /// Template functions linked to a function of this file, by the function's name.
    pub handlers: HashMap<String, Vec<HandlerContext>>,
    /// Template functions linked to the file as a whole (a Rust crate's binary: its `service_fn`
    /// handler, whatever its name).
    pub whole_file: Vec<HandlerContext>,
    /// For a template: `Handler`/`CodeUri` values that point at no file or function.
    pub link_problems: Vec<LinkProblem>,
}

/// One template function that runs a handler of this file.
#[derive(Clone, Debug)]
pub struct HandlerContext {
    /// The template that declares the function.
    pub template: PathBuf,
    pub function: FunctionSpec,
}

impl HandlerContext {
    /// Related information pointing at the template line where an invocation is declared.
    pub fn related(&self, invocation: &Invocation) -> Related {
        Related {
            path: self.template.clone(),
            range: invocation.range,
            message: format!(
                "{} invokes {} (payload format {})",
                invocation.description, self.function.logical_id, invocation.payload_version
            ),
        }
    }
}

/// Every invocation of the template functions in `contexts`, with the context declaring it.
pub fn invocations_of<'c, 'a>(
    contexts: &'c [&'a HandlerContext],
) -> impl Iterator<Item = (&'a HandlerContext, &'a Invocation)> + 'c
where
    'a: 'c,
{
    contexts.iter().flat_map(|context| {
        context
            .function
            .invocations
            .iter()
            .map(move |invocation| (*context, invocation))
    })
}

/// What the template says about how a handler is invoked.
enum TemplateReading {
    /// No template links this handler: read it as the code itself suggests.
    Unknown,
    /// Not a proxy response at all (non-proxy integration, authorizer, only other event sources).
    NotProxy,
    /// Behind proxy integrations with this payload format; `also_other` when other event sources
    /// invoke it too.
    Proxy {
        payload: PayloadFormat,
        also_other: bool,
        related: Related,
    },
}

/// How surely a response object is a Lambda proxy response, and so how it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Certainty {
    /// Its function serves API Gateway and nothing else: every returned object is a response.
    Sure,
    /// It may be (it returns a `statusCode`, or it serves API Gateway and other sources): only
    /// objects shaped like a response (with `statusCode`, `body`, `headers`, ...) are read.
    Likely,
}

impl FileContext {
    /// The template functions that run `function` (a handler of this file).
    pub fn contexts_of<'a>(
        &'a self,
        facts: &SourceFacts,
        function: FunctionId,
    ) -> Vec<&'a HandlerContext> {
        let handler = function_chain(facts, function)
            .into_iter()
            .map(|id| facts.function(id))
            .find(|function| function.role.is_handler());
        let Some(handler) = handler else {
            return Vec::new();
        };
        self.handlers
            .get(&handler.name)
            .into_iter()
            .flatten()
            .chain(&self.whole_file)
            .collect()
    }

    fn template_reading(&self, facts: &SourceFacts, function: FunctionId) -> TemplateReading {
        let contexts = self.contexts_of(facts, function);
        if contexts.is_empty() {
            return TemplateReading::Unknown;
        }
        let invocations = || invocations_of(&contexts);
        if invocations().any(|(_, invocation)| invocation.authorizer.is_some()) {
            return TemplateReading::NotProxy;
        }
        let also_other = contexts
            .iter()
            .any(|context| context.function.other_sources);
        let proxies: Vec<_> = invocations()
            .filter(|(_, invocation)| invocation.kind == IntegrationKind::Proxy)
            .collect();
        // The strictest format any proxy integration reads decides: 1.0 where there is one.
        let strictest = proxies
            .iter()
            .find(|(_, invocation)| invocation.payload_version != "2.0")
            .or_else(|| proxies.first());
        match strictest {
            Some((context, invocation)) => TemplateReading::Proxy {
                payload: if invocation.payload_version == "2.0" {
                    PayloadFormat::HttpV2
                } else {
                    PayloadFormat::Rest
                },
                also_other,
                related: context.related(invocation),
            },
            // Invoked only by non-proxy integrations or other sources: no proxy response.
            None if also_other || invocations().next().is_some() => TemplateReading::NotProxy,
            // Declared with no event at all (a function URL, direct invokes): read the code.
            None => TemplateReading::Unknown,
        }
    }

    /// How a response is read: its payload format and certainty; `None` when it is no proxy
    /// response (its function shows another event source, or nothing shows it serves API Gateway).
    fn reading(
        &self,
        facts: &SourceFacts,
        response: &ResponseObject,
    ) -> Option<(PayloadFormat, Certainty, Option<Related>)> {
        let function = response
            .function()
            .or_else(|| enclosing_function(facts, response));
        if let Some(function) = function {
            match self.template_reading(facts, function) {
                TemplateReading::Unknown => {}
                TemplateReading::NotProxy => return None,
                TemplateReading::Proxy {
                    payload,
                    also_other,
                    related,
                    ..
                } => {
                    let certainty = if also_other {
                        Certainty::Likely
                    } else {
                        Certainty::Sure
                    };
                    if certainty == Certainty::Likely && !carries_payload(response) {
                        return None;
                    }
                    return Some((payload, certainty, Some(related)));
                }
            }
        }
        // No template says: the code may (`event["rawPath"]`, `APIGatewayProxyEventV2` are 2.0).
        let payload = function
            .and_then(|function| {
                function_chain(facts, function)
                    .into_iter()
                    .find_map(|id| facts.function(id).payload_evidence.as_ref())
            })
            .and_then(PayloadEvidence::only);
        let payload = match payload {
            Some(PayloadVersion::V2) => PayloadFormat::HttpV2,
            Some(PayloadVersion::V1) | None => PayloadFormat::Rest,
        };
        let certainty = match function {
            None => Certainty::Likely,
            Some(function) => {
                let chain = function_chain(facts, function);
                let api = chain
                    .iter()
                    .any(|id| facts.function(*id).api_evidence.is_some());
                let other = chain
                    .iter()
                    .any(|id| facts.function(*id).other_source_evidence.is_some());
                let returned = || {
                    facts
                        .responses
                        .iter()
                        .filter(|r| r.function().is_some_and(|f| chain.contains(&f)))
                };
                let returns_status = returned().any(|r| r.entry("statusCode").is_some());
                // An authorizer's answers are read by the authorizer rules, not as proxy responses.
                let is_authorizer = returned().any(|r| {
                    r.entries
                        .iter()
                        .any(|e| AUTHORIZER_RESPONSE_MARKERS.contains(&e.key.as_str()))
                });
                if is_authorizer {
                    return None;
                }
                match (api, other) {
                    (true, false) => Certainty::Sure,
                    (true, true) => Certainty::Likely,
                    (false, true) => return None,
                    (false, false)
                        if returns_status || response.origin == Origin::StatusCodeLiteral =>
                    {
                        Certainty::Likely
                    }
                    (false, false) => return None,
                }
            }
        };
        if certainty == Certainty::Likely && !carries_payload(response) {
            return None;
        }
        Some((payload, certainty, None))
    }
}

/// Where the code may serve something else, only an object with a body or headers is surely meant
/// as a response: `{"statusCode": 200, "success": true}` reports a step's result.
fn carries_payload(response: &ResponseObject) -> bool {
    response
        .entries
        .iter()
        .any(|entry| OTHER_RESPONSE_KEYS.contains(&entry.key.as_str()))
        && is_response_shaped(response, PayloadFormat::Rest)
}

/// A function and the helpers/handlers it returns through, up to its handler.
fn function_chain(facts: &SourceFacts, function: FunctionId) -> Vec<FunctionId> {
    let mut chain = vec![function];
    let mut current = function;
    // Chains are short; the bound guards against a cycle in malformed input.
    for _ in 0..facts.functions.len() {
        match facts.function(current).role {
            Role::Helper { of } if !chain.contains(&of) => {
                chain.push(of);
                current = of;
            }
            _ => break,
        }
    }
    chain
}

/// The handler or helper whose definition holds a response literal.
fn enclosing_function(facts: &SourceFacts, response: &ResponseObject) -> Option<FunctionId> {
    facts
        .functions
        .iter()
        .position(|function| {
            function.range.start <= response.range.start && response.range.end <= function.range.end
        })
        .map(FunctionId)
}

/// All findings for one file, sorted by position.
pub fn analyze(
    kind: Option<FileKind>,
    tree: Option<&Tree>,
    text: &str,
    context: &FileContext,
) -> Vec<Finding> {
    analyze_with_model(kind, tree, text, context, None)
}

/// [`analyze`], given a template's model already read from the same text (by the workspace
/// index), so that a large template is not read twice.
pub fn analyze_with_model(
    kind: Option<FileKind>,
    tree: Option<&Tree>,
    text: &str,
    context: &FileContext,
    model: Option<&TemplateModel>,
) -> Vec<Finding> {
    let Some(kind) = kind else {
        return Vec::new();
    };
    if let (None, Some(model)) = (tree, model.filter(|model| model.read.in_pieces)) {
        // A large template parsed in pieces (each with tree-sitter), not as one tree.
        return sorted(analyze_template_model(model, text, context));
    }
    let Some(tree) = tree else {
        // Not parsed: nested deeper than gatelint reads (see `text::MAX_TREE_DEPTH`).
        return vec![builtin_finding(
            &rules::config::UNPARSABLE_FILE.meta,
            TextRange::empty(0),
            format!(
                "gatelint did not parse this file: it nests deeper than it reads ({} syntax \
                 levels, or YAML indented over {} columns); nothing in it was checked",
                crate::text::MAX_TREE_DEPTH,
                crate::text::MAX_YAML_INDENT
            ),
        )];
    };
    if kind.is_template() {
        return sorted(analyze_template(kind, tree, text, context, model));
    }
    let mut findings = Vec::new();
    if let Some(error) = first_syntax_error(tree, text) {
        findings.push(unparsable(error));
    }
    let facts = match guarded("extracting facts", || languages::extract(kind, tree, text)) {
        Ok(Some(facts)) => facts,
        Ok(None) => return findings,
        Err(message) => {
            findings.push(builtin_finding(
                &rules::config::RULE_PANICKED.meta,
                TextRange::empty(0),
                message,
            ));
            return findings;
        }
    };
    // Which objects are proxy responses, and how each is read: decided once for every rule.
    let readings: Vec<(&ResponseObject, PayloadFormat, Certainty, Option<Related>)> = facts
        .responses
        .iter()
        .filter_map(|response| {
            let (payload, certainty, related) = context.reading(&facts, response)?;
            Some((response, payload, certainty, related))
        })
        .collect();
    let source_ctx = SourceContext {
        facts: &facts,
        text,
        file: context,
    };
    for rule in REGISTRY {
        let result = guarded(rule.meta.code, || match rule.check {
            _ if panic_requested(rule.meta.code) => panic!("{TEST_PANIC_VARIABLE} asked for it"),
            Check::Response(check) => {
                let mut found = Vec::new();
                for (response, payload, certainty, related) in &readings {
                    let ctx = ResponseContext {
                        facts: &facts,
                        text,
                        payload: *payload,
                        certainty: *certainty,
                    };
                    let mut sink = Sink::new(&rule.meta);
                    check(&ctx, response, &mut sink);
                    for mut finding in sink.into_findings() {
                        finding.related.extend(related.clone());
                        found.push(finding);
                    }
                }
                found
            }
            Check::Source(check) => {
                let mut sink = Sink::new(&rule.meta);
                check(&source_ctx, &mut sink);
                sink.into_findings()
            }
            Check::Template(_) | Check::Builtin => Vec::new(),
        });
        match result {
            Ok(found) => findings.extend(found),
            Err(message) => findings.push(builtin_finding(
                &rules::config::RULE_PANICKED.meta,
                TextRange::empty(0),
                message,
            )),
        }
    }
    findings.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    findings.dedup();
    findings
}

/// Findings by position, each once.
fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    findings.dedup();
    findings
}

fn unparsable(range: TextRange) -> Finding {
    builtin_finding(
        &rules::config::UNPARSABLE_FILE.meta,
        range,
        "gatelint could not parse this part of the file; findings around it may be missing".into(),
    )
}

/// Builds the template model and its graph once, then runs every template rule on them. Rules
/// say nothing about resources the parser could not read whole, and nothing at all when text
/// outside resources could not be read.
fn analyze_template(
    kind: FileKind,
    tree: &Tree,
    text: &str,
    context: &FileContext,
    model: Option<&TemplateModel>,
) -> Vec<Finding> {
    let built;
    let model = match model {
        Some(model) => model,
        None => {
            built = match guarded("reading the template", || {
                TemplateModel::read(kind, tree, text)
            }) {
                Ok(model) => model,
                Err(message) => {
                    return vec![builtin_finding(
                        &rules::config::RULE_PANICKED.meta,
                        TextRange::empty(0),
                        message,
                    )]
                }
            };
            &built
        }
    };
    analyze_template_model(model, text, context)
}

/// Runs every template rule on a template's model.
fn analyze_template_model(
    model: &TemplateModel,
    text: &str,
    context: &FileContext,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = model
        .read
        .syntax_error
        .map(unparsable)
        .into_iter()
        .collect();
    let (Some(template), Some(graph)) = (&model.read.template, &model.graph) else {
        return findings;
    };
    if !template.is_complete() {
        return findings;
    }
    let incomplete: Vec<TextRange> = template
        .resources
        .iter()
        .filter(|resource| resource.incomplete)
        .map(|resource| resource.range)
        .collect();
    let ctx = TemplateContext {
        template,
        graph,
        text,
        file: context,
    };
    for rule in REGISTRY {
        let Check::Template(check) = rule.check else {
            continue;
        };
        let result = guarded(rule.meta.code, || {
            if panic_requested(rule.meta.code) {
                panic!("{TEST_PANIC_VARIABLE} asked for it");
            }
            let mut sink = Sink::new(&rule.meta);
            check(&ctx, &mut sink);
            sink.into_findings()
        });
        match result {
            Ok(found) => findings.extend(found.into_iter().filter(|finding| {
                !incomplete
                    .iter()
                    .any(|range| range.contains(finding.range.start))
            })),
            Err(message) => findings.push(builtin_finding(
                &rules::config::RULE_PANICKED.meta,
                TextRange::empty(0),
                message,
            )),
        }
    }
    match guarded("inline code", || {
        inline_code_findings(template, graph, text)
    }) {
        Ok(found) => findings.extend(found),
        Err(message) => findings.push(builtin_finding(
            &rules::config::RULE_PANICKED.meta,
            TextRange::empty(0),
            message,
        )),
    }
    findings
}

/// Findings in handler code written inside the template (`InlineCode`, `Code.ZipFile`), analysed
/// as the handler of its function and mapped back onto the template's lines.
fn inline_code_findings(template: &templates::Template, graph: &Graph, text: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    // Reading every function's spec costs more than the rules on a large template: only a
    // template that writes code inline (SAM `InlineCode`, also from `Globals`; `Code.ZipFile`)
    // has any.
    let inline = |resource: &templates::Resource| {
        template
            .effective_property(resource, "InlineCode")
            .is_some()
            || resource
                .property("Code")
                .is_some_and(|code| code.get("ZipFile").is_some())
    };
    if !template.resources.iter().any(inline) {
        return found;
    }
    // (code, rule, message as the code's analysis gave it) → index in `found`.
    let mut repeated: HashMap<(String, &'static str, String), usize> = HashMap::new();
    let mut repeated_in: Vec<Vec<String>> = Vec::new();
    for spec in templates::functions::function_specs(template, graph) {
        let Some(embedded) = Embedded::of(&spec, text) else {
            continue;
        };
        let document = crate::text::Document::new(Some(embedded.kind), embedded.code.clone());
        let mut context = FileContext::default();
        context.handlers.insert(
            embedded.function_name.clone(),
            vec![HandlerContext {
                template: PathBuf::new(),
                function: spec.clone(),
            }],
        );
        for finding in analyze(
            Some(embedded.kind),
            document.tree(),
            &embedded.code,
            &context,
        ) {
            let Some(range) = embedded.map_range(finding.range) else {
                continue;
            };
            let fixes = finding
                .fixes
                .into_iter()
                .filter_map(|fix| {
                    let edits = fix
                        .edits
                        .into_iter()
                        .map(|edit| {
                            Some(Edit {
                                path: None,
                                range: embedded.map_range(edit.range)?,
                                new_text: embedded.indent_inserted(&edit.new_text),
                            })
                        })
                        .collect::<Option<Vec<_>>>()?;
                    Some(Fix { edits, ..fix })
                })
                .collect();
            let key = (embedded.code.clone(), finding.code, finding.message.clone());
            // Inline code with a syntax error cannot load: every call fails.
            let (severity, message) = match (finding.code, document.tree()) {
                ("GL902", Some(tree)) => (
                    rules::Severity::Error,
                    format!(
                        "`{}`: the inline code has a syntax error here ({}): Lambda cannot load it, so \
                         every invocation fails with Runtime.UserCodeSyntaxError",
                        spec.logical_id,
                        templates::inline::syntax_view(tree, &embedded.code, finding.range)
                    ),
                ),
                _ => (finding.severity, finding.message),
            };
            // The related places would be this template itself: the finding already is.
            let finding = Finding {
                range,
                fixes,
                related: Vec::new(),
                severity,
                message,
                ..finding
            };
            // The same code in several functions: one finding, naming the others.
            match repeated.get(&key) {
                Some(&at) => {
                    repeated_in[at].push(spec.logical_id.clone());
                    // The fix mends every copy.
                    for (fix, copy) in found[at].fixes.iter_mut().zip(finding.fixes) {
                        if fix.title == copy.title {
                            fix.edits.extend(copy.edits);
                        }
                    }
                }
                None => {
                    repeated.insert(key, found.len());
                    repeated_in.push(Vec::new());
                    found.push(finding);
                }
            }
        }
    }
    for (finding, others) in found.iter_mut().zip(repeated_in) {
        if !others.is_empty() {
            let names: Vec<String> = others.iter().map(|name| format!("`{name}`")).collect();
            finding.message = format!(
                "{} (the same inline code of {} has it too)",
                finding.message,
                names.join(", ")
            );
        }
    }
    found
}

fn builtin_finding(meta: &'static rules::RuleMeta, range: TextRange, message: String) -> Finding {
    let mut sink = Sink::new(meta);
    sink.report(range, message);
    sink.into_findings().remove(0)
}

/// A test hook, not a setting: `GATELINT_TEST_PANIC=<rule code>` makes that rule panic in every file
/// it runs on, so tests can prove through the real binary that a failing rule is isolated (reported
/// as GL903 and logged, while the other rules and files still report).
pub const TEST_PANIC_VARIABLE: &str = "GATELINT_TEST_PANIC";

/// Whether the test hook asks `code` to panic (the variable is read once per process).
fn panic_requested(code: &str) -> bool {
    static REQUESTED: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    REQUESTED
        .get_or_init(|| std::env::var(TEST_PANIC_VARIABLE).ok())
        .as_deref()
        == Some(code)
}

/// Runs `work`, turning a panic into a message (logged) instead of taking the process down.
fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        tracing::error!("gatelint internal error in {what}: {reason}");
        format!(
            "gatelint internal error in {what}: {reason}; other rules still ran. Please report it."
        )
    })
}
