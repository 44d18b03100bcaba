use std::collections::HashMap;

use super::reading::{handler_reading, FileReturns, FrontDoor, Reading};
use crate::files::Language;
use crate::findings::{Category, Severity};
use crate::knowledge::proxy::PayloadVersion;
use crate::languages::{FallOff, NonObject, NonObjectKind};
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL114",
        name: "no-proxy-response",
        category: Category::ProxyResponse,
        severity: Severity::Error,
        summary: "A handler behind a REST API (payload 1.0) returns no object at all: None/undefined, nothing, a string, number or list, or the exception it caught.",
        aws_error: "Execution failed due to configuration error: Malformed Lambda proxy response (client: 502 {\"message\": \"Internal server error\"}; an HTTP API with payload 1.0 answers 500)",
        why: concat!(
            "A Lambda proxy integration with payload 1.0 reads the function's result as an object with \
              `statusCode`, `headers` and `body`. `return None`, a bare `return`, a path that reaches the end \
              of the handler without a `return` (Python; an `async` handler in Node), `return undefined`, or a \
              returned string, number or list is no such object: API Gateway answers 502 (an HTTP API with \
              payload 1.0: 500). The finding is shown on the path that does it: the `return`, or, for a path \
              that falls off the end, the last statement of that path (the `if` without `else` whose \
              condition fails, the loop that ends, the statement after which the body ends). Under payload \
              2.0 a returned string or number is the body of a 200, which is fine, and `null` becomes the \
              body `null` with 200: a warning where a template says so. A handler that returns the exception \
              it caught (`except Exception as e: return e`, `catch (err) { return err; }`, the old `sam \
              init` hello-world) never shows the client the error: in Python the runtime cannot serialise \
              it (`Runtime.MarshalError`; the invocation fails, 502 behind a REST API, an error where a \
              template links the API, whatever the payload version); in Node a plain `Error` serialises \
              to `{}`, so a REST API answers 200 with an empty body, and an SDK or axios error (circular \
              references) fails serialisation (502): a warning, not reported under payload 2.0, where \
              `{}` is a 200 JSON body. A name counts as the caught error inside its `catch`/`except` \
              block, or inside an inline callback whose first parameter is `err`/`error` (`e` in a \
              `.catch`), until it is reassigned. Only handlers that surely answer \
              API Gateway are read (a template links them to proxy integrations and nothing else, or their \
              code reads API Gateway event keys and returns a `statusCode`); without a template the \
              finding is a warning that says which front door it assumes. Not read: handlers invoked by \
              queues, buckets or schedules too, Node handlers that answer through `callback` or \
              `context.succeed`, handlers behind middleware or a framework (middy, Powertools resolvers, \
              Chalice, Mangum, serverless-http, decorators not known to pass results through), and paths \
              whose end is not known (`try`/`finally`, a `match`/`switch` that may cover every case, \
              `while True`, a call that may never return, `sys.exit()`). An `if`/`elif` on the request's \
              method or route with no `else` falls off only for a method or path no route sends: it is \
              reported only when a template routes `ANY` method to the handler. A statement after `raise`/`return` in the same block never runs.",
            response_doors!()
        ),
        fix: "Return a response on every path: `{\"statusCode\": 204}` when there is nothing to send, \
              `{\"statusCode\": 200, \"body\": text}` for a string, `json.dumps(...)` / `JSON.stringify(...)` \
              for a list, and for a caught error a 500 response whose body is its message \
              (`str(e)`, `err.message`), or re-raise it.",
        before: "def lambda_handler(event, context):\n    order = find(event[\"pathParameters\"][\"id\"])\n    if order is None:\n        return None\n    return {\"statusCode\": 200, \"body\": json.dumps(order)}",
        after: "def lambda_handler(event, context):\n    order = find(event[\"pathParameters\"][\"id\"])\n    if order is None:\n        return {\"statusCode\": 404, \"body\": json.dumps({\"message\": \"no such order\"})}\n    return {\"statusCode\": 200, \"body\": json.dumps(order)}",
        example_language: "python",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let facts = ctx.facts;
    if facts.non_objects.is_empty() {
        return;
    }
    let returns = FileReturns::of(facts, ctx.text, ctx.file);
    let mut readings = HashMap::new();
    for found in &facts.non_objects {
        let reading = readings
            .entry(found.handler)
            .or_insert_with(|| handler_reading(facts, &returns, ctx.file, found.handler));
        let Some(reading) = reading else {
            continue;
        };
        // An `if` on the method or route with no `else`: the API sends only what its routes
        // declare, so the path is reachable only through a route taking any method (`ANY`).
        if found.route_dispatch && !routed_any_method(ctx, found) {
            continue;
        }
        let nothing = matches!(
            found.what,
            NonObjectKind::Null | NonObjectKind::BareReturn | NonObjectKind::FallsOff(_)
        );
        if found.what == NonObjectKind::Error {
            let python = facts.language == Language::Python;
            let severity = match (python, reading.payload, reading.front_door) {
                // The runtime cannot serialise an exception: the invocation fails whatever the
                // payload version.
                (true, _, FrontDoor::Known(_)) => Severity::Error,
                (true, _, FrontDoor::Assumed) => Severity::Warning,
                (false, PayloadVersion::V1, _) => Severity::Warning,
                // Under payload 2.0 the `{}` an Error serialises to is a 200 JSON body: no
                // proxy-response contract is broken.
                (false, PayloadVersion::V2, _) => continue,
            };
            let message = returned_error(ctx, found, reading);
            let finding = sink.report(found.range, message);
            finding.severity = severity;
            finding.related.extend(reading.related.clone());
            continue;
        }
        let (severity, outcome) = match (reading.payload, reading.front_door) {
            (PayloadVersion::V1, FrontDoor::Known(_)) => {
                (Severity::Error, reading.rejection().to_owned())
            }
            (PayloadVersion::V1, FrontDoor::Assumed) => {
                (Severity::Warning, reading.rejection().to_owned())
            }
            // Payload 2.0: a string or number is the body of a 200; `null` is sent as the body
            // `null` with 200, which the code almost surely did not mean.
            (PayloadVersion::V2, FrontDoor::Known(_)) if nothing => (
                Severity::Warning,
                format!(
                    "the {} (payload 2.0) answers 200 with the body `null`",
                    reading.door_name()
                ),
            ),
            (PayloadVersion::V2, _) => continue,
        };
        let message = format!(
            "{}: {outcome}. {}",
            what_happens(ctx, found),
            advice(ctx.facts.language, &found.what)
        );
        let finding = sink.report(found.range, message);
        finding.severity = severity;
        finding.related.extend(reading.related.clone());
    }
}

