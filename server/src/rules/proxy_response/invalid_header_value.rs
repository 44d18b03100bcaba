use crate::findings::{Category, Edit, Fix, Severity};
use crate::knowledge::proxy::PayloadVersion;
use crate::languages::{ResponseObject, ValueKind};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL109",
        name: "invalid-header-value",
        category: Category::ProxyResponse,
        severity: Severity::Error,
        summary: "A `headers` value is a list, an object or bytes, or `headers` itself is not an object.",
        aws_error: "Execution failed due to configuration error: Malformed Lambda proxy response (client: 502 {\"message\": \"Internal server error\"})",
        why: "`headers` maps each header name to one value. API Gateway turns numbers and booleans into strings, but \
              a list or an object as a header value (or a `headers` that is not an object) makes it reject the \
              response with 502. Repeated headers belong in `multiValueHeaders` (payload 1.0) or, for cookies, \
              `cookies` (payload 2.0).",
        fix: "Give each header one string value; move repeated headers to `multiValueHeaders`.",
        before: "\"headers\": {\"Set-Cookie\": [\"a=1\", \"b=2\"]}",
        after: "\"multiValueHeaders\": {\"Set-Cookie\": [\"a=1\", \"b=2\"]}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    // Under payload 2.0 an object without `statusCode` is the body itself: its keys are data.
    if ctx.reading.is_v2_body(response) {
        return;
    }
    let Some(headers) = response.entry("headers") else {
        return;
    };
    let language = ctx.facts.language;
    let entries = match &headers.value.kind {
        ValueKind::Object(entries, _) => entries,
        // A caught error as `headers` serialises to whatever its own fields are: not judged.
        ValueKind::Null | ValueKind::Unknown | ValueKind::String | ValueKind::Error => return,
        other => {
            sink.report(
                headers.value.range,
                format!(
                    "`headers` is {}; it must map header names to values: {}",
                    other.describe(language),
                    ctx.reading.rejection()
                ),
            );
            return;
        }
    };
    let where_repeated = match ctx.reading.payload {
        PayloadVersion::V1 => "put repeated headers in `multiValueHeaders`",
        PayloadVersion::V2 => "join repeated values with commas (cookies go in `cookies`)",
    };
    for entry in entries {
        let value = &entry.value;
        let (problem, fix) = match &value.kind {
            ValueKind::Array(items) => {
                let fix = match items.as_slice() {
                    [only] => Some(Fix {
                        safe: true,
                        title: "Use the list's only value".into(),
                        edits: vec![Edit::replace(value.range, only.range.slice(ctx.text))],
                    }),
                    _ => None,
                };
                (
                    format!("is {}; {where_repeated}", value.kind.describe(language)),
                    fix,
                )
            }
            ValueKind::Object(..) => (format!("is {}", value.kind.describe(language)), None),
            ValueKind::Bytes => (
                "is bytes, which the Lambda runtime cannot serialise (Runtime.MarshalError)"
                    .to_owned(),
                super::bytes_body::decode_fix(ctx.text, value),
            ),
            _ => continue,
        };
        sink.report(
            value.range,
            format!(
                "Header `{}` {problem}: {}",
                entry.key,
                ctx.reading.rejection()
            ),
        )
        .with_fix(fix);
    }
}
