use crate::findings::{Category, Severity};
use crate::fixes;
use crate::languages::{ResponseObject, ValueKind};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL106",
        name: "non-string-body",
        category: Category::ProxyResponse,
        severity: Severity::Error,
        summary: "`body` is a dict, list, object or array instead of a string.",
        aws_error: "Execution failed due to configuration error: Malformed Lambda proxy response (client: 502 {\"message\": \"Internal server error\"})",
        why: concat!(
            "The proxy response's `body` must be a string. API Gateway does not serialise a nested object or array \
              for you: it rejects the whole response with 502. This is the most common Lambda proxy mistake. \
              A caught error as the body (`body: err` in a `catch` block or an error-first callback, \
              `\"body\": e` in an `except` block) is such an object too, on the error path only; \
              serialising it is no fix, as `JSON.stringify(err)` of an `Error` is `\"{}\"` (and Python's \
              `json.dumps` cannot serialise an exception), so no fix is offered.",
            response_doors!()
        ),
        fix: "Serialise the body: `json.dumps(...)` in Python, `JSON.stringify(...)` in Node, `.to_string()` on a \
              `serde_json::Value` in Rust. For a caught error send its message: `str(e)`, `err.message`.",
        before: "return {\"statusCode\": 200, \"body\": {\"id\": order_id}}",
        after: "return {\"statusCode\": 200, \"body\": json.dumps({\"id\": order_id})}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    // Under payload 2.0 an object without `statusCode` is the body itself: its keys are data.
    if ctx.reading.is_v2_body(response) {
        return;
    }
    let Some(entry) = response.entry("body") else {
        return;
    };
    let value = &entry.value;
    if matches!(value.kind, ValueKind::Error) {
        // `JSON.stringify(err)` is `"{}"`: the usual fix would hide the error, so none is offered.
        let advice = match ctx.facts.language {
            crate::files::Language::Python => {
                "an exception is no string (json.dumps cannot serialise it either). Send str(e), \
                 or json.dumps({\"message\": str(e)})"
            }
            _ => {
                "an Error object serialises to {} (JSON.stringify(err) is \"{}\"). Send err.message, \
                 or JSON.stringify({ message: err.message })"
            }
        };
        sink.report(
            value.range,
            format!(
                "`body` is {}, not a string: {}; {advice}",
                value.kind.describe(ctx.facts.language),
                ctx.reading.rejection()
            ),
        );
        return;
    }
    if !matches!(value.kind, ValueKind::Object(..) | ValueKind::Array(_)) {
        return;
    }
    let what = value.kind.describe(ctx.facts.language);
    let fix = fixes::serialize_json(ctx.facts, ctx.text, value.range);
    let how = match ctx.facts.language {
        crate::files::Language::Python => "json.dumps(...)",
        crate::files::Language::Rust => ".to_string()",
        _ => "JSON.stringify(...)",
    };
    sink.report(
        value.range,
        format!(
            "`body` is {what}, not a string: {}. Serialise it with {how}",
            ctx.reading.rejection()
        ),
    )
    .with_fix(Some(fix));
}
