use crate::files::Language;
use crate::findings::{Category, Edit, Fix, Related, Severity};
use crate::knowledge::frameworks::{self, Ecosystem};
use crate::knowledge::proxy::{PayloadVersion, AUTHORIZER_RESPONSE_MARKERS};
use crate::languages::{Escape, FunctionId, HandlerBody, SourceFacts};
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};
use crate::templates::graph::ApiKind;
use crate::templates::IntegrationKind;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL701",
        name: "uncaught-exception",
        category: Category::ErrorHandling,
        severity: Severity::Warning,
        summary: "A proxy handler raises or throws an exception that nothing in the handler catches.",
        aws_error: "502 {\"message\": \"Internal server error\"} (REST API; the function log shows `errorMessage`/`errorType`), 500 {\"message\":\"Internal Server Error\"} (HTTP API)",
        why: "Behind a Lambda proxy integration, API Gateway expects the function to return a response. When the \
              function raises (Python) or throws / rejects (Node), Lambda reports a function error instead, and \
              API Gateway answers 502 `Internal server error` (REST API) or 500 (HTTP API): the client never \
              sees the status or message the code meant. A `raise ValueError(\"missing id\")` meant as a bad \
              request reaches the client as a 502 with no body it can act on. gatelint reports the first \
              `raise`/`throw` written in the handler's own body that no `try` with an `except`/`catch` \
              surrounds, once per handler, and only for handlers that surely serve a proxy integration (the \
              template says so, or the code reads API Gateway event keys and returns a `statusCode`). Re-raises \
              inside `except`/`catch` blocks, raises in helper functions, test code no template links, and \
              files using a framework that turns exceptions into responses (Powertools resolvers, Chalice, \
              Mangum, WSGI adapters, serverless-http and Express, middy) are left alone. Without a template \
              the API is assumed, and the message says which status each front door gives. It is a \
              warning, not an error: the request fails only on the path that raises, and failing the \
              invocation can be a deliberate choice (retries, alarms on the Errors metric).",
        fix: "Return the error response yourself (`{\"statusCode\": 400, ...}` for a bad request), or catch \
              exceptions around the handler's body and answer 500 with a JSON body.",
        before: "def lambda_handler(event, context):\n    order_id = event[\"pathParameters\"].get(\"id\")\n    if not order_id:\n        raise ValueError(\"missing order id\")\n    return {\"statusCode\": 200, \"body\": json.dumps(load(order_id))}",
        after: "def lambda_handler(event, context):\n    order_id = event[\"pathParameters\"].get(\"id\")\n    if not order_id:\n        return {\"statusCode\": 400, \"body\": json.dumps({\"message\": \"missing order id\"})}\n    return {\"statusCode\": 200, \"body\": json.dumps(load(order_id))}",
        example_language: "python",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let facts = ctx.facts;
    let ecosystem = match facts.language {
        Language::Python => Ecosystem::Python,
        Language::Rust => Ecosystem::Rust,
        _ => Ecosystem::Node,
    };
    // A framework that turns exceptions into responses stands between the raise and API Gateway.
    if frameworks::used_by(ctx.text, ecosystem).any(|framework| framework.maps_errors) {
        return;
    }
    let mut reported: Vec<FunctionId> = Vec::new();
    for escape in &facts.escapes {
        if reported.contains(&escape.handler) {
            continue;
        }
        let Some(serves) = serves_proxy(ctx, escape.handler) else {
            continue;
        };
        reported.push(escape.handler);
        let statement = escape.range.slice(ctx.text);
        let mut shown = shorten(statement.lines().next().unwrap_or(statement).trim_end());
        if statement.contains('\n') && !shown.ends_with('…') {
            shown.push('…');
        }
        let verb = if facts.language == Language::Python {
            "raises"
        } else {
            "throws"
        };
        let message = format!(
            "`{}` escapes the handler: the function {verb} instead of answering, and {}",
            shown, serves.outcome
        );
        let fix = escape
            .body
            .as_ref()
            .map(|body| wrap_fix(facts, ctx.text, body));
        let finding = sink.report(first_line(escape, ctx.text), message);
        finding.with_fix(fix);
        finding.related.extend(serves.related);
    }
}

/// What the client gets when the handler fails, and the template line that says which API.
struct Serves {
    outcome: String,
    related: Option<Related>,
}

const REST_OUTCOME: &str = "API Gateway answers 502 {\"message\": \"Internal server error\"}";
const HTTP_OUTCOME: &str = "the HTTP API answers 500 {\"message\":\"Internal Server Error\"}";