/// Whether a template routes every method to the handler (`ANY`, or a method it cannot read).
fn routed_any_method(ctx: &SourceContext<'_>, found: &NonObject) -> bool {
    let contexts = ctx.file.contexts_of(ctx.facts, found.handler);
    let any = crate::context::invocations_of(&contexts).any(|(_, invocation)| {
        invocation.authorizer.is_none()
            && matches!(invocation.route.split(' ').next(), Some("ANY" | "*"))
    });
    any
}

/// What the handler returns on this path, as the start of the message.
fn what_happens(ctx: &SourceContext<'_>, found: &NonObject) -> String {
    let python = ctx.facts.language == Language::Python;
    let nothing = if python { "None" } else { "undefined" };
    let name = &ctx.facts.function(found.handler).name;
    match &found.what {
        NonObjectKind::Null => {
            let written = found.range.slice(ctx.text);
            let null = if python {
                "None"
            } else if written.contains("undefined") {
                "undefined"
            } else {
                "null"
            };
            format!("`{name}` returns {null}, which is no proxy response")
        }
        NonObjectKind::BareReturn => {
            format!(
                "This bare `return` makes `{name}` return {nothing}, which is no proxy response"
            )
        }
        NonObjectKind::FallsOff(how) => {
            let path = match how {
                FallOff::After => "after this statement",
                FallOff::NoBranch => "when no branch of this statement runs",
                FallOff::LoopEnds => "when this loop ends",
            };
            format!(
                "`{name}` reaches its end without a `return` {path}, so it returns {nothing}, which \
                 is no proxy response"
            )
        }
        NonObjectKind::Value(what) => {
            format!("`{name}` returns {what}, not a proxy response object")
        }
        NonObjectKind::Error => format!("`{name}` returns the caught error"),
    }
}

/// The message for a returned exception or error object.
fn returned_error(ctx: &SourceContext<'_>, found: &NonObject, reading: &Reading) -> String {
    let name = &ctx.facts.function(found.handler).name;
    if ctx.facts.language == Language::Python {
        return format!(
            "`{name}` returns the caught exception, which the Lambda runtime cannot serialise: \
             Runtime.MarshalError, and {}; the client never sees the error. Return \
             {{\"statusCode\": 500, \"body\": json.dumps({{\"message\": str(e)}})}} (or re-raise it)",
            reading.failed_invocation()
        );
    }
    let front_door = match reading.front_door {
        FrontDoor::Known(_) => "API Gateway",
        FrontDoor::Assumed => "if this runs behind a REST API, API Gateway",
    };
    format!(
        "`{name}` returns the caught error, not a proxy response: a plain Error serialises to `{{}}`, \
         so {front_door} answers 200 with an empty body and the failure is hidden; an SDK or axios \
         error (circular references) fails serialisation, and the client gets 502. Return \
         {{ statusCode: 500, body: JSON.stringify({{ message: err.message }}) }} (or throw it)"
    )
}

fn advice(language: Language, what: &NonObjectKind) -> &'static str {
    let python = language == Language::Python;
    match what {
        NonObjectKind::Value("a string") if python => {
            "Return {\"statusCode\": 200, \"body\": ...} with the string as the body"
        }
        NonObjectKind::Value("a string") => {
            "Return { statusCode: 200, body: ... } with the string as the body"
        }
        NonObjectKind::Value(_) if python => {
            "Return {\"statusCode\": 200, \"body\": json.dumps(...)}"
        }
        NonObjectKind::Value(_) => "Return { statusCode: 200, body: JSON.stringify(...) }",
        _ if python => {
            "Return a response on every path ({\"statusCode\": 204} when there is nothing to send)"
        }
        _ => "Return a response on every path ({ statusCode: 204 } when there is nothing to send)",
    }
}
