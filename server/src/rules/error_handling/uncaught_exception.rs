use crate::files::Language;
use crate::findings::{Category, Edit, Fix, Related, Severity};
use crate::knowledge::frameworks::{self, Ecosystem};
use crate::knowledge::proxy::{PayloadVersion, AUTHORIZER_RESPONSE_MARKERS};
use crate::languages::{Escape, EscapeKind, FunctionId, HandlerBody, SourceFacts};
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};
use crate::templates::graph::ApiKind;
use crate::templates::IntegrationKind;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL701",
        name: "uncaught-exception",
        category: Category::ErrorHandling,
        severity: Severity::Warning,
        summary: "A proxy handler raises, throws or propagates an error that nothing in the handler catches.",
        aws_error: "502 {\"message\": \"Internal server error\"} (REST API; the function log shows `errorMessage`/`errorType`), 500 {\"message\":\"Internal Server Error\"} (HTTP API)",
        why: "Behind a Lambda proxy integration, API Gateway expects the function to return a response. When the \
              function raises (Python), throws / rejects (Node) or returns `Err` (Rust), Lambda reports a \
              function error instead, and API Gateway answers 502 `Internal server error` (REST API) or 500 \
              (HTTP API): the client never sees the status or message the code meant. A `raise \
              ValueError(\"missing id\")` meant as a bad request reaches the client as a 502 with no body it \
              can act on. gatelint reports, once per handler, the first `raise`/`throw` written in the \
              handler's own body that no `try` with an `except`/`catch` surrounds (a warning: the request \
              fails only on the path that raises). As information, it also reports a `raise`/`throw` inside \
              the handler's own `except`/`catch` block (`except Exception: logger.exception(...); raise`, \
              `catch (err) { console.error(err); throw err; }`): failing the invocation there is a choice \
              (retries, alarms on the Errors metric), but the client still gets a bare 502/500 with no body \
              the code chose. In Rust it reports, as information, a `?` that carries an error out of a \
              handler returning `Result` that `lambda_http` runs (or one typed for API Gateway, or linked to \
              an API by the template): only a `?` on an awaited call (in a handler, a future is I/O: an SDK \
              `.send().await?`, an HTTP client, a database, which fail at run time on throttling, missing \
              permissions or timeouts) or on parsing the request (`serde_json::from_str`/`from_slice`/\
              `from_reader`, `lambda_http`'s `payload()`: a malformed body is the client's mistake, answered \
              as the function's). A `?` on a response builder or on serialising the handler's own values, \
              `.unwrap()` and `panic!` are left alone: they fail only on programming errors, and Rust code \
              writes them where failure is not expected. Only handlers that surely serve a proxy integration \
              are read (the template says so; or the code reads API Gateway event keys and returns a \
              `statusCode`; or, in Rust, `lambda_http` runs it or its types are API Gateway's and it takes no other source's \
              event type such as `S3Event` or `SqsEvent`; code answering with `statusDescription`, written for a load \
              balancer or CloudFront, is not read without a template). Raises in \
              helper functions, nested functions and `async` blocks, raises a nested `try` catches, \
              handlers under a decorator that may catch, queue and other non-API handlers, test code no \
              template links, and files using a framework that turns exceptions into responses (Powertools \
              resolvers with their `exception_handler`, Chalice, Mangum, WSGI adapters, serverless-http and \
              Express, middy and its error handler, `http-errors`) are left alone. Without a template the \
              API is assumed, and the message says which status each front door gives.",
        fix: "Return the error response yourself (`{\"statusCode\": 400, ...}` for a bad request), or catch \
              exceptions around the handler's body and answer 500 with a JSON body (offered as a quick fix \
              for a plain `raise`/`throw`, for review). For a re-raise, return a 500 response in the \
              `except`/`catch` block after logging, if the client should get a body; in Rust, `match` the \
              result (or `map_err` into a response) and return `Ok` with a 5xx or 4xx response. No fix is \
              offered for these: the code chose to fail.",
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
    // Once per handler: a plain raise (a failure the code did not handle) before a re-raise or a
    // propagated error (failures it let through on purpose or by idiom).
    let plain = facts
        .escapes
        .iter()
        .filter(|escape| escape.kind == EscapeKind::Raise);
    let others = facts
        .escapes
        .iter()
        .filter(|escape| escape.kind != EscapeKind::Raise);
    for escape in plain.chain(others) {
        if reported.contains(&escape.handler) {
            continue;
        }
        let Some(serves) = serves_proxy(ctx, escape) else {
            continue;
        };
        reported.push(escape.handler);
        let statement = escape.range.slice(ctx.text);
        let shown = if escape.kind == EscapeKind::Propagate {
            // A method chain is named by its end, where the `?` stands.
            shorten_tail(&statement.lines().map(str::trim).collect::<String>())
        } else {
            let mut shown = shorten(statement.lines().next().unwrap_or(statement).trim_end());
            if statement.contains('\n') && !shown.ends_with('…') {
                shown.push('…');
            }
            shown
        };
        let python = facts.language == Language::Python;
        let message = match escape.kind {
            EscapeKind::Raise => format!(
                "`{}` escapes the handler: the function {} instead of answering, and {}",
                shown,
                if python { "raises" } else { "throws" },
                serves.outcome
            ),
            EscapeKind::Reraise => format!(
                "`{}` in the `{}` block lets the error escape the handler: the invocation fails \
                 instead of answering, and {}, with no body the code chose; return a 500 response \
                 there if the client should get one",
                shown,
                if python { "except" } else { "catch" },
                serves.outcome
            ),
            EscapeKind::CallbackError => format!(
                "`{}` passes an error to Lambda's callback: the invocation fails instead of \
                 answering, and {}; pass a response instead (`callback(null, {{ statusCode: 500, \
                 body: ... }})`) if the client should get one",
                shown, serves.outcome
            ),
            EscapeKind::Propagate => format!(
                "`{}` returns the error out of the handler: the runtime reports a function error \
                 instead of a response, and {}; map the error to a response (a 500 or 502 with a \
                 JSON body) if the client should get one",
                shown, serves.outcome
            ),
        };
        let fix = escape
            .body
            .as_ref()
            .filter(|_| escape.kind == EscapeKind::Raise)
            .map(|body| wrap_fix(facts, ctx.text, body));
        let marked = if escape.kind == EscapeKind::Propagate {
            last_line(escape, ctx.text)
        } else {
            first_line(escape, ctx.text)
        };
        let finding = sink.report(marked, message);
        finding.with_fix(fix);
        finding.related.extend(serves.related);
        if escape.kind != EscapeKind::Raise {
            // Failing the invocation was chosen (a re-raise after logging) or is the language's
            // idiom for an I/O failure (`?`): what the client gets is worth knowing, not a mistake.
            finding.severity = Severity::Info;
        }
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
fn serves_proxy(ctx: &SourceContext<'_>, escape: &Escape) -> Option<Serves> {
    let facts = ctx.facts;
    let handler = escape.handler;
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
        let outcome = match invocation.api_kind {
            ApiKind::Rest => format!("{REST_OUTCOME} to {}", invocation.description),
            ApiKind::Http => format!("{HTTP_OUTCOME} to {}", invocation.description),
            other => format!("{} ({})", other.failure_outcome(), invocation.description),
        };
        return Some(Serves {
            outcome,
            related: Some(context.related(invocation)),
        });
    }
    let function = facts.function(handler);
    // No template links it: test code is not deployed as a handler.
    if ctx.file.test_code || function.other_source_evidence.is_some() {
        return None;
    }
    if !escape.serves_http && function.api_evidence.is_none() {
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
    // Answers written for a load balancer or CloudFront show no API Gateway is assumed.
    let other_front_door =
        crate::rules::proxy_response::reading::answers_other_front_door(facts, handler);
    // A handler an HTTP adapter runs answers an HTTP front door whatever it returns.
    if (!answers_status && !escape.serves_http) || authorizer || other_front_door {
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

/// The expression's last line from its first non-blank character: a `?` ending a multi-line
/// chain (`.send()\n.await?`) is marked where it stands.
fn last_line(escape: &Escape, text: &str) -> crate::text::TextRange {
    let expression = escape.range.slice(text);
    match expression.rfind('\n') {
        Some(at) => {
            let line = &expression[at + 1..];
            let start = escape.range.start + at + 1 + (line.len() - line.trim_start().len());
            crate::text::TextRange::new(start, escape.range.end)
        }
        None => escape.range,
    }
}

/// The end of a long expression, `…` marking what was cut.
fn shorten_tail(expression: &str) -> String {
    const LIMIT: usize = 60;
    let count = expression.chars().count();
    if count <= LIMIT {
        return expression.to_owned();
    }
    let cut: String = expression.chars().skip(count - LIMIT).collect();
    format!("…{cut}")
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
