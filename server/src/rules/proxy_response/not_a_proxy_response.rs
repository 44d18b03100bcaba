use super::is_response_shaped;
use super::reading::Certainty;
use crate::findings::{Category, Severity};
use crate::fixes;
use crate::knowledge::proxy::PayloadVersion;
use crate::languages::{Origin, ResponseObject};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL103",
        name: "not-a-proxy-response",
        category: Category::ProxyResponse,
        severity: Severity::Error,
        summary: "A handler behind a REST API returns its data object itself instead of a proxy response.",
        aws_error: "Execution failed due to configuration error: Malformed Lambda proxy response (client: 502 {\"message\": \"Internal server error\"})",
        why: "An HTTP API with payload 2.0 turns a plain returned object into a 200 JSON response, so code written \
              for it returns `{\"items\": [...]}` directly. A REST API (payload 1.0) does not: it reads the object \
              as a proxy response, finds keys that are not `statusCode`, `headers`, `multiValueHeaders`, `body` or \
              `isBase64Encoded`, and answers 502.",
        fix: "Return `{\"statusCode\": 200, \"body\": json.dumps(data)}` (`JSON.stringify` in Node).",
        before: "def handler(event, context):\n    order = load(event[\"pathParameters\"][\"id\"])\n    return {\"id\": order.id, \"total\": order.total}",
        after: "def handler(event, context):\n    order = load(event[\"pathParameters\"][\"id\"])\n    return {\"statusCode\": 200, \"body\": json.dumps({\"id\": order.id, \"total\": order.total})}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    if ctx.reading.payload != PayloadVersion::V1
        || ctx.reading.certainty != Certainty::Sure
        || response.entries.is_empty()
        || response.opaque
        || matches!(response.origin, Origin::StatusCodeLiteral)
        || is_response_shaped(response, ctx.reading.payload)
    {
        return;
    }
    let keys: Vec<String> = response
        .entries
        .iter()
        .take(3)
        .map(|entry| format!("`{}`", entry.key))
        .collect();
    let message = format!(
        "This returns a data object ({}{}) where a proxy response belongs: {}. Return it as the JSON \
         `body` with a `statusCode`",
        keys.join(", "),
        if response.entries.len() > 3 { ", …" } else { "" },
        ctx.reading.rejection()
    );
    let fix = fixes::wrap_as_response(ctx.facts, ctx.text, response.range);
    sink.report(response.anchor, message).with_fix(Some(fix));
}