/// Whether the handler surely answers a Lambda proxy integration, and how a failure looks there.
fn serves_proxy(ctx: &SourceContext<'_>, handler: FunctionId) -> Option<Serves> {
    let facts = ctx.facts;
    let contexts = ctx.file.contexts_of(facts, handler);
    if !contexts.is_empty() {
        let all: Vec<_> = crate::context::invocations_of(&contexts).collect();
        let only_proxy = !all.is_empty()
            && all.iter().all(|(_, invocation)| {
                invocation.kind == IntegrationKind::Proxy && invocation.authorizer.is_none()
            })
            && contexts
                .iter()
                .all(|context| !context.function.other_sources);
        if !only_proxy {
            return None;
        }
        let rest = all
            .iter()
            .find(|(_, invocation)| invocation.api_kind == ApiKind::Rest);
        let (context, invocation) = rest.or_else(|| all.first())?;
        let outcome = if invocation.api_kind == ApiKind::Rest {
            REST_OUTCOME
        } else {
            HTTP_OUTCOME
        };
        return Some(Serves {
            outcome: format!("{outcome} to {}", invocation.description),
            related: Some(context.related(invocation)),
        });
    }
    let function = facts.function(handler);
    // No template links it: test code is not deployed as a handler.
    if ctx.file.test_code
        || function.api_evidence.is_none()
        || function.other_source_evidence.is_some()
    {
        return None;
    }
    let chain_returns = |predicate: &dyn Fn(&crate::languages::ResponseObject) -> bool| {
        facts.responses.iter().any(|response| {
            response
                .function()
                .is_some_and(|owner| in_chain(facts, owner, handler))
                && predicate(response)
        })
    };
    let answers_status = chain_returns(&|response| response.entry("statusCode").is_some());
    let authorizer = chain_returns(&|response| {
        response
            .entries
            .iter()
            .any(|entry| AUTHORIZER_RESPONSE_MARKERS.contains(&entry.key.as_str()))
    });
    if !answers_status || authorizer {
        return None;
    }
    // Without a template the front door is a guess: say which one the status belongs to.
    let written_for = function
        .payload_evidence
        .as_ref()
        .and_then(|evidence| evidence.only());
    let outcome = match written_for {
        Some(PayloadVersion::V2) => format!("if this runs behind an HTTP API, {HTTP_OUTCOME}"),
        _ => format!(
            "if this runs behind a REST API, {REST_OUTCOME} (an HTTP API answers 500 \
             {{\"message\":\"Internal Server Error\"}})"
        ),
    };
    Some(Serves {
        outcome,
        related: None,
    })
}

/// Whether `function` is `handler` or a helper it returns through.
fn in_chain(facts: &SourceFacts, function: FunctionId, handler: FunctionId) -> bool {
    let mut current = function;
    for _ in 0..=facts.functions.len() {
        if current == handler {
            return true;
        }
        match facts.function(current).role {
            crate::languages::Role::Helper { of } => current = of,
            crate::languages::Role::Handler { .. } => return false,
        }
    }
    false
}

/// The statement's first line: a multi-line `throw new Error(...)` is marked where it starts.
fn first_line(escape: &Escape, text: &str) -> crate::text::TextRange {
    let statement = escape.range.slice(text);
    match statement.find('\n') {
        Some(at) => crate::text::TextRange::new(
            escape.range.start,
            escape.range.start + statement[..at].trim_end().len(),
        ),
        None => escape.range,
    }
}

fn shorten(statement: &str) -> String {
    const LIMIT: usize = 60;
    if statement.chars().count() <= LIMIT {
        return statement.to_owned();
    }
    let cut: String = statement.chars().take(LIMIT).collect();
    format!("{cut}…")
}

/// Wraps the handler's statements in `try`/`except Exception` (`try`/`catch`) answering 500.
fn wrap_fix(facts: &SourceFacts, text: &str, body: &HandlerBody) -> Fix {
    let HandlerBody {
        range,
        indent,
        unit,
    } = body;
    let statements = range.slice(text);
    let reindented: String = statements
        .split_inclusive('\n')
        .map(|line| {
            if line.trim().is_empty() {
                line.to_owned()
            } else {
                format!("{unit}{line}")
            }
        })
        .collect();
    let mut edits = Vec::new();
    let replacement = match facts.language {
        Language::Python => {
            edits.extend(crate::fixes::import_json(facts));
            format!(
                "{indent}try:\n{reindented}\n{indent}except Exception:\n{indent}{unit}return {{\"statusCode\": 500, \"body\": json.dumps({{\"message\": \"Internal server error\"}})}}"
            )
        }
        _ => format!(
            "{indent}try {{\n{reindented}\n{indent}}} catch (error) {{\n{indent}{unit}console.error(error);\n{indent}{unit}return {{ statusCode: 500, body: JSON.stringify({{ message: \"Internal server error\" }}) }};\n{indent}}}"
        ),
    };
    edits.push(Edit::replace(*range, replacement));
    Fix {
        // It changes what the function reports (no more function errors): for a person to review.
        safe: false,
        title: match facts.language {
            Language::Python => "Wrap the handler's body in try/except returning a 500 response",
            _ => "Wrap the handler's body in try/catch returning a 500 response",
        }
        .into(),
        edits,
    }
}
