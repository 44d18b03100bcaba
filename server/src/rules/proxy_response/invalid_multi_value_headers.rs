use crate::findings::{Category, Edit, Fix, Severity};
use crate::languages::{ResponseObject, ValueKind};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL111",
        name: "invalid-multi-value-headers",
        category: Category::ProxyResponse,
        severity: Severity::Error,
        summary: "A `multiValueHeaders` value is not a list (or `multiValueHeaders` is not an object).",
        aws_error: "Execution failed due to configuration error: Malformed Lambda proxy response (client: 502 {\"message\": \"Internal server error\"})",
        why: "In payload 1.0, `multiValueHeaders` maps each header name to a list of values. A single string (or \
              an object) where the list belongs makes API Gateway reject the response with 502.",
        fix: "Wrap a single value in a list, or move it to `headers`.",
        before: "\"multiValueHeaders\": {\"Set-Cookie\": \"session=abc\"}",
        after: "\"multiValueHeaders\": {\"Set-Cookie\": [\"session=abc\"]}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    // Under payload 2.0 an object without `statusCode` is the body itself: its keys are data.
    if ctx.reading.is_v2_body(response) {
        return;
    }
    let Some(headers) = response.entry("multiValueHeaders") else {
        return;
    };
    let language = ctx.facts.language;
    let entries = match &headers.value.kind {
        ValueKind::Object(entries, _) => entries,
        ValueKind::Null | ValueKind::Unknown | ValueKind::Error => return,
        other => {
            sink.report(
                headers.value.range,
                format!(
                    "`multiValueHeaders` is {}; it must map header names to lists: {}",
                    other.describe(language),
                    ctx.reading.rejection()
                ),
            );
            return;
        }
    };
    for entry in entries {
        let value = &entry.value;
        match &value.kind {
            ValueKind::Array(items) => {
                for item in items {
                    if matches!(item.kind, ValueKind::Object(..) | ValueKind::Array(_)) {
                        sink.report(
                            item.range,
                            format!(
                                "A value of `{}` in `multiValueHeaders` is {}, not a string: {}",
                                entry.key,
                                item.kind.describe(language),
                                ctx.reading.rejection()
                            ),
                        );
                    }
                }
            }
            ValueKind::Unknown | ValueKind::Null | ValueKind::Error => {}
            other => {
                let fix = other.is_stringy().then(|| Fix {
                    safe: true,
                    title: "Wrap the value in a list".into(),
                    edits: vec![Edit::replace(
                        value.range,
                        format!("[{}]", value.range.slice(ctx.text)),
                    )],
                });
                sink.report(
                    value.range,
                    format!(
                        "`multiValueHeaders` value for `{}` is {}, not a list: {}",
                        entry.key,
                        other.describe(language),
                        ctx.reading.rejection()
                    ),
                )
                .with_fix(fix);
            }
        }
    }
}
