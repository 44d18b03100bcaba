use crate::languages::{ResponseObject, ValueKind};
use crate::rules::{Category, Check, Edit, Fix, ResponseContext, Rule, RuleMeta, Severity, Sink};

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
    sink.report(
        value.range,
        "`body` is bytes, which the Lambda runtime cannot serialise: Runtime.MarshalError and 502. Decode it with .decode()",
    )
    .with_fix(Some(decode_fix(ctx.text, value.range)));
}

/// Appends `.decode()`, parenthesising an expression that is not a simple call, name or literal.
pub(crate) fn decode_fix(text: &str, range: crate::text::TextRange) -> Fix {
    let expression = range.slice(text);
    let simple = expression
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
        || (expression.ends_with(')') && !expression.contains(' '))
        || expression.ends_with('"')
        || expression.ends_with('\'')
        || (expression.ends_with(')')
            && expression
                .find('(')
                .is_some_and(|open| !expression[..open].contains(' ')));
    let replacement = if simple {
        format!("{expression}.decode()")
    } else {
        format!("({expression}).decode()")
    };
    Fix {
        title: "Decode the bytes with .decode()".into(),
        edits: vec![Edit::replace(range, replacement)],
    }
}
