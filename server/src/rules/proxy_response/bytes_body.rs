use crate::findings::{Category, Edit, Fix, Severity};
use crate::languages::{ResponseObject, Value, ValueKind};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL108",
        name: "bytes-body",
        category: Category::ProxyResponse,
        severity: Severity::Error,
        summary: "`body` (or a header) is Python `bytes`, e.g. `base64.b64encode(...)` without `.decode()`.",
        aws_error: "Runtime.MarshalError: Unable to marshal response: Object of type bytes is not JSON serializable (client: 502)",
        why: "The Python runtime serialises the returned dict to JSON before API Gateway sees it, and `bytes` is not \
              JSON serialisable: the invocation fails with `Runtime.MarshalError` and the client gets 502. \
              `base64.b64encode`, `str.encode`, `gzip.compress` and `orjson.dumps` all return bytes.",
        fix: "Decode to a string: `base64.b64encode(data).decode()` (with `isBase64Encoded: True` for binary).",
        before: "return {\"statusCode\": 200, \"isBase64Encoded\": True, \"body\": base64.b64encode(png)}",
        after: "return {\"statusCode\": 200, \"isBase64Encoded\": True, \"body\": base64.b64encode(png).decode()}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    let Some(entry) = response.entry("body") else {
        return;
    };
    let value = &entry.value;
    if !matches!(value.kind, ValueKind::Bytes) {
        return;
    }
    let fix = decode_fix(ctx.text, value);
    let advice = if fix.is_some() {
        "Decode it with .decode()"
    } else {
        "For binary data return base64.b64encode(data).decode() with \"isBase64Encoded\": True"
    };
    sink.report(
        value.range,
        format!(
            "`body` is bytes, which the Lambda runtime cannot serialise: Runtime.MarshalError, and {}. {advice}",
            ctx.reading.failed_invocation()
        ),
    )
    .with_fix(fix);
}

/// Appends `.decode()` when the bytes hold text (base64 output, `str.encode`, `orjson.dumps`);
/// raw binary data (an image, `gzip.compress`) has no safe one-step fix.
pub(crate) fn decode_fix(text: &str, value: &Value) -> Option<Fix> {
    let expression = value.range.slice(text);
    let callee = expression.split('(').next().unwrap_or("").trim();
    let holds_text = value.defined_at.is_none()
        && expression.ends_with(')')
        && !callee.contains(' ')
        && (callee.ends_with("b64encode")
            || callee.ends_with(".encode")
            || callee == "orjson.dumps");
    holds_text.then(|| Fix {
        safe: true,
        title: "Decode the bytes with .decode()".into(),
        edits: vec![Edit::replace(value.range, format!("{expression}.decode()"))],
    })
}
