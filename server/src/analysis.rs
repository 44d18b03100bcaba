//! Runs the rules over one file. The CLI and the language server both call [`analyze`], so they
//! cannot disagree; what the workspace knows about the file (which API invokes its handlers) comes
//! in as a [`FileContext`].

use std::panic::{catch_unwind, AssertUnwindSafe};

use tree_sitter::Tree;

use crate::languages::{self, FileKind, FunctionId, Role, SourceFacts};
use crate::rules::{
    self, Check, Finding, PayloadFormat, ResponseContext, Sink, TemplateContext, REGISTRY,
};
use crate::templates::{self, Graph};
use crate::text::TextRange;

/// What the rest of the workspace says about a file.
#[derive(Clone, Debug, Default)]
pub struct FileContext {}

impl FileContext {
    /// The payload format a function's responses are read against; `None` when nothing shows that
    /// the function serves API Gateway (then its returned objects are not proxy responses).
    fn payload_for(
        &self,
        facts: &SourceFacts,
        function: Option<FunctionId>,
    ) -> Option<PayloadFormat> {
        let Some(function) = function else {
            return Some(PayloadFormat::Rest);
        };
        serves_api(facts, function).then_some(PayloadFormat::Rest)
    }
}

/// Whether a function, or the handler chain it returns through, shows it serves API Gateway.
fn serves_api(facts: &SourceFacts, function: FunctionId) -> bool {
    let mut current = function;
    // Helper chains are short; the bound guards against a cycle in malformed input.
    for _ in 0..facts.functions.len().max(1) {
        let data = facts.function(current);
        if data.api_evidence.is_some() {
            return true;
        }
        match data.role {
            Role::Helper { of } => current = of,
            Role::Handler { .. } => return false,
        }
    }
    false
}

/// All findings for one file, sorted by position.
pub fn analyze(
    kind: Option<FileKind>,
    tree: Option<&Tree>,
    text: &str,
    context: &FileContext,
) -> Vec<Finding> {
    let (Some(kind), Some(tree)) = (kind, tree) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    if let Some(error) = first_syntax_error(tree) {
        findings.push(builtin_finding(
            &rules::config::UNPARSABLE_FILE.meta,
            error,
            "gatelint could not parse this part of the file; findings around it may be missing"
                .into(),
        ));
    }
    if kind.is_template() {
        findings.extend(analyze_template(kind, tree, text));
        findings.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
        findings.dedup();
        return findings;
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
    for rule in REGISTRY {
        let Check::Response(check) = rule.check else {
            continue;
        };
        let result = guarded(rule.meta.code, || {
            let mut sink = Sink::new(&rule.meta);
            for response in &facts.responses {
                let Some(payload) = context.payload_for(&facts, response.function()) else {
                    continue;
                };
                let ctx = ResponseContext {
                    facts: &facts,
                    text,
                    payload,
                };
                check(&ctx, response, &mut sink);
            }
            sink.into_findings()
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

/// Builds the template model and its graph once, then runs every template rule on them.
fn analyze_template(kind: FileKind, tree: &Tree, text: &str) -> Vec<Finding> {
    let model = guarded("reading the template", || {
        let template = templates::parse(kind, tree, text)?;
        let graph = Graph::build(&template);
        Some((template, graph))
    });
    let (template, graph) = match model {
        Ok(Some(model)) => model,
        Ok(None) => return Vec::new(),
        Err(message) => {
            return vec![builtin_finding(
                &rules::config::RULE_PANICKED.meta,
                TextRange::empty(0),
                message,
            )]
        }
    };
    let ctx = TemplateContext {
        template: &template,
        graph: &graph,
        text,
    };
    let mut findings = Vec::new();
    for rule in REGISTRY {
        let Check::Template(check) = rule.check else {
            continue;
        };
        let result = guarded(rule.meta.code, || {
            let mut sink = Sink::new(&rule.meta);
            check(&ctx, &mut sink);
            sink.into_findings()
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
    findings
}

fn builtin_finding(meta: &'static rules::RuleMeta, range: TextRange, message: String) -> Finding {
    let mut sink = Sink::new(meta);
    sink.report(range, message);
    sink.into_findings().remove(0)
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

/// The first ERROR or MISSING node, if the tree has one.
fn first_syntax_error(tree: &Tree) -> Option<TextRange> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            let start = node.start_byte();
            // Show the first line of the bad region only.
            return Some(TextRange::new(start, node.end_byte().max(start)));
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}
