use crate::findings::{Category, Severity};
use crate::fixes;
use crate::languages::{ResponseObject, ValueKind};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL112",
        name: "non-boolean-base64-flag",
        category: Category::ProxyResponse,
        severity: Severity::Warning,
        summary: "`isBase64Encoded` is a string or number instead of a boolean.",
        aws_error: "(accepted today: API Gateway documents a boolean, and old frameworks sent \"true\"/\"false\" for years)",
        why: "`isBase64Encoded` tells API Gateway to decode a binary body. It is documented as a boolean; the string \
              \"false\" is truthy in most languages, so code that reads the flag back (tests, middlewares, other \
              front ends) can decode a body that is not base64.",
        fix: "Use the boolean literal.",
        before: "return {\"statusCode\": 200, \"isBase64Encoded\": \"false\", \"body\": html}",
        after: "return {\"statusCode\": 200, \"isBase64Encoded\": False, \"body\": html}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    // Under payload 2.0 an object without `statusCode` is the body itself: its keys are data.
    if ctx.reading.is_v2_body(response) {
        return;
    }
    let Some(entry) = response.entry("isBase64Encoded") else {
        return;
    };
    let value = &entry.value;
    let fix = match &value.kind {
        ValueKind::Bool(_) | ValueKind::Unknown | ValueKind::Null => return,
        ValueKind::StringLiteral(text) => fixes::spelled_bool(text),
        ValueKind::Integer(number) if value.defined_at.is_none() => Some(*number != 0),
        _ => None,
    };
    let fix = fix.map(|flag| fixes::use_boolean(ctx.facts.language, value.range, flag));
    sink.report(
        value.range,
        format!(
            "`isBase64Encoded` is {}; API Gateway documents a boolean",
            value.kind.describe(ctx.facts.language)
        ),
    )
    .with_fix(fix);
}
